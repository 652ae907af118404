package auth

import (
	"context"
	"net/http"
	"slices"
)

// Method names say how an Identity was authenticated.
const (
	MethodOIDC           = "oidc"
	MethodSession        = "session"
	MethodServiceAccount = "serviceaccount"
	MethodProxy          = "proxy"
	MethodDemo           = "demo"
)

// Identity is an authenticated caller.
type Identity struct {
	// User is the principal's name as grants name it: an email (by default)
	// or subject for OIDC users, system:serviceaccount:<ns>:<name> for
	// service accounts.
	User string `json:"user"`
	// Groups are the principal's groups, possibly none.
	Groups []string `json:"groups,omitempty"`
	// Method is one of the Method constants.
	Method string `json:"method"`
}

// Clone returns a copy of id that shares no memory with it.
func (id Identity) Clone() Identity {
	id.Groups = slices.Clone(id.Groups)
	return id
}

// Authenticator recognises one kind of credential. ok=false with a nil error
// means "not mine, try the next"; a non-nil error means "mine but invalid"
// and the request must be rejected (see StatusCode).
type Authenticator interface {
	Authenticate(r *http.Request) (id Identity, ok bool, err error)
}

// Chain tries authenticators in order and returns the answer of the first
// that recognises the request, valid or not: a credential that is present
// but invalid is never skipped in favour of another one.
type Chain []Authenticator

// Authenticate runs the chain.
func (c Chain) Authenticate(r *http.Request) (Identity, bool, error) {
	for _, a := range c {
		if a == nil {
			continue
		}
		id, ok, err := a.Authenticate(r)
		if err != nil {
			return Identity{}, false, err
		}
		if ok {
			return id, true, nil
		}
	}
	return Identity{}, false, nil
}

type identityKey struct{}

// WithIdentity returns a context carrying id.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// FromContext returns the identity the middleware attached to ctx.
func FromContext(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}
