package webhook

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

// Limits of a PrefixGrant, as in the CRD schema. Lengths are in characters,
// as the schema counts them; only prefixes are limited in bytes (by keys).
const (
	maxSubjects         = 64
	maxSubjectNameLen   = 256
	maxContentTypes     = 32
	maxContentTypeLen   = 127
	maxConnectionLength = 253
)

var (
	knownPermissions = []v1alpha1.Permission{v1alpha1.PermissionRead, v1alpha1.PermissionWrite, v1alpha1.PermissionList, v1alpha1.PermissionDelete}
	knownKinds       = []v1alpha1.SubjectKind{v1alpha1.SubjectUser, v1alpha1.SubjectGroup}
	// contentTypePattern is the schema's pattern for allowedContentTypes items.
	contentTypePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9!#$&^_.+-]*/([a-z0-9][a-z0-9!#$&^_.+-]*|\*)$`)
	// maxObjectSizeLimit is S3's largest object.
	maxObjectSizeLimit = resource.MustParse("5Ti")
)

// validatePrefixGrantSpec repeats the CRD schema's checks of a PrefixGrant spec.
func validatePrefixGrantSpec(spec *v1alpha1.PrefixGrantSpec) field.ErrorList {
	p := field.NewPath("spec")
	var errs field.ErrorList
	if spec.Connection != "" {
		if len(spec.Connection) > maxConnectionLength {
			errs = append(errs, field.TooLong(p.Child("connection"), spec.Connection, maxConnectionLength))
		} else {
			errs = append(errs, messages(p.Child("connection"), spec.Connection, validation.IsDNS1123Subdomain(spec.Connection))...)
		}
	}
	errs = append(errs, validateBucket(p.Child("bucket"), string(spec.Bucket))...)
	errs = append(errs, validateGrantPrefix(p, spec)...)
	errs = append(errs, validateSubjects(p.Child("subjects"), spec.Subjects)...)
	errs = append(errs, validatePermissions(p.Child("permissions"), spec.Permissions)...)
	if spec.ValidFrom != nil && spec.ValidUntil != nil && !spec.ValidUntil.After(spec.ValidFrom.Time) {
		errs = append(errs, field.Invalid(p.Child("validUntil"), spec.ValidUntil.UTC().Format(time.RFC3339),
			fmt.Sprintf("validUntil must be after validFrom (%s)", spec.ValidFrom.UTC().Format(time.RFC3339))))
	}
	if spec.Upload != nil {
		errs = append(errs, validateUpload(p.Child("upload"), spec.Upload)...)
	}
	return errs
}

// validateGrantPrefix checks that a grant has either a prefix or wholeBucket.
func validateGrantPrefix(p *field.Path, spec *v1alpha1.PrefixGrantSpec) field.ErrorList {
	prefix := string(spec.Prefix)
	switch {
	case spec.WholeBucket && prefix != "":
		return field.ErrorList{field.Invalid(p.Child("prefix"), prefix,
			"wholeBucket: true grants the whole bucket; leave prefix empty, or set wholeBucket: false to grant only this prefix")}
	case spec.WholeBucket:
		return nil
	case prefix == "":
		return field.ErrorList{field.Required(p.Child("prefix"),
			`set a prefix such as "partner-a/uploads/"; for the whole bucket set wholeBucket: true and leave prefix empty`)}
	default:
		return validatePrefix(p.Child("prefix"), prefix)
	}
}

func validateSubjects(p *field.Path, subjects []v1alpha1.Subject) field.ErrorList {
	var errs field.ErrorList
	switch {
	case len(subjects) == 0:
		return field.ErrorList{field.Required(p, "name at least one user or group, e.g. {kind: User, name: alice@example.com}")}
	case len(subjects) > maxSubjects:
		errs = append(errs, field.TooMany(p, len(subjects), maxSubjects))
	}
	for i, s := range subjects {
		ip := p.Index(i)
		if !slices.Contains(knownKinds, s.Kind) {
			errs = append(errs, field.NotSupported(ip.Child("kind"), s.Kind, knownKinds))
		}
		switch {
		case s.Name == "":
			errs = append(errs, field.Required(ip.Child("name"), "give the user or group name as the server's authentication reports it"))
		case utf8.RuneCountInString(s.Name) > maxSubjectNameLen:
			errs = append(errs, field.TooLong(ip.Child("name"), s.Name, maxSubjectNameLen))
		case strings.ContainsFunc(s.Name, unicode.IsControl) || s.Name != strings.TrimSpace(s.Name):
			errs = append(errs, field.Invalid(ip.Child("name"), s.Name, "subject name must not contain control characters or surrounding spaces"))
		}
		if slices.ContainsFunc(subjects[:i], func(o v1alpha1.Subject) bool { return o == s }) {
			errs = append(errs, field.Invalid(ip, fmt.Sprintf("%s %s", s.Kind, s.Name), "subjects must not repeat the same kind and name; remove the repeat"))
		}
	}
	return errs
}

func validatePermissions(p *field.Path, perms []v1alpha1.Permission) field.ErrorList {
	if len(perms) == 0 {
		return field.ErrorList{field.Required(p, "give at least one of read, write, list and delete")}
	}
	var errs field.ErrorList
	for i, perm := range perms {
		switch {
		case !slices.Contains(knownPermissions, perm):
			errs = append(errs, field.NotSupported(p.Index(i), perm, knownPermissions))
		case slices.Contains(perms[:i], perm):
			errs = append(errs, field.Duplicate(p.Index(i), perm))
		}
	}
	return errs
}

func validateUpload(p *field.Path, u *v1alpha1.UploadConstraints) field.ErrorList {
	var errs field.ErrorList
	if q := u.MaxObjectSize; q != nil && (q.Sign() <= 0 || q.Cmp(maxObjectSizeLimit) > 0) {
		errs = append(errs, field.Invalid(p.Child("maxObjectSize"), q.String(), "maxObjectSize must be more than 0 and at most 5Ti, S3's object size limit"))
	}
	ctp := p.Child("allowedContentTypes")
	if len(u.AllowedContentTypes) > maxContentTypes {
		errs = append(errs, field.TooMany(ctp, len(u.AllowedContentTypes), maxContentTypes))
	}
	for i, ct := range u.AllowedContentTypes {
		switch {
		case len(ct) > maxContentTypeLen:
			errs = append(errs, field.TooLong(ctp.Index(i), ct, maxContentTypeLen))
		case !contentTypePattern.MatchString(ct):
			errs = append(errs, field.Invalid(ctp.Index(i), ct, "content type must be a lowercase media type such as application/pdf, or type/* such as image/*"))
		case slices.Contains(u.AllowedContentTypes[:i], ct):
			errs = append(errs, field.Duplicate(ctp.Index(i), ct))
		}
	}
	return errs
}
