package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3am/s3-access-manager/internal/audit"
)

func newAuditCommand() *cobra.Command {
	return commandGroup("audit", "Verify and query the companion server's audit trail", newAuditVerifyCommand(), newAuditQueryCommand())
}

type auditVerifyOptions struct {
	db     auditDatabase
	writer string
}

func newAuditVerifyCommand() *cobra.Command {
	o := auditVerifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify --sqlite PATH [--writer NAME]",
		Short: "Check the hash chains of an audit database; exits 1 at the first broken link",
		Long: "Walks each writer chain (one per server process) from its first event and recomputes every\n" +
			"hash. Prints, per chain, OK with the number of events and the head (compare it with the JSON\n" +
			"lines kept elsewhere: removing the newest events leaves a shorter chain that still verifies),\n" +
			"or the first broken link.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runAuditVerify(cmd, o) },
	}
	o.db.bind(cmd)
	cmd.Flags().StringVar(&o.writer, "writer", "", "only this chain (default: every chain)")
	return cmd
}

func runAuditVerify(cmd *cobra.Command, o auditVerifyOptions) error {
	ctx := cmd.Context()
	store, err := o.db.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	writers := []string{o.writer}
	if o.writer == "" {
		if writers, err = store.Writers(ctx); err != nil {
			return err
		}
	}
	out := cmd.OutOrStdout()
	if len(writers) == 0 {
		fmt.Fprintf(out, "OK: %s holds no events\n", o.db.path)
		return nil
	}
	broken := 0
	for _, w := range writers {
		r, err := store.Verify(ctx, w)
		if err != nil {
			return err
		}
		switch {
		case !r.OK():
			broken++
			fmt.Fprintf(out, "BROKEN: writer %s: %s (%d intact events before it)\n", w, r.Break, r.Count-1)
		case r.Count == 0:
			return &ExitError{Code: 1, Message: fmt.Sprintf("writer %q has no events in %s", w, o.db.path)}
		default:
			fmt.Fprintf(out, "OK: writer %s: %d events, head seq %d hash %s\n", w, r.Count, r.LastSeq, r.LastHash)
		}
	}
	if broken > 0 {
		return &ExitError{Code: 1, Message: fmt.Sprintf("%d of %d chains broken", broken, len(writers))}
	}
	return nil
}

type auditQueryOptions struct {
	db          auditDatabase
	filter      audit.Filter
	decision    string
	outcome     string
	from, to    string
	format      string
	limit       int
	newestFirst bool
}

func newAuditQueryCommand() *cobra.Command {
	o := auditQueryOptions{}
	cmd := &cobra.Command{
		Use:   "query --sqlite PATH [--user NAME] [--action A] [--bucket B --prefix P] [--from T] [--to T] [--format jsonl|csv]",
		Short: "Print audit events as JSON lines or CSV",
		Long: "Prints the events matching every given filter, oldest first (or newest first), as JSON lines\n" +
			"(the exact records, each re-hashable) or CSV (for spreadsheets; formula-like cells are\n" +
			"prefixed with an apostrophe). Times are RFC 3339, a date (UTC), or a duration meaning\n" +
			"that long ago (24h).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runAuditQuery(cmd, o) },
	}
	o.db.bind(cmd)
	f := cmd.Flags()
	f.StringVar(&o.filter.User, "user", "", "only this user")
	f.StringVar(&o.filter.Action, "action", "", "only this action (upload, download, list, delete, ...)")
	f.StringVar(&o.decision, "decision", "", "only allowed or blocked")
	f.StringVar(&o.outcome, "outcome", "", "only success, failure or pending")
	f.StringVar(&o.filter.Connection, "connection", "", "only this S3Connection")
	f.StringVar(&o.filter.Bucket, "bucket", "", "only this bucket")
	f.StringVar(&o.filter.KeyPrefix, "prefix", "", "only keys starting with this")
	f.StringVar(&o.filter.Writer, "writer", "", "only this writer chain")
	f.StringVar(&o.from, "from", "", "only events at or after this time")
	f.StringVar(&o.to, "to", "", "only events before this time")
	f.BoolVar(&o.newestFirst, "newest-first", false, "newest events first")
	f.IntVar(&o.limit, "limit", 0, "at most this many events (default: all)")
	f.StringVar(&o.format, "format", string(audit.FormatJSONL), "jsonl or csv")
	return cmd
}

func runAuditQuery(cmd *cobra.Command, o auditQueryOptions) error {
	format, err := audit.ParseFormat(o.format)
	if err != nil {
		return err
	}
	f := o.filter
	f.Decision, f.Outcome, f.Descending = audit.Decision(o.decision), audit.Outcome(o.outcome), o.newestFirst
	now := time.Now()
	if f.From, err = parseAuditTime("--from", o.from, now); err != nil {
		return err
	}
	if f.To, err = parseAuditTime("--to", o.to, now); err != nil {
		return err
	}
	if o.limit < 0 {
		return fmt.Errorf("--limit %d: must not be negative", o.limit)
	}
	if err := f.Validate(); err != nil {
		return err
	}
	ctx := cmd.Context()
	store, err := o.db.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	var q audit.Querier = store
	if o.limit > 0 {
		q = &limitedQuerier{q: store, left: o.limit}
	}
	return audit.Export(ctx, q, f, format, cmd.OutOrStdout())
}

// parseAuditTime reads RFC 3339, a date (UTC) or a duration ago; "" is the
// zero time (unbounded).
func parseAuditTime(flag, s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%s %q: write an RFC 3339 time (2024-05-01T12:00:00Z), a date (2024-05-01) or a duration ago (24h)", flag, s)
}

// limitedQuerier ends the pages after left events in total.
type limitedQuerier struct {
	q    audit.Querier
	left int
}

func (l *limitedQuerier) Query(ctx context.Context, f audit.Filter) (audit.Page, error) {
	if l.left <= 0 {
		return audit.Page{}, nil
	}
	f.Limit = min(f.PageSize(), l.left)
	p, err := l.q.Query(ctx, f)
	if err != nil {
		return p, err
	}
	l.left -= len(p.Events)
	if l.left <= 0 {
		p.Next = ""
	}
	return p, nil
}
