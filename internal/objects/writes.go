package objects

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// putInput is every PUT the service makes or signs: the content type and
// length, SSE-KMS when the connection names a key, and If-None-Match: * when
// the object must not replace another.
func (s *Service) putInput(bucket, key, contentType string, length int64, noReplace bool) *s3.PutObjectInput {
	in := &s3.PutObjectInput{
		Bucket:        aws.String(bucket),
		Key:           aws.String(key),
		ContentType:   aws.String(contentType),
		ContentLength: aws.Int64(length),
	}
	in.ServerSideEncryption, in.SSEKMSKeyId = s.sseKMS()
	in.IfNoneMatch = ifNoneMatch(noReplace)
	return in
}

// sseKMS returns the SSE-KMS fields of an upload: aws:kms and the key when
// the connection names one, nothing otherwise.
func (s *Service) sseKMS() (types.ServerSideEncryption, *string) {
	if s.kmsKey == "" {
		return "", nil
	}
	return types.ServerSideEncryptionAwsKms, aws.String(s.kmsKey)
}

// ifNoneMatch is the If-None-Match of a write that must not replace an
// object, nil otherwise.
func ifNoneMatch(noReplace bool) *string {
	if noReplace {
		return aws.String("*")
	}
	return nil
}
