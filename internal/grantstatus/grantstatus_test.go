package grantstatus_test

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/delegation"
	"github.com/s3am/s3-access-manager/internal/grantstatus"
)

const operatorNamespace = "s3am-system"

var (
	now    = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	before = metav1.NewTime(now.Add(-time.Hour))
	after  = metav1.NewTime(now.Add(time.Hour))
	later  = metav1.NewTime(now.Add(2 * time.Hour))
)

// prefixGrant is a grant of alice's in namespace ns on conn, Ready for its
// generation.
func prefixGrant(ns, conn string) *v1alpha1.PrefixGrant {
	return &v1alpha1.PrefixGrant{
		ObjectMeta: metav1.ObjectMeta{Name: "alice-uploads", Namespace: ns, Generation: 2},
		Spec: v1alpha1.PrefixGrantSpec{
			Connection: conn, Bucket: "partner-data", Prefix: "partner-a/uploads/",
			Subjects:    []v1alpha1.Subject{{Kind: "User", Name: "alice@partner-a.com"}},
			Permissions: []v1alpha1.Permission{"write", "list"},
		},
		Status: v1alpha1.PrefixGrantStatus{Conditions: []metav1.Condition{
			{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, ObservedGeneration: 2},
		}},
	}
}

// connection is a Ready connection named name.
func connection(name string) *v1alpha1.S3Connection {
	return &v1alpha1.S3Connection{
		ObjectMeta: metav1.ObjectMeta{Name: name, Generation: 3},
		Status: v1alpha1.S3ConnectionStatus{Conditions: []metav1.Condition{
			{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, ObservedGeneration: 3},
		}},
	}
}

func TestEvaluateReportsTheFirstFailingCheck(t *testing.T) {
	for _, tc := range []struct {
		name       string
		conn       *v1alpha1.S3Connection
		connReady  bool
		namespace  string
		from, till *metav1.Time
		want       string
	}{
		{name: "in effect", conn: connection("c"), connReady: true, namespace: operatorNamespace, want: v1alpha1.ReasonReady},
		{name: "connection missing beats everything", namespace: "team-x", from: &after, want: v1alpha1.ReasonConnectionNotFound},
		{name: "suspended beats delegation and validity", conn: suspended(connection("c")), namespace: "team-x", till: &before, want: v1alpha1.ReasonSuspended},
		{name: "connection not ready beats delegation and validity", conn: connection("c"), namespace: "team-x", till: &before, want: v1alpha1.ReasonConnectionNotReady},
		{name: "delegation beats validity", conn: connection("c"), connReady: true, namespace: "team-x", till: &before, want: v1alpha1.ReasonOutsideDelegation},
		{name: "not yet valid", conn: connection("c"), connReady: true, namespace: operatorNamespace, from: &after, want: v1alpha1.ReasonNotYetValid},
		{name: "expired", conn: connection("c"), connReady: true, namespace: operatorNamespace, till: &before, want: v1alpha1.ReasonExpired},
		{name: "validUntil is exclusive", conn: connection("c"), connReady: true, namespace: operatorNamespace, till: ptr(metav1.NewTime(now)), want: v1alpha1.ReasonExpired},
		{name: "validFrom is inclusive", conn: connection("c"), connReady: true, namespace: operatorNamespace, from: ptr(metav1.NewTime(now)), want: v1alpha1.ReasonReady},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pg := prefixGrant(tc.namespace, "c")
			pg.Spec.ValidFrom, pg.Spec.ValidUntil = tc.from, tc.till
			r := grantstatus.Evaluate(grantstatus.Input{
				Grant: pg, ConnectionName: "c", Connection: tc.conn, ConnectionReady: tc.connReady,
				Namespace: delegation.Namespace{Name: tc.namespace}, OperatorNamespace: operatorNamespace, Now: now,
			})
			if r.Reason != tc.want || r.Ready != (tc.want == v1alpha1.ReasonReady) {
				t.Fatalf("Evaluate: ready %v, reason %s (%s); want %s", r.Ready, r.Reason, r.Message, tc.want)
			}
		})
	}
}

