package objects

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/s3am/s3-access-manager/internal/redact"
)

// PresignedRequest is a request the client sends straight to S3. Its URL is
// a bearer token until ExpiresAt: String and LogValue print it redacted, but
// JSON carries it whole, because the server hands it to the client.
type PresignedRequest struct {
	// URL to call.
	URL string `json:"url"`
	// Method to call it with: PUT or GET.
	Method string `json:"method"`
	// Headers the client must send with exactly these values, because they
	// are signed. Content-Length is signed too but not listed, as HTTP
	// clients set it from the body: the body must be exactly the length the
	// URL was signed for.
	Headers map[string]string `json:"headers,omitempty"`
	// ExpiresAt is when the URL stops working.
	ExpiresAt time.Time `json:"expiresAt"`
}

// String describes the request with its URL redacted.
func (r PresignedRequest) String() string {
	return r.Method + " " + redact.String(r.URL) + " (expires " + r.ExpiresAt.UTC().Format(time.RFC3339) + ")"
}

// LogValue makes slog print the redacted form.
func (r PresignedRequest) LogValue() slog.Value { return slog.StringValue(r.String()) }

// headersToSend lists the signed headers a client must send: all but Host,
// which the URL fixes, and Content-Length, which the body fixes.
func headersToSend(signed http.Header) map[string]string {
	out := make(map[string]string, len(signed))
	for k, v := range signed {
		switch http.CanonicalHeaderKey(k) {
		case "Host", "Content-Length":
			continue
		}
		out[http.CanonicalHeaderKey(k)] = strings.Join(v, ",")
	}
	return out
}
