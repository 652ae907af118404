package postgres

import (
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// secrets are the strings of a DSN that must never appear in an error: its
// passwords, in every spelling the DSN or a driver message may use. pgx's own
// messages name user, host and database but no password; scrubbing anyway
// keeps that true whatever a future driver version or a server message says.
type secrets []string

// mask replaces a secret.
const mask = "xxxxx"

func secretsOf(dsn string, cfg *pgconn.Config) secrets {
	var s secrets
	add := func(pw string) {
		if pw == "" {
			return
		}
		for _, v := range []string{pw, url.QueryEscape(pw), url.PathEscape(pw), url.UserPassword("u", pw).String()[2:]} {
			s = append(s, v)
		}
	}
	// Fallback hosts share the primary's password.
	add(cfg.Password)
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			add(pw)
		}
	}
	return s
}

// scrub removes every secret from msg.
func (s secrets) scrub(msg string) string {
	for _, v := range s {
		msg = strings.ReplaceAll(msg, v, mask)
	}
	return msg
}

// wrap returns err prefixed with context, its message scrubbed. It unwraps
// to err, so errors.Is and errors.As still see context cancellation and
// PostgreSQL error codes.
func (s secrets) wrap(context string, err error) error {
	return &scrubbedError{msg: s.scrub(context + ": " + err.Error()), err: err}
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }

func (e *scrubbedError) Unwrap() error { return e.err }
