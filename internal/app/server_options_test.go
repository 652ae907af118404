package app_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/app"
	"github.com/s3am/s3-access-manager/server/auth"
	"github.com/s3am/s3-access-manager/server/webui"
)

// NewServer refuses, before it builds anything, the settings that would
// trust every local process on a reachable address, and a missing logger.
func TestNewServerRefuses(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	insecure := auth.Config{Session: auth.SessionConfig{InsecureCookies: true}}
	demo := []webui.DemoUser{{User: "alice@partner-a.com"}}
	for _, tc := range []struct {
		name string
		o    app.Options
		want string
	}{
		{"no logger", app.Options{Listen: "127.0.0.1:8080"}, "Logger"},
		{"insecure cookies on every address", app.Options{Listen: ":8080", Auth: insecure, Logger: logger}, "insecure"},
		{"insecure cookies on a public address", app.Options{Listen: "192.0.2.1:8080", Auth: insecure, Logger: logger}, "loopback"},
		{"demo users on every address", app.Options{Listen: "0.0.0.0:8080", DemoUsers: demo, Logger: logger}, "demo users"},
		{"demo users on an address without a port", app.Options{Listen: "localhost", DemoUsers: demo, Logger: logger}, "demo users"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// No feed: the options are refused before it is used.
			_, err := app.NewServer(t.Context(), nil, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one about %q", err, tc.want)
			}
		})
	}
}
