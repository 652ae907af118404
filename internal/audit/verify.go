package audit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// BreakKind says how a chain is broken.
type BreakKind string

// Kinds of broken links.
const (
	// BreakGap: the event with the expected Seq is missing (deleted, or the
	// chain does not start at 1). Expected and Got are the Seqs.
	BreakGap BreakKind = "gap"
	// BreakPrevHash: the event's PrevHash is not the previous event's Hash
	// (the previous event was replaced, or this one moved).
	BreakPrevHash BreakKind = "prev-hash"
	// BreakHash: the event's fields do not hash to its Hash (it was edited).
	BreakHash BreakKind = "hash"
	// BreakUnreadable: the stored row cannot be decoded (it was edited into
	// something the store cannot read). Got is the decoding error.
	BreakUnreadable BreakKind = "unreadable"
)

// Break is the first broken link of a chain.
type Break struct {
	// Seq is the Seq at which the chain breaks: the missing one for
	// BreakGap, the offending event's otherwise.
	Seq      int64
	Kind     BreakKind
	Expected string
	Got      string
}

// String describes b for people.
func (b *Break) String() string {
	switch b.Kind {
	case BreakGap:
		return fmt.Sprintf("seq %d: event missing: expected seq %s, got seq %s", b.Seq, b.Expected, b.Got)
	case BreakPrevHash:
		return fmt.Sprintf("seq %d: prevHash is not the hash of seq %d: expected %s, got %s", b.Seq, b.Seq-1, b.Expected, b.Got)
	case BreakHash:
		return fmt.Sprintf("seq %d: fields do not match the hash (event edited): expected %s, got %s", b.Seq, b.Expected, b.Got)
	}
	return fmt.Sprintf("seq %d: %s: expected %s, got %s", b.Seq, b.Kind, b.Expected, b.Got)
}

// VerifyResult is the state of one writer chain.
type VerifyResult struct {
	Writer string
	// Count is the number of events checked (up to and including the break).
	Count int64
	// LastSeq and LastHash are the head of the verified part of the chain:
	// compare them with a copy kept elsewhere (the JSON lines) to detect
	// removal of the newest events, which leaves a valid shorter chain.
	LastSeq  int64
	LastHash string
	// Break is the first broken link; nil when the chain is intact.
	Break *Break
}

// OK reports whether the chain is intact.
func (r *VerifyResult) OK() bool { return r.Break == nil }

// ChainVerifier checks the events of one writer chain fed to it in Seq
// order. Stores use it to implement Verify.
type ChainVerifier struct {
	res  VerifyResult
	next int64
}

// NewChainVerifier starts verifying the chain of writer at Seq 1.
func NewChainVerifier(writer string) *ChainVerifier {
	return &ChainVerifier{res: VerifyResult{Writer: writer}, next: 1}
}

// Check verifies the next event of the chain and reports whether the chain is
// still intact (once broken, it stays broken and Check does nothing).
func (v *ChainVerifier) Check(e *Event) bool {
	if v.res.Break != nil {
		return false
	}
	v.res.Count++
	switch {
	case e.Seq != v.next:
		v.res.Break = &Break{Seq: v.next, Kind: BreakGap, Expected: strconv.FormatInt(v.next, 10), Got: strconv.FormatInt(e.Seq, 10)}
	case e.PrevHash != v.res.LastHash:
		v.res.Break = &Break{Seq: e.Seq, Kind: BreakPrevHash, Expected: v.res.LastHash, Got: e.PrevHash}
	default:
		if h := e.ComputeHash(); h != e.Hash {
			v.res.Break = &Break{Seq: e.Seq, Kind: BreakHash, Expected: h, Got: e.Hash}
		}
	}
	if v.res.Break != nil {
		return false
	}
	v.res.LastSeq, v.res.LastHash = e.Seq, e.Hash
	v.next++
	return true
}

// Next is the Seq the chain expects next.
func (v *ChainVerifier) Next() int64 { return v.next }

// Unreadable records that the event with this Seq could not be decoded.
func (v *ChainVerifier) Unreadable(seq int64, err error) {
	if v.res.Break != nil {
		return
	}
	v.res.Count++
	v.res.Break = &Break{Seq: seq, Kind: BreakUnreadable, Expected: "a readable event", Got: err.Error()}
}

// Result is the verification so far.
func (v *ChainVerifier) Result() VerifyResult { return v.res }

// verifyPageSize is how many events VerifyChain asks a store for at once: a
// long chain is checked in short statements, without one huge result set in
// memory (and, for SQLite, with read transactions short enough that WAL
// checkpoints proceed).
const verifyPageSize = 1000

// ChainPage reads up to limit events of one writer's chain with Seq above
// after, in Seq order. When a row cannot be decoded it returns the events
// before it and the decoding error as bad: a finding about the chain, not a
// failure to read it (err).
type ChainPage func(ctx context.Context, after int64, limit int) (events []Event, bad error, err error)

// VerifyChain walks the chain of writer from Seq 1, page by page, and
// reports its first broken link. A writer without events has an empty,
// intact chain. Stores implement Verify with it.
func VerifyChain(ctx context.Context, writer string, page ChainPage) (VerifyResult, error) {
	if writer == "" {
		return VerifyResult{}, errors.New("no writer")
	}
	v := NewChainVerifier(writer)
	var after int64
	for {
		events, bad, err := page(ctx, after, verifyPageSize)
		if err != nil {
			return VerifyResult{}, err
		}
		for i := range events {
			if !v.Check(&events[i]) {
				return v.Result(), nil
			}
			after = events[i].Seq
		}
		if bad != nil {
			v.Unreadable(v.Next(), bad)
			return v.Result(), nil
		}
		if len(events) < verifyPageSize {
			return v.Result(), nil
		}
	}
}
