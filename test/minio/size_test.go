package minio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
	"github.com/s3am/s3-access-manager/internal/policy"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
)

// minioSessionPolicyLimit is MinIO's maxSTSSessionPolicySize (cmd/sts-handlers.go).
const minioSessionPolicyLimit = 2048

// minioSizeRefusal is how MinIO's AssumeRole refuses a policy over the limit.
const minioSizeRefusal = "Session policy should not exceed 2048 characters"

// minioEncodedSize is the length MinIO checks against its session policy
// limit. MinIO does not measure the policy it receives: it parses it and
// measures json.Marshal of its own model, in which every Action, Resource and
// condition value list is an array (a single value gains "[" and "]") and
// '<', '>' and '&' are escaped as \u003c, \u003e and \u0026. Document.JSON
// writes every list as an array too but leaves those characters as they are;
// policy.Limit.Measure counts each of them as six instead. AWS counts the
// characters of the policy as sent.
func minioEncodedSize(d policy.Document) (int, error) {
	type statement struct {
		Sid         string                         `json:"Sid,omitempty"`
		Effect      policy.Effect                  `json:"Effect"`
		Action      []string                       `json:"Action,omitempty"`
		NotAction   []string                       `json:"NotAction,omitempty"`
		Resource    []string                       `json:"Resource,omitempty"`
		NotResource []string                       `json:"NotResource,omitempty"`
		Condition   map[string]map[string][]string `json:"Condition,omitempty"`
	}
	type document struct {
		Version   string      `json:"Version"`
		Statement []statement `json:"Statement"`
	}
	out := document{Version: d.Version}
	for _, s := range d.Statement {
		st := statement{Sid: s.Sid, Effect: s.Effect, Action: s.Action, NotAction: s.NotAction, Resource: s.Resource, NotResource: s.NotResource}
		if len(s.Condition) > 0 {
			st.Condition = map[string]map[string][]string{}
			for op, kv := range s.Condition {
				st.Condition[op] = map[string][]string{}
				for k, v := range kv {
					st.Condition[op][k] = v
				}
			}
		}
		out.Statement = append(out.Statement, st)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf) // escapes HTML characters, as json.Marshal does
	if err := enc.Encode(out); err != nil {
		return 0, fmt.Errorf("encode as MinIO does: %w", err)
	}
	return len(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// TestMinIOSessionPolicySize pins down how MinIO measures session policies
// and proves the generator's session policy limit exact against it. AWS
// allows 2,048 characters of the policy as sent; MinIO allows 2,048 bytes of
// its own re-encoding (minioEncodedSize). Document.JSON writes every value
// list as an array, as MinIO re-encodes it, and policy.SessionPolicyLimit
// measures each '&', '<' and '>' as the six characters of MinIO's escape, so
// policy.SessionPolicyLimit.Measure is exactly minioEncodedSize: the
// generator returns every policy MinIO accepts and refuses every other.
func TestMinIOSessionPolicySize(t *testing.T) {
	srv := minioserver.Start(t)
	ctx := context.Background()

	// minioEncodedSize is exact: at its boundary MinIO accepts 2048 and
	// refuses 2049, and SessionPolicyLimit measures the same.
	for _, shape := range []struct{ name, resourcePrefix string }{
		{"plain", "arn:aws:s3:::b/"},
		{"HTML characters", "arn:aws:s3:::b/r&d/<x>/"},
	} {
		for _, want := range []int{minioSessionPolicyLimit, minioSessionPolicyLimit + 1} {
			doc := paddedDocument(t, shape.resourcePrefix, want)
			js, err := doc.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if got := policy.SessionPolicyLimit.Measure(js); got != want {
				t.Errorf("%s: SessionPolicyLimit measures %d, MinIO encodes %d", shape.name, got, want)
			}
			_, err = srv.AssumeRole(ctx, string(js), 0)
			if fits := want <= minioSessionPolicyLimit; fits != (err == nil) || !fits && !strings.Contains(err.Error(), minioSizeRefusal) {
				t.Errorf("%s: %d characters as sent, %d as MinIO encodes it: AssumeRole error %v", shape.name, len(js), want, err)
			}
		}
	}

	// Generated policies across the boundary: a read, a delete and a list
	// grant give five statements with single values; the read prefix grows by
	// one character at a time from well below 2,048 to the first policy the
	// generator refuses.
	for _, f := range []sizeFamily{
		{name: "plain prefixes", read: "reports/", trash: "trash/", list: "shared/team/inbox/"},
		{name: "HTML characters", read: "r&d/<q1>/", trash: "trash/a&b/", list: "shared/<team>/in&out/"},
	} {
		t.Run(f.name, func(t *testing.T) { f.check(ctx, t, srv) })
	}
}

// sizeFamily is a family of session policies that differ in the length of
// one grant prefix.
type sizeFamily struct {
	name, read, trash, list string
}

// unlimitedSession packs a session policy into one document of any size, to
// see what the generator would have written where it refuses.
var unlimitedSession = policy.Limit{Name: "unlimited session policy", PerDocument: 1 << 20, MaxDocuments: 1, CountWhitespace: true}

// familyStart is how far below the limit each family starts: far enough to
// hold several policies, near enough to keep the AssumeRole calls few.
const familyStart = 120

// grants gives the family's grants: fill characters shared between the read
// and trash prefixes (no prefix may exceed 1,024 bytes), and pad more on the
// read prefix.
func (f sizeFamily) grants(t *testing.T, pad, fill int) []grant.Grant {
	t.Helper()
	on := func(prefix string, perms ...grant.Permission) grant.Grant {
		if err := keys.ValidateGrantPrefix(prefix); err != nil {
			t.Fatalf("test setup: %v", err)
		}
		return grant.Grant{Namespace: "x", Name: "g", Connection: connection, Bucket: bucket, Prefix: prefix,
			Subjects: []grant.Subject{{Kind: grant.User, Name: "alice"}}, Permissions: grant.NewPermissions(perms...)}
	}
	return []grant.Grant{
		on(f.read+strings.Repeat("r", 1+fill/2+pad)+"/", grant.Read),
		on(f.trash+strings.Repeat("t", 1+fill-fill/2)+"/", grant.Delete),
		on(f.list, grant.List),
	}
}

// check walks the family: every policy whose MinIO encoding fits is returned
// by the generator, byte for byte what it would write without a limit, and
// accepted by MinIO; the first that does not fit is refused by both.
func (f sizeFamily) check(ctx context.Context, t *testing.T, srv *minioserver.Server) {
	conn := policy.Connection{Name: connection}
	alice := grant.Principal{User: "alice"}
	whole := func(gs []grant.Grant) (policy.Document, []byte, int) {
		t.Helper()
		docs, err := policy.ConnectionPolicy(conn, gs, unlimitedSession)
		if err != nil {
			t.Fatal(err)
		}
		js, err := docs[0].JSON()
		if err != nil {
			t.Fatal(err)
		}
		n, err := minioEncodedSize(docs[0])
		if err != nil {
			t.Fatal(err)
		}
		return docs[0], js, n
	}
	// Fill the prefixes so that the family starts familyStart below the
	// limit; every character adds one to the policy.
	_, _, base := whole(f.grants(t, 0, 0))
	fill := minioSessionPolicyLimit - familyStart - base
	if fill < 0 {
		t.Fatalf("test setup: the family starts at %d characters", base)
	}
	lastFit := 0
	for pad := 0; pad <= familyStart+1; pad++ {
		gs := f.grants(t, pad, fill)
		_, wholeJS, minioSize := whole(gs)
		doc, err := policy.SessionPolicyFor(conn, gs, alice)
		if minioSize <= minioSessionPolicyLimit {
			if err != nil {
				t.Fatalf("the generator refused a policy of %d characters as MinIO encodes it: %v", minioSize, err)
			}
			js, err := doc.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(js, wholeJS) {
				t.Fatalf("the session policy differs from the unlimited one:\n%s\n%s", js, wholeJS)
			}
			if got := policy.SessionPolicyLimit.Measure(js); got != minioSize {
				t.Errorf("SessionPolicyLimit measures %d, MinIO encodes %d: %s", got, minioSize, js)
			}
			if _, err := srv.AssumeRole(ctx, string(js), 0); err != nil {
				t.Fatalf("MinIO refused a generated policy of %d characters (%d as sent): %v", minioSize, len(js), err)
			}
			lastFit = minioSize
			continue
		}
		if tl, ok := errors.AsType[*policy.TooLargeError](err); !ok || tl.Required <= tl.Allowed {
			t.Fatalf("a policy of %d characters as MinIO encodes it: generator error %v, want a *policy.TooLargeError", minioSize, err)
		}
		if _, err := srv.AssumeRole(ctx, string(wholeJS), 0); err == nil || !strings.Contains(err.Error(), minioSizeRefusal) {
			t.Fatalf("the refused policy (%d as MinIO encodes it): AssumeRole error %v, want MinIO's size refusal", minioSize, err)
		}
		if lastFit != minioSessionPolicyLimit || minioSize != minioSessionPolicyLimit+1 {
			t.Fatalf("the largest accepted policy has %d characters and the first refused %d; want %d and %d",
				lastFit, minioSize, minioSessionPolicyLimit, minioSessionPolicyLimit+1)
		}
		t.Logf("largest generated policy: %d characters as MinIO encodes it, accepted; the next, %d (%d as sent), refused by the generator and by MinIO",
			lastFit, minioSize, len(wholeJS))
		return
	}
	t.Fatal("the family never crossed the limit")
}

// paddedDocument returns a one-statement document whose MinIO encoding has
// exactly size bytes, by padding its single Resource.
func paddedDocument(t *testing.T, resourcePrefix string, size int) policy.Document {
	t.Helper()
	doc := policy.Document{Version: policy.Version, Statement: []policy.Statement{{
		Effect: policy.Allow, Action: policy.Values{"s3:GetObject"}, Resource: policy.Values{resourcePrefix},
	}}}
	base, err := minioEncodedSize(doc)
	if err != nil {
		t.Fatal(err)
	}
	doc.Statement[0].Resource[0] += strings.Repeat("p", size-base)
	if got, _ := minioEncodedSize(doc); got != size {
		t.Fatalf("padding gave %d, want %d", got, size)
	}
	return doc
}
