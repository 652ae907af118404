package server

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the server's Prometheus instruments.
type metrics struct {
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	decisions *prometheus.CounterVec
	presigns  *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: counter("s3am_server_requests_total", "HTTP requests answered, by method, route pattern and status code.", "method", "route", "code"),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "s3am_server_request_duration_seconds",
			Help:    "Time to answer an HTTP request, audit recording included, by method and route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
		decisions: counter("s3am_server_decisions_total", "Audited attempts, by action, decision (allowed, blocked) and reason.", "action", "decision", "reason"),
		presigns:  counter("s3am_server_presigned_total", "Presigned requests handed out, by kind (put, post, get, part).", "kind"),
	}
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.decisions, m.presigns} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("server metrics (one server per registry): %w", err)
		}
	}
	return m, nil
}

// counter is a counter vector with the given labels. Label values are
// bounded sets: methodLabel, route templates, status codes, audit actions.
func counter(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}
