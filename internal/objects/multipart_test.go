package objects_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
)

const mib = 1 << 20

// uploadParts uploads the given parts of data through presigned part URLs,
// workers at a time, and returns the ETags by part number.
func uploadParts(t *testing.T, svc *objects.Service, p grant.Principal, up objects.MultipartUpload, data []byte, plan objects.PartPlan, numbers []int32, workers int) map[int32]string {
	t.Helper()
	toSign := make([]objects.PartToSign, len(numbers))
	for i, n := range numbers {
		toSign[i] = objects.PartToSign{Number: n, Size: int64(len(partBytes(data, plan, n)))}
	}
	urls, err := svc.PresignUploadParts(t.Context(), p, objects.PartURLsRequest{
		Bucket: up.Bucket, Key: up.Key, UploadID: up.UploadID, Parts: toSign,
	})
	if err != nil {
		t.Fatalf("PresignUploadParts: %v", err)
	}
	var (
		mu    sync.Mutex
		etags = map[int32]string{}
		wg    sync.WaitGroup
		queue = make(chan objects.PresignedPart)
	)
	for range workers {
		wg.Go(func() {
			for part := range queue {
				r := send(t, part.PresignedRequest, partBytes(data, plan, part.Number), nil)
				if r.status != http.StatusOK || r.header.Get("ETag") == "" {
					t.Errorf("part %d: %v", part.Number, r)
					continue
				}
				mu.Lock()
				etags[part.Number] = r.header.Get("ETag")
				mu.Unlock()
			}
		})
	}
	for _, u := range urls {
		queue <- u
	}
	close(queue)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return etags
}

func partBytes(data []byte, plan objects.PartPlan, n int32) []byte {
	start := int64(n-1) * plan.PartSize
	return data[start:min(start+plan.PartSize, int64(len(data)))]
}

func completed(etags map[int32]string) []objects.CompletedPart {
	var parts []objects.CompletedPart
	for n, e := range etags {
		parts = append(parts, objects.CompletedPart{Number: n, ETag: e})
	}
	slices.SortFunc(parts, func(a, b objects.CompletedPart) int { return int(a.Number - b.Number) })
	return parts
}

func numbers(from, to int32) []int32 {
	var out []int32
	for n := from; n <= to; n++ {
		out = append(out, n)
	}
	return out
}

