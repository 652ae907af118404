package webhook

import (
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

// validateSecretKeysRef checks a Secret reference. Empty key names are
// allowed: the schema defaults them before any webhook sees the object.
func validateSecretKeysRef(p *field.Path, ref *v1alpha1.SecretKeysRef) field.ErrorList {
	errs := validateObjectRef(p, ref.Namespace, ref.Name)
	for _, k := range []struct{ name, value string }{{"accessKeyIDKey", ref.AccessKeyIDKey}, {"secretAccessKeyKey", ref.SecretAccessKeyKey}} {
		if k.value != "" {
			errs = append(errs, messages(p.Child(k.name), k.value, validation.IsConfigMapKey(k.value))...)
		}
	}
	return errs
}

func validateObjectKeyRef(p *field.Path, ref *v1alpha1.ObjectKeyRef) field.ErrorList {
	errs := validateObjectRef(p, ref.Namespace, ref.Name)
	if ref.Key == "" {
		return append(errs, field.Required(p.Child("key"), "name the key that holds the PEM bundle, e.g. ca.crt"))
	}
	return append(errs, messages(p.Child("key"), ref.Key, validation.IsConfigMapKey(ref.Key))...)
}

func validateObjectRef(p *field.Path, namespace, name string) field.ErrorList {
	var errs field.ErrorList
	if namespace == "" {
		errs = append(errs, field.Required(p.Child("namespace"), "name the namespace of the object, e.g. s3am-system"))
	} else {
		errs = append(errs, messages(p.Child("namespace"), namespace, validation.IsDNS1123Label(namespace))...)
	}
	if name == "" {
		errs = append(errs, field.Required(p.Child("name"), "name the object"))
	} else {
		errs = append(errs, messages(p.Child("name"), name, validation.IsDNS1123Subdomain(name))...)
	}
	return errs
}
