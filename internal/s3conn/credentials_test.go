package s3conn_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/s3conn"
)

func TestCredentialsNeverPrintSecrets(t *testing.T) {
	c := s3conn.Credentials{
		AccessKeyID:     "AKIAIOSFODNN7EXAMPLE",
		SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		SessionToken:    "FwoGZXIvYXdzEXAMPLETOKEN",
		Expires:         time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	wrapped := struct {
		Name  string
		Creds s3conn.Credentials
		Ptr   *s3conn.Credentials
	}{"conn", c, &c}

	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v"} {
		outputs = append(outputs, fmt.Sprintf(verb, c), fmt.Sprintf(verb, &c), fmt.Sprintf(verb, wrapped))
	}
	outputs = append(outputs, c.String(), c.GoString(), fmt.Sprint(c), fmt.Sprintln(c))
	j, err := json.Marshal(wrapped)
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(j))
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("creds", "c", c)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("creds", "c", c, "p", &c)
	outputs = append(outputs, logs.String())

	for _, out := range outputs {
		for _, secret := range []string{c.AccessKeyID, c.SecretAccessKey, c.SessionToken, "AKIA", "wJalr", "FwoG"} {
			if strings.Contains(out, secret) {
				t.Errorf("output %q contains secret material %q", out, secret)
			}
		}
	}
	if s := c.String(); !strings.Contains(s, "[REDACTED]") || !strings.Contains(s, "2030-01-02T03:04:05Z") {
		t.Errorf("String() = %q, want redacted fields and the expiry", s)
	}
	if s := (s3conn.Credentials{AccessKeyID: "x"}).String(); !strings.Contains(s, `SessionToken:""`) {
		t.Errorf("String() = %q, want an unset session token shown as empty", s)
	}
}

func TestCredentialsAWSRoundTrip(t *testing.T) {
	c := s3conn.Credentials{AccessKeyID: "id", SecretAccessKey: "secret", SessionToken: "tok", Expires: time.Unix(1e9, 0)}
	a := c.AWS()
	if a.AccessKeyID != "id" || a.SecretAccessKey != "secret" || a.SessionToken != "tok" || !a.CanExpire || !a.Expires.Equal(c.Expires) {
		t.Fatalf("AWS() = %+v", a)
	}
	got, err := c.Provider().Retrieve(t.Context())
	if err != nil || got != a {
		t.Fatalf("Provider().Retrieve() = %+v, %v; want %+v", got, err, a)
	}
	if (s3conn.Credentials{AccessKeyID: "id"}).AWS().CanExpire {
		t.Fatal("credentials without expiry must not expire")
	}
}
