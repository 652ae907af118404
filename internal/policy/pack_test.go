package policy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
)

func renderAll(t *testing.T, docs []Document) []byte {
	t.Helper()
	rendered, err := Render(docs)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Join(rendered, []byte("\n"))
}

// TestPackDeterministicUnderShuffle: the same grants in any order give
// byte-identical documents, whether they fit one document or need several.
func TestPackDeterministicUnderShuffle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sets := map[string][]grant.Grant{
		"seed":      seedGrants(),
		"random":    randomGrants(rng, 80),
		"realistic": realisticGrants(300),
	}
	for name, gs := range sets {
		for _, limit := range []Limit{unbounded, {Name: "small", PerDocument: 900}} {
			conn := Connection{Name: seedConnection, KMSKeyARN: seedKMSKey}
			first, err := ConnectionPolicy(conn, gs, limit)
			if err != nil {
				t.Fatal(err)
			}
			want := renderAll(t, first)
			for range 15 {
				docs, err := ConnectionPolicy(conn, shuffled(rng, gs), limit)
				if err != nil {
					t.Fatal(err)
				}
				if got := renderAll(t, docs); !bytes.Equal(got, want) {
					t.Fatalf("%s/%s: output depends on grant order", name, limit.Name)
				}
			}
		}
	}
}

// probes lists requests that exercise every grant: objects inside and just
// outside each prefix, listings of each prefix and of its parents.
func probes(gs []grant.Grant, kmsKey string) []Request {
	var out []Request
	for _, g := range gs {
		bucket := BucketARN("", g.Bucket)
		for _, key := range []string{g.Prefix + "f.txt", strings.TrimSuffix(g.Prefix, "/") + "-x/f.txt"} {
			if key == "-x/f.txt" {
				key = "f.txt"
			}
			for _, a := range []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"} {
				out = append(out, Request{Action: a, Resource: bucket + "/" + key})
			}
		}
		out = append(out,
			Request{Action: "s3:ListBucket", Resource: bucket, Context: listCtx(g.Prefix)},
			Request{Action: "s3:ListBucket", Resource: bucket, Context: listCtx(g.Prefix + "deeper/")},
		)
		for _, p := range keys.Parents(g.Prefix) {
			out = append(out,
				Request{Action: "s3:ListBucket", Resource: bucket, Context: listCtx(p, "/")},
				Request{Action: "s3:ListBucket", Resource: bucket, Context: listCtx(p)},
			)
		}
	}
	for _, a := range []string{"kms:Decrypt", "kms:GenerateDataKey"} {
		out = append(out, Request{Action: a, Resource: kmsKey})
	}
	return out
}

// sameDecisions checks that two document sets decide every probe alike.
func sameDecisions(t *testing.T, want, got []Document, rs []Request) {
	t.Helper()
	for _, r := range rs {
		w, g := Evaluate(want, r), Evaluate(got, r)
		if w.Allowed != g.Allowed {
			t.Fatalf("%s on %s %v: %v in one document, %v when split", r.Action, r.Resource, r.Context, w.Allowed, g.Allowed)
		}
	}
}

