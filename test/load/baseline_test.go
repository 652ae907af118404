package load_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// baseline is the bare handler the server is measured against: net/http and
// aws-sdk-go-v2 doing the S3 work of the same requests, on the same MinIO,
// from the same JSON bodies, with no authentication, authorization, audit,
// logging or metrics. A download HEADs the object before presigning, and a
// listing lists one folder, as the server does.
type baseline struct {
	client  *s3.Client
	presign *s3.PresignClient
}

// startBaseline serves the bare handler on loopback and returns its URL.
func startBaseline(tb testing.TB, endpoint, accessKey, secretKey string) string {
	tb.Helper()
	client := s3.New(s3.Options{
		BaseEndpoint: aws.String(endpoint),
		Region:       "us-east-1",
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
	})
	b := &baseline{client: client, presign: s3.NewPresignClient(client)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/uploads", objectHandler(b.upload))
	mux.HandleFunc("POST /api/v1/downloads", objectHandler(b.download))
	mux.HandleFunc("GET /api/v1/list", b.list)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	tb.Cleanup(func() { _ = srv.Close() })
	return "http://" + l.Addr().String()
}

type objectBody struct {
	Connection  string `json:"connection"`
	Bucket      string `json:"bucket"`
	Key         string `json:"key"`
	ContentType string `json:"contentType,omitempty"`
	Size        int64  `json:"size,omitempty"`
}

type presigned struct {
	Method  string              `json:"method"`
	URL     string              `json:"url"`
	Headers map[string][]string `json:"headers"`
}

func decodeBody(w http.ResponseWriter, r *http.Request, dst any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, err error) {
	http.Error(w, err.Error(), http.StatusBadGateway)
}

// objectHandler decodes an object request, gives fn a deadline and answers
// what it returns as JSON.
func objectHandler(fn func(ctx context.Context, req objectBody) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req objectBody
		if !decodeBody(w, r, &req) {
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		v, err := fn(ctx, req)
		if err != nil {
			fail(w, err)
			return
		}
		writeJSON(w, v)
	}
}

func (b *baseline) upload(ctx context.Context, req objectBody) (any, error) {
	pr, err := b.presign.PresignPutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(req.Bucket), Key: aws.String(req.Key),
		ContentType: aws.String(req.ContentType), ContentLength: aws.Int64(req.Size),
	}, s3.WithPresignExpires(15*time.Minute))
	if err != nil {
		return nil, err
	}
	return map[string]any{"bucket": req.Bucket, "key": req.Key, "upload": presigned{pr.Method, pr.URL, pr.SignedHeader}}, nil
}

func (b *baseline) download(ctx context.Context, req objectBody) (any, error) {
	head, err := b.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(req.Bucket), Key: aws.String(req.Key)})
	if err != nil {
		return nil, err
	}
	pr, err := b.presign.PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(req.Bucket), Key: aws.String(req.Key),
		ResponseContentDisposition: aws.String("attachment"),
	}, s3.WithPresignExpires(15*time.Minute))
	if err != nil {
		return nil, err
	}
	return map[string]any{"bucket": req.Bucket, "key": req.Key, "size": aws.ToInt64(head.ContentLength), "download": presigned{pr.Method, pr.URL, pr.SignedHeader}}, nil
}

type listEntry struct {
	Name string `json:"name"`
	Key  string `json:"key"`
	Size int64  `json:"size,omitempty"`
}

func (b *baseline) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	out, err := b.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{
		Bucket: aws.String(q.Get("bucket")), Prefix: aws.String(q.Get("prefix")), Delimiter: aws.String("/"),
	})
	if err != nil {
		fail(w, err)
		return
	}
	var folders, files []listEntry
	for _, p := range out.CommonPrefixes {
		folders = append(folders, listEntry{Name: aws.ToString(p.Prefix), Key: aws.ToString(p.Prefix)})
	}
	for _, o := range out.Contents {
		files = append(files, listEntry{Name: aws.ToString(o.Key), Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size)})
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		fail(w, ctx.Err())
		return
	}
	writeJSON(w, map[string]any{"folders": folders, "files": files, "truncated": aws.ToBool(out.IsTruncated)})
}
