package s3conn_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/s3conn"
	"github.com/s3am/s3-access-manager/internal/testenv/awsenv"
)

// MinIO answers ListBuckets in one page; AWS pages accounts above the default
// bucket quota. A local server pages the way AWS does (AWS is unreachable
// from tests); the SDK's real client parses the pages.
func TestTestFollowsListBucketsPages(t *testing.T) {
	awsenv.Isolate(t)
	pages := map[string]struct {
		buckets int
		next    string
	}{"": {2, "page-2"}, "page-2": {3, "page-3"}, "page-3": {1, ""}, "loop": {1, "loop"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("max-buckets") == "" {
			t.Errorf("ListBuckets without max-buckets: %s", r.URL)
		}
		p := pages[r.URL.Query().Get("continuation-token")]
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>o</ID></Owner><Buckets>`)
		for i := range p.buckets {
			fmt.Fprintf(&b, `<Bucket><Name>b%d</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket>`, i)
		}
		b.WriteString(`</Buckets>`)
		if p.next != "" {
			fmt.Fprintf(&b, `<ContinuationToken>%s</ContinuationToken>`, p.next)
		}
		b.WriteString(`</ListAllMyBucketsResult>`)
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write([]byte(b.String()))
	}))
	defer srv.Close()
	secrets, ref := keysSecret("AKIDEXAMPLE", "secret")
	spec := v1alpha1.S3ConnectionSpec{Provider: v1alpha1.ProviderS3Compatible, Endpoint: srv.URL, PathStyle: true, Auth: v1alpha1.ConnectionAuth{AccessKey: ref}}
	_, client := connect(t, spec, s3conn.Sources{Secrets: secrets})

	n, err := s3conn.Test(t.Context(), client)
	if err != nil || n != 6 {
		t.Fatalf("Test() = %d, %v; want 6 buckets over 3 pages", n, err)
	}

	pages[""] = pages["loop"]
	_, err = s3conn.Test(t.Context(), client)
	var e *s3conn.Error
	if !errors.As(err, &e) || !strings.Contains(e.Message, "continuation token twice") {
		t.Fatalf("Test() on a looping server = %v, want the loop detected", err)
	}
}
