// Package keys validates S3 object keys, prefixes and bucket names, and matches
// keys to grant prefixes on path-segment boundaries.
//
// It is the single source of truth for what a well-formed key is: the API's CEL
// rules, the admission webhook, the policy engine, the authorization index and
// the server all call it (or mirror it, in CEL's case) before doing anything
// else. It imports neither Kubernetes nor the network.
package keys
