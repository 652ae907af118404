package authz_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
	"github.com/s3am/s3-access-manager/internal/policy"
	"github.com/s3am/s3-access-manager/internal/policy/policytest"
)

// The world of the agreement test: the index and the IAM policies are built
// from the same grants of agreeConnection; grants of agreeOtherConnection sit
// in the index only and must never leak into answers about agreeConnection.
const (
	agreeConnection      = "conn"
	agreeOtherConnection = "other"
	agreePartition       = "aws"
)

var agreeBuckets = []string{"data", "data-eu", "data.archive"}

// Grant subjects. The group "alice" shares the user's name: a grant to one
// must not reach the other.
var (
	agreeUsers  = []string{"alice", "bob", "carol"}
	agreeGroups = []string{"team-a", "team-b", "alice"}
	// Principals also come from outside the subjects.
	agreePrincipalUsers  = []string{"alice", "bob", "carol", "dave"}
	agreePrincipalGroups = []string{"team-a", "team-b", "alice", "team-c"}
)

// agreeRootSegments build grant prefixes: names that share string prefixes
// without sharing a segment, case and Unicode-normalization twins, spaces,
// the characters MinIO re-escapes in JSON ('&', '<', '>'), and a
// percent-escape that decodes to a plain letter.
var agreeRootSegments = []string{
	"partner-a", "partner-a-old", "partner", "uploads", "uploads-old", "up", "Uploads",
	"2024", "\u00fc", "u\u0308", "a b", " lead", "r&d", "<x>", "a>b", "\u65e5\u672c",
	"%41", "...", "a.b", "x",
}

// agreeKeySegments may also appear in keys and listing prefixes under a
// root: wildcard and variable characters are fine there, and the request
// carries them literally.
var agreeKeySegments = append(slices.Clone(agreeRootSegments),
	"*", "a*b", "?", "$", "${aws:username}", "${*}", "file.txt", "report (1).pdf")

// agreeBesideSuffixes turn a folder name into a sibling that shares its
// string prefix.
var agreeBesideSuffixes = []string{"-old", "x", "-", " ", "&", "\u00fc", "s", ".", "*"}

// agreeObjectActions are the IAM actions S3 authorizes each object
// permission with.
var agreeObjectActions = map[grant.Permission]string{
	grant.Read:   "s3:GetObject",
	grant.Write:  "s3:PutObject",
	grant.Delete: "s3:DeleteObject",
}

// agreeScope says which policy a probe is checked against.
type agreeScope int

const (
	// agreeSession: the principal's session policy against its Decide/CanList.
	agreeSession agreeScope = iota
	// agreeConnectionScope: the connection policy against "some principal
	// may", the union over every principal.
	agreeConnectionScope
)

func (s agreeScope) String() string {
	return [...]string{"session policy", "connection policy"}[s]
}

// agreeProbe is one request, asked of both sides.
type agreeProbe struct {
	Scope agreeScope
	// Perm is Read, Write or Delete for an object request, List for a listing.
	Perm   grant.Permission
	Bucket string
	// Path is the object key, or the listing prefix.
	Path string
	// Delimiter says whether a listing sends s3:delimiter "/".
	Delimiter bool
}

// request is the IAM request S3 authorizes the probe with. Nothing is
// escaped: the resource is the literal ARN.
func (p agreeProbe) request() policy.Request {
	bucketARN := "arn:" + agreePartition + ":s3:::" + p.Bucket
	if p.Perm == grant.List {
		ctx := map[string][]string{"s3:prefix": {p.Path}}
		if p.Delimiter {
			ctx["s3:delimiter"] = []string{"/"}
		}
		return policy.Request{Action: "s3:ListBucket", Resource: bucketARN, Context: ctx}
	}
	return policy.Request{Action: agreeObjectActions[p.Perm], Resource: bucketARN + "/" + p.Path}
}

// kind names the probe's category for the counts.
func (p agreeProbe) kind() string {
	switch {
	case p.Perm != grant.List:
		return "object " + p.Perm.String()
	case p.Delimiter:
		return "list delimiter=/"
	}
	return "list no delimiter"
}

