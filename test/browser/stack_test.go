package browser_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/internal/app"
	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/sqlite"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/notify/notifytest"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
	"github.com/s3am/s3-access-manager/internal/testenv/repo"
	"github.com/s3am/s3-access-manager/server"
	"github.com/s3am/s3-access-manager/server/auth"
	"github.com/s3am/s3-access-manager/server/webui"
)

const (
	// conn is the connection config/samples' grants name.
	conn       = "partner-data-prod"
	bucket     = "partner-data"
	alice      = "alice@partner-a.com"
	carol      = "carol@partner-a.com"
	admin      = "auditor@s3am.example"
	adminGroup = "s3am-admins"
	uploads    = "partner-a/uploads/"
	january    = "partner-a/uploads/2024/january/"
)

// seedObjects is the bucket as the seed guide shows it.
var seedObjects = map[string]string{
	"partner-a/uploads/readme.txt":                    "Upload your invoices by month.\n",
	"partner-a/uploads/invoices/2023-12.pdf":          "%PDF-1.7 december",
	"partner-a/uploads/2024/quarterly-report.pdf":     "%PDF-1.7 quarterly report",
	"partner-a/uploads/2024/february/scan.pdf":        "%PDF-1.7 february",
	"partner-a/uploads/2024/march/scan.pdf":           "%PDF-1.7 march",
	"partner-a/uploads/2024/january/scans/page-1.png": "png",
	"partner-a/processed/report.pdf":                  "%PDF-1.7 processed report",
	"partner-a/secret/plans.txt":                      "sibling",
	"partner-b/uploads/existing.pdf":                  "partner b",
}

// stack is the running server and what the tests inspect around it.
type stack struct {
	minio *minioserver.Server
	s3    *s3.Client
	url   string
	store *sqlite.Store
	// hooks receives the upload notifications of links.
	hooks *notifytest.Receiver
}

// startStack starts MinIO with the seed bucket, the connection (Ready), the
// sample grants of config/samples for alice, and the server with the web
// app in demo mode.
func startStack(t *testing.T) *stack {
	t.Helper()
	ctx := context.Background()
	srv := minioserver.Start(t)
	root := srv.Seed(t, bucket, seedObjects)

	operator.ConnectMinIO(t, conn, srv)
	// Alice's grants, exactly as the samples declare them.
	for _, f := range []string{"20-prefixgrant-alice-uploads.yaml", "21-prefixgrant-alice-processed.yaml"} {
		p := repo.MustPath(t, "config", "samples", f)
		if out, err := operator.Env.Kubectl(ctx, "", "apply", "-f", p); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
	}
	alicePrincipal := grant.Principal{User: alice}
	poll.Until(t, 30*time.Second, "alice's grants authorize", func() bool {
		return operator.Index.Decide(alicePrincipal, grant.Write, conn, bucket, january+"x.pdf").Allowed &&
			operator.Index.Decide(alicePrincipal, grant.Read, conn, bucket, "partner-a/processed/report.pdf").Allowed
	})

	hooks := notifytest.Start(t)
	served := operator.Serve(t, app.Options{
		Links: &server.LinkOptions{Notifier: hooks.Sender},
		// Secure __Host- cookies: Chromium treats http://127.0.0.1 as secure.
		Auth:       auth.Config{Session: auth.SessionConfig{Key: auth.Secret(randomKey(t))}},
		AdminGroup: adminGroup, AuditJSON: io.Discard, AuditWriter: "browser",
		WebApp: true, ConnectOrigins: []string{srv.Endpoint},
		DemoUsers: []webui.DemoUser{
			{User: alice, Description: "Partner A: uploads invoices, reads processed reports"},
			{User: "bob@partner-b.com", Description: "Partner B"},
			{User: carol, Description: "Partner A's archivist: reads and deletes january's files"},
			{User: admin, Groups: []string{adminGroup}, Description: "Administrator: reads the audit trail"},
		},
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)),
	})
	return &stack{minio: srv, s3: root, url: served.URL, store: served.Store, hooks: hooks}
}

func randomKey(t *testing.T) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// put writes an object straight to MinIO.
func (st *stack) put(t *testing.T, key, body string) {
	t.Helper()
	if _, err := st.s3.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

// object reads an object straight from MinIO.
func (st *stack) object(t *testing.T, key string) []byte {
	t.Helper()
	return []byte(minioserver.Object(t, st.s3, bucket, key))
}

// events returns the stored events matching f.
func (st *stack) events(t *testing.T, f audit.Filter) []audit.Event {
	t.Helper()
	f.Limit = audit.MaxPageSize
	page, err := st.store.Query(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return page.Events
}
