package webhook

import (
	"os"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

// DefaultOperatorNamespace is the operator's namespace when neither the
// --namespace flag nor POD_NAMESPACE says otherwise.
const DefaultOperatorNamespace = "s3am-system"

// PodNamespaceEnv is the environment variable the operator's Deployment fills
// from the downward API with the namespace it runs in.
const PodNamespaceEnv = "POD_NAMESPACE"

// OperatorNamespace returns the namespace the operator runs in: POD_NAMESPACE
// if set, else DefaultOperatorNamespace. A --namespace flag overrides it.
func OperatorNamespace() string {
	if ns := os.Getenv(PodNamespaceEnv); ns != "" {
		return ns
	}
	return DefaultOperatorNamespace
}

// Options configure the admission webhooks.
type Options struct {
	// OperatorNamespace is the operator's own namespace, whose grants may use
	// any bucket and prefix of any connection. Empty means OperatorNamespace().
	OperatorNamespace string
}

func (o Options) operatorNamespace() string {
	if o.OperatorNamespace != "" {
		return o.OperatorNamespace
	}
	return OperatorNamespace()
}

// Readers are where the webhooks read S3Connections and Namespaces.
type Readers struct {
	// Cached answers first: the manager's informer cache.
	Cached client.Reader
	// Live confirms what Cached does not find, since an object created a
	// moment ago, e.g. by the same `kubectl apply`, may not be cached yet.
	// Nil trusts Cached alone.
	Live client.Reader
}
