package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/s3am/s3-access-manager/internal/app"
	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/postgres"
	"github.com/s3am/s3-access-manager/internal/audit/sqlite"
	"github.com/s3am/s3-access-manager/internal/s3conn"
	s3amscheme "github.com/s3am/s3-access-manager/internal/scheme"
	"github.com/s3am/s3-access-manager/server"
	"github.com/s3am/s3-access-manager/server/auth"
)

// envAuditPostgresDSN holds the audit store's connection string, which a
// flag would show in process listings.
const envAuditPostgresDSN = "S3AM_AUDIT_POSTGRES_DSN"

// serverOptions are the flags of `s3am server`.
type serverOptions struct {
	listen          string
	shutdownTimeout time.Duration
	apiQPS          float32
	apiBurst        int

	auth              auth.Flags
	demoUsersFile     string
	webConnectOrigins []string

	adminGroup         string
	auditSQLite        string
	auditPostgres      bool
	auditFailurePolicy string
	auditWriter        string
	presignTTL         time.Duration
	presignMaxTTL      time.Duration
	s3Timeout          time.Duration
	httpTimeouts       server.Timeouts
	links              linkFlags

	zap zap.Options
}

func newServerCommand() *cobra.Command {
	o := serverOptions{}
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Run the companion server: browse and transfer objects through presigned URLs, every attempt audited",
		Long: "Runs the HTTP API (see package server) with its own authorization index, fed from the API server\n" +
			"through an informer cache; it needs no leader election, so every replica serves. Secrets come from\n" +
			"the environment or from files: " + auth.EnvSessionKey + " or --session-key-file (32 random bytes, base64) enables\n" +
			"browser sessions, " + auth.EnvSessionPreviousKeys + " or --session-previous-key-files keep sessions open across a key\n" +
			"rotation, " + auth.EnvOIDCClientSecret + " or --oidc-client-secret-file authenticates the OIDC code exchange.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServer(cmd.Context(), o) },
	}
	o.bindFlags(cmd.Flags(), true)
	return cmd
}

// bindFlags registers the server's flags; with common, also the API
// client's and the log's, which `s3am all` takes from the operator's.
func (o *serverOptions) bindFlags(f *pflag.FlagSet, common bool) {
	f.StringVar(&o.listen, "listen", ":8080", "address of the HTTP API, /healthz, /readyz and /metrics")
	f.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 30*time.Second, "how long in-flight requests may take to finish at shutdown")
	o.auth.Bind(f)
	f.StringVar(&o.demoUsersFile, "demo-users-file", "", "JSON list of {user, groups, description} the login page offers to sign in as, without a password: a demo on loopback only")
	f.StringSliceVar(&o.webConnectOrigins, "web-connect-origins", nil, "S3 endpoint origins (scheme://host[:port]) the web app uploads to; default any https: origin, which covers AWS S3")
	f.StringVar(&o.adminGroup, "admin-group", "", "group whose members may query the audit trail")
	f.StringVar(&o.auditSQLite, "audit-sqlite", "", "SQLite audit database (created if missing); empty writes JSON lines to stdout only")
	f.BoolVar(&o.auditPostgres, "audit-postgres", false, "store audit events in PostgreSQL, shared by every replica; the connection string (a secret) comes from "+envAuditPostgresDSN)
	f.StringVar(&o.auditFailurePolicy, "audit-failure-policy", string(audit.PolicyFail), "fail: refuse requests that cannot be recorded (503); ignore: serve them anyway")
	f.StringVar(&o.auditWriter, "audit-writer", envOr("POD_NAME", ""), "name of this process's audit chain (default: the hostname)")
	f.DurationVar(&o.presignTTL, "presign-ttl", 0, "validity of presigned URLs (default 15m)")
	f.DurationVar(&o.presignMaxTTL, "presign-max-ttl", 0, "cap on the validity of presigned URLs (default 30m)")
	f.DurationVar(&o.s3Timeout, "s3-timeout", s3conn.DefaultCallTimeout, "deadline of every call to S3 or STS; a request whose call runs out answers 504")
	f.DurationVar(&o.httpTimeouts.Read, "http-read-timeout", server.DefaultTimeouts.Read, "how long a client may take to send a whole request")
	f.DurationVar(&o.httpTimeouts.Write, "http-write-timeout", server.DefaultTimeouts.Write, "how long handling a request and sending its answer may take; keep it above --s3-timeout")
	f.DurationVar(&o.httpTimeouts.Idle, "http-idle-timeout", server.DefaultTimeouts.Idle, "how long a kept-alive connection may wait for its next request")
	o.links.bind(f)
	if !common {
		return
	}
	f.Float32Var(&o.apiQPS, "kube-api-qps", 20, "queries per second to the API server")
	f.IntVar(&o.apiBurst, "kube-api-burst", 40, "burst of queries to the API server")
	zapFlags := flag.NewFlagSet("zap", flag.ContinueOnError)
	o.zap.BindFlags(zapFlags)
	f.AddGoFlagSet(zapFlags)
}

