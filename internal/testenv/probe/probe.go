// Package probe holds the checks that tests of real s3am processes poll:
// a connection turned Ready, a server answering, a user's folders listed.
package probe

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

// ConnectionReady waits up to a minute for S3Connection name to be Ready.
func ConnectionReady(t testing.TB, c client.Client, name string) {
	t.Helper()
	poll.Until(t, 60*time.Second, "connection Ready", func() bool {
		got := &v1alpha1.S3Connection{}
		if c.Get(context.Background(), types.NamespacedName{Name: name}, got) != nil {
			return false
		}
		return meta.IsStatusConditionTrue(got.Status.Conditions, v1alpha1.ConditionReady)
	})
}

// Status is the status of a GET of url through hc, 0 if no answer came.
func Status(hc *http.Client, url string) int {
	resp, err := hc.Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// HasRoot reports whether body, an answer of GET /api/v1/me, lists prefix
// among the caller's folders.
func HasRoot(body []byte, prefix string) bool {
	var me struct {
		Roots []struct {
			Prefix string `json:"prefix"`
		} `json:"roots"`
	}
	if json.Unmarshal(body, &me) != nil {
		return false
	}
	return slices.ContainsFunc(me.Roots, func(r struct {
		Prefix string `json:"prefix"`
	}) bool {
		return r.Prefix == prefix
	})
}
