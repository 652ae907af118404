package links

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Reason says why a link use is refused. The server returns it as the
// error reason and records it in the audit event.
type Reason string

// Refusal reasons.
const (
	ReasonNotFound         Reason = "LinkNotFound"
	ReasonRevoked          Reason = "LinkRevoked"
	ReasonExpired          Reason = "LinkExpired"
	ReasonUsedUp           Reason = "LinkUsedUp"
	ReasonWrongKind        Reason = "LinkWrongKind"
	ReasonPasswordRequired Reason = "LinkPasswordRequired"
	ReasonPasswordWrong    Reason = "LinkPasswordWrong"
	ReasonRateLimited      Reason = "LinkRateLimited"
	ReasonOutsideLink      Reason = "LinkOutsideScope"
	ReasonBadFilename      Reason = "LinkBadFilename"
	// ReasonOutsideNamespace: no grant of the link's namespace gives its
	// creator what the link allows.
	ReasonOutsideNamespace Reason = "LinkOutsideNamespace"
)

// State is what decides whether a link may be used now.
type State struct {
	Revoked   bool
	ExpiresAt time.Time
	// MaxUses is 0 for no bound.
	MaxUses int64
	Uses    int64
}

// Usable reports whether a link in state s may be used at now, and if not,
// why. Revocation wins over expiry, expiry over use count.
func (s State) Usable(now time.Time) (bool, Reason) {
	switch {
	case s.Revoked:
		return false, ReasonRevoked
	case !now.Before(s.ExpiresAt):
		return false, ReasonExpired
	case s.MaxUses > 0 && s.Uses >= s.MaxUses:
		return false, ReasonUsedUp
	}
	return true, ""
}

// MaxFilenameBytes bounds the name of a file uploaded through a link.
const MaxFilenameBytes = 200

// checkFilename accepts one printable path segment.
func checkFilename(name string) error {
	switch {
	case name == "" || name == "." || name == "..":
		return fmt.Errorf("the file name %q is not a file name", name)
	case len(name) > MaxFilenameBytes:
		return fmt.Errorf("the file name is %d bytes; at most %d are allowed", len(name), MaxFilenameBytes)
	case !utf8.ValidString(name):
		return fmt.Errorf("the file name is not valid UTF-8")
	case strings.ContainsAny(name, `/\`):
		return fmt.Errorf("the file name must not contain a slash or backslash")
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return fmt.Errorf("the file name must not contain control or invisible formatting characters")
		}
	}
	return nil
}

// Under reports whether key lies in the link's scope: the link's own key,
// or a key below its prefix.
func Under(key, linkKey, prefix string) bool {
	if linkKey != "" {
		return key == linkKey
	}
	return strings.HasPrefix(key, prefix) && len(key) > len(prefix)
}

// tagChars is the length of the tag DropKey adds: an 8-character nonce and
// an 8-character MAC, in lowercase base32.
const tagChars = 16

var tagEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// DropKey is the key a file named filename uploaded through a link into
// folder gets: folder, the name's stem, a tag and the extension, e.g.
// "drop/report.k3f9a2c1mq4xz7ab.pdf". The tag's random half makes every
// upload a new object, so a recipient never overwrites a file, existing or
// not; its MAC half (under secret, which recipients never see) lets
// IssuedKey tell the keys a link handed out from every other key in the
// folder, so that a recipient cannot confirm, complete or abort anything
// else.
func DropKey(secret []byte, folder, filename string) (string, error) {
	if err := checkFilename(filename); err != nil {
		return "", err
	}
	ext := path.Ext(filename)
	if len(ext) > 16 || ext == filename {
		ext = ""
	}
	stem := strings.TrimSuffix(filename, ext)
	nonce := make([]byte, 5)
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("upload tag: %w", err)
	}
	n := strings.ToLower(tagEncoding.EncodeToString(nonce))
	return folder + stem + "." + n + dropMAC(secret, folder, stem, ext, n) + ext, nil
}

// IssuedKey reports whether key is one DropKey made for folder under secret.
func IssuedKey(secret []byte, folder, key string) bool {
	name, ok := strings.CutPrefix(key, folder)
	if !ok || strings.Contains(name, "/") {
		return false
	}
	for _, ext := range []string{path.Ext(name), ""} {
		rest := strings.TrimSuffix(name, ext)
		if len(rest) < tagChars+2 || rest[len(rest)-tagChars-1] != '.' {
			continue
		}
		tag, stem := rest[len(rest)-tagChars:], rest[:len(rest)-tagChars-1]
		n := tag[:tagChars/2]
		if hmac.Equal([]byte(tag[tagChars/2:]), []byte(dropMAC(secret, folder, stem, ext, n))) {
			return true
		}
	}
	return false
}

func dropMAC(secret []byte, folder, stem, ext, nonce string) string {
	m := hmac.New(sha256.New, secret)
	for _, s := range []string{folder, stem, ext, nonce} {
		m.Write([]byte(s))
		m.Write([]byte{0})
	}
	return strings.ToLower(tagEncoding.EncodeToString(m.Sum(nil)[:5]))
}
