package policy

import (
	"testing"
)

// Evaluation order and session intersection are quoted from the IAM User Guide:
//   - "Policy evaluation logic" and "The difference between explicit and
//     implicit denies",
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
//   - "Session policies",
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session

func evalDoc(sts ...Statement) Document { return Document{Version: Version, Statement: sts} }

func evalObjectRequest(action, key string, ctx map[string][]string) Request {
	return Request{Action: action, Resource: "arn:aws:s3:::bucket/" + key, Context: ctx}
}

func TestEvaluateDefaultDeny(t *testing.T) {
	d := Evaluate(nil, evalObjectRequest("s3:GetObject", "a", nil))
	if d.Allowed || d.Reason != ReasonImplicitDeny || d.Statement != nil {
		t.Fatalf("no policy: %+v", d)
	}
	d = Evaluate([]Document{evalDoc(Statement{Effect: Allow, Action: Values{"s3:PutObject"}, Resource: Values{"*"}})},
		evalObjectRequest("s3:GetObject", "a", nil))
	if d.Allowed || d.Reason != ReasonImplicitDeny {
		t.Fatalf("other action: %+v", d)
	}
}

func TestEvaluateAllowNamesStatement(t *testing.T) {
	docs := []Document{
		evalDoc(Statement{Sid: "Other", Effect: Allow, Action: Values{"s3:PutObject"}, Resource: Values{"*"}}),
		evalDoc(
			Statement{Sid: "No", Effect: Allow, Action: Values{"s3:GetObject"}, Resource: Values{"arn:aws:s3:::other/*"}},
			Statement{Sid: "Read", Effect: Allow, Action: Values{"s3:Get*"}, Resource: Values{"arn:aws:s3:::bucket/p/*"}},
		),
	}
	d := Evaluate(docs, evalObjectRequest("s3:GetObject", "p/x", nil))
	want := StatementRef{Policy: IdentityPolicyType, Document: 1, Index: 1, Sid: "Read", Effect: Allow}
	if !d.Allowed || d.Reason != ReasonAllowed || d.Statement == nil || *d.Statement != want {
		t.Fatalf("got %v, want allowed by %v", d, want)
	}
}

// "If policies that apply to a request include an Allow statement and a Deny
// statement, the Deny statement trumps the Allow statement" (The difference
// between explicit and implicit denies), across documents and in any order.
func TestEvaluateExplicitDenyWins(t *testing.T) {
	allow := Statement{Sid: "Allow", Effect: Allow, Action: Values{"s3:*"}, Resource: Values{"*"}}
	deny := Statement{Sid: "Deny", Effect: Deny, Action: Values{"s3:GetObject"}, Resource: Values{"arn:aws:s3:::bucket/secret/*"}}
	for _, docs := range [][]Document{
		{evalDoc(allow, deny)},
		{evalDoc(deny, allow)},
		{evalDoc(allow), evalDoc(deny)},
	} {
		d := Evaluate(docs, evalObjectRequest("s3:GetObject", "secret/x", nil))
		if d.Allowed || d.Reason != ReasonExplicitDeny || d.Statement == nil || d.Statement.Sid != "Deny" {
			t.Errorf("got %v, want ExplicitDeny by Deny", d)
		}
		if d := Evaluate(docs, evalObjectRequest("s3:GetObject", "public/x", nil)); !d.Allowed {
			t.Errorf("outside the deny: got %v", d)
		}
	}
}

func TestEvaluateActionsAreCaseInsensitive(t *testing.T) {
	docs := []Document{evalDoc(Statement{Effect: Allow, Action: Values{"S3:getobject"}, Resource: Values{"*"}})}
	if d := Evaluate(docs, evalObjectRequest("s3:GetObject", "k", nil)); !d.Allowed {
		t.Fatalf("got %v", d)
	}
}

func TestEvaluateResourcesAreCaseSensitive(t *testing.T) {
	docs := []Document{evalDoc(Statement{Effect: Allow, Action: Values{"s3:GetObject"}, Resource: Values{"arn:aws:s3:::bucket/Reports/*"}})}
	if d := Evaluate(docs, evalObjectRequest("s3:GetObject", "reports/x", nil)); d.Allowed {
		t.Fatalf("got %v", d)
	}
}

