package authz

// smallTableMax is the most names a nameTable scans one by one; a larger
// table uses a map. A deployment has a few connections and a few buckets
// each, and comparing a handful of short strings costs less than hashing
// one for a map.
const smallTableMax = 8

// nameTable maps names (of connections, of buckets) to values on the hot
// path. It is immutable once built.
type nameTable[V any] struct {
	// hashes holds nameHash(0, name) of each name, compared before the
	// name itself: most names of a deployment differ only in their last
	// bytes ("conn-1", "conn-2"), which a string comparison reaches last.
	hashes []uint64
	names  []string
	vals  []V
	// m holds the names when there are more than smallTableMax.
	m map[string]V
}

// newNameTable returns the table of m, which it does not keep.
func newNameTable[V any](m map[string]V) nameTable[V] {
	var t nameTable[V]
	if len(m) > smallTableMax {
		t.m = make(map[string]V, len(m))
		for k, v := range m {
			t.m[k] = v
		}
		return t
	}
	t.hashes = make([]uint64, 0, len(m))
	t.names = make([]string, 0, len(m))
	t.vals = make([]V, 0, len(m))
	for k, v := range m {
		t.hashes = append(t.hashes, nameHash(0, k))
		t.names = append(t.names, k)
		t.vals = append(t.vals, v)
	}
	return t
}

// get returns the value of name.
func (t *nameTable[V]) get(name string) (V, bool) {
	if t.m != nil {
		v, ok := t.m[name]
		return v, ok
	}
	h := nameHash(0, name)
	for i, x := range t.hashes {
		if x == h && t.names[i] == name {
			return t.vals[i], true
		}
	}
	var zero V
	return zero, false
}
