package cli

import (
	"context"
	"fmt"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grantstatus"
	s3amscheme "github.com/s3am/s3-access-manager/internal/scheme"
)

// clusterIndex builds the index a server would hold from the cluster's live
// grants and connections, and resolves the connection to ask about.
func clusterIndex(ctx context.Context, kubeconfig, connection string) (*authz.Index, string, error) {
	c, err := clusterClient(kubeconfig)
	if err != nil {
		return nil, "", err
	}
	indexed, conns, err := grantstatus.ListAuthorizing(ctx, c, time.Now())
	if err != nil {
		return nil, "", err
	}
	ix := authz.New()
	if err := ix.Replace(indexed); err != nil {
		return nil, "", err
	}
	for i := range conns {
		ix.SetConnectionReady(conns[i].Name, grantstatus.ConnectionAuthorizes(&conns[i]))
	}
	ix.MarkSynced()
	connection, err = canIConnection(conns, connection)
	if err != nil {
		return nil, "", err
	}
	return ix, connection, nil
}

// clusterClient is a client of the cluster the kubeconfig (or $KUBECONFIG,
// or the pod's service account) names.
func clusterClient(kubeconfig string) (client.Client, error) {
	cfg, err := restConfig(kubeconfig)
	if err != nil {
		return nil, err
	}
	scheme, err := s3amscheme.New()
	if err != nil {
		return nil, err
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return c, nil
}

// restConfig reads the kubeconfig file, or else $KUBECONFIG or the pod's
// service account.
func restConfig(kubeconfig string) (*rest.Config, error) {
	if kubeconfig == "" {
		cfg, err := ctrl.GetConfig()
		if err != nil {
			return nil, fmt.Errorf("kubeconfig: %w", err)
		}
		return cfg, nil
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", kubeconfig, err)
	}
	return cfg, nil
}
