package s3conn

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// recordingProvider remembers every credential value it hands out, so that
// errors can be scrubbed of exactly those values.
type recordingProvider struct {
	inner  aws.CredentialsProvider
	redact *redactor
}

// Retrieve returns the inner provider's credentials and records them.
func (p *recordingProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := p.inner.Retrieve(ctx)
	if err == nil {
		p.redact.addRecent(c)
	}
	return c, err
}

// connectionCredentials is the provider Config installs in aws.Config. Next
// to the credentials requests are signed with it keeps the source
// credentials, the ones allowed to call sts:AssumeRole: on MinIO temporary
// credentials cannot assume a role, so session-scoped credentials must be
// minted from the connection's own keys even when it signs with a session.
type connectionCredentials struct {
	recordingProvider
	source aws.CredentialsProvider
}

// credentialsOf returns the connectionCredentials behind p, if Config made p.
func credentialsOf(p aws.CredentialsProvider) (*connectionCredentials, bool) {
	c, ok := p.(*connectionCredentials)
	return c, ok
}

// sourceOf returns the credentials that may call sts:AssumeRole for cfg.
func sourceOf(cfg aws.Config) aws.CredentialsProvider {
	if c, ok := credentialsOf(cfg.Credentials); ok {
		return c.source
	}
	return cfg.Credentials
}

// redactorOf returns the redactor of a configuration made by Config, or nil.
func redactorOf(cfg aws.Config) *redactor {
	if c, ok := credentialsOf(cfg.Credentials); ok {
		return c.redact
	}
	return nil
}

// redactorOfClient finds the redactor of a client built from Config's
// configuration, such as an *s3.Client.
func redactorOfClient(client any) *redactor {
	o, ok := client.(interface{ Options() s3.Options })
	if !ok {
		return nil
	}
	if c, ok := credentialsOf(o.Options().Credentials); ok {
		return c.redact
	}
	return nil
}
