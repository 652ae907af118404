package webhook

import (
	"fmt"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

// The webhooks read connections (the default, the one a grant names) and the
// labels of a grant's namespace, which namespaceSelector delegations match.
// +kubebuilder:rbac:groups=s3am.io,resources=s3connections,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch

// Setup registers the PrefixGrant defaulter and validator and the S3Connection
// validator with mgr's webhook server. They read through mgr's cache, which
// then holds S3Connections and Namespaces, and confirm cache misses with
// mgr's API reader.
func Setup(mgr ctrl.Manager, opts Options) error {
	readers := Readers{Cached: mgr.GetClient(), Live: mgr.GetAPIReader()}
	if err := ctrl.NewWebhookManagedBy(mgr, &v1alpha1.PrefixGrant{}).
		WithDefaulter(&PrefixGrantDefaulter{Readers: readers}).
		WithValidator(&PrefixGrantValidator{Readers: readers, OperatorNamespace: opts.operatorNamespace()}).
		Complete(); err != nil {
		return fmt.Errorf("register PrefixGrant webhooks: %w", err)
	}
	if err := ctrl.NewWebhookManagedBy(mgr, &v1alpha1.S3Connection{}).
		WithValidator(&S3ConnectionValidator{Readers: readers}).
		Complete(); err != nil {
		return fmt.Errorf("register S3Connection webhook: %w", err)
	}
	return nil
}