// agreeSet is one grant set, installed in an index and written as policies.
type agreeSet struct {
	grants   []grant.Grant
	mine     []grant.Grant // those of agreeConnection
	index    *authz.Index
	connDocs []policy.Document
}

// agreeConnectionLimit fits any generated set into one connection policy, so
// that the connection check never depends on packing limits.
var agreeConnectionLimit = policy.Limit{Name: "agreement test", PerDocument: 1 << 20}

func newAgreeSet(grants []grant.Grant) (*agreeSet, error) {
	s := &agreeSet{grants: grants, index: authz.New()}
	if err := s.index.Replace(grants); err != nil {
		return nil, fmt.Errorf("Replace: %w", err)
	}
	s.index.SetConnectionReady(agreeConnection, true)
	s.index.SetConnectionReady(agreeOtherConnection, true)
	s.index.MarkSynced()
	for _, g := range grants {
		if g.Connection == agreeConnection {
			s.mine = append(s.mine, g)
		}
	}
	docs, err := policy.ConnectionPolicy(policy.Connection{Name: agreeConnection}, s.mine, agreeConnectionLimit)
	if err != nil {
		return nil, fmt.Errorf("ConnectionPolicy: %w", err)
	}
	if s.connDocs, err = roundTrip(docs...); err != nil {
		return nil, err
	}
	return s, nil
}

// session returns p's session policy as IAM would receive it, or fits=false
// when it is over the session-policy limit (the generator then refuses to
// write one, and there is nothing to compare).
func (s *agreeSet) session(p grant.Principal) (docs []policy.Document, fits bool, err error) {
	doc, err := policy.SessionPolicyFor(policy.Connection{Name: agreeConnection}, s.mine, p)
	if _, tooLarge := errors.AsType[*policy.TooLargeError](err); tooLarge {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("SessionPolicyFor: %w", err)
	}
	docs, err = roundTrip(doc)
	return docs, err == nil, err
}

