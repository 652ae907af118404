package webhook

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/s3am/s3-access-manager/internal/keys"
)

// TestInvisibleRuleAgreesWithGo checks, for every code point, that the CEL
// rule the generated schemas put on grant and delegation prefixes refuses
// exactly the characters internal/keys refuses as invisible. CEL has no
// Unicode categories of its own and RE2 no class subtraction, so the rule
// spells the set differently from Go, and a new Unicode version could part
// them. cel-go evaluates matches() with Go's regexp package (RE2), and its
// string escapes \u and \U read as Go's.
func TestInvisibleRuleAgreesWithGo(t *testing.T) {
	for _, p := range []struct{ file, path string }{
		{"s3am.io_prefixgrants.yaml", "prefix"},
		{"s3am.io_s3connections.yaml", "delegations[].scopes[].prefix"},
	} {
		re := invisibleRule(t, p.file, p.path)
		for r := rune(0); r <= unicode.MaxRune; r++ {
			if !utf8.ValidRune(r) || unicode.IsControl(r) {
				continue
			}
			prefix := "a" + string(r) + "/"
			var ke *keys.Error
			goRefuses := errors.As(keys.ValidateGrantPrefix(prefix), &ke) && ke.Reason == keys.ReasonInvisibleCharacter
			if celRefuses := re.MatchString(prefix); celRefuses != goRefuses {
				t.Errorf("%s %s, %U: the CEL rule refuses it: %v, internal/keys refuses it as invisible: %v", p.file, p.path, r, celRefuses, goRefuses)
			}
		}
	}
}

// invisibleRule returns the regular expression of the rule on path whose
// message speaks of invisible characters.
func invisibleRule(t *testing.T, file, path string) *regexp.Regexp {
	t.Helper()
	for _, rule := range property(t, specSchema(t, file), path).XValidations {
		if !strings.Contains(rule.Message, "invisible") {
			continue
		}
		// The rule is !self.matches('<literal>'); the literal has no quotes.
		lit, ok := strings.CutPrefix(rule.Rule, "!self.matches('")
		lit, ok2 := strings.CutSuffix(lit, "')")
		if !ok || !ok2 || strings.ContainsAny(lit, `'"`) {
			t.Fatalf("%s %s: unexpected rule %q", file, path, rule.Rule)
		}
		pattern, err := strconv.Unquote(`"` + lit + `"`)
		if err != nil {
			t.Fatalf("%s %s: rule %q: %v", file, path, rule.Rule, err)
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			t.Fatalf("%s %s: rule %q: %v", file, path, rule.Rule, err)
		}
		return re
	}
	t.Fatalf("%s: no invisible-character rule on %s", file, path)
	return nil
}
