package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/server/auth"
)

// ObjectsResolver returns the objects.Service of a connection.
type ObjectsResolver func(ctx context.Context, connection string) (*objects.Service, error)

// Options configure New. Index, Objects, Auth and Audit are required.
type Options struct {
	// Index decides every request.
	Index *authz.Index
	// Objects resolves a connection name to its S3 service.
	Objects ObjectsResolver
	// Auth authenticates every /api request.
	Auth auth.Authenticator
	// Audit records every attempt.
	Audit *audit.Recorder
	// AuditStore answers the admin audit API; nil disables it (404).
	AuditStore audit.Querier
	// AdminGroup may query the audit trail and review access; empty means
	// nobody may.
	AdminGroup string
	// AccessReview reads every grant with its state for the admin access
	// review; nil disables it (404).
	AccessReview AccessReviewSource
	// Ready reports whether the server can serve (index synced); nil means
	// always.
	Ready func() error
	// Registry receives the server's metrics; when it is also a
	// prometheus.Gatherer, /metrics serves it. Nil: a private registry.
	Registry prometheus.Registerer
	// Logger receives the access log and failures; default slog.Default().
	Logger *slog.Logger
	// IPExtractor finds the client's address for the audit trail; default
	// the TCP peer (echo.ExtractIPDirect), which a client cannot forge.
	IPExtractor echo.IPExtractor
	// PresignTTL is the validity requested for presigned URLs; 0 lets each
	// objects.Service use its default.
	PresignTTL time.Duration
	// Links enables AccessLinks; nil refuses their routes (404).
	Links *LinkOptions
}

// recordTimeout bounds recording one audit event, detached from the
// request's own cancellation so that a client hanging up does not leave its
// attempt unrecorded.
const recordTimeout = 10 * time.Second

// maxBodyBytes bounds a JSON request body.
const maxBodyBytes = 1 << 20

// Server holds the handlers' dependencies.
type Server struct {
	opts    Options
	log     *slog.Logger
	metrics *metrics
	routes  routeSet
}

// New returns the Echo application with every route of the package
// documentation registered.
func New(o Options) (*echo.Echo, error) {
	switch {
	case o.Index == nil:
		return nil, errors.New("server: no authorization index")
	case o.Objects == nil:
		return nil, errors.New("server: no objects resolver")
	case o.Auth == nil:
		return nil, errors.New("server: no authenticator")
	case o.Audit == nil:
		return nil, errors.New("server: no audit recorder")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Ready == nil {
		o.Ready = func() error { return nil }
	}
	if o.IPExtractor == nil {
		o.IPExtractor = echo.ExtractIPDirect()
	}
	var gatherer prometheus.Gatherer
	if o.Registry == nil {
		reg := prometheus.NewRegistry()
		o.Registry, gatherer = reg, reg
	} else if g, ok := o.Registry.(prometheus.Gatherer); ok {
		gatherer = g
	}
	m, err := newMetrics(o.Registry)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: o, log: o.Logger, metrics: m}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = o.IPExtractor
	e.HTTPErrorHandler = s.handleError
	e.Use(s.requestID, s.observe)

	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.GET("/readyz", s.readyz)
	if gatherer != nil {
		e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{})))
	}
	// The API description is for callers only: nothing but health, readiness
	// and metrics is served anonymously.
	registerDocs(e.Group("", s.auditRefusals, auth.Middleware(o.Auth)))

	api := e.Group("/api/v1", s.auditRefusals, auth.Middleware(o.Auth))
	api.GET("/me", s.me)
	api.GET("/list", s.list)
	api.POST("/downloads", s.download)
	api.DELETE("/objects", s.deleteObject)
	api.GET("/audit/events", s.auditEvents)
	up := api.Group("/uploads")
	up.POST("", s.upload)
	up.POST("/post", s.uploadPost)
	up.POST("/confirm", s.uploadConfirm)
	api.GET("/access/grants", s.accessGrants)
	multipartRoutes(api.Group("/multipart"), s.multipartCreate, s.multipartSignParts, s.multipartListParts, s.multipartComplete, s.multipartAbort)
	if err := s.registerLinks(e, api); err != nil {
		return nil, err
	}
	return e, nil
}

func (s *Server) readyz(c echo.Context) error {
	if err := s.opts.Ready(); err != nil {
		return c.String(http.StatusServiceUnavailable, err.Error())
	}
	return c.String(http.StatusOK, "ok")
}
