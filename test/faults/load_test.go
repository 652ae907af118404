//go:build linux

package faults_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/asuser"
	"github.com/s3am/s3-access-manager/internal/testenv/probe"
)

// user is a caller behind the trusted proxy.
type user struct{ name, groups string }

// answer is what one request to a server got.
type answer struct {
	op    string
	start time.Time
	took  time.Duration
	// status is 0 when no answer came (refused connection, reset, or the
	// client's timeout).
	status    int
	reason    string
	requestID string
	// url says the body carried a presigned URL or form.
	url bool
	err string
}

// answers collects the answers of one fault's load.
type answers struct {
	mu  sync.Mutex
	all []answer
}

func (a *answers) add(x answer) {
	a.mu.Lock()
	a.all = append(a.all, x)
	a.mu.Unlock()
}

func (a *answers) list() []answer {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.all)
}

// httpClient bounds every request, well beyond the answer bound, so that a
// hung request shows as one and cannot stall the suite.
var httpClient = &http.Client{Timeout: clientTimeout}

// s3Client uploads to presigned URLs; those transfers are not the
// server's answers, and a hung MinIO must not stall a worker for long.
var s3Client = &http.Client{Timeout: answerBound}

// caller sends requests as one user to one server and records the answers.
type caller struct {
	base string
	who  user
	rec  *answers
}

// call sends a request; body, if not nil, is sent as JSON. The status is 0
// when no answer came.
func (c caller) call(op, method, path string, body any) (int, []byte) {
	req, err := asuser.Person{User: c.who.name, Groups: c.who.groups}.Request(method, c.base+path, body)
	if err != nil {
		panic(err) // the suite builds only valid requests
	}
	a := answer{op: op, start: time.Now()}
	resp, err := httpClient.Do(req)
	var data []byte
	if err == nil {
		data, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		a.status, a.requestID = resp.StatusCode, resp.Header.Get("X-Request-Id")
	}
	a.took = time.Since(a.start)
	if err != nil {
		a.status, a.err = 0, err.Error()
	}
	if a.status >= 300 {
		var e struct {
			Reason string `json:"reason"`
		}
		_ = json.Unmarshal(data, &e)
		a.reason = e.Reason
	}
	a.url = strings.Contains(strings.ToLower(string(data)), "x-amz-signature")
	if c.rec != nil {
		c.rec.add(a)
	}
	return a.status, data
}

// objectBody is a request body naming a key in the bucket.
func objectBody(key string, more ...any) map[string]any {
	b := map[string]any{"connection": connection, "bucket": bucket, "key": key}
	for i := 0; i+1 < len(more); i += 2 {
		b[more[i].(string)] = more[i+1]
	}
	return b
}

// pace is the pause between one worker's requests: a steady load, not a
// flood that would measure the machine instead of the faults.
const pace = 15 * time.Millisecond

// work sends a mix of requests until stop is closed: list the user's
// folder, presign an upload and PUT it, presign its download, delete it,
// and every other round a one-part multipart upload (create, sign the
// part, PUT it, complete; abort when the part could not be uploaded).
func (c caller) work(folder string, stop <-chan struct{}) {
	content := []byte("fault")
	for i := 0; ; i++ {
		key := fmt.Sprintf("%sf%d.txt", folder, i)
		steps := []func(){
			func() {
				q := url.Values{"connection": {connection}, "bucket": {bucket}, "prefix": {folder}}
				c.call("list", http.MethodGet, "/api/v1/list?"+q.Encode(), nil)
			},
			func() {
				status, body := c.call("upload", http.MethodPost, "/api/v1/uploads",
					objectBody(key, "contentType", "text/plain", "size", len(content)))
				if status == http.StatusOK {
					var u struct {
						Upload *presigned `json:"upload"`
					}
					if json.Unmarshal(body, &u) == nil && u.Upload != nil {
						u.Upload.send(content)
					}
				}
			},
			func() { c.call("download", http.MethodPost, "/api/v1/downloads", objectBody(key)) },
			func() {
				q := url.Values{"connection": {connection}, "bucket": {bucket}, "key": {key}}
				c.call("delete", http.MethodDelete, "/api/v1/objects?"+q.Encode(), nil)
			},
		}
		if i%2 == 0 {
			steps = append(steps, func() { c.multipart(folder+fmt.Sprintf("m%d.bin", i), content) })
		}
		for _, step := range steps {
			select {
			case <-stop:
				return
			case <-time.After(pace):
			}
			step()
		}
	}
}

// multipart uploads content as a one-part multipart upload.
func (c caller) multipart(key string, content []byte) {
	status, body := c.call("multipart.create", http.MethodPost, "/api/v1/multipart",
		objectBody(key, "contentType", "application/octet-stream", "size", len(content)))
	var up struct {
		UploadID string `json:"uploadId"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &up) != nil || up.UploadID == "" {
		return
	}
	abort := func() {
		c.call("multipart.abort", http.MethodPost, "/api/v1/multipart/abort", objectBody(key, "uploadId", up.UploadID))
	}
	status, body = c.call("multipart.parts", http.MethodPost, "/api/v1/multipart/parts",
		objectBody(key, "uploadId", up.UploadID, "parts", []map[string]any{{"partNumber": 1, "size": len(content)}}))
	var parts struct {
		Parts []struct {
			Number int32 `json:"partNumber"`
			presigned
		} `json:"parts"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &parts) != nil || len(parts.Parts) != 1 {
		abort()
		return
	}
	etag := parts.Parts[0].send(content)
	if etag == "" {
		abort()
		return
	}
	c.call("multipart.complete", http.MethodPost, "/api/v1/multipart/complete",
		objectBody(key, "uploadId", up.UploadID, "parts", []map[string]any{{"partNumber": 1, "etag": etag}}))
}

// presigned is a presigned request as the API hands it out.
type presigned struct {
	URL     string            `json:"url"`
	Method  string            `json:"method"`
	Headers map[string]string `json:"headers"`
}

// send makes the presigned request with body and returns the ETag S3
// answered, "" if it failed.
func (p *presigned) send(body []byte) string {
	req, err := http.NewRequest(p.Method, p.URL, bytes.NewReader(body))
	if err != nil {
		return ""
	}
	for k, v := range p.Headers {
		req.Header.Set(k, v)
	}
	resp, err := s3Client.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return ""
	}
	return resp.Header.Get("ETag")
}

// hasRoot reports whether /api/v1/me on base lists prefix for who.
func hasRoot(base string, who user, prefix string) bool {
	status, body := caller{base: base, who: who}.call("me", http.MethodGet, "/api/v1/me", nil)
	if status != http.StatusOK {
		return false
	}
	return probe.HasRoot(body, prefix)
}
