package accessreview

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
)

// MaxSubjectNameBytes bounds a subject name in a query, as the PrefixGrant
// schema bounds it in a grant.
const MaxSubjectNameBytes = 256

// Query selects rows. Every field that is set narrows the answer; the zero
// Query selects every subject of every grant (the recertification export).
type Query struct {
	// Connection, when set, keeps the grants of that connection only.
	Connection string
	// Bucket, when set, keeps the grants on that bucket.
	Bucket string
	// Path, with Bucket, keeps the grants that reach it: a folder ("" for the
	// whole bucket, else ending in "/") is reached by a grant covering some
	// key under it; an object key by a grant covering the key.
	Path string
	// Permission, when not zero, keeps the grants that give it.
	Permission grant.Permission
	// Subjects, when not empty, keeps the rows of these users and groups:
	// everything they can do.
	Subjects []grant.Subject
	// InEffectOnly keeps the grants that authorize now.
	InEffectOnly bool
}

// Validate checks the query before anything is looked up: bucket, folder or
// key with the rules of internal/keys, the permission one of the four, and
// subjects named.
func (q *Query) Validate() error {
	if q.Bucket != "" {
		if err := keys.ValidateBucket(q.Bucket); err != nil {
			return err
		}
	}
	if q.Path != "" {
		if q.Bucket == "" {
			return fmt.Errorf("a path needs a bucket")
		}
		if err := ValidatePath(q.Path); err != nil {
			return err
		}
	}
	if q.Permission != 0 && !slices.Contains(grant.AllPermissions, q.Permission) {
		return fmt.Errorf("unknown permission %d: use read, write, list or delete", q.Permission)
	}
	for _, s := range q.Subjects {
		if err := checkSubject(s); err != nil {
			return err
		}
		if err := ValidateSubjectName(s.Name); err != nil {
			return err
		}
	}
	return nil
}

// ValidatePath checks a folder ("" or ending in "/") with
// keys.ValidateListPrefix and anything else, an object key, with
// keys.ValidateKey.
func ValidatePath(p string) error {
	if isFolder(p) {
		return keys.ValidateListPrefix(p)
	}
	return keys.ValidateKey(p)
}

// ValidateSubjectName accepts a user or group name a grant could hold: at most
// MaxSubjectNameBytes of UTF-8, without control characters or surrounding
// spaces.
func ValidateSubjectName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("the subject name is empty")
	case len(name) > MaxSubjectNameBytes:
		return fmt.Errorf("the subject name is %d bytes long; at most %d are allowed", len(name), MaxSubjectNameBytes)
	case !utf8.ValidString(name):
		return fmt.Errorf("the subject name is not valid UTF-8")
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("the subject name has surrounding spaces")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return fmt.Errorf("the subject name has a control character")
	}
	return nil
}

// isFolder reports whether a path names a folder rather than an object key.
func isFolder(p string) bool { return p == "" || strings.HasSuffix(p, "/") }

// Reaches reports whether a grant rooted at grantPrefix ("" for the whole
// bucket) covers some valid key at path: under the folder path (or ""), or
// the key path itself. Both are matched byte-exactly on segment boundaries,
// as the index matches: a grant on "a/" reaches "a/b/" (it covers
// "a/b/x") and "" (it covers "a/x"), a grant on "a/b/" reaches "a/", never
// "a-b/". A key under both must fit S3's limit, so the longer of the two
// prefixes must leave room for one more byte.
func Reaches(grantPrefix, path string) bool {
	if !isFolder(path) {
		return keys.Covers(grantPrefix, path)
	}
	longer := ""
	switch {
	case strings.HasPrefix(grantPrefix, path):
		longer = grantPrefix
	case strings.HasPrefix(path, grantPrefix):
		longer = path
	default:
		return false
	}
	return len(longer) < keys.MaxKeyBytes
}

