package policy

import (
	"testing"
)

func stmt(effect Effect, actions []string, resources []string, cond Condition) Statement {
	return Statement{Sid: "S", Effect: effect, Action: actions, Resource: resources, Condition: cond}
}

func lintOne(st Statement, opts LintOptions) []Finding {
	return Lint(Document{Version: Version, Statement: []Statement{st}}, opts)
}

const (
	objects = "arn:aws:s3:::bucket-one/p/*"
	bucket  = "arn:aws:s3:::bucket-one"
)

var sse = Condition{"StringEquals": {"s3:x-amz-server-side-encryption": {"aws:kms"}}}

func TestLintRules(t *testing.T) {
	write := []string{"s3:AbortMultipartUpload", "s3:PutObject"}
	for _, tc := range []struct {
		name string
		st   Statement
		opts LintOptions
		sev  Severity
		code string
		text string
	}{
		{"unknown action", stmt(Allow, []string{"s3:UploadPart"}, []string{objects}, nil), LintOptions{},
			SeverityError, CodeUnknownAction, "authorized by s3:PutObject"},
		{"unknown action in Deny", stmt(Deny, []string{"s3:HeadObject"}, []string{objects}, nil), LintOptions{},
			SeverityError, CodeUnknownAction, "authorized by s3:GetObject"},
		{"action not in catalogue", stmt(Allow, []string{"s3:GetObjectFancy"}, []string{objects}, nil), LintOptions{},
			SeverityWarning, CodeUnknownAction, "s3:GetObjectFancy"},
		{"wildcard action", stmt(Allow, []string{"s3:Get*"}, []string{objects}, nil), LintOptions{},
			SeverityWarning, CodeWildcardAction, "s3:Get*"},
		{"NotAction", Statement{Effect: Allow, NotAction: Values{"s3:DeleteObject"}, Resource: Values{objects}}, LintOptions{},
			SeverityError, CodeAllowWithNotAction, "NotAction"},
		{"NotResource", Statement{Effect: Allow, Action: Values{"s3:GetObject"}, NotResource: Values{"arn:aws:s3:::secret/*"}}, LintOptions{},
			SeverityError, CodeAllowWithNotResource, "NotResource"},
		{"key not carried", stmt(Allow, []string{"s3:GetObject"}, []string{objects}, sse), LintOptions{},
			SeverityError, CodeConditionKeyNotCarried, "never allows s3:GetObject"},
		{"key not carried, IfExists", stmt(Allow, []string{"s3:GetObject"}, []string{objects},
			Condition{"StringEqualsIfExists": {"s3:x-amz-server-side-encryption": {"aws:kms"}}}), LintOptions{},
			SeverityWarning, CodeConditionKeyNotCarried, "does nothing"},
		{"deny on key not carried", stmt(Deny, []string{"s3:GetObject"}, []string{objects},
			Condition{"StringNotEquals": {"s3:x-amz-server-side-encryption": {"aws:kms"}}}), LintOptions{},
			SeverityError, CodeConditionKeyNotCarried, "denies every s3:GetObject"},
		{"s3:prefix on object action", stmt(Allow, []string{"s3:GetObject"}, []string{objects},
			Condition{"StringLike": {"s3:prefix": {"p/*"}}}), LintOptions{},
			SeverityError, CodeConditionKeyNotCarried, "only s3:ListBucket, s3:ListBucketVersions requests do"},
		{"SSE on PutObject", stmt(Allow, write, []string{objects}, sse), LintOptions{},
			SeverityError, CodeConditionBreaksMultipart, "UploadPart"},
		{"SSE key id on PutObject", stmt(Allow, write, []string{objects},
			Condition{"StringLike": {"s3:x-amz-server-side-encryption-aws-kms-key-id": {"arn:aws:kms:*"}}}), LintOptions{},
			SeverityError, CodeConditionBreaksMultipart, "CompleteMultipartUpload"},
		{"SSE deny on PutObject", stmt(Deny, []string{"s3:PutObject"}, []string{objects},
			Condition{"StringNotEquals": {"s3:x-amz-server-side-encryption": {"aws:kms"}}}), LintOptions{},
			SeverityError, CodeConditionBreaksMultipart, `"Null"`},
		{"object ARN on bucket action", stmt(Allow, []string{"s3:ListBucket"}, []string{objects}, nil), LintOptions{},
			SeverityError, CodeObjectResourceOnBucketAction, "never allowed"},
		{"bucket ARN on object action", stmt(Allow, []string{"s3:GetObject"}, []string{bucket}, nil), LintOptions{},
			SeverityError, CodeBucketResourceOnObjectAction, "never allowed"},
		{"mixed statement", stmt(Allow, []string{"s3:GetObject", "s3:ListBucket"}, []string{bucket, objects}, nil), LintOptions{},
			SeverityWarning, CodeObjectResourceOnBucketAction, "split"},
		{"wildcard bucket", stmt(Allow, []string{"s3:GetObject"}, []string{"arn:aws:s3:::bucket-*/p/*"}, nil), LintOptions{},
			SeverityError, CodeWildcardInBucketName, "bucket-*"},
		{"star resource", stmt(Allow, []string{"s3:GetObject"}, []string{"*"}, nil), LintOptions{},
			SeverityError, CodeWildcardInBucketName, "every bucket"},
		{"everything", stmt(Allow, []string{"s3:*"}, []string{"*"}, nil), LintOptions{},
			SeverityError, CodeWildcardInBucketName, "every bucket"},
		{"PutObject without abort", stmt(Allow, []string{"s3:PutObject"}, []string{objects}, nil), LintOptions{},
			SeverityWarning, CodePutObjectWithoutAbort, objects},
		{"missing KMS for reads", stmt(Allow, []string{"s3:GetObject"}, []string{objects}, nil), LintOptions{KMSKeyARN: seedKMSKey},
			SeverityError, CodeMissingKMSActions, "kms:Decrypt"},
		{"unknown key", stmt(Allow, []string{"s3:GetObject"}, []string{objects},
			Condition{"StringEquals": {"s3:made-up": {"x"}}}), LintOptions{},
			SeverityWarning, CodeUnknownConditionKey, "s3:made-up"},
		{"bad effect", Statement{Effect: "Permit", Action: Values{"s3:GetObject"}, Resource: Values{objects}}, LintOptions{},
			SeverityError, CodeMalformedStatement, "Allow or Deny"},
		{"no resource", Statement{Effect: Allow, Action: Values{"s3:GetObject"}}, LintOptions{},
			SeverityError, CodeMalformedStatement, "Resource"},
		{"bad sid", Statement{Sid: "my-sid", Effect: Allow, Action: Values{"s3:GetObject"}, Resource: Values{objects}}, LintOptions{},
			SeverityError, CodeMalformedStatement, "my-sid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := lintOne(tc.st, tc.opts)
			if !has(fs, tc.sev, tc.code, tc.text) {
				t.Errorf("want %s %s mentioning %q, got %+v", tc.sev, tc.code, tc.text, fs)
			}
		})
	}
}

