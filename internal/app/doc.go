// Package app composes the s3am processes. The operator (`s3am operator`,
// and the operator half of `s3am all`) is a manager built from
// OperatorOptions, with the reconcilers, the admission webhooks and probes
// registered by SetupOperator; the options decide the client's rate limit,
// the reconcilers' concurrency and the cache, and Validate refuses what the
// manager would only refuse once running.
//
// The serving stack is composed from a controller-runtime manager: the
// authorization index and its feeder (Feed), then the connections, the
// authenticators, the audit recorder, the Echo server and the web app
// (Server). `s3am server`, `s3am all` and every test that serves the partner
// API in-process build it here, so a fix to the wiring reaches all of them.
//
// The two halves are separate because a test binary feeds one index for many
// tests, each with a server of its own; a process builds both with New.
package app
