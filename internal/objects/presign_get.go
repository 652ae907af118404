package objects

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/internal/grant"
)

// GetRequest asks for a presigned download of one object.
type GetRequest struct {
	Bucket, Key string
	// Filename is the name the browser saves the file under; the key's last
	// segment if empty.
	Filename string
	// TTL is how long the URL stays valid; 0 means the default. It is capped
	// at the maximum.
	TTL time.Duration
	// NotAfter, if set, is when the deciding grant stops authorizing; the
	// URL expires by then.
	NotAfter time.Time
}

// PresignGet returns a URL that downloads in.Key as an attachment: S3
// answers with Content-Disposition set to AttachmentDisposition(filename), so
// browsers save the file instead of rendering it on S3's origin. The object
// is not checked for existence. With credential scoping the URL is signed
// with p's scoped session.
func (s *Service) PresignGet(ctx context.Context, p grant.Principal, in GetRequest) (PresignedRequest, error) {
	const op = "PresignGet"
	if err := validateObject(op, in.Bucket, in.Key); err != nil {
		return PresignedRequest{}, err
	}
	name := in.Filename
	if name == "" {
		name = FileName(in.Key)
	}
	plan, err := s.planPresign(ctx, op, p, in.TTL, in.NotAfter)
	if err != nil {
		return PresignedRequest{}, err
	}
	req, err := s.presign.PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket:                     aws.String(in.Bucket),
		Key:                        aws.String(in.Key),
		ResponseContentDisposition: aws.String(AttachmentDisposition(name)),
	}, plan.sign())
	if err != nil {
		return PresignedRequest{}, fromSDK(op, err)
	}
	return plan.request(req), nil
}
