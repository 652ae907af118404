package objects

import (
	"fmt"
	"mime"
	"strings"

	"github.com/s3am/s3-access-manager/internal/keys"
)

// maxContentTypeLen bounds a Content-Type; real ones are far shorter.
const maxContentTypeLen = 255

// validateObject checks a bucket and key with the project's rules, so that
// nothing the authorization index would refuse reaches S3 by another path.
func validateObject(op, bucket, key string) *Error {
	if err := keys.ValidateBucket(bucket); err != nil {
		return invalidErr(op, err)
	}
	if err := keys.ValidateKey(key); err != nil {
		return invalidErr(op, err)
	}
	return nil
}

// validateContentType accepts a media type as RFC 2045 defines it, in
// printable ASCII (it becomes a signed header or a policy condition).
func validateContentType(op, ct string, required bool) *Error {
	if ct == "" {
		if required {
			return invalid(op, "content type is required; use application/octet-stream for unknown content")
		}
		return nil
	}
	if len(ct) > maxContentTypeLen {
		return invalid(op, "content type is %d bytes long; at most %d are allowed", len(ct), maxContentTypeLen)
	}
	for i := 0; i < len(ct); i++ {
		if ct[i] < 0x20 || ct[i] > 0x7e {
			return invalid(op, "content type has a non-printable or non-ASCII byte at %d", i)
		}
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return invalid(op, "content type %q is not a media type: %v", ct, err)
	}
	if typ, sub, ok := strings.Cut(mt, "/"); !ok || typ == "" || sub == "" {
		return invalid(op, "content type %q is not type/subtype", ct)
	}
	return nil
}

// validateWrite checks what every upload names: the object, its content
// type (typeRequired: it must be set), and its size (0: unknown) against the
// grant's limit (0: none) and S3's.
func validateWrite(op, bucket, key, contentType string, typeRequired bool, size, grantLimit int64) *Error {
	if err := validateObject(op, bucket, key); err != nil {
		return err
	}
	if err := validateContentType(op, contentType, typeRequired); err != nil {
		return err
	}
	if size < 0 || grantLimit < 0 {
		return invalid(op, "size %d and upload limit %d must not be negative", size, grantLimit)
	}
	return checkObjectSize(op, size, grantLimit)
}

// checkObjectSize refuses an object larger than the grant's limit (0: none)
// or than S3 stores.
func checkObjectSize(op string, size, grantLimit int64) *Error {
	if grantLimit > 0 && size > grantLimit {
		return tooLarge(op, "%d bytes exceed the upload limit of %d bytes", size, grantLimit)
	}
	if size > MaxObjectSize {
		return tooLarge(op, "%d bytes exceed the %d bytes S3 stores in one object", size, MaxObjectSize)
	}
	return nil
}

func tooLarge(op, format string, args ...any) *Error {
	return &Error{Kind: KindEntityTooLarge, Op: op, Message: fmt.Sprintf(format, args...)}
}
