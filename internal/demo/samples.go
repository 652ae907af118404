package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/grantstatus"
)

// applySamples creates config/samples as they are, through the webhooks,
// except that the sample connection (an AWS account) points at the demo
// MinIO, with its keys in the demo Secret: the grants then work unchanged.
func applySamples(ctx context.Context, c client.Client, m *minioServer) error {
	docs, err := documents(path.Join("samples", "*.yaml"))
	if err != nil {
		return err
	}
	for _, d := range docs {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(d, &u.Object); err != nil {
			return fmt.Errorf("decode sample: %w", err)
		}
		if u.GetKind() == "S3Connection" {
			conn := &v1alpha1.S3Connection{}
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, conn); err != nil {
				return fmt.Errorf("decode sample connection: %w", err)
			}
			pointAtMinIO(conn, m)
			if err := c.Create(ctx, conn); err != nil {
				return fmt.Errorf("create connection %s: %w", conn.Name, err)
			}
			continue
		}
		if err := c.Create(ctx, u); err != nil && !(u.GetKind() == "Namespace" && apierrors.IsAlreadyExists(err)) {
			return fmt.Errorf("create %s %s: %w", u.GetKind(), u.GetName(), err)
		}
	}
	return nil
}

const demoSecretName = "demo-minio-keys"

func demoSecret(m *minioServer) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: demoSecretName, Namespace: OperatorNamespace},
		Data:       map[string][]byte{"accessKeyID": []byte(m.AccessKey), "secretAccessKey": []byte(m.SecretKey)},
	}
}

// pointAtMinIO keeps the sample's name, annotations, delegations and IAM
// settings and swaps the AWS account for the local MinIO.
func pointAtMinIO(conn *v1alpha1.S3Connection, m *minioServer) {
	conn.Spec.Provider = v1alpha1.ProviderS3Compatible
	conn.Spec.Endpoint = m.Endpoint
	conn.Spec.PathStyle = true
	conn.Spec.AccountID = ""
	conn.Spec.Region = "us-east-1"
	conn.Spec.KMS = nil
	conn.Spec.Auth = v1alpha1.ConnectionAuth{AccessKey: &v1alpha1.SecretKeysRef{
		Namespace: OperatorNamespace, Name: demoSecretName, AccessKeyIDKey: "accessKeyID", SecretAccessKeyKey: "secretAccessKey",
	}}
	if conn.Spec.IAM != nil {
		conn.Spec.IAM.RoleName = ""
		conn.Spec.IAM.Mode = v1alpha1.IAMModeReport
	}
}

// waitSettled waits until the connections have been tested, every grant has
// been reconciled against its connection's current state, and the server
// shows alice her grant, so that the instructions printed next are true.
func waitSettled(ctx context.Context, c client.Client, url string) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		ok, ready, total, err := settled(ctx, c)
		if err != nil {
			return err
		}
		if ok && serves(ctx, url, "alice@partner-a.com", "partner-a/uploads/") {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the sample grants did not settle within 60s (%d of %d ready)", ready, total)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// serves reports whether the server lists root among user's grant roots.
func serves(ctx context.Context, url, user, root string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/api/v1/me", nil)
	if err != nil {
		return false
	}
	req.Header.Set("X-Forwarded-Email", user)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var me struct {
		Roots []struct{ Prefix string } `json:"roots"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&me) != nil {
		return false
	}
	for _, r := range me.Roots {
		if r.Prefix == root {
			return true
		}
	}
	return false
}

// settled reports whether every grant's conditions reflect its connection's
// current readiness, and how many grants are Ready.
func settled(ctx context.Context, c client.Client) (ok bool, ready, total int, err error) {
	conns := &v1alpha1.S3ConnectionList{}
	grants := &v1alpha1.PrefixGrantList{}
	if err := c.List(ctx, conns); err != nil {
		return false, 0, 0, fmt.Errorf("list connections: %w", err)
	}
	if err := c.List(ctx, grants); err != nil {
		return false, 0, 0, fmt.Errorf("list grants: %w", err)
	}
	connReady := map[string]bool{}
	for i := range conns.Items {
		cond := meta.FindStatusCondition(conns.Items[i].Status.Conditions, v1alpha1.ConditionReady)
		if cond == nil || cond.ObservedGeneration != conns.Items[i].Generation {
			return false, 0, len(grants.Items), nil
		}
		connReady[conns.Items[i].Name] = grantstatus.ConnectionAuthorizes(&conns.Items[i])
	}
	for _, g := range grants.Items {
		cond := meta.FindStatusCondition(g.Status.Conditions, v1alpha1.ConditionReady)
		notReady := meta.FindStatusCondition(g.Status.Conditions, v1alpha1.ConditionConnectionNotReady)
		if cond == nil || cond.ObservedGeneration != g.Generation || notReady == nil ||
			(notReady.Status == metav1.ConditionTrue) == connReady[g.Spec.Connection] {
			return false, 0, len(grants.Items), nil
		}
		if cond.Status == metav1.ConditionTrue {
			ready++
		}
	}
	return true, ready, len(grants.Items), nil
}
