//go:build unix

package replicas_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"time"
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
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-Forwarded-Email", p.user)
	if p.groups != "" {
		req.Header.Set("X-Forwarded-Groups", p.groups)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}
