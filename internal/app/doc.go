// Package app composes the serving stack from a controller-runtime manager:
// the authorization index and its feeder (Feed), then the connections, the
// authenticators, the audit recorder, the Echo server and the web app
// (Server). `s3am server`, `s3am all` and every test that serves the partner
// API in-process build it here, so a fix to the wiring reaches all of them.
//
// The two halves are separate because a test binary feeds one index for many
// tests, each with a server of its own; a process builds both with New.
package app
