package server

import (
	"errors"
	"net/http"
	"time"
)

// Timeouts bound how long one client may hold a connection, so that slow
// or stalled clients (slowloris: headers or a body trickled byte by byte)
// cannot pile up connections.
type Timeouts struct {
	// ReadHeader bounds reading a request's headers.
	ReadHeader time.Duration
	// Read bounds reading a whole request, body included. Request bodies
	// are small JSON (at most 1 MiB): uploads go straight to S3.
	Read time.Duration
	// Write bounds handling a request and writing its answer, from the end
	// of its headers; it must exceed the S3 call timeout plus the audit
	// recording, or slow answers are cut.
	Write time.Duration
	// Idle bounds waiting for the next request on a kept-alive connection.
	Idle time.Duration
}

// DefaultTimeouts are the timeouts of `s3am server`.
var DefaultTimeouts = Timeouts{
	ReadHeader: 10 * time.Second,
	Read:       time.Minute,
	Write:      2 * time.Minute,
	Idle:       2 * time.Minute,
}

// NewHTTPServer returns the HTTP server of addr serving h with t; zero
// fields of t take DefaultTimeouts'.
func NewHTTPServer(addr string, h http.Handler, t Timeouts) (*http.Server, error) {
	d := DefaultTimeouts
	for _, f := range []struct{ v, def *time.Duration }{{&t.ReadHeader, &d.ReadHeader}, {&t.Read, &d.Read}, {&t.Write, &d.Write}, {&t.Idle, &d.Idle}} {
		if *f.v < 0 {
			return nil, errors.New("server: negative HTTP timeout")
		}
		if *f.v == 0 {
			*f.v = *f.def
		}
	}
	return &http.Server{
		Addr: addr, Handler: h,
		ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, WriteTimeout: t.Write, IdleTimeout: t.Idle,
	}, nil
}
