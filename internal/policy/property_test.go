package policy

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
	"github.com/s3am/s3-access-manager/internal/policy/policytest"
)

// The property: IAM, as modelled by the evaluator, grants exactly what the
// grants say, through both the connection policy and the per-principal session
// policy. Plain grant semantics:
//   - an object action is allowed iff a grant covers the key (keys.Covers: on a
//     segment boundary) with the permission the action belongs to;
//   - s3:ListBucket is allowed iff the listing prefix lies under a list grant's
//     prefix, or is a parent folder of one (keys.Parents) listed with
//     delimiter "/";
//   - kms:Decrypt on the connection's key iff some grant reads or writes,
//     kms:GenerateDataKey iff some grant writes;
//   - nothing else.

const (
	propertySets        = 10000
	propertyRequests    = 12
	propertySeed1       = 0x5eed_0001
	propertySeed2       = 0x5eed_0002
	propertyConnection  = "conn"
	propertyKMSKey      = "arn:aws:kms:eu-west-1:111122223333:key/0f7c1d52-aaaa-bbbb-cccc-1234567890ab"
	propertyOtherKMSKey = "arn:aws:kms:eu-west-1:111122223333:key/other"
)

// Segments share string prefixes without sharing a segment (uploads,
// uploads-old, up) and carry the characters IAM treats specially.
var propertySegments = []string{
	"partner-a", "partner-b", "uploads", "uploads-old", "up", "x",
	"*", "a*b", "?", "q?", "$", "$d", "${x}", "${*}", "${aws:username}",
	"ü", "a b", "p:q", "2024", ".hidden", "[x]", "a+b",
}

var propertyBuckets = []string{"data-eu", "data-us"}

var propertyUsers = []string{"alice", "bob", "carol"}
var propertyGroups = []string{"g1", "g2"}

// propertyProbe is one IAM request in grant terms.
type propertyProbe struct {
	Action    string
	Bucket    string
	Key       string // object actions
	Prefix    string // s3:ListBucket
	Delimiter string // s3:ListBucket; "" = not sent
	SSE       string // s3:PutObject; "" = not sent
	KMSKey    string // kms actions
}

func (p propertyProbe) request() Request {
	switch {
	case strings.HasPrefix(p.Action, "kms:"):
		return Request{Action: p.Action, Resource: p.KMSKey}
	case p.Action == "s3:ListBucket":
		ctx := map[string][]string{"s3:prefix": {p.Prefix}}
		if p.Delimiter != "" {
			ctx["s3:delimiter"] = []string{p.Delimiter}
		}
		return Request{Action: p.Action, Resource: testBucketARN(p.Bucket), Context: ctx}
	}
	r := Request{Action: p.Action, Resource: testObjectARN(p.Bucket, p.Key)}
	if p.SSE != "" {
		r.Context = map[string][]string{"s3:x-amz-server-side-encryption": {p.SSE}}
	}
	return r
}

// objectPermission is the grant permission each object action belongs to.
var objectPermission = map[string]grant.Permission{
	"s3:GetObject":                grant.Read,
	"s3:PutObject":                grant.Write,
	"s3:AbortMultipartUpload":     grant.Write,
	"s3:ListMultipartUploadParts": grant.Write,
	"s3:DeleteObject":             grant.Delete,
}

// probeActions includes actions no grant gives, which must always be denied.
var probeActions = []string{
	"s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
	"s3:DeleteObject", "s3:ListBucket", "s3:ListBucket", "kms:Decrypt", "kms:GenerateDataKey",
	"s3:GetObjectTagging", "s3:PutObjectAcl", "s3:DeleteBucket", "s3:GetObjectVersion", "kms:Encrypt",
}

// grantSemantics answers a probe from the grants alone.
func grantSemantics(gs []grant.Grant, kmsKey string, p propertyProbe) bool {
	if perm, ok := objectPermission[p.Action]; ok {
		for i := range gs {
			if gs[i].Bucket == p.Bucket && gs[i].Permissions.Has(perm) && keys.Covers(gs[i].Prefix, p.Key) {
				return true
			}
		}
		return false
	}
	switch p.Action {
	case "s3:ListBucket":
		for i := range gs {
			g := &gs[i]
			if g.Bucket != p.Bucket || !g.Permissions.Has(grant.List) {
				continue
			}
			if keys.Covers(g.Prefix, p.Prefix) {
				return true
			}
			if p.Delimiter == "/" && slices.Contains(keys.Parents(g.Prefix), p.Prefix) {
				return true
			}
		}
		return false
	case "kms:Decrypt", "kms:GenerateDataKey":
		if kmsKey == "" || p.KMSKey != kmsKey {
			return false
		}
		for i := range gs {
			if gs[i].Permissions.Has(grant.Write) || p.Action == "kms:Decrypt" && gs[i].Permissions.Has(grant.Read) {
				return true
			}
		}
	}
	return false
}

