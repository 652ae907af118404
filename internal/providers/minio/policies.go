package minio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// maxPolicyBytes is the largest canned policy MinIO accepts.
const maxPolicyBytes = 20 << 10

// Put creates or replaces the canned policy name with doc, a JSON policy
// document. MinIO validates it and refuses one without a Version.
func (c *Client) Put(ctx context.Context, name string, doc []byte) error {
	if err := checkPolicyName(name); err != nil {
		return err
	}
	if len(bytes.TrimSpace(doc)) == 0 {
		return errors.New("minio admin add-canned-policy: empty policy document")
	}
	if len(doc) > maxPolicyBytes {
		return fmt.Errorf("minio admin add-canned-policy: policy %s is %d bytes, MinIO accepts at most %d", name, len(doc), maxPolicyBytes)
	}
	_, err := c.do(ctx, http.MethodPut, "add-canned-policy", url.Values{"name": {name}}, doc)
	return err
}

// Get returns the canned policy name as MinIO stores it: minified JSON, but
// re-encoded from MinIO's own model, so it equals what Put sent only
// semantically (see policy.Equivalent). A missing policy is ErrNoSuchPolicy.
func (c *Client) Get(ctx context.Context, name string) ([]byte, error) {
	if err := checkPolicyName(name); err != nil {
		return nil, err
	}
	// v=2 answers {"PolicyName", "Policy", "CreateDate", "UpdateDate"}.
	data, err := c.do(ctx, http.MethodGet, "info-canned-policy", url.Values{"name": {name}, "v": {"2"}}, nil)
	if err != nil {
		return nil, err
	}
	var info struct {
		Policy json.RawMessage
	}
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("minio admin info-canned-policy: decode answer: %w", err)
	}
	if len(info.Policy) == 0 {
		return nil, errors.New("minio admin info-canned-policy: answer holds no policy")
	}
	var out bytes.Buffer
	if err := json.Compact(&out, info.Policy); err != nil {
		return nil, fmt.Errorf("minio admin info-canned-policy: policy: %w", err)
	}
	return out.Bytes(), nil
}

// Delete removes the canned policy name. A policy that does not exist is
// already deleted; one still attached is refused with ErrPolicyInUse, so
// Detach it from its users first.
func (c *Client) Delete(ctx context.Context, name string) error {
	if err := checkPolicyName(name); err != nil {
		return err
	}
	_, err := c.do(ctx, http.MethodDelete, "remove-canned-policy", url.Values{"name": {name}}, nil)
	if errors.Is(err, ErrNoSuchPolicy) {
		return nil
	}
	return err
}

// checkPolicyName refuses names MinIO refuses or would misread: a comma
// separates policy names in an attachment list.
func checkPolicyName(name string) error {
	switch {
	case name == "":
		return errors.New("minio: empty policy name")
	case strings.Contains(name, ","):
		return fmt.Errorf("minio: policy name %q contains a comma", name)
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("minio: policy name %q starts or ends with a space", name)
	}
	return nil
}
