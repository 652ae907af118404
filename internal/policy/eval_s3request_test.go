package policy

import (
	"fmt"
	"testing"
)

// s3Call is one S3 API call, as the server or a client sends it. The tests turn
// it into the IAM requests S3 authorizes it with, following "Required
// permissions for Amazon S3 API operations" and the condition keys of the
// Service Authorization Reference: s3:prefix and s3:delimiter only on listing,
// the SSE headers only on the operations that send them.
type s3Call struct {
	// Op is the API operation name, such as "UploadPartCopy".
	Op     string
	Bucket string
	// Key names the object (the destination of a copy).
	Key string
	// SourceBucket and SourceKey name the source of UploadPartCopy/CopyObject.
	SourceBucket, SourceKey string
	// Prefix is the listing prefix of ListObjectsV2. The server always sends
	// the prefix parameter, so s3:prefix is present even when it is "" (the
	// bucket root); S3 puts a sent empty parameter in the context as "".
	Prefix string
	// Delimiter is the listing delimiter; "" means the parameter is not sent
	// and s3:delimiter is absent.
	Delimiter string
	// SSE is the x-amz-server-side-encryption header ("aws:kms", "AES256");
	// "" means not sent. Only PutObject, CopyObject and CreateMultipartUpload
	// can send it: UploadPart, UploadPartCopy and CompleteMultipartUpload take
	// the encryption of the upload and have no such header.
	SSE string
	// KMSKey is the ARN of the KMS key of an SSE-KMS bucket, or "". S3 then
	// also authorizes the caller on the key: kms:GenerateDataKey to write,
	// kms:Decrypt to read, and both for every step of a multipart upload
	// ("Multipart upload API and permissions", Amazon S3 User Guide).
	KMSKey string
}

const testPartition = "aws"

func testObjectARN(bucket, key string) string {
	return "arn:" + testPartition + ":s3:::" + bucket + "/" + key
}
func testBucketARN(bucket string) string { return "arn:" + testPartition + ":s3:::" + bucket }

// requests returns every IAM request S3 evaluates for the call; the call is
// allowed only if all are.
func (c s3Call) requests() ([]Request, error) {
	object := func(action string, ctx map[string][]string) Request {
		return Request{Action: action, Resource: testObjectARN(c.Bucket, c.Key), Context: ctx}
	}
	source := func() Request {
		return Request{Action: "s3:GetObject", Resource: testObjectARN(c.SourceBucket, c.SourceKey)}
	}
	copySource := map[string][]string{"s3:x-amz-copy-source": {c.SourceBucket + "/" + c.SourceKey}}
	reqs, err := c.s3Requests(object, source, copySource)
	if err != nil || c.KMSKey == "" {
		return reqs, err
	}
	for _, action := range c.kmsActions() {
		reqs = append(reqs, Request{Action: action, Resource: c.KMSKey})
	}
	return reqs, nil
}

// kmsActions are the KMS permissions the call needs on an SSE-KMS bucket.
func (c s3Call) kmsActions() []string {
	switch c.Op {
	case "GetObject":
		return []string{"kms:Decrypt"}
	case "PutObject":
		return []string{"kms:GenerateDataKey"}
	case "CopyObject", "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload":
		return []string{"kms:GenerateDataKey", "kms:Decrypt"}
	}
	return nil
}

func (c s3Call) s3Requests(object func(string, map[string][]string) Request, source func() Request, copySource map[string][]string) ([]Request, error) {
	switch c.Op {
	case "GetObject", "HeadObject":
		return []Request{object("s3:GetObject", nil)}, nil
	case "PutObject", "CreateMultipartUpload":
		return []Request{object("s3:PutObject", c.sseContext(nil))}, nil
	case "CopyObject":
		return []Request{object("s3:PutObject", c.sseContext(copySource)), source()}, nil
	case "UploadPart", "CompleteMultipartUpload":
		return []Request{object("s3:PutObject", nil)}, nil
	case "UploadPartCopy":
		return []Request{object("s3:PutObject", copySource), source()}, nil
	case "AbortMultipartUpload":
		return []Request{object("s3:AbortMultipartUpload", nil)}, nil
	case "ListParts":
		return []Request{object("s3:ListMultipartUploadParts", nil)}, nil
	case "DeleteObject":
		return []Request{object("s3:DeleteObject", nil)}, nil
	case "ListObjectsV2":
		ctx := map[string][]string{"s3:prefix": {c.Prefix}}
		if c.Delimiter != "" {
			ctx["s3:delimiter"] = []string{c.Delimiter}
		}
		return []Request{{Action: "s3:ListBucket", Resource: testBucketARN(c.Bucket), Context: ctx}}, nil
	}
	return nil, fmt.Errorf("s3Call: operation %q is not modelled", c.Op)
}

func (c s3Call) sseContext(ctx map[string][]string) map[string][]string {
	if c.SSE == "" {
		return ctx
	}
	out := map[string][]string{"s3:x-amz-server-side-encryption": {c.SSE}}
	for k, v := range ctx {
		out[k] = v
	}
	return out
}

// callDecision evaluates every request of the call; the first denial decides.
func callDecision(t testing.TB, c s3Call, eval func(Request) Decision) (Decision, Request) {
	t.Helper()
	reqs, err := c.requests()
	if err != nil {
		t.Fatal(err)
	}
	var d Decision
	for _, r := range reqs {
		d = eval(r)
		if !d.Allowed {
			return d, r
		}
	}
	return d, reqs[len(reqs)-1]
}

