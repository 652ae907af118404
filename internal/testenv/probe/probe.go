// Package probe holds the checks that tests of real s3am processes poll:
// a connection turned Ready, a server answering, a user's folders listed.
package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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

// GrantReady reports whether PrefixGrant namespace/name is Ready for its
// current generation.
func GrantReady(c client.Client, namespace, name string) bool {
	got := &v1alpha1.PrefixGrant{}
	if c.Get(context.Background(), types.NamespacedName{Namespace: namespace, Name: name}, got) != nil {
		return false
	}
	cond := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionReady)
	return cond != nil && cond.Status == metav1.ConditionTrue && cond.ObservedGeneration == got.Generation
}

// Status is the status of a GET of url through hc, 0 if no answer came.
func Status(hc *http.Client, url string) int {
	code, _, _ := Get(hc, url, nil)
	return code
}

// Get is a GET of url through hc with header; it returns the answer's status
// and body, or the error of a request that got no answer (status 0).
func Get(hc *http.Client, url string, header http.Header) (int, string, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, "", fmt.Errorf("GET %s: %w", url, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	// A body cut short shows in what the caller checks of it.
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
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
