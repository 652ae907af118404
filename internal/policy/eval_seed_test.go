package policy

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The seed bug: a predecessor deployed testdata/seed/deployed.json and
// proposed testdata/seed/proposed-fix.json. These tests show with the
// evaluator why the first breaks reads and multipart uploads and why the
// proposed fix does not help.

const (
	seedBucket = "artifacts-bucket"
	seedKey    = "packages/app-1.2.3.tgz"
)

func loadSeedDocument(t *testing.T, name string) Document {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "seed", name))
	if err != nil {
		t.Fatalf("seed fixture: %v", err)
	}
	d, err := Parse(b)
	if err != nil {
		t.Fatalf("seed fixture %s: %v", name, err)
	}
	return d
}

// multipartUpload is the whole workflow of one object, with the SSE header
// the client sends on CreateMultipartUpload (UploadPart and
// CompleteMultipartUpload cannot send it).
func multipartUpload(bucket, key, sse string) []s3Call {
	return []s3Call{
		{Op: "CreateMultipartUpload", Bucket: bucket, Key: key, SSE: sse},
		{Op: "UploadPart", Bucket: bucket, Key: key},
		{Op: "ListParts", Bucket: bucket, Key: key},
		{Op: "CompleteMultipartUpload", Bucket: bucket, Key: key},
	}
}

func identityDecision(docs ...Document) func(Request) Decision {
	return func(r Request) Decision { return Evaluate(docs, r) }
}

func expectCall(t *testing.T, eval func(Request) Decision, c s3Call, allowed bool) {
	t.Helper()
	d, r := callDecision(t, c, eval)
	if d.Allowed != allowed {
		t.Errorf("%s %s/%s (SSE %q): %v on %s %s, want allowed=%v", c.Op, c.Bucket, c.Key, c.SSE, d, r.Action, r.Resource, allowed)
	}
}

func TestSeedDeployedPolicyBreaksReadsAndMultipart(t *testing.T) {
	eval := identityDecision(loadSeedDocument(t, "deployed.json"))
	// Only PutObject-class requests carry s3:x-amz-server-side-encryption; on
	// every other request the key is absent and StringEquals on an absent key
	// is false ("the values do not match and the condition is false").
	expectCall(t, eval, s3Call{Op: "GetObject", Bucket: seedBucket, Key: seedKey}, false)
	expectCall(t, eval, s3Call{Op: "HeadObject", Bucket: seedBucket, Key: seedKey}, false)
	expectCall(t, eval, s3Call{Op: "DeleteObject", Bucket: seedBucket, Key: seedKey}, false)
	expectCall(t, eval, s3Call{Op: "AbortMultipartUpload", Bucket: seedBucket, Key: seedKey}, false)
	expectCall(t, eval, s3Call{Op: "ListParts", Bucket: seedBucket, Key: seedKey}, false)
	// A single PutObject that sends the header is the one thing that works.
	expectCall(t, eval, s3Call{Op: "PutObject", Bucket: seedBucket, Key: seedKey, SSE: "aws:kms"}, true)
	expectCall(t, eval, s3Call{Op: "PutObject", Bucket: seedBucket, Key: seedKey}, false)
	// A multipart upload starts, then its first part is refused: UploadPart is
	// authorized as s3:PutObject but carries no SSE header.
	expectCall(t, eval, s3Call{Op: "CreateMultipartUpload", Bucket: seedBucket, Key: seedKey, SSE: "aws:kms"}, true)
	expectCall(t, eval, s3Call{Op: "UploadPart", Bucket: seedBucket, Key: seedKey}, false)
	expectCall(t, eval, s3Call{Op: "CompleteMultipartUpload", Bucket: seedBucket, Key: seedKey}, false)
	// The upload cannot even be cleaned up.
	expectCall(t, eval, s3Call{Op: "AbortMultipartUpload", Bucket: seedBucket, Key: seedKey}, false)

	d, _ := callDecision(t, s3Call{Op: "UploadPart", Bucket: seedBucket, Key: seedKey}, eval)
	if d.Reason != ReasonImplicitDeny {
		t.Errorf("UploadPart: %v, want an implicit deny (no statement applies)", d)
	}
}

