package controllers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/convert"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/grantstatus"
	"github.com/s3am/s3-access-manager/internal/policy"
)

// minioCannedPolicyLimit: MinIO stores canned policies of up to 20 KiB and
// evaluates the union of all attached to a user, so documents may be many.
var minioCannedPolicyLimit = policy.Limit{Name: "MinIO canned policy", PerDocument: 20 * 1024}

// maxPublishedPolicyBytes keeps the review ConfigMap under the 1 MiB an
// object may have in etcd, with room for metadata.
const maxPublishedPolicyBytes = 900 * 1024

// reconcilePolicy generates the connection policy from its Ready grants,
// publishes it in a ConfigMap and, in Apply mode, delivers it.
func (r *S3ConnectionReconciler) reconcilePolicy(ctx context.Context, conn *v1alpha1.S3Connection, cfg aws.Config, credsOK bool) error {
	// The cost of generating and publishing (not of applying, which waits
	// on IAM) spaces the next regenerations.
	began := time.Now()
	grants, err := r.readyGrants(ctx, conn)
	if err != nil {
		return err
	}
	docs, err := policy.ConnectionPolicy(convert.Connection(conn), grants, policyLimit(conn))
	var tooLarge *policy.TooLargeError
	if errors.As(err, &tooLarge) {
		setCondition(&conn.Status.Conditions, conn.Generation, v1alpha1.ConditionPolicyApplied, false, v1alpha1.ReasonPolicyTooLarge, err.Error())
		return nil
	}
	if err != nil {
		return fmt.Errorf("generate policy of %s: %w", conn.Name, err)
	}
	rendered, err := policy.Render(docs)
	if err != nil {
		return err
	}
	summary, err := policy.Summarize(docs)
	if err != nil {
		return err
	}
	if summary.Bytes > maxPublishedPolicyBytes {
		setCondition(&conn.Status.Conditions, conn.Generation, v1alpha1.ConditionPolicyApplied, false, v1alpha1.ReasonPolicyTooLarge,
			fmt.Sprintf("the policy of %d grant(s) needs %d characters in %d document(s); at most %d fit the review ConfigMap, and far fewer an IAM role: split the grants over more connections or use group grants",
				len(grants), summary.Bytes, summary.Documents, maxPublishedPolicyBytes))
		return nil
	}
	cmName, err := r.publishPolicy(ctx, conn, rendered)
	r.policyCosts.record(conn.Name, time.Since(began))
	if err != nil {
		return err
	}
	previous := conn.Status.Policy
	conn.Status.Policy = &v1alpha1.PolicySummary{
		Documents: int32(summary.Documents), Bytes: int64(summary.Bytes), SHA256: summary.SHA256, ConfigMapName: cmName,
	}
	if !applyMode(conn) {
		setCondition(&conn.Status.Conditions, conn.Generation, v1alpha1.ConditionPolicyApplied, false, v1alpha1.ReasonPolicyReported,
			fmt.Sprintf("iam.mode is Report: %d document(s) published in ConfigMap %s/%s for review", summary.Documents, r.OperatorNamespace, cmName))
		return nil
	}
	if !credsOK {
		setCondition(&conn.Status.Conditions, conn.Generation, v1alpha1.ConditionPolicyApplied, false, v1alpha1.ReasonPolicyApplyFailed,
			"the policy cannot be applied while Test Connection fails")
		return nil
	}
	r.applyPolicy(ctx, conn, cfg, rendered, previous)
	return nil
}

