package server

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/internal/redact"
	"github.com/s3am/s3-access-manager/server/auth"
)

// attempt is one request being handled: the caller, what it asks for, and
// the audit event that will record it. Every handler ends through exactly
// one of refuse, fail or succeed, each of which records the event once.
type attempt struct {
	s  *Server
	c  echo.Context
	p  grant.Principal
	ev audit.Event
	// svc and limits are the connection's service and the deciding grant's
	// limits and end, once an object handler's start resolved them (see
	// begin.go).
	svc    *objects.Service
	limits authz.UploadLimits
}

// begin starts the attempt of an authenticated request.
func (s *Server) begin(c echo.Context, action string) *attempt {
	r := c.Request()
	id, _ := auth.FromContext(r.Context())
	reqID, _ := c.Get(requestIDKey).(string)
	return &attempt{
		s: s,
		c: c,
		p: grant.Principal{User: id.User, Groups: id.Groups},
		ev: audit.Event{
			RequestID: reqID,
			User:      id.User,
			Groups:    id.Groups,
			SourceIP:  c.RealIP(),
			UserAgent: r.UserAgent(),
			Action:    action,
		},
	}
}

// actionAuthenticate is the action of a request refused by authentication.
const actionAuthenticate = "authenticate"

// auditRefusals records each refusal auth.Audited marks (identity headers
// passed through the trusted proxy) as one blocked attempt. It wraps
// auth.Middleware, whose refusal means no handler began an attempt.
func (s *Server) auditRefusals(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if ae, ok := auth.Audited(err); ok {
			return s.begin(c, actionAuthenticate).refuse(newAPIError(ae.Status, ae.Code, "%s", ae.Reason))
		}
		return err
	}
}

func (a *attempt) ctx() context.Context { return a.c.Request().Context() }

// on names what the attempt is about.
func (a *attempt) on(connection, bucket, key string) {
	a.ev.Connection, a.ev.Bucket, a.ev.Key = connection, bucket, key
}

// record stores the event with its decision and outcome. When that fails
// the caller must answer 503 and hand out nothing: the error it returns.
func (a *attempt) record(d audit.Decision, o audit.Outcome) error {
	a.ev.Decision, a.ev.Outcome = d, o
	a.s.metrics.decision(decisionLabels{a.ev.Action, string(d), a.ev.Reason}).Inc()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(a.ctx()), recordTimeout)
	defer cancel()
	if err := a.s.opts.Audit.Record(ctx, a.ev); err != nil {
		return newAPIError(http.StatusServiceUnavailable, ReasonAuditUnavailable,
			"the request could not be recorded in the audit trail and was refused; try again later")
	}
	return nil
}

// refuse records a blocked attempt and returns what to answer.
func (a *attempt) refuse(e *apiError) error {
	a.ev.Reason, a.ev.Error = e.body.Reason, e.body.Error
	if err := a.record(audit.DecisionBlocked, audit.OutcomeFailure); err != nil {
		return err
	}
	return e
}

// fail records an allowed attempt that failed and returns what to answer.
func (a *attempt) fail(e *apiError) error {
	a.ev.Error = e.body.Error
	if err := a.record(audit.DecisionAllowed, audit.OutcomeFailure); err != nil {
		return err
	}
	return e
}

// failObjects fails the attempt with an objects.Service error.
func (a *attempt) failObjects(err error) error {
	return a.fail(a.objectsError(err))
}

// succeed records an allowed attempt; the handler answers only if it
// returns nil.
func (a *attempt) succeed(o audit.Outcome) error {
	return a.record(audit.DecisionAllowed, o)
}

// decided notes the decision d on perm in the event and refuses a denial.
func (a *attempt) decided(d authz.Decision, perm grant.Permission) error {
	a.ev.Reason, a.ev.Grant = string(d.Reason), d.Grant
	if d.Allowed {
		return nil
	}
	return a.refuse(denial(d.Reason, d.Detail, perm, a.ev.Bucket+"/"+a.ev.Key))
}

// denial is the answer to a refused decision.
func denial(r authz.Reason, detail string, perm grant.Permission, path string) *apiError {
	switch r {
	case authz.ReasonNotSynced:
		return newAPIError(http.StatusServiceUnavailable, string(r), "the server is still loading grants; try again shortly")
	case authz.ReasonInvalidKey:
		return newAPIError(http.StatusBadRequest, string(r), "invalid key: %s", detail)
	}
	return newAPIError(http.StatusForbidden, string(r), "No %s permission for: %s", perm, path)
}

// service resolves the attempt's connection.
func (a *attempt) service() (*objects.Service, error) {
	svc, err := a.s.opts.Objects(a.ctx(), a.ev.Connection)
	if err != nil {
		a.s.log.Error("connection unavailable", "connection", bounded(a.ev.Connection), "requestId", a.ev.RequestID, "error", bounded(redact.String(err.Error())))
		return nil, a.fail(newAPIError(http.StatusServiceUnavailable, ReasonConnectionUnavailable,
			"connection %s is unavailable; try again later", a.ev.Connection))
	}
	return svc, nil
}

// ObjectRef names the object a request is about.
type ObjectRef struct {
	Connection string `json:"connection"`
	Bucket     string `json:"bucket"`
	Key        string `json:"key"`
}

// objectRequest is a request body that embeds an ObjectRef.
type objectRequest interface{ objectRef() *ObjectRef }

func (o *ObjectRef) objectRef() *ObjectRef { return o }
