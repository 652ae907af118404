package authz

import (
	"hash/maphash"

	"github.com/s3am/s3-access-manager/internal/grant"
)

// nameShards splits the subjects of one bucket so that a grant change
// rebuilds one small table instead of a table of every subject; the low
// nameShardBits of a name's hash pick the shard. subjectShards splits the
// subject index of Roots in the same way; it holds every subject, so it has
// more shards.
const (
	nameShardBits = 6
	nameShards    = 1 << nameShardBits
	subjectShards = 256
)

// snapshot is one immutable state of the index. Writers copy what they change
// and publish the copy; nothing reachable from a published snapshot is ever
// written again.
//
// The read path is: connection name → bucket name (string-keyed maps), then
// for the user and each group one hash of the name, which picks a shard and a
// slot in that shard's nameTable.
type snapshot struct {
	synced bool
	seed   maphash.Seed
	conns  map[string]*connState
	// subjectLocations lists, per subject, where it has grants (for Roots).
	subjectLocations [subjectShards]map[grant.Subject][]location
	grantCount       int
}

// connState is what the index knows of one connection: its readiness and the
// grants on its buckets.
type connState struct {
	// known is false for a connection that grants name but that the index was
	// never told about (or was told to forget).
	known, ready bool
	buckets      map[string]*bucketTable
}

// Indexes of bucketTable.names.
const (
	userNames = iota
	groupNames
)

// bucketTable holds the prefix sets of every subject with grants in one
// bucket, users and groups apart, each sharded by name hash.
type bucketTable struct {
	names [2][nameShards]nameTable
}

// location is a bucket of a connection.
type location struct{ connection, bucket string }

// hash is the seeded hash of a subject name.
func (s *snapshot) hash(name string) uint64 { return maphash.String(s.seed, name) }

// bucket returns the table of loc, or nil.
func (s *snapshot) bucket(loc location) *bucketTable {
	if cs := s.conns[loc.connection]; cs != nil {
		return cs.buckets[loc.bucket]
	}
	return nil
}

// kindIndex maps a subject kind to its bucketTable.names index.
func kindIndex(k grant.SubjectKind) int {
	if k == grant.User {
		return userNames
	}
	return groupNames
}

// set returns the prefix set of the named user or group (kind is userNames
// or groupNames) in bt, or nil.
func (s *snapshot) set(bt *bucketTable, kind int, name string) *prefixSet {
	if bt == nil {
		return nil
	}
	h := s.hash(name)
	return bt.names[kind][h%nameShards].get(h, name)
}

// readyConnection returns the state of a ready connection, or the reason to
// deny requests on it.
func (s *snapshot) readyConnection(name string) (*connState, Reason) {
	cs := s.conns[name]
	switch {
	case cs == nil || !cs.known:
		return nil, ReasonUnknownConnection
	case !cs.ready:
		return nil, ReasonConnectionNotReady
	}
	return cs, ""
}
