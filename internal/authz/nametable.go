package authz

// smallTableMax is the most names a nameTable scans one by one; a larger
// table uses a map. A deployment has a few connections and a few buckets
// each, and comparing a handful of short strings costs less than hashing
// one for a map.
const smallTableMax = 8

// nameTable maps names (of connections, of buckets) to values on the hot
// path. It is immutable once built.
type nameTable[V any] struct {
	// prints holds the fingerprint of each name, compared before the name
	// itself: most names of a deployment differ only in their last bytes
	// ("conn-1", "conn-2"), which a string comparison reaches last.
	prints []uint64
	names  []string
	vals   []V
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
	t.prints = make([]uint64, 0, len(m))
	t.names = make([]string, 0, len(m))
	t.vals = make([]V, 0, len(m))
	for k, v := range m {
		t.prints = append(t.prints, fingerprint(k))
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
	f := fingerprint(name)
	for i, x := range t.prints {
		if x == f && t.names[i] == name {
			return t.vals[i], true
		}
	}
	var zero V
	return zero, false
}

// fingerprint is the length of s and its last bytes, up to seven.
func fingerprint(s string) uint64 {
	n := len(s)
	if n >= 8 {
		return load64(s, n-8)>>8 | uint64(n)<<56
	}
	var f uint64
	for i := range n {
		f = f<<8 | uint64(s[i])
	}
	return f | uint64(n)<<56
}
