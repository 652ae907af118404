package postgres

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/s3am/s3-access-manager/internal/testenv/postgresserver"
)

// TestErrorsNeverShowThePassword: whatever goes wrong with a DSN (wrong
// password, nothing listening, a malformed URL, a server going away), no
// error repeats its password, in any spelling.
func TestErrorsNeverShowThePassword(t *testing.T) {
	dsn := newDatabase(t, postgresserver.Start(t))
	const secret = "Hunter2 s3cr3t/@:%x"
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword("postgres", secret)
	wrongPassword := u.String()
	u.Host = "127.0.0.1:1"
	nothingListening := u.String()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for name, dsn := range map[string]string{
		"wrong password":           wrongPassword,
		"nothing listening":        nothingListening,
		"key=value":                "host=127.0.0.1 port=1 user=postgres password='" + strings.ReplaceAll(secret, " ", "_") + "'",
		"malformed url":            "postgres://postgres:" + url.PathEscape(secret) + "@127.0.0.1:port/db",
		"malformed userinfo":       "postgres://postgres:" + secret + "@127.0.0.1/db",
		"malformed key=value":      "host=127.0.0.1 password=" + strings.ReplaceAll(secret, " ", "_") + " port=x",
		"password in query string": "postgres://postgres@127.0.0.1:1/db?password=" + url.QueryEscape(secret),
	} {
		_, err := Open(ctx, dsn, Options{})
		if err == nil {
			t.Errorf("%s: opened", name)
			continue
		}
		msg := err.Error()
		for _, spelling := range []string{secret, strings.ReplaceAll(secret, " ", "_"), url.QueryEscape(secret), url.PathEscape(secret), "s3cr3t"} {
			if strings.Contains(msg, spelling) {
				t.Errorf("%s: error shows the password (%q): %s", name, spelling, msg)
			}
		}
		t.Logf("%s: %s", name, msg)
	}
	// The wrapped error still says why, for code that needs to know.
	_, err = Open(ctx, wrongPassword, Options{})
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "28P01" {
		t.Errorf("wrong password: %v", err)
	}
}
