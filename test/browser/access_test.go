package browser_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/s3am/s3-access-manager/internal/testenv/browser"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

// reviewGrants add, beside alice's sample grants, one grant that expired and
// one that expires in five days.
func reviewGrants(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	grantYAML := func(name, subjectKind, subject, prefix, extra string) string {
		return fmt.Sprintf(`apiVersion: s3am.io/v1alpha1
kind: PrefixGrant
metadata: {name: %s, namespace: %s}
spec:
  connection: %s
  bucket: %s
  prefix: %s
  subjects: [{kind: %s, name: %q}]
  permissions: [read, list]
%s`, name, operatorNamespace, conn, bucket, prefix, subjectKind, subject, extra)
	}
	now := time.Now().UTC()
	manifests := grantYAML("review-expired", "User", "bob@partner-b.com", "partner-a/processed/",
		fmt.Sprintf("  validFrom: %q\n  validUntil: %q\n", now.Add(-48*time.Hour).Format(time.RFC3339), now.Add(-time.Hour).Format(time.RFC3339))) +
		"---\n" + grantYAML("review-expiring", "Group", "partner-a-reviewers", "partner-a/",
		fmt.Sprintf("  validUntil: %q\n", now.Add(5*24*time.Hour).Format(time.RFC3339)))
	if out, err := operator.Env.Kubectl(ctx, manifests, "apply", "-f", "-"); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	t.Cleanup(func() {
		_, _ = operator.Env.Kubectl(context.Background(), "", "delete", "prefixgrant", "-n", operatorNamespace, "review-expired", "review-expiring", "--wait=false")
	})
}

// accessReview: the admin asks who can reach partner-a/ and sees alice's
// grants in effect, the expired grant marked in words and the one expiring
// soon; asks what alice can do; exports every grant; a hostile folder is
// refused with the server's reason; alice has no access review.
func accessReview(t *testing.T, b *browser.Browser, st *stack) {
	reviewGrants(t)
	s := signedIn(t, b, st, admin)
	s.wait("the access review link", `!!document.querySelector('#topnav a[href="/admin/access"]')`)
	s.click(`#topnav a[href="/admin/access"]`)
	s.wait("the review forms", `!!document.getElementById('who-can-form') && document.getElementById('access-status').textContent.includes('Enter a bucket')`)

	s.do("who can reach partner-a/", chromedp.SendKeys(chromedp.CSS("#wc-bucket"), bucket), chromedp.SendKeys(chromedp.CSS("#wc-prefix"), "partner-a/"))
	s.click("#who-can-submit")
	rowsJS := `[...document.querySelectorAll('#access-body tr')].map(tr => ({grant: tr.dataset.grant, status: tr.dataset.status,
		subject: tr.children[0].textContent, badge: tr.children[5].textContent, until: tr.children[4].textContent, cls: tr.className}))`
	// The operator marks the new grants within a moment; wait until it has.
	s.wait("the review grants judged", `location.search.includes('prefix=partner-a%2F') && document.querySelectorAll('#access-body tr').length >= 4`)
	poll.Until(t, 15*time.Second, "the operator judged the new grants", func() bool {
		s.click("#who-can-submit")
		s.wait("rows", `!document.getElementById('access-status').textContent.startsWith('Loading')`)
		rows := eval[[]map[string]string](s, rowsJS)
		for _, r := range rows {
			if r["status"] == "Pending" {
				return false
			}
		}
		return len(rows) >= 4
	})
	rows := map[string]map[string]string{}
	for _, r := range eval[[]map[string]string](s, rowsJS) {
		rows[r["grant"]] = r
	}
	for _, g := range []string{"alice-uploads", "alice-processed"} {
		r := rows[operatorNamespace+"/"+g]
		if r == nil || !strings.Contains(r["subject"], alice) || !strings.Contains(r["badge"], "In effect") || r["cls"] != "" {
			t.Errorf("%s: %+v, want alice's grant in effect", g, r)
		}
	}
	if r := rows[operatorNamespace+"/review-expired"]; r == nil || r["status"] != "Expired" || !strings.Contains(r["badge"], "Expired") || r["cls"] != "row-blocked" {
		t.Errorf("the expired grant: %+v", r)
	}
	// The operator's ExpiringSoon condition (14 days by default) marks it.
	if r := rows[operatorNamespace+"/review-expiring"]; r == nil || !strings.Contains(r["until"], "Expires soon") || !strings.Contains(r["badge"], "In effect") {
		t.Errorf("the grant expiring in five days: %+v", r)
	}
	s.shot("01-access-review", "access-review")
	s.checkContrast("access review")
	s.checkFocusRings("access review", 80)

	// Segment boundaries: nothing of partner-a/uploads/ reaches uploads-evil/.
	s.open("/admin/access?bucket=" + bucket + "&prefix=partner-a%2Fuploads-evil%2F")
	s.wait("listed", `/grant subject|no grant/.test(document.getElementById('access-status').textContent)`)
	for _, r := range eval[[]map[string]string](s, rowsJS) {
		if strings.HasSuffix(r["grant"], "/alice-uploads") {
			t.Errorf("alice-uploads reaches partner-a/uploads-evil/: %+v", r)
		}
	}

	// Everything alice can do.
	s.do("alice", chromedp.SetValue(chromedp.CSS("#sf-kind"), "user"), chromedp.SendKeys(chromedp.CSS("#sf-name"), alice))
	s.click("#subject-submit")
	s.wait("alice's grants", `location.search.includes('user=alice') && document.getElementById('access-status').textContent.includes('in effect')`)
	var grants []string
	for _, r := range eval[[]map[string]string](s, rowsJS) {
		grants = append(grants, r["grant"])
	}
	if strings.Join(grants, " ") != operatorNamespace+"/alice-processed "+operatorNamespace+"/alice-uploads" {
		t.Errorf("alice's grants: %q", grants)
	}
	s.shot("02-access-review-user", "")

	// The recertification export: every grant, one line per subject.
	csvExport := eval[exported](s, `fetch(document.getElementById('export-all-csv').href).then(async r => ({status: r.status,
		contentType: r.headers.get('Content-Type'), disposition: r.headers.get('Content-Disposition'), body: await r.text()}))`)
	records, err := csv.NewReader(strings.NewReader(csvExport.Body)).ReadAll()
	if csvExport.Status != 200 || !strings.Contains(csvExport.Disposition, "grants.csv") || err != nil || len(records) < 5 || records[0][0] != "subjectKind" {
		t.Fatalf("CSV export: %d %q, %d records, %v", csvExport.Status, csvExport.Disposition, len(records), err)
	}
	t.Logf("the recertification export holds %d rows", len(records)-1)

	// A hostile folder: the server's reason, in words.
	s.open("/admin/access?bucket=" + bucket + "&prefix=partner-a%2F..%2Fpartner-b%2F")
	s.wait("refused", `document.getElementById('access-error')?.textContent.includes('relative paths')`)

	// Alice is not an admin: no link, and the API refuses her.
	s.login(alice)
	if eval[bool](s, `!!document.querySelector('#topnav a[href="/admin/access"]')`) {
		t.Error("alice sees the access review link")
	}
	s.open("/admin/access?bucket=" + bucket)
	s.wait("refused", `document.getElementById('access-error')?.textContent.includes('admin group')`)
}
