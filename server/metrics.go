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
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "s3am_server_requests_total",
			Help: "HTTP requests answered, by method, route pattern and status code.",
		}, []string{"method", "route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "s3am_server_request_duration_seconds",
			Help:    "Time to answer an HTTP request, audit recording included, by method and route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "s3am_server_decisions_total",
			Help: "Audited attempts, by action, decision (allowed, blocked) and reason.",
		}, []string{"action", "decision", "reason"}),
		presigns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "s3am_server_presigned_total",
			Help: "Presigned requests handed out, by kind (put, post, get, part).",
		}, []string{"kind"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.decisions, m.presigns} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("server metrics (one server per registry): %w", err)
		}
	}
	return m, nil
}
