package app

import (
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/server"
	"github.com/s3am/s3-access-manager/server/auth"
	"github.com/s3am/s3-access-manager/server/webui"
)

// Options are everything a Server is built from besides its Feed. Each field
// is one setting, so that a new flag is one new field here and one line in
// internal/cli.
type Options struct {
	// Listen is the address the handler is served on ("host:port"). Insecure
	// cookies and demo users are refused unless it is on loopback.
	Listen string

	// Auth configures the authenticators (auth.NewStack).
	Auth auth.Config

	// AdminGroup's members may query the audit trail.
	AdminGroup string
	// PresignTTL and PresignMaxTTL are the default and the cap of presigned
	// URLs' validity; zero takes objects' defaults.
	PresignTTL, PresignMaxTTL time.Duration
	// S3Timeout is the deadline of every call to S3 or STS; zero takes
	// s3conn's default.
	S3Timeout time.Duration
	// HTTPTimeouts bound the HTTP server's reads, writes and idle
	// connections in Server.Run; zero fields take server.DefaultTimeouts'.
	HTTPTimeouts server.Timeouts

	// AuditStore keeps the events and answers the admin audit API; nil
	// writes JSON lines only. The caller closes it after Server.Close.
	AuditStore audit.Store
	// AuditJSON receives one JSON line per event; required.
	AuditJSON io.Writer
	// AuditWriter names this process's audit chain; default the hostname.
	AuditWriter string
	// AuditFailurePolicy says what happens to a request that cannot be
	// recorded; default audit.PolicyFail.
	AuditFailurePolicy audit.FailurePolicy

	// Links serves AccessLinks when set; its Client, Reader and Indexer
	// default to the Feed's.
	Links *server.LinkOptions

	// WebApp serves the partners' web app beside the API.
	WebApp bool
	// ConnectOrigins are the S3 endpoint origins the web app uploads to.
	ConnectOrigins []string
	// DemoUsers turn the demo sign-in on; only on a loopback Listen.
	DemoUsers []webui.DemoUser

	// Registry receives the metrics of the server and the audit recorder,
	// and /metrics serves it; nil: private registries.
	Registry prometheus.Registerer
	// Logger receives the access log and failures; default slog.Default().
	Logger *slog.Logger
}
