package server

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/internal/accessreview"
	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
)

// ActionAccessReview is the audit action of the access review API.
const ActionAccessReview = "access.review"

// AccessReviewSource returns every grant with its state, for the access
// review.
type AccessReviewSource func(ctx context.Context) ([]accessreview.Entry, error)

// accessReviewTimeout bounds reading the grants for one review.
const accessReviewTimeout = 10 * time.Second

// AccessGrantsResponse lists the subjects of the grants a review selects.
type AccessGrantsResponse struct {
	Rows []accessreview.Row `json:"rows"`
}

// accessReviewParams are the query parameters of GET /api/v1/access/grants;
// each may be given once.
var accessReviewParams = []string{"connection", "bucket", "prefix", "permission", "user", "group", "inEffect", "format"}

// connectionName is what an S3Connection's name may be (a DNS subdomain).
var connectionName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$`)

// accessGrants answers the admin access review: who can reach a bucket
// prefix or key, everything a user or group can do, or with neither every
// grant; as one JSON page or, with format=csv|jsonl, as a recertification
// export.
func (s *Server) accessGrants(c echo.Context) error {
	a := s.begin(c, ActionAccessReview)
	if s.opts.AccessReview == nil {
		return a.refuse(newAPIError(http.StatusNotFound, ReasonBadRequest, "the access review is not available on this server"))
	}
	if s.opts.AdminGroup == "" || !slices.Contains(a.p.Groups, s.opts.AdminGroup) {
		return a.refuse(newAPIError(http.StatusForbidden, ReasonNotAdmin, "only members of the admin group may review access"))
	}
	q, format, err := accessReviewQuery(c)
	a.on(q.Connection, q.Bucket, q.Path)
	if err != nil {
		return a.refuse(err)
	}
	ctx, cancel := context.WithTimeout(a.ctx(), accessReviewTimeout)
	defer cancel()
	entries, rerr := s.opts.AccessReview(ctx)
	if rerr != nil {
		s.log.Error("access review: reading grants failed", "requestId", a.ev.RequestID, "error", rerr)
		return a.fail(newAPIError(http.StatusServiceUnavailable, ReasonGrantsUnavailable, "the grants could not be read; try again later"))
	}
	rows, serr := accessreview.Select(entries, q)
	if serr != nil { // Validate ran already; kept for safety.
		return a.refuse(newAPIError(http.StatusBadRequest, ReasonBadRequest, "%v", serr))
	}
	a.ev.Reason = "Allowed"
	if err := a.succeed(audit.OutcomeSuccess); err != nil {
		return err
	}
	if format == accessreview.FormatJSON {
		return c.JSON(http.StatusOK, AccessGrantsResponse{Rows: rows})
	}
	w := startExport(c, "grants."+string(format), format == accessreview.FormatCSV)
	if err := accessreview.Write(w, format, rows); err != nil {
		s.log.Error("access review export failed", "requestId", a.ev.RequestID, "error", err)
	}
	return nil
}

// startExport answers 200 with an attachment saved as filename, CSV or
// else JSON lines, for the grants and the audit exports alike; the caller
// writes the body.
func startExport(c echo.Context, filename string, csv bool) *echo.Response {
	contentType := "application/x-ndjson"
	if csv {
		contentType = "text/csv; charset=utf-8"
	}
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, contentType)
	w.Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	w.WriteHeader(http.StatusOK)
	return w
}

// accessReviewQuery reads and validates the query parameters. The query it
// returns names what the audit event records even when it fails.
func accessReviewQuery(c echo.Context) (accessreview.Query, accessreview.Format, *apiError) {
	q := c.QueryParams()
	rq := accessreview.Query{Connection: q.Get("connection"), Bucket: q.Get("bucket"), Path: q.Get("prefix")}
	for _, name := range accessReviewParams {
		if len(q[name]) > 1 {
			return rq, "", newAPIError(http.StatusBadRequest, ReasonBadRequest, "%s: give it at most once", name)
		}
	}
	if rq.Connection != "" && !connectionName.MatchString(rq.Connection) {
		return rq, "", newAPIError(http.StatusBadRequest, ReasonBadRequest, "connection: %q is not an S3Connection name", rq.Connection)
	}
	if rq.Path != "" && rq.Bucket == "" {
		return rq, "", newAPIError(http.StatusBadRequest, ReasonBadRequest, "prefix: give the bucket too")
	}
	if rq.Bucket != "" {
		if err := keys.ValidateBucket(rq.Bucket); err != nil {
			return rq, "", keysError(err)
		}
	}
	if rq.Path != "" {
		// A folder ends in "/"; anything else is one object key.
		if err := accessreview.ValidatePath(rq.Path); err != nil {
			return rq, "", keysError(err)
		}
	}
	if v := q.Get("permission"); v != "" {
		p, err := grant.ParsePermission(v)
		if err != nil {
			return rq, "", newAPIError(http.StatusBadRequest, ReasonBadRequest, "permission: %v", err)
		}
		rq.Permission = p
	}
	for _, sub := range []grant.Subject{{Kind: grant.User, Name: q.Get("user")}, {Kind: grant.Group, Name: q.Get("group")}} {
		kind, v := sub.Kind, sub.Name
		if v == "" {
			continue
		}
		if err := accessreview.ValidateSubjectName(v); err != nil {
			return rq, "", newAPIError(http.StatusBadRequest, ReasonBadRequest, "%s: %v", kind, err)
		}
		rq.Subjects = append(rq.Subjects, grant.Subject{Kind: kind, Name: v})
	}
	switch v := q.Get("inEffect"); v {
	case "", "false":
	case "true":
		rq.InEffectOnly = true
	default:
		return rq, "", newAPIError(http.StatusBadRequest, ReasonBadRequest, "inEffect: want true or false")
	}
	format := accessreview.FormatJSON
	switch v := q.Get("format"); v {
	case "", "json":
	case "csv", "jsonl":
		format = accessreview.Format(v)
	default:
		return rq, "", newAPIError(http.StatusBadRequest, ReasonBadRequest, "format: want json, csv or jsonl")
	}
	if err := rq.Validate(); err != nil {
		return rq, "", newAPIError(http.StatusBadRequest, ReasonBadRequest, "%v", fmt.Errorf("query: %w", err))
	}
	return rq, format, nil
}
