package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/testenv/asuser"
)

// benchStacks numbers the benchmarks' connections, so that a rerun (-count)
// never waits for the previous one's to be deleted.
var benchStacks atomic.Int64

// benchClient keeps enough connections open for parallel benchmarks.
var benchClient = &http.Client{Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}}

// benchStack starts a stack whose connection only this benchmark uses, with
// alice's grant on folder.
func benchStack(b *testing.B, folder string) *stack {
	b.Helper()
	st := startStackWith(b, fmt.Sprintf("bench-%d", benchStacks.Add(1)))
	b.Cleanup(st.closer)
	grantSpec{conn: st.conn, name: st.conn + "-alice", prefix: folder, perms: []string{"read", "write", "list"}, maxObjectSize: "1Mi"}.
		apply(b, folder+"probe", grant.Write)
	return st
}

// benchDo sends one request as alice and fails unless it is answered 200.
func benchDo(b *testing.B, method, u string, body []byte) {
	req, err := asuser.Person{User: alice}.Request(method, u, body)
	if err != nil {
		b.Error(err)
		return
	}
	status, data, err := asuser.Do(benchClient, req)
	if err != nil {
		b.Error(err)
		return
	}
	if status != http.StatusOK {
		b.Errorf("%s %s: %d %s", method, u, status, data)
	}
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkPresignPut compares a presigned PUT through the whole server
// (authentication, key validation, index decision, grant limits, audit
// event in SQLite, JSON over loopback) with the bare SDK presign call.
func BenchmarkPresignPut(b *testing.B) {
	const folder = "partner-a/bench/"
	st := benchStack(b, folder)
	body, err := json.Marshal(map[string]any{
		"connection": st.conn, "bucket": bucket, "key": folder + "file.pdf", "contentType": "application/pdf", "size": 1000,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("server", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				benchDo(b, http.MethodPost, st.url+"/api/v1/uploads", body)
			}
		})
		reportRate(b)
	})
	b.Run("sdk", func(b *testing.B) {
		presign := s3.NewPresignClient(st.minio.S3Client(b, nil))
		in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(folder + "file.pdf"),
			ContentType: aws.String("application/pdf"), ContentLength: aws.Int64(1000)}
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := presign.PresignPutObject(context.Background(), in, s3.WithPresignExpires(15*time.Minute)); err != nil {
					b.Error(err)
				}
			}
		})
		reportRate(b)
	})
}

// BenchmarkList compares listing a folder of 200 files and 10 folders
// through the server with ListObjectsV2 to the same MinIO, one request at a
// time (latency).
func BenchmarkList(b *testing.B) {
	const folder = "partner-a/bench-list/"
	st := benchStack(b, folder)
	var keys []string
	for i := range 200 {
		keys = append(keys, fmt.Sprintf("%sf-%03d.txt", folder, i))
	}
	for i := range 10 {
		keys = append(keys, fmt.Sprintf("%sd-%02d/inner.txt", folder, i))
	}
	root := st.minio.S3Client(b, nil)
	seedObjects(b, root, keys)
	u := st.url + "/api/v1/list?" + url.Values{"connection": {st.conn}, "bucket": {bucket}, "prefix": {folder}}.Encode()
	b.Run("server", func(b *testing.B) {
		for b.Loop() {
			benchDo(b, http.MethodGet, u, nil)
		}
		reportRate(b)
	})
	b.Run("sdk", func(b *testing.B) {
		in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(folder), Delimiter: aws.String("/"), MaxKeys: aws.Int32(1000)}
		for b.Loop() {
			out, err := root.ListObjectsV2(context.Background(), in)
			if err != nil || len(out.Contents) != 200 || len(out.CommonPrefixes) != 10 {
				b.Fatalf("ListObjectsV2: %v", err)
			}
		}
		reportRate(b)
	})
}
