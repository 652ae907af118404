package minioserver

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DefaultSessionDuration is what AssumeRole asks for when given 0.
const DefaultSessionDuration = time.Hour

// AssumeRole asks the server's STS for temporary credentials derived from the
// root user, restricted by sessionPolicyJSON (none if empty). The root user's
// own policy allows everything, so the session policy alone decides what the
// credentials may do. MinIO ignores the role ARN; AWS SDK validation needs one.
func (s *Server) AssumeRole(ctx context.Context, sessionPolicyJSON string, duration time.Duration) (aws.Credentials, error) {
	if duration == 0 {
		duration = DefaultSessionDuration
	}
	client := sts.New(sts.Options{
		Region:       s.Region,
		BaseEndpoint: aws.String(s.Endpoint),
		Credentials:  s.RootCredentials(),
	})
	in := &sts.AssumeRoleInput{
		RoleArn:         aws.String("arn:aws:iam::000000000000:role/s3am-test"),
		RoleSessionName: aws.String("s3am-test"),
		DurationSeconds: aws.Int32(int32(duration / time.Second)),
	}
	if sessionPolicyJSON != "" {
		in.Policy = aws.String(sessionPolicyJSON)
	}
	out, err := client.AssumeRole(ctx, in)
	if err != nil {
		return aws.Credentials{}, fmt.Errorf("assume role: %w", err)
	}
	c := out.Credentials
	if c == nil || c.AccessKeyId == nil || c.SecretAccessKey == nil {
		return aws.Credentials{}, fmt.Errorf("assume role: response has no credentials")
	}
	creds := aws.Credentials{
		AccessKeyID:     *c.AccessKeyId,
		SecretAccessKey: *c.SecretAccessKey,
		SessionToken:    aws.ToString(c.SessionToken),
		Source:          "minio-sts",
	}
	if c.Expiration != nil {
		creds.CanExpire = true
		creds.Expires = *c.Expiration
	}
	return creds, nil
}
