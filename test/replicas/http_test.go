//go:build unix

package replicas_test

import (
	"net/http"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/asuser"
)

// httpClient bounds every request so that a hung replica fails the test
// instead of stalling it.
var httpClient = &http.Client{Timeout: 10 * time.Second}

// person is a caller behind the trusted proxy.
type person struct {
	user   string
	groups string
}

// call sends a request to a server as p; body, if not nil, is sent as
// JSON. err is set only when no answer came.
func (p person) call(base, method, path string, body any) (int, []byte, error) {
	req, err := asuser.Person{User: p.user, Groups: p.groups}.Request(method, base+path, body)
	if err != nil {
		return 0, nil, err
	}
	return asuser.Do(httpClient, req)
}
