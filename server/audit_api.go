package server

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// AuditEventsResponse is one page of audit events.
type AuditEventsResponse struct {
	Events []audit.Event `json:"events"`
	// Next is the cursor of the following page; empty on the last one.
	Next string `json:"next,omitempty"`
}

// auditEvents answers the admin audit API: one JSON page, or with
// format=jsonl|csv every matching event, streamed page by page.
func (s *Server) auditEvents(c echo.Context) error {
	a := s.begin(c, audit.ActionAuditQuery)
	if s.opts.AuditStore == nil {
		return a.refuse(newAPIError(http.StatusNotFound, ReasonBadRequest, "the audit trail is not queryable on this server"))
	}
	if s.opts.AdminGroup == "" || !slices.Contains(a.p.Groups, s.opts.AdminGroup) {
		return a.refuse(newAPIError(http.StatusForbidden, ReasonNotAdmin, "only members of the admin group may query the audit trail"))
	}
	a.ev.Reason = "Allowed"
	f, format, err := auditFilter(c)
	if err != nil {
		return a.refuse(newAPIError(http.StatusBadRequest, ReasonBadRequest, "%v", err))
	}
	if format != "json" {
		exportFormat, _ := audit.ParseFormat(format)
		if err := a.succeed(audit.OutcomeSuccess); err != nil {
			return err
		}
		w := startExport(c, "audit."+format, exportFormat == audit.FormatCSV)
		if err := audit.Export(a.ctx(), s.opts.AuditStore, f, exportFormat, &progressWriter{w: w, rc: http.NewResponseController(w)}); err != nil {
			// The status is sent; the truncated body is all the client gets.
			s.log.Error("audit export failed", "requestId", a.ev.RequestID, "error", bounded(err.Error()))
		}
		return nil
	}
	page, err := s.opts.AuditStore.Query(a.ctx(), f)
	if err != nil {
		if errors.Is(err, audit.ErrInvalidFilter) {
			return a.refuse(newAPIError(http.StatusBadRequest, ReasonBadRequest, "%v", err))
		}
		s.log.Error("audit query failed", "requestId", a.ev.RequestID, "error", bounded(err.Error()))
		return a.fail(newAPIError(http.StatusServiceUnavailable, ReasonAuditUnavailable, "the audit trail could not be read; try again later"))
	}
	if err := a.succeed(audit.OutcomeSuccess); err != nil {
		return err
	}
	if page.Events == nil {
		page.Events = []audit.Event{}
	}
	return c.JSON(http.StatusOK, AuditEventsResponse{Events: page.Events, Next: page.Next})
}

// auditFilter reads the query parameters of the audit API.
func auditFilter(c echo.Context) (audit.Filter, string, error) {
	q := c.QueryParams()
	f := audit.Filter{
		User:       q.Get("user"),
		Action:     q.Get("action"),
		Decision:   audit.Decision(q.Get("decision")),
		Outcome:    audit.Outcome(q.Get("outcome")),
		Connection: q.Get("connection"),
		Bucket:     q.Get("bucket"),
		KeyPrefix:  q.Get("prefix"),
		RequestID:  q.Get("requestId"),
		Cursor:     q.Get("cursor"),
	}
	var err error
	if v := q.Get("from"); v != "" {
		if f.From, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return f, "", errors.New("from: want an RFC 3339 time")
		}
	}
	if v := q.Get("to"); v != "" {
		if f.To, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return f, "", errors.New("to: want an RFC 3339 time")
		}
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil {
			return f, "", errors.New("limit: want a number")
		}
	}
	switch q.Get("order") {
	case "", "asc":
	case "desc":
		f.Descending = true
	default:
		return f, "", errors.New("order: want asc or desc")
	}
	format := q.Get("format")
	switch format {
	case "":
		format = "json"
	case "json", string(audit.FormatJSONL), string(audit.FormatCSV):
	default:
		return f, "", errors.New("format: want json, jsonl or csv")
	}
	if err := f.Validate(); err != nil {
		return f, "", err
	}
	return f, format, nil
}

// exportWindow is how long an export may wait for the client to take each
// write: an export of the whole trail can outlast the server's write
// timeout, which only a client that keeps reading may.
const exportWindow = time.Minute

// progressWriter moves the connection's write deadline forward before
// every write.
type progressWriter struct {
	w  io.Writer
	rc *http.ResponseController
}

func (p *progressWriter) Write(b []byte) (int, error) {
	_ = p.rc.SetWriteDeadline(time.Now().Add(exportWindow)) // unsupported by httptest recorders: the server's timeout stays
	return p.w.Write(b)
}
