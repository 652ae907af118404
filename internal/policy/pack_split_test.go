package policy

import (
	"fmt"
	"slices"
	"testing"

	"github.com/s3am/s3-access-manager/internal/grant"
)

// splitLimits are the two ways a limit counts: without whitespace (IAM
// managed and inline policies) and with it (STS session policies).
var splitLimits = []Limit{
	{Name: "small managed", PerDocument: 600},
	{Name: "small session", PerDocument: 600, CountWhitespace: true},
}

// splitValuesFor are prefixes and keys whose encodings the size estimator
// must get right: plain, spaces, HTML characters (counted as six), JSON
// escapes and multi-byte UTF-8.
func splitValuesFor(i int) string {
	shapes := []string{"team-%02d/in/", "r&d %02d/", "<%02d>/", `quo"te-%02d/`, "ünï-%02d/", "tab\t%02d/", "a&b<c>%02d d/"}
	return fmt.Sprintf(shapes[i%len(shapes)], i)
}

func TestStringSizeMatchesEncoder(t *testing.T) {
	for _, l := range append(splitLimits, ManagedPolicyLimit, SessionPolicyLimit) {
		m := packMeter{limit: l}
		for _, s := range []string{"", "a", "with space/", `quo"te`, `back\slash`, "tab\t", "ünï", "<&>", "r&d <x>/", "\u2028", "a${*}b/*", "\x7f"} {
			fast, err := m.stringSize(s)
			if err != nil {
				t.Fatal(err)
			}
			slow, err := m.measure(s)
			if err != nil {
				t.Fatal(err)
			}
			if fast != slow {
				t.Errorf("%s: stringSize(%q) = %d, encoder %d", l.Name, s, fast, slow)
			}
		}
	}
}

// TestValuesSizeMatchesEncoder: value lists are arrays even of one value, and
// valuesSize adds exactly the brackets and commas the encoder writes.
func TestValuesSizeMatchesEncoder(t *testing.T) {
	for _, l := range splitLimits {
		m := packMeter{limit: l}
		for n := range 5 {
			vs := Values{}
			sum := 0
			for i := range n {
				vs = append(vs, splitValuesFor(i))
				q, err := m.stringSize(vs[i])
				if err != nil {
					t.Fatal(err)
				}
				sum += q
			}
			got, err := m.measure(vs)
			if err != nil {
				t.Fatal(err)
			}
			if want := valuesSize(n, sum); got != want {
				t.Errorf("%s: %d values measure %d, valuesSize says %d", l.Name, n, got, want)
			}
		}
	}
}

// TestSplitIsTight: every piece of a split statement fits the budget, and
// each but the last would not fit with the next value added, so the size
// estimate behind the cut is exact, for condition values and resources alike.
func TestSplitIsTight(t *testing.T) {
	var prefixes, resources Values
	for i := range 60 {
		prefixes = append(prefixes, splitValuesFor(i)+"*")
		resources = append(resources, ObjectARN("", "bucket", splitValuesFor(i)))
	}
	byValues := Statement{Sid: "List", Effect: Allow, Action: Values{"s3:ListBucket"}, Resource: Values{BucketARN("", "bucket")},
		Condition: Condition{"StringLike": {"s3:prefix": prefixes}}}
	byResources := Statement{Sid: "Read", Effect: Allow, Action: Values{"s3:GetObject"}, Resource: resources}
	for _, l := range splitLimits {
		m := packMeter{limit: l}
		overhead, err := m.emptyDocument()
		if err != nil {
			t.Fatal(err)
		}
		budget := l.capacity() - overhead
		for _, tc := range []struct {
			st     Statement
			values func(Statement) Values
		}{
			{byValues, func(s Statement) Values { return s.Condition["StringLike"]["s3:prefix"] }},
			{byResources, func(s Statement) Values { return s.Resource }},
		} {
			pieces, err := m.split(tc.st.Clone(), budget)
			if err != nil {
				t.Fatal(err)
			}
			if len(pieces) < 3 {
				t.Fatalf("%s/%s: only %d pieces", l.Name, tc.st.Sid, len(pieces))
			}
			all := tc.values(tc.st)
			var joined Values
			for i, p := range pieces {
				got := tc.values(p)
				joined = append(joined, got...)
				if size := measureProbe(t, &m, p, got); size > budget {
					t.Errorf("%s/%s: piece %d measures %d, budget %d", l.Name, tc.st.Sid, i, size, budget)
				}
				if i == len(pieces)-1 {
					continue
				}
				grown := append(slices.Clone(got), all[len(joined)])
				if size := measureProbe(t, &m, p, grown); size <= budget {
					t.Errorf("%s/%s: piece %d cut early: %d with the next value, budget %d", l.Name, tc.st.Sid, i, size, budget)
				}
			}
			if !slices.Equal(joined, all) {
				t.Errorf("%s/%s: pieces hold %q, want %q", l.Name, tc.st.Sid, joined, all)
			}
		}
	}
}

// measureProbe measures piece with its split values replaced by vs and its
// Sid widened by sidReserve, as split measures it.
func measureProbe(t *testing.T, m *packMeter, piece Statement, vs Values) int {
	t.Helper()
	probe := piece.Clone()
	probe.Sid += sidReserve
	if probe.Condition != nil {
		probe.Condition["StringLike"]["s3:prefix"] = vs
	} else {
		probe.Resource = vs
	}
	n, err := m.statement(&probe)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPackHTMLCharactersWithinLimit packs grants whose prefixes are full of
// '&', '<' and '>' into small documents: pack verifies each document's
// Measure against the size it planned, so success means the plan was exact,
// and the documents still allow what the whole policy allows.
func TestPackHTMLCharactersWithinLimit(t *testing.T) {
	conn := Connection{Name: seedConnection}
	var gs []grant.Grant
	for i := range 30 {
		p := fmt.Sprintf("r&d-%02d/<in>/", i)
		gs = append(gs, oneGrant("bucket-one", p, grant.Read, grant.List), oneGrant("bucket-two", p, grant.List))
	}
	whole, err := ConnectionPolicy(conn, gs, Limit{Name: "huge", PerDocument: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range splitLimits {
		docs, err := ConnectionPolicy(conn, gs, l)
		if err != nil {
			t.Fatalf("%s: %v", l.Name, err)
		}
		for i, d := range docs {
			b, err := d.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if n := l.Measure(b); n > l.PerDocument {
				t.Errorf("%s: document %d measures %d", l.Name, i, n)
			}
		}
		sameDecisions(t, whole, docs, probes(gs, ""))
	}
}
