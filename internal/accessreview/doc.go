// Package accessreview answers the reviewer's questions about grants: who can
// reach a bucket prefix (or a key), through which grant, with which
// permissions, until when and whether the grant is in effect; everything a
// user or group can do; and the export of every grant for periodic
// recertification.
//
// It works on Entries: grants together with their state, as the live cluster
// (the PrefixGrant conditions) or the offline manifests (grantstatus) see them.
// The authorization index holds only the grants in effect and answers about
// one principal at a time; a review needs every grant, in effect or not, for
// every subject, so it has its own, linear query. Its answers about grants in
// effect agree with authz.Index.Decide: the property test checks it on random
// grant sets.
//
// The package is pure: it imports internal/keys, internal/grant and
// internal/authz only.
package accessreview
