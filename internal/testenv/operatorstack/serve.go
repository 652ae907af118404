package operatorstack

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/s3am/s3-access-manager/internal/app"
	"github.com/s3am/s3-access-manager/internal/audit/sqlite"
)

// Server is a partner server a test runs over the stack's index.
type Server struct {
	*app.Server
	// URL is its loopback address.
	URL string
	// Store is its SQLite audit trail.
	Store *sqlite.Store
	// StorePath is the database file.
	StorePath string
	// Stop shuts the server down and closes its store; it also runs at
	// the test's cleanup, and only once.
	Stop func()
}

// Serve builds a server with opts (internal/app, as `s3am server` does),
// its audit trail in a new SQLite store, and serves it on loopback.
func (s *Stack) Serve(t testing.TB, opts app.Options) *Server {
	t.Helper()
	ctx := context.Background()
	srv := &Server{StorePath: t.TempDir() + "/audit.db"}
	store, err := sqlite.Open(ctx, srv.StorePath, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv.Store = store
	opts.AuditStore = store
	opts.Listen = "127.0.0.1:0"
	if srv.Server, err = app.NewServer(ctx, s.Feed, opts); err != nil {
		_ = store.Close()
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler)
	srv.URL = hs.URL
	var once sync.Once
	srv.Stop = func() {
		once.Do(func() {
			hs.Close()
			if err := srv.Close(context.Background()); err != nil {
				t.Error(err)
			}
			_ = store.Close()
		})
	}
	t.Cleanup(srv.Stop)
	return srv
}