// propertyCase is one grant set, principal and probe.
type propertyCase struct {
	KMSKey    string
	Grants    []grant.Grant
	Principal grant.Principal
	Probe     propertyProbe
}

// propertyMode is one way of evaluating a case.
type propertyMode int

const (
	modeConnection propertyMode = iota // Evaluate(connection policy)
	modeSession                        // Evaluate(session policy)
	modeBoth                           // EvaluateSession(connection, session)
)

func (m propertyMode) String() string {
	return [...]string{"connection policy", "session policy", "connection policy ∩ session policy"}[m]
}

// check generates the policies of the case and evaluates its probe in mode
// m. skip is set when the session policy does not fit its 2,048-character
// limit: the generator then refuses to make one, and the caller counts it.
func (c propertyCase) check(m propertyMode) (agree bool, want bool, got Decision, skip bool, err error) {
	e, err := newSetEvaluator(c)
	if err != nil {
		return false, false, Decision{}, false, err
	}
	want, got, skip = e.decide(c, m)
	return skip || got.Allowed == want, want, got, skip, nil
}

// shrink removes grants, permissions and subjects while the case still
// disagrees in mode m, so that the failure shows the smallest case found.
func (c propertyCase) shrink(m propertyMode) propertyCase {
	fails := func(x propertyCase) bool {
		agree, _, _, skip, err := x.check(m)
		return err == nil && !skip && !agree
	}
	c.Grants = policytest.ShrinkGrants(c.Grants, func(grants []grant.Grant) bool {
		smaller := c
		smaller.Grants = grants
		return fails(smaller)
	})
	return c
}

func (c propertyCase) describe(m propertyMode) string {
	var b strings.Builder
	agree, want, got, _, err := c.check(m)
	fmt.Fprintf(&b, "mode: %s\n", m)
	fmt.Fprintf(&b, "connection KMS key: %q\n", c.KMSKey)
	for _, g := range c.Grants {
		fmt.Fprintf(&b, "grant %s: bucket %q prefix %q permissions [%s] subjects %v\n", g.ID(), g.Bucket, g.Prefix, g.Permissions, g.Subjects)
	}
	fmt.Fprintf(&b, "principal: %+v\n", c.Principal)
	r := c.Probe.request()
	fmt.Fprintf(&b, "request: action %q resource %q context %q\n", r.Action, r.Resource, r.Context)
	fmt.Fprintf(&b, "grant semantics: allowed=%v; evaluator: %v (agree=%v, err=%v)\n", want, got, agree, err)
	conn := Connection{Name: propertyConnection, KMSKeyARN: c.KMSKey}
	if docs, err := ConnectionPolicy(conn, c.Grants, ManagedPolicyLimit); err == nil {
		for i, d := range docs {
			j, _ := d.JSON()
			fmt.Fprintf(&b, "connection policy %d: %s\n", i, j)
		}
	}
	if d, err := SessionPolicyFor(conn, c.Grants, c.Principal); err == nil {
		j, _ := d.JSON()
		fmt.Fprintf(&b, "session policy: %s\n", j)
	}
	return b.String()
}

// propertyGen draws random but valid grants, principals and probes.
type propertyGen struct{ policytest.Gen }

// segments is n path segments joined by "/".
func (g propertyGen) segments(n int) string { return g.Join(propertySegments, n) }

// prefix is a valid grant prefix: "" (whole bucket) now and then, otherwise
// one to three segments and a "/".
func (g propertyGen) prefix() string {
	for {
		if g.IntN(12) == 0 {
			return ""
		}
		p := g.segments(1+g.IntN(3)) + "/"
		if keys.ValidatePrefix(p) == nil {
			return p
		}
	}
}

func (g propertyGen) grants(kmsKey string) []grant.Grant {
	n := 1 + g.IntN(4)
	out := make([]grant.Grant, n)
	for i := range out {
		subjects := g.Subjects(propertyUsers, propertyGroups)
		out[i] = grant.Grant{
			Namespace:   "ns",
			Name:        fmt.Sprintf("g%d", i),
			Connection:  propertyConnection,
			Bucket:      g.Pick(propertyBuckets),
			Prefix:      g.prefix(),
			Subjects:    subjects,
			Permissions: grant.Permissions(g.IntN(16)),
		}
	}
	return out
}

