package e2e_test

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestAnonymousRequestsStayBounded sends what anonymous clients choose
// (methods and user agents of 32 KiB) and checks that /metrics and the
// access log stay small: every label and logged field is bounded.
func TestAnonymousRequestsStayBounded(t *testing.T) {
	st := startStackWith(t, "partner-data-bounded")
	defer st.closer()
	anonymous := caller{t: t, base: st.url}
	before := len(anonymous.do(http.MethodGet, "/metrics", nil, nil).body)
	huge := strings.Repeat("A", 32<<10)
	host := strings.TrimPrefix(st.url, "http://")
	for i := range 30 {
		// Each method differs, and so does each path that matches no route.
		raw := huge[:len(huge)-i] + " /nowhere/" + strconv.Itoa(i) + strings.Repeat("p", 4096) + " HTTP/1.1\r\nHost: " + host +
			"\r\nUser-Agent: " + huge + "\r\nConnection: close\r\n\r\n"
		conn, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.WriteString(conn, raw)
		if err == nil {
			_, err = io.ReadAll(conn)
		}
		conn.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	after := len(anonymous.do(http.MethodGet, "/metrics", nil, nil).body)
	if after-before > 16<<10 {
		t.Errorf("/metrics grew from %d to %d bytes after 30 hostile requests; labels must be bounded", before, after)
	}
	if logs := st.logs.String(); strings.Contains(logs, huge[:1024]) || strings.Contains(logs, strings.Repeat("p", 1024)) {
		t.Errorf("the access log holds a client's field whole (%d bytes of logs)", len(logs))
	}
}
