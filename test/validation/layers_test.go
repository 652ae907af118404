package validation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
)

// minRows keeps the table from shrinking unnoticed.
const minRows = 40

// TestSchemaLayerAlone applies every row to a control plane with no webhook:
// the CRD schema and its CEL rules refuse every schema row with its message,
// and accept every webhook row, which documents what only the webhook knows.
func TestSchemaLayerAlone(t *testing.T) {
	rows := mustLoadRows(t)
	env := controlplane.Start(t, controlplane.Options{})
	if err := applyFixtures(env); err != nil {
		t.Fatal(err)
	}
	runTable(t, env, rows, func(t *testing.T, r row, out string, err error) {
		switch {
		case r.Layer == layerWebhook && err != nil:
			t.Errorf("the schema alone refused a webhook row; mark it layer: schema:\n%s", lines(out))
		case r.Layer == layerSchema && err == nil:
			t.Errorf("the schema accepted it:\n%s", lines(out))
		case r.Layer == layerSchema && !strings.Contains(out, r.Expect):
			t.Errorf("refused, but kubectl's output lacks %q:\n%s", r.Expect, lines(out))
		}
	})
}

// TestWebhookLayer applies every row with the webhooks installed: every row
// is refused with its message. Schema rows are refused by the schema before
// the validating webhook sees them (TestGoValidators covers the webhook's
// own checks of them); webhook rows, which TestSchemaLayerAlone shows the
// schema accepts, are refused by the webhook. (kubectl prints a webhook's
// Invalid refusal just like the schema's, without naming the webhook.)
func TestWebhookLayer(t *testing.T) {
	rows := mustLoadRows(t)
	runTable(t, hooked, rows, func(t *testing.T, r row, out string, err error) {
		switch {
		case err == nil:
			t.Errorf("accepted:\n%s", lines(out))
		case !strings.Contains(out, r.Expect):
			t.Errorf("refused, but kubectl's output lacks %q:\n%s", r.Expect, lines(out))
		}
	})
}

func mustLoadRows(t *testing.T) []row {
	t.Helper()
	rows, err := loadRows()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < minRows {
		t.Fatalf("the table has %d rows; it must keep at least %d", len(rows), minRows)
	}
	return rows
}

// setUp applies the objects row r needs first, deleted again when t ends.
func setUp(ctx context.Context, t *testing.T, env *controlplane.Env, r row) {
	t.Helper()
	for _, obj := range r.Setup {
		if out, err := applyObject(ctx, env, obj); err != nil {
			t.Fatalf("setup %s: %v\n%s", objectName(obj), err, out)
		}
		t.Cleanup(func() {
			if err := deleteObject(context.Background(), env, obj); err != nil {
				t.Errorf("cleanup %s: %v", objectName(obj), err)
			}
		})
	}
}

// runTable applies each row with kubectl and hands kubectl's answer to check.
// Schema rows run in parallel, since they leave nothing behind when refused;
// webhook rows run one at a time, since their setup changes which connection
// is the default. A row that was accepted is deleted again.
func runTable(t *testing.T, env *controlplane.Env, rows []row, check func(*testing.T, row, string, error)) {
	apply := func(t *testing.T, r row) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		setUp(ctx, t, env, r)
		out, err := applyObject(ctx, env, r.Object)
		if err == nil {
			t.Cleanup(func() {
				if err := deleteObject(context.Background(), env, r.Object); err != nil {
					t.Errorf("delete accepted %s: %v", objectName(r.Object), err)
				}
			})
		}
		t.Log(lines(out))
		check(t, r, out, err)
	}
	t.Run(layerSchema, func(t *testing.T) {
		for _, r := range rows {
			if r.Layer == layerSchema {
				t.Run(r.Row, func(t *testing.T) {
					t.Parallel()
					apply(t, r)
				})
			}
		}
	})
	t.Run(layerWebhook, func(t *testing.T) {
		for _, r := range rows {
			if r.Layer == layerWebhook {
				t.Run(r.Row, func(t *testing.T) { apply(t, r) })
			}
		}
	})
}
