package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/s3am/s3-access-manager/server"
)

// Run starts mgr and serves s on Options.Listen until ctx ends or either
// stops. It
// then drains: readiness fails, in-flight requests get shutdownTimeout to
// finish, queued audit events are stored, and the manager stops last.
func (s *Server) Run(ctx context.Context, mgr ctrl.Manager, shutdownTimeout time.Duration) error {
	srv, err := server.NewHTTPServer(s.listen, s.Handler, s.timeouts)
	if err != nil {
		return err
	}
	mgrCtx, stopMgr := context.WithCancel(context.WithoutCancel(ctx))
	defer stopMgr()
	mgrDone := make(chan error, 1)
	go func() { mgrDone <- mgr.Start(mgrCtx) }()

	srvDone := make(chan error, 1)
	go func() { srvDone <- srv.ListenAndServe() }()
	s.log.Info("server listening", "address", s.listen)

	var runErr error
	select {
	case <-ctx.Done():
	case err := <-srvDone:
		runErr = fmt.Errorf("http server: %w", err)
	case err := <-mgrDone:
		runErr = fmt.Errorf("manager stopped: %w", err)
		mgrDone <- nil
	}
	s.draining.Store(true)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		runErr = errors.Join(runErr, fmt.Errorf("http server shutdown: %w", err))
	}
	if err := s.Close(shutdownCtx); err != nil {
		runErr = errors.Join(runErr, err)
	}
	stopMgr()
	if err := <-mgrDone; err != nil {
		runErr = errors.Join(runErr, fmt.Errorf("manager: %w", err))
	}
	return runErr
}
