package webhook

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/delegation"
)

// +kubebuilder:webhook:path=/validate-s3am-io-v1alpha1-s3connection,mutating=false,failurePolicy=fail,sideEffects=None,groups=s3am.io,resources=s3connections,verbs=create;update,versions=v1alpha1,name=vs3connection.s3am.io,admissionReviewVersions=v1

// S3ConnectionValidator admits an S3Connection whose spec is well formed and
// which does not become a second default connection.
type S3ConnectionValidator struct {
	Readers Readers
}

// ValidateCreate implements admission.Validator.
func (v *S3ConnectionValidator) ValidateCreate(ctx context.Context, c *v1alpha1.S3Connection) (admission.Warnings, error) {
	return v.validate(ctx, nil, c)
}

// ValidateUpdate implements admission.Validator. The spec is checked only
// when it changes, and the default annotation only when it is added, so that
// metadata updates (finalizers) of an object stored under an older schema
// still go through.
func (v *S3ConnectionValidator) ValidateUpdate(ctx context.Context, old, c *v1alpha1.S3Connection) (admission.Warnings, error) {
	if c.DeletionTimestamp != nil {
		return nil, nil
	}
	return v.validate(ctx, old, c)
}

// ValidateDelete implements admission.Validator; deletes are not registered.
func (v *S3ConnectionValidator) ValidateDelete(context.Context, *v1alpha1.S3Connection) (admission.Warnings, error) {
	return nil, nil
}

func (v *S3ConnectionValidator) validate(ctx context.Context, old, c *v1alpha1.S3Connection) (admission.Warnings, error) {
	var errs field.ErrorList
	if old == nil || !equality.Semantic.DeepEqual(old.Spec, c.Spec) {
		errs = append(errs, validateS3ConnectionSpec(&c.Spec)...)
	}
	annotation := field.NewPath("metadata", "annotations").Key(v1alpha1.DefaultConnectionAnnotation)
	value, annotated := c.Annotations[v1alpha1.DefaultConnectionAnnotation]
	if annotated && value != "true" && value != "false" {
		errs = append(errs, field.NotSupported(annotation, value, []string{"true", "false"}))
	}
	if len(errs) == 0 && isDefault(c) && (old == nil || !isDefault(old)) {
		others, err := v.otherDefaults(ctx, c.Name)
		if err != nil {
			return nil, err
		}
		if len(others) > 0 {
			errs = append(errs, field.Forbidden(annotation, fmt.Sprintf(
				"S3Connection %s is already the default connection; only one may be annotated %s: \"true\"; "+
					"remove the annotation from %s first, or leave it off this connection",
				quoteAll(others), v1alpha1.DefaultConnectionAnnotation, quoteAll(others))))
		}
	}
	if len(errs) > 0 {
		return nil, apierrors.NewInvalid(v1alpha1.GroupVersion.WithKind("S3Connection").GroupKind(), c.Name, errs)
	}
	return connectionWarnings(c), nil
}

func (v *S3ConnectionValidator) otherDefaults(ctx context.Context, name string) ([]string, error) {
	names, err := v.Readers.defaultConnections(ctx)
	if err != nil {
		return nil, err
	}
	var others []string
	for _, n := range names {
		if n != name {
			others = append(others, n)
		}
	}
	return others, nil
}

// connectionWarnings are about connections that are valid but probably not meant.
func connectionWarnings(c *v1alpha1.S3Connection) admission.Warnings {
	var w admission.Warnings
	for i, d := range c.Spec.Delegations {
		if s := d.NamespaceSelector; s != nil && len(s.MatchLabels) == 0 && len(s.MatchExpressions) == 0 {
			w = append(w, fmt.Sprintf("spec.delegations[%d].namespaceSelector is empty and selects every namespace; "+
				"every namespace may then grant %s", i, scopeList(d.Scopes)))
		}
	}
	return w
}

func scopeList(scopes []v1alpha1.BucketScope) string {
	ds := make([]delegation.Scope, len(scopes))
	for i, sc := range scopes {
		ds[i] = delegation.Scope{Bucket: string(sc.Bucket), Prefix: string(sc.Prefix)}
	}
	return delegation.FormatScopes(ds)
}
