// Package s3conn turns an S3Connection spec into a working aws-sdk-go-v2
// configuration, tests it, and mints session-policy-scoped STS credentials.
//
// The controller reads Secrets and ConfigMaps; this package never talks to
// Kubernetes. It receives their bytes through the small SecretReader and
// ConfigMapReader interfaces, so it can be used and tested without a cluster.
//
// Secret material is kept out of everything this package prints: Credentials
// redacts itself under every fmt verb, JSON and slog, and Error (what Test and
// AssumeWithSessionPolicy return) strips access key IDs, secrets and session
// tokens from server messages, which on AWS can echo the access key ID.
package s3conn
