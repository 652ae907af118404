package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/audittest"
	"github.com/s3am/s3-access-manager/internal/testenv/postgresserver"
)

// TestAppendOnly: through SQL, even as the superuser, stored events cannot
// be updated, deleted or truncated while the triggers are in place.
func TestAppendOnly(t *testing.T) {
	srv := postgresserver.Start(t)
	dsn := newDatabase(t, srv)
	s := openStore(t, dsn, Options{})
	audittest.AppendN(t, s, rand.New(rand.NewPCG(5, 6)), "w", 3)
	c := rawConn(t, dsn)
	for _, q := range []string{
		`UPDATE audit_events SET user_name = 'x' WHERE seq = 2`,
		`DELETE FROM audit_events WHERE seq = 2`,
		`TRUNCATE audit_events`,
	} {
		_, err := c.Exec(context.Background(), q)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" || !strings.Contains(pgErr.Message, "append-only") {
			t.Errorf("%s: %v", q, err)
		}
	}
	if res, err := s.Verify(context.Background(), "w"); err != nil || !res.OK() || res.Count != 3 {
		t.Errorf("%+v, %v", res, err)
	}
}

// TestVerifyDetectsTampering: a superuser who disables the triggers can
// change rows; Verify reports the first changed link at its Seq.
func TestVerifyDetectsTampering(t *testing.T) {
	srv := postgresserver.Start(t)
	dsn := newDatabase(t, srv)
	s := openStore(t, dsn, Options{})
	c := rawConn(t, dsn)
	ctx := context.Background()
	n := 0
	// tampered stores a 100-event chain of a new writer, runs sql (where
	// $1 is the writer) with the triggers disabled, and verifies.
	tampered := func(t *testing.T, sql string) audit.VerifyResult {
		t.Helper()
		n++
		w := fmt.Sprintf("w%d", n)
		audittest.AppendTamperTarget(t, s, w)
		tx, err := c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `ALTER TABLE audit_events DISABLE TRIGGER USER`); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, sql, w); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		if _, err := tx.Exec(ctx, `ALTER TABLE audit_events ENABLE TRIGGER USER`); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := s.Verify(ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	const at = ` WHERE writer = $1 AND seq = `
	audittest.CheckTampering(t, map[string]audittest.Tampering{
		"key":          {SQL: `UPDATE audit_events SET object_key = 'partner-b/secret.pdf'` + at + `50`, Seq: 50, Kind: audit.BreakHash},
		"user":         {SQL: `UPDATE audit_events SET user_name = 'mallory'` + at + `1`, Seq: 1, Kind: audit.BreakHash},
		"decision":     {SQL: `UPDATE audit_events SET decision = CASE decision WHEN 'allowed' THEN 'blocked' ELSE 'allowed' END` + at + `77`, Seq: 77, Kind: audit.BreakHash},
		"groups":       {SQL: `UPDATE audit_events SET groups = ARRAY['admins']` + at + `50`, Seq: 50, Kind: audit.BreakHash},
		"time":         {SQL: `UPDATE audit_events SET event_time = event_time + interval '1 microsecond'` + at + `50`, Seq: 50, Kind: audit.BreakHash},
		"bytes":        {SQL: `UPDATE audit_events SET bytes = bytes + 1` + at + `100`, Seq: 100, Kind: audit.BreakHash},
		"stored hash":  {SQL: `UPDATE audit_events SET hash = '00'` + at + `50`, Seq: 50, Kind: audit.BreakHash},
		"prev hash":    {SQL: `UPDATE audit_events SET prev_hash = hash` + at + `50`, Seq: 50, Kind: audit.BreakPrevHash},
		"unreadable":   {SQL: `UPDATE audit_events SET groups = ARRAY['admins', NULL]` + at + `50`, Seq: 50, Kind: audit.BreakUnreadable},
		"moved writer": {SQL: `UPDATE audit_events SET writer = writer || '-moved'` + at + `50`, Seq: 50, Kind: audit.BreakGap},
		"deleted":      {SQL: `DELETE FROM audit_events` + at + `37`, Seq: 37, Kind: audit.BreakGap},
		"deleted head": {SQL: `DELETE FROM audit_events` + at + `1`, Seq: 1, Kind: audit.BreakGap},
		"copied hash":  {SQL: `UPDATE audit_events SET hash = (SELECT prev_hash FROM audit_events` + at + `51)` + at + `49`, Seq: 49, Kind: audit.BreakHash},
	}, tampered)
	t.Run("truncated", func(t *testing.T) {
		// Removing the newest events leaves a valid chain: its head tells.
		res := tampered(t, `DELETE FROM audit_events WHERE writer = $1 AND seq > 90`)
		if !res.OK() || res.LastSeq != 90 || res.Count != 90 {
			t.Errorf("truncated chain: %+v", res)
		}
	})
}
