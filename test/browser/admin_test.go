package browser_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/testenv/browser"
)

// exported is what the page fetched from an export link.
type exported struct {
	Status      int    `json:"status"`
	ContentType string `json:"contentType"`
	Disposition string `json:"disposition"`
	Body        string `json:"body"`
}

// adminAudit: the admin sees alice's events, filters to her blocked ones,
// and exports them as CSV and JSON lines.
func adminAudit(t *testing.T, b *browser.Browser, st *stack) {
	s := signedIn(t, b, st, admin)
	s.wait("the audit link", `!!document.querySelector('#topnav a[href="/admin/audit"]')`)
	s.click(`#topnav a[href="/admin/audit"]`)
	s.wait("events listed", `document.querySelectorAll('#audit-body tr').length > 0`)
	users := eval[[]string](s, `[...document.querySelectorAll('#audit-body tr td:nth-child(2)')].map(td => td.textContent)`)
	if !slices.Contains(users, alice) {
		t.Fatalf("alice's events are not shown: %q", users)
	}
	s.shot("01-audit", "")

	// Alice's blocked attempts only.
	s.do("filter", chromedp.SendKeys(chromedp.CSS("#f-user"), alice), chromedp.SetValue(chromedp.CSS("#f-decision"), "blocked"))
	s.click("#apply-filters")
	s.wait("filtered", `location.search.includes('decision=blocked') && location.search.includes('user=alice') && document.getElementById('audit-status').textContent.includes('blocked')`)
	s.wait("rows", `document.querySelectorAll('#audit-body tr').length > 0`)
	rows := eval[[]map[string]string](s, `[...document.querySelectorAll('#audit-body tr')].map(tr => ({
		user: tr.children[1].textContent, object: tr.children[3].textContent, decision: tr.dataset.decision,
		badge: tr.children[4].textContent.trim(), cls: tr.className }))`)
	sawHack := false
	for _, r := range rows {
		if r["user"] != alice || r["decision"] != "blocked" || r["badge"] != "Blocked" || r["cls"] != "row-blocked" {
			t.Errorf("row %+v is not one of alice's blocked attempts, marked in words", r)
		}
		sawHack = sawHack || strings.Contains(r["object"], "partner-a/processed/hack.pdf")
	}
	if !sawHack {
		t.Errorf("the blocked upload of hack.pdf is not listed: %+v", rows)
	}
	want := st.events(t, audit.Filter{User: alice, Decision: audit.DecisionBlocked})
	if len(rows) != len(want) {
		t.Errorf("%d rows, %d blocked events stored", len(rows), len(want))
	}
	s.shot("02-audit-blocked", "audit")

	// Reload keeps the filters: they are in the URL.
	s.do("reload", chromedp.Reload())
	s.waitReady()
	if v := eval[string](s, `document.getElementById('f-decision').value`); v != "blocked" {
		t.Errorf("after a reload the decision filter is %q", v)
	}

	fetchJS := func(id string) string {
		return `fetch(document.getElementById('` + id + `').href).then(async r => ({status: r.status,
			contentType: r.headers.get('Content-Type'), disposition: r.headers.get('Content-Disposition'), body: await r.text()}))`
	}
	csvExport := eval[exported](s, fetchJS("export-csv"))
	if csvExport.Status != 200 || !strings.HasPrefix(csvExport.ContentType, "text/csv") || !strings.Contains(csvExport.Disposition, "attachment") {
		t.Fatalf("CSV export: %d %q %q", csvExport.Status, csvExport.ContentType, csvExport.Disposition)
	}
	records, err := csv.NewReader(strings.NewReader(csvExport.Body)).ReadAll()
	if err != nil || len(records) != len(want)+1 {
		t.Fatalf("CSV export: %d records for %d events: %v", len(records), len(want), err)
	}
	col := map[string]int{}
	for i, name := range records[0] {
		col[name] = i
	}
	for _, rec := range records[1:] {
		if rec[col["user"]] != alice || rec[col["decision"]] != "blocked" {
			t.Errorf("CSV row %q", rec)
		}
	}
	jsonl := eval[exported](s, fetchJS("export-jsonl"))
	lines := bytes.Split(bytes.TrimSpace([]byte(jsonl.Body)), []byte("\n"))
	if jsonl.Status != 200 || len(lines) != len(want) {
		t.Fatalf("JSON lines export: %d, %d lines for %d events", jsonl.Status, len(lines), len(want))
	}
	for _, l := range lines {
		var e audit.Event
		if err := json.Unmarshal(l, &e); err != nil || e.User != alice || e.Decision != audit.DecisionBlocked {
			t.Errorf("JSON line %s: %v", l, err)
		}
	}
	t.Logf("exported %d blocked events as CSV and JSON lines", len(want))
}
