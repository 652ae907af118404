package s3conn

import (
	"context"
	"errors"
	"math"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// maxBucketsPerPage is the largest page ListBuckets serves. Asking for pages
// at all matters: AWS serves unpaginated ListBuckets only to accounts at the
// default bucket quota.
const maxBucketsPerPage = 10000

// S3API is the part of *s3.Client that Test uses.
type S3API interface {
	ListBuckets(ctx context.Context, in *s3.ListBucketsInput, optFns ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
}

// errRepeatedToken stops a server that keeps handing out the same page.
var errRepeatedToken = errors.New("ListBuckets returned a continuation token twice")

// Test is Test Connection: it lists the buckets the credentials can see and
// returns how many there are. A failure is an *Error carrying the S3 or STS
// error code (InvalidAccessKeyId, SignatureDoesNotMatch, AccessDenied...)
// and a message with no key material; when client is an *s3.Client built
// from Config's configuration, the exact keys it used are removed too.
func Test(ctx context.Context, client S3API) (int32, error) {
	redact := redactorOfClient(client)
	var count int64
	in := &s3.ListBucketsInput{MaxBuckets: aws.Int32(maxBucketsPerPage)}
	seen := map[string]bool{}
	for {
		out, err := client.ListBuckets(ctx, in)
		if err != nil {
			return 0, newError("S3", "ListBuckets", err, redact)
		}
		count += int64(len(out.Buckets))
		token := aws.ToString(out.ContinuationToken)
		if token == "" {
			return int32(min(count, math.MaxInt32)), nil
		}
		if seen[token] {
			return 0, &Error{Service: "S3", Operation: "ListBuckets", Message: errRepeatedToken.Error(), cause: errRepeatedToken}
		}
		seen[token] = true
		in = &s3.ListBucketsInput{MaxBuckets: aws.Int32(maxBucketsPerPage), ContinuationToken: aws.String(token)}
	}
}
