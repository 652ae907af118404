package cli

import (
	"context"
	"fmt"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grantstatus"
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