func (g propertyGen) principal() grant.Principal {
	return g.Principal(propertyUsers, propertyGroups, 2)
}

// near returns a path close to a grant prefix: inside it, equal to the folder
// name without its "/", a sibling sharing a string prefix, or a parent.
func (g propertyGen) near(gs []grant.Grant) string {
	base := gs[g.IntN(len(gs))].Prefix
	folder := strings.TrimSuffix(base, "/")
	switch g.IntN(6) {
	case 0:
		return base + g.segments(1+g.IntN(2))
	case 1:
		return folder // "partner-a/uploads" is not under "partner-a/uploads/"
	case 2:
		return folder + g.Pick([]string{"-old", "x", "*", "?", "$"}) + "/" + g.segments(1)
	case 3:
		if len(folder) > 1 {
			return folder[:len(folder)-1] + "/" + g.segments(1) // truncated last segment
		}
	case 4:
		return g.Parent(base) + g.segments(1)
	}
	return g.segments(1 + g.IntN(3))
}

func (g propertyGen) key(gs []grant.Grant) string {
	for {
		k := g.near(gs)
		if keys.ValidateKey(k) == nil {
			return k
		}
	}
}

func (g propertyGen) listPrefix(gs []grant.Grant) string {
	for {
		var p string
		switch g.IntN(4) {
		case 0:
			p = ""
		case 1:
			p = g.Parent(gs[g.IntN(len(gs))].Prefix)
		case 2:
			p = gs[g.IntN(len(gs))].Prefix
		default:
			p = g.near(gs) + "/"
		}
		if keys.ValidateListPrefix(p) == nil {
			return p
		}
	}
}

func (g propertyGen) probe(gs []grant.Grant, kmsKey string) propertyProbe {
	p := propertyProbe{Action: g.Pick(probeActions), Bucket: g.Pick(propertyBuckets)}
	if g.IntN(4) != 0 {
		p.Bucket = gs[g.IntN(len(gs))].Bucket
	}
	switch {
	case strings.HasPrefix(p.Action, "kms:"):
		p.KMSKey = g.Pick([]string{kmsKey, propertyOtherKMSKey, propertyKMSKey})
		if p.KMSKey == "" {
			p.KMSKey = propertyKMSKey
		}
	case p.Action == "s3:ListBucket":
		p.Prefix = g.listPrefix(gs)
		p.Delimiter = g.Pick([]string{"", "/", "/", "x"})
	default:
		p.Key = g.key(gs)
		if p.Action == "s3:PutObject" {
			p.SSE = g.Pick([]string{"", "", "aws:kms", "AES256"})
		}
	}
	return p
}

func TestPropertyEvaluatorAgreesWithGrants(t *testing.T) {
	sets := propertySets
	if testing.Short() {
		sets = 1000
	}
	gen := propertyGen{policytest.Gen{Rand: rand.New(rand.NewPCG(propertySeed1, propertySeed2))}}
	var cases, allowed, skipped, disagreements int
	var first *propertyCase
	var firstMode propertyMode
	modes := []propertyMode{modeConnection, modeSession, modeBoth}
	for range sets {
		kmsKey := ""
		if gen.IntN(2) == 0 {
			kmsKey = propertyKMSKey
		}
		c := propertyCase{KMSKey: kmsKey, Grants: gen.grants(kmsKey), Principal: gen.principal()}
		// The policies do not depend on the probe: generate them once per set.
		ev, err := newSetEvaluator(c)
		if err != nil {
			t.Fatalf("generating policies: %v\n%s", err, c.describe(modeConnection))
		}
		for range propertyRequests {
			c.Probe = gen.probe(c.Grants, kmsKey)
			for _, m := range modes {
				want, got, skip := ev.decide(c, m)
				if skip {
					skipped++
					continue
				}
				cases++
				if want {
					allowed++
				}
				if got.Allowed != want {
					disagreements++
					if first == nil {
						cc := c
						first, firstMode = &cc, m
					}
				}
			}
		}
	}
	t.Logf("%d grant sets × %d probes: %d evaluations (%d allowed by the grants), %d disagreements, %d skipped (session policy over its limit)",
		sets, propertyRequests, cases, allowed, disagreements, skipped)
	if first != nil {
		minimal := first.shrink(firstMode)
		t.Fatalf("%d disagreements; minimal case:\n%s", disagreements, minimal.describe(firstMode))
	}
	if skipped > cases/20 {
		t.Errorf("%d of %d evaluations skipped; the random grant sets are too large for session policies", skipped, cases)
	}
}

