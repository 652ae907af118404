package browser_test

import (
	"context"
	"iter"
	"strings"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// watchRequests records "METHOD path" of every request (CORS preflights
// included) the tab sends to a URL starting with prefix, until the returned
// function is called; it returns what was recorded. Queries, which hold
// presigned signatures, are left out.
func (s *session) watchRequests(prefix string) func() []string {
	requests := func(ctx context.Context) iter.Seq2[network.EventRequestWillBeSent, error] {
		return chromedp.Events(ctx, network.RequestWillBeSent)
	}
	return record(s, requests, func(ev network.EventRequestWillBeSent) (string, bool) {
		if !strings.HasPrefix(ev.Request.URL, prefix) {
			return "", false
		}
		path, _, _ := strings.Cut(strings.TrimPrefix(ev.Request.URL, prefix), "?")
		return ev.Request.Method + " " + path, true
	})
}