func TestS3CallRequests(t *testing.T) {
	cases := []struct {
		call    s3Call
		actions []string
		keys    []map[string]bool // context keys per request
	}{
		{s3Call{Op: "GetObject", Bucket: "b", Key: "k"}, []string{"s3:GetObject"}, []map[string]bool{{}}},
		{s3Call{Op: "HeadObject", Bucket: "b", Key: "k"}, []string{"s3:GetObject"}, []map[string]bool{{}}},
		{s3Call{Op: "PutObject", Bucket: "b", Key: "k", SSE: "aws:kms"}, []string{"s3:PutObject"},
			[]map[string]bool{{"s3:x-amz-server-side-encryption": true}}},
		{s3Call{Op: "PutObject", Bucket: "b", Key: "k"}, []string{"s3:PutObject"}, []map[string]bool{{}}},
		{s3Call{Op: "CreateMultipartUpload", Bucket: "b", Key: "k", SSE: "aws:kms"}, []string{"s3:PutObject"},
			[]map[string]bool{{"s3:x-amz-server-side-encryption": true}}},
		{s3Call{Op: "UploadPart", Bucket: "b", Key: "k", SSE: "aws:kms"}, []string{"s3:PutObject"}, []map[string]bool{{}}},
		{s3Call{Op: "CompleteMultipartUpload", Bucket: "b", Key: "k", SSE: "aws:kms"}, []string{"s3:PutObject"}, []map[string]bool{{}}},
		{s3Call{Op: "UploadPartCopy", Bucket: "b", Key: "k", SourceBucket: "s", SourceKey: "src", SSE: "aws:kms"},
			[]string{"s3:PutObject", "s3:GetObject"}, []map[string]bool{{"s3:x-amz-copy-source": true}, {}}},
		{s3Call{Op: "CopyObject", Bucket: "b", Key: "k", SourceBucket: "s", SourceKey: "src", SSE: "AES256"},
			[]string{"s3:PutObject", "s3:GetObject"},
			[]map[string]bool{{"s3:x-amz-copy-source": true, "s3:x-amz-server-side-encryption": true}, {}}},
		{s3Call{Op: "AbortMultipartUpload", Bucket: "b", Key: "k"}, []string{"s3:AbortMultipartUpload"}, []map[string]bool{{}}},
		{s3Call{Op: "ListParts", Bucket: "b", Key: "k"}, []string{"s3:ListMultipartUploadParts"}, []map[string]bool{{}}},
		{s3Call{Op: "DeleteObject", Bucket: "b", Key: "k"}, []string{"s3:DeleteObject"}, []map[string]bool{{}}},
		{s3Call{Op: "ListObjectsV2", Bucket: "b", Prefix: "p/", Delimiter: "/"}, []string{"s3:ListBucket"},
			[]map[string]bool{{"s3:prefix": true, "s3:delimiter": true}}},
		{s3Call{Op: "ListObjectsV2", Bucket: "b"}, []string{"s3:ListBucket"}, []map[string]bool{{"s3:prefix": true}}},
	}
	for _, c := range cases {
		reqs, err := c.call.requests()
		if err != nil {
			t.Fatal(err)
		}
		if len(reqs) != len(c.actions) {
			t.Fatalf("%s: %d requests, want %d", c.call.Op, len(reqs), len(c.actions))
		}
		for i, r := range reqs {
			if r.Action != c.actions[i] {
				t.Errorf("%s request %d: action %s, want %s", c.call.Op, i, r.Action, c.actions[i])
			}
			if len(r.Context) != len(c.keys[i]) {
				t.Errorf("%s request %d: context %v, want keys %v", c.call.Op, i, r.Context, c.keys[i])
			}
			for k := range r.Context {
				if !c.keys[i][k] {
					t.Errorf("%s request %d: unexpected context key %s", c.call.Op, i, k)
				}
			}
		}
	}
	kms := "arn:aws:kms:eu-west-1:111122223333:key/k"
	reqs, err := s3Call{Op: "UploadPart", Bucket: "b", Key: "k", KMSKey: kms}.requests()
	if err != nil || len(reqs) != 3 || reqs[1].Action != "kms:GenerateDataKey" || reqs[2].Action != "kms:Decrypt" || reqs[2].Resource != kms {
		t.Errorf("UploadPart on an SSE-KMS bucket: %v, %v", reqs, err)
	}
	if _, err := (s3Call{Op: "SelectObjectContent"}).requests(); err == nil {
		t.Error("an unmodelled operation must be refused")
	}
}

// The request model and the catalogue are two transcriptions of "Required
// permissions for Amazon S3 API operations"; they must agree.
func TestS3CallAgreesWithCatalogue(t *testing.T) {
	for _, name := range []string{"GetObject", "HeadObject", "PutObject", "CopyObject", "CreateMultipartUpload",
		"UploadPart", "UploadPartCopy", "CompleteMultipartUpload", "AbortMultipartUpload", "ListParts",
		"DeleteObject", "ListObjectsV2"} {
		op, ok := LookupOperation(name)
		if !ok {
			t.Errorf("%s is not in the catalogue", name)
			continue
		}
		reqs, err := s3Call{Op: name, Bucket: "b", Key: "k", SourceBucket: "s", SourceKey: "src"}.requests()
		if err != nil {
			t.Fatal(err)
		}
		if len(reqs) != len(op.Requires) {
			t.Errorf("%s: model has %d requests, catalogue %d", name, len(reqs), len(op.Requires))
			continue
		}
		for i, req := range op.Requires {
			r := reqs[i]
			wantResource := testObjectARN("b", "k")
			switch {
			case req.CopySource:
				wantResource = testObjectARN("s", "src")
			case req.Resource == ResourceBucket:
				wantResource = testBucketARN("b")
			}
			if r.Action != req.Action || r.Resource != wantResource {
				t.Errorf("%s request %d: model %s on %s, catalogue %s on %s", name, i, r.Action, r.Resource, req.Action, wantResource)
			}
		}
	}
}
