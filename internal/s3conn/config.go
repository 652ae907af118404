package s3conn

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

// Defaults applied where the spec leaves a field empty; they match the CRD's
// defaults so that a spec built in code behaves like one read from the API.
const (
	DefaultRegion          = "us-east-1"
	DefaultSessionName     = "s3am"
	DefaultSessionDuration = time.Hour
)

// Config builds the aws-sdk-go-v2 configuration of a connection:
//
//   - credentials: auth.accessKey's static keys; auth.assumeRole's role,
//     assumed (with its external ID, session name and duration) from its
//     accessKey or from the default chain, and refreshed before it expires;
//     or auth.podIdentity's default chain (IRSA, EKS Pod Identity, instance
//     profile, environment);
//   - region (DefaultRegion if empty);
//   - for S3Compatible, the endpoint as BaseEndpoint of every service, since
//     such servers answer STS on the same URL; an AWS endpoint (VPC or FIPS)
//     is an S3 endpoint only and is applied by NewS3Client;
//   - an HTTP client that gives up on an exchange after DefaultCallTimeout
//     (see WithCallTimeout) and, with a caBundle, trusts it.
//
// Nothing is sent over the network: credentials are fetched on first use.
// The returned configuration's Credentials remember what they hand out, so
// that Test and AssumeWithSessionPolicy can keep them out of error messages;
// replace them and only AWS-shaped key IDs are scrubbed.
func Config(ctx context.Context, spec v1alpha1.S3ConnectionSpec, src Sources) (aws.Config, error) {
	if err := checkAuth(spec.Auth); err != nil {
		return aws.Config{}, err
	}
	opts := []func(*config.LoadOptions) error{config.WithRegion(orDefault(spec.Region, DefaultRegion))}
	switch spec.Provider {
	case v1alpha1.ProviderS3Compatible:
		if spec.Endpoint == "" {
			return aws.Config{}, errors.New("endpoint is required for provider S3Compatible")
		}
		opts = append(opts, config.WithBaseEndpoint(spec.Endpoint))
	case v1alpha1.ProviderAWS:
	default:
		return aws.Config{}, fmt.Errorf("unknown provider %q", spec.Provider)
	}
	httpClient := newHTTPClient()
	if spec.CABundle != nil {
		pem, err := readCABundle(ctx, *spec.CABundle, src)
		if err != nil {
			return aws.Config{}, err
		}
		if httpClient, err = httpClientTrusting(pem); err != nil {
			return aws.Config{}, fmt.Errorf("caBundle: %w", err)
		}
	}
	opts = append(opts, config.WithHTTPClient(httpClient))

	redact := &redactor{}
	if ref := keysRef(spec.Auth); ref != nil {
		keys, err := ReadKeys(ctx, *ref, src.Secrets)
		if err != nil {
			return aws.Config{}, fmt.Errorf("access key: %w", err)
		}
		redact.addFixed(keys)
		opts = append(opts, config.WithCredentialsProvider(keys.Provider()))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}

	source := &recordingProvider{inner: cfg.Credentials, redact: redact}
	effective := aws.CredentialsProvider(source)
	if ar := spec.Auth.AssumeRole; ar != nil {
		client := sts.NewFromConfig(cfg, func(o *sts.Options) { o.Credentials = source })
		effective = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(client, ar.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = orDefault(ar.SessionName, DefaultSessionName)
			o.Duration = DefaultSessionDuration
			if ar.Duration != nil {
				o.Duration = ar.Duration.Duration
			}
			if ar.ExternalID != "" {
				o.ExternalID = aws.String(ar.ExternalID)
			}
		}))
	}
	cfg.Credentials = &connectionCredentials{
		recordingProvider: recordingProvider{inner: effective, redact: redact},
		source:            source,
	}
	return cfg, nil
}

// checkAuth enforces "exactly one method", which the CRD validates too; a
// spec built in code must not silently pick one.
func checkAuth(a v1alpha1.ConnectionAuth) error {
	n := 0
	for _, set := range []bool{a.AccessKey != nil, a.AssumeRole != nil, a.PodIdentity != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("auth needs exactly one of accessKey, assumeRole or podIdentity, has %d", n)
	}
	return nil
}

// keysRef returns the Secret holding static keys, if the auth method uses one.
func keysRef(a v1alpha1.ConnectionAuth) *v1alpha1.SecretKeysRef {
	if a.AccessKey != nil {
		return a.AccessKey
	}
	if a.AssumeRole != nil {
		return a.AssumeRole.AccessKey
	}
	return nil
}
