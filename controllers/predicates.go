package controllers

import (
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
)

// updatedWhere passes every create, delete and generic event, and the
// updates of a T for which changed(old, cur) holds. An update whose objects
// are not both T passes too: a predicate that cannot judge must not drop it.
func updatedWhere[T client.Object](changed func(old, cur T) bool) predicate.Funcs {
	return predicate.Funcs{
		UpdateFunc: func(e event.UpdateEvent) bool {
			old, okOld := e.ObjectOld.(T)
			cur, okNew := e.ObjectNew.(T)
			return !okOld || !okNew || changed(old, cur)
		},
	}
}
