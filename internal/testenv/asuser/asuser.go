// Package asuser sends requests to the partner API as a person behind the
// trusted proxy, which names them in X-Forwarded-Email and
// X-Forwarded-Groups: the way the end-to-end, replica, fault and benchmark
// tests reach a running server.
package asuser

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Person is who a request comes from; an empty field sends no header.
type Person struct {
	User   string
	Groups string
}

// Request is a request to url as p. A []byte body is sent as it is, any
// other non-nil body as JSON; a request with a body says it is JSON.
func (p Person) Request(method, url string, body any) (*http.Request, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		if b != nil {
			rd = bytes.NewReader(b)
		}
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return nil, fmt.Errorf("encode body: %w", err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if p.User != "" {
		req.Header.Set("X-Forwarded-Email", p.User)
	}
	if p.Groups != "" {
		req.Header.Set("X-Forwarded-Groups", p.Groups)
	}
	return req, nil
}

// Do sends req through hc and returns the answer's status and body; err is
// set when no answer came or its body could not be read.
func Do(hc *http.Client, req *http.Request) (int, []byte, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}