// setEvaluator holds one grant set's generated policies so that each probe
// costs only evaluation.
type setEvaluator struct {
	identity []Document
	session  []Document // nil when the session policy is over its limit
	mine     []grant.Grant
}

func newSetEvaluator(c propertyCase) (*setEvaluator, error) {
	conn := Connection{Name: propertyConnection, KMSKeyARN: c.KMSKey}
	identity, err := ConnectionPolicy(conn, c.Grants, ManagedPolicyLimit)
	if err != nil {
		return nil, err
	}
	e := &setEvaluator{identity: identity}
	for i := range c.Grants {
		if c.Grants[i].AppliesTo(c.Principal) {
			e.mine = append(e.mine, c.Grants[i])
		}
	}
	session, err := SessionPolicyFor(conn, c.Grants, c.Principal)
	var tooLarge *TooLargeError
	switch {
	case errors.As(err, &tooLarge):
	case err != nil:
		return nil, err
	default:
		e.session = []Document{session}
	}
	return e, nil
}

// decide evaluates the probe of c in mode m and answers it from the grants.
func (e *setEvaluator) decide(c propertyCase, m propertyMode) (want bool, got Decision, skip bool) {
	r := c.Probe.request()
	switch m {
	case modeConnection:
		return grantSemantics(c.Grants, c.KMSKey, c.Probe), Evaluate(e.identity, r), false
	case modeSession:
		if e.session == nil {
			return false, Decision{}, true
		}
		return grantSemantics(e.mine, c.KMSKey, c.Probe), Evaluate(e.session, r), false
	}
	if e.session == nil {
		return false, Decision{}, true
	}
	return grantSemantics(e.mine, c.KMSKey, c.Probe), EvaluateSession(e.identity, e.session, r), false
}

// TestPropertyGrantSemanticsOracle pins the oracle itself on hand-written
// cases, so that agreement above means agreement with the intended semantics.
func TestPropertyGrantSemanticsOracle(t *testing.T) {
	gs := []grant.Grant{
		{Bucket: "b", Prefix: "partner-a/uploads/", Permissions: grant.NewPermissions(grant.Write, grant.List)},
		{Bucket: "b", Prefix: "r*/", Permissions: grant.NewPermissions(grant.Read)},
	}
	cases := []struct {
		p    propertyProbe
		want bool
	}{
		{propertyProbe{Action: "s3:PutObject", Bucket: "b", Key: "partner-a/uploads/x"}, true},
		{propertyProbe{Action: "s3:PutObject", Bucket: "b", Key: "partner-a/uploads-old/x"}, false},
		{propertyProbe{Action: "s3:PutObject", Bucket: "b", Key: "partner-a/uploads"}, false},
		{propertyProbe{Action: "s3:PutObject", Bucket: "c", Key: "partner-a/uploads/x"}, false},
		{propertyProbe{Action: "s3:GetObject", Bucket: "b", Key: "partner-a/uploads/x"}, false},
		{propertyProbe{Action: "s3:GetObject", Bucket: "b", Key: "r*/x"}, true},
		{propertyProbe{Action: "s3:GetObject", Bucket: "b", Key: "rx/x"}, false},
		{propertyProbe{Action: "s3:AbortMultipartUpload", Bucket: "b", Key: "partner-a/uploads/x"}, true},
		{propertyProbe{Action: "s3:ListBucket", Bucket: "b", Prefix: "partner-a/uploads/deep/"}, true},
		{propertyProbe{Action: "s3:ListBucket", Bucket: "b", Prefix: "partner-a/", Delimiter: "/"}, true},
		{propertyProbe{Action: "s3:ListBucket", Bucket: "b", Prefix: "partner-a/"}, false},
		{propertyProbe{Action: "s3:ListBucket", Bucket: "b", Prefix: "", Delimiter: "/"}, true},
		{propertyProbe{Action: "s3:ListBucket", Bucket: "b", Prefix: "partner-a/uploads-old/", Delimiter: "/"}, false},
		{propertyProbe{Action: "kms:GenerateDataKey", KMSKey: propertyKMSKey}, true},
		{propertyProbe{Action: "kms:GenerateDataKey", KMSKey: propertyOtherKMSKey}, false},
		{propertyProbe{Action: "s3:PutObjectAcl", Bucket: "b", Key: "partner-a/uploads/x"}, false},
	}
	for _, c := range cases {
		if got := grantSemantics(gs, propertyKMSKey, c.p); got != c.want {
			t.Errorf("%+v: %v, want %v", c.p, got, c.want)
		}
	}
}