func runServer(ctx context.Context, o serverOptions) error {
	log := newLogger(&o.zap)
	scheme, err := s3amscheme.New()
	if err != nil {
		return err
	}
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	cfg.QPS, cfg.Burst = o.apiQPS, o.apiBurst
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		LeaderElection:         false,
	})
	if err != nil {
		return fmt.Errorf("manager: %w", err)
	}
	return o.run(ctx, mgr, log)
}

// newLogger makes the process's one logger from the --zap-* flags: the
// controllers log through it (logr) and so does the server (slog).
func newLogger(opts *zap.Options) *slog.Logger {
	l := zap.New(zap.UseFlagOptions(opts))
	ctrl.SetLogger(l)
	return slog.New(logr.ToSlogHandler(l))
}

// run builds the server on mgr (internal/app) and serves until ctx ends.
func (o *serverOptions) run(ctx context.Context, mgr ctrl.Manager, log *slog.Logger) error {
	store, err := o.openAuditStore(ctx)
	if err != nil {
		return err
	}
	if store != nil {
		defer store.Close()
	}
	opts, err := o.appOptions(ctx, store, log)
	if err != nil {
		return err
	}
	_, s, err := app.New(ctx, mgr, opts)
	if err != nil {
		return err
	}
	return s.Run(ctx, mgr, o.shutdownTimeout)
}

// appOptions translates the flags.
func (o *serverOptions) appOptions(ctx context.Context, store audit.Store, log *slog.Logger) (app.Options, error) {
	authCfg, err := o.auth.Config(os.Getenv)
	if err != nil {
		return app.Options{}, err
	}
	links, err := o.links.options(ctx, log)
	if err != nil {
		return app.Options{}, err
	}
	opts := app.Options{
		Listen: o.listen, Auth: authCfg, AdminGroup: o.adminGroup,
		PresignTTL: o.presignTTL, PresignMaxTTL: o.presignMaxTTL, S3Timeout: o.s3Timeout, HTTPTimeouts: o.httpTimeouts,
		AuditStore: store, AuditJSON: os.Stdout, AuditWriter: o.auditWriter,
		AuditFailurePolicy: audit.FailurePolicy(o.auditFailurePolicy),
		Links:              links, WebApp: true, ConnectOrigins: o.webConnectOrigins,
		Registry: ctrlmetrics.Registry, Logger: log,
	}
	if o.demoUsersFile != "" {
		if err := auth.CheckLoopback(o.listen); err != nil {
			return opts, fmt.Errorf("--demo-users-file: %w", err)
		}
		b, err := os.ReadFile(o.demoUsersFile)
		if err != nil {
			return opts, fmt.Errorf("--demo-users-file: %w", err)
		}
		if err := json.Unmarshal(b, &opts.DemoUsers); err != nil {
			return opts, fmt.Errorf("--demo-users-file %s: %w", o.demoUsersFile, err)
		}
	}
	return opts, nil
}

// openAuditStore opens the configured audit store: nil when there is none,
// and events only go to stdout as JSON lines.
func (o *serverOptions) openAuditStore(ctx context.Context) (audit.Store, error) {
	switch {
	case o.auditPostgres && o.auditSQLite != "":
		return nil, errors.New("--audit-postgres and --audit-sqlite: choose one audit store")
	case o.auditPostgres:
		dsn := os.Getenv(envAuditPostgresDSN)
		if dsn == "" {
			return nil, fmt.Errorf("--audit-postgres: %s is empty", envAuditPostgresDSN)
		}
		st, err := postgres.Open(ctx, dsn, postgres.Options{})
		if err != nil {
			return nil, err
		}
		return st, nil
	case o.auditSQLite != "":
		st, err := sqlite.Open(ctx, o.auditSQLite, sqlite.Options{})
		if err != nil {
			return nil, err
		}
		return st, nil
	}
	return nil, nil
}
