// Package webhook holds the admission webhooks of s3am.io/v1alpha1: a
// defaulter that fills a PrefixGrant's connection with the default
// S3Connection, and validators for PrefixGrant and S3Connection.
//
// The CRD schema and its CEL rules already refuse malformed objects, so the
// validators repeat those checks in Go, with the functions the rest of the
// project uses (internal/keys): objects stored while an older schema was
// installed are checked too, and the two layers cannot drift apart unnoticed
// (test/validation runs one table of bad inputs against both). What the schema
// cannot know is checked only here: that a namespace may grant what it asks
// for (internal/delegation), that at most one connection is the default, and
// that the connection a grant names exists (a warning, since GitOps tools may
// apply the grant first).
package webhook
