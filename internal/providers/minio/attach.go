package minio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Attached returns the canned policies attached directly to user, in MinIO's
// order. Policies reaching the user through groups are not included. A
// missing user is ErrNoSuchUser.
func (c *Client) Attached(ctx context.Context, user string) ([]string, error) {
	if user == "" {
		return nil, errors.New("minio: empty user name")
	}
	data, err := c.do(ctx, http.MethodGet, "user-info", url.Values{"accessKey": {user}}, nil)
	if err != nil {
		return nil, err
	}
	// Only the policy list is decoded: nothing else of the user is kept.
	var info struct {
		PolicyName string `json:"policyName"`
	}
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("minio admin user-info: decode answer: %w", err)
	}
	return splitPolicies(info.PolicyName), nil
}

// Attach adds the canned policies names to those attached to user, keeping
// the others. MinIO stores a user's policies as one list, written whole, so
// Attach reads it and writes it back; a concurrent change by someone else
// between the two can be lost, which the controller's next reconcile repairs.
// Attaching what is already attached writes nothing.
func (c *Client) Attach(ctx context.Context, user string, names ...string) error {
	return c.editPolicies(ctx, user, names, func(list []string) []string {
		for _, n := range names {
			if !slices.Contains(list, n) {
				list = append(list, n)
			}
		}
		return list
	})
}

// Detach removes the canned policies names from those attached to user,
// keeping the others, with Attach's read-then-write caveat. Detaching what is
// not attached writes nothing.
func (c *Client) Detach(ctx context.Context, user string, names ...string) error {
	return c.editPolicies(ctx, user, names, func(list []string) []string {
		return slices.DeleteFunc(list, func(p string) bool { return slices.Contains(names, p) })
	})
}

// editPolicies checks names, reads user's policy list and writes back what
// edit makes of a copy of it. edit only adds (Attach) or only removes
// (Detach), so a list of the same length is unchanged and not written.
func (c *Client) editPolicies(ctx context.Context, user string, names []string, edit func(list []string) []string) error {
	if err := checkPolicyNames(names); err != nil {
		return err
	}
	current, err := c.Attached(ctx, user)
	if err != nil {
		return err
	}
	want := edit(slices.Clone(current))
	if len(want) == len(current) {
		return nil
	}
	return c.setPolicies(ctx, user, want)
}

// setPolicies replaces user's policy list; an empty list removes the mapping.
func (c *Client) setPolicies(ctx context.Context, user string, policies []string) error {
	_, err := c.do(ctx, http.MethodPut, "set-user-or-group-policy", url.Values{
		"policyName":  {strings.Join(policies, ",")},
		"userOrGroup": {user},
		"isGroup":     {"false"},
	}, nil)
	return err
}

func splitPolicies(list string) []string {
	var out []string
	for _, p := range strings.Split(list, ",") {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func checkPolicyNames(names []string) error {
	if len(names) == 0 {
		return errors.New("minio: no policy names given")
	}
	for _, n := range names {
		if err := checkPolicyName(n); err != nil {
			return err
		}
	}
	return nil
}
