package controllers

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/grantstatus"
)

// A grant's Ready Events: one on every change of Ready's status or reason,
// a Warning when a grant is first found not Ready, and none when a grant is
// first found Ready — at a cold start of thousands of grants that would be
// one more write per grant.
func TestRecordTransition(t *testing.T) {
	ready := grantstatus.Result{Ready: true, Reason: v1alpha1.ReasonReady, Message: "in effect"}
	notReady := grantstatus.Result{Reason: "ConnectionNotReady", Message: "connection minio is not Ready"}
	cond := func(status metav1.ConditionStatus, reason string) []metav1.Condition {
		return []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: status, Reason: reason}}
	}
	for _, tc := range []struct {
		name   string
		before []metav1.Condition
		st     grantstatus.Result
		want   string // the Event's type and reason, "" for none
	}{
		{"first found Ready", nil, ready, ""},
		{"first found not Ready", nil, notReady, "Warning ConnectionNotReady"},
		{"still Ready", cond(metav1.ConditionTrue, v1alpha1.ReasonReady), ready, ""},
		{"still not Ready, same reason", cond(metav1.ConditionFalse, "ConnectionNotReady"), notReady, ""},
		{"turns Ready", cond(metav1.ConditionFalse, "ConnectionNotReady"), ready, "Normal " + v1alpha1.ReasonReady},
		{"turns not Ready", cond(metav1.ConditionTrue, v1alpha1.ReasonReady), notReady, "Warning ConnectionNotReady"},
		{"not Ready for another reason", cond(metav1.ConditionFalse, "Expired"), notReady, "Warning ConnectionNotReady"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := events.NewFakeRecorder(10)
			r := &PrefixGrantReconciler{Recorder: rec}
			before := &v1alpha1.PrefixGrant{Status: v1alpha1.PrefixGrantStatus{Conditions: tc.before}}
			r.recordTransition(before, before.DeepCopy(), tc.st)
			close(rec.Events)
			var got []string
			for e := range rec.Events {
				got = append(got, e)
			}
			switch {
			case tc.want == "" && len(got) > 0:
				t.Errorf("Events %q, want none", got)
			case tc.want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], tc.want)):
				t.Errorf("Events %q, want one %q", got, tc.want)
			}
		})
	}
}
