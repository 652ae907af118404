package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tri is the outcome of a test that a malformed or unresolvable policy can make
// undecidable. The evaluator never lets "maybe" grant anything, and lets it deny
// (see Evaluate), so a policy it does not understand fails closed.
type tri uint8

const (
	no tri = iota
	yes
	maybe
)

func triOf(b bool) tri {
	if b {
		return yes
	}
	return no
}

func (t tri) not() tri {
	switch t {
	case yes:
		return no
	case no:
		return yes
	}
	return maybe
}

// and combines two outcomes that must both hold: a definite no decides.
func (t tri) and(u tri) tri {
	if t == no || u == no {
		return no
	}
	if t == maybe || u == maybe {
		return maybe
	}
	return yes
}

// or combines alternatives: a definite yes decides. It is and's dual (De
// Morgan), so the two cannot drift apart.
func (t tri) or(u tri) tri {
	return t.not().and(u.not()).not()
}

// matchMode says how a policy string is compared with a request string.
type matchMode uint8

const (
	// modeWildcards makes '*' match any run of characters (including '/') and
	// '?' exactly one character, as in Action, Resource and StringLike.
	modeWildcards matchMode = 1 << iota
	// modeFold compares case-insensitively, as for actions and
	// StringEqualsIgnoreCase.
	modeFold
	// modeVars expands ${...} policy variables, which IAM supports in Resource
	// and in string condition values of policies with Version 2012-10-17.
	modeVars
)

type tokenKind uint8

const (
	tokLiteral tokenKind = iota
	tokStar
	tokQuestion
	// tokUnknown is a variable the request cannot resolve, or a malformed one.
	// It matches like '*' so that a definite mismatch of the rest of the pattern
	// is still a definite "no", and turns a match into "maybe".
	tokUnknown
)

// match compares the policy pattern p with the request value s. It allocates
// nothing: literals and resolved variables are substrings of p or of ctx.
//
// The algorithm is the classic single-backtrack wildcard matcher generalised to
// multi-character literal tokens: after a '*' each literal run is matched at the
// leftmost position that works, and on a mismatch the last '*' absorbs one more
// character. That is exact for patterns made of '*', '?' and literals.
func match(p, s string, mode matchMode, ctx map[string][]string) tri {
	pi, si := 0, 0
	starP, starS := -1, 0
	unknown := false
	for {
		if pi < len(p) {
			kind, lit, next := nextToken(p, pi, mode, ctx)
			switch kind {
			case tokStar, tokUnknown:
				if kind == tokUnknown {
					unknown = true
				}
				pi, starP, starS = next, next, si
				continue
			case tokQuestion:
				if si < len(s) {
					_, w := utf8.DecodeRuneInString(s[si:])
					pi, si = next, si+w
					continue
				}
			case tokLiteral:
				if n, ok := hasPrefix(s[si:], lit, mode&modeFold != 0); ok {
					pi, si = next, si+n
					continue
				}
			}
		} else if si == len(s) {
			if unknown {
				return maybe
			}
			return yes
		}
		if starP < 0 || starS >= len(s) {
			return no
		}
		_, w := utf8.DecodeRuneInString(s[starS:])
		starS += w
		pi, si = starP, starS
	}
}

// nextToken reads the token of p at i and returns the index after it.
func nextToken(p string, i int, mode matchMode, ctx map[string][]string) (tokenKind, string, int) {
	wild := mode&modeWildcards != 0
	vars := mode&modeVars != 0
	switch {
	case wild && p[i] == '*':
		return tokStar, "", i + 1
	case wild && p[i] == '?':
		return tokQuestion, "", i + 1
	case vars && strings.HasPrefix(p[i:], "${"):
		return variable(p, i, ctx)
	}
	j := i + 1
	for j < len(p) {
		c := p[j]
		if wild && (c == '*' || c == '?') || vars && c == '$' && strings.HasPrefix(p[j:], "${") {
			break
		}
		j++
	}
	return tokLiteral, p[i:j], j
}

// variable resolves the policy variable starting at p[i] ("${"). ${*}, ${?} and
// ${$} are the literal characters; ${key} is the single value of a request
// context key; ${key, 'default'} falls back to the quoted default. A key that is
// absent or has several values, and an unterminated "${", give tokUnknown: AWS
// says such a statement does not match, and the evaluator fails closed.
func variable(p string, i int, ctx map[string][]string) (tokenKind, string, int) {
	end := strings.IndexByte(p[i+2:], '}')
	if end < 0 {
		return tokUnknown, "", len(p)
	}
	body := p[i+2 : i+2+end]
	next := i + 2 + end + 1
	switch body {
	case "*", "?", "$":
		return tokLiteral, body, next
	}
	name, def, hasDefault := strings.Cut(body, ",")
	name = strings.TrimSpace(name)
	if vals, ok := lookup(ctx, name); ok && len(vals) == 1 {
		return tokLiteral, vals[0], next
	}
	if hasDefault {
		def = strings.TrimSpace(def)
		if len(def) >= 2 && def[0] == '\'' && def[len(def)-1] == '\'' {
			return tokLiteral, def[1 : len(def)-1], next
		}
	}
	return tokUnknown, "", next
}

// hasPrefix reports whether s starts with lit and how many bytes of s matched
// (with case folding the byte counts of s and lit may differ).
func hasPrefix(s, lit string, fold bool) (int, bool) {
	if !fold {
		return len(lit), strings.HasPrefix(s, lit)
	}
	n := 0
	for i := 0; i < len(lit); {
		if n >= len(s) {
			return 0, false
		}
		lc, sc := lit[i], s[n]
		if lc < utf8.RuneSelf && sc < utf8.RuneSelf {
			if lc != sc && lowerASCII(lc) != lowerASCII(sc) {
				return 0, false
			}
			i, n = i+1, n+1
			continue
		}
		lr, lw := utf8.DecodeRuneInString(lit[i:])
		sr, sw := utf8.DecodeRuneInString(s[n:])
		if lr != sr && !equalFoldRune(sr, lr) {
			return 0, false
		}
		i, n = i+lw, n+sw
	}
	return n, true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalFoldRune is Unicode simple case folding, as strings.EqualFold uses.
func equalFoldRune(a, b rune) bool {
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

// lookup finds a request context key. Key names are case-insensitive in IAM
// ("Context key names are not case-sensitive", IAM JSON policy elements:
// Condition); the exact spelling is tried first to stay allocation-free and fast.
func lookup(ctx map[string][]string, key string) ([]string, bool) {
	if v, ok := ctx[key]; ok {
		return v, true
	}
	for k, v := range ctx {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}
