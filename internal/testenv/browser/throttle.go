package browser

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// emulateByRuleParams are the parameters of
// Network.emulateNetworkConditionsByRule as Chromium 148 wants them: it
// refuses the call without the top-level "offline", which cdproto's
// parameters do not have.
type emulateByRuleParams struct {
	Offline bool                  `json:"offline"`
	Matched []*network.Conditions `json:"matchedNetworkConditions"`
}

var emulateByRule = cdp.Command[emulateByRuleParams, network.EmulateNetworkConditionsByRuleResult]{
	Method: network.CommandEmulateNetworkConditionsByRule,
}

// Throttle limits the tab's upload rate to bytesPerSecond, summed over its
// requests; 0 or less removes the limit.
func Throttle(tab context.Context, bytesPerSecond float64) error {
	return Emulate(tab, Network{UploadBytesPerSecond: bytesPerSecond})
}

// Network is an emulated network: a zero field leaves that aspect alone.
type Network struct {
	// UploadBytesPerSecond limits the upload rate, summed over requests.
	UploadBytesPerSecond float64
	// Latency delays every response's headers by at least this much.
	Latency time.Duration
}

// Emulate applies n to every request of the tab; Network{} removes every
// limit.
func Emulate(tab context.Context, n Network) error {
	p := emulateByRuleParams{Matched: []*network.Conditions{}}
	if n.UploadBytesPerSecond > 0 || n.Latency > 0 {
		c := &network.Conditions{UploadThroughput: -1, DownloadThroughput: -1, Latency: float64(n.Latency.Milliseconds())}
		if n.UploadBytesPerSecond > 0 {
			c.UploadThroughput = n.UploadBytesPerSecond
		}
		p.Matched = append(p.Matched, c)
	}
	if _, err := chromedp.Call(tab, emulateByRule, p); err != nil {
		return fmt.Errorf("emulate network %+v: %w", n, err)
	}
	return nil
}
