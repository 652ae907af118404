package controllers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/connsource"
	"github.com/s3am/s3-access-manager/internal/s3conn"
)

// reconcileCredentials runs Test Connection when the spec or the objects it
// reads changed, or the check interval passed, and reports whether the
// credentials work. It returns the SDK configuration for the policy step.
func (r *S3ConnectionReconciler) reconcileCredentials(ctx context.Context, conn *v1alpha1.S3Connection) (aws.Config, bool) {
	now := time.Now()
	fingerprint, err := r.inputsFingerprint(ctx, conn)
	if err == nil {
		if ok, fresh := r.checks.fresh(conn.Name, fingerprint, now, checkInterval(conn)); fresh && ok {
			cfg, err := r.awsConfig(ctx, conn)
			return cfg, err == nil
		}
	}
	cfg, err := r.awsConfig(ctx, conn)
	var count int32
	if err == nil {
		count, err = s3conn.Test(ctx, s3conn.NewS3Client(cfg, conn.Spec))
	}
	conn.Status.LastCheckedTime = &metav1.Time{Time: now}
	if err != nil {
		reason := credentialsReason(err)
		setCondition(&conn.Status.Conditions, conn.Generation, v1alpha1.ConditionCredentialsValid, false, reason, err.Error())
		conn.Status.BucketCount = nil
		r.checks.record(conn.Name, fingerprint, now, false)
		return cfg, false
	}
	setCondition(&conn.Status.Conditions, conn.Generation, v1alpha1.ConditionCredentialsValid, true, v1alpha1.ReasonCredentialsValid,
		fmt.Sprintf("ListBuckets succeeded: %d bucket(s) visible", count))
	conn.Status.BucketCount = &count
	r.checks.record(conn.Name, fingerprint, now, true)
	return cfg, true
}

// credentialsReason picks the condition reason for a failed check. Messages
// come from s3conn, which strips key material.
func credentialsReason(err error) string {
	var apiErr *s3conn.Error
	switch {
	case apierrors.IsNotFound(err):
		return v1alpha1.ReasonSecretNotFound
	case errors.As(err, &apiErr) && apiErr.Code == "":
		return v1alpha1.ReasonEndpointUnreachable
	}
	return v1alpha1.ReasonCredentialsInvalid
}

// awsConfig builds the SDK configuration, reading Secrets and ConfigMaps
// through the cache.
func (r *S3ConnectionReconciler) awsConfig(ctx context.Context, conn *v1alpha1.S3Connection) (aws.Config, error) {
	return connsource.Config(ctx, r.Client, conn)
}

// inputsFingerprint changes whenever what Test Connection depends on
// changes: the spec's generation and the versions of the objects it reads.
func (r *S3ConnectionReconciler) inputsFingerprint(ctx context.Context, conn *v1alpha1.S3Connection) (string, error) {
	objects, err := connsource.Fingerprint(ctx, r.Client, conn)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(conn.Generation, 10) + "," + objects, nil
}

// credentialChecks remembers the last Test Connection of each connection, so
// that reconciles triggered by grant changes do not call ListBuckets again.
// It is per process: a new leader tests once more, which is harmless.
type credentialChecks struct {
	mu   sync.Mutex
	last map[string]credentialCheck
}

type credentialCheck struct {
	fingerprint string
	at          time.Time
	ok          bool
}

func (c *credentialChecks) fresh(name, fingerprint string, now time.Time, interval time.Duration) (ok, fresh bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, found := c.last[name]
	if !found || l.fingerprint != fingerprint || now.Sub(l.at) >= interval {
		return false, false
	}
	return l.ok, true
}

func (c *credentialChecks) record(name, fingerprint string, now time.Time, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last == nil {
		c.last = map[string]credentialCheck{}
	}
	c.last[name] = credentialCheck{fingerprint: fingerprint, at: now, ok: ok}
}

func (c *credentialChecks) forget(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.last, name)
}
