package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// sidReserve is appended to a kind name while splitting, so that sizes
// measured before Sids are numbered are never smaller than the final ones.
const sidReserve = "999999"

// packMeter measures JSON the way Document.JSON writes it, under one limit.
type packMeter struct {
	limit Limit
	buf   bytes.Buffer
}

// encode writes v as Document.JSON does (no HTML escaping, no newline).
func (m *packMeter) encode(v any) ([]byte, error) {
	m.buf.Reset()
	enc := json.NewEncoder(&m.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode policy: %w", err)
	}
	return bytes.TrimSuffix(m.buf.Bytes(), []byte("\n")), nil
}

func (m *packMeter) measure(v any) (int, error) {
	b, err := m.encode(v)
	if err != nil {
		return 0, err
	}
	return m.limit.Measure(b), nil
}

// emptyDocument is the size of a document without statements; each
// statement adds its own size, and one separator after the first.
func (m *packMeter) emptyDocument() (int, error) {
	return m.measure(Document{Version: Version, Statement: []Statement{}})
}

func (m *packMeter) statement(st *Statement) (int, error) { return m.measure(st) }

// valuesSize is the size n Values whose elements measure sum in total
// marshal to: always a bracketed, comma-separated array (see Values).
func valuesSize(n, sum int) int {
	if n == 0 {
		return 2
	}
	return 2 + sum + n - 1
}

// split returns st, or pieces of it that each fit budget (a document's
// capacity less the empty document), together allowing exactly what st does.
func (m *packMeter) split(st Statement, budget int) ([]Statement, error) {
	probe := st
	probe.Sid = st.Sid + sidReserve
	size, err := m.statement(&probe)
	if err != nil {
		return nil, err
	}
	if size <= budget {
		return []Statement{st}, nil
	}
	if len(st.Resource) > 1 {
		return m.splitResources(st, probe, budget)
	}
	return m.splitValues(st, size, budget)
}

// splitResources cuts st's resources into runs that fit; a resource that
// does not fit even alone (its condition is too large) becomes a statement of
// its own, split further by condition values.
func (m *packMeter) splitResources(st, probe Statement, budget int) ([]Statement, error) {
	probe.Resource = nil
	fixed, err := m.statement(&probe)
	if err != nil {
		return nil, err
	}
	fixed += m.limit.Measure([]byte(`,"Resource":`))
	chunks, err := m.chunk(st.Resource, fixed, budget)
	if err != nil {
		return nil, err
	}
	shell := st
	shell.Resource = nil
	var out []Statement
	for _, c := range chunks {
		piece := shell.Clone()
		piece.Resource = c
		if len(c) > 1 {
			out = append(out, piece)
			continue
		}
		parts, err := m.split(piece, budget)
		if err != nil {
			return nil, err
		}
		out = append(out, parts...)
	}
	return out, nil
}

// splitValues cuts the values of st's widest condition key into runs that
// fit. Values of one key are alternatives, so the pieces together allow what
// st allows.
func (m *packMeter) splitValues(st Statement, size, budget int) ([]Statement, error) {
	op, key, values := widestCondition(st.Condition)
	if len(values) < 2 {
		return nil, &TooLargeError{Limit: m.limit, Required: size, Documents: 1, Statement: st.Sid}
	}
	probe := st.Clone()
	probe.Sid = st.Sid + sidReserve
	probe.Condition[op][key] = Values{}
	fixed, err := m.statement(&probe)
	if err != nil {
		return nil, err
	}
	fixed -= valuesSize(0, 0)
	chunks, err := m.chunk(values, fixed, budget)
	if err != nil {
		return nil, err
	}
	out := make([]Statement, 0, len(chunks))
	for _, c := range chunks {
		if len(c) == 1 {
			q, err := m.stringSize(c[0])
			if err != nil {
				return nil, err
			}
			if need := fixed + valuesSize(1, q); need > budget {
				return nil, &TooLargeError{Limit: m.limit, Required: need, Documents: 1, Statement: st.Sid}
			}
		}
		piece := st.Clone()
		piece.Condition[op][key] = c
		out = append(out, piece)
	}
	return out, nil
}

// chunk cuts values, in order, into runs whose Values size plus fixed stays
// within budget. A value too large to fit even alone gets a run of its own;
// the caller decides what to do with it.
func (m *packMeter) chunk(values Values, fixed, budget int) ([]Values, error) {
	var out []Values
	start, sum := 0, 0
	for i, v := range values {
		q, err := m.stringSize(v)
		if err != nil {
			return nil, err
		}
		if i > start && fixed+valuesSize(i-start+1, sum+q) > budget {
			out = append(out, slices.Clone(values[start:i]))
			start, sum = i, 0
		}
		sum += q
	}
	return append(out, slices.Clone(values[start:])), nil
}

// stringSize measures s as a JSON string, as Limit.Measure counts it.
// Printable ASCII without quotes or backslashes encodes as itself between two
// quotes, which covers nearly every key; Measure counts '&', '<' and '>' as
// six and spaces only when the limit counts whitespace. Anything else goes
// through the encoder.
func (m *packMeter) stringSize(s string) (int, error) {
	n := 2
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7f || c == '"' || c == '\\':
			return m.measure(s)
		case c == '&' || c == '<' || c == '>':
			n += 6
		case c == ' ' && !m.limit.CountWhitespace:
		default:
			n++
		}
	}
	return n, nil
}

// widestCondition finds the condition key with the most values.
func widestCondition(c Condition) (op, key string, values Values) {
	ops := make([]string, 0, len(c))
	for o := range c {
		ops = append(ops, o)
	}
	slices.Sort(ops)
	for _, o := range ops {
		ks := make([]string, 0, len(c[o]))
		for k := range c[o] {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		for _, k := range ks {
			if len(c[o][k]) > len(values) {
				op, key, values = o, k, c[o][k]
			}
		}
	}
	return op, key, values
}

// verify checks a packed document against the size packing computed for it
// and against the limit: a mismatch is a bug, reported rather than shipped.
func (m *packMeter) verify(d Document, want int) error {
	b, err := d.JSON()
	if err != nil {
		return err
	}
	got := m.limit.Measure(b)
	if got != want || got > m.limit.capacity() {
		return fmt.Errorf("internal error: packed document measures %d characters, expected %d within %d", got, want, m.limit.capacity())
	}
	return nil
}