func TestPackSplitsAcrossManagedPolicies(t *testing.T) {
	conn := Connection{Name: seedConnection, KMSKeyARN: seedKMSKey}
	gs := realisticGrants(400)
	whole, err := ConnectionPolicy(conn, gs, Limit{Name: "huge", PerDocument: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := ConnectionPolicy(conn, gs, ManagedPolicyLimit)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 2 || len(docs) > ManagedPolicyLimit.MaxDocuments {
		t.Fatalf("%d documents", len(docs))
	}
	sids := map[string]bool{}
	for i, d := range docs {
		b, _ := d.JSON()
		if n := Size(b); n > ManagedPolicyLimit.PerDocument {
			t.Errorf("document %d has %d characters", i, n)
		}
		for _, st := range d.Statement {
			if sids[st.Sid] {
				t.Errorf("Sid %s repeats", st.Sid)
			}
			sids[st.Sid] = true
		}
	}
	for i, fs := range LintSet(docs, LintOptions{KMSKeyARN: seedKMSKey}) {
		if len(fs) != 0 {
			t.Errorf("document %d: %+v", i, fs)
		}
	}
	sameDecisions(t, whole, docs, probes(gs, seedKMSKey))
}

// TestPackSplitsOversizeStatements forces statements larger than a document
// to be cut by resources and by s3:prefix values, and checks nothing is lost.
func TestPackSplitsOversizeStatements(t *testing.T) {
	conn := Connection{Name: seedConnection, KMSKeyARN: seedKMSKey}
	var gs []grant.Grant
	for i := range 60 {
		gs = append(gs, oneGrant("bucket-one", fmt.Sprintf("team-%02d/in/", i), grant.Write, grant.List))
		// bucket-two shares bucket-one's 60 listable prefixes, so their List
		// statement has two resources and a condition too large for a document.
		gs = append(gs, oneGrant("bucket-two", fmt.Sprintf("team-%02d/in/", i), grant.List))
		gs = append(gs, oneGrant(fmt.Sprintf("bucket-%02d", i), "shared/", grant.List))
	}
	whole, err := ConnectionPolicy(conn, gs, Limit{Name: "huge", PerDocument: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	small := Limit{Name: "small", PerDocument: 700}
	docs, err := ConnectionPolicy(conn, gs, small)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 10 {
		t.Fatalf("only %d documents", len(docs))
	}
	shared := false
	for _, st := range whole[0].Statement {
		if len(st.Condition["StringLike"]["s3:prefix"]) == 60 && len(st.Resource) == 2 {
			shared = true
		}
	}
	if !shared {
		t.Fatal("test setup: want one List statement with 60 prefixes on two buckets")
	}
	for i, d := range docs {
		b, _ := d.JSON()
		if n := small.Measure(b); n > small.PerDocument {
			t.Errorf("document %d has %d characters", i, n)
		}
	}
	sameDecisions(t, whole, docs, probes(gs, seedKMSKey))
}

func TestTooLargeManaged(t *testing.T) {
	_, err := ConnectionPolicy(Connection{Name: seedConnection}, realisticGrants(3000), ManagedPolicyLimit)
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("err = %v", err)
	}
	if tl.Documents <= 10 || tl.Required <= 61440 || tl.Allowed != 61440 || tl.Statement != "" {
		t.Errorf("%+v", tl)
	}
	msg := err.Error()
	for _, want := range []string{"managed policy", "10 documents of 6,144 characters", "61,440", thousands(tl.Required), fmt.Sprintf("in %d documents", tl.Documents)} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func TestTooLargeInline(t *testing.T) {
	gs := realisticGrants(150)
	_, err := ConnectionPolicy(Connection{Name: seedConnection}, gs, InlineRoleLimit)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Allowed != 10240 || tl.Required <= 10240 {
		t.Fatalf("err = %v (%+v)", err, tl)
	}
	if !strings.Contains(err.Error(), "role inline policies may hold at most 10,240 characters in total") {
		t.Errorf("message: %v", err)
	}
	docs, err := ConnectionPolicy(Connection{Name: seedConnection}, gs[:20], InlineRoleLimit)
	if err != nil || len(docs) != 1 {
		t.Fatalf("20 grants inline: %d documents, %v", len(docs), err)
	}
}

func TestTooLargeSession(t *testing.T) {
	gs := realisticGrants(200)
	for i := range gs {
		gs[i].Subjects = append(gs[i].Subjects, group("everyone"))
	}
	_, err := SessionPolicyFor(Connection{Name: seedConnection}, gs, grant.Principal{User: "x", Groups: []string{"everyone"}})
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Allowed != 2048 {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), `session policy for "x"`) || !strings.Contains(err.Error(), "a session policy holds at most 2,048 characters") {
		t.Errorf("message: %v", err)
	}
	d, err := SessionPolicyFor(Connection{Name: seedConnection}, gs, grant.Principal{User: "y", Groups: []string{"partner-00003"}})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := d.JSON(); SessionPolicyLimit.Measure(b) > 2048 {
		t.Errorf("session policy measures %d characters", SessionPolicyLimit.Measure(b))
	}
}

func TestTooLargeSingleStatement(t *testing.T) {
	_, err := ConnectionPolicy(Connection{Name: seedConnection}, []grant.Grant{oneGrant("bucket-one", "p/", grant.Write)},
		Limit{Name: "tiny policy", PerDocument: 120})
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Statement != "Write" || tl.Required <= 120 {
		t.Fatalf("err = %v (%+v)", err, tl)
	}
	if !strings.Contains(err.Error(), "statement Write alone needs") {
		t.Errorf("message: %v", err)
	}
}

func TestLimitValidation(t *testing.T) {
	for _, l := range []Limit{{Name: "zero"}, {Name: "negative", PerDocument: 100, Total: -1}} {
		if _, err := ConnectionPolicy(Connection{Name: seedConnection}, nil, l); err == nil {
			t.Errorf("%s: no error", l.Name)
		}
	}
	if ManagedPolicyLimit.Measure([]byte(`{"a": "b c"}`)) != 10 || SessionPolicyLimit.Measure([]byte(`{"a": "b c"}`)) != 12 {
		t.Error("Measure")
	}
	// '&', '<' and '>' count as the six characters of \u0026-style escapes.
	if ManagedPolicyLimit.Measure([]byte(`{"a":"<&> x"}`)) != 27 || SessionPolicyLimit.Measure([]byte(`{"a":"<&> x"}`)) != 28 {
		t.Error("Measure of HTML characters")
	}
}

func TestSummarize(t *testing.T) {
	docs, err := ConnectionPolicy(Connection{Name: seedConnection}, realisticGrants(200), ManagedPolicyLimit)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Summarize(docs)
	if err != nil {
		t.Fatal(err)
	}
	rendered, _ := Render(docs)
	sum := sha256.Sum256(bytes.Join(rendered, nil))
	if s.Documents != len(docs) || s.Bytes != len(bytes.Join(rendered, nil)) || s.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("Summary = %+v", s)
	}
	docs[0].Statement[0].Resource[0] += "x"
	if s2, _ := Summarize(docs); s2.SHA256 == s.SHA256 {
		t.Error("digest did not change")
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 61440: "61,440", 1234567: "1,234,567", -2048: "-2,048"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q", n, got)
		}
	}
}
