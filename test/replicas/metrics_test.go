//go:build unix

package replicas_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// scrape fetches a Prometheus text exposition.
func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape %s: %d %v", url, resp.StatusCode, err)
	}
	return string(b)
}

// sum adds the samples of metric whose labels include every `k="v"` of
// labels; a metric that is absent sums to 0.
func sum(exposition, metric string, labels ...string) float64 {
	var total float64
	for _, line := range strings.Split(exposition, "\n") {
		if !strings.HasPrefix(line, metric+"{") && !strings.HasPrefix(line, metric+" ") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		set := line[len(metric):i]
		match := true
		for _, l := range labels {
			match = match && strings.Contains(set, l)
		}
		if !match {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err == nil {
			total += v
		}
	}
	return total
}
