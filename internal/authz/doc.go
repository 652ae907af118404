// Package authz is the authorization index: it answers "may this principal do
// this to this object?" from the Ready PrefixGrants, in memory, without
// blocking or allocating.
//
// An Index holds an immutable snapshot behind an atomic pointer. Readers
// (Decide, CanList, Roots) load the pointer and never take a lock. Writers
// (Replace, Upsert, Delete, SetConnectionReady, RemoveConnection, MarkSynced)
// are serialized, build a new snapshot that shares every unchanged part with
// the old one, and swap it in.
//
// A snapshot maps connection → bucket → subject name → the subject's grant
// roots in that bucket. Names are found through small open-addressed tables
// sharded by a seeded hash of the name, so a request costs two lookups in
// small name tables plus one hash and one table probe per user or group of
// the principal, and a grant change rebuilds one shard per subject of the
// grant instead of the whole index.
//
// Everything fails closed: before MarkSynced every request is denied with
// ReasonNotSynced; a connection the index has not been told about, or one that
// is not ready, denies; keys are validated with keys.ValidateKey before any
// lookup, and prefixes match byte-exactly on path-segment boundaries
// (keys.Covers). When several grants allow a request, the one with the longest
// prefix decides, then the smallest namespace, then the smallest name.
//
// The package is pure: it imports internal/keys and internal/grant only.
package authz
