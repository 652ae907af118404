package browser_test

import (
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/browser"
)

// TestWebApp runs the app's stories in order on one stack and one browser.
// Admin and AuditPaging read what earlier stories left (alice's blocked
// attempt, more than a page of her events); every other story also runs
// alone, with -run 'TestWebApp/^Name$'.
func TestWebApp(t *testing.T) {
	start := time.Now()
	st := startStack(t)
	b := browser.Start(t)
	t.Logf("stack and browser up in %s", time.Since(start).Round(time.Millisecond))
	for _, story := range []struct {
		name string
		run  func(*testing.T, *browser.Browser, *stack)
	}{
		{"SeedWalkthrough", seedWalkthrough},
		{"MultipartResume", multipartResume},
		{"Blocked", blocked},
		{"Admin", adminAudit},
		{"AccessReview", accessReview},
		{"Delete", deleteWithConfirmation},
		{"KeyboardAndNarrow", keyboardAndNarrow},
		{"TooLarge", tooLarge},
		{"CancelAborts", cancelAborts},
		{"FolderDrop", folderDrop},
		{"Pagination", pagination},
		{"NewFolder", newFolder},
		{"AuditPaging", auditPaging},
		{"ContrastAndFocus", contrastAndFocus},
		{"FormPost", formPost},
		{"NoReplace", noReplace},
		{"Links", sharedLinks},
	} {
		if !t.Run(story.name, func(t *testing.T) {
			begin := time.Now()
			story.run(t, b, st)
			t.Logf("%s took %s", story.name, time.Since(begin).Round(time.Millisecond))
		}) {
			return
		}
	}
}
