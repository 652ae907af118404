package sqlite

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
)

func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, t.TempDir()+"/missing.db", Options{ReadOnly: true}); err == nil {
		t.Error("opened a missing database read-only")
	}
	s, path := openStore(t)
	appendN(t, s, rand.New(rand.NewPCG(1, 1)), "w", 5)
	ro, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.Append(ctx, []audit.Event{randomEvent(rand.New(rand.NewPCG(1, 1)), "w")}); err == nil {
		t.Error("read-only store appended")
	}
	if res, err := ro.Verify(ctx, "w"); err != nil || !res.OK() || res.Count != 5 {
		t.Errorf("verify read-only: %+v %v", res, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s, path := openStore(t)
	s.Close()
	exec(t, rawDB(t, path), `PRAGMA user_version = 99`)
	if _, err := Open(context.Background(), path, Options{}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open: %v", err)
	}
}

func TestPathWithURICharacters(t *testing.T) {
	path := t.TempDir() + "/a b?c#d%20.db"
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	appendN(t, s, rand.New(rand.NewPCG(1, 1)), "w", 1)
	if _, err := Open(context.Background(), path, Options{ReadOnly: true}); err != nil {
		t.Errorf("reopen: %v", err)
	}
}
