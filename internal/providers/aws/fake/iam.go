// Package fake holds an in-memory IAM for tests of what is built on
// providers/aws (IAMAPI): roles and their inline policies, answering as IAM
// does, including NoSuchEntity and IAM's percent-encoded documents.
package fake

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	awsprovider "github.com/s3am/s3-access-manager/internal/providers/aws"
)

// IAM keeps roles and their inline policies.
type IAM struct {
	mu       sync.Mutex
	policies map[string]map[string]string // role -> policy name -> document
	// PageSize bounds ListRolePolicies pages; default 100.
	PageSize int
	// Calls counts the calls of each operation, e.g. "PutRolePolicy".
	Calls map[string]int
}

var _ awsprovider.IAMAPI = (*IAM)(nil)

// NewIAM returns an IAM holding the roles, without policies.
func NewIAM(roles ...string) *IAM {
	f := &IAM{policies: map[string]map[string]string{}, Calls: map[string]int{}}
	for _, r := range roles {
		f.policies[r] = map[string]string{}
	}
	return f
}

// Policies returns the names of role's inline policies, sorted.
func (f *IAM) Policies(role string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return sortedNames(f.policies[role])
}

func sortedNames(policies map[string]string) []string {
	return slices.Sorted(maps.Keys(policies))
}

// SetPolicy writes a policy as a person editing the role would.
func (f *IAM) SetPolicy(role, name, doc string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.policies[role][name] = doc
}

// onRole runs call on role's inline policies under the lock, counting op;
// NoSuchEntity when there is no such role.
func onRole[T any](f *IAM, op string, role *string, call func(policies map[string]string) (*T, error)) (*T, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, err := f.role(op, aws.ToString(role))
	if err != nil {
		return nil, err
	}
	return call(p)
}

// role returns role's policies, counting the call, or NoSuchEntity.
func (f *IAM) role(op, role string) (map[string]string, error) {
	f.Calls[op]++
	p, ok := f.policies[role]
	if !ok {
		return nil, noSuchEntity("The role with name %s cannot be found.", role)
	}
	return p, nil
}

// PutRolePolicy creates or replaces an inline policy.
func (f *IAM) PutRolePolicy(_ context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	return onRole(f, "PutRolePolicy", in.RoleName, func(p map[string]string) (*iam.PutRolePolicyOutput, error) {
		p[aws.ToString(in.PolicyName)] = aws.ToString(in.PolicyDocument)
		return &iam.PutRolePolicyOutput{}, nil
	})
}

// GetRolePolicy returns an inline policy percent-encoded, as IAM does.
func (f *IAM) GetRolePolicy(_ context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	return onRole(f, "GetRolePolicy", in.RoleName, func(p map[string]string) (*iam.GetRolePolicyOutput, error) {
		doc, ok := p[aws.ToString(in.PolicyName)]
		if !ok {
			return nil, noSuchPolicy(in.PolicyName)
		}
		encoded := strings.ReplaceAll(url.PathEscape(doc), "+", "%2B")
		return &iam.GetRolePolicyOutput{RoleName: in.RoleName, PolicyName: in.PolicyName, PolicyDocument: aws.String(encoded)}, nil
	})
}

// DeleteRolePolicy removes an inline policy.
func (f *IAM) DeleteRolePolicy(_ context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	return onRole(f, "DeleteRolePolicy", in.RoleName, func(p map[string]string) (*iam.DeleteRolePolicyOutput, error) {
		if _, ok := p[aws.ToString(in.PolicyName)]; !ok {
			return nil, noSuchPolicy(in.PolicyName)
		}
		delete(p, aws.ToString(in.PolicyName))
		return &iam.DeleteRolePolicyOutput{}, nil
	})
}

// ListRolePolicies lists inline policy names a page at a time.
func (f *IAM) ListRolePolicies(_ context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	return onRole(f, "ListRolePolicies", in.RoleName, func(p map[string]string) (*iam.ListRolePoliciesOutput, error) {
		names := sortedNames(p)
		start := 0
		if m := aws.ToString(in.Marker); m != "" {
			start = max(slices.Index(names, m), 0)
		}
		size := f.PageSize
		if size <= 0 {
			size = 100
		}
		end := min(start+size, len(names))
		out := &iam.ListRolePoliciesOutput{PolicyNames: names[start:end], IsTruncated: end < len(names)}
		if out.IsTruncated {
			out.Marker = aws.String(names[end])
		}
		return out, nil
	})
}

func noSuchPolicy(name *string) error {
	return noSuchEntity("The role policy with name %s cannot be found.", aws.ToString(name))
}

func noSuchEntity(format string, args ...any) error {
	return &types.NoSuchEntityException{Message: aws.String(fmt.Sprintf(format, args...))}
}
