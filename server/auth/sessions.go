package auth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Cookie names. Every cookie is Secure with Path=/ and no Domain, and its
// name carries the __Host- prefix, by which the browser keeps only cookies
// set so: neither a sibling subdomain nor a plain-HTTP page can plant or
// overwrite one. Under SessionConfig.InsecureCookies the prefix is dropped
// with the Secure attribute (InsecureName).
const (
	// SessionCookie holds the sealed session (with _1, _2, ... chunks when
	// large). HttpOnly.
	SessionCookie = hostPrefix + "s3am_session"
	// CSRFCookie holds the session's CSRF token for the page's scripts to
	// send back in CSRFHeader. Not HttpOnly.
	CSRFCookie = hostPrefix + "s3am_csrf"

	hostPrefix     = "__Host-"
	sessionPurpose = "session"
)

// clockSkew tolerates replicas whose clocks disagree a little.
const clockSkew = time.Minute

// Sessions issues and reads the encrypted session cookie. It is usable on
// its own, e.g. by a demo login that issues sessions for configured users.
type Sessions struct {
	sealer   *sealer
	lifetime time.Duration
	secure   bool
	session  cookieTemplate
	csrf     cookieTemplate
	origins  originCheck
	now      func() time.Time
}

// Session is an open session cookie.
type Session struct {
	Identity Identity
	IssuedAt time.Time
	Expires  time.Time
	// CSRFToken is the value state-changing requests must send in CSRFHeader.
	CSRFToken string
}

// sessionPayload is what the cookie seals; short names keep cookies small.
type sessionPayload struct {
	Version  int      `json:"v"`
	User     string   `json:"u"`
	Groups   []string `json:"g,omitempty"`
	Method   string   `json:"m"`
	IssuedAt int64    `json:"iat"`
	Expires  int64    `json:"exp"`
	CSRF     string   `json:"csrf"`
}

const sessionPayloadVersion = 1

// NewSessions returns the session codec for cfg; cfg.Key is required.
func NewSessions(cfg SessionConfig) (*Sessions, error) {
	cfg.setDefaults()
	if cfg.Lifetime <= 0 {
		return nil, fmt.Errorf("session lifetime %s: must be positive", cfg.Lifetime)
	}
	sl, err := newSealer(cfg.Key, cfg.PreviousKeys)
	if err != nil {
		return nil, err
	}
	origins, err := newOriginCheck(cfg.TrustedOrigins)
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	s := &Sessions{sealer: sl, lifetime: cfg.Lifetime, secure: !cfg.InsecureCookies, origins: origins, now: time.Now}
	s.session = s.template(SessionCookie, true)
	s.csrf = s.template(CSRFCookie, false)
	return s, nil
}

// template returns the attributes of the cookie name, which it renames
// under InsecureCookies.
func (s *Sessions) template(name string, httpOnly bool) cookieTemplate {
	if !s.secure {
		name = InsecureName(name)
	}
	return cookieTemplate{name: name, path: "/", httpOnly: httpOnly, secure: s.secure, sameSite: http.SameSiteLaxMode}
}

// Issue sets the cookies of a new session for id, lasting Lifetime, with a
// fresh CSRF token. An empty id.Method becomes MethodSession.
func (s *Sessions) Issue(w http.ResponseWriter, id Identity) error {
	if id.User == "" {
		return errors.New("issue session: empty user")
	}
	if id.Method == "" {
		id.Method = MethodSession
	}
	csrf, err := randomToken()
	if err != nil {
		return fmt.Errorf("issue session: %w", err)
	}
	now := s.now()
	exp := now.Add(s.lifetime)
	p := sessionPayload{
		Version: sessionPayloadVersion, User: id.User, Groups: id.Groups, Method: id.Method,
		IssuedAt: now.Unix(), Expires: exp.Unix(), CSRF: csrf,
	}
	sealed, err := s.sealer.sealJSON(sessionPurpose, p)
	if err != nil {
		return fmt.Errorf("issue session: %w", err)
	}
	if err := s.session.setChunked(w, sealed, exp, now); err != nil {
		return fmt.Errorf("issue session for %d groups: %w", len(id.Groups), err)
	}
	http.SetCookie(w, s.csrf.cookie(s.csrf.name, csrf, exp, now))
	return nil
}

// Read opens the request's session cookie; ok is false when there is none.
// An error means a cookie is present but tampered with, sealed with an
// unknown key, or expired.
func (s *Sessions) Read(r *http.Request) (sess Session, ok bool, err error) {
	sealed, ok, err := s.session.readChunked(r)
	if !ok {
		return Session{}, false, nil
	}
	if err != nil {
		return Session{}, true, rejected(MethodSession, "invalid session cookie", err)
	}
	var p sessionPayload
	if err := s.sealer.openJSON(sessionPurpose, sealed, &p); err != nil {
		return Session{}, true, rejected(MethodSession, "invalid session cookie", err)
	}
	if p.Version != sessionPayloadVersion || p.User == "" || p.Method == "" {
		return Session{}, true, rejected(MethodSession, "invalid session cookie", errors.New("unsupported payload"))
	}
	now := s.now()
	exp, iat := time.Unix(p.Expires, 0), time.Unix(p.IssuedAt, 0)
	if !now.Before(exp) {
		return Session{}, true, rejected(MethodSession, "session expired", ErrExpired)
	}
	// A cookie from the future or lasting longer than sessions do was not
	// issued by a correctly configured replica.
	if iat.After(now.Add(clockSkew)) || exp.Sub(iat) > s.lifetime+clockSkew {
		return Session{}, true, rejected(MethodSession, "invalid session cookie", errors.New("implausible lifetime"))
	}
	return Session{
		Identity:  Identity{User: p.User, Groups: p.Groups, Method: p.Method},
		IssuedAt:  iat,
		Expires:   exp,
		CSRFToken: p.CSRF,
	}, true, nil
}

// Authenticate authenticates by the session cookie. State-changing requests
// must also pass the CSRF checks: same origin (or a trusted one) and the
// session's token in CSRFHeader; failing them is a 403 Error.
func (s *Sessions) Authenticate(r *http.Request) (Identity, bool, error) {
	sess, ok, err := s.Read(r)
	if !ok || err != nil {
		return Identity{}, ok, err
	}
	if !isSafeMethod(r.Method) {
		if err := s.origins.check(r); err != nil {
			return Identity{}, true, forbidden(sess.Identity.Method, err)
		}
		if err := checkCSRFToken(r, sess.CSRFToken); err != nil {
			return Identity{}, true, forbidden(sess.Identity.Method, err)
		}
	}
	return sess.Identity, true, nil
}

// Clear expires the session and CSRF cookies.
func (s *Sessions) Clear(w http.ResponseWriter) {
	s.session.clearChunked(w)
	http.SetCookie(w, s.csrf.expired(s.csrf.name))
}

// randomToken returns 32 random bytes, base64url.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
