package webhook

import (
	"errors"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/s3am/s3-access-manager/internal/keys"
)

// keysError turns an internal/keys refusal into a field error at path. Its
// detail already says what was wrong and what would be accepted.
func keysError(path *field.Path, value string, err error) *field.Error {
	var ke *keys.Error
	if errors.As(err, &ke) {
		return field.Invalid(path, value, ke.Detail)
	}
	return field.Invalid(path, value, err.Error())
}

// validateBucket checks a bucket name with keys.ValidateBucket.
func validateBucket(path *field.Path, bucket string) field.ErrorList {
	if bucket == "" {
		return field.ErrorList{field.Required(path, `name the bucket, e.g. "partner-data"`)}
	}
	if err := keys.ValidateBucket(bucket); err != nil {
		return field.ErrorList{keysError(path, bucket, err)}
	}
	return nil
}

// validatePrefix checks a non-empty grant or scope prefix with keys.ValidateGrantPrefix.
func validatePrefix(path *field.Path, prefix string) field.ErrorList {
	if err := keys.ValidateGrantPrefix(prefix); err != nil {
		return field.ErrorList{keysError(path, prefix, err)}
	}
	return nil
}

// messages turns the messages of k8s.io/apimachinery's Is* checks into field
// errors at path.
func messages(path *field.Path, value string, msgs []string) field.ErrorList {
	var errs field.ErrorList
	for _, m := range msgs {
		errs = append(errs, field.Invalid(path, value, m))
	}
	return errs
}
