// Package auth authenticates callers of the companion server.
//
// Each kind of credential has its own Authenticator, and a Chain tries them in
// order; the first one that recognises the request decides:
//
//   - OIDC bearer JWTs (Authorization: Bearer) from the configured issuer,
//     verified against its discovery document and JWKS (OIDC.Authenticate).
//   - Kubernetes ServiceAccount tokens, verified by the API server's
//     TokenReview, for pipelines (ServiceAccounts). A token must be issued by
//     the cluster and bound to this server's audience alone; others are
//     refused without a review.
//   - Identity headers set by a trusted reverse proxy such as oauth2-proxy,
//     accepted only from configured peer CIDRs, one header per field; a
//     request carrying another known identity header is refused, and the
//     server audits that refusal (Audited) (Proxy).
//   - An encrypted session cookie issued by the browser login (authorization
//     code + PKCE against the same issuer) or by a demo login (Sessions).
//
// Browser sessions are stateless: the cookie holds the identity, its expiry
// and the CSRF token, sealed with AES-256-GCM, so any replica holding the key
// can read it, and groups are re-read from the issuer at every login. A stolen
// cookie stays valid until its expiry; logout only clears the browser's copy.
//
// State-changing requests authenticated by a cookie (the session cookie, or a
// reverse proxy's own cookie behind the proxy headers) are CSRF-checked: the
// Origin / Sec-Fetch-Site headers must be same-origin (or a trusted origin),
// and session requests must also echo the session's CSRF token, which the
// browser reads from the __Host-s3am_csrf cookie, in the X-CSRF-Token
// header. Every cookie carries the __Host- prefix (Secure, Path=/, no
// Domain) unless SessionConfig.InsecureCookies.
//
// Flags binds every Config field to a command-line flag; secrets come from
// the environment or from files, never from flag values.
//
// Wiring, for the server:
//
//	stack, err := auth.NewStack(ctx, cfg, kubeClient, nil)
//	api := e.Group("/api", auth.Middleware(stack.Chain))
//	if stack.OIDC != nil {
//		err = stack.OIDC.Register(e.Group("/auth")) // login, callback, logout
//	}
//	// in a handler:
//	id, _ := auth.FromContext(c.Request().Context())
//
// Rejections are *Error values carrying their HTTP status (StatusCode): 401
// for an invalid or expired credential, 403 for a failed CSRF check, 503 when
// the issuer's keys or the API server cannot be reached.
//
// Nothing in this package logs, and no error it returns contains a token,
// cookie value or secret.
package auth
