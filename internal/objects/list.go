package objects

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/internal/keys"
)

// MaxListPage is the most entries S3 returns in one ListObjectsV2 page.
const MaxListPage = 1000

// ListRequest asks for one page of a folder.
type ListRequest struct {
	Bucket string
	// Prefix is the folder, ending in "/"; empty for the bucket root.
	Prefix string
	// ContinuationToken is the previous page's NextContinuationToken, or
	// empty for the first page.
	ContinuationToken string
	// MaxKeys bounds the page (folders and files together); 0 or more than
	// MaxListPage means MaxListPage.
	MaxKeys int32
}

// Folder is a common prefix of a listing: a folder directly under it.
type Folder struct {
	// Prefix is the full prefix, ending in "/".
	Prefix string `json:"prefix"`
	// Name is the folder's own name, without slashes.
	Name string `json:"name"`
}

// File is an object directly in the listed folder.
type File struct {
	Key string `json:"key"`
	// Name is the key's last segment.
	Name         string    `json:"name"`
	Size         int64     `json:"size"`
	LastModified time.Time `json:"lastModified"`
	ETag         string    `json:"etag"`
}

// Listing is one page of a folder, in S3's order.
type Listing struct {
	Bucket, Prefix string
	Folders        []Folder
	Files          []File
	// NextContinuationToken fetches the next page; empty on the last one.
	NextContinuationToken string
}

// ListObjects lists one page of a folder with delimiter "/", with the
// connection's credentials. The object whose key equals the prefix (the
// zero-byte marker consoles create for empty folders) is not listed as a
// file. Keys are returned as S3 has them, including ones keys.ValidateKey
// would refuse; the server decides what to show.
func (s *Service) ListObjects(ctx context.Context, in ListRequest) (Listing, error) {
	const op = "ListObjects"
	ctx, cancel := s.deadline(ctx)
	defer cancel()
	if err := keys.ValidateBucket(in.Bucket); err != nil {
		return Listing{}, invalidErr(op, err)
	}
	if err := keys.ValidateListPrefix(in.Prefix); err != nil {
		return Listing{}, invalidErr(op, err)
	}
	maxKeys := in.MaxKeys
	if maxKeys <= 0 || maxKeys > MaxListPage {
		maxKeys = MaxListPage
	}
	input := &s3.ListObjectsV2Input{
		Bucket:    aws.String(in.Bucket),
		Prefix:    aws.String(in.Prefix),
		Delimiter: aws.String("/"),
		MaxKeys:   aws.Int32(maxKeys),
	}
	if in.ContinuationToken != "" {
		input.ContinuationToken = aws.String(in.ContinuationToken)
	}
	out, err := s.client.ListObjectsV2(ctx, input)
	if err != nil {
		return Listing{}, fromSDK(op, err)
	}
	l := Listing{Bucket: in.Bucket, Prefix: in.Prefix}
	for _, cp := range out.CommonPrefixes {
		p := aws.ToString(cp.Prefix)
		l.Folders = append(l.Folders, Folder{Prefix: p, Name: strings.TrimSuffix(strings.TrimPrefix(p, in.Prefix), "/")})
	}
	for _, o := range out.Contents {
		key := aws.ToString(o.Key)
		if key == in.Prefix {
			continue
		}
		l.Files = append(l.Files, File{
			Key:          key,
			Name:         strings.TrimPrefix(key, in.Prefix),
			Size:         aws.ToInt64(o.Size),
			LastModified: aws.ToTime(o.LastModified),
			ETag:         unquote(aws.ToString(o.ETag)),
		})
	}
	if aws.ToBool(out.IsTruncated) {
		l.NextContinuationToken = aws.ToString(out.NextContinuationToken)
	}
	return l, nil
}

// Entry is a folder or a file of a listing, for display.
type Entry struct {
	Name string `json:"name"`
	// Key is the file's key, or the folder's prefix.
	Key          string    `json:"key"`
	Folder       bool      `json:"folder"`
	Size         int64     `json:"size,omitempty"`
	LastModified time.Time `json:"lastModified,omitzero"`
}

// Entries returns the page's folders, then its files, each sorted by name
// as people read it: case-insensitively, with byte order breaking ties so
// the order is total. It sorts one page only; S3 pages in byte order of keys.
func (l Listing) Entries() []Entry {
	out := make([]Entry, 0, len(l.Folders)+len(l.Files))
	for _, f := range l.Folders {
		out = append(out, Entry{Name: f.Name, Key: f.Prefix, Folder: true})
	}
	for _, f := range l.Files {
		out = append(out, Entry{Name: f.Name, Key: f.Key, Size: f.Size, LastModified: f.LastModified})
	}
	slices.SortStableFunc(out, compareEntries)
	return out
}

func compareEntries(a, b Entry) int {
	if a.Folder != b.Folder {
		if a.Folder {
			return -1
		}
		return 1
	}
	if c := compareFold(a.Name, b.Name); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}

// compareFold compares case-insensitively, rune by rune, without
// allocating.
func compareFold(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if la, lb := unicode.ToLower(ra), unicode.ToLower(rb); la != lb {
			return cmp.Compare(la, lb)
		}
		a, b = a[na:], b[nb:]
	}
	return cmp.Compare(len(a), len(b))
}
