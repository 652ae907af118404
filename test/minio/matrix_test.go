package minio_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/internal/policy"
)

// allowAll stands for the root user's identity policy: MinIO evaluates
// root-derived STS credentials against their session policy alone, which is
// what EvaluateSession computes when the identity side allows everything.
var allowAll = []policy.Document{{
	Version:   policy.Version,
	Statement: []policy.Statement{{Effect: policy.Allow, Action: policy.Values{"*"}, Resource: policy.Values{"*"}}},
}}

// tally counts the matrix's decisions, per operation too.
type tally struct {
	cases, allowed, denied, mismatches int
	byOp                               map[string]*[2]int // allowed, denied
}

func (t *tally) add(op string, o outcome, mismatch bool) {
	if t.byOp == nil {
		t.byOp = map[string]*[2]int{}
	}
	if t.byOp[op] == nil {
		t.byOp[op] = &[2]int{}
	}
	t.cases++
	if o == allowed {
		t.allowed++
		t.byOp[op][0]++
	} else {
		t.denied++
		t.byOp[op][1]++
	}
	if mismatch {
		t.mismatches++
	}
}

func (t *tally) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d cases: %d allowed, %d denied, %d mismatches\n", t.cases, t.allowed, t.denied, t.mismatches)
	ops := make([]string, 0, len(t.byOp))
	for op := range t.byOp {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		fmt.Fprintf(&b, "  %-24s allowed %3d  denied %3d\n", op, t.byOp[op][0], t.byOp[op][1])
	}
	return b.String()
}

// matrix runs every object operation on every key and every listing as one
// subject, asserting that MinIO's decision equals the evaluator's.
type matrix struct {
	t       *testing.T
	subject string
	session []policy.Document
	client  *s3.Client
	root    *s3.Client
	tally   *tally
}

// check compares one decision and records it.
func (m *matrix) check(op, target string, req policy.Request, err error) {
	m.t.Helper()
	got, unexpected := classify(err)
	if unexpected != nil {
		m.t.Errorf("%s %s %s: %v", m.subject, op, target, unexpected)
		return
	}
	want := policy.EvaluateSession(allowAll, m.session, req)
	wantOutcome := denied
	if want.Allowed {
		wantOutcome = allowed
	}
	mismatch := got != wantOutcome
	if mismatch {
		m.t.Errorf("MISMATCH %s %s %s: MinIO %s, evaluator %s (%s); request %+v; S3 error: %v",
			m.subject, op, target, got, wantOutcome, want, req, err)
	}
	m.tally.add(op, got, mismatch)
}

func (m *matrix) objects(ctx context.Context) {
	for _, o := range objects {
		up, err := openUploads(ctx, m.root, o.bucket, o.key)
		if err != nil {
			m.t.Fatal(err)
		}
		env := &objectEnv{subject: m.client, root: m.root, bucket: o.bucket, key: o.key, up: up}
		for _, op := range objectOps {
			req := policy.Request{Action: op.action, Resource: "arn:aws:s3:::" + o.bucket + "/" + o.key}
			m.check(op.name, o.bucket+"/"+o.key, req, op.run(ctx, env))
		}
		closeUploads(ctx, m.root, o.bucket, o.key, up)
	}
}

func (m *matrix) listings(ctx context.Context) {
	for _, l := range listings {
		for _, delimiter := range []string{"/", ""} {
			req := policy.Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::" + l.bucket, Context: map[string][]string{}}
			target := l.bucket + " prefix=<none>"
			if l.prefix != nil {
				req.Context["s3:prefix"] = []string{*l.prefix}
				target = fmt.Sprintf("%s prefix=%q", l.bucket, *l.prefix)
			}
			if delimiter != "" {
				req.Context["s3:delimiter"] = []string{delimiter}
				target += fmt.Sprintf(" delimiter=%q", delimiter)
			}
			m.check("ListObjectsV2", target, req, listObjects(ctx, m.client, l.bucket, l.prefix, delimiter))
		}
	}
}

// seed (re)writes every object as root, so each subject starts from the
// same bucket whatever the previous one deleted.
func seed(ctx context.Context, t *testing.T, root *s3.Client) {
	t.Helper()
	for _, o := range objects {
		_, err := root.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(o.bucket), Key: aws.String(o.key), Body: strings.NewReader("seed " + o.key)})
		if err != nil {
			t.Fatalf("seed %s/%s: %v", o.bucket, o.key, err)
		}
	}
}
