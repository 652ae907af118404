package server

import (
	"mime"
	"net/http"
	"strings"

	"github.com/s3am/s3-access-manager/internal/authz"
)

// checkUpload applies the grant's maxObjectSize to size (when known, > 0)
// and its allowedContentTypes to contentType.
func (a *attempt) checkUpload(g authz.UploadLimits, contentType string, size int64) error {
	if g.MaxObjectSize > 0 && size > g.MaxObjectSize {
		return a.refuse(newAPIError(http.StatusRequestEntityTooLarge, ReasonTooLarge,
			"%s is %d bytes; grant %s allows at most %d bytes per object", a.ev.Key, size, g.Grant, g.MaxObjectSize))
	}
	if len(g.AllowedContentTypes) == 0 {
		return nil
	}
	if !contentTypeAllowed(contentType, g.AllowedContentTypes) {
		return a.refuse(newAPIError(http.StatusUnsupportedMediaType, ReasonContentTypeNotAllowed,
			"content type %q is not allowed for %s; grant %s allows %s", contentType, a.ev.Key, g.Grant, strings.Join(g.AllowedContentTypes, ", ")))
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