// Row is one subject of one grant.
type Row struct {
	// SubjectKind is "User" or "Group".
	SubjectKind string `json:"subjectKind"`
	// Subject is the user or group name.
	Subject string `json:"subject"`
	// Namespace and Name identify the PrefixGrant.
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Connection, Bucket and Prefix are where the grant applies; Prefix ""
	// is the whole bucket.
	Connection string `json:"connection"`
	Bucket     string `json:"bucket"`
	Prefix     string `json:"prefix"`
	// Permissions are the grant's, in canonical order.
	Permissions []string `json:"permissions"`
	// ValidFrom and ValidUntil bound the grant's validity; absent when
	// unbounded.
	ValidFrom  *time.Time `json:"validFrom,omitempty"`
	ValidUntil *time.Time `json:"validUntil,omitempty"`
	// Status is "Ready" when the grant is in effect, else why it is not.
	Status string `json:"status"`
	// InEffect is true when the grant authorizes now.
	InEffect bool `json:"inEffect"`
	// ExpiringSoon is true when validUntil is within the operator's warning
	// period.
	ExpiringSoon bool `json:"expiringSoon"`
	// Message explains Status.
	Message string `json:"message,omitempty"`
	// LastTransition is when the grant's Ready condition last changed.
	LastTransition *time.Time `json:"lastTransition,omitempty"`
}

// Grant returns the row's "namespace/name".
func (r *Row) Grant() string { return r.Namespace + "/" + r.Name }

// Select returns the rows of entries that q selects, one per subject of each
// grant, ordered by subject kind (users first), subject name, namespace and
// grant name. It validates q first.
func Select(entries []Entry, q Query) ([]Row, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	rows := []Row{}
	for _, e := range checkedEntries(entries) {
		if !q.selectsGrant(&e) {
			continue
		}
		seen := map[grant.Subject]bool{}
		for _, s := range e.Grant.Subjects {
			if seen[s] || len(q.Subjects) > 0 && !slices.Contains(q.Subjects, s) {
				continue
			}
			seen[s] = true
			rows = append(rows, newRow(s, &e))
		}
	}
	slices.SortFunc(rows, compareRows)
	return rows, nil
}

// selectsGrant applies every condition of q but the subjects.
func (q *Query) selectsGrant(e *Entry) bool {
	g := &e.Grant
	switch {
	case q.InEffectOnly && !e.InEffect,
		q.Connection != "" && g.Connection != q.Connection,
		q.Bucket != "" && g.Bucket != q.Bucket,
		// A grant the index refuses reaches nothing; it is listed by subject
		// and in the export only.
		q.Bucket != "" && (e.Status == StatusInvalid || !Reaches(g.Prefix, q.Path)),
		q.Permission != 0 && !g.Permissions.Has(q.Permission):
		return false
	}
	return true
}

func newRow(s grant.Subject, e *Entry) Row {
	g := &e.Grant
	perms := []string{}
	for _, p := range g.Permissions.List() {
		perms = append(perms, p.String())
	}
	return Row{
		SubjectKind:    string(s.Kind),
		Subject:        s.Name,
		Namespace:      g.Namespace,
		Name:           g.Name,
		Connection:     g.Connection,
		Bucket:         g.Bucket,
		Prefix:         g.Prefix,
		Permissions:    perms,
		ValidFrom:      timePtr(e.ValidFrom),
		ValidUntil:     timePtr(e.ValidUntil),
		Status:         e.Status,
		InEffect:       e.InEffect,
		ExpiringSoon:   e.ExpiringSoon,
		Message:        e.Message,
		LastTransition: timePtr(e.LastTransition),
	}
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// kindOrder puts users before groups.
func kindOrder(k string) int {
	if k == string(grant.User) {
		return 0
	}
	return 1
}

func compareRows(a, b Row) int {
	return cmp.Or(
		cmp.Compare(kindOrder(a.SubjectKind), kindOrder(b.SubjectKind)),
		cmp.Compare(a.Subject, b.Subject),
		cmp.Compare(a.Namespace, b.Namespace),
		cmp.Compare(a.Name, b.Name),
	)
}
