package minio_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/policy"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
)

// minMatrixCases keeps the matrix from silently shrinking.
const minMatrixCases = 200

// TestPolicyEnforcementMatrix proves the generated session policies on
// MinIO's IAM engine: for every subject of the scenario it takes STS
// credentials limited by policy.SessionPolicyFor, runs each S3 operation on
// keys inside, beside and outside the grants and lists at, under, above and
// beside them, and requires MinIO's decision to equal the evaluator's.
func TestPolicyEnforcementMatrix(t *testing.T) {
	srv := minioserver.Start(t)
	ctx := context.Background()
	srv.CreateBucket(t, bucket)
	srv.CreateBucket(t, archiveBucket)
	root := srv.S3Client(t, nil)
	conn := policy.Connection{Name: connection}
	total := &tally{}
	for _, p := range scenarioPrincipals {
		seed(ctx, t, root)
		doc, err := policy.SessionPolicyFor(conn, scenarioGrants, p)
		if err != nil {
			t.Fatalf("session policy for %s: %v", p.User, err)
		}
		js, err := doc.JSON()
		if err != nil {
			t.Fatal(err)
		}
		creds, err := srv.AssumeRole(ctx, string(js), 0)
		if err != nil {
			t.Fatalf("assume role for %s with %s: %v", p.User, js, err)
		}
		t.Logf("%s: session policy %s", p.User, js)
		m := &matrix{
			t:       t,
			subject: p.User,
			session: []policy.Document{doc},
			client:  srv.S3Client(t, minioserver.StaticCredentials(creds)),
			root:    root,
			tally:   total,
		}
		m.objects(ctx)
		m.listings(ctx)
	}
	t.Logf("enforcement matrix: %s", total)
	if total.cases < minMatrixCases {
		t.Errorf("the matrix ran %d cases, want at least %d", total.cases, minMatrixCases)
	}
	if total.allowed == 0 || total.denied == 0 {
		t.Errorf("the matrix must exercise both decisions: %d allowed, %d denied", total.allowed, total.denied)
	}
}

// TestMultipartUploadNeedsOnlyPutObject uploads 20 MiB in four parts with
// credentials whose session policy allows s3:PutObject and nothing else:
// S3 and MinIO authorize CreateMultipartUpload, UploadPart and
// CompleteMultipartUpload as s3:PutObject. ListParts, which needs
// s3:ListMultipartUploadParts, is refused under the same policy.
func TestMultipartUploadNeedsOnlyPutObject(t *testing.T) {
	srv := minioserver.Start(t)
	ctx := context.Background()
	srv.CreateBucket(t, bucket)
	root := srv.S3Client(t, nil)

	const prefix = "partner-b/uploads/"
	putOnly := policy.Document{Version: policy.Version, Statement: []policy.Statement{{
		Sid: "Write", Effect: policy.Allow, Action: policy.Values{"s3:PutObject"},
		Resource: policy.Values{policy.ObjectARN("", bucket, prefix)},
	}}}
	// The write grant's generated policy gives PutObject on the same scope.
	writeGrant := []grant.Grant{{Namespace: "partner-b", Name: "upload", Connection: connection, Bucket: bucket, Prefix: prefix,
		Subjects: []grant.Subject{{Kind: grant.User, Name: "bob"}}, Permissions: grant.NewPermissions(grant.Write)}}
	generated, err := policy.SessionPolicyFor(policy.Connection{Name: connection}, writeGrant, grant.Principal{User: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	key := prefix + "big.bin"
	put := policy.Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::" + bucket + "/" + key}
	for name, doc := range map[string]policy.Document{"PutObject only": putOnly, "generated write grant": generated} {
		if d := policy.EvaluateSession(allowAll, []policy.Document{doc}, put); !d.Allowed {
			t.Fatalf("%s: evaluator refuses PutObject: %s", name, d)
		}
	}

	js, err := putOnly.JSON()
	if err != nil {
		t.Fatal(err)
	}
	creds, err := srv.AssumeRole(ctx, string(js), 0)
	if err != nil {
		t.Fatal(err)
	}
	c := srv.S3Client(t, minioserver.StaticCredentials(creds))

	const partSize, parts = 5 << 20, 4
	created, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: &key})
	if err != nil {
		t.Fatalf("CreateMultipartUpload: %v", err)
	}
	var completed []types.CompletedPart
	for n := int32(1); n <= parts; n++ {
		body := bytes.Repeat([]byte{byte('a' + n)}, partSize)
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bucket), Key: &key, UploadId: created.UploadId,
			PartNumber: aws.Int32(n), Body: bytes.NewReader(body)})
		if err != nil {
			t.Fatalf("UploadPart %d: %v", n, err)
		}
		completed = append(completed, types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag,
			ChecksumCRC32: out.ChecksumCRC32, ChecksumCRC32C: out.ChecksumCRC32C, ChecksumCRC64NVME: out.ChecksumCRC64NVME,
			ChecksumSHA1: out.ChecksumSHA1, ChecksumSHA256: out.ChecksumSHA256})
	}
	_, err = c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String(bucket), Key: &key, UploadId: created.UploadId})
	if o, unexpected := classify(err); unexpected != nil || o != denied {
		t.Errorf("ListParts with PutObject only: got %v, want AccessDenied", err)
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: &key, UploadId: created.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: completed}})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	head, err := root.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: &key})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToInt64(head.ContentLength); got != partSize*parts {
		t.Fatalf("uploaded object has %d bytes, want %d", got, partSize*parts)
	}
}
