package audit

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the Recorder's Prometheus instruments.
type metrics struct {
	events   *prometheus.CounterVec
	failures prometheus.Counter
	seconds  prometheus.Histogram
	// byKind holds the series of events by decision and outcome (see
	// kindIndex), so that counting an event looks no labels up.
	byKind [len(decisions) * len(outcomes)]prometheus.Counter
}

var (
	decisions = [...]Decision{DecisionAllowed, DecisionBlocked}
	outcomes  = [...]Outcome{OutcomeSuccess, OutcomeFailure, OutcomePending}
)

// kindIndex is the index in byKind of a valid decision and outcome.
func kindIndex(d Decision, o Outcome) int {
	i := 0
	if d == DecisionBlocked {
		i = len(outcomes)
	}
	switch o {
	case OutcomeFailure:
		i++
	case OutcomePending:
		i += 2
	}
	return i
}

// event counts a valid event.
func (m *metrics) event(d Decision, o Outcome) { m.byKind[kindIndex(d, o)].Inc() }

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "s3am_audit_events_total",
			Help: "Valid audit events handed to the recorder, recorded or not, by decision and outcome.",
		}, []string{"decision", "outcome"}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "s3am_audit_write_failures_total",
			Help: "Audit events that could not be written to every sink (invalid events included).",
		}),
		seconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "s3am_audit_write_seconds",
			Help:    "Time from Record to the event being durable in the store and written as a JSON line.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
	}
	// Every series exists from the start, so rate() sees the first event.
	for _, d := range decisions {
		for _, o := range outcomes {
			m.byKind[kindIndex(d, o)] = m.events.WithLabelValues(string(d), string(o))
		}
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.events, m.failures, m.seconds} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("audit metrics (one Recorder per registry): %w", err)
		}
	}
	return m, nil
}
