package accessreview_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/accessreview"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
)

// The property: on random grant sets, who-can agrees with the authorization
// index. For every connection, bucket, target (a folder or a key), subject
// and permission,
//
//	Select lists the subject with a grant in effect giving the permission
//	⇔ Decide allows the permission, for a principal that is exactly that
//	  user or that group, on some valid key under the folder (or the key).
//
// "Some key" is checked on a candidate set that is provably complete: if
// Decide allows a key K under folder T through grant G, then T and G are both
// string prefixes of K, so the longer of them, L, ends in "/" and is a proper
// prefix of K (K does not end in "/"), hence len(L) < 1024 and L+"x" is a
// valid key under T that G covers. The candidates hold L+"x" for every grant
// prefix and target, and every key over the segment alphabet up to depth 3.
//
// And the reverse question: Select with the subject alone and InEffectOnly
// lists exactly the grants the index's Roots gives that principal on ready
// connections.
const (
	agreeSets      = 1000
	agreeShortSets = 200
	agreeTargets   = 12 // folders and keys per set
)

var (
	agreeConnections = []string{"conn", "other"}
	agreeBuckets     = []string{"data", "data-eu"}
	// Segments that share string prefixes without sharing a segment.
	agreeSegments = []string{"a", "a-b", "ab", "b", "a.b"}
	agreeUsers    = []string{"alice", "bob", "carol"}
	// The group "alice" shares the user's name: a grant to one must not
	// reach the other.
	agreeGroups = []string{"team-a", "team-b", "alice"}
	// Subjects asked about also come from outside the grants.
	agreeAskUsers  = []string{"alice", "bob", "carol", "dave"}
	agreeAskGroups = []string{"team-a", "team-b", "alice", "team-c"}
)

type agreeGen struct{ rng *rand.Rand }

func (g *agreeGen) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

// folder returns a folder of depth 0 to 3 over the segment alphabet.
func (g *agreeGen) folder() string {
	var b strings.Builder
	for range g.rng.IntN(4) {
		b.WriteString(g.pick(agreeSegments) + "/")
	}
	return b.String()
}

// longFolder returns a folder of 1022, 1023 or 1024 bytes: with 1024 bytes a
// grant covers no valid key.
func (g *agreeGen) longFolder() string {
	n := 1022 + g.rng.IntN(3)
	return "a/" + strings.Repeat("x", n-3) + "/"
}

func (g *agreeGen) prefix() string {
	switch r := g.rng.IntN(20); {
	case r == 0:
		return g.longFolder()
	case r == 1:
		return "a" // malformed: the index refuses it, who-can must too
	}
	return g.folder()
}

func (g *agreeGen) entry(i int, connReady map[string]bool) accessreview.Entry {
	gr := grant.Grant{
		Namespace:  g.pick([]string{"ns-a", "ns-b"}),
		Name:       fmt.Sprintf("g%d", i),
		Connection: g.pick(agreeConnections),
		Bucket:     g.pick(agreeBuckets),
		Prefix:     g.prefix(),
	}
	for gr.Permissions == 0 {
		for _, p := range grant.AllPermissions {
			if g.rng.IntN(2) == 0 {
				gr.Permissions |= grant.Permissions(p)
			}
		}
	}
	for range 1 + g.rng.IntN(3) {
		if g.rng.IntN(2) == 0 {
			gr.Subjects = append(gr.Subjects, grant.Subject{Kind: grant.User, Name: g.pick(agreeUsers)})
		} else {
			gr.Subjects = append(gr.Subjects, grant.Subject{Kind: grant.Group, Name: g.pick(agreeGroups)})
		}
	}
	e := accessreview.Entry{Grant: gr, Status: "Expired"}
	if g.rng.IntN(4) != 0 {
		e.Status = accessreview.StatusReady
	}
	// As the sources do: in effect when Ready and the connection is ready.
	e.InEffect = e.Status == accessreview.StatusReady && connReady[gr.Connection]
	return e
}

// agreeSet is one generated world: the entries and the index built from them
// as the IndexFeeder builds it (Ready grants; connection readiness apart).
type agreeSet struct {
	entries []accessreview.Entry
	index   *authz.Index
}

func (g *agreeGen) set(t *testing.T) *agreeSet {
	connReady := map[string]bool{}
	for _, c := range agreeConnections {
		connReady[c] = g.rng.IntN(5) != 0
	}
	s := &agreeSet{index: authz.New()}
	var ready []grant.Grant
	for i := range 1 + g.rng.IntN(8) {
		e := g.entry(i, connReady)
		s.entries = append(s.entries, e)
		if e.Status == accessreview.StatusReady {
			ready = append(ready, e.Grant)
		}
	}
	_ = s.index.Replace(ready) // malformed grants are refused and reported
	for c, r := range connReady {
		s.index.SetConnectionReady(c, r)
	}
	s.index.MarkSynced()
	return s
}

