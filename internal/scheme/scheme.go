// Package scheme builds the runtime.Scheme every s3am process and test uses:
// the built-in Kubernetes types and s3am.io/v1alpha1.
package scheme

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

// New returns a scheme with the built-in types and s3am.io/v1alpha1.
func New() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("client-go scheme: %w", err)
	}
	if err := v1alpha1.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("s3am scheme: %w", err)
	}
	return s, nil
}
