package browser_test

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/s3am/s3-access-manager/internal/testenv/browser"
)

// textContrastJS walks the visible text under a root (the open modal
// dialog if there is one: the rest of the page is inert behind it) and
// measures each text's WCAG 2 contrast ratio: its computed colour against
// its effective background, found by walking up the ancestors until an
// opaque background-color and compositing the translucent ones (and every
// colour stop of a gradient) on the way. Input values and placeholders
// count as text. Disabled controls are exempt (WCAG 1.4.3), as is text
// hidden from sight (.visually-hidden).
const textContrastJS = `(() => {
  const parse = (c) => {
    const m = /^rgba?\(([^)]+)\)$/.exec(c.trim());
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(parseFloat);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, base) => ({ r: top.a * top.r + (1 - top.a) * base.r, g: top.a * top.g + (1 - top.a) * base.g, b: top.a * top.b + (1 - top.a) * base.b, a: 1 });
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const white = { r: 255, g: 255, b: 255, a: 1 };
  // backgrounds returns the possible opaque backgrounds behind el.
  const backgrounds = (el) => {
    const layers = [];
    let bases = null;
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const cs = getComputedStyle(n);
      const img = cs.backgroundImage;
      if (img && img !== 'none' && img.includes('gradient')) {
        const stops = (img.match(/rgba?\([^)]+\)/g) || []).map(parse).filter(Boolean);
        if (stops.length && stops.every((s) => s.a === 1)) { bases = stops; break; }
      }
      const bg = parse(cs.backgroundColor);
      if (bg && bg.a > 0) {
        if (bg.a >= 1) { bases = [bg]; break; }
        layers.push(bg);
      }
    }
    return (bases || [white]).map((base) => layers.reduceRight((acc, l) => over(l, acc), base));
  };
  const opacity = (el) => { let o = 1; for (let n = el; n && n.nodeType === 1; n = n.parentElement) o *= parseFloat(getComputedStyle(n).opacity); return o; };
  const large = (cs) => { const px = parseFloat(cs.fontSize); const bold = parseInt(cs.fontWeight, 10) >= 700; return px >= 24 || (bold && px >= 18.66); };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const root = document.querySelector('dialog[open]:modal') || document.body;
  const out = { checked: 0, skipped: 0, min: null, failures: [], unparsed: [] };
  const check = (el, text, color, cs) => {
    const fg0 = parse(color);
    if (!fg0) { out.unparsed.push(name(el) + ': ' + color); return; }
    const o = opacity(el);
    const need = large(cs) ? 3 : 4.5;
    for (const bg of backgrounds(el)) {
      const fg = over({ ...fg0, a: fg0.a * o }, bg);
      const r = ratio(fg, bg);
      const rec = { ratio: Math.round(r * 100) / 100, need, el: name(el), text: text.trim().slice(0, 60), fg: color, bg: 'rgb(' + [bg.r, bg.g, bg.b].map(Math.round).join(', ') + ')', size: cs.fontSize, weight: cs.fontWeight };
      if (!out.min || r < out.min.ratio) out.min = rec;
      if (r < need) out.failures.push(rec);
    }
    out.checked++;
  };
  for (const el of [root, ...root.querySelectorAll('*')]) {
    if (!el.getClientRects().length || el.closest('.visually-hidden, [aria-hidden="true"]')) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility !== 'visible') continue;
    if (el.closest(':disabled')) { out.skipped++; continue; }
    if (el.matches('input:not([type=file]):not([type=checkbox]):not([type=radio]), textarea')) {
      if (el.value) check(el, el.value, cs.color, cs);
      else if (el.placeholder) check(el, el.placeholder, getComputedStyle(el, '::placeholder').color, cs);
      continue;
    }
    if (el.matches('select')) { check(el, el.selectedOptions[0]?.textContent || '', cs.color, cs); continue; }
    const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('');
    if (text.trim()) check(el, text, cs.color, cs);
  }
  return out;
})()`

// contrastResult is what textContrastJS returns.
type contrastResult struct {
	Checked  int              `json:"checked"`
	Skipped  int              `json:"skipped"`
	Min      *contrastRecord  `json:"min"`
	Failures []contrastRecord `json:"failures"`
	Unparsed []string         `json:"unparsed"`
}

type contrastRecord struct {
	Ratio  float64 `json:"ratio"`
	Need   float64 `json:"need"`
	El     string  `json:"el"`
	Text   string  `json:"text"`
	FG     string  `json:"fg"`
	BG     string  `json:"bg"`
	Size   string  `json:"size"`
	Weight string  `json:"weight"`
}

