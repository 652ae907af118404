// Package controllers holds the reconcilers. They translate between API
// objects and the pure packages (policy, authz, grantstatus) and talk to
// providers only through the small interfaces of internal/s3conn and
// internal/providers.
package controllers

// Field indexes the reconcilers register on the manager's cache.
const (
	// indexGrantConnection indexes PrefixGrants by spec.connection ("" for
	// grants that rely on the default connection).
	indexGrantConnection = "spec.connection"
)