func TestSeedProposedFixStillBreaksUploads(t *testing.T) {
	fix := loadSeedDocument(t, "proposed-fix.json")
	eval := identityDecision(fix)
	// The fix keeps the condition, so nothing changes for reads and parts.
	expectCall(t, eval, s3Call{Op: "GetObject", Bucket: seedBucket, Key: seedKey}, false)
	expectCall(t, eval, s3Call{Op: "UploadPart", Bucket: seedBucket, Key: seedKey}, false)
	expectCall(t, eval, s3Call{Op: "CompleteMultipartUpload", Bucket: seedBucket, Key: seedKey}, false)
	expectCall(t, eval, s3Call{Op: "UploadPartCopy", Bucket: seedBucket, Key: seedKey,
		SourceBucket: seedBucket, SourceKey: "packages/old.tgz"}, false)
}

// The names the fix adds for multipart uploads are operations, not actions:
// S3 evaluates CreateMultipartUpload, UploadPart and CompleteMultipartUpload
// as s3:PutObject, so those names never match a request. Without s3:PutObject
// the upload is denied however many of them the statement lists, and with
// them removed nothing changes.
func TestSeedProposedFixMultipartOnlyThroughPutObject(t *testing.T) {
	fix := loadSeedDocument(t, "proposed-fix.json")
	bogus := []string{"s3:CreateMultipartUpload", "s3:CompleteMultipartUpload", "s3:UploadPartCopy"}
	for _, name := range bogus {
		if !slices.Contains(fix.Statement[0].Action, name) {
			t.Fatalf("the proposed fix no longer lists %s; update this test", name)
		}
	}
	// Take the condition away so that the upload can succeed at all, then vary
	// the actions.
	unconditioned := editSeed(fix, func(st *Statement) { st.Condition = nil })
	withoutPut := editSeed(unconditioned, func(st *Statement) { st.Action = withoutActions(st.Action, "s3:PutObject") })
	withoutBogus := editSeed(unconditioned, func(st *Statement) { st.Action = withoutActions(st.Action, bogus...) })

	workflow := append(multipartUpload(seedBucket, seedKey, "aws:kms"),
		s3Call{Op: "UploadPartCopy", Bucket: seedBucket, Key: seedKey, SourceBucket: seedBucket, SourceKey: "packages/old.tgz"},
		s3Call{Op: "AbortMultipartUpload", Bucket: seedBucket, Key: seedKey})
	for _, c := range workflow {
		expectCall(t, identityDecision(unconditioned), c, true)
		expectCall(t, identityDecision(withoutBogus), c, true)
	}
	for _, c := range workflow {
		if c.Op == "ListParts" || c.Op == "AbortMultipartUpload" {
			continue // authorized by their own actions
		}
		// The bogus names are still there; the upload is denied anyway.
		expectCall(t, identityDecision(withoutPut), c, false)
	}
	// No request of the modelled operations ever carries one of the bogus names.
	for _, op := range []string{"GetObject", "HeadObject", "PutObject", "CopyObject", "CreateMultipartUpload", "UploadPart",
		"UploadPartCopy", "CompleteMultipartUpload", "AbortMultipartUpload", "ListParts", "DeleteObject", "ListObjectsV2"} {
		reqs, err := s3Call{Op: op, Bucket: seedBucket, Key: seedKey, SourceBucket: seedBucket, SourceKey: "s"}.requests()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reqs {
			if slices.Contains(bogus, r.Action) {
				t.Errorf("%s is authorized as %s", op, r.Action)
			}
		}
	}
}

func editSeed(d Document, edit func(*Statement)) Document {
	out := Document{Version: d.Version}
	for _, st := range d.Statement {
		c := st.Clone()
		edit(&c)
		out.Statement = append(out.Statement, c)
	}
	return out
}

func withoutActions(vs Values, drop ...string) Values {
	var out Values
	for _, v := range vs {
		if !slices.Contains(drop, v) {
			out = append(out, v)
		}
	}
	return out
}
