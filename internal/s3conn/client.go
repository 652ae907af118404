package s3conn

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

// NewS3Client returns an S3 client for cfg (from Config) with the spec's
// endpoint and addressing style. optFns run last, e.g. to lower retries.
//
// For S3Compatible, checksums are computed and validated only where the S3
// API requires them: the SDK's default of adding CRC32 checksums to every
// upload (and to presigned URLs) is refused by several S3-compatible servers.
func NewS3Client(cfg aws.Config, spec v1alpha1.S3ConnectionSpec, optFns ...func(*s3.Options)) *s3.Client {
	base := func(o *s3.Options) {
		if spec.Endpoint != "" {
			o.BaseEndpoint = aws.String(spec.Endpoint)
		}
		o.UsePathStyle = spec.PathStyle
		if spec.Provider == v1alpha1.ProviderS3Compatible {
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		}
	}
	return s3.NewFromConfig(cfg, append([]func(*s3.Options){base}, optFns...)...)
}
