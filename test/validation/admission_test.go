package validation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

// grant builds a PrefixGrant for alice; an empty prefix means wholeBucket.
func grant(namespace, name, connection, bucket, prefix string) map[string]any {
	spec := map[string]any{
		"bucket":      bucket,
		"subjects":    []any{map[string]any{"kind": "User", "name": "alice"}},
		"permissions": []any{"read", "list"},
	}
	if connection != "" {
		spec["connection"] = connection
	}
	if prefix == "" {
		spec["wholeBucket"] = true
	} else {
		spec["prefix"] = prefix
	}
	return map[string]any{
		"apiVersion": "s3am.io/v1alpha1",
		"kind":       "PrefixGrant",
		"metadata":   map[string]any{"name": name, "namespace": namespace},
		"spec":       spec,
	}
}

// connection builds an S3Compatible connection with the given delegations.
func connection(name string, annotations map[string]any, delegations ...any) map[string]any {
	spec := map[string]any{
		"provider": "S3Compatible",
		"endpoint": "https://minio.example.com",
		"auth":     map[string]any{"accessKey": map[string]any{"namespace": "s3am-system", "name": "minio-credentials"}},
	}
	if len(delegations) > 0 {
		spec["delegations"] = delegations
	}
	meta := map[string]any{"name": name}
	if annotations != nil {
		meta["annotations"] = annotations
	}
	return map[string]any{"apiVersion": "s3am.io/v1alpha1", "kind": "S3Connection", "metadata": meta, "spec": spec}
}

// mustApply applies obj, fails the test if it is refused, deletes it at
// cleanup, and returns kubectl's output.
func mustApply(t *testing.T, env *controlplane.Env, obj map[string]any) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := applyObject(ctx, env, obj)
	if err != nil {
		t.Fatalf("apply %s refused: %v", objectName(obj), err)
	}
	t.Cleanup(func() {
		if err := deleteObject(context.Background(), env, obj); err != nil {
			t.Errorf("delete %s: %v", objectName(obj), err)
		}
	})
	return out
}

// expectRefused applies obj and fails the test unless it is refused with a
// message containing want.
func expectRefused(t *testing.T, env *controlplane.Env, obj map[string]any, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := applyObject(ctx, env, obj)
	if err == nil {
		_ = deleteObject(context.Background(), env, obj)
		t.Fatalf("apply %s accepted, want refused with %q:\n%s", objectName(obj), want, lines(out))
	}
	if !strings.Contains(out, want) {
		t.Fatalf("apply %s refused, but the output lacks %q:\n%s", objectName(obj), want, lines(out))
	}
}

// TestDelegation walks the delegations of the fixture connection "partner"
// with kubectl.
func TestDelegation(t *testing.T) {
	t.Run("undelegated namespace is refused", func(t *testing.T) {
		expectRefused(t, hooked, grant("team-x", "g", "partner", "partner-data", "partner-b/"),
			`namespace "team-x" may not grant partner-data/partner-b/ on connection "partner": no delegation of the connection selects the namespace`)
	})
	t.Run("inside a delegated scope is accepted", func(t *testing.T) {
		mustApply(t, hooked, grant("team-b", "inside", "partner", "partner-data", "partner-b/inbox/"))
		mustApply(t, hooked, grant("team-b", "scope-itself", "partner", "partner-data", "partner-b/"))
		mustApply(t, hooked, grant("team-b", "whole-delegated-bucket", "partner", "other-bucket", ""))
	})
	t.Run("outside the scopes is refused, naming them", func(t *testing.T) {
		expectRefused(t, hooked, grant("team-b", "outside", "partner", "partner-data", "partner-a/"),
			"it may grant only partner-data/partner-b/, other-bucket (whole bucket)")
	})
	t.Run("operator namespace may grant anything", func(t *testing.T) {
		mustApply(t, hooked, grant(operatorNamespace, "anything", "partner", "partner-data", "partner-a/"))
		mustApply(t, hooked, grant(operatorNamespace, "any-bucket", "partner", "undelegated-bucket", ""))
	})
	t.Run("namespaceSelector delegation", func(t *testing.T) {
		mustApply(t, hooked, grant("team-sel", "selected", "partner", "shared-data", "tenants/team-sel/"))
		expectRefused(t, hooked, grant("team-sel", "selected-outside", "partner", "shared-data", "admins/"),
			"it may grant only shared-data/tenants/")
	})
	t.Run("labelling a namespace delegates to it", func(t *testing.T) {
		ns := map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "team-late"}}
		mustApply(t, hooked, ns)
		late := grant("team-late", "late", "partner", "shared-data", "tenants/team-late/")
		expectRefused(t, hooked, late, "no delegation of the connection selects the namespace")
		ns["metadata"] = map[string]any{"name": "team-late", "labels": map[string]any{"s3am.io/tenant": "true"}}
		mustApply(t, hooked, ns)
		poll.UntilNoError(t, 15*time.Second, "grant in the newly labelled namespace", func() error {
			_, err := applyObject(context.Background(), hooked, late)
			return err
		})
		t.Cleanup(func() { _ = deleteObject(context.Background(), hooked, late) })
	})
	t.Run("connection that does not exist yet is accepted with a warning", func(t *testing.T) {
		out := mustApply(t, hooked, grant("team-x", "early", "not-yet", "partner-data", "partner-x/"))
		if !strings.Contains(out, `Warning: S3Connection "not-yet" does not exist (yet)`) {
			t.Errorf("no warning about the missing connection:\n%s", lines(out))
		}
	})
}

