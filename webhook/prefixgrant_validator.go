package webhook

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/delegation"
)

// +kubebuilder:webhook:path=/validate-s3am-io-v1alpha1-prefixgrant,mutating=false,failurePolicy=fail,sideEffects=None,groups=s3am.io,resources=prefixgrants,verbs=create;update,versions=v1alpha1,name=vprefixgrant.s3am.io,admissionReviewVersions=v1

// PrefixGrantValidator admits a PrefixGrant whose spec is well formed, whose
// connection is known or can be defaulted, and whose namespace may grant its
// bucket and prefix under the connection's delegations. A whole-bucket grant
// and a connection that does not exist yet are admitted with a warning.
type PrefixGrantValidator struct {
	Readers Readers
	// OperatorNamespace may grant anything; see Options.
	OperatorNamespace string
	// Now is the clock for the validity warnings; nil is time.Now.
	Now func() time.Time
}

// ValidateCreate implements admission.Validator.
func (v *PrefixGrantValidator) ValidateCreate(ctx context.Context, g *v1alpha1.PrefixGrant) (admission.Warnings, error) {
	return v.validate(ctx, g)
}

// ValidateUpdate implements admission.Validator. An update that leaves the
// spec alone, such as the controller adding or removing its finalizer, is
// admitted without checks: a grant that fell outside a narrowed delegation
// must still be deletable; the controller reports it as OutsideDelegation.
func (v *PrefixGrantValidator) ValidateUpdate(ctx context.Context, old, g *v1alpha1.PrefixGrant) (admission.Warnings, error) {
	if equality.Semantic.DeepEqual(old.Spec, g.Spec) || g.DeletionTimestamp != nil {
		return nil, nil
	}
	return v.validate(ctx, g)
}

// ValidateDelete implements admission.Validator; deletes are not registered.
func (v *PrefixGrantValidator) ValidateDelete(context.Context, *v1alpha1.PrefixGrant) (admission.Warnings, error) {
	return nil, nil
}

func (v *PrefixGrantValidator) validate(ctx context.Context, g *v1alpha1.PrefixGrant) (admission.Warnings, error) {
	if errs := validatePrefixGrantSpec(&g.Spec); len(errs) > 0 {
		return nil, apierrors.NewInvalid(v1alpha1.GroupVersion.WithKind("PrefixGrant").GroupKind(), g.Name, errs)
	}
	warnings := v.specWarnings(g)
	connection, err := v.connectionName(ctx, g)
	if err != nil {
		return warnings, err
	}
	conn, found, err := v.Readers.connection(ctx, connection)
	if err != nil {
		return warnings, err
	}
	if !found {
		return append(warnings, fmt.Sprintf("S3Connection %q does not exist (yet); the grant authorizes nothing until it does, "+
			"and the operator then checks that namespace %q may grant %s", connection, g.Namespace, target(g))), nil
	}
	ns := delegation.Namespace{Name: g.Namespace}
	if obj, found, err := v.Readers.namespace(ctx, g.Namespace); err != nil {
		return warnings, err
	} else if found {
		ns.Labels = obj.Labels
	}
	decision, err := delegation.Decide(v.OperatorNamespace, ns, conn, target(g))
	if err != nil {
		warnings = append(warnings, fmt.Sprintf("S3Connection %q has delegations the operator ignores: %v", connection, err))
	}
	if !decision.Allowed {
		return warnings, apierrors.NewForbidden(v1alpha1.GroupVersion.WithResource("prefixgrants").GroupResource(), g.Name, errors.New(decision.Message()))
	}
	return warnings, nil
}

// connectionName is spec.connection or, when the defaulter found no single
// default, an explanation of what to do.
func (v *PrefixGrantValidator) connectionName(ctx context.Context, g *v1alpha1.PrefixGrant) (string, error) {
	if g.Spec.Connection != "" {
		return g.Spec.Connection, nil
	}
	names, err := v.Readers.defaultConnections(ctx)
	if err != nil {
		return "", err
	}
	path := field.NewPath("spec", "connection")
	switch len(names) {
	case 1:
		// The defaulter did not run (it is installed separately); the
		// stored object keeps an empty connection and follows the default.
		return names[0], nil
	case 0:
		return "", apierrors.NewInvalid(v1alpha1.GroupVersion.WithKind("PrefixGrant").GroupKind(), g.Name, field.ErrorList{field.Required(path,
			"no S3Connection is annotated "+v1alpha1.DefaultConnectionAnnotation+`: "true"; name a connection in spec.connection, or annotate one connection as the default`)})
	default:
		return "", apierrors.NewInvalid(v1alpha1.GroupVersion.WithKind("PrefixGrant").GroupKind(), g.Name, field.ErrorList{field.Required(path,
			fmt.Sprintf("S3Connections %s are all annotated %s: \"true\", so none is the default; name one in spec.connection, or remove the annotation from all but one",
				quoteAll(names), v1alpha1.DefaultConnectionAnnotation))})
	}
}

// specWarnings are about grants that are valid but probably not meant.
func (v *PrefixGrantValidator) specWarnings(g *v1alpha1.PrefixGrant) admission.Warnings {
	var w admission.Warnings
	if g.Spec.WholeBucket {
		w = append(w, fmt.Sprintf("wholeBucket: true is full bucket access: %s get %s on every object in bucket %q; "+
			"prefer a prefix such as \"partner-a/\" unless the whole bucket is meant", subjectList(g.Spec.Subjects), permissionList(g.Spec.Permissions), g.Spec.Bucket))
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	if u := g.Spec.ValidUntil; u != nil && !u.After(now()) {
		w = append(w, fmt.Sprintf("validUntil %s is in the past; the grant will never authorize anything", u.UTC().Format(time.RFC3339)))
	}
	return w
}

func target(g *v1alpha1.PrefixGrant) delegation.Target {
	return delegation.Target{Bucket: string(g.Spec.Bucket), Prefix: string(g.Spec.Prefix), WholeBucket: g.Spec.WholeBucket}
}

func subjectList(subjects []v1alpha1.Subject) string {
	names := make([]string, len(subjects))
	for i, s := range subjects {
		names[i] = fmt.Sprintf("%s %q", s.Kind, s.Name)
	}
	return strings.Join(names, ", ")
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, " and ")
}

func permissionList(perms []v1alpha1.Permission) string {
	names := make([]string, len(perms))
	for i, p := range perms {
		names[i] = string(p)
	}
	return strings.Join(names, ", ")
}
