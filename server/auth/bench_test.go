package auth_test

import (
	"net/http/httptest"
	"testing"

	"github.com/s3am/s3-access-manager/internal/testenv/oidcissuer"

	"github.com/s3am/s3-access-manager/server/auth"
)

// BenchmarkSessionAuthenticate is the per-request cost of a browser request:
// opening the sealed cookie and checking the CSRF token of a POST.
func BenchmarkSessionAuthenticate(b *testing.B) {
	s, err := auth.NewSessions(auth.SessionConfig{Key: newSessionKey(b)})
	if err != nil {
		b.Fatal(err)
	}
	w := httptest.NewRecorder()
	if err := s.Issue(w, auth.Identity{User: "alice@example.com", Groups: []string{"team-a", "team-b", "auditors"}}); err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/api/things", nil)
	for _, c := range w.Result().Cookies() {
		if c.MaxAge > 0 {
			r.AddCookie(c)
			if c.Name == auth.CSRFCookie {
				r.Header.Set(auth.CSRFHeader, c.Value)
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := s.Authenticate(r); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkBearerJWT is the per-request cost of an OIDC bearer token (RS256
// verification against the cached JWKS, claims mapping).
func BenchmarkBearerJWT(b *testing.B) {
	is := oidcissuer.Start(b)
	s, err := auth.NewStack(b.Context(), auth.Config{OIDC: auth.OIDCConfig{IssuerURL: is.URL(), ClientID: oidcissuer.ClientID}}, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	r := bearerRequest(is.Sign(is.Claims(map[string]any{"email": "alice@example.com", "groups": []string{"team-a"}})))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := s.OIDC.Authenticate(r); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
