package audit

import (
	"fmt"
	"testing"
)

func sealedChain(n int) []Event {
	chain := make([]Event, n)
	var seq int64
	prev := ""
	for i := range chain {
		e := sampleEvent()
		e.RequestID = fmt.Sprintf("req-%d", i)
		Seal(&e, seq, prev)
		seq, prev = e.Seq, e.Hash
		chain[i] = e
	}
	return chain
}

func verifyAll(chain []Event) VerifyResult {
	v := NewChainVerifier("s3am-server-0")
	for i := range chain {
		if !v.Check(&chain[i]) {
			break
		}
	}
	return v.Result()
}

func TestChainVerifier(t *testing.T) {
	intact := sealedChain(10)
	if r := verifyAll(intact); !r.OK() || r.Count != 10 || r.LastSeq != 10 || r.LastHash != intact[9].Hash {
		t.Fatalf("intact chain: %+v", r)
	}
	cases := map[string]struct {
		change func([]Event) []Event
		want   Break
	}{
		"edited": {func(c []Event) []Event { c[4].Key = "other"; return c }, Break{Seq: 5, Kind: BreakHash}},
		"edited and rehashed": {func(c []Event) []Event {
			c[4].Key = "other"
			c[4].Hash = c[4].ComputeHash()
			return c
		}, Break{Seq: 6, Kind: BreakPrevHash}},
		"deleted":       {func(c []Event) []Event { return append(c[:3], c[4:]...) }, Break{Seq: 4, Kind: BreakGap, Expected: "4", Got: "5"}},
		"first deleted": {func(c []Event) []Event { return c[1:] }, Break{Seq: 1, Kind: BreakGap, Expected: "1", Got: "2"}},
		"swapped": {func(c []Event) []Event {
			c[2].Seq, c[3].Seq = c[3].Seq, c[2].Seq
			c[2], c[3] = c[3], c[2]
			return c
		}, Break{Seq: 3, Kind: BreakPrevHash}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r := verifyAll(c.change(sealedChain(10)))
			if r.OK() {
				t.Fatal("break not found")
			}
			b := *r.Break
			if b.Seq != c.want.Seq || b.Kind != c.want.Kind || (c.want.Expected != "" && (b.Expected != c.want.Expected || b.Got != c.want.Got)) {
				t.Errorf("break %+v, want %+v", b, c.want)
			}
			if b.Kind != BreakGap && (b.Expected == "" || b.Got == "" || b.Expected == b.Got) {
				t.Errorf("break %+v does not say expected and got", b)
			}
			if b.String() == "" {
				t.Error("no description")
			}
		})
	}
}
