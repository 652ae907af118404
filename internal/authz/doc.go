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
// The snapshot is sharded by subject (user or group name) and, within a
// subject, by connection and bucket; a grant change therefore copies one shard
// map and rebuilds the prefix sets of that grant's subjects in that bucket, not
// the whole index.
//
// Everything fails closed: before MarkSynced every request is denied with
// ReasonNotSynced; a connection the index has not been told about, or one that
// is not ready, denies; keys are validated with keys.ValidateKey before any
// lookup, and prefixes match byte-exactly on path-segment boundaries
// (keys.Covers).
//
// The package is pure: it imports internal/keys and internal/grant only.
package authz