// candidates returns keys that, with the targets' own witnesses, make the
// "some key under the folder" check exact (see the comment at the top).
func (s *agreeSet) candidates(targets []string) []string {
	var out []string
	var walk func(prefix string, depth int)
	walk = func(prefix string, depth int) {
		for _, seg := range agreeSegments {
			out = append(out, prefix+seg)
			if depth < 2 {
				walk(prefix+seg+"/", depth+1)
			}
		}
	}
	walk("", 0)
	for i := range s.entries {
		out = append(out, s.entries[i].Grant.Prefix+"x")
	}
	for _, t := range targets {
		out = append(out, t+"x")
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (g *agreeGen) targets(s *agreeSet) []string {
	var ts []string
	for range agreeTargets {
		switch r := g.rng.IntN(10); {
		case r < 5:
			ts = append(ts, g.folder())
		case r < 7:
			ts = append(ts, g.pick(agreeSegments)+"/"+g.folder()+g.pick(agreeSegments))
		case r < 9 && len(s.entries) > 0:
			// A grant's own prefix, a key or a folder under it.
			p := s.entries[g.rng.IntN(len(s.entries))].Grant.Prefix
			ts = append(ts, p, p+g.pick(agreeSegments), p+g.pick(agreeSegments)+"/")
		default:
			ts = append(ts, g.longFolder())
		}
	}
	return ts
}

// String lists the set's entries, one a line.
func (s *agreeSet) String() string {
	var b strings.Builder
	for i := range s.entries {
		e := &s.entries[i]
		g := &e.Grant
		fmt.Fprintf(&b, "  %s %s/%s/%q %v %s %s inEffect=%v\n", g.ID(), g.Connection, g.Bucket, g.Prefix, g.Subjects, g.Permissions, e.Status, e.InEffect)
	}
	return b.String()
}

func principalOf(s grant.Subject) grant.Principal {
	if s.Kind == grant.User {
		return grant.Principal{User: s.Name}
	}
	return grant.Principal{Groups: []string{s.Name}}
}

func askSubjects() []grant.Subject {
	var out []grant.Subject
	for _, u := range agreeAskUsers {
		out = append(out, grant.Subject{Kind: grant.User, Name: u})
	}
	for _, g := range agreeAskGroups {
		out = append(out, grant.Subject{Kind: grant.Group, Name: g})
	}
	return out
}

// under returns the valid candidate keys under the folder target, or the key
// target itself.
func under(target string, candidates []string) []string {
	if target != "" && !strings.HasSuffix(target, "/") {
		return []string{target}
	}
	var out []string
	for _, k := range candidates {
		if strings.HasPrefix(k, target) && keys.ValidateKey(k) == nil {
			out = append(out, k)
		}
	}
	return out
}

// decideSome reports whether Decide allows perm for p on one of keys.
func (s *agreeSet) decideSome(p grant.Principal, perm grant.Permission, conn, bucket string, keys []string) (string, bool) {
	for _, k := range keys {
		if s.index.Decide(p, perm, conn, bucket, k).Allowed {
			return k, true
		}
	}
	return "", false
}

func TestWhoCanAgreesWithTheIndex(t *testing.T) {
	sets := agreeSets
	if testing.Short() {
		sets = agreeShortSets
	}
	start := time.Now()
	gen := &agreeGen{rng: rand.New(rand.NewPCG(0x13_0002, 0xacce55))}
	subjects := askSubjects()
	var questions, yes, disagreements, reverse int
	for n := range sets {
		s := gen.set(t)
		targets := gen.targets(s)
		candidates := s.candidates(targets)
		keysUnder := map[string][]string{}
		for _, target := range targets {
			keysUnder[target] = under(target, candidates)
		}
		for _, conn := range agreeConnections {
			for _, bucket := range agreeBuckets {
				for _, target := range targets {
					if keys.ValidateListPrefix(target) != nil && keys.ValidateKey(target) != nil {
						continue // a 1024-byte folder is not a query
					}
					for _, perm := range grant.AllPermissions {
						rows, err := accessreview.Select(s.entries, accessreview.Query{
							Connection: conn, Bucket: bucket, Path: target, Permission: perm, InEffectOnly: true,
						})
						if err != nil {
							t.Fatalf("set %d: Select(%q): %v", n, target, err)
						}
						for _, subj := range subjects {
							listed := slices.ContainsFunc(rows, func(r accessreview.Row) bool {
								return r.SubjectKind == string(subj.Kind) && r.Subject == subj.Name
							})
							key, allowed := s.decideSome(principalOf(subj), perm, conn, bucket, keysUnder[target])
							questions++
							if allowed {
								yes++
							}
							if listed != allowed {
								disagreements++
								if disagreements <= 5 {
									t.Errorf("set %d: %s %s on %s/%s/%s: who-can lists=%v, Decide allows=%v (key %q)\n%s",
										n, subj.Kind, subj.Name, conn, bucket, target, listed, allowed, key, s)
								}
							}
						}
					}
				}
			}
		}
		for _, subj := range subjects {
			reverse++
			if msg := s.reverseAgrees(subj); msg != "" {
				disagreements++
				if disagreements <= 5 {
					t.Errorf("set %d: %s", n, msg)
				}
			}
		}
	}
	t.Logf("%d grant sets, %d who-can questions (%d yes), %d reverse questions, %d disagreements, %s",
		sets, questions, yes, reverse, disagreements, time.Since(start).Round(time.Millisecond))
	if yes == 0 || yes == questions {
		t.Fatalf("the generator is degenerate: %d of %d questions answered yes", yes, questions)
	}
}

// reverseAgrees compares "everything the subject can do" with the index's
// roots for that principal on ready connections, and returns a description
// of any difference.
func (s *agreeSet) reverseAgrees(subj grant.Subject) string {
	rows, err := accessreview.Select(s.entries, accessreview.Query{Subjects: []grant.Subject{subj}, InEffectOnly: true})
	if err != nil {
		return err.Error()
	}
	var got, want []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s %s %s %s", r.Connection, r.Bucket, r.Prefix, r.Grant()))
	}
	for _, root := range s.index.Roots(principalOf(subj)) {
		if !root.ConnectionReady {
			continue
		}
		for _, id := range root.Grants {
			want = append(want, fmt.Sprintf("%s %s %s %s", root.Connection, root.Bucket, root.Prefix, id))
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		return fmt.Sprintf("everything %s %s can do: who-can %q, index roots %q", subj.Kind, subj.Name, got, want)
	}
	return ""
}
