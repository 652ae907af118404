package controllers

import (
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

func TestUpdatedWhere(t *testing.T) {
	usesDiffer := updatedWhere(func(old, cur *v1alpha1.AccessLink) bool { return old.Status.Uses != cur.Status.Uses })
	link := func(uses int64) *v1alpha1.AccessLink {
		return &v1alpha1.AccessLink{Status: v1alpha1.AccessLinkStatus{Uses: uses}}
	}
	for _, tc := range []struct {
		name     string
		old, cur client.Object
		want     bool
	}{
		{"changed", link(1), link(2), true},
		{"unchanged", link(1), link(1), false},
		{"another type passes", &v1alpha1.PrefixGrant{}, link(1), true},
	} {
		e := event.UpdateEvent{ObjectOld: tc.old, ObjectNew: tc.cur}
		if got := usesDiffer.Update(e); got != tc.want {
			t.Errorf("%s: Update = %v, want %v", tc.name, got, tc.want)
		}
	}
	if !usesDiffer.Create(event.CreateEvent{Object: link(1)}) || !usesDiffer.Delete(event.DeleteEvent{Object: link(1)}) {
		t.Error("creates and deletes must pass")
	}
}