func TestEvaluateNotActionNotResource(t *testing.T) {
	docs := []Document{evalDoc(
		Statement{Sid: "AllButDelete", Effect: Allow, NotAction: Values{"s3:Delete*"}, Resource: Values{"arn:aws:s3:::bucket/*"}},
		Statement{Sid: "DenyOutsideP", Effect: Deny, Action: Values{"s3:PutObject"}, NotResource: Values{"arn:aws:s3:::bucket/p/*"}},
	)}
	for _, c := range []objectDecision{
		{"s3:GetObject", "x", true, ReasonAllowed},
		{"s3:DeleteObject", "x", false, ReasonImplicitDeny},
		{"s3:PutObject", "p/x", true, ReasonAllowed},
		{"s3:PutObject", "q/x", false, ReasonExplicitDeny},
		{"s3:PutObject", "p-old/x", false, ReasonExplicitDeny},
	} {
		c.check(t, Evaluate(docs, evalObjectRequest(c.action, c.key, nil)))
	}
}

// objectDecision is an action on an object key and the decision expected.
type objectDecision struct {
	action, key string
	allowed     bool
	reason      Reason
}

// check reports whether d is the decision expected, and an error if not.
func (c objectDecision) check(t *testing.T, d Decision) bool {
	t.Helper()
	if d.Allowed != c.allowed || d.Reason != c.reason {
		t.Errorf("%s %s: got %v, want %v", c.action, c.key, d, c.reason)
		return false
	}
	return true
}

func TestEvaluateSegmentBoundary(t *testing.T) {
	docs := []Document{evalDoc(Statement{Effect: Allow, Action: Values{"s3:GetObject"}, Resource: Values{"arn:aws:s3:::bucket/partner-a/uploads/*"}})}
	if d := Evaluate(docs, evalObjectRequest("s3:GetObject", "partner-a/uploads/x", nil)); !d.Allowed {
		t.Errorf("inside: %v", d)
	}
	if d := Evaluate(docs, evalObjectRequest("s3:GetObject", "partner-a/uploads-old/x", nil)); d.Allowed {
		t.Errorf("sibling sharing a string prefix: %v", d)
	}
}

func TestEvaluateEscapedKeyCharacters(t *testing.T) {
	docs := []Document{evalDoc(Statement{Effect: Allow, Action: Values{"s3:GetObject"},
		Resource: Values{"arn:aws:s3:::bucket/we${?}ird${*}${$}/*"}})}
	if d := Evaluate(docs, evalObjectRequest("s3:GetObject", "we?ird*$/x", nil)); !d.Allowed {
		t.Errorf("escaped characters: %v", d)
	}
	for _, key := range []string{"weXird*$/x", "we?irdXX$/x", "we?ird*X/x", "we?ird*$"} {
		if d := Evaluate(docs, evalObjectRequest("s3:GetObject", key, nil)); d.Allowed {
			t.Errorf("%q must not match the escaped pattern: %v", key, d)
		}
	}
}

// Statements the evaluator cannot decide never allow, and deny when they are
// Deny statements (or of an unknown Effect) that might apply.
func TestEvaluateFailsClosed(t *testing.T) {
	req := evalObjectRequest("s3:GetObject", "home/alice/x", nil)
	allowAll := Statement{Sid: "All", Effect: Allow, Action: Values{"s3:*"}, Resource: Values{"*"}}
	cases := []struct {
		name   string
		st     Statement
		allows bool
		reason Reason
	}{
		{"unresolved variable in an Allow", Statement{Effect: Allow, Action: Values{"s3:GetObject"},
			Resource: Values{"arn:aws:s3:::bucket/home/${aws:username}/*"}}, false, ReasonImplicitDeny},
		{"unsupported operator in an Allow", Statement{Effect: Allow, Action: Values{"s3:GetObject"}, Resource: Values{"*"},
			Condition: Condition{"IpAddress": {"aws:SourceIp": {"10.0.0.0/8"}}}}, false, ReasonImplicitDeny},
		{"Action and NotAction", Statement{Effect: Allow, Action: Values{"s3:GetObject"}, NotAction: Values{"s3:PutObject"},
			Resource: Values{"*"}}, false, ReasonImplicitDeny},
		{"no Resource", Statement{Effect: Allow, Action: Values{"s3:GetObject"}}, false, ReasonImplicitDeny},
	}
	for _, c := range cases {
		d := Evaluate([]Document{evalDoc(c.st)}, req)
		if d.Allowed != c.allows || d.Reason != c.reason {
			t.Errorf("%s: got %v, want %v", c.name, d, c.reason)
		}
	}
	denies := []struct {
		name string
		st   Statement
	}{
		{"unresolved variable in a Deny", Statement{Effect: Deny, Action: Values{"s3:GetObject"},
			Resource: Values{"arn:aws:s3:::bucket/home/${aws:username}/*"}}},
		{"unsupported operator in a Deny", Statement{Effect: Deny, Action: Values{"s3:GetObject"}, Resource: Values{"*"},
			Condition: Condition{"NotIpAddress": {"aws:SourceIp": {"10.0.0.0/8"}}}}},
		{"unknown effect", Statement{Effect: "Audit", Action: Values{"s3:GetObject"}, Resource: Values{"*"}}},
		{"lowercase effect", Statement{Effect: "allow", Action: Values{"s3:GetObject"}, Resource: Values{"*"}}},
		{"Deny without Action", Statement{Effect: Deny, Resource: Values{"*"}}},
	}
	for _, c := range denies {
		d := Evaluate([]Document{evalDoc(allowAll, c.st)}, req)
		if d.Allowed || d.Reason != ReasonIndeterminateDeny || d.Statement == nil || d.Statement.Index != 1 {
			t.Errorf("%s: got %v, want IndeterminateDeny by statement 1", c.name, d)
		}
	}
	// An undecidable Deny that definitely does not apply to this action stays out.
	outside := Statement{Effect: Deny, Action: Values{"s3:DeleteObject"}, Resource: Values{"arn:aws:s3:::bucket/${aws:username}/*"}}
	if d := Evaluate([]Document{evalDoc(allowAll, outside)}, req); !d.Allowed {
		t.Errorf("deny for another action: %v", d)
	}
	// An explicit Deny is reported over an earlier indeterminate one.
	explicit := Statement{Sid: "Explicit", Effect: Deny, Action: Values{"s3:GetObject"}, Resource: Values{"*"}}
	d := Evaluate([]Document{evalDoc(allowAll, denies[0].st, explicit)}, req)
	if d.Reason != ReasonExplicitDeny || d.Statement.Sid != "Explicit" {
		t.Errorf("explicit after indeterminate: %v", d)
	}
}

