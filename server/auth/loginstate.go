package auth

import (
	"encoding/json"
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
	loginCookiePrefix = "s3am_login_"
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

func loginCookieName(state string) string { return loginCookiePrefix + state[:16] }

func (s *Sessions) loginTemplate(name string) cookieTemplate {
	return cookieTemplate{name: name, path: "/", httpOnly: true, secure: s.session.secure, sameSite: http.SameSiteLaxMode}
}

// setLoginState seals st into its cookie, first expiring older login
// cookies when there are too many.
func (s *Sessions) setLoginState(w http.ResponseWriter, r *http.Request, st loginState) error {
	var old []string
	for _, c := range r.Cookies() {
		if strings.HasPrefix(c.Name, loginCookiePrefix) {
			old = append(old, c.Name)
		}
	}
	if len(old) >= maxLoginCookies {
		for _, name := range old {
			http.SetCookie(w, s.loginTemplate(name).expired(name))
		}
	}
	now := s.now()
	exp := now.Add(loginStateTTL)
	st.Expires = exp.Unix()
	plain, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("login state: %w", err)
	}
	sealed, err := s.sealer.seal(loginPurpose, plain)
	if err != nil {
		return fmt.Errorf("login state: %w", err)
	}
	name := loginCookieName(st.State)
	http.SetCookie(w, s.loginTemplate(name).cookie(name, sealed, exp, now))
	return nil
}

var errNoLoginState = errors.New("no login in progress for this state (expired, finished already, or started in another browser)")

// takeLoginState opens and expires the login cookie matching the callback's
// state parameter.
func (s *Sessions) takeLoginState(w http.ResponseWriter, r *http.Request, state string) (loginState, error) {
	if len(state) < 16 {
		return loginState{}, errors.New("state parameter malformed")
	}
	name := loginCookieName(state)
	c, err := r.Cookie(name)
	if err != nil {
		return loginState{}, errNoLoginState
	}
	http.SetCookie(w, s.loginTemplate(name).expired(name))
	plain, err := s.sealer.open(loginPurpose, c.Value)
	if err != nil {
		return loginState{}, fmt.Errorf("login cookie: %w", err)
	}
	var st loginState
	if err := json.Unmarshal(plain, &st); err != nil {
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