// applyPolicy writes the documents when they changed or were changed by hand
// (drift: a Warning event), and sets PolicyApplied.
func (r *S3ConnectionReconciler) applyPolicy(ctx context.Context, conn *v1alpha1.S3Connection, cfg aws.Config, rendered [][]byte, previous *v1alpha1.PolicySummary) {
	fail := func(err error) {
		setCondition(&conn.Status.Conditions, conn.Generation, v1alpha1.ConditionPolicyApplied, false, v1alpha1.ReasonPolicyApplyFailed, err.Error())
	}
	target, err := newPolicyTarget(cfg, conn)
	if err != nil {
		fail(err)
		return
	}
	drifted, err := target.Drifted(ctx, rendered)
	if err != nil {
		fail(err)
		return
	}
	if drifted {
		wasApplied := previous != nil && previous.SHA256 == conn.Status.Policy.SHA256 && isApplied(conn)
		if wasApplied {
			r.Recorder.Eventf(conn, nil, corev1.EventTypeWarning, v1alpha1.ReasonPolicyDrifted, "Apply",
				"the applied policy was changed outside the operator; re-applying the generated policy")
		}
		if err := target.Apply(ctx, rendered); err != nil {
			fail(err)
			return
		}
	}
	setCondition(&conn.Status.Conditions, conn.Generation, v1alpha1.ConditionPolicyApplied, true, v1alpha1.ReasonPolicyApplied,
		fmt.Sprintf("%d document(s), %d characters, applied to %s", len(rendered), conn.Status.Policy.Bytes, targetName(conn)))
}

func isApplied(conn *v1alpha1.S3Connection) bool {
	for _, c := range conn.Status.Conditions {
		if c.Type == v1alpha1.ConditionPolicyApplied {
			return c.Status == metav1.ConditionTrue
		}
	}
	return false
}

func targetName(conn *v1alpha1.S3Connection) string {
	if conn.Spec.Provider == v1alpha1.ProviderAWS {
		return "role " + conn.Spec.IAM.RoleName
	}
	return "user " + conn.Spec.IAM.User
}

func applyMode(conn *v1alpha1.S3Connection) bool {
	return conn.Spec.IAM != nil && conn.Spec.IAM.Mode == v1alpha1.IAMModeApply
}

func policyLimit(conn *v1alpha1.S3Connection) policy.Limit {
	if conn.Spec.Provider == v1alpha1.ProviderS3Compatible {
		return minioCannedPolicyLimit
	}
	return policy.InlineRoleLimit
}

// readyGrants lists the grants the connection policy is made of: Ready ones
// on this connection, including those that name none when it is the default.
func (r *S3ConnectionReconciler) readyGrants(ctx context.Context, conn *v1alpha1.S3Connection) ([]grant.Grant, error) {
	names := []string{conn.Name}
	if convert.IsDefault(conn) {
		names = append(names, "")
	}
	var pgs []v1alpha1.PrefixGrant
	for _, n := range names {
		list := &v1alpha1.PrefixGrantList{}
		// The grants are only read, to build plain grants: copying all of
		// them from the cache at every regeneration cost more than the policy.
		if err := r.List(ctx, list, client.MatchingFields{indexGrantConnection: n}, client.UnsafeDisableDeepCopy); err != nil {
			return nil, fmt.Errorf("list grants of %s: %w", conn.Name, err)
		}
		pgs = append(pgs, list.Items...)
	}
	var out []grant.Grant
	for _, g := range grantstatus.AuthorizingGrants(pgs, []v1alpha1.S3Connection{*conn}, time.Now()) {
		if g.Connection == conn.Name {
			out = append(out, g)
		}
	}
	return out, nil
}

// publishPolicy writes the documents into a ConfigMap owned by the connection
// in the operator's namespace, so GitOps users can review them.
func (r *S3ConnectionReconciler) publishPolicy(ctx context.Context, conn *v1alpha1.S3Connection, rendered [][]byte) (string, error) {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "s3am-policy-" + conn.Name, Namespace: r.OperatorNamespace}}
	_, err := controllerutil.CreateOrPatch(ctx, r.Client, cm, func() error {
		cm.Labels = map[string]string{"app.kubernetes.io/managed-by": "s3am", "s3am.io/connection": conn.Name}
		cm.Data = make(map[string]string, len(rendered))
		for i, d := range rendered {
			cm.Data["policy-"+strconv.Itoa(i+1)+".json"] = string(d)
		}
		return controllerutil.SetControllerReference(conn, cm, r.Scheme())
	})
	if err != nil {
		return "", fmt.Errorf("publish policy ConfigMap: %w", err)
	}
	return cm.Name, nil
}