func TestEvaluateVariablesResolveFromContext(t *testing.T) {
	docs := []Document{evalDoc(Statement{Effect: Allow, Action: Values{"s3:GetObject"},
		Resource: Values{"arn:aws:s3:::bucket/home/${aws:username}/*"}})}
	ctx := map[string][]string{"aws:username": {"alice"}}
	if d := Evaluate(docs, evalObjectRequest("s3:GetObject", "home/alice/x", ctx)); !d.Allowed {
		t.Errorf("own home: %v", d)
	}
	if d := Evaluate(docs, evalObjectRequest("s3:GetObject", "home/bob/x", ctx)); d.Allowed {
		t.Errorf("other home: %v", d)
	}
}

func TestEvaluateOldVersionTreatsVariablesAsText(t *testing.T) {
	docs := []Document{{Statement: []Statement{{Effect: Allow, Action: Values{"s3:GetObject"},
		Resource: Values{"arn:aws:s3:::bucket/a${*}"}}}}}
	if d := Evaluate(docs, evalObjectRequest("s3:GetObject", "a*", nil)); d.Allowed {
		t.Errorf("no Version: ${*} is text, not '*': %v", d)
	}
	if d := Evaluate(docs, evalObjectRequest("s3:GetObject", "a${x}", nil)); !d.Allowed {
		t.Errorf("no Version: '*' still a wildcard after the literal text: %v", d)
	}
}

// "The resulting session's permissions are the intersection of the role's
// identity-based policy and the session policies" (Permissions for AssumeRole,
// AssumeRoleWithSAML, and AssumeRoleWithWebIdentity); an explicit Deny in any
// policy overrides an Allow (Policy evaluation logic).
func TestEvaluateSession(t *testing.T) {
	identity := []Document{evalDoc(
		Statement{Sid: "IdAll", Effect: Allow, Action: Values{"s3:GetObject", "s3:PutObject"}, Resource: Values{"arn:aws:s3:::bucket/*"}},
		Statement{Sid: "IdDeny", Effect: Deny, Action: Values{"s3:*"}, Resource: Values{"arn:aws:s3:::bucket/locked/*"}},
	)}
	session := []Document{evalDoc(
		Statement{Sid: "SessRead", Effect: Allow, Action: Values{"s3:GetObject"}, Resource: Values{"arn:aws:s3:::bucket/*"}},
		Statement{Sid: "SessPutA", Effect: Allow, Action: Values{"s3:PutObject"}, Resource: Values{"arn:aws:s3:::bucket/a/*"}},
		Statement{Sid: "SessDeny", Effect: Deny, Action: Values{"s3:GetObject"}, Resource: Values{"arn:aws:s3:::bucket/a/secret"}},
		Statement{Sid: "SessExtra", Effect: Allow, Action: Values{"s3:DeleteObject"}, Resource: Values{"*"}},
	)}
	cases := []struct {
		objectDecision
		sid    string
		policy PolicyType
	}{
		{objectDecision{"s3:GetObject", "x", true, ReasonAllowed}, "IdAll", IdentityPolicyType},
		{objectDecision{"s3:PutObject", "a/x", true, ReasonAllowed}, "IdAll", IdentityPolicyType},
		{objectDecision{"s3:PutObject", "b/x", false, ReasonSessionPolicyImplicitDeny}, "", ""},
		{objectDecision{"s3:DeleteObject", "x", false, ReasonImplicitDeny}, "", ""}, // session cannot add
		{objectDecision{"s3:GetObject", "locked/x", false, ReasonExplicitDeny}, "IdDeny", IdentityPolicyType},
		{objectDecision{"s3:GetObject", "a/secret", false, ReasonExplicitDeny}, "SessDeny", SessionPolicyType},
	}
	for _, c := range cases {
		d := EvaluateSession(identity, session, evalObjectRequest(c.action, c.key, nil))
		if !c.check(t, d) {
			continue
		}
		if c.sid == "" {
			if d.Statement != nil {
				t.Errorf("%s %s: implicit deny names %v", c.action, c.key, d.Statement)
			}
			continue
		}
		if d.Statement == nil || d.Statement.Sid != c.sid || d.Statement.Policy != c.policy {
			t.Errorf("%s %s: decided by %v, want %s in %s", c.action, c.key, d.Statement, c.sid, c.policy)
		}
		if c.allowed && (d.SessionStatement == nil || d.SessionStatement.Policy != SessionPolicyType) {
			t.Errorf("%s %s: allowed without naming the session statement: %v", c.action, c.key, d)
		}
	}
	if d := EvaluateSession(identity, nil, evalObjectRequest("s3:GetObject", "x", nil)); d.Allowed || d.Reason != ReasonSessionPolicyImplicitDeny {
		t.Errorf("empty session set: %v", d)
	}
}

