package chart_test

import (
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestLinkWebhook checks that the upload-notification webhook's URL is a
// flag and its signing key comes from a Secret, never a flag.
func TestLinkWebhook(t *testing.T) {
	_, objs := render(t, variant{name: "link-webhook", values: []string{
		"server.links.webhook.url=https://hooks.example.com/s3am",
		"server.links.webhook.existingSecret=s3am-link-webhook",
	}})
	d := named(t, objs, "Deployment", "s3am-server")
	if args := containerArgs(t, d); !slices.Contains(args, "--link-webhook-url=https://hooks.example.com/s3am") {
		t.Errorf("args %v lack the webhook URL", args)
	}
	containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	env, _, _ := unstructured.NestedSlice(containers[0].(map[string]any), "env")
	found := false
	for _, e := range env {
		e := e.(map[string]any)
		if e["name"] != "S3AM_LINK_WEBHOOK_SECRET" {
			continue
		}
		name, _, _ := unstructured.NestedString(e, "valueFrom", "secretKeyRef", "name")
		key, _, _ := unstructured.NestedString(e, "valueFrom", "secretKeyRef", "key")
		found = name == "s3am-link-webhook" && key == "secret"
	}
	if !found {
		t.Errorf("S3AM_LINK_WEBHOOK_SECRET does not come from the Secret: %v", env)
	}
	// Off by default.
	_, objs = render(t, variants[0])
	for _, a := range containerArgs(t, named(t, objs, "Deployment", "s3am-server")) {
		if strings.HasPrefix(a, "--link-webhook-url") {
			t.Errorf("the default render has %s", a)
		}
	}
}