// roundTrip encodes and parses the documents, so that what is evaluated is
// the JSON that IAM gets, escaping included.
func roundTrip(docs ...policy.Document) ([]policy.Document, error) {
	out := make([]policy.Document, len(docs))
	for i, d := range docs {
		b, err := d.JSON()
		if err != nil {
			return nil, err
		}
		if out[i], err = policy.Parse(b); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// indexAllows is the index's answer for p. A listing without delimiter may
// see everything below the prefix, which only ListFull allows; a breadcrumb
// listing is one level deep and needs the delimiter.
func (s *agreeSet) indexAllows(p grant.Principal, pr agreeProbe) bool {
	if pr.Perm != grant.List {
		return s.index.Decide(p, pr.Perm, agreeConnection, pr.Bucket, pr.Path).Allowed
	}
	d := s.index.CanList(p, agreeConnection, pr.Bucket, pr.Path)
	if pr.Delimiter {
		return d.Allowed
	}
	return d.Mode == authz.ListFull
}

// agreeUniverse holds, between them, every subject any grant can name: the
// connection policy allows what at least one of them may do.
var agreeUniverse = func() []grant.Principal {
	out := make([]grant.Principal, len(agreeUsers))
	for i, u := range agreeUsers {
		out[i] = grant.Principal{User: u, Groups: agreeGroups}
	}
	return out
}()

// anyAllows is the index's answer for "some principal may".
func (s *agreeSet) anyAllows(pr agreeProbe) bool {
	for _, p := range agreeUniverse {
		if s.indexAllows(p, pr) {
			return true
		}
	}
	return false
}

// agreeCase is one grant set, principal and probe.
type agreeCase struct {
	Grants    []grant.Grant
	Principal grant.Principal
	Probe     agreeProbe
}

// agreeResult is what both sides said about a case.
type agreeResult struct {
	index, policy bool
	decision      policy.Decision
	skip          bool // the session policy is over its limit
}

func (c agreeCase) check() (agreeResult, error) {
	s, err := newAgreeSet(c.Grants)
	if err != nil {
		return agreeResult{}, err
	}
	docs := s.connDocs
	if c.Probe.Scope == agreeSession {
		var fits bool
		if docs, fits, err = s.session(c.Principal); err != nil || !fits {
			return agreeResult{skip: true}, err
		}
	}
	r := agreeResult{decision: policy.Evaluate(docs, c.Probe.request())}
	r.policy = r.decision.Allowed
	if c.Probe.Scope == agreeSession {
		r.index = s.indexAllows(c.Principal, c.Probe)
	} else {
		r.index = s.anyAllows(c.Probe)
	}
	return r, nil
}

func (c agreeCase) disagrees() bool {
	r, err := c.check()
	return err == nil && !r.skip && r.index != r.policy
}

// shrink removes grants, then permissions and subjects, while the case still
// disagrees, so that a failure shows the smallest case found.
func (c agreeCase) shrink() agreeCase {
	c.Grants = policytest.ShrinkGrants(c.Grants, func(grants []grant.Grant) bool {
		smaller := c
		smaller.Grants = grants
		return smaller.disagrees()
	})
	return c
}

// describe prints the case with both sides' full answers and the policy.
func (c agreeCase) describe() string {
	var b strings.Builder
	for _, g := range c.Grants {
		fmt.Fprintf(&b, "grant %s: connection %q bucket %q prefix %q permissions [%s] subjects %v\n",
			g.ID(), g.Connection, g.Bucket, g.Prefix, g.Permissions, g.Subjects)
	}
	if c.Probe.Scope == agreeSession {
		fmt.Fprintf(&b, "principal: %+v\n", c.Principal)
	} else {
		fmt.Fprintf(&b, "principal: any of %+v\n", agreeUniverse)
	}
	req := c.Probe.request()
	fmt.Fprintf(&b, "probe: %s, %s; request %q on %q context %q\n", c.Probe.Scope, c.Probe.kind(), req.Action, req.Resource, req.Context)
	r, err := c.check()
	fmt.Fprintf(&b, "index allows: %v; policy: %v (err %v)\n", r.index, r.decision, err)
	s, err := newAgreeSet(c.Grants)
	if err != nil {
		return b.String()
	}
	if c.Probe.Scope == agreeSession {
		if c.Probe.Perm == grant.List {
			fmt.Fprintf(&b, "CanList: %+v\n", s.index.CanList(c.Principal, agreeConnection, c.Probe.Bucket, c.Probe.Path))
		} else {
			fmt.Fprintf(&b, "Decide: %+v\n", s.index.Decide(c.Principal, c.Probe.Perm, agreeConnection, c.Probe.Bucket, c.Probe.Path))
		}
		if docs, fits, _ := s.session(c.Principal); fits {
			j, _ := docs[0].JSON()
			fmt.Fprintf(&b, "session policy: %s\n", j)
		}
		return b.String()
	}
	for i, d := range s.connDocs {
		j, _ := d.JSON()
		fmt.Fprintf(&b, "connection policy %d: %s\n", i, j)
	}
	return b.String()
}

// agreeGen draws random, valid grants, principals, keys and prefixes that
// crowd around each other's boundaries.
type agreeGen struct{ policytest.Gen }

// beside is a name that shares a string prefix with root's folder name but
// is not under root: a longer or a truncated last segment. It has no
// trailing "/". It may be invalid (a truncated rune); callers validate.
func (g agreeGen) beside(root string) string {
	folder := strings.TrimSuffix(root, "/")
	if folder == "" {
		return g.Pick(agreeKeySegments)
	}
	if g.IntN(4) == 0 {
		return folder[:len(folder)-1]
	}
	return folder + g.Pick(agreeBesideSuffixes)
}

// grants draws 1 to 6 grants. Later grants often relate to an earlier one:
// nested below it, at one of its parents, or beside it.
func (g agreeGen) grants() []grant.Grant {
	n := 1 + g.IntN(6)
	out := make([]grant.Grant, 0, n)
	for i := range n {
		bucket, prefix := g.grantRoot(out)
		subjects := g.Subjects(agreeUsers, agreeGroups)
		conn := agreeConnection
		if g.IntN(12) == 0 {
			conn = agreeOtherConnection
		}
		ps := grant.Permissions(g.IntN(16))
		if ps == 0 && g.IntN(2) == 0 {
			ps = grant.Permissions(grant.List)
		}
		out = append(out, grant.Grant{
			Namespace:   g.Pick([]string{"ns-a", "ns-b"}),
			Name:        fmt.Sprintf("g%d", i),
			Connection:  conn,
			Bucket:      bucket,
			Prefix:      prefix,
			Subjects:    subjects,
			Permissions: ps,
		})
	}
	return out
}

func (g agreeGen) grantRoot(prev []grant.Grant) (bucket, prefix string) {
	for {
		bucket = g.Pick(agreeBuckets)
		var p string
		switch r := g.IntN(10); {
		case r == 0:
			return bucket, ""
		case r <= 4 && len(prev) > 0:
			base := prev[g.IntN(len(prev))]
			bucket = base.Bucket
			switch g.IntN(3) {
			case 0:
				p = base.Prefix + g.Join(agreeRootSegments, 1+g.IntN(2)) + "/"
			case 1:
				p = g.Parent(base.Prefix)
			default:
				p = g.beside(base.Prefix) + "/"
			}
		default:
			p = g.Join(agreeRootSegments, 1+g.IntN(3)) + "/"
		}
		if p != "" && keys.ValidateGrantPrefix(p) == nil {
			return bucket, p
		}
	}
}

func (g agreeGen) principal() grant.Principal {
	return g.Principal(agreePrincipalUsers, agreePrincipalGroups, 3)
}

// bucket is mostly a grant's bucket, sometimes any.
func (g agreeGen) bucket(root grant.Grant) string {
	if g.IntN(5) == 0 {
		return g.Pick(agreeBuckets)
	}
	return root.Bucket
}

// key is a valid object key near a grant root: inside, deep below, the
// folder name itself without its "/", beside it, in one of its parents, or
// anywhere.
func (g agreeGen) key(gs []grant.Grant) (bucket, key string) {
	for {
		root := gs[g.IntN(len(gs))]
		base := root.Prefix
		var k string
		switch g.IntN(8) {
		case 0, 1:
			k = base + g.Pick(agreeKeySegments)
		case 2:
			k = base + g.Join(agreeKeySegments, 3+g.IntN(4))
		case 3:
			k = strings.TrimSuffix(base, "/")
		case 4:
			k = g.beside(base)
			if g.IntN(2) == 0 {
				k += "/" + g.Pick(agreeKeySegments)
			}
		case 5:
			k = g.Parent(base) + g.Pick(agreeKeySegments)
		case 6:
			k = base + g.Join(agreeRootSegments, 1) + "/" + g.Pick(agreeKeySegments)
		default:
			k = g.Join(agreeKeySegments, 1+g.IntN(3))
		}
		if keys.ValidateKey(k) == nil {
			return g.bucket(root), k
		}
	}
}

// listPrefix is a valid listing prefix near a grant root: the bucket root,
// a parent of the root, the root itself, below it, beside it, or anywhere.
func (g agreeGen) listPrefix(gs []grant.Grant) (bucket, prefix string) {
	for {
		root := gs[g.IntN(len(gs))]
		base := root.Prefix
		var p string
		switch g.IntN(8) {
		case 0:
			p = ""
		case 1, 2:
			p = g.Parent(base)
		case 3:
			p = base
		case 4:
			p = base + g.Join(agreeKeySegments, 1+g.IntN(2)) + "/"
		case 5:
			p = g.beside(base) + "/"
		case 6:
			p = g.Parent(base) + g.Pick(agreeKeySegments) + "/"
		default:
			p = g.Join(agreeKeySegments, 1+g.IntN(3)) + "/"
		}
		if keys.ValidateListPrefix(p) == nil {
			return g.bucket(root), p
		}
	}
}
