package policy

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// pack puts generated statements into documents that respect limit:
//
//  1. statements are sorted into a canonical order (by kind, then content),
//     so the output does not depend on the order of the grants;
//  2. a statement too large for one document is split by resources, then by
//     the values of its one multi-valued condition key (values of one key are
//     alternatives, so splitting them splits what the statement allows);
//  3. Sids are assigned: the kind name, numbered when it repeats;
//  4. statements are packed first-fit by decreasing size into documents of at
//     most limit.capacity() characters, and each document lists its
//     statements in canonical order.
//
// It returns a *TooLargeError when the result exceeds limit's document count
// or total size. With no statements it returns one document holding
// NoGrantsStatement.
func pack(stmts []Statement, limit Limit) ([]Document, error) {
	if err := limit.validate(); err != nil {
		return nil, err
	}
	if len(stmts) == 0 {
		stmts = []Statement{NoGrantsStatement()}
	}
	for i := range stmts {
		if err := checkGenerated(&stmts[i]); err != nil {
			return nil, err
		}
	}
	if err := sortCanonical(stmts); err != nil {
		return nil, err
	}
	m := packMeter{limit: limit}
	overhead, err := m.emptyDocument()
	if err != nil {
		return nil, err
	}
	budget := limit.capacity() - overhead
	var units []Statement
	for _, st := range stmts {
		parts, err := m.split(st, budget)
		if err != nil {
			if tl, ok := errors.AsType[*TooLargeError](err); ok {
				tl.Required += overhead
			}
			return nil, err
		}
		units = append(units, parts...)
	}
	assignSids(units)
	sizes := make([]int, len(units))
	for i := range units {
		if sizes[i], err = m.statement(&units[i]); err != nil {
			return nil, err
		}
	}
	bins := firstFitDecreasing(sizes, overhead, limit.capacity())
	total := 0
	for _, b := range bins {
		total += b.size
	}
	if (limit.MaxDocuments > 0 && len(bins) > limit.MaxDocuments) || (limit.Total > 0 && total > limit.Total) {
		return nil, &TooLargeError{Limit: limit, Required: total, Documents: len(bins), Allowed: limit.allowedTotal()}
	}
	docs := make([]Document, len(bins))
	for i, b := range bins {
		d := Document{Version: Version, Statement: make([]Statement, 0, len(b.items))}
		for _, idx := range b.items {
			d.Statement = append(d.Statement, units[idx])
		}
		docs[i] = d
		if err := m.verify(d, b.size); err != nil {
			return nil, err
		}
	}
	return docs, nil
}

// checkGenerated asserts, against the catalogue, what every generated
// statement must satisfy: known actions of a single resource type, resources
// of that type, and condition keys that every action of the statement carries
// on every request (so never an SSE key, which UploadPart lacks).
func checkGenerated(st *Statement) error {
	if st.Effect == Deny {
		return nil
	}
	var rt ResourceType
	for i, name := range st.Action {
		a, ok := LookupAction(name)
		if !ok {
			return fmt.Errorf("generated statement %s: unknown action %q", st.Sid, name)
		}
		if i > 0 && a.Resource != rt {
			return fmt.Errorf("generated statement %s: mixes %s and %s actions", st.Sid, rt, a.Resource)
		}
		rt = a.Resource
	}
	for _, r := range st.Resource {
		if got := generatedResourceType(r); got != rt {
			return fmt.Errorf("generated statement %s: %s resource %q for %s actions", st.Sid, got, r, rt)
		}
	}
	for _, kv := range st.Condition {
		for key := range kv {
			k, known := LookupConditionKey(key)
			if !known || len(k.NeverOn) > 0 {
				return fmt.Errorf("generated statement %s: condition key %s is not present on every request", st.Sid, key)
			}
			for _, a := range st.Action {
				if carried, _ := ActionCarriesKey(a, key); !carried {
					return fmt.Errorf("generated statement %s: %s requests do not carry condition key %s", st.Sid, a, key)
				}
			}
		}
	}
	return nil
}

// generatedResourceType classifies a resource the generator wrote.
func generatedResourceType(r string) ResourceType {
	if a, ok := parseS3ARN(r); ok {
		if a.hasKey {
			return ResourceObject
		}
		return ResourceBucket
	}
	if _, rest, ok := strings.Cut(r, ":kms:"); ok && rest != "" {
		return ResourceKMSKey
	}
	return ResourceOther
}

// sortCanonical orders statements by kind, then by their JSON.
func sortCanonical(stmts []Statement) error {
	type keyed struct {
		rank int
		text string
		st   Statement
	}
	ks := make([]keyed, len(stmts))
	for i, st := range stmts {
		b, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("encode statement: %w", err)
		}
		rank := slices.Index(generatedSidOrder, st.Sid)
		if rank < 0 {
			rank = len(generatedSidOrder)
		}
		ks[i] = keyed{rank, string(b), st}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.text, b.text))
	})
	for i := range ks {
		stmts[i] = ks[i].st
	}
	return nil
}

// assignSids makes Sids unique across all documents: a kind name that occurs
// once stays as it is, repeated ones are numbered 1, 2, ... in order.
func assignSids(units []Statement) {
	count := map[string]int{}
	for _, u := range units {
		count[u.Sid]++
	}
	seen := map[string]int{}
	for i := range units {
		base := units[i].Sid
		if count[base] > 1 {
			seen[base]++
			units[i].Sid = base + strconv.Itoa(seen[base])
		}
	}
}

// bin is one document being filled: its size and its statements' indexes.
type bin struct {
	size  int
	items []int
}

// firstFitDecreasing packs items into bins of at most capacity, each bin
// costing overhead plus one separator between items. Ties in size keep the
// canonical order, bins are ordered by their first item and items within a bin
// by index, so the result depends only on the sizes.
func firstFitDecreasing(sizes []int, overhead, capacity int) []bin {
	order := make([]int, len(sizes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(sizes[b], sizes[a]) })
	var bins []bin
	for _, idx := range order {
		placed := false
		for j := range bins {
			if bins[j].size+1+sizes[idx] <= capacity {
				bins[j].size += 1 + sizes[idx]
				bins[j].items = append(bins[j].items, idx)
				placed = true
				break
			}
		}
		if !placed {
			bins = append(bins, bin{size: overhead + sizes[idx], items: []int{idx}})
		}
	}
	for j := range bins {
		slices.Sort(bins[j].items)
	}
	slices.SortFunc(bins, func(a, b bin) int { return cmp.Compare(a.items[0], b.items[0]) })
	return bins
}
