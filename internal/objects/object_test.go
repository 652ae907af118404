package objects_test

import (
	"slices"
	"testing"

	"github.com/s3am/s3-access-manager/internal/objects"
)

func testObjectCalls(t *testing.T, env *minioEnv) {
	svc := env.service(t, false, objects.Options{})
	env.putObject(t, "obj/a.bin", []byte("12345"))

	info, err := svc.HeadObject(t.Context(), testBucket, "obj/a.bin")
	if err != nil || info.Size != 5 || info.ETag != "827ccb0eea8a706c4c34a16891f84e7b" {
		t.Fatalf("HeadObject = %+v, %v; want 5 bytes with the MD5 ETag", info, err)
	}
	if err := svc.DeleteObject(t.Context(), testBucket, "obj/a.bin"); err != nil {
		t.Fatalf("DeleteObject: %v", err)
	}
	_, err = svc.HeadObject(t.Context(), testBucket, "obj/a.bin")
	if e := wantKind(t, err, objects.KindNotFound); e.StatusCode != 404 || objects.KindNotFound.HTTPStatus() != 404 {
		t.Errorf("HeadObject after delete: %#v", e)
	}
	if err := svc.DeleteObject(t.Context(), testBucket, "obj/a.bin"); err != nil {
		t.Errorf("DeleteObject of a missing object = %v, want nil as S3 answers", err)
	}
	_, err = svc.HeadObject(t.Context(), "no-such-bucket", "obj/a.bin")
	wantKind(t, err, objects.KindNotFound)
	wantKind(t, svc.DeleteObject(t.Context(), testBucket, "obj//a.bin"), objects.KindInvalidArgument)

	empty, err := svc.PutEmptyObject(t.Context(), testBucket, "obj/empty.txt", "text/plain", false)
	if err != nil {
		t.Fatalf("PutEmptyObject: %v", err)
	}
	info, err = svc.HeadObject(t.Context(), testBucket, "obj/empty.txt")
	if err != nil || info.Size != 0 || info.ContentType != "text/plain" || info.ETag != empty.ETag {
		t.Fatalf("HeadObject(empty) = %+v, %v; want 0 bytes of text/plain with ETag %s", info, err, empty.ETag)
	}
}

func testListing(t *testing.T, env *minioEnv) {
	svc := env.service(t, false, objects.Options{})
	for _, k := range []string{"ls/", "ls/b.txt", "ls/A.txt", "ls/c/1", "ls/B/2", "ls/a/3", "ls/a.txt", "lsx/no"} {
		env.putObject(t, k, []byte(k))
	}
	l, err := svc.ListObjects(t.Context(), objects.ListRequest{Bucket: testBucket, Prefix: "ls/"})
	if err != nil {
		t.Fatalf("ListObjects: %v", err)
	}
	if l.NextContinuationToken != "" {
		t.Errorf("one page: got a continuation token")
	}
	var names []string
	for _, e := range l.Entries() {
		n := e.Name
		if e.Folder {
			n += "/"
		}
		names = append(names, n)
	}
	want := []string{"a/", "B/", "c/", "A.txt", "a.txt", "b.txt"}
	if !slices.Equal(names, want) {
		t.Errorf("Entries() = %v, want %v (folders first, case-insensitive, the folder marker left out)", names, want)
	}
	for _, f := range l.Files {
		if f.Key == "ls/b.txt" && (f.Size != int64(len("ls/b.txt")) || f.LastModified.IsZero() || f.ETag == "") {
			t.Errorf("file %+v: want size, last-modified and ETag", f)
		}
	}

	// Pages of two: every entry once, across continuation tokens.
	var paged []string
	in := objects.ListRequest{Bucket: testBucket, Prefix: "ls/", MaxKeys: 2}
	for range 10 {
		page, err := svc.ListObjects(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range page.Folders {
			paged = append(paged, f.Prefix)
		}
		for _, f := range page.Files {
			paged = append(paged, f.Key)
		}
		if page.NextContinuationToken == "" {
			break
		}
		in.ContinuationToken = page.NextContinuationToken
	}
	slices.Sort(paged)
	if want := []string{"ls/A.txt", "ls/B/", "ls/a.txt", "ls/a/", "ls/b.txt", "ls/c/"}; !slices.Equal(paged, want) {
		t.Errorf("paged listing = %v, want %v", paged, want)
	}

	root, err := svc.ListObjects(t.Context(), objects.ListRequest{Bucket: testBucket})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(root.Folders, func(f objects.Folder) bool { return f.Prefix == "ls/" && f.Name == "ls" }) {
		t.Errorf("root listing folders %v: want ls/ named ls", root.Folders)
	}
	_, err = svc.ListObjects(t.Context(), objects.ListRequest{Bucket: testBucket, Prefix: "ls"})
	wantKind(t, err, objects.KindInvalidArgument)
}
