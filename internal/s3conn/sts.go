package s3conn

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

// MinSessionDuration is the shortest session both AWS STS and MinIO grant.
const MinSessionDuration = 15 * time.Minute

// placeholderRoleARN fills AssumeRole's required RoleArn on S3-compatible
// servers. MinIO ignores the ARN of AssumeRole and derives the session from
// the calling user; the SDK still refuses a call without one.
const placeholderRoleARN = "arn:aws:iam::000000000000:role/s3am"

// AssumeWithSessionPolicy returns temporary credentials restricted by
// policyJSON, a session policy: what they may do is what the connection may
// do intersected with the policy, so S3 itself refuses anything else.
//
// On AWS it assumes auth.assumeRole.roleARN (with its external ID) from the
// connection's source credentials: auth.assumeRole.accessKey or the default
// chain. On S3Compatible it calls the server's STS AssumeRole with the
// connection's own keys, never with a session (MinIO refuses AssumeRole from
// temporary credentials); MinIO ignores the role ARN.
//
// cfg must come from Config. sessionName defaults to the spec's (or
// DefaultSessionName), duration to DefaultSessionDuration. An empty policy is
// refused: it would mint unrestricted credentials.
func AssumeWithSessionPolicy(ctx context.Context, cfg aws.Config, spec v1alpha1.S3ConnectionSpec, policyJSON, sessionName string, duration time.Duration) (Credentials, error) {
	if policyJSON == "" {
		return Credentials{}, errors.New("session policy is empty; refusing to mint unrestricted credentials")
	}
	if duration == 0 {
		duration = DefaultSessionDuration
	}
	if duration < MinSessionDuration {
		return Credentials{}, fmt.Errorf("session duration %v is below the minimum %v", duration, MinSessionDuration)
	}
	ar := spec.Auth.AssumeRole
	in := &sts.AssumeRoleInput{
		RoleArn:         aws.String(placeholderRoleARN),
		RoleSessionName: aws.String(sessionName),
		DurationSeconds: aws.Int32(int32(duration / time.Second)),
		Policy:          aws.String(policyJSON),
	}
	switch spec.Provider {
	case v1alpha1.ProviderAWS:
		if ar == nil {
			return Credentials{}, errors.New("session policies on AWS need auth.assumeRole: they are passed to sts:AssumeRole")
		}
		in.RoleArn = aws.String(ar.RoleARN)
		if ar.ExternalID != "" {
			in.ExternalId = aws.String(ar.ExternalID)
		}
	case v1alpha1.ProviderS3Compatible:
		if ar != nil {
			in.RoleArn = aws.String(ar.RoleARN)
		}
	default:
		return Credentials{}, fmt.Errorf("unknown provider %q", spec.Provider)
	}
	if sessionName == "" {
		in.RoleSessionName = aws.String(DefaultSessionName)
		if ar != nil && ar.SessionName != "" {
			in.RoleSessionName = aws.String(ar.SessionName)
		}
	}

	client := sts.NewFromConfig(cfg, func(o *sts.Options) { o.Credentials = sourceOf(cfg) })
	out, err := client.AssumeRole(ctx, in)
	if err != nil {
		return Credentials{}, newError("STS", "AssumeRole", err, redactorOf(cfg))
	}
	c := out.Credentials
	if c == nil || aws.ToString(c.AccessKeyId) == "" || aws.ToString(c.SecretAccessKey) == "" {
		return Credentials{}, &Error{Service: "STS", Operation: "AssumeRole", Message: "response holds no credentials"}
	}
	return Credentials{
		AccessKeyID:     *c.AccessKeyId,
		SecretAccessKey: *c.SecretAccessKey,
		SessionToken:    aws.ToString(c.SessionToken),
		Expires:         aws.ToTime(c.Expiration),
	}, nil
}
