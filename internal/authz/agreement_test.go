package authz_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/policy"
	"github.com/s3am/s3-access-manager/internal/policy/policytest"
)

// The property: the authorization index and the IAM policies generated from
// the same grants give the same answers, so that what the server presigns is
// exactly what the credentials behind the presigned URL may do.
//
//   - Decide(p, read|write|delete, key) allows iff p's session policy allows
//     s3:GetObject|PutObject|DeleteObject on the object's ARN;
//   - CanList(p, prefix) allows iff the session policy allows s3:ListBucket
//     with s3:prefix=prefix and s3:delimiter="/"; and the same policy allows
//     the listing without a delimiter iff the mode is ListFull (a breadcrumb
//     shows one level only); every breadcrumb Folder may itself be listed;
//   - the connection policy (all grants) allows a request iff some principal's
//     Decide or CanList does.
//
// The policies are evaluated after a JSON round trip, as IAM receives them.
const (
	agreeSets         = 10000
	agreeShortSets    = 1000
	agreePrincipals   = 3 // per grant set
	agreeObjectKeys   = 6 // per principal, each asked for read, write and delete
	agreeListPrefixes = 5 // per principal, each with and without delimiter
	agreeMaxFolders   = 3 // breadcrumb folders re-listed per listing
	agreeSeed1        = 0xa9ee_0001
	agreeSeed2        = 0xa9ee_0002
)

// agreeFolderLabel names the re-listings of breadcrumb folders in the counts.
const agreeFolderLabel = "list breadcrumb folder"

// agreeTally counts answers of one kind of probe.
type agreeTally struct{ allowed, denied, disagree int }

func TestIndexAgreesWithPolicies(t *testing.T) {
	sets := agreeSets
	if testing.Short() {
		sets = agreeShortSets
	}
	start := time.Now()
	gen := agreeGen{policytest.Gen{Rand: rand.New(rand.NewPCG(agreeSeed1, agreeSeed2))}}
	tallies := map[string]*agreeTally{}
	modes := map[authz.ListMode]int{}
	var requests, disagreements, oversized, sessions int
	var first *agreeCase
	var firstLabel string

	compare := func(label string, s *agreeSet, docs []policy.Document, p grant.Principal, pr agreeProbe) {
		var want bool
		if pr.Scope == agreeSession {
			want = s.indexAllows(p, pr)
		} else {
			want = s.anyAllows(pr)
		}
		got := policy.Evaluate(docs, pr.request()).Allowed
		label = pr.Scope.String() + ", " + label
		tl := tallies[label]
		if tl == nil {
			tl = &agreeTally{}
			tallies[label] = tl
		}
		requests++
		if want {
			tl.allowed++
		} else {
			tl.denied++
		}
		if got != want {
			tl.disagree++
			disagreements++
			if first == nil {
				first = &agreeCase{Grants: slices.Clone(s.grants), Principal: p, Probe: pr}
				firstLabel = label
			}
		}
	}

	for range sets {
		grants := gen.grants()
		s, err := newAgreeSet(grants)
		if err != nil {
			t.Fatalf("building the set: %v\n%s", err, agreeCase{Grants: grants}.describe())
		}
		for range agreePrincipals {
			p := gen.principal()
			session, fits, err := s.session(p)
			if err != nil {
				t.Fatalf("session policy of %+v: %v\n%s", p, err, agreeCase{Grants: grants, Principal: p}.describe())
			}
			sessions++
			if !fits {
				oversized++
			}
			ask := func(label string, pr agreeProbe) {
				if fits {
					pr.Scope = agreeSession
					compare(label, s, session, p, pr)
				}
				pr.Scope = agreeConnectionScope
				compare(label, s, s.connDocs, p, pr)
			}
			for range agreeObjectKeys {
				bucket, key := gen.key(grants)
				for _, perm := range []grant.Permission{grant.Read, grant.Write, grant.Delete} {
					pr := agreeProbe{Perm: perm, Bucket: bucket, Path: key}
					ask(pr.kind(), pr)
				}
			}
			for range agreeListPrefixes {
				bucket, prefix := gen.listPrefix(grants)
				for _, delimiter := range []bool{true, false} {
					pr := agreeProbe{Perm: grant.List, Bucket: bucket, Path: prefix, Delimiter: delimiter}
					ask(pr.kind(), pr)
				}
				d := s.index.CanList(p, agreeConnection, bucket, prefix)
				modes[d.Mode]++
				for _, f := range d.Folders[:min(len(d.Folders), agreeMaxFolders)] {
					// The index offers f as a way down; it must let p take it.
					if fd := s.index.CanList(p, agreeConnection, bucket, f); !fd.Allowed {
						t.Errorf("CanList(%+v, %q) offers folder %q, but CanList on it = %+v", p, prefix, f, fd)
					}
					ask(agreeFolderLabel, agreeProbe{Perm: grant.List, Bucket: bucket, Path: f, Delimiter: true})
				}
			}
		}
	}
	elapsed := time.Since(start)

	var b strings.Builder
	labels := make([]string, 0, len(tallies))
	for l := range tallies {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	for _, l := range labels {
		tl := tallies[l]
		fmt.Fprintf(&b, "  %-45s allowed %7d  denied %7d  disagreements %d\n", l, tl.allowed, tl.denied, tl.disagree)
	}
	t.Logf("%d grant sets, %d principals (%d session policies over the limit, skipped), %d requests, %d disagreements in %v\n"+
		"CanList modes: Full %d, Breadcrumb %d, denied %d\n%s",
		sets, sessions, oversized, requests, disagreements, elapsed.Round(time.Millisecond),
		modes[authz.ListFull], modes[authz.ListBreadcrumb], modes[authz.ListDenied], b.String())

	if first != nil {
		minimal := first.shrink()
		t.Fatalf("%d disagreements; first (%s), shrunk:\n%s", disagreements, firstLabel, minimal.describe())
	}
	// The property says little if one side of a kind of request never occurs.
	// Breadcrumb folders are the exception: the index offers only folders it
	// allows, so they are all allowed.
	for _, l := range labels {
		tl := tallies[l]
		if strings.HasSuffix(l, agreeFolderLabel) {
			if tl.allowed == 0 {
				t.Errorf("%s: no breadcrumb folder was listed; the generator must produce them", l)
			}
			continue
		}
		if tl.allowed == 0 || tl.denied == 0 {
			t.Errorf("%s: %d allowed, %d denied; the generator must produce both", l, tl.allowed, tl.denied)
		}
	}
	if modes[authz.ListFull] == 0 || modes[authz.ListBreadcrumb] == 0 || modes[authz.ListDenied] == 0 {
		t.Errorf("CanList modes %v: the generator must produce all three", modes)
	}
	if oversized > sessions/20 {
		t.Errorf("%d of %d session policies over the limit; the grant sets are too large to compare", oversized, sessions)
	}
}
