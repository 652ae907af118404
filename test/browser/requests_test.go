package browser_test

import (
	"context"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// watchRequests records "METHOD path" of every request (CORS preflights
// included) the tab sends to a URL starting with prefix, until the returned
// function is called; it returns what was recorded. Queries, which hold
// presigned signatures, are left out.
func (s *session) watchRequests(prefix string) func() []string {
	ctx, cancel := context.WithCancel(s.tab)
	events := chromedp.Events(ctx, network.RequestWillBeSent)
	var mu sync.Mutex
	var seen []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev, err := range events {
			if err != nil {
				return
			}
			if strings.HasPrefix(ev.Request.URL, prefix) {
				path, _, _ := strings.Cut(strings.TrimPrefix(ev.Request.URL, prefix), "?")
				mu.Lock()
				seen = append(seen, ev.Request.Method+" "+path)
				mu.Unlock()
			}
		}
	}()
	stopped := false
	stop := func() []string {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
	s.t.Cleanup(func() { stop() })
	return stop
}
