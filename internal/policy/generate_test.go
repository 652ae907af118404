package policy

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
)

// unbounded packs into as many managed-policy-sized documents as it takes.
var unbounded = Limit{Name: "managed policy", PerDocument: 6144}

func oneGrant(bucket, prefix string, ps ...grant.Permission) grant.Grant {
	return grant.Grant{Namespace: "ns", Name: "g", Connection: seedConnection, Bucket: bucket, Prefix: prefix,
		Subjects: []grant.Subject{user("u")}, Permissions: perms(ps...)}
}

func mustGenerate(t *testing.T, conn Connection, gs []grant.Grant) Document {
	t.Helper()
	docs, err := ConnectionPolicy(conn, gs, unbounded)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 {
		t.Fatalf("%d documents", len(docs))
	}
	return docs[0]
}

func jsonOf(t *testing.T, d Document) string {
	t.Helper()
	b, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func allowed(docs []Document, action, resource string, ctx map[string][]string) bool {
	return Evaluate(docs, Request{Action: action, Resource: resource, Context: ctx}).Allowed
}

func listCtx(prefix string, delimiter ...string) map[string][]string {
	ctx := map[string][]string{"s3:prefix": {prefix}}
	if len(delimiter) > 0 {
		ctx["s3:delimiter"] = delimiter
	}
	return ctx
}

func TestGenerateWholeBucket(t *testing.T) {
	d := mustGenerate(t, Connection{Name: seedConnection}, []grant.Grant{oneGrant("bk1", "", grant.Read, grant.List)})
	want := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::bk1/*"]},` +
		`{"Sid":"List","Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::bk1"]}]}`
	if got := jsonOf(t, d); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestGenerateDropsSubsumedGrants(t *testing.T) {
	d := mustGenerate(t, Connection{Name: seedConnection}, []grant.Grant{
		oneGrant("bk1", "", grant.Read),
		oneGrant("bk1", "a/", grant.Read, grant.Write),
		oneGrant("bk1", "a/b/", grant.Write, grant.Delete),
		oneGrant("bk1", "a/b/c/", grant.List),
		oneGrant("bk1", "a/", grant.List),
		oneGrant("bk1", "ab/", grant.List),
	})
	want := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::bk1/*"]},` +
		`{"Sid":"Write","Effect":"Allow","Action":["s3:AbortMultipartUpload","s3:ListMultipartUploadParts","s3:PutObject"],"Resource":["arn:aws:s3:::bk1/a/*"]},` +
		`{"Sid":"Delete","Effect":"Allow","Action":["s3:DeleteObject"],"Resource":["arn:aws:s3:::bk1/a/b/*"]},` +
		`{"Sid":"List","Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::bk1"],"Condition":{"StringLike":{"s3:prefix":["a/*","ab/*"]}}},` +
		`{"Sid":"ListParents","Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::bk1"],"Condition":{"StringEquals":{"s3:delimiter":["/"],"s3:prefix":[""]}}}]}`
	if got := jsonOf(t, d); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestGenerateMergesBucketsWithEqualStatements(t *testing.T) {
	d := mustGenerate(t, Connection{Name: seedConnection}, []grant.Grant{
		oneGrant("bk2", "in/", grant.List),
		oneGrant("bk1", "in/", grant.List),
		oneGrant("bk3", "", grant.List),
	})
	want := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"List1","Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::bk1","arn:aws:s3:::bk2"],"Condition":{"StringLike":{"s3:prefix":["in/*"]}}},` +
		`{"Sid":"List2","Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::bk3"]},` +
		`{"Sid":"ListParents","Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::bk1","arn:aws:s3:::bk2"],"Condition":{"StringEquals":{"s3:delimiter":["/"],"s3:prefix":[""]}}}]}`
	if got := jsonOf(t, d); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestGenerateEscapesSpecialCharacters checks that keys with '*', '?' and
// '$' grant exactly their literal prefix, under the evaluator's IAM model.
func TestGenerateEscapesSpecialCharacters(t *testing.T) {
	prefix := "reports*/q?/${aws:username}/"
	d := mustGenerate(t, Connection{Name: seedConnection}, []grant.Grant{oneGrant("bk1", prefix, grant.Read, grant.List)})
	s := jsonOf(t, d)
	for _, want := range []string{
		`"arn:aws:s3:::bk1/reports${*}/q${?}/${$}{aws:username}/*"`,
		`"s3:prefix":["reports${*}/q${?}/${$}{aws:username}/*"]`,
		`"reports*/q?/"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %s in %s", want, s)
		}
	}
	docs := []Document{d}
	obj := func(key string) string { return "arn:aws:s3:::bk1/" + key }
	for key, want := range map[string]bool{
		prefix + "file":                     true,
		"reportsX/q?/${aws:username}/file":  false,
		"reports*/qX/${aws:username}/file":  false,
		"reports*/q?/alice/file":            false,
		"reports*/q?/${aws:username}x/file": false,
	} {
		if got := allowed(docs, "s3:GetObject", obj(key), map[string][]string{"aws:username": {"alice"}}); got != want {
			t.Errorf("GetObject %q = %v, want %v", key, got, want)
		}
	}
	for p, want := range map[string]bool{
		prefix:                         true,
		prefix + "sub/":                true,
		"reportsX/q?/${aws:username}/": false,
		"reports*/q?/alice/":           false,
	} {
		if got := allowed(docs, "s3:ListBucket", BucketARN("", "bk1"), listCtx(p)); got != want {
			t.Errorf("ListBucket prefix %q = %v, want %v", p, got, want)
		}
	}
	for _, parent := range keys.Parents(prefix) {
		if !allowed(docs, "s3:ListBucket", BucketARN("", "bk1"), listCtx(parent, "/")) {
			t.Errorf("breadcrumb %q refused", parent)
		}
		if allowed(docs, "s3:ListBucket", BucketARN("", "bk1"), listCtx(parent)) && parent != prefix {
			t.Errorf("breadcrumb %q listed without delimiter", parent)
		}
	}
}

func TestGenerateKMS(t *testing.T) {
	conn := Connection{Name: seedConnection, KMSKeyARN: seedKMSKey}
	for _, tc := range []struct {
		perms []grant.Permission
		want  string
	}{
		{[]grant.Permission{grant.Read}, `"Action":["kms:Decrypt"]`},
		{[]grant.Permission{grant.Write}, `"Action":["kms:Decrypt","kms:GenerateDataKey"]`},
		{[]grant.Permission{grant.List, grant.Delete}, ""},
	} {
		s := jsonOf(t, mustGenerate(t, conn, []grant.Grant{oneGrant("bk1", "p/", tc.perms...)}))
		if tc.want == "" {
			if strings.Contains(s, "kms:") {
				t.Errorf("%v: unexpected KMS statement in %s", tc.perms, s)
			}
		} else if !strings.Contains(s, tc.want+`,"Resource":["`+seedKMSKey+`"]`) {
			t.Errorf("%v: want %s in %s", tc.perms, tc.want, s)
		}
	}
}

func TestGeneratePartition(t *testing.T) {
	key := "arn:aws-cn:kms:cn-north-1:111122223333:key/abc"
	d := mustGenerate(t, Connection{Name: seedConnection, Partition: "aws-cn", KMSKeyARN: key},
		[]grant.Grant{oneGrant("bk1", "p/", grant.Write, grant.List)})
	s := jsonOf(t, d)
	if strings.Contains(s, "arn:aws:") || !strings.Contains(s, "arn:aws-cn:s3:::bk1/p/*") || !strings.Contains(s, `"arn:aws-cn:s3:::bk1"`) {
		t.Errorf("partition not applied: %s", s)
	}
}

func TestGenerateNothingAllowsNothing(t *testing.T) {
	conn := Connection{Name: seedConnection, KMSKeyARN: seedKMSKey}
	for name, gs := range map[string][]grant.Grant{
		"no grants":         nil,
		"empty permissions": {oneGrant("bk1", "p/")},
	} {
		docs, err := ConnectionPolicy(conn, gs, ManagedPolicyLimit)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != 1 || len(docs[0].Statement) != 1 || docs[0].Statement[0].Sid != "NoGrants" {
			t.Fatalf("%s: got %+v", name, docs)
		}
		for _, r := range []Request{
			{Action: "s3:GetObject", Resource: "arn:aws:s3:::bk1/p/x"},
			{Action: "s3:ListBucket", Resource: "arn:aws:s3:::bk1"},
			{Action: "s3:ListAllMyBuckets", Resource: "*"},
			{Action: "kms:Decrypt", Resource: seedKMSKey},
		} {
			if d := Evaluate(docs, r); d.Allowed {
				t.Errorf("%s: %s allowed", name, r.Action)
			}
			other := Document{Version: Version, Statement: []Statement{{Effect: Allow, Action: Values{"*"}, Resource: Values{"*"}}}}
			if d := EvaluateSession([]Document{other}, docs, r); d.Allowed {
				t.Errorf("%s: session %s allowed", name, r.Action)
			}
		}
		if fs := Lint(docs[0], LintOptions{KMSKeyARN: seedKMSKey}); len(fs) != 0 {
			t.Errorf("findings: %+v", fs)
		}
	}
}

func TestGenerateRefusesBadInput(t *testing.T) {
	conn := Connection{Name: seedConnection}
	wrongConn := oneGrant("bk1", "p/", grant.Read)
	wrongConn.Connection = "other"
	for name, tc := range map[string]struct {
		conn Connection
		g    grant.Grant
		want string
	}{
		"other connection": {conn, wrongConn, `for connection "other"`},
		"bad bucket":       {conn, oneGrant("B_1", "p/", grant.Read), "invalid bucket"},
		"bad prefix":       {conn, oneGrant("bk1", "p", grant.Read), "invalid prefix"},
		"dot segment":      {conn, oneGrant("bk1", "a/../", grant.Read), "invalid prefix"},
		"bad partition":    {Connection{Name: seedConnection, Partition: "AWS"}, oneGrant("bk1", "p/", grant.Read), "invalid partition"},
		"kms wildcard":     {Connection{Name: seedConnection, KMSKeyARN: "arn:aws:kms:eu-west-1:111122223333:key/*"}, oneGrant("bk1", "p/", grant.Read), "KMS key ARN"},
		"kms partition":    {Connection{Name: seedConnection, Partition: "aws-cn", KMSKeyARN: seedKMSKey}, oneGrant("bk1", "p/", grant.Read), "KMS key ARN"},
	} {
		_, err := ConnectionPolicy(tc.conn, []grant.Grant{tc.g}, ManagedPolicyLimit)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
	var ke *keys.Error
	_, err := ConnectionPolicy(conn, []grant.Grant{oneGrant("bk1", "p", grant.Read)}, ManagedPolicyLimit)
	if !errors.As(err, &ke) || ke.Reason != keys.ReasonMissingSlash {
		t.Errorf("want a wrapped *keys.Error, got %v", err)
	}
}

func TestSessionPolicyForSubjects(t *testing.T) {
	conn := Connection{Name: seedConnection}
	g1 := oneGrant("bk1", "team/", grant.Read)
	g1.Subjects = []grant.Subject{group("analysts")}
	g2 := oneGrant("bk1", "alice/", grant.Write)
	g2.Subjects = []grant.Subject{user("alice")}
	gs := []grant.Grant{g1, g2}
	for _, tc := range []struct {
		p              grant.Principal
		team, aliceDir bool
	}{
		{grant.Principal{User: "alice", Groups: []string{"analysts"}}, true, true},
		{grant.Principal{User: "alice"}, false, true},
		{grant.Principal{User: "bob", Groups: []string{"analysts"}}, true, false},
		{grant.Principal{User: "analysts"}, false, false},
	} {
		d, err := SessionPolicyFor(conn, gs, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		docs := []Document{d}
		if got := allowed(docs, "s3:GetObject", "arn:aws:s3:::bk1/team/x", nil); got != tc.team {
			t.Errorf("%+v: team read = %v", tc.p, got)
		}
		if got := allowed(docs, "s3:PutObject", "arn:aws:s3:::bk1/alice/x", nil); got != tc.aliceDir {
			t.Errorf("%+v: alice write = %v", tc.p, got)
		}
	}
}

// TestGeneratedStatementInvariants checks, over many random grant sets, what
// checkGenerated asserts by construction: bucket and object actions never
// share a statement, and every condition key is carried by every action of
// its statement on every request (so no SSE condition on any Allow).
func TestGeneratedStatementInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for range 300 {
		gs := randomGrants(rng, 1+rng.IntN(40))
		docs, err := ConnectionPolicy(Connection{Name: seedConnection, KMSKeyARN: seedKMSKey}, gs, unbounded)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			for _, st := range d.Statement {
				kinds := map[ResourceType]bool{}
				for _, name := range st.Action {
					a, ok := LookupAction(name)
					if !ok && st.Sid != "NoGrants" {
						t.Fatalf("unknown action %s", name)
					}
					kinds[a.Resource] = true
				}
				if len(kinds) != 1 {
					t.Fatalf("statement %s mixes resource types: %v", st.Sid, st.Action)
				}
				for op, kv := range st.Condition {
					for key := range kv {
						if isSSEKey(key) {
							t.Fatalf("SSE condition in %s", st.Sid)
						}
						for _, a := range st.Action {
							if carried, _ := ActionCarriesKey(a, key); !carried {
								t.Fatalf("%s %s on %s, which does not carry it", op, key, a)
							}
						}
					}
				}
			}
		}
	}
}

// TestGeneratedPoliciesLintClean lints the generator's output over many
// random grant sets, with and without KMS, as connection policies (several
// documents linted together) and as session policies: not one finding.
func TestGeneratedPoliciesLintClean(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	principals := []grant.Principal{
		{User: "user0"}, {User: "user1", Groups: []string{"group0"}}, {User: "nobody", Groups: []string{"group2"}},
	}
	for i := range 400 {
		conn := Connection{Name: seedConnection}
		if i%2 == 0 {
			conn.KMSKeyARN = seedKMSKey
		}
		opts := LintOptions{KMSKeyARN: conn.KMSKeyARN}
		gs := randomGrants(rng, rng.IntN(60))
		limit := unbounded
		if i%3 == 0 {
			limit.PerDocument = 1200 // force splitting
		}
		docs, err := ConnectionPolicy(conn, gs, limit)
		if err != nil {
			t.Fatal(err)
		}
		for j, fs := range LintSet(docs, opts) {
			if len(fs) != 0 {
				t.Fatalf("set %d document %d: %+v\n%s", i, j, fs, jsonOf(t, docs[j]))
			}
		}
		for _, p := range principals {
			d, err := SessionPolicyFor(conn, gs, p)
			var tl *TooLargeError
			if errors.As(err, &tl) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if fs := Lint(d, opts); len(fs) != 0 {
				t.Fatalf("session %+v: %+v\n%s", p, fs, jsonOf(t, d))
			}
		}
	}
}