// TestWholeBucketWarning: a whole-bucket grant is accepted, and kubectl shows
// the webhook's warning.
func TestWholeBucketWarning(t *testing.T) {
	out := mustApply(t, hooked, grant(operatorNamespace, "whole", "partner", "partner-data", ""))
	if !strings.Contains(out, `Warning: wholeBucket: true is full bucket access: User "alice" get read, list on every object in bucket "partner-data"`) {
		t.Errorf("no full-bucket warning:\n%s", lines(out))
	}
	out = mustApply(t, hooked, grant(operatorNamespace, "prefixed", "partner", "partner-data", "partner-a/"))
	if strings.Contains(out, "Warning") {
		t.Errorf("a prefix grant drew a warning:\n%s", lines(out))
	}
}

// TestDefaultConnection: a grant without a connection gets the one annotated
// as the default, whose delegations then apply.
func TestDefaultConnection(t *testing.T) {
	mustApply(t, hooked, connection("the-default", map[string]any{"s3am.io/default-connection": "true"}))
	mustApply(t, hooked, grant(operatorNamespace, "defaulted", "", "partner-data", "partner-a/"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := hooked.Kubectl(ctx, "", "get", "prefixgrant", "-n", operatorNamespace, "defaulted", "-o", "jsonpath={.spec.connection}")
	if err != nil || out != "the-default" {
		t.Errorf("spec.connection = %q (%v), want the-default", out, err)
	}
	expectRefused(t, hooked, grant("team-b", "defaulted", "", "partner-data", "partner-b/"),
		`namespace "team-b" may not grant partner-data/partner-b/ on connection "the-default"`)
}

// TestUpdateAfterDelegationNarrowed: when a connection stops delegating, the
// grants already admitted stay updatable in their metadata (the controller's
// finalizer must come off) and deletable, but their spec cannot change
// without fitting the delegations again.
func TestUpdateAfterDelegationNarrowed(t *testing.T) {
	delegated := map[string]any{
		"namespaces": []any{"team-b"},
		"scopes":     []any{map[string]any{"bucket": "partner-data", "prefix": "team-b/"}},
	}
	mustApply(t, hooked, connection("narrowing", nil, delegated))
	g := grant("team-b", "admitted", "narrowing", "partner-data", "team-b/inbox/")
	mustApply(t, hooked, g)
	mustApply(t, hooked, connection("narrowing", nil, map[string]any{
		"namespaces": []any{"team-b"},
		"scopes":     []any{map[string]any{"bucket": "partner-data", "prefix": "team-b/outbox/"}},
	}))
	changed := grant("team-b", "admitted", "narrowing", "partner-data", "team-b/inbox/")
	changed["spec"].(map[string]any)["permissions"] = []any{"read"}
	poll.UntilNoError(t, 15*time.Second, "spec change after narrowing", func() error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		out, err := applyObject(ctx, hooked, changed)
		if err == nil {
			return errorf("accepted a spec change outside the narrowed delegation:\n%s", out)
		}
		if !strings.Contains(out, "it may grant only partner-data/team-b/outbox/") {
			return errorf("refused without naming the remaining scope:\n%s", out)
		}
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := hooked.Kubectl(ctx, "", "label", "prefixgrant", "-n", "team-b", "admitted", "reviewed=true"); err != nil {
		t.Errorf("metadata update refused: %v\n%s", err, out)
	}
	if out, err := hooked.Kubectl(ctx, "", "delete", "prefixgrant", "-n", "team-b", "admitted"); err != nil {
		t.Errorf("delete refused: %v\n%s", err, out)
	}
}
