package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/labstack/echo/v4"
	"k8s.io/client-go/kubernetes"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/internal/reviewsource"
	"github.com/s3am/s3-access-manager/server"
	"github.com/s3am/s3-access-manager/server/auth"
	"github.com/s3am/s3-access-manager/server/webui"
)

// Server is the partner API (and the web app) over a Feed's index.
type Server struct {
	// Handler serves the API, /healthz, /readyz, /metrics and the web app.
	Handler *echo.Echo
	// Recorder records every attempt.
	Recorder *audit.Recorder
	// Connections resolve connection names to S3 services.
	Connections *server.Connections
	// Auth holds the authenticators.
	Auth *auth.Stack

	feed     *Feed
	log      *slog.Logger
	listen   string
	timeouts server.Timeouts
	draining atomic.Bool
}

// New registers a Feed on mgr and builds its Server: what `s3am server` runs.
func New(ctx context.Context, mgr ctrl.Manager, o Options) (*Feed, *Server, error) {
	feed, err := NewFeed(mgr)
	if err != nil {
		return nil, nil, err
	}
	s, err := NewServer(ctx, feed, o)
	if err != nil {
		return nil, nil, err
	}
	return feed, s, nil
}

// NewServer builds a server deciding with feed's index. It becomes the
// feed's current server, whose scoped credentials the feed invalidates.
func NewServer(ctx context.Context, feed *Feed, o Options) (*Server, error) {
	if o.Logger == nil {
		return nil, errors.New("app: Options.Logger is required")
	}
	if err := o.Auth.Session.CheckListenAddress(o.Listen); err != nil {
		return nil, err
	}
	if len(o.DemoUsers) > 0 {
		if err := auth.CheckLoopback(o.Listen); err != nil {
			return nil, fmt.Errorf("demo users: %w", err)
		}
	}
	s := &Server{feed: feed, log: o.Logger, listen: o.Listen, timeouts: o.HTTPTimeouts}
	s.Connections = server.NewConnections(feed.Cache, objects.Options{
		DefaultTTL: o.PresignTTL, MaxTTL: o.PresignMaxTTL, Grants: feed.Index.GrantsOf, CallTimeout: o.S3Timeout,
	})
	var kube kubernetes.Interface
	if o.Auth.ServiceAccounts.Enabled {
		k, err := kubernetes.NewForConfig(feed.config)
		if err != nil {
			return nil, fmt.Errorf("kubernetes client: %w", err)
		}
		kube = k
	}
	var err error
	if s.Auth, err = auth.NewStack(ctx, o.Auth, kube, nil); err != nil {
		return nil, err
	}
	s.Recorder, err = audit.NewRecorder(audit.Options{
		Writer: o.AuditWriter, JSON: o.AuditJSON, Store: o.AuditStore, Policy: o.AuditFailurePolicy,
		Registerer: o.Registry, Logger: o.Logger,
	})
	if err != nil {
		return nil, err
	}
	opts := server.Options{
		Index: feed.Index, Objects: s.Connections.Service,
		Auth: s.Auth.Chain, Audit: s.Recorder, AdminGroup: o.AdminGroup,
		AccessReview: reviewsource.Reader(feed.Cache), Links: feed.links(o.Links),
		Registry: o.Registry, Logger: o.Logger, Ready: s.Ready,
	}
	if o.AuditStore != nil {
		opts.AuditStore = o.AuditStore
	}
	if s.Handler, err = server.New(opts); err != nil {
		return nil, errors.Join(err, s.Recorder.Close(ctx))
	}
	if err := s.registerWeb(o); err != nil {
		return nil, errors.Join(err, s.Recorder.Close(ctx))
	}
	feed.connections.Store(s.Connections)
	return s, nil
}

// registerWeb serves the OIDC browser login and the web app.
func (s *Server) registerWeb(o Options) error {
	oidcLogin := s.Auth.OIDC != nil && o.Auth.OIDC.RedirectURL != ""
	if oidcLogin {
		if err := s.Auth.OIDC.Register(s.Handler.Group("/auth")); err != nil {
			return err
		}
	}
	if !o.WebApp {
		return nil
	}
	err := webui.Register(s.Handler, webui.Options{
		Sessions: s.Auth.Sessions, Auth: s.Auth.Chain, OIDCLogin: oidcLogin, DemoUsers: o.DemoUsers,
		ConnectOrigins: o.ConnectOrigins, AdminGroup: o.AdminGroup, Logger: o.Logger,
	})
	if err != nil {
		return fmt.Errorf("web app: %w", err)
	}
	return nil
}

// Ready fails while the server drains or its index has not synced.
func (s *Server) Ready() error {
	if s.draining.Load() {
		return errors.New("shutting down")
	}
	return s.feed.Feeder.ReadyzCheck(nil)
}

// Close stops reporting ready, records the events still queued and detaches
// the server from its feed.
func (s *Server) Close(ctx context.Context) error {
	s.draining.Store(true)
	s.feed.connections.CompareAndSwap(s.Connections, nil)
	return s.Recorder.Close(ctx)
}

// links fills what the feed knows into l.
func (f *Feed) links(l *server.LinkOptions) *server.LinkOptions {
	if l == nil {
		return nil
	}
	filled := *l
	if filled.Client == nil {
		filled.Client = f.Cache
	}
	if filled.Reader == nil {
		filled.Reader = f.Reader
	}
	if filled.Indexer == nil {
		filled.Indexer = f.Indexer
	}
	return &filled
}
