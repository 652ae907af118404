package auth

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Browsers keep about 4096 bytes per cookie (name, value and attributes), so
// a session too large for one (many groups) is split over several cookies:
// name, name_1, ... The first value starts with "<count>." when there is more
// than one, which the base64url alphabet of sealed values cannot contain, so
// stale chunks from an earlier, larger session are never read.
const (
	cookieChunkSize = 3800
	maxCookieChunks = 4
)

// cookieTemplate holds the attributes every cookie of one kind shares.
type cookieTemplate struct {
	name     string
	path     string
	httpOnly bool
	secure   bool
	sameSite http.SameSite
}

func (t cookieTemplate) cookie(name, value string, expires time.Time, now time.Time) *http.Cookie {
	return &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     t.path,
		HttpOnly: t.httpOnly,
		Secure:   t.secure,
		SameSite: t.sameSite,
		Expires:  expires.UTC(),
		MaxAge:   max(1, int(expires.Sub(now).Seconds())),
	}
}

func (t cookieTemplate) expired(name string) *http.Cookie {
	return &http.Cookie{
		Name: name, Value: "", Path: t.path, HttpOnly: t.httpOnly, Secure: t.secure, SameSite: t.sameSite,
		Expires: time.Unix(0, 0).UTC(), MaxAge: -1,
	}
}

// InsecureName returns the name a cookie has under
// SessionConfig.InsecureCookies: without the __Host- prefix, which browsers
// refuse on cookies that are not Secure.
func InsecureName(name string) string { return strings.TrimPrefix(name, hostPrefix) }

func chunkName(name string, i int) string {
	if i == 0 {
		return name
	}
	return name + "_" + strconv.Itoa(i)
}

var errCookieTooLarge = errors.New("session too large for the cookies a browser keeps (too many groups?)")

// setChunked writes value over as many cookies as it needs and expires the
// chunks an earlier, larger value may have left.
func (t cookieTemplate) setChunked(w http.ResponseWriter, value string, expires, now time.Time) error {
	n := (len(value) + cookieChunkSize - 1) / cookieChunkSize
	if n > maxCookieChunks {
		return errCookieTooLarge
	}
	for i := range maxCookieChunks {
		if i >= n {
			http.SetCookie(w, t.expired(chunkName(t.name, i)))
			continue
		}
		part := value[i*cookieChunkSize : min(len(value), (i+1)*cookieChunkSize)]
		if i == 0 && n > 1 {
			part = strconv.Itoa(n) + "." + part
		}
		http.SetCookie(w, t.cookie(chunkName(t.name, i), part, expires, now))
	}
	return nil
}

// readChunked reassembles a chunked value; ok is false when the first cookie
// is absent.
func (t cookieTemplate) readChunked(r *http.Request) (value string, ok bool, err error) {
	first, err := r.Cookie(t.name)
	if err != nil {
		return "", false, nil
	}
	countStr, rest, chunked := strings.Cut(first.Value, ".")
	if !chunked {
		return first.Value, true, nil
	}
	n, err := strconv.Atoi(countStr)
	if err != nil || n < 2 || n > maxCookieChunks {
		return "", true, errors.New("malformed chunked cookie")
	}
	var b strings.Builder
	b.WriteString(rest)
	for i := 1; i < n; i++ {
		c, err := r.Cookie(chunkName(t.name, i))
		if err != nil {
			return "", true, fmt.Errorf("cookie chunk %d of %d missing", i+1, n)
		}
		b.WriteString(c.Value)
	}
	return b.String(), true, nil
}

func (t cookieTemplate) clearChunked(w http.ResponseWriter) {
	for i := range maxCookieChunks {
		http.SetCookie(w, t.expired(chunkName(t.name, i)))
	}
}
