package minio

import "context"

// PolicyStore is what the S3Connection controller needs of an S3-compatible
// server in IAM mode Apply: canned policies kept by name, attached to the
// connection's user. *Client implements it.
//
// A canned policy is one document. When the generator returns several, the
// controller stores them as NAME-1..NAME-N and attaches them all in one
// Attach: MinIO evaluates a user's policies as their union.
type PolicyStore interface {
	// Put creates or replaces a canned policy.
	Put(ctx context.Context, name string, doc []byte) error
	// Get returns a canned policy as the server stores it, or an error
	// matching ErrNoSuchPolicy.
	Get(ctx context.Context, name string) ([]byte, error)
	// Delete removes a canned policy; deleting a missing one succeeds.
	Delete(ctx context.Context, name string) error
	// Attach adds policies to those attached to user.
	Attach(ctx context.Context, user string, names ...string) error
	// Detach removes policies from those attached to user.
	Detach(ctx context.Context, user string, names ...string) error
	// Attached lists the policies attached to user.
	Attached(ctx context.Context, user string) ([]string, error)
}

var _ PolicyStore = (*Client)(nil)
