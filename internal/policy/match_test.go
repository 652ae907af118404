package policy

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// matchCase is a pattern, the string matched against it, and the outcome.
type matchCase struct {
	pattern, s string
	want       tri
}

// checkMatches runs each case through fn (match or matchResource) named name.
func checkMatches(t *testing.T, name string, mode matchMode, ctx map[string][]string, fn func(string, string, matchMode, map[string][]string) tri, cases []matchCase) {
	t.Helper()
	for _, c := range cases {
		if got := fn(c.pattern, c.s, mode, ctx); got != c.want {
			t.Errorf("%s(%q, %q) = %v, want %v", name, c.pattern, c.s, got, c.want)
		}
	}
}

func TestMatchWildcards(t *testing.T) {
	cases := []matchCase{
		{"", "", yes},
		{"", "a", no},
		{"*", "", yes},
		{"*", "anything/at/all", yes},
		{"a*", "a", yes},
		{"a*c", "abc", yes},
		{"a*c", "abcd", no},
		{"a*c*", "abcd", yes},
		{"*/uploads/*", "p/uploads/x/y", yes}, // '*' crosses '/'
		{"p/uploads/*", "p/uploads-old/x", no},
		{"p/uploads*", "p/uploads-old/x", yes},
		{"a?c", "abc", yes},
		{"a?c", "ac", no},
		{"a?c", "abbc", no},
		{"?", "é", yes}, // '?' is one character, not one byte
		{"??", "é", no},
		{"*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", no},
		{"*ab*ab", "xxabyyabab", yes},
		{"a**b", "ab", yes},
	}
	checkMatches(t, "match", modeWildcards, nil, match, cases)
}

func TestMatchLiteralModeTreatsWildcardsAsCharacters(t *testing.T) {
	if match("a*", "abc", 0, nil) != no || match("a*", "a*", 0, nil) != yes {
		t.Fatal("without modeWildcards '*' must be a literal")
	}
	if match("a?", "a?", 0, nil) != yes || match("a?", "ab", 0, nil) != no {
		t.Fatal("without modeWildcards '?' must be a literal")
	}
}

func TestMatchFold(t *testing.T) {
	cases := []matchCase{
		{"s3:getobject", "s3:GetObject", yes},
		{"S3:Get*", "s3:getObjectTagging", yes},
		{"s3:Put?bject", "S3:PUTOBJECT", yes},
		{"straße", "STRASSE", no}, // simple folding only, as strings.EqualFold
		{"ÉTÉ", "été", yes},
	}
	checkMatches(t, "fold match", modeWildcards|modeFold, nil, match, cases)
	if match("ABC", "abc", modeWildcards, nil) != no {
		t.Error("without modeFold matching is case-sensitive")
	}
}

// The special variables ${*}, ${?} and ${$} stand for the literal characters
// ("IAM policy elements: Variables and tags", Special characters).
func TestMatchSpecialVariables(t *testing.T) {
	mode := modeWildcards | modeVars
	cases := []matchCase{
		{"a${*}b", "a*b", yes},
		{"a${*}b", "axxb", no},
		{"a${?}b", "a?b", yes},
		{"a${?}b", "axb", no},
		{"a${$}b", "a$b", yes},
		{"cost${$}{x}/*", "cost${x}/file", yes},
		{"a${*}/*", "a*/deep/key", yes},
		{"a$b", "a$b", yes}, // a lone '$' is literal
	}
	checkMatches(t, "match", mode, nil, match, cases)
	// Without modeVars (Action, or a pre-2012-10-17 document) "${*}" is text.
	if match("a${*}b", "a${*}b", modeWildcards, nil) != yes {
		t.Error("without modeVars ${*} is literal text")
	}
}

func TestMatchContextVariables(t *testing.T) {
	mode := modeWildcards | modeVars
	ctx := map[string][]string{"aws:username": {"alice"}, "aws:TagKeys": {"a", "b"}}
	cases := []matchCase{
		{"home/${aws:username}/*", "home/alice/x", yes},
		{"home/${AWS:UserName}/*", "home/alice/x", yes}, // key names are case-insensitive
		{"home/${aws:username}/*", "home/bob/x", no},
		{"home/${aws:userid, 'anon'}/*", "home/anon/x", yes},
		{"home/${aws:username, 'anon'}/*", "home/alice/x", yes},
		// Unresolvable: absent or multivalued. A definite mismatch elsewhere is
		// still "no"; otherwise the answer is "maybe".
		{"home/${aws:userid}/*", "home/x/y", maybe},
		{"home/${aws:userid}/*", "other/x/y", no},
		{"home/${aws:TagKeys}", "home/a", maybe},
		{"home/${unterminated", "home/x", maybe},
	}
	checkMatches(t, "match", mode, ctx, match, cases)
}

