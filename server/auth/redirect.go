package auth

import (
	"net/url"
	"strings"
)

const maxRedirectLen = 2048

// SafeRedirect returns target when it is a path on this server, else "/".
// Only relative paths are accepted so that a login cannot be used as an
// open redirect: "//host", "/\host" and paths with control characters (which
// browsers strip, turning "/\t/host" into "//host") are refused.
func SafeRedirect(target string) string {
	if target == "" || len(target) > maxRedirectLen || target[0] != '/' {
		return "/"
	}
	if strings.HasPrefix(target, "//") || strings.ContainsRune(target, '\\') {
		return "/"
	}
	for _, c := range target {
		if c < 0x20 || c == 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	return target
}
