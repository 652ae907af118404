package policy

import (
	"strings"
	"testing"
)

func TestEscapeWildcards(t *testing.T) {
	cases := map[string]string{
		"":                     "",
		"plain/":               "plain/",
		"a*b/":                 "a${*}b/",
		"what?/":               "what${?}/",
		"cost$/":               "cost${$}/",
		"${aws:username}/":     "${$}{aws:username}/",
		"*?$/":                 "${*}${?}${$}/",
		"already${*}escaped/":  "already${$}{${*}}escaped/",
		"ünï code/with space/": "ünï code/with space/",
	}
	for in, want := range cases {
		if got := EscapeWildcards(in); got != want {
			t.Errorf("EscapeWildcards(%q) = %q, want %q", in, got, want)
		}
		if got := UnescapeWildcards(EscapeWildcards(in)); got != in {
			t.Errorf("UnescapeWildcards(EscapeWildcards(%q)) = %q", in, got)
		}
	}
}

func TestEscapeVariables(t *testing.T) {
	if got := EscapeVariables("a*b?/${x}/"); got != "a*b?/${$}{x}/" {
		t.Errorf("EscapeVariables = %q", got)
	}
	if got := UnescapeWildcards(EscapeVariables("a*b?/${x}/")); got != "a*b?/${x}/" {
		t.Errorf("round trip = %q", got)
	}
}

func TestARNs(t *testing.T) {
	if got := BucketARN("", "b"); got != "arn:aws:s3:::b" {
		t.Errorf("BucketARN = %q", got)
	}
	if got := ObjectARN("aws-cn", "b", ""); got != "arn:aws-cn:s3:::b/*" {
		t.Errorf("whole bucket ObjectARN = %q", got)
	}
	if got := ObjectARN("", "b", "x*/"); got != "arn:aws:s3:::b/x${*}/*" {
		t.Errorf("ObjectARN = %q", got)
	}
}

// TestEscapedARNMatchesLiterally checks the property the escaping exists for:
// under IAM's matching (here the linter's matcher and the evaluator's), an
// escaped prefix pattern matches keys under that literal prefix only.
func TestEscapedARNMatchesLiterally(t *testing.T) {
	for _, tc := range []struct {
		prefix, key string
		want        bool
	}{
		{"a*/", "a*/file", true},
		{"a*/", "abc/file", false},
		{"a?/", "ab/file", false},
		{"a?/", "a?/file", true},
		{"a$/", "a$/x", true},
		{"${aws:username}/", "${aws:username}/x", true},
		{"${aws:username}/", "alice/x", false},
		{"up/", "up/x", true},
		{"up/", "uploads/x", false},
	} {
		pattern := ObjectARN("", "b", tc.prefix)
		arn := "arn:aws:s3:::b/" + tc.key
		if got := arnGlob(pattern, arn); got != tc.want {
			t.Errorf("arnGlob(%q, %q) = %v, want %v", pattern, arn, got, tc.want)
		}
		r := Request{Action: "s3:GetObject", Resource: arn}
		doc := Document{Version: Version, Statement: []Statement{{Effect: Allow, Action: Values{"s3:GetObject"}, Resource: Values{pattern}}}}
		if got := Evaluate([]Document{doc}, r).Allowed; got != tc.want {
			t.Errorf("Evaluate(%q on %q) = %v, want %v", pattern, arn, got, tc.want)
		}
	}
}

func TestARNGlob(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"*", "anything", true},
		{"s3:get*", "s3:getobject", true},
		{"s3:get*", "s3:putobject", false},
		{"s3:?etobject", "s3:getobject", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/p/${*}/*", true},
		{"a${*}", "a*", true},
		{"a${*}", "ab", false},
		{"a${x}", "ax", false},
		{"?", "ü", true},
		{"", "", true},
		{"", "a", false},
	} {
		if got := arnGlob(tc.p, tc.s); got != tc.want {
			t.Errorf("arnGlob(%q, %q) = %v, want %v", tc.p, tc.s, got, tc.want)
		}
	}
}

func TestParseS3ARN(t *testing.T) {
	a, ok := parseS3ARN("arn:aws:s3:::bucket/key/part")
	if !ok || a.bucket != "bucket" || a.key != "key/part" || !a.hasKey || a.partition != "aws" {
		t.Errorf("parseS3ARN = %+v, %v", a, ok)
	}
	if _, ok := parseS3ARN("arn:aws:s3:eu-west-1:111122223333:accesspoint/ap"); ok {
		t.Error("access point ARN parsed as a bucket ARN")
	}
	if !hasUnescapedWildcard("b*") || hasUnescapedWildcard("b${*}") || !hasUnescapedWildcard("b${*}?") {
		t.Error("hasUnescapedWildcard")
	}
}

func TestValidateKMSKeyARN(t *testing.T) {
	good := []string{seedKMSKey, "arn:aws:kms:us-east-1:111122223333:alias/uploads"}
	for _, arn := range good {
		if err := validateKMSKeyARN(arn, "aws"); err != nil {
			t.Errorf("%s: %v", arn, err)
		}
	}
	bad := []string{
		"1234abcd-12ab-34cd-56ef-1234567890ab",
		"arn:aws-cn:kms:cn-north-1:111122223333:key/abc",
		"arn:aws:kms:eu-west-1:111122223333:key/*",
		"arn:aws:kms:eu-west-1::key/abc",
		"arn:aws:kms:eu-west-1:111122223333:secret/abc",
	}
	for _, arn := range bad {
		if err := validateKMSKeyARN(arn, "aws"); err == nil || !strings.Contains(err.Error(), "KMS key ARN") {
			t.Errorf("%s: err = %v", arn, err)
		}
	}
}
