// Package notify delivers upload notifications to a webhook: CloudEvents 1.0
// in structured JSON mode, signed with HMAC-SHA256 over the body, from a
// bounded queue, each call with a deadline, retried with exponential backoff.
//
// Receivers check the signature with Verify (or its three lines of logic):
// the header SignatureHeader holds "sha256=" and the lowercase hex
// HMAC-SHA256 of the exact body bytes under the shared secret.
package notify