// TestLintClean lists correct policies the rules must leave alone.
func TestLintClean(t *testing.T) {
	for name, d := range map[string]Document{
		"guarded SSE allow": {Version: Version, Statement: []Statement{
			{Sid: "Put", Effect: Allow, Action: Values{"s3:PutObject"}, Resource: Values{objects},
				Condition: Condition{"StringEqualsIfExists": {"s3:x-amz-server-side-encryption": {"aws:kms"}}}},
			{Sid: "Abort", Effect: Allow, Action: Values{"s3:AbortMultipartUpload"}, Resource: Values{objects}},
		}},
		"guarded SSE deny": {Version: Version, Statement: []Statement{
			{Sid: "Write", Effect: Allow, Action: Values{"s3:AbortMultipartUpload", "s3:PutObject"}, Resource: Values{objects}},
			{Sid: "DenyUnencrypted", Effect: Deny, Action: Values{"s3:PutObject"}, Resource: Values{objects},
				Condition: Condition{
					"StringNotEquals": {"s3:x-amz-server-side-encryption": {"aws:kms"}},
					"Null":            {"s3:x-amz-server-side-encryption": {"false"}},
				}},
		}},
		"list with prefix": {Version: Version, Statement: []Statement{
			stmt(Allow, []string{"s3:ListBucket"}, []string{bucket}, Condition{"StringLike": {"s3:prefix": {"p/*"}}}),
		}},
		"secure transport on everything": {Version: Version, Statement: []Statement{
			{Sid: "Read", Effect: Allow, Action: Values{"s3:GetObject"}, Resource: Values{objects}},
			{Sid: "TLS", Effect: Deny, Action: Values{"s3:*"}, Resource: Values{"*"}, Condition: Condition{"Bool": {"aws:SecureTransport": {"false"}}}},
		}},
		"escaped key": {Version: Version, Statement: []Statement{
			stmt(Allow, []string{"s3:GetObject"}, []string{"arn:aws:s3:::bucket-one/a${*}b/*"}, nil),
		}},
		"list all buckets": {Version: Version, Statement: []Statement{
			stmt(Allow, []string{"s3:ListAllMyBuckets"}, []string{"*"}, nil),
		}},
	} {
		if fs := Lint(d, LintOptions{}); len(fs) != 0 {
			t.Errorf("%s: %+v", name, fs)
		}
	}
}

func TestLintDocumentLevel(t *testing.T) {
	d := Document{Version: "2008-10-17", Statement: []Statement{
		stmt(Allow, []string{"s3:GetObject"}, []string{objects}, nil),
		stmt(Allow, []string{"s3:DeleteObject"}, []string{objects}, nil),
	}}
	fs := Lint(d, LintOptions{})
	if !has(fs, SeverityWarning, CodePolicyVersion, "2012-10-17") || !has(fs, SeverityError, CodeDuplicateSid, "statement 0") {
		t.Errorf("%+v", fs)
	}
	if fs[0].Statement != -1 || fs[0].Sid != "" {
		t.Errorf("document-level finding first: %+v", fs[0])
	}
	if !HasErrors(fs) || HasErrors(fs[:1]) {
		t.Error("HasErrors")
	}
}

// TestLintCompanions: permissions granted by other documents of the same
// principal count for the companion checks.
func TestLintCompanions(t *testing.T) {
	put := Document{Version: Version, Statement: []Statement{stmt(Allow, []string{"s3:PutObject"}, []string{objects}, nil)}}
	abort := Document{Version: Version, Statement: []Statement{{Sid: "A", Effect: Allow, Action: Values{"s3:Abort*"}, Resource: Values{"arn:aws:s3:::bucket-one/*"}}}}
	kms := Document{Version: Version, Statement: []Statement{{Sid: "K", Effect: Allow, Action: Values{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: Values{seedKMSKey}}}}
	opts := LintOptions{KMSKeyARN: seedKMSKey}
	if fs := Lint(put, opts); count(fs, CodePutObjectWithoutAbort) != 1 || count(fs, CodeMissingKMSActions) != 2 {
		t.Errorf("alone: %+v", fs)
	}
	sets := LintSet([]Document{put, abort, kms}, opts)
	if len(sets[0]) != 0 {
		t.Errorf("with companions: %+v", sets[0])
	}
}
