package e2e_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/server"
)

const mpFolder = "partner-a/big/"

// mpSession is alice driving multipart uploads through the server.
type mpSession struct {
	t  *testing.T
	st *stack
	al caller
}

func (m mpSession) ref(key string) map[string]any {
	return map[string]any{"connection": m.st.conn, "bucket": bucket, "key": key}
}

// create starts an upload of size bytes and returns its ID and plan.
func (m mpSession) create(key string, size int64) (string, objects.PartPlan) {
	m.t.Helper()
	req := m.ref(key)
	req["contentType"], req["size"] = "application/octet-stream", size
	var mp server.MultipartResponse
	r := m.post("/api/v1/multipart", req, &mp)
	if r.status != http.StatusOK || mp.UploadID == "" || mp.Plan == nil {
		m.t.Fatalf("create %s: %d %s", key, r.status, r.body)
	}
	return mp.UploadID, *mp.Plan
}

// upload is the body naming key's multipart upload uploadID and its parts.
func (m mpSession) upload(key, uploadID string, parts any) map[string]any {
	req := m.ref(key)
	req["uploadId"], req["parts"] = uploadID, parts
	return req
}

// post sends body to path as alice and decodes the answer into v.
func (m mpSession) post(path string, body, v any) response {
	m.t.Helper()
	r := m.al.do(http.MethodPost, path, nil, body)
	r.decode(m.t, v)
	return r
}

// sign asks for the URLs of parts, each signed with its exact size.
func (m mpSession) sign(key, uploadID string, parts []objects.PartToSign) []objects.PresignedPart {
	m.t.Helper()
	var pr server.PartsResponse
	r := m.post("/api/v1/multipart/parts", m.upload(key, uploadID, parts), &pr)
	if r.status != http.StatusOK || len(pr.Parts) != len(parts) {
		m.t.Fatalf("sign parts: %d %s", r.status, r.body)
	}
	return pr.Parts
}

// listed returns the parts MinIO holds, through GET /api/v1/multipart/parts.
func (m mpSession) listed(key, uploadID string) []objects.Part {
	m.t.Helper()
	r := m.al.do(http.MethodGet, "/api/v1/multipart/parts", url.Values{"connection": {m.st.conn}, "bucket": {bucket}, "key": {key}, "uploadId": {uploadID}}, nil)
	var lp server.ListPartsResponse
	r.decode(m.t, &lp)
	if r.status != http.StatusOK {
		m.t.Fatalf("list parts: %d %s", r.status, r.body)
	}
	return lp.Parts
}

// complete finishes the upload with parts, as listed by the server.
func (m mpSession) complete(key, uploadID string, parts []objects.CompletedPart) objects.CompletedUpload {
	m.t.Helper()
	var done objects.CompletedUpload
	r := m.post("/api/v1/multipart/complete", m.upload(key, uploadID, parts), &done)
	if r.status != http.StatusOK {
		m.t.Fatalf("complete: %d %s", r.status, r.body)
	}
	return done
}

// downloadSHA256 downloads key through a presigned GET from the server and
// hashes the bytes MinIO sends.
func (m mpSession) downloadSHA256(key string) ([32]byte, int64) {
	m.t.Helper()
	var d server.DownloadResponse
	r := m.post("/api/v1/downloads", m.ref(key), &d)
	if r.status != http.StatusOK {
		m.t.Fatalf("download %s: %d %s", key, r.status, r.body)
	}
	req, err := http.NewRequest(d.Download.Method, d.Download.URL, nil)
	if err != nil {
		m.t.Fatal(err)
	}
	for k, v := range d.Download.Headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		m.t.Fatalf("GET %s from MinIO: %d", key, resp.StatusCode)
	}
	h := sha256.New()
	n, err := io.Copy(h, resp.Body)
	if err != nil {
		m.t.Fatal(err)
	}
	return [32]byte(h.Sum(nil)), n
}

// putParts uploads each signed part's slice of data to MinIO, four at a
// time, and returns the ETags MinIO answered, by part number.
func putParts(t *testing.T, parts []objects.PresignedPart, plan objects.PartPlan, data []byte) map[int32]string {
	t.Helper()
	var (
		mu    sync.Mutex
		etags = map[int32]string{}
	)
	inParallel(t, 4, parts, func(p objects.PresignedPart) error {
		start := int64(p.Number-1) * plan.PartSize
		end := min(start+plan.PartSize, int64(len(data)))
		etag, err := putPart(p.PresignedRequest, data[start:end])
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		etags[p.Number] = etag
		return nil
	})
	return etags
}

// putPart is send without *testing.T, for the uploading goroutines.
func putPart(pr objects.PresignedRequest, body []byte) (string, error) {
	req, err := http.NewRequest(pr.Method, pr.URL, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	for k, v := range pr.Headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", errors.New("UploadPart: " + resp.Status + " " + string(msg))
	}
	return resp.Header.Get("ETag"), nil
}

// randomBytes returns n reproducible bytes that do not compress.
func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})
	_, _ = r.Read(b)
	return b
}

