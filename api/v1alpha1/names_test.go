package v1alpha1_test

import (
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/s3am/s3-access-manager/internal/keys"
)

// TestInvisibleRuleAgreesWithGo checks, for every code point, that the CEL
// rule the generated PrefixGrant schema puts on prefixes refuses exactly the
// characters internal/keys refuses as invisible. CEL has no Unicode
// categories, so the rule enumerates them, and a new Unicode version in Go
// would otherwise let the two drift apart. cel-go evaluates matches() with
// Go's regexp package (RE2), and its string escapes \u and \U read as Go's.
func TestInvisibleRuleAgreesWithGo(t *testing.T) {
	re := invisibleRule(t, "../../config/crd/bases/s3am.io_prefixgrants.yaml")
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) || unicode.IsControl(r) {
			continue
		}
		prefix := "a" + string(r) + "/"
		var ke *keys.Error
		goRefuses := errors.As(keys.ValidateGrantPrefix(prefix), &ke) && ke.Reason == keys.ReasonInvisibleCharacter
		if celRefuses := re.MatchString(prefix); celRefuses != goRefuses {
			t.Errorf("%U: the CEL rule refuses it: %v, internal/keys refuses it as invisible: %v", r, celRefuses, goRefuses)
		}
	}
}

// invisibleRule returns the regular expression of the prefix rule whose
// message speaks of invisible characters in the CRD at path.
func invisibleRule(t *testing.T, path string) *regexp.Regexp {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(data, &crd); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	spec := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
	for _, rule := range spec.Properties["prefix"].XValidations {
		if !strings.Contains(rule.Message, "invisible") {
			continue
		}
		// The rule is !self.matches('<literal>'); the literal has no quotes.
		lit, ok := strings.CutPrefix(rule.Rule, "!self.matches('")
		lit, ok2 := strings.CutSuffix(lit, "')")
		if !ok || !ok2 || strings.ContainsAny(lit, `'"`) {
			t.Fatalf("unexpected rule %q", rule.Rule)
		}
		pattern, err := strconv.Unquote(`"` + lit + `"`)
		if err != nil {
			t.Fatalf("rule %q: %v", rule.Rule, err)
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			t.Fatalf("rule %q: %v", rule.Rule, err)
		}
		return re
	}
	t.Fatalf("%s: no invisible-character rule on spec.prefix", path)
	return nil
}
