package server

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the server's Prometheus instruments.
type metrics struct {
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	decisions *prometheus.CounterVec
	presigns  *prometheus.CounterVec

	// The children every request updates, found by one map read instead
	// of the vectors' label hashing and checks (children are never
	// deleted, and label values are bounded sets, so neither are these
	// caches).
	answered                sync.Map // answerLabels -> answerChildren
	decided                 sync.Map // decisionLabels -> prometheus.Counter
	presignPut, presignPost prometheus.Counter
}

// answerLabels are the labels of one request's counter and histogram.
type answerLabels struct {
	method, route string
	status        int
}

type answerChildren struct {
	count   prometheus.Counter
	latency prometheus.Observer
}

// answer returns the request counter and latency histogram of l.
func (m *metrics) answer(l answerLabels) answerChildren {
	if v, ok := m.answered.Load(l); ok {
		return v.(answerChildren)
	}
	c := answerChildren{
		count:   m.requests.WithLabelValues(l.method, l.route, strconv.Itoa(l.status)),
		latency: m.latency.WithLabelValues(l.method, l.route),
	}
	m.answered.Store(l, c)
	return c
}

// decisionLabels are the labels of one audited attempt's counter.
type decisionLabels struct{ action, decision, reason string }

// decision returns the decision counter of l.
func (m *metrics) decision(l decisionLabels) prometheus.Counter {
	if v, ok := m.decided.Load(l); ok {
		return v.(prometheus.Counter)
	}
	c := m.decisions.WithLabelValues(l.action, l.decision, l.reason)
	m.decided.Store(l, c)
	return c
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
	m.presignPut, m.presignPost = m.presigns.WithLabelValues("put"), m.presigns.WithLabelValues("post")
	return m, nil
}

// counter is a counter vector with the given labels. Label values are
// bounded sets: methodLabel, route templates, status codes, audit actions.
func counter(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}
