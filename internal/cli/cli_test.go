package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/testenv/repo"
)

// run executes s3am with args as main does and returns stdout, stderr and
// the exit code.
func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), code
}

func samples(t *testing.T) string {
	t.Helper()
	p, err := repo.Path("config", "samples")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCanIOnSamples(t *testing.T) {
	dir := samples(t)
	cases := []struct {
		args     []string
		code     int
		contains string
	}{
		{[]string{"--user", "alice@partner-a.com", "write", "s3://partner-data/partner-a/uploads/2024/january/invoice-001.pdf"}, 0, "yes (grant s3am-system/alice-uploads)"},
		{[]string{"--user", "alice@partner-a.com", "write", "s3://partner-data/partner-b/uploads/hack.pdf"}, 1, "NoGrant"},
		{[]string{"--user", "alice@partner-a.com", "write", "s3://partner-data/partner-a/uploads-evil/x.pdf"}, 1, "NoGrant"},
		{[]string{"--user", "alice@partner-a.com", "delete", "s3://partner-data/partner-a/uploads/x.pdf"}, 1, "PermissionMissing"},
		{[]string{"--user", "alice@partner-a.com", "read", "s3://partner-data/partner-a/processed/report.pdf"}, 0, "alice-processed"},
		{[]string{"--user", "alice@partner-a.com", "write", "s3://partner-data/partner-a/uploads/../../partner-b/x"}, 1, "DotSegment"},
		{[]string{"--user", "bob@partner-b.com", "write", "s3://partner-data/partner-b/uploads/x.pdf"}, 0, "partner-b-ops/bob-uploads"},
		{[]string{"--user", "someone", "--group", "partner-a-reviewers", "read", "s3://partner-data/partner-a/uploads/x.pdf"}, 0, "partner-a-reviewers"},
		{[]string{"--user", "alice@partner-a.com", "list", "s3://partner-data/partner-a/uploads/2024/"}, 0, "yes (grant s3am-system/alice-uploads)"},
		{[]string{"--user", "alice@partner-a.com", "list", "s3://partner-data/partner-a/"}, 0, "leading to your grants: partner-a/processed/, partner-a/uploads/"},
		{[]string{"--user", "alice@partner-a.com", "list", "s3://partner-data/partner-b/"}, 1, "no"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			stdout, stderr, code := run(t, append([]string{"can-i", "-f", dir}, c.args...)...)
			if code != c.code || !strings.Contains(stdout+stderr, c.contains) {
				t.Errorf("exit %d, want %d; output lacks %q:\n%s%s", code, c.code, c.contains, stdout, stderr)
			}
		})
	}
}

func TestPolicyRenderSamples(t *testing.T) {
	stdout, stderr, code := run(t, "policy", "render", "-f", samples(t), "--subject", "user:alice@partner-a.com")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		`arn:aws:s3:::partner-data/partner-a/uploads/*`,
		`arn:aws:s3:::partner-data/partner-a/processed/*`,
		`kms:GenerateDataKey`,
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("alice's session policy lacks %s:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "partner-b") {
		t.Errorf("alice's session policy names partner-b:\n%s", stdout)
	}

	stdout, stderr, code = run(t, "policy", "render", "-f", samples(t))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "partner-b/uploads/*") || !strings.Contains(stdout, "document 1 of 1") {
		t.Errorf("connection policy lacks bob's grant:\n%s", stdout)
	}
}

func TestPolicyLintSeed(t *testing.T) {
	for _, c := range []struct {
		file  string
		code  int
		codes []string
	}{
		{"deployed.json", 1, []string{"ConditionKeyNotCarried", "ConditionBreaksMultipart"}},
		{"proposed-fix.json", 1, []string{"UnknownAction", "s3:CreateMultipartUpload", "s3:CompleteMultipartUpload", "s3:UploadPartCopy"}},
	} {
		path, err := repo.Path("internal", "policy", "testdata", "seed", c.file)
		if err != nil {
			t.Fatal(err)
		}
		stdout, stderr, code := run(t, "policy", "lint", "-f", path)
		if code != c.code {
			t.Errorf("%s: exit %d, want %d", c.file, code, c.code)
		}
		for _, want := range c.codes {
			if !strings.Contains(stdout, want) {
				t.Errorf("%s: findings lack %s:\n%s%s", c.file, want, stdout, stderr)
			}
		}
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"can-i", "-f", samples(t), "--user", "a", "admin", "s3://partner-data/x"},
		{"can-i", "-f", samples(t), "--user", "a", "read", "partner-data/x"},
		{"policy", "render", "-f", samples(t), "--subject", "robot:x"},
	} {
		if _, _, code := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
