package controllers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/links"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

func newLink(t *testing.T, name string, mutate func(*v1alpha1.AccessLink)) *v1alpha1.AccessLink {
	t.Helper()
	_, hash, err := links.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	l := &v1alpha1.AccessLink{
		ObjectMeta: metav1.ObjectMeta{Namespace: "team-x", Name: unique(name)},
		Spec: v1alpha1.AccessLinkSpec{
			Kind: v1alpha1.LinkDownload, Connection: "any", Bucket: "partner-data", Key: "reports/q3.pdf",
			Creator: v1alpha1.LinkCreator{User: "alice@partner-a.com"}, TokenHash: hash,
			ExpiresAt: metav1.NewTime(time.Now().Add(time.Hour).Truncate(time.Second)),
		},
	}
	if mutate != nil {
		mutate(l)
	}
	return l
}

// linkReady waits for the link's Ready condition to have reason, for its
// current generation.
func linkReady(t *testing.T, l *v1alpha1.AccessLink, status metav1.ConditionStatus, reason string) {
	t.Helper()
	poll.Until(t, 15*time.Second, l.Name+" Ready="+string(status)+" "+reason, func() bool {
		var got v1alpha1.AccessLink
		if k8s.Get(context.Background(), client.ObjectKeyFromObject(l), &got) != nil {
			return false
		}
		c := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionReady)
		return c != nil && c.Status == status && c.Reason == reason &&
			c.ObservedGeneration == got.Generation && got.Status.ObservedGeneration == got.Generation
	})
}

func TestAccessLinkConditions(t *testing.T) {
	ctx := context.Background()
	l := newLink(t, "link-states", func(l *v1alpha1.AccessLink) { l.Spec.MaxUses = ptr.To[int64](2) })
	if err := k8s.Create(ctx, l); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k8s.Delete(ctx, l) })
	linkReady(t, l, metav1.ConditionTrue, v1alpha1.ReasonLinkActive)

	// Used up: the server counts uses in status.
	base := l.DeepCopy()
	l.Status.Uses = 2
	if err := k8s.Status().Patch(ctx, l, client.MergeFrom(base)); err != nil {
		t.Fatal(err)
	}
	linkReady(t, l, metav1.ConditionFalse, v1alpha1.ReasonLinkUsedUp)

	// Revoked wins, and stays.
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(l), l); err != nil {
		t.Fatal(err)
	}
	base = l.DeepCopy()
	l.Spec.Revoked = true
	if err := k8s.Patch(ctx, l, client.MergeFrom(base)); err != nil {
		t.Fatal(err)
	}
	linkReady(t, l, metav1.ConditionFalse, v1alpha1.ReasonLinkRevoked)
	base = l.DeepCopy()
	l.Spec.Revoked = false
	err := k8s.Patch(ctx, l, client.MergeFrom(base))
	if err == nil || !strings.Contains(err.Error(), "cannot be reinstated") {
		t.Fatalf("un-revoking: %v", err)
	}
}

func TestAccessLinkExpiresOnTime(t *testing.T) {
	ctx := context.Background()
	expires := time.Now().Add(3 * time.Second).Truncate(time.Second)
	l := newLink(t, "link-expiry", func(l *v1alpha1.AccessLink) { l.Spec.ExpiresAt = metav1.NewTime(expires) })
	if err := k8s.Create(ctx, l); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k8s.Delete(ctx, l) })
	linkReady(t, l, metav1.ConditionTrue, v1alpha1.ReasonLinkActive)
	linkReady(t, l, metav1.ConditionFalse, v1alpha1.ReasonLinkExpired)
	if late := time.Since(expires); late > 3*time.Second {
		t.Errorf("Expired reported %v after expiresAt", late)
	}
}

// TestAccessLinkSchema: the CEL rules hold without any webhook.
func TestAccessLinkSchema(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name, want string
		mutate     func(*v1alpha1.AccessLink)
	}{
		{"key and prefix", "exactly one of key", func(l *v1alpha1.AccessLink) { l.Spec.Prefix = "reports/" }},
		{"neither", "exactly one of key", func(l *v1alpha1.AccessLink) { l.Spec.Key = "" }},
		{"upload to a file", "needs a folder", func(l *v1alpha1.AccessLink) { l.Spec.Kind = v1alpha1.LinkUploadRequest }},
		{"size on a download", "UploadRequest links only", func(l *v1alpha1.AccessLink) { l.Spec.AllowedContentTypes = []string{"application/pdf"} }},
		{"token in clear", "tokenHash", func(l *v1alpha1.AccessLink) { l.Spec.TokenHash = "my-token" }},
		{"plain password", "passwordHash", func(l *v1alpha1.AccessLink) { l.Spec.PasswordHash = "hunter22" }},
		{"traversal prefix", "..", func(l *v1alpha1.AccessLink) { l.Spec.Key = ""; l.Spec.Prefix = "a/../b/" }},
		{"folder key", "key names a file", func(l *v1alpha1.AccessLink) { l.Spec.Key = "reports/" }},
		{"zero uses", "maxUses", func(l *v1alpha1.AccessLink) { l.Spec.MaxUses = ptr.To[int64](0) }},
	} {
		l := newLink(t, "link-bad", c.mutate)
		err := k8s.Create(ctx, l)
		if err == nil {
			_ = k8s.Delete(ctx, l)
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a message with %q", c.name, err, c.want)
		}
	}

	// creator and token cannot change after creation.
	l := newLink(t, "link-immutable", nil)
	if err := k8s.Create(ctx, l); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k8s.Delete(ctx, l) })
	base := l.DeepCopy()
	l.Spec.Creator.User = "mallory@example.com"
	if err := k8s.Patch(ctx, l, client.MergeFrom(base)); err == nil || !strings.Contains(err.Error(), "cannot change") {
		t.Fatalf("changing the creator: %v", err)
	}
}
