package webhook

import (
	"context"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

// +kubebuilder:webhook:path=/mutate-s3am-io-v1alpha1-prefixgrant,mutating=true,failurePolicy=fail,sideEffects=None,groups=s3am.io,resources=prefixgrants,verbs=create;update,versions=v1alpha1,name=mprefixgrant.s3am.io,admissionReviewVersions=v1

// PrefixGrantDefaulter fills an empty spec.connection with the S3Connection
// annotated s3am.io/default-connection: "true", as a PersistentVolumeClaim
// gets the default StorageClass. With no default, or more than one, it leaves
// the field empty and PrefixGrantValidator explains what to do.
type PrefixGrantDefaulter struct {
	Readers Readers
}

// Default implements admission.Defaulter.
func (d *PrefixGrantDefaulter) Default(ctx context.Context, g *v1alpha1.PrefixGrant) error {
	if g.Spec.Connection != "" || g.DeletionTimestamp != nil {
		return nil
	}
	names, err := d.Readers.defaultConnections(ctx)
	if err != nil {
		return err
	}
	if len(names) == 1 {
		g.Spec.Connection = names[0]
	}
	return nil
}
