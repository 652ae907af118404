package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/server"
)

// seedObjects writes each key (its body is the key) with 16 writers.
func seedObjects(t testing.TB, client *s3.Client, keys []string) {
	t.Helper()
	inParallel(t, 16, keys, func(k string) error {
		_, err := client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader(k)})
		if err != nil {
			return fmt.Errorf("seed %s: %w", k, err)
		}
		return nil
	})
}

// inParallel calls f on every item, n at a time, and fails t with every
// error f returned.
func inParallel[T any](t testing.TB, n int, items []T, f func(T) error) {
	t.Helper()
	var (
		wg   sync.WaitGroup
		sem  = make(chan struct{}, n)
		mu   sync.Mutex
		errs []error
	)
	for _, it := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := f(it); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

// TestListingContinuation: a folder of 1,500 files and a few folders lists
// in two pages joined by the continuation token, each page folders first,
// every entry exactly once.
func TestListingContinuation(t *testing.T) {
	st := startStackWith(t, "e2e-listing")
	defer st.closer()
	const folder = "partner-a/many/"
	grantSpec{conn: st.conn, name: "alice-many", prefix: folder, perms: []string{"read", "list"}}.
		apply(t, folder+"probe", grant.List)

	var keys []string
	want := map[string]string{} // entry key -> type
	for i := range 1500 {
		k := fmt.Sprintf("%sf-%04d.txt", folder, i)
		keys = append(keys, k)
		want[k] = "file"
	}
	// Folders that S3 sorts at the start, in the middle and past the end
	// of the first page.
	for _, f := range []string{"a-dir", "f-0700-dir", "z-dir"} {
		keys = append(keys, folder+f+"/inner.txt")
		want[folder+f+"/"] = "folder"
	}
	seedObjects(t, st.minio.S3Client(t, nil), keys)

	al := caller{t: t, base: st.url, user: alice}
	seen := map[string]int{}
	token := ""
	var pages []server.ListResponse
	for {
		q := url.Values{"connection": {st.conn}, "bucket": {bucket}, "prefix": {folder}}
		if token != "" {
			q.Set("token", token)
		}
		r := al.do(http.MethodGet, "/api/v1/list", q, nil)
		if r.status != http.StatusOK {
			t.Fatalf("page %d: %d %s", len(pages)+1, r.status, r.body)
		}
		var l server.ListResponse
		r.decode(t, &l)
		pages = append(pages, l)
		if len(pages) > 3 {
			t.Fatal("the token never ends")
		}
		// Folders first, then files; each group by name.
		firstFile := slices.IndexFunc(l.Entries, func(e server.ListEntry) bool { return e.Type == "file" })
		if firstFile < 0 {
			firstFile = len(l.Entries)
		}
		folders, files := l.Entries[:firstFile], l.Entries[firstFile:]
		for _, group := range [][]server.ListEntry{folders, files} {
			if !slices.IsSortedFunc(group, func(a, b server.ListEntry) int { return strings.Compare(a.Name, b.Name) }) {
				t.Errorf("page %d: entries not sorted by name", len(pages))
			}
		}
		for _, e := range files {
			if e.Type != "file" {
				t.Errorf("page %d: %s %s after the first file", len(pages), e.Type, e.Key)
			}
		}
		if l.FolderCount != len(folders) || l.FileCount != len(files) || l.Mode != "Full" || l.Hidden != 0 {
			t.Errorf("page %d: counts %d/%d for %d/%d entries, mode %s, hidden %d", len(pages), l.FolderCount, l.FileCount, len(folders), len(files), l.Mode, l.Hidden)
		}
		for _, e := range l.Entries {
			seen[e.Key]++
			if want[e.Key] != e.Type {
				t.Errorf("unexpected %s %s", e.Type, e.Key)
			}
		}
		if token = l.NextToken; token == "" {
			break
		}
	}
	if len(pages) != 2 || len(pages[0].Entries) != 1000 || len(pages[1].Entries) != 503 {
		t.Fatalf("%d pages of %v entries, want 1000 then 503", len(pages), func() []int {
			var n []int
			for _, p := range pages {
				n = append(n, len(p.Entries))
			}
			return n
		}())
	}
	for k := range want {
		if seen[k] != 1 {
			t.Errorf("%s listed %d times, want once", k, seen[k])
		}
	}
	if pages[0].FolderCount != 2 || pages[1].FolderCount != 1 {
		t.Errorf("folders per page: %d, %d; want a-dir and f-0700-dir first, z-dir second", pages[0].FolderCount, pages[1].FolderCount)
	}

	t.Run("a forged token is refused without a listing", func(t *testing.T) {
		for _, tok := range []string{"not-a-token", strings.Repeat("A", 2000)} {
			r := al.do(http.MethodGet, "/api/v1/list", url.Values{"connection": {st.conn}, "bucket": {bucket}, "prefix": {folder}, "token": {tok}}, nil)
			if r.status != http.StatusBadRequest {
				t.Errorf("token %.20q: %d %s, want 400", tok, r.status, r.body)
			}
		}
	})
}
