package webhook

import (
	"slices"

	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

// validateDelegations checks who a connection delegates to and which bucket
// scopes, with the same bucket and prefix rules as grants. A namespaceSelector
// is checked as Kubernetes checks label selectors, which the schema cannot.
func validateDelegations(p *field.Path, dels []v1alpha1.Delegation) field.ErrorList {
	var errs field.ErrorList
	if len(dels) > maxDelegations {
		errs = append(errs, field.TooMany(p, len(dels), maxDelegations))
	}
	for i, d := range dels {
		dp := p.Index(i)
		if set := present(choice{d.Namespaces != nil, "namespaces"}, choice{d.NamespaceSelector != nil, "namespaceSelector"}); len(set) != 1 {
			errs = append(errs, field.Invalid(dp, describe(set), "a delegation names either namespaces or a namespaceSelector, not both and not neither"))
		}
		if len(d.Namespaces) > maxDelegationNames {
			errs = append(errs, field.TooMany(dp.Child("namespaces"), len(d.Namespaces), maxDelegationNames))
		}
		for j, ns := range d.Namespaces {
			np := dp.Child("namespaces").Index(j)
			errs = append(errs, messages(np, ns, validation.IsDNS1123Label(ns))...)
			if slices.Contains(d.Namespaces[:j], ns) {
				errs = append(errs, field.Duplicate(np, ns))
			}
		}
		if d.NamespaceSelector != nil {
			errs = append(errs, metav1validation.ValidateLabelSelector(d.NamespaceSelector,
				metav1validation.LabelSelectorValidationOptions{}, dp.Child("namespaceSelector"))...)
		}
		sp := dp.Child("scopes")
		switch {
		case len(d.Scopes) == 0:
			errs = append(errs, field.Required(sp, `list at least one bucket scope, e.g. {bucket: partner-data, prefix: "partner-b/"}`))
		case len(d.Scopes) > maxScopes:
			errs = append(errs, field.TooMany(sp, len(d.Scopes), maxScopes))
		}
		for j, s := range d.Scopes {
			errs = append(errs, validateBucket(sp.Index(j).Child("bucket"), string(s.Bucket))...)
			if s.Prefix != "" {
				errs = append(errs, validatePrefix(sp.Index(j).Child("prefix"), string(s.Prefix))...)
			}
		}
	}
	return errs
}
