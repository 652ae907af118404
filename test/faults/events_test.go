//go:build linux

package faults_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/postgres"
	"github.com/s3am/s3-access-manager/internal/audit/sqlite"
)

// openStore opens srv's audit store read-only.
func (s *stack) openStore(t *testing.T, srv *server) audit.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var (
		store audit.Store
		err   error
	)
	if srv == s.sqliteServer {
		store, err = sqlite.Open(ctx, s.disk.file("audit.db"), sqlite.Options{ReadOnly: true})
	} else {
		store, err = postgres.Open(ctx, s.pg.DSN(), postgres.Options{ReadOnly: true})
	}
	if err != nil {
		t.Fatalf("open the audit store of %s: %v", srv.writer, err)
	}
	t.Cleanup(func() { _ = store.Close() })
	return store
}

// eventsOf reads every event of the users from store, by request ID.
func eventsOf(t *testing.T, store audit.Store, users []user) map[string][]audit.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	byID := map[string][]audit.Event{}
	for _, u := range users {
		f := audit.Filter{User: u.name, Limit: audit.MaxPageSize}
		for {
			page, err := store.Query(ctx, f)
			if err != nil {
				t.Fatalf("query the events of %s: %v", u.name, err)
			}
			for _, ev := range page.Events {
				byID[ev.RequestID] = append(byID[ev.RequestID], ev)
			}
			if page.Next == "" {
				break
			}
			f.Cursor = page.Next
		}
	}
	return byID
}

// recorded says whether evs record one attempt as the server promises:
// one event, or for a change of S3 (delete, multipart create, complete,
// abort) the pending event written before the change and at most one
// outcome after it.
func recorded(evs []audit.Event) error {
	switch {
	case len(evs) == 1:
		return nil
	case len(evs) == 2 && evs[0].Outcome == audit.OutcomePending && evs[1].Outcome != audit.OutcomePending &&
		evs[0].Action == evs[1].Action:
		return nil
	}
	var what []string
	for _, ev := range evs {
		what = append(what, fmt.Sprintf("%s/%s/%s", ev.Action, ev.Decision, ev.Outcome))
	}
	return fmt.Errorf("%d events %v", len(evs), what)
}

// verifyChain checks the writer's hash chain.
func verifyChain(t *testing.T, store audit.Store, writer string) (audit.VerifyResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return store.Verify(ctx, writer)
}
