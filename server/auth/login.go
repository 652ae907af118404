package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"
)

// ErrBrowserLoginDisabled is returned by Register when no redirect URL is
// configured.
var ErrBrowserLoginDisabled = errors.New("oidc browser login disabled: no redirect URL configured")

// checkLoginConfig checks what the browser login needs when cfg enables it
// (RedirectURL set): an absolute redirect URL, and sessions to keep the
// login in.
func checkLoginConfig(cfg OIDCConfig, sessions *Sessions) error {
	if cfg.RedirectURL == "" {
		return nil
	}
	if sessions == nil {
		return errors.New("oidc: the browser login (redirect URL set) needs a session key")
	}
	if u, err := url.Parse(cfg.RedirectURL); err != nil || !u.IsAbs() {
		return fmt.Errorf("oidc: redirect URL %q is not absolute", cfg.RedirectURL)
	}
	return nil
}

// Register adds the browser login to g: GET login, GET callback and POST
// logout under g's prefix (e.g. /auth/login, /auth/callback, /auth/logout
// for a group at /auth; the configured RedirectURL must point at callback).
func (o *OIDC) Register(g *echo.Group) error {
	if o.sessions == nil {
		return ErrBrowserLoginDisabled
	}
	g.GET("/login", o.Login)
	g.GET("/callback", o.Callback)
	g.POST("/logout", o.sessions.Logout)
	return nil
}

// Login starts the authorization code flow with PKCE (S256): it redirects to
// the issuer with a fresh state, nonce and code challenge, and keeps them in
// a sealed login cookie. The "redirect" query parameter, a path on this
// server, is where the callback sends the browser at the end.
func (o *OIDC) Login(c echo.Context) error {
	if o.sessions == nil {
		return echo.NewHTTPError(http.StatusNotFound, ErrBrowserLoginDisabled.Error())
	}
	state, err := randomToken()
	if err != nil {
		return echo.NewHTTPError(http.StatusInternalServerError, "cannot start login").SetInternal(err)
	}
	nonce, err := randomToken()
	if err != nil {
		return echo.NewHTTPError(http.StatusInternalServerError, "cannot start login").SetInternal(err)
	}
	st := loginState{
		State:    state,
		Nonce:    nonce,
		Verifier: oauth2.GenerateVerifier(),
		Redirect: SafeRedirect(c.QueryParam("redirect")),
	}
	if err := o.sessions.setLoginState(c.Response(), c.Request(), st); err != nil {
		return echo.NewHTTPError(http.StatusInternalServerError, "cannot start login").SetInternal(err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Redirect(http.StatusFound, o.oauth.AuthCodeURL(state, oauth2.S256ChallengeOption(st.Verifier), oidc.Nonce(nonce)))
}

// Callback finishes the login: it checks the state against the login
// cookie, exchanges the code with the PKCE verifier, verifies the ID token
// and its nonce, issues a session with the token's user and groups, and
// redirects to where the login started.
func (o *OIDC) Callback(c echo.Context) error {
	if o.sessions == nil {
		return echo.NewHTTPError(http.StatusNotFound, ErrBrowserLoginDisabled.Error())
	}
	r := c.Request()
	c.Response().Header().Set("Cache-Control", "no-store")
	q := r.URL.Query()
	if code := q.Get("error"); code != "" {
		return echo.NewHTTPError(http.StatusUnauthorized, "login refused by the identity provider: "+sanitizeErrorCode(code))
	}
	st, err := o.sessions.takeLoginState(c.Response(), r, q.Get("state"))
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "login failed: "+err.Error()).SetInternal(err)
	}
	code := q.Get("code")
	if code == "" {
		return echo.NewHTTPError(http.StatusBadRequest, "login failed: no authorization code")
	}
	ctx, cancel := context.WithTimeout(context.WithValue(r.Context(), oauth2.HTTPClient, o.client), issuerTimeout)
	defer cancel()
	tok, err := o.oauth.Exchange(ctx, code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return echo.NewHTTPError(http.StatusBadGateway, "login failed: the identity provider did not accept the authorization code").SetInternal(exchangeError(err))
	}
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		return echo.NewHTTPError(http.StatusBadGateway, "login failed: the identity provider returned no ID token")
	}
	idTok, err := o.verifyToken(ctx, rawID, MethodSession)
	if err != nil {
		return echo.NewHTTPError(StatusCode(err), "login failed: "+reasonOf(err)).SetInternal(err)
	}
	if subtle.ConstantTimeCompare([]byte(idTok.Nonce), []byte(st.Nonce)) != 1 {
		return echo.NewHTTPError(http.StatusUnauthorized, "login failed: ID token nonce does not match the login")
	}
	id, err := o.identity(idTok, MethodSession)
	if err != nil {
		return echo.NewHTTPError(http.StatusUnauthorized, "login failed: "+reasonOf(err)).SetInternal(err)
	}
	if err := o.sessions.Issue(c.Response(), id); err != nil {
		return echo.NewHTTPError(http.StatusInternalServerError, "login failed: cannot issue the session").SetInternal(err)
	}
	return c.Redirect(http.StatusFound, st.Redirect)
}

// exchangeError keeps the issuer's OAuth error code and drops the rest:
// oauth2.RetrieveError's message includes the raw response body.
func exchangeError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := ""
		if re.Response != nil {
			status = re.Response.Status
		}
		return errors.New("token endpoint: " + status + " " + sanitizeErrorCode(re.ErrorCode))
	}
	return err
}

// sanitizeErrorCode keeps an OAuth error code printable: codes are
// [a-z_] by spec, and the value comes from a URL anyone can craft.
func sanitizeErrorCode(code string) string {
	if len(code) > 64 {
		code = code[:64]
	}
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return '?'
	}, code)
}

func reasonOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return "invalid credential"
}
