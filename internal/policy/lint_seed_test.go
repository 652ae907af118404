package policy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func readSeed(t *testing.T, name string) Document {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "seed", name))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// findingKey is what the seed tests assert: severity, code and the action or
// key the finding is about.
func has(fs []Finding, sev Severity, code, mentions string) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool {
		return f.Severity == sev && f.Code == code && strings.Contains(f.Message+" "+f.Fix, mentions)
	})
}

func count(fs []Finding, code string) int {
	n := 0
	for _, f := range fs {
		if f.Code == code {
			n++
		}
	}
	return n
}

// TestLintSeedDeployed: the deployed policy's SSE condition denies every
// GetObject, DeleteObject, AbortMultipartUpload and ListParts (their requests
// never carry the key), refuses UploadPart and CompleteMultipartUpload, and
// the policy lacks the KMS permissions SSE-KMS objects need.
func TestLintSeedDeployed(t *testing.T) {
	fs := Lint(readSeed(t, "deployed.json"), LintOptions{KMSKeyARN: seedKMSKey})
	for _, a := range []string{"s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"} {
		if !has(fs, SeverityError, CodeConditionKeyNotCarried, "never allows "+a) {
			t.Errorf("no ConditionKeyNotCarried error for %s", a)
		}
	}
	if n := count(fs, CodeConditionKeyNotCarried); n != 4 {
		t.Errorf("%d ConditionKeyNotCarried findings, want 4 (s3:PutObject carries the key)", n)
	}
	for _, op := range []string{"UploadPart", "CompleteMultipartUpload"} {
		if !has(fs, SeverityError, CodeConditionBreaksMultipart, op) {
			t.Errorf("no ConditionBreaksMultipart error naming %s", op)
		}
	}
	for _, a := range []string{"kms:Decrypt", "kms:GenerateDataKey"} {
		if !has(fs, SeverityError, CodeMissingKMSActions, a) {
			t.Errorf("no MissingKMSActions error for %s", a)
		}
	}
	if count(fs, CodeUnknownAction) != 0 || count(fs, CodePutObjectWithoutAbort) != 0 {
		t.Errorf("unexpected findings: %+v", fs)
	}
	if without := Lint(readSeed(t, "deployed.json"), LintOptions{}); count(without, CodeMissingKMSActions) != 0 {
		t.Error("KMS findings without a KMS key")
	}
}

// TestLintSeedProposedFix: the proposed fix names three API operations as
// actions, each flagged with what authorizes it, and keeps every defect of
// the deployed policy, now on the tagging actions too.
func TestLintSeedProposedFix(t *testing.T) {
	fs := Lint(readSeed(t, "proposed-fix.json"), LintOptions{KMSKeyARN: seedKMSKey})
	for name, fix := range map[string]string{
		"s3:CreateMultipartUpload":   "authorized by s3:PutObject",
		"s3:CompleteMultipartUpload": "authorized by s3:PutObject",
		"s3:UploadPartCopy":          "authorized by s3:PutObject on the destination object and s3:GetObject on the source object",
	} {
		found := slices.ContainsFunc(fs, func(f Finding) bool {
			return f.Severity == SeverityError && f.Code == CodeUnknownAction &&
				strings.HasPrefix(f.Message, name+" ") && strings.Contains(f.Fix, fix)
		})
		if !found {
			t.Errorf("no UnknownAction error for %s with fix %q", name, fix)
		}
	}
	if n := count(fs, CodeUnknownAction); n != 3 {
		t.Errorf("%d UnknownAction findings, want 3", n)
	}
	for _, a := range []string{"s3:GetObject", "s3:GetObjectTagging", "s3:PutObjectTagging", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"} {
		if !has(fs, SeverityError, CodeConditionKeyNotCarried, "never allows "+a) {
			t.Errorf("no ConditionKeyNotCarried error for %s", a)
		}
	}
	if !has(fs, SeverityError, CodeConditionBreaksMultipart, "UploadPart") {
		t.Error("no ConditionBreaksMultipart error")
	}
	if !has(fs, SeverityError, CodeMissingKMSActions, "kms:GenerateDataKey") {
		t.Error("no MissingKMSActions error")
	}
	for _, f := range fs {
		if f.Statement != 0 || f.Sid != "ArtifactsReadWrite" || f.Message == "" || f.Fix == "" {
			t.Errorf("incomplete finding %+v", f)
		}
	}
}

// TestLintSeedRepaired: what the linter's fixes lead to lints clean, and
// the generator produces it for the same access.
func TestLintSeedRepaired(t *testing.T) {
	repaired := Document{Version: Version, Statement: []Statement{
		{Sid: "ArtifactsReadWrite", Effect: Allow,
			Action:   Values{"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"},
			Resource: Values{"arn:aws:s3:::artifacts-bucket/packages/*"}},
		{Sid: "KMS", Effect: Allow, Action: Values{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: Values{seedKMSKey}},
	}}
	if fs := Lint(repaired, LintOptions{KMSKeyARN: seedKMSKey}); len(fs) != 0 {
		t.Errorf("findings: %+v", fs)
	}
}
