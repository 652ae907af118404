package s3conn

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// redacted replaces secret material in everything this package prints.
const redacted = "[REDACTED]"

// Credentials is an access key pair, with a session token and expiry when
// temporary. Its fields are secret: every way of printing or encoding it
// (fmt verbs, JSON, slog) shows only which fields are set.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// Expires is when temporary credentials stop working; zero if they do not expire.
	Expires time.Time
}

// AWS returns the credentials in the SDK's form, for signers and presigners.
func (c Credentials) AWS() aws.Credentials {
	return aws.Credentials{
		AccessKeyID:     c.AccessKeyID,
		SecretAccessKey: c.SecretAccessKey,
		SessionToken:    c.SessionToken,
		Source:          "s3conn",
		CanExpire:       !c.Expires.IsZero(),
		Expires:         c.Expires,
	}
}

// Provider returns a provider that always hands out these credentials.
func (c Credentials) Provider() aws.CredentialsProvider {
	return credentials.StaticCredentialsProvider{Value: c.AWS()}
}

// String describes the credentials without revealing them.
func (c Credentials) String() string {
	s := "s3conn.Credentials{AccessKeyID:" + mask(c.AccessKeyID) +
		" SecretAccessKey:" + mask(c.SecretAccessKey) +
		" SessionToken:" + mask(c.SessionToken)
	if !c.Expires.IsZero() {
		s += " Expires:" + c.Expires.UTC().Format(time.RFC3339)
	}
	return s + "}"
}

// GoString is String, so that %#v redacts too.
func (c Credentials) GoString() string { return c.String() }

// Format prints String for every verb, so no verb (%x, %q, %+v...) can reach
// the fields.
func (c Credentials) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte(c.String()))
}

// MarshalJSON encodes the credentials redacted, so a struct that embeds them
// cannot leak them into a log line or a status.
func (c Credentials) MarshalJSON() ([]byte, error) {
	out := map[string]string{
		"accessKeyID":     mask(c.AccessKeyID),
		"secretAccessKey": mask(c.SecretAccessKey),
		"sessionToken":    mask(c.SessionToken),
	}
	if !c.Expires.IsZero() {
		out["expires"] = c.Expires.UTC().Format(time.RFC3339)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("encode redacted credentials: %w", err)
	}
	return b, nil
}

// LogValue makes slog print the redacted form.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

// mask tells whether a secret field is set without showing it.
func mask(s string) string {
	if s == "" {
		return `""`
	}
	return redacted
}
