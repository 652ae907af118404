package controllers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grantstatus"
)

// IndexFeeder keeps an authorization index in step with the informer cache:
// it holds exactly the grants that are Ready for their current generation and
// inside their validity window, and knows which connections are Ready. Every
// process that serves requests runs its own; it needs no leader election, so
// all replicas serve. Until the first full load the index denies everything.
type IndexFeeder struct {
	Client client.Client
	Index  *authz.Index
	// OnChange, if set, is called after every change of the index, e.g. to
	// drop credentials scoped to the grants it held.
	OnChange func()
}

// notifyChanges calls OnChange after fn if fn changed the index.
func (f *IndexFeeder) notifyChanges(fn reconcilerFunc) reconcilerFunc {
	return func(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
		before := f.Index.Version()
		res, err := fn(ctx, req)
		if f.OnChange != nil && f.Index.Version() != before {
			f.OnChange()
		}
		return res, err
	}
}

// SetupWithManager registers the feeder's two reconcilers and its initial
// load, none of which waits for leadership.
func (f *IndexFeeder) SetupWithManager(mgr ctrl.Manager) error {
	noLeader := false
	opts := controller.Options{NeedLeaderElection: &noLeader, MaxConcurrentReconciles: 4}
	if err := ctrl.NewControllerManagedBy(mgr).Named("index-prefixgrant").WithOptions(opts).
		For(&v1alpha1.PrefixGrant{}).Complete(f.notifyChanges(f.reconcileGrant)); err != nil {
		return fmt.Errorf("index feeder for grants: %w", err)
	}
	if err := ctrl.NewControllerManagedBy(mgr).Named("index-s3connection").WithOptions(opts).
		For(&v1alpha1.S3Connection{}).Complete(f.notifyChanges(f.reconcileConnection)); err != nil {
		return fmt.Errorf("index feeder for connections: %w", err)
	}
	if err := mgr.Add(&initialLoad{feeder: f, cache: mgr.GetCache()}); err != nil {
		return fmt.Errorf("index feeder initial load: %w", err)
	}
	return nil
}

// ReadyzCheck fails until the index has been loaded, so a process is taken
// out of its Service's endpoints while it would deny everything.
func (f *IndexFeeder) ReadyzCheck(_ *http.Request) error {
	if !f.Index.Synced() {
		return errors.New("authorization index has not synced yet")
	}
	return nil
}

func (f *IndexFeeder) reconcileGrant(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	pg := &v1alpha1.PrefixGrant{}
	if err := f.Client.Get(ctx, req.NamespacedName, pg); err != nil {
		if client.IgnoreNotFound(err) == nil {
			f.Index.Delete(req.Namespace, req.Name)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	conns := &v1alpha1.S3ConnectionList{}
	if pg.Spec.Connection == "" {
		if err := f.Client.List(ctx, conns); err != nil {
			return ctrl.Result{}, fmt.Errorf("list connections: %w", err)
		}
	}
	now := time.Now()
	g, ok := grantstatus.Authorizing(pg, conns.Items, now)
	if !ok {
		f.Index.Delete(pg.Namespace, pg.Name)
		return requeueAtValidity(pg, now), nil
	}
	if err := f.Index.Upsert(g); err != nil {
		// Upsert has removed the grant: the index fails closed.
		return ctrl.Result{}, fmt.Errorf("index grant %s/%s: %w", pg.Namespace, pg.Name, err)
	}
	return requeueAtValidity(pg, now), nil
}

func (f *IndexFeeder) reconcileConnection(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	c := &v1alpha1.S3Connection{}
	if err := f.Client.Get(ctx, types.NamespacedName{Name: req.Name}, c); err != nil {
		if client.IgnoreNotFound(err) == nil {
			f.Index.RemoveConnection(req.Name)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	f.Index.SetConnectionReady(c.Name, grantstatus.ConnectionAuthorizes(c))
	return ctrl.Result{}, nil
}

// requeueAtValidity asks to be called back at the grant's next validity
// boundary, when its place in the index changes by itself.
func requeueAtValidity(pg *v1alpha1.PrefixGrant, now time.Time) ctrl.Result {
	if t := grantstatus.NextBoundary(pg, now); !t.IsZero() {
		return ctrl.Result{RequeueAfter: t.Sub(now)}
	}
	return ctrl.Result{}
}

// initialLoad fills the index once the cache has synced and then marks it
// synced; the reconcilers keep it current from then on.
type initialLoad struct {
	feeder *IndexFeeder
	cache  interface {
		WaitForCacheSync(ctx context.Context) bool
	}
}

var _ manager.LeaderElectionRunnable = (*initialLoad)(nil)

// NeedLeaderElection is false: every serving replica loads its own index.
func (l *initialLoad) NeedLeaderElection() bool { return false }

// Start loads the index.
func (l *initialLoad) Start(ctx context.Context) error {
	if !l.cache.WaitForCacheSync(ctx) {
		return errors.New("informer cache did not sync")
	}
	f := l.feeder
	indexed, conns, err := grantstatus.ListAuthorizing(ctx, f.Client, time.Now())
	if err != nil {
		return err
	}
	for i := range conns {
		f.Index.SetConnectionReady(conns[i].Name, grantstatus.ConnectionAuthorizes(&conns[i]))
	}
	if err := f.Index.Replace(indexed); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "some grants could not be indexed and deny")
	}
	f.Index.MarkSynced()
	if f.OnChange != nil {
		f.OnChange()
	}
	return nil
}
