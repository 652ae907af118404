package launch

import (
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	s3amscheme "github.com/s3am/s3-access-manager/internal/scheme"
)

// ControlPlaneOptions say what a control plane is started with.
type ControlPlaneOptions struct {
	// Assets is the directory of kube-apiserver, etcd and kubectl.
	Assets string
	// CRDs are installed before Start returns.
	CRDs envtest.CRDInstallOptions
	// Webhooks are installed pointing at a server the caller runs on the
	// host, port and certificates envtest chooses.
	Webhooks envtest.WebhookInstallOptions
	// Admin names the system:masters user of the kubeconfig.
	Admin string
}

// ControlPlane is a running kube-apiserver and etcd.
type ControlPlane struct {
	Env    *envtest.Environment
	Config *rest.Config
	Scheme *runtime.Scheme
	Client client.Client
	// Kubeconfig is the path of the admin's kubeconfig, removed by Stop.
	Kubeconfig string
	// Kubectl is the kubectl built beside the control plane.
	Kubectl string

	dir string
}

// StartControlPlane starts a control plane with the project's scheme and
// writes the admin's kubeconfig. The caller stops it with Stop.
func StartControlPlane(o ControlPlaneOptions) (*ControlPlane, error) {
	scheme, err := s3amscheme.New()
	if err != nil {
		return nil, err
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory: o.Assets,
		CRDInstallOptions:     o.CRDs,
		// A CRD directory that is not there is an error, not no CRDs.
		ErrorIfCRDPathMissing: true,
		WebhookInstallOptions: o.Webhooks,
		Scheme:                scheme,
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("start control plane from %s (run `make envtest-assets`): %w", o.Assets, err)
	}
	cp := &ControlPlane{Env: env, Config: cfg, Scheme: scheme, Kubectl: filepath.Join(o.Assets, "kubectl")}
	if err := cp.init(o.Admin); err != nil {
		_ = cp.Stop()
		return nil, err
	}
	return cp, nil
}

func (cp *ControlPlane) init(admin string) error {
	c, err := client.New(cp.Config, client.Options{Scheme: cp.Scheme})
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	cp.Client = c
	user, err := cp.Env.AddUser(envtest.User{Name: admin, Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("add admin user %s: %w", admin, err)
	}
	kc, err := user.KubeConfig()
	if err != nil {
		return fmt.Errorf("admin kubeconfig: %w", err)
	}
	cp.dir, err = os.MkdirTemp("", "s3am-controlplane-")
	if err != nil {
		return fmt.Errorf("kubeconfig dir: %w", err)
	}
	cp.Kubeconfig = filepath.Join(cp.dir, "kubeconfig")
	if err := os.WriteFile(cp.Kubeconfig, kc, 0o600); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	return nil
}

// Stop stops the control plane and removes the kubeconfig.
func (cp *ControlPlane) Stop() error {
	err := cp.Env.Stop()
	if cp.dir != "" {
		_ = os.RemoveAll(cp.dir)
	}
	if err != nil {
		return fmt.Errorf("stop control plane: %w", err)
	}
	return nil
}
