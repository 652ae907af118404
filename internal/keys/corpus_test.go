package keys_test

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// hostileCase is one line of testdata/hostile.txt.
type hostileCase struct {
	line   int
	kind   string // key, prefix, listprefix, bucket or parents
	input  string
	expect string // "valid" or a Reason (not used for parents)
	// parents is the expected result of a parents case.
	parents []string
	// covers lists coverage expectations of a valid key.
	covers []coverCase
}

type coverCase struct {
	prefix  string
	covered bool
}

func (c hostileCase) String() string {
	return fmt.Sprintf("line %d: %s %s", c.line, c.kind, abbreviate(c.input))
}

// abbreviate keeps subtest names and messages readable for 1 KiB inputs.
func abbreviate(s string) string {
	q := strconv.Quote(s)
	if len(q) > 60 {
		return fmt.Sprintf("%s...(%d bytes)", q[:50], len(s))
	}
	return q
}

// loadHostile parses testdata/hostile.txt; its format is described at the top
// of that file.
func loadHostile(tb testing.TB) []hostileCase {
	tb.Helper()
	f, err := os.Open("testdata/hostile.txt")
	if err != nil {
		tb.Fatalf("open corpus: %v", err)
	}
	defer f.Close()
	var cases []hostileCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		toks, err := tokenize(sc.Text())
		if err != nil {
			tb.Fatalf("testdata/hostile.txt:%d: %v", n, err)
		}
		if len(toks) == 0 {
			continue
		}
		c, err := parseCase(n, toks)
		if err != nil {
			tb.Fatalf("testdata/hostile.txt:%d: %v", n, err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("read corpus: %v", err)
	}
	return cases
}

// token is a bare word or a decoded string expression.
type token struct {
	text   string
	quoted bool
}

func tokenize(line string) ([]token, error) {
	var toks []token
	for {
		line = strings.TrimLeft(line, " \t")
		switch {
		case line == "" || line[0] == '#':
			return toks, nil
		case line[0] == '"':
			s, rest, err := parseExpr(line)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{text: s, quoted: true})
			line = rest
		default:
			end := strings.IndexAny(line, " \t")
			if end < 0 {
				end = len(line)
			}
			toks = append(toks, token{text: line[:end]})
			line = line[end:]
		}
	}
}

// parseExpr reads "a"*3+"b" from the start of s.
func parseExpr(s string) (value, rest string, err error) {
	var b strings.Builder
	for {
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return "", "", fmt.Errorf("bad quoted string at %q: %w", s, err)
		}
		part, err := strconv.Unquote(q)
		if err != nil {
			return "", "", fmt.Errorf("unquote %s: %w", q, err)
		}
		s = s[len(q):]
		times := 1
		if strings.HasPrefix(s, "*") {
			end := 1
			for end < len(s) && s[end] >= '0' && s[end] <= '9' {
				end++
			}
			if times, err = strconv.Atoi(s[1:end]); err != nil {
				return "", "", fmt.Errorf("bad repeat count in %q: %w", s, err)
			}
			s = s[end:]
		}
		b.WriteString(strings.Repeat(part, times))
		if !strings.HasPrefix(s, "+") {
			return b.String(), s, nil
		}
		s = s[1:]
	}
}

func parseCase(line int, toks []token) (hostileCase, error) {
	if len(toks) < 3 || toks[0].quoted || !toks[1].quoted {
		return hostileCase{}, fmt.Errorf("want <kind> <input> <expect>, got %d tokens", len(toks))
	}
	c := hostileCase{line: line, kind: toks[0].text, input: toks[1].text}
	rest := toks[2:]
	switch c.kind {
	case "parents":
		if len(rest) == 1 && !rest[0].quoted && rest[0].text == "none" {
			return c, nil
		}
		for _, t := range rest {
			if !t.quoted {
				return c, fmt.Errorf("parents wants quoted folders or none, got %q", t.text)
			}
			c.parents = append(c.parents, t.text)
		}
		return c, nil
	case "key", "prefix", "listprefix", "bucket":
	default:
		return c, fmt.Errorf("unknown kind %q", c.kind)
	}
	if rest[0].quoted {
		return c, fmt.Errorf("expect must be a bare word, got %q", rest[0].text)
	}
	c.expect = rest[0].text
	pairs := rest[1:]
	if len(pairs) > 0 && (c.kind != "key" || c.expect != "valid") {
		return c, fmt.Errorf("coverage pairs belong on valid keys only")
	}
	for len(pairs) > 0 {
		if len(pairs) < 2 || !pairs[0].quoted || pairs[1].quoted {
			return c, fmt.Errorf("want <\"prefix\"> covered|uncovered pairs")
		}
		switch pairs[1].text {
		case "covered", "uncovered":
		default:
			return c, fmt.Errorf("want covered or uncovered, got %q", pairs[1].text)
		}
		c.covers = append(c.covers, coverCase{prefix: pairs[0].text, covered: pairs[1].text == "covered"})
		pairs = pairs[2:]
	}
	return c, nil
}
