package auth

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The login state lives in a short-lived sealed cookie named after its state
// parameter, so that logins started in several tabs at once do not overwrite
// each other's.
const (
	loginCookiePrefix = hostPrefix + "s3am_login_"
	loginStateTTL     = 10 * time.Minute
	// maxLoginCookies bounds the login cookies a browser accumulates by
	// starting logins it never finishes.
	maxLoginCookies = 4
	loginPurpose    = "login"
)

// loginState is what the browser must bring back to the callback.
type loginState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Redirect string `json:"r"`
	Expires  int64  `json:"exp"`
}

// loginTemplate returns the attributes of the login cookie of state.
func (s *Sessions) loginTemplate(state string) cookieTemplate {
	return s.template(loginCookiePrefix+state[:16], true)
}

// setLoginState seals st into its cookie, first expiring older login
// cookies when there are too many.
func (s *Sessions) setLoginState(w http.ResponseWriter, r *http.Request, st loginState) error {
	prefix := s.template(loginCookiePrefix, true)
	var old []cookieTemplate
	for _, c := range r.Cookies() {
		if strings.HasPrefix(c.Name, prefix.name) {
			t := prefix
			t.name = c.Name
			old = append(old, t)
		}
	}
	if len(old) >= maxLoginCookies {
		for _, t := range old {
			http.SetCookie(w, t.expired(t.name))
		}
	}
	now := s.now()
	exp := now.Add(loginStateTTL)
	st.Expires = exp.Unix()
	sealed, err := s.sealer.sealJSON(loginPurpose, st)
	if err != nil {
		return fmt.Errorf("login state: %w", err)
	}
	t := s.loginTemplate(st.State)
	http.SetCookie(w, t.cookie(t.name, sealed, exp, now))
	return nil
}

var errNoLoginState = errors.New("no login in progress for this state (expired, finished already, or started in another browser)")

// takeLoginState opens and expires the login cookie matching the callback's
// state parameter.
func (s *Sessions) takeLoginState(w http.ResponseWriter, r *http.Request, state string) (loginState, error) {
	if len(state) < 16 {
		return loginState{}, errors.New("state parameter malformed")
	}
	t := s.loginTemplate(state)
	c, err := r.Cookie(t.name)
	if err != nil {
		return loginState{}, errNoLoginState
	}
	http.SetCookie(w, t.expired(t.name))
	var st loginState
	if err := s.sealer.openJSON(loginPurpose, c.Value, &st); err != nil {
		return loginState{}, fmt.Errorf("login cookie: %w", err)
	}
	if st.State != state {
		return loginState{}, errors.New("state parameter does not match the login cookie")
	}
	if !s.now().Before(time.Unix(st.Expires, 0)) {
		return loginState{}, errors.New("login took too long, start again")
	}
	return st, nil
}
