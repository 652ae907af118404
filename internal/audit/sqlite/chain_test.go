package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
)

func TestStoreIsAppendOnlyThroughSQL(t *testing.T) {
	s, path := openStore(t)
	appendN(t, s, rand.New(rand.NewPCG(5, 6)), "w", 3)
	db := rawDB(t, path)
	if _, err := db.Exec(`UPDATE audit_events SET user_name = 'x' WHERE seq = 2`); err == nil {
		t.Error("UPDATE allowed")
	}
	if _, err := db.Exec(`DELETE FROM audit_events WHERE seq = 2`); err == nil {
		t.Error("DELETE allowed")
	}
}

// tamperedChain stores 100 events of writer "w", runs sql on the file with
// the append-only triggers dropped, and verifies.
func tamperedChain(t *testing.T, sql string) audit.VerifyResult {
	t.Helper()
	s, path := openStore(t)
	appendN(t, s, rand.New(rand.NewPCG(7, 8)), "w", 60)
	appendN(t, s, rand.New(rand.NewPCG(7, 9)), "w", 40)
	db := rawDB(t, path)
	exec(t, db, `DROP TRIGGER audit_events_no_update`)
	exec(t, db, `DROP TRIGGER audit_events_no_delete`)
	exec(t, db, sql)
	res, err := s.Verify(context.Background(), "w")
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestVerifyDetectsEditedRows(t *testing.T) {
	cases := map[string]struct {
		sql  string
		seq  int64
		kind audit.BreakKind
	}{
		"key":          {`UPDATE audit_events SET object_key = 'partner-b/secret.pdf' WHERE seq = 50`, 50, audit.BreakHash},
		"user":         {`UPDATE audit_events SET user_name = 'mallory' WHERE seq = 1`, 1, audit.BreakHash},
		"decision":     {`UPDATE audit_events SET decision = CASE decision WHEN 'allowed' THEN 'blocked' ELSE 'allowed' END WHERE seq = 77`, 77, audit.BreakHash},
		"groups":       {`UPDATE audit_events SET groups_json = '["admins"]' WHERE seq = 50`, 50, audit.BreakHash},
		"time":         {`UPDATE audit_events SET time_us = time_us + 1 WHERE seq = 50`, 50, audit.BreakHash},
		"bytes":        {`UPDATE audit_events SET bytes = bytes + 1 WHERE seq = 100`, 100, audit.BreakHash},
		"stored hash":  {`UPDATE audit_events SET hash = '00' WHERE seq = 50`, 50, audit.BreakHash},
		"prev hash":    {`UPDATE audit_events SET prev_hash = hash WHERE seq = 50`, 50, audit.BreakPrevHash},
		"unreadable":   {`UPDATE audit_events SET groups_json = 'admins' WHERE seq = 50`, 50, audit.BreakUnreadable},
		"moved writer": {`UPDATE audit_events SET writer = 'other' WHERE seq = 50`, 50, audit.BreakGap},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			res := tamperedChain(t, c.sql)
			if res.OK() {
				t.Fatal("tampering not detected")
			}
			if res.Break.Seq != c.seq || res.Break.Kind != c.kind {
				t.Errorf("break %+v, want seq %d kind %s", *res.Break, c.seq, c.kind)
			}
			if res.LastSeq != c.seq-1 {
				t.Errorf("verified head %d, want %d", res.LastSeq, c.seq-1)
			}
		})
	}
	// Rehashing the edited row moves the break to the next link.
	res := tamperedChain(t, `UPDATE audit_events SET hash = (SELECT prev_hash FROM audit_events WHERE seq = 51) WHERE seq = 49`)
	if res.OK() || res.Break.Seq != 49 {
		t.Errorf("copied hash: %+v", res)
	}
}

func TestVerifyDetectsDeletedRows(t *testing.T) {
	for _, seq := range []int64{1, 37, 99} {
		res := tamperedChain(t, fmt.Sprintf(`DELETE FROM audit_events WHERE seq = %d`, seq))
		if res.OK() || res.Break.Kind != audit.BreakGap || res.Break.Seq != seq || res.Break.Got != fmt.Sprint(seq+1) {
			t.Errorf("deleted seq %d: %+v", seq, res.Break)
		}
	}
	// Truncating the newest events leaves a valid chain: its head tells.
	res := tamperedChain(t, `DELETE FROM audit_events WHERE seq > 90`)
	if !res.OK() || res.LastSeq != 90 || res.Count != 90 {
		t.Errorf("truncated chain: %+v", res)
	}
}