func TestMatchResourceFields(t *testing.T) {
	mode := modeWildcards | modeVars
	ctx := map[string][]string{"aws:username": {"alice"}}
	cases := []matchCase{
		{"*", "arn:aws:s3:::b/k", yes},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/k:with:colons", yes},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", no},
		{"arn:aws:s3:::b", "arn:aws:s3:::b/k", no},
		{"arn:aws:s3:::b/p/*", "arn:aws:s3:::b/p-old/x", no},
		{"arn:aws:s3:::b/p*", "arn:aws:s3:::b/p-old/x", yes},
		{"arn:*:s3:::b/*", "arn:aws-cn:s3:::b/k", yes},
		// '*' in one field does not swallow the next one (ArnLike semantics).
		{"arn:aws:s3:*::b/*", "arn:aws:s3:::x:b/k", no},
		{"arn:aws:s3:*:*/k", "arn:aws:s3:::x:b/k", maybe}, // five fields: malformed
		{"arn:aws:s3:*:*/k", "arn:aws:s3:::x:b/z", no},
		{"not-an-arn", "not-an-arn", maybe},
		{"arn:aws:s3:::B/*", "arn:aws:s3:::b/k", no}, // resources are case-sensitive
		{"arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/alice/k", yes},
		{"arn:aws:s3:::b/${aws:userid}/*", "arn:aws:s3:::b/alice/k", maybe},
		{"arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*", yes},
		{"arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x", no},
	}
	checkMatches(t, "matchResource", mode, ctx, matchResource, cases)
}

// TestMatchAgreesWithRegexp cross-checks the matcher against a regular
// expression translation on a small alphabet, exhaustively for short strings.
func TestMatchAgreesWithRegexp(t *testing.T) {
	alphabet := []string{"a", "b", "/"}
	patternAlphabet := []string{"a", "b", "/", "*", "?"}
	var strs, pats []string
	var gen func(prefix string, n int, alpha []string, out *[]string)
	gen = func(prefix string, n int, alpha []string, out *[]string) {
		*out = append(*out, prefix)
		if n == 0 {
			return
		}
		for _, c := range alpha {
			gen(prefix+c, n-1, alpha, out)
		}
	}
	gen("", 5, alphabet, &strs)
	gen("", 4, patternAlphabet, &pats)
	for _, p := range pats {
		var re strings.Builder
		re.WriteString("^")
		for _, c := range p {
			switch c {
			case '*':
				re.WriteString(".*")
			case '?':
				re.WriteString(".")
			default:
				re.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		re.WriteString("$")
		rx := regexp.MustCompile(re.String())
		for _, s := range strs {
			if got, want := match(p, s, modeWildcards, nil), triOf(rx.MatchString(s)); got != want {
				t.Fatalf("match(%q, %q) = %v, regexp says %v", p, s, got, want)
			}
		}
	}
}

func TestMatchDoesNotAllocate(t *testing.T) {
	ctx := map[string][]string{"aws:username": {"alice"}}
	allocs := testing.AllocsPerRun(100, func() {
		match("arn:aws:s3:::b/${aws:username}/*${*}", "arn:aws:s3:::b/alice/x/y*", modeWildcards|modeVars, ctx)
		matchResource("arn:aws:s3:::b/p/*", "arn:aws:s3:::b/p/x", modeWildcards|modeVars, ctx)
		match("S3:GET*", "s3:GetObject", modeWildcards|modeFold, nil)
	})
	if allocs != 0 {
		t.Fatalf("matching allocated %v times per run", allocs)
	}
}

func (t tri) String() string {
	switch t {
	case yes:
		return "yes"
	case no:
		return "no"
	}
	return "maybe"
}

// FuzzMatch checks that matching never panics and, for patterns without
// context variables, agrees with a regular expression translation.
func FuzzMatch(f *testing.F) {
	f.Add("a*${*}?${aws:x, 'd'}${", "a*b", uint8(7))
	f.Add("*a?${?}${$}b*", "xa1?$bb", uint8(5))
	f.Fuzz(func(t *testing.T, p, s string, mode uint8) {
		ctx := map[string][]string{"aws:x": {"v"}}
		got := match(p, s, matchMode(mode&7), ctx)
		matchResource(p, s, matchMode(mode&7), ctx)
		if !utf8.ValidString(p) || !utf8.ValidString(s) {
			return
		}
		if rx, ok := wildcardRegexp(p); ok {
			if want := triOf(rx.MatchString(s)); got != want && matchMode(mode&7) == modeWildcards|modeVars {
				t.Fatalf("match(%q, %q) = %v, regexp %s says %v", p, s, got, rx, want)
			}
		}
	})
}

// wildcardRegexp translates a pattern of '*', '?', ${*}, ${?}, ${$} and
// literals; it reports false for patterns with other variables.
func wildcardRegexp(p string) (*regexp.Regexp, bool) {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); {
		switch {
		case strings.HasPrefix(p[i:], "${"):
			if len(p) < i+4 || p[i+3] != '}' || !strings.ContainsRune("*?$", rune(p[i+2])) {
				return nil, false
			}
			b.WriteString(regexp.QuoteMeta(p[i+2 : i+3]))
			i += 4
		case p[i] == '*':
			b.WriteString("(?s:.*)")
			i++
		case p[i] == '?':
			b.WriteString("(?s:.)")
			i++
		default:
			r, w := utf8.DecodeRuneInString(p[i:])
			b.WriteString(regexp.QuoteMeta(string(r)))
			i += w
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String()), true
}
