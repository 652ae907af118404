// Package reviewsource turns PrefixGrants and S3Connections into the entries
// of an access review (internal/accessreview): from the live cluster, where
// the operator's conditions and the index's rules say whether a grant is in
// effect, and from manifests offline, where grantstatus judges it as the
// operator would.
package reviewsource