func (r contrastRecord) String() string {
	return fmt.Sprintf("%.2f:1 (needs %.1f) %s %q: %s on %s, %s/%s", r.Ratio, r.Need, r.El, r.Text, r.FG, r.BG, r.Size, r.Weight)
}

// lowest is the lowest contrast ratio any story measured, for the log.
var lowest struct {
	sync.Mutex
	rec     *contrastRecord
	where   string
	checked int
}

// checkContrast fails the test for every text on the page (or in its open
// dialog) below WCAG AA: 4.5:1, or 3:1 for large text.
func (s *session) checkContrast(where string) contrastRecord {
	s.t.Helper()
	res := eval[contrastResult](s, textContrastJS)
	if res.Checked == 0 || res.Min == nil {
		s.t.Fatalf("%s: no text checked", where)
	}
	for _, u := range res.Unparsed {
		s.t.Errorf("%s: colour not understood: %s", where, u)
	}
	for _, f := range res.Failures {
		s.t.Errorf("%s: contrast %s", where, f)
	}
	lowest.Lock()
	lowest.checked += res.Checked
	if lowest.rec == nil || res.Min.Ratio < lowest.rec.Ratio {
		m := *res.Min
		lowest.rec, lowest.where = &m, where
	}
	lowest.Unlock()
	s.t.Logf("%s: %d texts, lowest %s", where, res.Checked, res.Min)
	return *res.Min
}

// focusJS describes the focused element's focus indicator: whether it
// matches :focus-visible, its outline, and the outline's contrast with the
// background around it (WCAG 1.4.11 asks 3:1). A visually hidden file
// input shows its focus on its label.
const focusJS = `((round) => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return { none: true };
  // A date input takes several Tabs, one per field: it is one stop.
  if (el.focusRound === round) return { seen: true, again: window.lastFocusStop === el };
  el.focusRound = round;
  window.lastFocusStop = el;
  const shown = el.matches('input[type=file]') ? (el.closest('label') || document.querySelector('label[for="' + el.id + '"]')) : el;
  const cs = getComputedStyle(shown);
  const parse = (c) => { const m = /^rgba?\(([^)]+)\)$/.exec(c.trim()); if (!m) return null; const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(parseFloat); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  let bg = { r: 255, g: 255, b: 255 };
  for (let n = shown.parentElement; n; n = n.parentElement) { const c = parse(getComputedStyle(n).backgroundColor); if (c && c.a >= 1) { bg = c; break; } }
  const oc = parse(cs.outlineColor) || bg;
  const x = lum(oc), y = lum(bg);
  return {
    none: false, visible: el.matches(':focus-visible'),
    el: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40),
    style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), color: cs.outlineColor,
    ratio: Math.round((Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05) * 100) / 100,
  };
})`

// focusRounds numbers the walks of checkFocusRings, so that each walk
// knows the elements it has seen.
var focusRounds int

type focusRing struct {
	None    bool    `json:"none"`
	Seen    bool    `json:"seen"`
	Again   bool    `json:"again"`
	Visible bool    `json:"visible"`
	El      string  `json:"el"`
	Style   string  `json:"style"`
	Width   float64 `json:"width"`
	Color   string  `json:"color"`
	Ratio   float64 `json:"ratio"`
}

// checkFocusRings tabs through the page (or its open dialog) from the top,
// up to max stops, and fails for every focused element without a visible
// focus ring: an outline that is not none, at least 2 px wide, and 3:1
// against the background. It returns the number of stops checked.
func (s *session) checkFocusRings(where string, max int) int {
	s.t.Helper()
	eval[bool](s, `(document.activeElement?.blur(), window.scrollTo(0, 0), true)`)
	checked, minRatio := 0, math.Inf(1)
	focusRounds++
	round := focusRounds
	var stops []string
	for i := 0; i < max; i++ {
		s.do("Tab", chromedp.KeyEvent(kb.Tab))
		f := eval[focusRing](s, focusJS+"("+strconv.Itoa(round)+")")
		if f.None {
			continue
		}
		if f.Seen && f.Again {
			continue
		}
		if f.Seen {
			break // around once
		}
		checked++
		stops = append(stops, strings.TrimSpace(f.El))
		minRatio = min(minRatio, f.Ratio)
		if !f.Visible || f.Style == "none" || f.Width < 2 || f.Ratio < 3 {
			s.t.Errorf("%s: %s has no visible focus ring: :focus-visible %v, outline %s %.1fpx %s (%.2f:1)", where, f.El, f.Visible, f.Style, f.Width, f.Color, f.Ratio)
		}
	}
	if checked == 0 {
		s.t.Fatalf("%s: Tab focused nothing", where)
	}
	s.t.Logf("%s: %d focus stops %q, each with a ring; lowest ring contrast %.2f:1", where, checked, stops, minRatio)
	return checked
}

