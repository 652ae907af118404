package minioserver

import (
	"bytes"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/launch"
	"github.com/s3am/s3-access-manager/internal/redact"
)

// MCAlias is the alias under which MC reaches the server, as in
// `s.MC(t, "admin", "info", minioserver.MCAlias)`.
const MCAlias = "s3am"

// MC runs the mc client against the server as root and returns its standard
// output; a failure fails the test. The alias comes from the environment
// (MC_HOST_s3am) and mc's configuration lives in a temporary directory, so
// nothing is written outside the test and no secret lands on a command line.
func (s *Server) MC(t testing.TB, args ...string) string {
	t.Helper()
	bin := requireBinary(t, EnvMC, "mc")
	u, err := url.Parse(s.Endpoint)
	if err != nil {
		t.Fatalf("endpoint: %v", err)
	}
	u.User = url.UserPassword(s.RootAccessKey, s.RootSecretKey)
	full := append([]string{"--config-dir", t.TempDir(), "--no-color", "--disable-pager"}, args...)
	cmd := exec.Command(bin, full...)
	cmd.Env = append(launch.EnvironWithout("MINIO_", "AWS_", "MC_"), "MC_HOST_"+MCAlias+"="+u.String())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("mc %s: %v\n%s%s", strings.Join(args, " "), err,
			redact.Values(stdout.String(), s.RootSecretKey), redact.Values(stderr.String(), s.RootSecretKey))
	}
	return redact.Values(stdout.String(), s.RootSecretKey)
}
