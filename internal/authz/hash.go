package authz

import (
	"math/bits"
	"math/rand/v2"
)

// The hot path hashes the user and every group of each request, so names
// are hashed with a small multiply-mix hash (in the manner of wyhash) that
// reads a short name in two loads, rather than through hash/maphash. The seed is
// random per index, so that nobody can choose names that pile into one
// probe sequence; a collision only costs a longer probe, never a wrong
// answer, since a probe compares the whole name.
const (
	hashK0 = 0xa0761d6478bd642f
	hashK1 = 0xe7037ed1a0b428db
	hashK2 = 0x8ebc6af09c88c6e3
)

// newHashSeed returns a random seed for nameHash.
func newHashSeed() uint64 { return rand.Uint64() }

// mix folds two words into one with a 64×64→128-bit multiply.
func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// load64 reads 8 bytes of s at i, little-endian (the compiler merges the
// byte loads into one).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// load32 reads 4 bytes of s at i, little-endian.
func load32(s string, i int) uint64 {
	s = s[i : i+4]
	return uint64(uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24)
}

// nameHash hashes s with seed.
func nameHash(seed uint64, s string) uint64 {
	n := len(s)
	seed ^= hashK0
	var a, b uint64
	switch {
	case n > 16:
		i := 0
		for ; n-i > 16; i += 16 {
			seed = mix(load64(s, i)^hashK1, load64(s, i+8)^seed)
		}
		// The last 16 bytes, overlapping the loop's if need be.
		a, b = load64(s, n-16), load64(s, n-8)
	case n >= 8: // 8 to 16 bytes: two loads that may overlap
		a, b = load64(s, 0), load64(s, n-8)
	case n >= 4:
		a, b = load32(s, 0), load32(s, n-4)
	case n > 0:
		a = uint64(s[0])<<16 | uint64(s[n>>1])<<8 | uint64(s[n-1])
	}
	return mix(hashK1^uint64(n), mix(a^hashK1, b^seed)^hashK2)
}
