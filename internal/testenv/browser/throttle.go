package browser

import (
	"context"
	"fmt"

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
	p := emulateByRuleParams{Matched: []*network.Conditions{}}
	if bytesPerSecond > 0 {
		p.Matched = append(p.Matched, &network.Conditions{UploadThroughput: bytesPerSecond, DownloadThroughput: -1})
	}
	if _, err := chromedp.Call(tab, emulateByRule, p); err != nil {
		return fmt.Errorf("throttle uploads to %.0f B/s: %w", bytesPerSecond, err)
	}
	return nil
}