func TestNextBoundary(t *testing.T) {
	for _, tc := range []struct {
		name       string
		from, till *metav1.Time
		want       time.Time
	}{
		{name: "no window", want: time.Time{}},
		{name: "before validFrom", from: &after, till: &later, want: after.Time},
		{name: "inside the window", from: &before, till: &after, want: after.Time},
		{name: "open-ended, started", from: &before, want: time.Time{}},
		{name: "expired", from: &before, till: &before, want: time.Time{}},
		{name: "at validUntil", till: ptr(metav1.NewTime(now)), want: time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pg := prefixGrant(operatorNamespace, "c")
			pg.Spec.ValidFrom, pg.Spec.ValidUntil = tc.from, tc.till
			if got := grantstatus.NextBoundary(pg, now); !got.Equal(tc.want) {
				t.Fatalf("NextBoundary = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAuthorizing(t *testing.T) {
	def := connection("default")
	def.Annotations = map[string]string{v1alpha1.DefaultConnectionAnnotation: "true"}
	conns := []v1alpha1.S3Connection{*def}
	for _, tc := range []struct {
		name   string
		change func(pg *v1alpha1.PrefixGrant)
		want   bool
	}{
		{name: "ready", change: func(*v1alpha1.PrefixGrant) {}, want: true},
		{name: "ready for an older generation", change: func(pg *v1alpha1.PrefixGrant) { pg.Generation = 3 }},
		{name: "not ready", change: func(pg *v1alpha1.PrefixGrant) { pg.Status.Conditions[0].Status = metav1.ConditionFalse }},
		{name: "no conditions", change: func(pg *v1alpha1.PrefixGrant) { pg.Status.Conditions = nil }},
		{name: "being deleted", change: func(pg *v1alpha1.PrefixGrant) { pg.DeletionTimestamp = &before }},
		{name: "expired though still marked Ready", change: func(pg *v1alpha1.PrefixGrant) { pg.Spec.ValidUntil = &before }},
		{name: "not yet valid though marked Ready", change: func(pg *v1alpha1.PrefixGrant) { pg.Spec.ValidFrom = &after }},
		{name: "no connection and no default", change: func(pg *v1alpha1.PrefixGrant) { pg.Spec.Connection = "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pg := prefixGrant("team-x", "c")
			tc.change(pg)
			g, ok := grantstatus.Authorizing(pg, nil, now)
			if ok != tc.want {
				t.Fatalf("Authorizing = %v, want %v", ok, tc.want)
			}
			if ok && (g.Connection != "c" || g.Prefix != "partner-a/uploads/" || g.Namespace != "team-x") {
				t.Fatalf("Authorizing returned %+v", g)
			}
		})
	}
	t.Run("the default connection is resolved", func(t *testing.T) {
		pg := prefixGrant("team-x", "")
		g, ok := grantstatus.Authorizing(pg, conns, now)
		if !ok || g.Connection != "default" {
			t.Fatalf("Authorizing = %+v, %v; want the default connection", g, ok)
		}
		if pg.Spec.Connection != "" {
			t.Fatal("Authorizing changed the grant it was given")
		}
	})
	t.Run("AuthorizingGrants keeps only those", func(t *testing.T) {
		expired := prefixGrant("team-x", "c")
		expired.Spec.ValidUntil = &before
		got := grantstatus.AuthorizingGrants([]v1alpha1.PrefixGrant{*prefixGrant("team-x", "c"), *expired, *prefixGrant("team-y", "")}, conns, now)
		if len(got) != 2 || got[0].Namespace != "team-x" || got[1].Connection != "default" {
			t.Fatalf("AuthorizingGrants = %+v", got)
		}
	})
}

func TestConnectionAuthorizes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *v1alpha1.S3Connection)
		want   bool
	}{
		{name: "ready", change: func(*v1alpha1.S3Connection) {}, want: true},
		{name: "suspended", change: func(c *v1alpha1.S3Connection) { c.Spec.Suspend = true }},
		{name: "ready for an older generation", change: func(c *v1alpha1.S3Connection) { c.Generation = 4 }},
		{name: "not ready", change: func(c *v1alpha1.S3Connection) { c.Status.Conditions[0].Status = metav1.ConditionFalse }},
		{name: "never checked", change: func(c *v1alpha1.S3Connection) { c.Status.Conditions = nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := connection("c")
			tc.change(c)
			if got := grantstatus.ConnectionAuthorizes(c); got != tc.want {
				t.Fatalf("ConnectionAuthorizes = %v, want %v", got, tc.want)
			}
		})
	}
}

func suspended(c *v1alpha1.S3Connection) *v1alpha1.S3Connection {
	c.Spec.Suspend = true
	return c
}

func ptr[T any](v T) *T { return &v }
