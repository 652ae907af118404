package controllers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/policy"
	awsprovider "github.com/s3am/s3-access-manager/internal/providers/aws"
	minioprovider "github.com/s3am/s3-access-manager/internal/providers/minio"
)

// policyTarget is where IAM mode Apply delivers a connection's documents: the
// inline policies of an AWS role, or canned policies attached to a MinIO user.
// Documents are named s3am-CONNECTION-1..N, so that what the operator wrote is
// found again (for drift and removal) without other state.
type policyTarget interface {
	// Apply writes docs and removes the target's older s3am documents beyond them.
	Apply(ctx context.Context, docs [][]byte) error
	// Drifted reports whether what the target holds differs from docs.
	Drifted(ctx context.Context, docs [][]byte) (bool, error)
	// Remove deletes every document the operator wrote for the connection:
	// those it finds, and the first known ones by name, which a failed
	// attach may have left unattached.
	Remove(ctx context.Context, known int) error
}

// newPolicyTarget returns the target of conn's iam settings.
func newPolicyTarget(cfg aws.Config, conn *v1alpha1.S3Connection) (policyTarget, error) {
	prefix := "s3am-" + conn.Name + "-"
	switch conn.Spec.Provider {
	case v1alpha1.ProviderAWS:
		return &roleTarget{store: awsprovider.NewRolePolicies(cfg), role: conn.Spec.IAM.RoleName, prefix: prefix}, nil
	case v1alpha1.ProviderS3Compatible:
		c, err := minioprovider.New(cfg)
		if err != nil {
			return nil, fmt.Errorf("minio admin client: %w", err)
		}
		return &cannedTarget{store: c, user: conn.Spec.IAM.User, prefix: prefix}, nil
	}
	return nil, fmt.Errorf("unknown provider %q", conn.Spec.Provider)
}

// documentNames returns prefix1..prefixN.
func documentNames(prefix string, n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = prefix + strconv.Itoa(i+1)
	}
	return names
}

// stale returns the names with prefix that are not in keep.
func stale(names []string, prefix string, keep []string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) && !slices.Contains(keep, n) {
			out = append(out, n)
		}
	}
	return out
}

// documentsDiffer reports whether the document stored under names[i] is
// missing (get fails with missing) or says other than docs[i], for any i.
func documentsDiffer(ctx context.Context, names []string, docs [][]byte, get func(context.Context, string) ([]byte, error), missing error) (bool, error) {
	for i, name := range names {
		got, err := get(ctx, name)
		if errors.Is(err, missing) {
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("read policy %s: %w", name, err)
		}
		if same, err := policy.Equivalent(got, docs[i]); err != nil || !same {
			return true, nil
		}
	}
	return false, nil
}

// roleTarget writes inline policies of an AWS IAM role.
type roleTarget struct {
	store  awsprovider.RolePolicies
	role   string
	prefix string
}

// Apply writes the documents to the role and removes older s3am documents beyond them.
func (t *roleTarget) Apply(ctx context.Context, docs [][]byte) error {
	names := documentNames(t.prefix, len(docs))
	for i, d := range docs {
		if err := t.store.Put(ctx, t.role, names[i], d); err != nil {
			return fmt.Errorf("put role policy %s: %w", names[i], err)
		}
	}
	return t.deleteAllBut(ctx, names)
}

// Drifted compares what the role holds with docs, semantically.
func (t *roleTarget) Drifted(ctx context.Context, docs [][]byte) (bool, error) {
	get := func(ctx context.Context, name string) ([]byte, error) { return t.store.Get(ctx, t.role, name) }
	return documentsDiffer(ctx, documentNames(t.prefix, len(docs)), docs, get, awsprovider.ErrNotFound)
}

// Remove deletes the connection's documents from the role.
func (t *roleTarget) Remove(ctx context.Context, _ int) error {
	return t.deleteAllBut(ctx, nil)
}

// deleteAllBut deletes the role's s3am documents of this connection that
// are not in keep.
func (t *roleTarget) deleteAllBut(ctx context.Context, keep []string) error {
	existing, err := t.store.List(ctx, t.role)
	if err != nil {
		return fmt.Errorf("list role policies: %w", err)
	}
	for _, n := range stale(existing, t.prefix, keep) {
		if err := t.store.Delete(ctx, t.role, n); err != nil {
			return fmt.Errorf("delete role policy %s: %w", n, err)
		}
	}
	return nil
}

// cannedTarget writes MinIO canned policies attached to a user.
type cannedTarget struct {
	store  minioprovider.PolicyStore
	user   string
	prefix string
}

// Apply writes the documents to the user and removes older s3am documents beyond them.
func (t *cannedTarget) Apply(ctx context.Context, docs [][]byte) error {
	names := documentNames(t.prefix, len(docs))
	for i, d := range docs {
		if err := t.store.Put(ctx, names[i], d); err != nil {
			return fmt.Errorf("put canned policy %s: %w", names[i], err)
		}
	}
	if err := t.store.Attach(ctx, t.user, names...); err != nil {
		return fmt.Errorf("attach canned policies to %s: %w", t.user, err)
	}
	attached, err := t.store.Attached(ctx, t.user)
	if err != nil {
		return fmt.Errorf("list policies of %s: %w", t.user, err)
	}
	if old := stale(attached, t.prefix, names); len(old) > 0 {
		if err := t.store.Detach(ctx, t.user, old...); err != nil {
			return fmt.Errorf("detach stale canned policies: %w", err)
		}
		for _, n := range old {
			if err := t.store.Delete(ctx, n); err != nil {
				return fmt.Errorf("delete stale canned policy %s: %w", n, err)
			}
		}
	}
	return nil
}

// Drifted compares what the user holds with docs, semantically.
func (t *cannedTarget) Drifted(ctx context.Context, docs [][]byte) (bool, error) {
	names := documentNames(t.prefix, len(docs))
	attached, err := t.store.Attached(ctx, t.user)
	if err != nil {
		return false, fmt.Errorf("list policies of %s: %w", t.user, err)
	}
	for _, name := range names {
		if !slices.Contains(attached, name) {
			return true, nil
		}
	}
	return documentsDiffer(ctx, names, docs, t.store.Get, minioprovider.ErrNoSuchPolicy)
}

// Remove deletes the connection's documents from the user.
func (t *cannedTarget) Remove(ctx context.Context, known int) error {
	attached, err := t.store.Attached(ctx, t.user)
	if err != nil && !errors.Is(err, minioprovider.ErrNoSuchUser) {
		return fmt.Errorf("list policies of %s: %w", t.user, err)
	}
	mine := stale(attached, t.prefix, nil)
	if len(mine) > 0 {
		if err := t.store.Detach(ctx, t.user, mine...); err != nil {
			return fmt.Errorf("detach canned policies: %w", err)
		}
	}
	for _, n := range documentNames(t.prefix, known) {
		if !slices.Contains(mine, n) {
			mine = append(mine, n)
		}
	}
	for _, n := range mine {
		if err := t.store.Delete(ctx, n); err != nil {
			return fmt.Errorf("delete canned policy %s: %w", n, err)
		}
	}
	return nil
}