// contrastControl makes sure the walk sees what it must fail: grey on
// white, translucent black, and grey on a translucent layer over a dark
// page; and lets large text pass at 3:1.
func (s *session) contrastControl() {
	s.t.Helper()
	res := eval[contrastResult](s, `(() => {
		// Styled through the CSSOM: the app's Content-Security-Policy refuses style attributes.
		const p = (text, style, parent) => { const e = document.createElement('p'); e.textContent = text; Object.assign(e.style, style); parent.append(e); return e; };
		const box = document.createElement('div');
		p('grey 3.0', { color: '#949494', background: '#fff' }, box);
		p('translucent', { color: 'rgba(0, 0, 0, 0.35)' }, box);
		const dark = document.createElement('div');
		dark.style.background = '#222';
		box.append(dark);
		p('dark', { color: '#777', background: 'rgba(255, 255, 255, 0.1)' }, dark);
		p('large grey 3.0', { color: '#949494', background: '#fff', fontSize: '24px' }, box);
		document.body.append(box);
		const out = `+textContrastJS+`;
		box.remove();
		return out;
	})()`)
	failed := map[string]bool{}
	for _, f := range res.Failures {
		failed[f.Text] = true
	}
	if !failed["grey 3.0"] || !failed["translucent"] || !failed["dark"] || failed["large grey 3.0"] {
		s.t.Fatalf("the contrast walk misjudges its controls: %+v", res.Failures)
	}
}

// contrastAndFocus checks text contrast and focus rings on the login page,
// the dashboard, the folder browser (with every action offered), the upload
// dialog with finished and refused uploads, a refusal notice, and the audit
// page with blocked rows and its filters.
func contrastAndFocus(t *testing.T, b *browser.Browser, st *stack) {
	s := newSession(t, b, st)
	// The login page, signed out.
	if _, err := chromedp.Call(s.tab, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	s.do("open the login page", chromedp.Navigate(st.url+"/login"))
	s.wait("the login page", `!!document.querySelector('.demo-picker')`)
	s.contrastControl()
	s.checkContrast("login")
	s.checkFocusRings("login", 20)

	// Carol: download and delete buttons in january, on a file of its own
	// so that the story runs alone too.
	grantCarol(t)
	st.put(t, january+"contrast-sample.pdf", "%PDF-1.7 contrast")
	s.login(carol)
	s.checkContrast("dashboard")
	s.checkFocusRings("dashboard", 20)
	s.browse(january)
	s.wait("buttons", `!!document.querySelector('[data-action="delete"]')`)
	s.checkContrast("browser with actions")
	s.checkFocusRings("browser with actions", 40)

	// Alice: a folder without a grant, then the upload dialog with a done
	// and a refused upload.
	s.login(alice)
	s.open("/browse?connection=" + conn + "&bucket=" + bucket + "&prefix=partner-b%2Fuploads%2F")
	s.wait("the refusal", `!!document.querySelector('main .notice.error')`)
	s.checkContrast("refusal")
	s.browse(uploads + "2024/march/")
	s.openUploadDialog()
	s.checkFocusRings("upload dialog", 20)
	eval[bool](s, dropJS("#dropzone", []droppedFile{{Name: "contrast.txt", Size: 100, Seed: 3, Type: "text/plain"}}))
	s.wait("uploaded", `document.querySelector('#upload-list li[data-key="partner-a/uploads/2024/march/contrast.txt"]')?.dataset.state === 'done'`)
	eval[bool](s, `(window.s3am.dialog.open({connection: `+q(conn)+`, bucket: `+q(bucket)+`, prefix: 'partner-a/processed/'}), true)`)
	eval[bool](s, dropJS("#dropzone", []droppedFile{{Name: "refused.pdf", Size: 100, Seed: 4, Type: "application/pdf"}}))
	s.wait("refused", `document.querySelector('#upload-list li[data-key="partner-a/processed/refused.pdf"]')?.dataset.state === 'error'`)
	s.checkContrast("upload dialog")
	s.shot("01-contrast-dialog", "")
	s.click("#upload-close")

	// The admin's audit page: blocked rows, badges, filters, placeholders.
	s.login(admin)
	s.open("/admin/audit")
	s.wait("events", `document.querySelectorAll('#audit-body tr.row-blocked').length > 0`)
	s.checkContrast("audit")
	s.checkFocusRings("audit", 80)
	s.shot("02-contrast-audit", "")

	lowest.Lock()
	defer lowest.Unlock()
	t.Logf("lowest text contrast of all stories so far: %s on %s, over %d texts", lowest.rec, lowest.where, lowest.checked)
}
