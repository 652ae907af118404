package browser_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/testenv/browser"
)

// auditRow is one row of the audit table.
type auditRow struct {
	Time   string `json:"time"`
	Action string `json:"action"`
	Object string `json:"object"`
}

// auditPaging: the admin pages through all of alice's events with "Older
// events", 50 to a page, newest first; together the pages hold exactly the
// stored events; a page's URL reloads to the same page; "Newest" goes back.
func auditPaging(t *testing.T, b *browser.Browser, st *stack) {
	stored := st.events(t, audit.Filter{User: alice})
	if len(stored) <= 50 || len(stored) >= audit.MaxPageSize {
		t.Fatalf("alice has %d events: the story needs more than one page of 50 and fewer than %d", len(stored), audit.MaxPageSize)
	}
	s := signedIn(t, b, st, admin)
	s.open("/admin/audit?user=" + alice)
	rowsJS := `[...document.querySelectorAll('#audit-body tr')].map(tr => ({ time: tr.querySelector('time').getAttribute('datetime'),
		action: tr.children[2].textContent, object: tr.children[3].firstChild.textContent }))`
	var pages [][]auditRow
	var secondURL string
	begin := time.Now()
	for {
		s.wait("a page of events", `document.getElementById('audit-status').textContent.includes('on this page')`)
		rows := eval[[]auditRow](s, rowsJS)
		pages = append(pages, rows)
		if len(pages) == 2 {
			secondURL = eval[string](s, `location.pathname + location.search`)
		}
		if !eval[bool](s, `!!document.getElementById('older')`) {
			break
		}
		if len(rows) != 50 {
			t.Fatalf("page %d has %d rows and an older page", len(pages), len(rows))
		}
		if len(pages) > 40 {
			t.Fatal("no end of pages")
		}
		s.click("#older")
		s.wait("the next page", fmt.Sprintf(`location.search.includes('cursor=') && !document.getElementById('audit-status').textContent.startsWith('Loading') && document.querySelector('#audit-body time')?.getAttribute('datetime') !== %s`, q(rows[0].Time)))
	}
	took := time.Since(begin)
	var all []auditRow
	for _, p := range pages {
		all = append(all, p...)
	}
	var want []auditRow
	for _, e := range stored {
		object := e.Bucket
		if e.Key != "" {
			object = e.Bucket + "/" + e.Key
		}
		if object == "" {
			object = "—"
		}
		want = append(want, auditRow{Time: e.Time.Format(time.RFC3339Nano), Action: string(e.Action), Object: object})
	}
	key := func(r auditRow) string { return r.Action + " " + r.Object }
	if len(all) != len(want) {
		t.Errorf("%d rows on %d pages, %d events stored", len(all), len(pages), len(want))
	}
	// Newest first, over page boundaries.
	var prev time.Time
	for i, r := range all {
		ts, err := time.Parse(time.RFC3339Nano, r.Time)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 && ts.After(prev) {
			t.Errorf("row %d (%s) is newer than the row before it", i, r.Time)
		}
		prev = ts
	}
	gotKeys, wantKeys := make([]string, len(all)), make([]string, len(want))
	for i, r := range all {
		gotKeys[i] = key(r)
	}
	for i, r := range want {
		wantKeys[i] = key(r)
	}
	slices.Sort(gotKeys)
	slices.Sort(wantKeys)
	if !slices.Equal(gotKeys, wantKeys) {
		t.Errorf("the pages do not hold the stored events")
	}
	t.Logf("%d events on %d pages, paged through in %s", len(all), len(pages), took.Round(time.Millisecond))

	// A page's URL is the page.
	s.open(secondURL)
	s.wait("page 2 again", `document.getElementById('audit-status').textContent.includes('on this page')`)
	if got := eval[[]auditRow](s, rowsJS); !slices.Equal(got, pages[1]) {
		t.Errorf("reloading page 2 shows other rows")
	}
	if v := eval[string](s, `document.getElementById('f-user').value`); v != alice {
		t.Errorf("on page 2 the user filter is %q", v)
	}
	s.shot("01-audit-page-2", "")
	s.click(`.pager a:not(#older)`)
	s.wait("the newest page", `!location.search.includes('cursor=') && document.getElementById('audit-status').textContent.includes('on this page')`)
	if got := eval[[]auditRow](s, rowsJS); len(got) == 0 || !strings.EqualFold(got[0].Time, pages[0][0].Time) {
		t.Errorf("Newest does not go back to the first page")
	}
	s.do("back", chromedp.NavigateBack())
	s.wait("page 2 after back", `location.search.includes('cursor=') && document.getElementById('audit-status').textContent.includes('on this page')`)
}
