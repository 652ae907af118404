package accessreview

import (
	"fmt"
	"time"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
)

// Statuses an Entry has besides the PrefixGrant reasons (Ready, Expired,
// NotYetValid, OutsideDelegation, ConnectionNotFound, ConnectionNotReady,
// Suspended), which sources copy as they are.
const (
	// StatusReady: the grant is in effect.
	StatusReady = "Ready"
	// StatusPending: the operator has not judged the grant's current
	// generation yet.
	StatusPending = "Pending"
	// StatusDeleting: the grant is being deleted.
	StatusDeleting = "Deleting"
	// StatusInvalid: the grant cannot be indexed (a malformed bucket, prefix
	// or subject); it authorizes nothing.
	StatusInvalid = "Invalid"
)

// Entry is one grant and its state.
type Entry struct {
	// Grant is the grant with its connection resolved.
	Grant grant.Grant
	// ValidFrom and ValidUntil bound the grant's validity; zero when unset.
	ValidFrom, ValidUntil time.Time
	// InEffect is true when the grant authorizes now: the index holds it and
	// its connection is ready.
	InEffect bool
	// Status is StatusReady when InEffect, else the reason it is not.
	Status string
	// Message explains Status to a person.
	Message string
	// LastTransition is when the grant's Ready condition last changed; zero
	// when unknown (offline).
	LastTransition time.Time
	// ExpiringSoon is true when validUntil is within the operator's warning
	// period (the grant's ExpiringSoon condition).
	ExpiringSoon bool
}

// checkedEntries returns entries with InEffect cleared and Status
// StatusInvalid where the authorization index refuses the grant (a malformed
// bucket, prefix or subject), so that a review never claims access the index
// does not give. The index's own rules judge (authz.ValidateGrant), so they cannot
// drift apart.
func checkedEntries(entries []Entry) []Entry {
	out := make([]Entry, len(entries))
	for i, e := range entries {
		if err := authz.ValidateGrant(e.Grant); err != nil {
			msg := err.Error()
			if e.Status != "" && e.Status != StatusReady {
				msg = fmt.Sprintf("%s; %s: %s", msg, e.Status, e.Message)
			}
			e.InEffect, e.Status, e.Message = false, StatusInvalid, msg
		}
		out[i] = e
	}
	return out
}

// checkSubject accepts a User or Group with a name.
func checkSubject(s grant.Subject) error {
	if s.Kind != grant.User && s.Kind != grant.Group {
		return fmt.Errorf("subject %q has unknown kind %q; use User or Group", s.Name, s.Kind)
	}
	if s.Name == "" {
		return fmt.Errorf("a %s subject has no name", s.Kind)
	}
	return nil
}