func TestEvaluateNeverPanicsOnMalformedInput(t *testing.T) {
	docs := []Document{
		{},
		{Statement: []Statement{{}}},
		{Version: Version, Statement: []Statement{
			{Effect: Deny, Condition: Condition{"": nil, "StringEquals": nil}},
			{Effect: Allow, Action: Values{""}, Resource: Values{"", "${", "arn:::::", "${}"},
				Condition: Condition{"ForAllValues:": {"": {"${"}}, "StringLike": {"k": {"${${${"}}}},
		}},
	}
	for _, r := range []Request{{}, {Action: "s3:GetObject", Resource: "\xff\xfe", Context: map[string][]string{"k": nil, "": {""}}}} {
		Evaluate(docs, r)
		EvaluateSession(docs, docs, r)
	}
}

func FuzzEvaluate(f *testing.F) {
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${*}*","Condition":{"StringLike":{"s3:prefix":"a${?}*"}}}]}`),
		"s3:GetObject", "arn:aws:s3:::b/*x", "a?b")
	f.Fuzz(func(t *testing.T, policy []byte, action, resource, prefix string) {
		d, err := Parse(policy)
		if err != nil {
			return
		}
		r := Request{Action: action, Resource: resource, Context: map[string][]string{"s3:prefix": {prefix}}}
		Evaluate([]Document{d}, r)
		EvaluateSession([]Document{d}, []Document{d}, r)
	})
}

func TestEvaluateAllocations(t *testing.T) {
	docs := []Document{evalDoc(
		Statement{Effect: Allow, Action: Values{"s3:ListBucket"}, Resource: Values{"arn:aws:s3:::bucket"},
			Condition: Condition{"StringLike": {"s3:prefix": {"p/*"}}}},
		Statement{Effect: Allow, Action: Values{"s3:GetObject", "s3:PutObject"}, Resource: Values{"arn:aws:s3:::bucket/p/*"},
			Condition: Condition{"StringEqualsIfExists": {"s3:x-amz-server-side-encryption": {"aws:kms"}}}},
	)}
	denied := evalObjectRequest("s3:GetObject", "q/x", nil)
	allowed := evalObjectRequest("s3:GetObject", "p/x", nil)
	if n := testing.AllocsPerRun(100, func() { Evaluate(docs, denied) }); n != 0 {
		t.Errorf("implicit deny allocated %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { Evaluate(docs, allowed) }); n > 1 {
		t.Errorf("allow allocated %v times; want at most the StatementRef", n)
	}
}

func BenchmarkEvaluate(b *testing.B) {
	var sts []Statement
	for i := range 40 {
		p := string(rune('a'+i%26)) + "/"
		sts = append(sts, Statement{Effect: Allow, Action: Values{"s3:GetObject", "s3:PutObject"},
			Resource: Values{"arn:aws:s3:::bucket/" + p + "*"}})
	}
	docs := []Document{evalDoc(sts...)}
	r := evalObjectRequest("s3:PutObject", "zz/deep/key.bin", map[string][]string{"s3:x-amz-server-side-encryption": {"aws:kms"}})
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(docs, r)
	}
}
