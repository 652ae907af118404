package minio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/policy"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
)

// minioSessionPolicyLimit is MinIO's maxSTSSessionPolicySize (cmd/sts-handlers.go).
const minioSessionPolicyLimit = 2048

// minioEncodedSize is the length MinIO checks against its session policy
// limit. MinIO does not measure the policy it receives: it parses it and
// measures json.Marshal of its own model, in which every Action, Resource and
// condition value list is an array (a single value gains "[" and "]") and
// '<', '>' and '&' are escaped as \u003c, \u003e and \u0026 (as
// Document.JSON writes them too). AWS counts the characters of the policy as
// sent, without whitespace.
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
// and shows the consequence for the generator. AWS allows 2,048 characters of
// the policy as sent, which is what policy.SessionPolicyLimit packs for.
// MinIO allows 2,048 bytes of its own re-encoding (minioEncodedSize), which
// is longer whenever a statement has a single Action, Resource or condition
// value (+2 each), and, for senders that do not escape them, per '&', '<' or
// '>' (+5 each). A generated session policy near the limit can thus fit AWS
// and be refused by MinIO.
func TestMinIOSessionPolicySize(t *testing.T) {
	srv := minioserver.Start(t)
	ctx := context.Background()

	// minioEncodedSize is exact: at its boundary MinIO accepts 2048, refuses 2049.
	for _, shape := range []struct{ name, resourcePrefix string }{
		{"single values", "arn:aws:s3:::b/"},
		{"HTML characters", "arn:aws:s3:::b/r&d/<x>/"},
	} {
		for _, want := range []int{minioSessionPolicyLimit, minioSessionPolicyLimit + 1} {
			doc := paddedDocument(t, shape.resourcePrefix, want)
			js, err := doc.JSON()
			if err != nil {
				t.Fatal(err)
			}
			_, err = srv.AssumeRole(ctx, string(js), 0)
			if fits := want <= minioSessionPolicyLimit; fits != (err == nil) {
				t.Errorf("%s: %d characters as sent, %d as MinIO encodes it: AssumeRole error %v", shape.name, len(js), want, err)
			}
		}
	}

	// A generated policy that fits AWS's limit and not MinIO's: a read, a
	// delete and a list grant give five statements with single values; the
	// read prefix is padded until the two encodings straddle 2,048.
	alice := grant.Principal{User: "alice"}
	grantOn := func(prefix string, perms ...grant.Permission) grant.Grant {
		return grant.Grant{Namespace: "x", Name: "g", Connection: connection, Bucket: bucket, Prefix: prefix,
			Subjects: []grant.Subject{{Kind: grant.User, Name: alice.User}}, Permissions: grant.NewPermissions(perms...)}
	}
	for pad := 600; pad < 800; pad++ {
		grants := []grant.Grant{
			grantOn("reports/"+strings.Repeat("r", pad)+"/", grant.Read),
			grantOn("trash/"+strings.Repeat("t", 700)+"/", grant.Delete),
			grantOn("shared/team/inbox/", grant.List),
		}
		doc, err := policy.SessionPolicyFor(policy.Connection{Name: connection}, grants, alice)
		if err != nil {
			t.Fatalf("the generator refused before MinIO's encoding exceeded the limit: %v", err)
		}
		js, err := doc.JSON()
		if err != nil {
			t.Fatal(err)
		}
		minioSize, err := minioEncodedSize(doc)
		if err != nil {
			t.Fatal(err)
		}
		if minioSize <= minioSessionPolicyLimit {
			continue
		}
		_, err = srv.AssumeRole(ctx, string(js), 0)
		if err == nil || !strings.Contains(err.Error(), "Session policy should not exceed 2048 characters") {
			t.Fatalf("a %d-character generated policy (%d as MinIO encodes it): AssumeRole error %v, want MinIO's size refusal", len(js), minioSize, err)
		}
		t.Logf("a generated session policy of %d characters, within policy.SessionPolicyLimit, is %d as MinIO encodes it and refused", len(js), minioSize)
		return
	}
	t.Fatal("found no generated policy between the two limits")
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
