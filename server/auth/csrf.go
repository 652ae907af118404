package auth

import (
	"crypto/subtle"
	"fmt"
	"net/http"
)

// CSRFHeader is the request header that must echo the session's CSRF token
// (the value of the CSRFCookie) on state-changing requests.
const CSRFHeader = "X-CSRF-Token"

// originCheck rejects state-changing cross-origin browser requests by their
// Sec-Fetch-Site / Origin headers (net/http's CrossOriginProtection).
type originCheck struct {
	cop *http.CrossOriginProtection
}

func newOriginCheck(trusted []string) (originCheck, error) {
	cop := http.NewCrossOriginProtection()
	for _, o := range trusted {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return originCheck{}, fmt.Errorf("trusted origin %q: %w", o, err)
		}
	}
	return originCheck{cop: cop}, nil
}

// check returns nil for safe methods and same-origin or non-browser requests.
func (o originCheck) check(r *http.Request) error {
	if err := o.cop.Check(r); err != nil {
		return fmt.Errorf("%w: %v", ErrCSRF, err)
	}
	return nil
}

// isSafeMethod reports the methods that must not change state, which are not
// CSRF-checked.
func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// checkCSRFToken compares the request's header with the session's token in
// constant time.
func checkCSRFToken(r *http.Request, want string) error {
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		return fmt.Errorf("%w: %s header missing", ErrCSRF, CSRFHeader)
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return fmt.Errorf("%w: %s header does not match the session", ErrCSRF, CSRFHeader)
	}
	return nil
}
