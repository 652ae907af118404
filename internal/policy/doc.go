// Package policy models IAM policy documents and generates, packs, lints and
// evaluates the least-privilege S3 policies that grants call for.
//
// It is pure Go: no Kubernetes, no network. GitOps pipelines run it offline
// through `s3am policy` and `s3am can-i`; the controllers run it to produce the
// connection policy, and the server to produce per-subject session policies.
package policy
