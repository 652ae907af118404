package delegation

import (
	"errors"
	"fmt"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

// Namespace is the namespace a grant lives in: its name and its labels, which
// namespaceSelector delegations match.
type Namespace struct {
	Name   string
	Labels map[string]string
}

// Decision is Decide's answer, with what a message needs to explain it.
type Decision struct {
	// Allowed reports whether the namespace may create the grant.
	Allowed bool
	// InOperatorNamespace is true when the grant lives in the operator's own
	// namespace, which may grant anything.
	InOperatorNamespace bool
	// Scopes are what the connection delegates to the namespace, in the
	// connection's order without repeats. It is nil in the operator's namespace.
	Scopes []Scope
	// OperatorNamespace, Namespace, Connection and Target echo the question.
	OperatorNamespace string
	Namespace         string
	Connection        string
	Target            Target

	// targetErr is why Target is no valid grant target, if it is not.
	targetErr error
}

// Decide answers whether namespace ns may create a grant on target against
// conn, where operatorNamespace is the operator's own namespace.
//
// A delegation with an invalid namespaceSelector, or a scope that is not a
// valid bucket and prefix, is skipped rather than trusted: the decision stands
// without it, and the returned error names what was skipped so that the caller
// can report it. Objects admitted under an older schema can hold such values.
// An invalid target is never allowed, even in the operator's namespace, and
// the error says why.
func Decide(operatorNamespace string, ns Namespace, conn *v1alpha1.S3Connection, target Target) (Decision, error) {
	d := Decision{
		OperatorNamespace:   operatorNamespace,
		Namespace:           ns.Name,
		Connection:          conn.Name,
		Target:              target,
		InOperatorNamespace: operatorNamespace != "" && ns.Name == operatorNamespace,
	}
	var errs []error
	if !d.InOperatorNamespace {
		scopes, err := ScopesFor(ns, conn.Spec.Delegations)
		d.Scopes = scopes
		errs = append(errs, err)
	}
	if err := target.validate(); err != nil {
		d.targetErr = err
		return d, errors.Join(append(errs, fmt.Errorf("grant target %s: %w", target, err))...)
	}
	d.Allowed = d.InOperatorNamespace || slices.ContainsFunc(d.Scopes, func(s Scope) bool { return s.Covers(target) })
	return d, errors.Join(errs...)
}

// ScopesFor returns the scopes that delegations give namespace ns, in order,
// without repeats. Invalid selectors and scopes are skipped and reported in
// the error, as Decide explains.
func ScopesFor(ns Namespace, delegations []v1alpha1.Delegation) ([]Scope, error) {
	var (
		scopes []Scope
		errs   []error
	)
	for i, del := range delegations {
		selected, err := selects(del, ns)
		if err != nil {
			errs = append(errs, fmt.Errorf("delegations[%d]: %w", i, err))
			continue
		}
		if !selected {
			continue
		}
		for j, bs := range del.Scopes {
			s := Scope{Bucket: string(bs.Bucket), Prefix: string(bs.Prefix)}
			if err := s.validate(); err != nil {
				errs = append(errs, fmt.Errorf("delegations[%d].scopes[%d] skipped: %w", i, j, err))
				continue
			}
			if !slices.Contains(scopes, s) {
				scopes = append(scopes, s)
			}
		}
	}
	return scopes, errors.Join(errs...)
}

// selects reports whether del names ns or its selector matches ns's labels. A
// delegation with neither selects nothing; an empty selector ({}) selects
// every namespace, as everywhere in Kubernetes.
func selects(del v1alpha1.Delegation, ns Namespace) (bool, error) {
	if slices.Contains(del.Namespaces, ns.Name) {
		return true, nil
	}
	if del.NamespaceSelector == nil {
		return false, nil
	}
	sel, err := metav1.LabelSelectorAsSelector(del.NamespaceSelector)
	if err != nil {
		return false, fmt.Errorf("namespaceSelector skipped: %w", err)
	}
	return sel.Matches(labels.Set(ns.Labels)), nil
}

// Message explains the decision in one sentence that says what would be
// accepted instead, e.g. `namespace "team-x" may not grant partner-data/a/ on
// connection "prod": it may grant only partner-data/partner-b/, other-bucket
// (whole bucket)`.
func (d Decision) Message() string {
	switch {
	case d.targetErr != nil:
		return fmt.Sprintf("namespace %q may not grant %s on connection %q: %v", d.Namespace, d.Target, d.Connection, d.targetErr)
	case d.InOperatorNamespace:
		return fmt.Sprintf("namespace %q is the operator's namespace and may grant anything on connection %q", d.Namespace, d.Connection)
	case d.Allowed:
		return fmt.Sprintf("namespace %q may grant %s on connection %q, within its delegated scopes %s", d.Namespace, d.Target, d.Connection, FormatScopes(d.Scopes))
	case len(d.Scopes) == 0:
		return fmt.Sprintf("namespace %q may not grant %s on connection %q: no delegation of the connection selects the namespace; "+
			"ask the connection's owner to add one to spec.delegations, or create the grant in the operator's namespace %q",
			d.Namespace, d.Target, d.Connection, d.OperatorNamespace)
	default:
		return fmt.Sprintf("namespace %q may not grant %s on connection %q: it may grant only %s",
			d.Namespace, d.Target, d.Connection, FormatScopes(d.Scopes))
	}
}
