package policy

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/s3am/s3-access-manager/internal/grant"
)

var updateGolden = flag.Bool("update-policy-golden", false, "rewrite testdata/seed/golden from the generator")

// checkGolden compares documents with a golden file of indented JSON.
func checkGolden(t *testing.T, name string, docs []Document) {
	t.Helper()
	var buf bytes.Buffer
	for _, d := range docs {
		b, err := d.JSON()
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Indent(&buf, b, "", "  "); err != nil {
			t.Fatal(err)
		}
		buf.WriteByte('\n')
	}
	path := filepath.Join("testdata", "seed", "golden", name)
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update-policy-golden to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("%s differs from the generator's output:\n%s", path, buf.String())
	}
}

func TestGoldenSeedConnectionPolicy(t *testing.T) {
	conn := Connection{Name: seedConnection, KMSKeyARN: seedKMSKey}
	docs, err := ConnectionPolicy(conn, seedGrants(), ManagedPolicyLimit)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 {
		t.Fatalf("got %d documents, want 1", len(docs))
	}
	checkGolden(t, "connection.json", docs)
	if fs := Lint(docs[0], LintOptions{KMSKeyARN: seedKMSKey}); len(fs) != 0 {
		t.Errorf("findings: %+v", fs)
	}

	plain, err := ConnectionPolicy(Connection{Name: seedConnection}, seedGrants(), InlineRoleLimit)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "connection-no-kms.json", plain)
}

func TestGoldenSeedSessionPolicies(t *testing.T) {
	conn := Connection{Name: seedConnection, KMSKeyARN: seedKMSKey}
	for _, tc := range []struct {
		file string
		p    grant.Principal
	}{
		{"session-alice.json", grant.Principal{User: "alice@partner-a.com"}},
		{"session-bob.json", grant.Principal{User: "bob@partner-b.com", Groups: []string{"partners"}}},
		{"session-nobody.json", grant.Principal{User: "mallory@example.com"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			d, err := SessionPolicyFor(conn, seedGrants(), tc.p)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.file, []Document{d})
			if fs := Lint(d, LintOptions{KMSKeyARN: seedKMSKey}); len(fs) != 0 {
				t.Errorf("findings: %+v", fs)
			}
		})
	}
}
