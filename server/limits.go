package server

import (
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
)

// decidingGrant returns the deciding grant of an allowed perm, for its
// upload limits and its end (validUntil). The index keeps only the grant's
// ID, so the grant is looked up; one deleted since the decision refuses the
// attempt.
func (a *attempt) decidingGrant(d authz.Decision, perm grant.Permission) (grant.Grant, error) {
	if a.s.opts.Grants == nil {
		return grant.Grant{}, nil
	}
	g, err := a.s.opts.Grants(a.ctx(), d.Grant)
	switch {
	case errors.Is(err, ErrGrantGone):
		a.ev.Grant = ""
		return grant.Grant{}, a.refuse(denial(authz.ReasonNoGrant, "", perm, a.ev.Bucket+"/"+a.ev.Key))
	case err != nil:
		a.s.log.Error("grant lookup failed", "grant", d.Grant, "requestId", a.ev.RequestID, "error", bounded(err.Error()))
		return grant.Grant{}, a.refuse(newAPIError(http.StatusServiceUnavailable, ReasonConnectionUnavailable,
			"the grant %s could not be read; try again later", d.Grant))
	}
	return g, nil
}

// checkUpload applies the grant's maxObjectSize to size (when known, > 0)
// and its allowedContentTypes to contentType.
func (a *attempt) checkUpload(g grant.Grant, contentType string, size int64) error {
	if g.MaxObjectSize > 0 && size > g.MaxObjectSize {
		return a.refuse(newAPIError(http.StatusRequestEntityTooLarge, ReasonTooLarge,
			"%s is %d bytes; grant %s allows at most %d bytes per object", a.ev.Key, size, g.ID(), g.MaxObjectSize))
	}
	if len(g.AllowedContentTypes) == 0 {
		return nil
	}
	if !contentTypeAllowed(contentType, g.AllowedContentTypes) {
		return a.refuse(newAPIError(http.StatusUnsupportedMediaType, ReasonContentTypeNotAllowed,
			"content type %q is not allowed for %s; grant %s allows %s", contentType, a.ev.Key, g.ID(), strings.Join(g.AllowedContentTypes, ", ")))
	}
	return nil
}

// contentTypeAllowed matches a Content-Type's media type (parameters
// ignored, case-insensitively) against entries "type/subtype" or "type/*".
func contentTypeAllowed(contentType string, allowed []string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	typ, _, _ := strings.Cut(mt, "/")
	for _, a := range allowed {
		a = strings.ToLower(a)
		if a == mt || strings.HasSuffix(a, "/*") && strings.TrimSuffix(a, "/*") == typ {
			return true
		}
	}
	return false
}
