package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/audittest"
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
	audittest.AppendTamperTarget(t, s, "w")
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
	audittest.CheckTampering(t, map[string]audittest.Tampering{
		"key":          {SQL: `UPDATE audit_events SET object_key = 'partner-b/secret.pdf' WHERE seq = 50`, Seq: 50, Kind: audit.BreakHash},
		"user":         {SQL: `UPDATE audit_events SET user_name = 'mallory' WHERE seq = 1`, Seq: 1, Kind: audit.BreakHash},
		"decision":     {SQL: `UPDATE audit_events SET decision = CASE decision WHEN 'allowed' THEN 'blocked' ELSE 'allowed' END WHERE seq = 77`, Seq: 77, Kind: audit.BreakHash},
		"groups":       {SQL: `UPDATE audit_events SET groups_json = '["admins"]' WHERE seq = 50`, Seq: 50, Kind: audit.BreakHash},
		"time":         {SQL: `UPDATE audit_events SET time_us = time_us + 1 WHERE seq = 50`, Seq: 50, Kind: audit.BreakHash},
		"bytes":        {SQL: `UPDATE audit_events SET bytes = bytes + 1 WHERE seq = 100`, Seq: 100, Kind: audit.BreakHash},
		"stored hash":  {SQL: `UPDATE audit_events SET hash = '00' WHERE seq = 50`, Seq: 50, Kind: audit.BreakHash},
		"prev hash":    {SQL: `UPDATE audit_events SET prev_hash = hash WHERE seq = 50`, Seq: 50, Kind: audit.BreakPrevHash},
		"unreadable":   {SQL: `UPDATE audit_events SET groups_json = 'admins' WHERE seq = 50`, Seq: 50, Kind: audit.BreakUnreadable},
		"moved writer": {SQL: `UPDATE audit_events SET writer = 'other' WHERE seq = 50`, Seq: 50, Kind: audit.BreakGap},
	}, tamperedChain)
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
