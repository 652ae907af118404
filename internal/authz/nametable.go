package authz

// nameTable maps subject names to prefix sets by open addressing on a seeded
// 64-bit hash of the name. It exists for the hot path: the hash of a name is
// computed once and picks both the shard and the slot, and a name that is not
// in the table (most of a principal's groups) costs one or two slot reads and
// no string comparison. Its length is a power of two and it is at most half
// full, so every probe sequence reaches an empty slot. It is immutable once
// built; nil is the empty table.
type nameTable []slot

type slot struct {
	hash uint64
	// set is nil in an empty slot; set.name is the key.
	set *prefixSet
}

// get returns the set of name, whose hash is h, or nil.
func (t nameTable) get(h uint64, name string) *prefixSet {
	if len(t) == 0 {
		return nil
	}
	mask := uint64(len(t) - 1)
	for i := (h >> nameShardBits) & mask; ; i = (i + 1) & mask {
		s := &t[i]
		if s.set == nil {
			return nil
		}
		if s.hash == h && s.set.name == name {
			return s.set
		}
	}
}

// newNameTable builds a table of the given entries.
func newNameTable(entries []slot) nameTable {
	if len(entries) == 0 {
		return nil
	}
	size := 2
	for size < 2*len(entries) {
		size *= 2
	}
	t := make(nameTable, size)
	mask := uint64(size - 1)
	for _, e := range entries {
		i := (e.hash >> nameShardBits) & mask
		for t[i].set != nil {
			i = (i + 1) & mask
		}
		t[i] = e
	}
	return t
}

// each calls fn for every set in t.
func (t nameTable) each(fn func(*prefixSet)) {
	for _, s := range t {
		if s.set != nil {
			fn(s.set)
		}
	}
}
