// Package fake holds an in-memory MinIO policy store (minio.PolicyStore) for
// tests of what is built on it: canned policies by name, attached to users,
// with the provider's errors for what does not exist.
package fake

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/s3am/s3-access-manager/internal/providers/minio"
)

// PolicyStore keeps canned policies and the users they are attached to.
type PolicyStore struct {
	mu       sync.Mutex
	policies map[string][]byte
	attached map[string][]string // user -> policy names
}

var _ minio.PolicyStore = (*PolicyStore)(nil)

// NewPolicyStore returns a store with the users, without policies.
func NewPolicyStore(users ...string) *PolicyStore {
	s := &PolicyStore{policies: map[string][]byte{}, attached: map[string][]string{}}
	for _, u := range users {
		s.attached[u] = []string{}
	}
	return s
}

// Policies returns the names of every canned policy, sorted.
func (s *PolicyStore) Policies() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.policies))
}

// Put creates or replaces a canned policy.
func (s *PolicyStore) Put(_ context.Context, name string, doc []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.policies[name] = slices.Clone(doc)
	return nil
}

// Get returns a canned policy or an error matching minio.ErrNoSuchPolicy.
func (s *PolicyStore) Get(_ context.Context, name string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	doc, ok := s.policies[name]
	if !ok {
		return nil, fmt.Errorf("get %s: %w", name, minio.ErrNoSuchPolicy)
	}
	return slices.Clone(doc), nil
}

// Delete removes a canned policy; a missing one is already deleted.
func (s *PolicyStore) Delete(_ context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.policies, name)
	return nil
}

// Attach adds existing policies to user's.
func (s *PolicyStore) Attach(_ context.Context, user string, names ...string) error {
	return s.editAttached("attach to", user, func(have []string) ([]string, error) {
		for _, n := range names {
			if _, ok := s.policies[n]; !ok {
				return nil, fmt.Errorf("attach %s: %w", n, minio.ErrNoSuchPolicy)
			}
			if !slices.Contains(have, n) {
				have = append(have, n)
			}
		}
		return have, nil
	})
}

// Detach removes policies from user's.
func (s *PolicyStore) Detach(_ context.Context, user string, names ...string) error {
	return s.editAttached("detach from", user, func(have []string) ([]string, error) {
		return slices.DeleteFunc(have, func(n string) bool { return slices.Contains(names, n) }), nil
	})
}

// editAttached replaces, under the lock, the policies attached to user with
// what edit makes of them, unless edit fails; what begins the error for a
// user the store does not know.
func (s *PolicyStore) editAttached(what, user string, edit func(have []string) ([]string, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	have, err := s.attachedTo(what, user)
	if err != nil {
		return err
	}
	if have, err = edit(have); err != nil {
		return err
	}
	s.attached[user] = have
	return nil
}

// Attached lists the policies attached to user.
func (s *PolicyStore) Attached(_ context.Context, user string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	have, err := s.attachedTo("policies of", user)
	return slices.Clone(have), err
}

// attachedTo returns the policies attached to user, or, for a user the
// store does not know, an error matching minio.ErrNoSuchUser that begins
// with what. The caller holds the lock.
func (s *PolicyStore) attachedTo(what, user string) ([]string, error) {
	have, ok := s.attached[user]
	if !ok {
		return nil, fmt.Errorf("%s %s: %w", what, user, minio.ErrNoSuchUser)
	}
	return have, nil
}
