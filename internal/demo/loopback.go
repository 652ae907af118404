package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/sqlite"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/server"
	"github.com/s3am/s3-access-manager/server/auth"
)

// AdminGroup may query the demo's audit trail.
const AdminGroup = "s3am-admins"

// checkLoopback refuses a listen address that is not on loopback: the demo
// trusts identity headers from any local process, which is only safe there.
func checkLoopback(listen string) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("--listen %q: %w", listen, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--listen %q: the demo binds to a loopback address only, such as 127.0.0.1:8080", listen)
	}
	return nil
}

// startServer serves the partner API on listen. Demo users are chosen with
// the X-Forwarded-Email and X-Forwarded-Groups headers, accepted from
// loopback only. It returns a function that drains and stops it.
func startServer(ctx context.Context, listen, dir string, op *operator) (stop func(), err error) {
	store, err := sqlite.Open(ctx, filepath.Join(dir, "audit.db"), sqlite.Options{})
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewJSONHandler(op.logs, nil))
	recorder, err := audit.NewRecorder(audit.Options{Writer: "demo", JSON: op.logs, Store: store, Policy: audit.PolicyFail, Logger: log})
	if err != nil {
		store.Close()
		return nil, err
	}
	stack, err := auth.NewStack(ctx, auth.Config{Proxy: auth.ProxyConfig{TrustedCIDRs: []string{"127.0.0.0/8", "::1/128"}}}, nil, nil)
	if err != nil {
		store.Close()
		return nil, err
	}
	e, err := server.New(server.Options{
		Index: op.index, Objects: op.conns.Service, Grants: server.GrantsFrom(op.client),
		Auth: stack.Chain, Audit: recorder, AuditStore: store, AdminGroup: AdminGroup,
		Registry: prometheus.NewRegistry(), Logger: log,
		Ready: func() error { return indexReady(op.index) },
	})
	if err != nil {
		store.Close()
		return nil, err
	}
	l, err := net.Listen("tcp", listen)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("listen on %s: %w", listen, err)
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return func() {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
		_ = recorder.Close(shutdownCtx)
		_ = store.Close()
	}, nil
}

func indexReady(ix *authz.Index) error {
	if !ix.Synced() {
		return errors.New("authorization index has not synced yet")
	}
	return nil
}
