package chart_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/s3am/s3-access-manager/internal/testenv/repo"
)

// TestWebhooksMatchConfig checks that the chart's webhook configurations are
// config/webhook/manifests.yaml's (same webhooks, paths, rules,
// failurePolicy Fail), pointed at the chart's webhook Service, which reaches
// the operator's webhook port.
func TestWebhooksMatchConfig(t *testing.T) {
	_, objs := render(t, variants[0])
	path := repo.MustPath(t, "config", "webhook", "manifests.yaml")
	for _, want := range readObjects(t, path) {
		got := named(t, objs, want.GetKind(), "s3am-"+want.GetName())
		wantHooks, _, _ := unstructured.NestedSlice(want.Object, "webhooks")
		gotHooks, _, _ := unstructured.NestedSlice(got.Object, "webhooks")
		for _, h := range gotHooks {
			h := h.(map[string]any)
			svc, _, _ := unstructured.NestedMap(h, "clientConfig", "service")
			if svc["name"] != "s3am-webhook-service" || svc["namespace"] != releaseNamespace {
				t.Errorf("webhook %s calls %v/%v, not the chart's webhook Service", h["name"], svc["namespace"], svc["name"])
			}
			if h["failurePolicy"] != "Fail" {
				t.Errorf("webhook %s: failurePolicy %v, want Fail", h["name"], h["failurePolicy"])
			}
			// Compared without what differs by design: the Service's name
			// and namespace (kustomize sets them from placeholders) and the
			// CA bundle (per install).
			unstructured.RemoveNestedField(h, "clientConfig", "service", "name")
			unstructured.RemoveNestedField(h, "clientConfig", "service", "namespace")
			unstructured.RemoveNestedField(h, "clientConfig", "caBundle")
		}
		for _, h := range wantHooks {
			unstructured.RemoveNestedField(h.(map[string]any), "clientConfig", "service", "name")
			unstructured.RemoveNestedField(h.(map[string]any), "clientConfig", "service", "namespace")
		}
		if diff := yamlDiff(wantHooks, gotHooks); diff != "" {
			t.Errorf("%s: webhooks differ from config/webhook/manifests.yaml:\n%s", want.GetKind(), diff)
		}
	}

	svc := named(t, objs, "Service", "s3am-webhook-service")
	ports, _, _ := unstructured.NestedSlice(svc.Object, "spec", "ports")
	if len(ports) != 1 || ports[0].(map[string]any)["port"] != int64(443) || ports[0].(map[string]any)["targetPort"] != "webhook" {
		t.Errorf("webhook Service ports = %v, want 443 to the port named webhook", ports)
	}
	selector, _, _ := unstructured.NestedStringMap(svc.Object, "spec", "selector")
	podLabels, _, _ := unstructured.NestedStringMap(named(t, objs, "Deployment", "s3am-operator").Object, "spec", "template", "metadata", "labels")
	for k, v := range selector {
		if podLabels[k] != v {
			t.Errorf("webhook Service selects %s=%s; the operator's pods have %q", k, v, podLabels[k])
		}
	}
}

// TestSelfManagedCertificate checks the certificate the chart generates
// without cert-manager: the webhook configurations trust its CA, it is valid
// for the webhook Service's DNS names, and its key matches.
func TestSelfManagedCertificate(t *testing.T) {
	_, objs := render(t, variants[0])
	secret := named(t, objs, "Secret", "s3am-webhook-server-cert")
	if secret.Object["type"] != "kubernetes.io/tls" {
		t.Errorf("Secret type %v, want kubernetes.io/tls", secret.Object["type"])
	}
	data, _, _ := unstructured.NestedMap(secret.Object, "data")
	certPEM, keyPEM, caPEM := base64Decode(t, data["tls.crt"]), base64Decode(t, data["tls.key"]), base64Decode(t, data["ca.crt"])
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatalf("tls.crt and tls.key do not match: %v", err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"} {
		hooks, _, _ := unstructured.NestedSlice(named(t, objs, kind, map[string]string{
			"MutatingWebhookConfiguration":   "s3am-mutating-webhook-configuration",
			"ValidatingWebhookConfiguration": "s3am-validating-webhook-configuration",
		}[kind]).Object, "webhooks")
		for _, h := range hooks {
			bundle, _, _ := unstructured.NestedString(h.(map[string]any), "clientConfig", "caBundle")
			roots := x509.NewCertPool()
			if !roots.AppendCertsFromPEM(base64Decode(t, bundle)) {
				t.Fatalf("%s: caBundle holds no certificate", kind)
			}
			for _, dns := range []string{"s3am-webhook-service.s3am-system.svc", "s3am-webhook-service.s3am-system.svc.cluster.local"} {
				if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: dns}); err != nil {
					t.Errorf("%s: the webhook certificate does not verify for %s: %v", kind, dns, err)
				}
			}
		}
	}
	block, _ := pem.Decode(caPEM)
	if block == nil {
		t.Fatal("ca.crt holds no PEM block")
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !ca.IsCA || leaf.IsCA {
		t.Errorf("ca.crt IsCA = %v, tls.crt IsCA = %v; want a CA signing a leaf", ca.IsCA, leaf.IsCA)
	}

	// With cert-manager: no generated Secret, the CA injected instead.
	_, cm := render(t, variant{name: "cert-manager", values: []string{"certManager.enabled=true"}})
	for _, s := range ofKind(cm, "Secret") {
		t.Errorf("with cert-manager the chart still renders Secret %s", s.GetName())
	}
	named(t, cm, "Issuer", "s3am-selfsigned-issuer")
	cert := named(t, cm, "Certificate", "s3am-serving-cert")
	if s, _, _ := unstructured.NestedString(cert.Object, "spec", "secretName"); s != "s3am-webhook-server-cert" {
		t.Errorf("Certificate writes %q, the operator mounts s3am-webhook-server-cert", s)
	}
	for _, o := range append(ofKind(cm, "MutatingWebhookConfiguration"), ofKind(cm, "ValidatingWebhookConfiguration")...) {
		if got := o.GetAnnotations()["cert-manager.io/inject-ca-from"]; got != "s3am-system/s3am-serving-cert" {
			t.Errorf("%s: cert-manager.io/inject-ca-from = %q", o.GetName(), got)
		}
	}
	_, issuer := render(t, variant{name: "issuer", values: []string{"certManager.enabled=true", "certManager.issuerRef.kind=ClusterIssuer", "certManager.issuerRef.name=internal-ca"}})
	if n := len(ofKind(issuer, "Issuer")); n != 0 {
		t.Errorf("with certManager.issuerRef the chart still renders %d Issuers", n)
	}
}