// toSign lists every part of plan with its exact size.
func toSign(plan objects.PartPlan, numbers ...int32) []objects.PartToSign {
	var out []objects.PartToSign
	for n := int32(1); n <= plan.Parts; n++ {
		if len(numbers) > 0 && !slices.Contains(numbers, n) {
			continue
		}
		size := plan.PartSize
		if n == plan.Parts {
			size = plan.LastPartSize
		}
		out = append(out, objects.PartToSign{Number: n, Size: size})
	}
	return out
}

// TestMultipartThroughServer moves a 64 MiB object in parallel parts,
// resumes an upload that lost a part, and aborts one, all through the
// server's multipart API with the bytes going straight to MinIO.
func TestMultipartThroughServer(t *testing.T) {
	st := startStackWith(t, "e2e-multipart")
	defer st.closer()
	grantSpec{conn: st.conn, name: "alice-big", prefix: mpFolder, perms: []string{"read", "write", "list"}, maxObjectSize: "100Mi"}.
		apply(t, mpFolder+"probe", grant.Write)
	m := mpSession{t: t, st: st, al: caller{t: t, base: st.url, user: alice}}
	root := st.minio.S3Client(t, nil)

	t.Run("64 MiB in parallel parts", func(t *testing.T) {
		m.t, m.al.t = t, t
		key := mpFolder + "sixty-four.bin"
		data := randomBytes(64<<20, 1)
		id, plan := m.create(key, int64(len(data)))
		if plan.Parts != 8 || plan.PartSize != objects.DefaultPartSize {
			t.Fatalf("plan = %+v, want 8 parts of %d", plan, objects.DefaultPartSize)
		}
		etags := putParts(t, m.sign(key, id, toSign(plan)), plan, data)
		var parts []objects.CompletedPart
		for n := int32(1); n <= plan.Parts; n++ {
			parts = append(parts, objects.CompletedPart{Number: n, ETag: etags[n]})
		}
		done := m.complete(key, id, parts)
		if done.Size != int64(len(data)) || done.Parts != 8 {
			t.Fatalf("completed = %+v", done)
		}
		sum, n := m.downloadSHA256(key)
		if n != int64(len(data)) || sum != sha256.Sum256(data) {
			t.Fatalf("downloaded %d bytes with another sha256 than the %d uploaded", n, len(data))
		}
	})

	t.Run("a dropped part resumes through the parts listing", func(t *testing.T) {
		m.t, m.al.t = t, t
		key := mpFolder + "resumed.bin"
		data := randomBytes(3*int(objects.MinPartSize)+12345, 2)
		id, plan := m.create(key, int64(len(data)))
		// The planner's 8 MiB parts would make two; ask for 5 MiB ones so
		// that the dropped part sits between two uploaded ones.
		plan = objects.PartPlan{PartSize: objects.MinPartSize, Parts: 4, LastPartSize: 12345}
		putParts(t, m.sign(key, id, toSign(plan, 1, 3, 4)), plan, data)

		// The client lost its state: the server tells it what MinIO holds.
		got := m.listed(key, id)
		var have []int32
		for _, p := range got {
			have = append(have, p.Number)
		}
		if !slices.Equal(have, []int32{1, 3, 4}) {
			t.Fatalf("listed parts %v, want [1 3 4]", have)
		}
		putParts(t, m.sign(key, id, toSign(plan, 2)), plan, data)
		var parts []objects.CompletedPart
		for _, p := range m.listed(key, id) {
			parts = append(parts, objects.CompletedPart{Number: p.Number, ETag: p.ETag})
		}
		if len(parts) != 4 {
			t.Fatalf("after resuming, %d parts listed", len(parts))
		}
		if done := m.complete(key, id, parts); done.Size != int64(len(data)) || done.Parts != 4 {
			t.Fatalf("completed = %+v", done)
		}
		if sum, _ := m.downloadSHA256(key); sum != sha256.Sum256(data) {
			t.Fatal("the resumed object's bytes differ")
		}
	})

	t.Run("abort leaves nothing behind", func(t *testing.T) {
		m.t, m.al.t = t, t
		key := mpFolder + "aborted.bin"
		data := randomBytes(int(objects.MinPartSize)+1, 3)
		id, plan := m.create(key, int64(len(data)))
		putParts(t, m.sign(key, id, toSign(plan, 1)), plan, data)
		req := m.ref(key)
		req["uploadId"] = id
		if r := m.al.do(http.MethodPost, "/api/v1/multipart/abort", nil, req); r.status != http.StatusNoContent {
			t.Fatalf("abort: %d %s", r.status, r.body)
		}
		ctx := context.Background()
		ups, err := root.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket), Prefix: aws.String(mpFolder)})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range ups.Uploads {
			t.Errorf("pending upload after abort: %s %s", aws.ToString(u.Key), aws.ToString(u.UploadId))
		}
		var nf *types.NotFound
		if _, err := root.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); !errors.As(err, &nf) {
			t.Fatalf("HEAD of the aborted key: %v, want NotFound", err)
		}
		// Its upload ID is dead: the parts listing is an error, not a list.
		r := m.al.do(http.MethodGet, "/api/v1/multipart/parts", url.Values{"connection": {st.conn}, "bucket": {bucket}, "key": {key}, "uploadId": {id}}, nil)
		if r.status != http.StatusNotFound {
			t.Fatalf("parts of an aborted upload: %d %s", r.status, r.body)
		}
	})
}
