package cli

import (
	"context"
	"log/slog"
	"os"

	"github.com/spf13/pflag"

	"github.com/s3am/s3-access-manager/internal/notify"
	"github.com/s3am/s3-access-manager/server"
)

// envLinkWebhookSecret holds the key that signs upload notifications (a
// Secret mapped into the environment; a flag would show it in process
// listings).
const envLinkWebhookSecret = "S3AM_LINK_WEBHOOK_SECRET"

// linkFlags are the AccessLink flags of `s3am server`.
type linkFlags struct {
	webhookURL string
}

func (l *linkFlags) bind(f *pflag.FlagSet) {
	f.StringVar(&l.webhookURL, "link-webhook-url", "", "URL that receives a CloudEvent for every upload completed through an upload-request link, signed with HMAC-SHA256 under "+envLinkWebhookSecret)
}

// options builds the server's LinkOptions (internal/app reads the links
// through the manager); the notifier, if any, runs until ctx ends.
func (l *linkFlags) options(ctx context.Context, log *slog.Logger) (*server.LinkOptions, error) {
	o := &server.LinkOptions{}
	if l.webhookURL == "" {
		return o, nil
	}
	n, err := notify.New(notify.Options{URL: l.webhookURL, Secret: []byte(os.Getenv(envLinkWebhookSecret)), Logger: log})
	if err != nil {
		return nil, err
	}
	go n.Run(ctx)
	o.Notifier = n
	return o, nil
}