// downloadSHA256 downloads key through a presigned GET and hashes it.
func downloadSHA256(t *testing.T, svc *objects.Service, key string) [32]byte {
	t.Helper()
	req, err := svc.PresignGet(t.Context(), nobody, objects.GetRequest{Bucket: testBucket, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	r := send(t, req, nil, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s = %v", key, r)
	}
	return sha256.Sum256(r.body)
}

func testMultipartLarge(t *testing.T, env *minioEnv) {
	svc := env.service(t, false, objects.Options{})
	data := randomBytes(64*mib, 64)
	plan, err := objects.PlanParts(int64(len(data)), 0)
	if err != nil || plan.PartSize != 8*mib || plan.Parts != 8 {
		t.Fatalf("PlanParts(64 MiB) = %+v, %v; want 8 parts of 8 MiB", plan, err)
	}
	up, err := svc.CreateMultipartUpload(t.Context(), objects.MultipartRequest{
		Bucket: testBucket, Key: "mp/large.bin", ContentType: "application/octet-stream", Size: int64(len(data)),
	})
	if err != nil {
		t.Fatalf("CreateMultipartUpload: %v", err)
	}
	etags := uploadParts(t, svc, nobody, up, data, plan, numbers(1, plan.Parts), 4)
	done, err := svc.CompleteMultipartUpload(t.Context(), objects.CompleteRequest{
		Bucket: up.Bucket, Key: up.Key, UploadID: up.UploadID, Parts: completed(etags),
	})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	if done.Size != int64(len(data)) || done.Parts != 8 || !strings.HasSuffix(done.ETag, "-8") {
		t.Errorf("completed %+v: want 64 MiB in 8 parts", done)
	}
	info, err := svc.HeadObject(t.Context(), testBucket, up.Key)
	if err != nil || info.Size != int64(len(data)) || info.ContentType != "application/octet-stream" {
		t.Fatalf("HeadObject = %+v, %v", info, err)
	}
	if downloadSHA256(t, svc, up.Key) != sha256.Sum256(data) {
		t.Fatal("downloaded bytes differ from the uploaded ones")
	}
}

func testMultipartResume(t *testing.T, env *minioEnv) {
	svc := env.service(t, false, objects.Options{})
	data := randomBytes(11*mib, 11)
	plan, err := objects.PlanParts(int64(len(data)), 5*mib)
	if err != nil || plan.Parts != 3 || plan.LastPartSize != mib {
		t.Fatalf("PlanParts(11 MiB, 5 MiB) = %+v, %v", plan, err)
	}
	up := createUpload(t, svc, "mp/resumed.bin")
	// The first session uploads parts 1 and 3, then the connection drops.
	first := uploadParts(t, svc, nobody, up, data, plan, []int32{1, 3}, 2)

	listed, err := svc.ListParts(t.Context(), up.Bucket, up.Key, up.UploadID)
	if err != nil {
		t.Fatalf("ListParts: %v", err)
	}
	var have []int32
	for _, p := range listed {
		have = append(have, p.Number)
		if `"`+p.ETag+`"` != first[p.Number] || p.Size != int64(len(partBytes(data, plan, p.Number))) {
			t.Errorf("listed part %+v: want ETag %s and its size", p, first[p.Number])
		}
	}
	if !slices.Equal(have, []int32{1, 3}) {
		t.Fatalf("ListParts = %v, want parts 1 and 3", have)
	}
	// The resumed session uploads what is missing and completes with
	// everything ListParts reports.
	uploadParts(t, svc, nobody, up, data, plan, []int32{2}, 1)
	listed, err = svc.ListParts(t.Context(), up.Bucket, up.Key, up.UploadID)
	if err != nil || len(listed) != 3 {
		t.Fatalf("ListParts after resuming = %v, %v; want 3 parts", listed, err)
	}
	var parts []objects.CompletedPart
	for _, p := range listed {
		parts = append(parts, objects.CompletedPart{Number: p.Number, ETag: p.ETag})
	}
	if _, err := svc.CompleteMultipartUpload(t.Context(), objects.CompleteRequest{Bucket: up.Bucket, Key: up.Key, UploadID: up.UploadID, Parts: parts}); err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	if downloadSHA256(t, svc, up.Key) != sha256.Sum256(data) {
		t.Fatal("resumed upload's bytes differ")
	}
}

func testMultipartAbort(t *testing.T, env *minioEnv) {
	svc := env.service(t, false, objects.Options{})
	data := randomBytes(5*mib, 5)
	plan, _ := objects.PlanParts(int64(len(data)), 5*mib)
	up := createUpload(t, svc, "mp/aborted.bin")
	uploadParts(t, svc, nobody, up, data, plan, []int32{1}, 1)
	if err := svc.AbortMultipartUpload(t.Context(), up.Bucket, up.Key, up.UploadID); err != nil {
		t.Fatalf("AbortMultipartUpload: %v", err)
	}
	out, err := env.root.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(testBucket), Prefix: aws.String("mp/aborted")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Uploads) != 0 {
		t.Errorf("ListMultipartUploads after abort = %d uploads, want none", len(out.Uploads))
	}
	_, err = svc.HeadObject(t.Context(), testBucket, up.Key)
	wantKind(t, err, objects.KindNotFound)
	_, err = svc.ListParts(t.Context(), up.Bucket, up.Key, up.UploadID)
	wantKind(t, err, objects.KindNoSuchUpload)
	if err := svc.AbortMultipartUpload(t.Context(), up.Bucket, up.Key, up.UploadID); err != nil {
		t.Errorf("second abort = %v, want nil: abort is idempotent", err)
	}
	_, err = svc.CompleteMultipartUpload(t.Context(), objects.CompleteRequest{Bucket: up.Bucket, Key: up.Key, UploadID: up.UploadID,
		Parts: []objects.CompletedPart{{Number: 1, ETag: "x"}}})
	if e := wantKind(t, err, objects.KindNoSuchUpload); e.Op != "CompleteMultipartUpload" {
		t.Errorf("Op = %q", e.Op)
	}
}

func testCompleteRefusals(t *testing.T, env *minioEnv) {
	svc := env.service(t, false, objects.Options{})
	// Parts 5 MiB, 1 MiB, 1 MiB: part 2 is too small to be a middle part.
	data := append(randomBytes(5*mib, 1), randomBytes(2*mib, 2)...)
	sizes := []int{5 * mib, mib, mib}
	up := createUpload(t, svc, "mp/refused.bin")
	toSign := []objects.PartToSign{{Number: 1, Size: int64(sizes[0])}, {Number: 2, Size: int64(sizes[1])}, {Number: 3, Size: int64(sizes[2])}}
	urls, err := svc.PresignUploadParts(t.Context(), nobody, objects.PartURLsRequest{Bucket: up.Bucket, Key: up.Key, UploadID: up.UploadID, Parts: toSign})
	if err != nil {
		t.Fatal(err)
	}
	etags := map[int32]string{}
	offset := 0
	for i, u := range urls {
		r := send(t, u.PresignedRequest, data[offset:offset+sizes[i]], nil)
		if r.status != http.StatusOK {
			t.Fatalf("part %d: %v", u.Number, r)
		}
		etags[u.Number] = r.header.Get("ETag")
		offset += sizes[i]
	}
	parts := completed(etags)
	complete := func(parts []objects.CompletedPart, max int64) error {
		_, err := svc.CompleteMultipartUpload(t.Context(), objects.CompleteRequest{Bucket: up.Bucket, Key: up.Key, UploadID: up.UploadID, Parts: parts, MaxObjectSize: max})
		return err
	}

	wrong := slices.Clone(parts)
	wrong[1].ETag = `"0123456789abcdef0123456789abcdef"`
	if e := wantKind(t, complete(wrong, 0), objects.KindInvalidPart); !strings.Contains(e.Message, "part 2") {
		t.Errorf("wrong ETag: %v, want it to name part 2", e)
	}
	e := wantKind(t, complete(parts, 0), objects.KindEntityTooSmall)
	if !strings.Contains(e.Message, "part 2") || e.Kind.HTTPStatus() != http.StatusBadRequest {
		t.Errorf("small middle part: %v, want it to name part 2", e)
	}
	wantKind(t, complete([]objects.CompletedPart{parts[0], parts[2], parts[1]}, 0), objects.KindInvalidPart)
	wantKind(t, complete([]objects.CompletedPart{parts[0], parts[0]}, 0), objects.KindInvalidPart)
	wantKind(t, complete([]objects.CompletedPart{parts[0], {Number: 4, ETag: parts[2].ETag}}, 0), objects.KindInvalidPart)
	wantKind(t, complete([]objects.CompletedPart{parts[0], parts[2]}, 6*mib-1), objects.KindEntityTooLarge)

	// The refusals left the upload intact: completing with a valid subset
	// (part 2 dropped) works.
	if err := complete([]objects.CompletedPart{parts[0], parts[2]}, 0); err != nil {
		t.Fatalf("complete with parts 1 and 3: %v", err)
	}
	info, err := svc.HeadObject(t.Context(), testBucket, up.Key)
	if err != nil || info.Size != 6*mib {
		t.Fatalf("HeadObject = %+v, %v; want 6 MiB", info, err)
	}
	got, err := env.getObject(t, up.Key)
	if err != nil || !bytes.Equal(got, append(slices.Clone(data[:5*mib]), data[6*mib:]...)) {
		t.Fatalf("object differs from parts 1 and 3: %v", err)
	}

	_, err = svc.PresignUploadParts(t.Context(), nobody, objects.PartURLsRequest{Bucket: up.Bucket, Key: up.Key, UploadID: up.UploadID,
		Parts: []objects.PartToSign{{Number: 0}}})
	wantKind(t, err, objects.KindInvalidArgument)
}

// createUpload starts a multipart upload of key in the test bucket, failing
// t if it cannot.
func createUpload(t *testing.T, svc *objects.Service, key string) objects.MultipartUpload {
	t.Helper()
	up, err := svc.CreateMultipartUpload(t.Context(), objects.MultipartRequest{Bucket: testBucket, Key: key, ContentType: "application/octet-stream"})
	if err != nil {
		t.Fatal(err)
	}
	return up
}
