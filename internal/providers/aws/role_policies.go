package aws

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// ErrNotFound matches errors for a role or inline policy that does not exist
// (IAM's NoSuchEntity).
var ErrNotFound = errors.New("not found")

// RolePolicies manages the inline policies of IAM roles. *IAMRolePolicies
// implements it.
type RolePolicies interface {
	// Put creates or replaces the inline policy policyName of role.
	Put(ctx context.Context, role, policyName string, doc []byte) error
	// Get returns the inline policy as plain JSON, or an error matching
	// ErrNotFound.
	Get(ctx context.Context, role, policyName string) ([]byte, error)
	// Delete removes the inline policy; deleting a missing one succeeds.
	Delete(ctx context.Context, role, policyName string) error
	// List returns the names of role's inline policies.
	List(ctx context.Context, role string) ([]string, error)
}

// IAMAPI is the part of *iam.Client that IAMRolePolicies uses; tests swap in
// the in-memory fake.IAM.
type IAMAPI interface {
	PutRolePolicy(ctx context.Context, in *iam.PutRolePolicyInput, optFns ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error)
	GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, optFns ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	DeleteRolePolicy(ctx context.Context, in *iam.DeleteRolePolicyInput, optFns ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error)
	ListRolePolicies(ctx context.Context, in *iam.ListRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
}

// IAMRolePolicies implements RolePolicies with the IAM API.
type IAMRolePolicies struct {
	api IAMAPI
}

var _ RolePolicies = (*IAMRolePolicies)(nil)

// NewRolePolicies returns RolePolicies over an IAM client made from cfg (as
// s3conn.Config builds it); optFns adjust the client.
func NewRolePolicies(cfg awssdk.Config, optFns ...func(*iam.Options)) *IAMRolePolicies {
	return NewRolePoliciesFrom(iam.NewFromConfig(cfg, optFns...))
}

// NewRolePoliciesFrom returns RolePolicies over api.
func NewRolePoliciesFrom(api IAMAPI) *IAMRolePolicies {
	return &IAMRolePolicies{api: api}
}

// Put creates or replaces the inline policy policyName of role with doc.
func (r *IAMRolePolicies) Put(ctx context.Context, role, policyName string, doc []byte) error {
	if len(doc) == 0 {
		return fmt.Errorf("put role policy %s/%s: empty document", role, policyName)
	}
	_, err := r.api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
		RoleName:       awssdk.String(role),
		PolicyName:     awssdk.String(policyName),
		PolicyDocument: awssdk.String(string(doc)),
	})
	if err != nil {
		return fmt.Errorf("put role policy %s/%s: %w", role, policyName, err)
	}
	return nil
}

// Get returns the inline policy policyName of role as plain JSON. IAM answers
// it URL-encoded (RFC 3986) and the Go SDK does not decode it.
func (r *IAMRolePolicies) Get(ctx context.Context, role, policyName string) ([]byte, error) {
	out, err := r.api.GetRolePolicy(ctx, &iam.GetRolePolicyInput{
		RoleName:   awssdk.String(role),
		PolicyName: awssdk.String(policyName),
	})
	if err != nil {
		return nil, fmt.Errorf("get role policy %s/%s: %w", role, policyName, notFound(err))
	}
	doc, err := DecodePolicyDocument(awssdk.ToString(out.PolicyDocument))
	if err != nil {
		return nil, fmt.Errorf("get role policy %s/%s: %w", role, policyName, err)
	}
	return doc, nil
}

// Delete removes the inline policy policyName of role; one that does not
// exist (or whose role does not) is already deleted.
func (r *IAMRolePolicies) Delete(ctx context.Context, role, policyName string) error {
	_, err := r.api.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{
		RoleName:   awssdk.String(role),
		PolicyName: awssdk.String(policyName),
	})
	if err != nil && !errors.Is(notFound(err), ErrNotFound) {
		return fmt.Errorf("delete role policy %s/%s: %w", role, policyName, err)
	}
	return nil
}

// List returns the names of role's inline policies, all pages of them.
func (r *IAMRolePolicies) List(ctx context.Context, role string) ([]string, error) {
	var names []string
	pages := iam.NewListRolePoliciesPaginator(r.api, &iam.ListRolePoliciesInput{RoleName: awssdk.String(role)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list role policies of %s: %w", role, notFound(err))
		}
		names = append(names, page.PolicyNames...)
	}
	return names, nil
}

// DecodePolicyDocument turns a policy document as IAM returns it,
// percent-encoded per RFC 3986, into plain JSON. "+" stays "+": RFC 3986 does
// not encode spaces as "+", and IAM encodes a literal "+" as "%2B".
func DecodePolicyDocument(encoded string) ([]byte, error) {
	s, err := url.PathUnescape(encoded)
	if err != nil {
		return nil, fmt.Errorf("decode policy document: %w", err)
	}
	return []byte(s), nil
}

// notFound adds ErrNotFound to IAM's NoSuchEntity, keeping the SDK error.
func notFound(err error) error {
	var nse *types.NoSuchEntityException
	if errors.As(err, &nse) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}
