package cli

import (
	"context"
	"fmt"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/controllers"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
)

// clusterIndex builds the index a server would hold from the cluster's live
// grants and connections, and resolves the connection to ask about.
func clusterIndex(ctx context.Context, kubeconfig, connection string) (*authz.Index, string, error) {
	c, err := clusterClient(kubeconfig)
	if err != nil {
		return nil, "", err
	}
	grants := &v1alpha1.PrefixGrantList{}
	conns := &v1alpha1.S3ConnectionList{}
	if err := c.List(ctx, grants); err != nil {
		return nil, "", fmt.Errorf("list prefixgrants: %w", err)
	}
	if err := c.List(ctx, conns); err != nil {
		return nil, "", fmt.Errorf("list s3connections: %w", err)
	}
	now := time.Now()
	var indexed []grant.Grant
	for i := range grants.Items {
		if g, ok := controllers.IndexedGrant(&grants.Items[i], conns.Items, now); ok {
			indexed = append(indexed, g)
		}
	}
	ix := authz.New()
	if err := ix.Replace(indexed); err != nil {
		return nil, "", err
	}
	for i := range conns.Items {
		ix.SetConnectionReady(conns.Items[i].Name, controllers.ConnectionReady(&conns.Items[i]))
	}
	ix.MarkSynced()
	connection, err = canIConnection(conns.Items, connection)
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
