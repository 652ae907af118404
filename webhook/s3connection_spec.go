package webhook

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

// Limits and patterns of an S3Connection, as in the CRD schema. Lengths are in
// characters, as the schema counts them.
const (
	maxEndpointLength   = 512
	maxDelegations      = 64
	maxDelegationNames  = 256
	maxScopes           = 64
	maxRoleARNLength    = 2048
	maxKeyARNLength     = 2048
	maxRoleNameLength   = 64
	maxIAMUserLength    = 128
	minExternalIDLength = 2
	maxExternalIDLength = 1224
)

var (
	knownProviders    = []v1alpha1.Provider{v1alpha1.ProviderAWS, v1alpha1.ProviderS3Compatible}
	knownIAMModes     = []v1alpha1.IAMMode{v1alpha1.IAMModeReport, v1alpha1.IAMModeApply}
	knownScopings     = []v1alpha1.CredentialScoping{v1alpha1.CredentialScopingNone, v1alpha1.CredentialScopingSessionPolicy}
	endpointPattern   = regexp.MustCompile(`^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s]*)?$`)
	accountIDPattern  = regexp.MustCompile(`^[0-9]{12}$`)
	regionPattern     = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$`)
	roleARNPattern    = regexp.MustCompile(`^arn:[a-z0-9-]+:iam::[0-9]*:role/[A-Za-z0-9+=,.@_/-]+$`)
	externalIDPattern = regexp.MustCompile(`^[A-Za-z0-9+=,.@:/-]+$`)
	sessionPattern    = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]{2,64}$`)
	keyARNPattern     = regexp.MustCompile(`^(arn:[a-z0-9-]+:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+|[A-Za-z0-9_.-]+)$`)
	iamNamePattern    = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]+$`)
)

// validateS3ConnectionSpec repeats the CRD schema's checks of an S3Connection spec.
func validateS3ConnectionSpec(spec *v1alpha1.S3ConnectionSpec) field.ErrorList {
	p := field.NewPath("spec")
	var errs field.ErrorList
	switch {
	case spec.Provider == "":
		errs = append(errs, field.Required(p.Child("provider"), "set AWS or S3Compatible"))
	case !slices.Contains(knownProviders, spec.Provider):
		errs = append(errs, field.NotSupported(p.Child("provider"), spec.Provider, knownProviders))
	}
	errs = append(errs, validateEndpoint(p, spec)...)
	errs = append(errs, validateAccount(p, spec)...)
	errs = append(errs, validateAuth(p.Child("auth"), &spec.Auth)...)
	errs = append(errs, validateDelegations(p.Child("delegations"), spec.Delegations)...)
	errs = append(errs, validateKMS(p.Child("kms"), spec)...)
	errs = append(errs, validateIAM(p.Child("iam"), spec)...)
	if d := spec.CheckInterval; d != nil && (d.Duration < 30*time.Second || d.Duration > 24*time.Hour) {
		errs = append(errs, field.Invalid(p.Child("checkInterval"), d.Duration.String(), "checkInterval must be between 30s and 24h"))
	}
	return errs
}

func validateEndpoint(p *field.Path, spec *v1alpha1.S3ConnectionSpec) field.ErrorList {
	var errs field.ErrorList
	ep := p.Child("endpoint")
	switch {
	case spec.Endpoint == "" && spec.Provider == v1alpha1.ProviderS3Compatible:
		errs = append(errs, field.Required(ep, "endpoint is required when provider is S3Compatible, e.g. https://minio.example.com:9000"))
	case utf8.RuneCountInString(spec.Endpoint) > maxEndpointLength:
		errs = append(errs, field.TooLong(ep, spec.Endpoint, maxEndpointLength))
	case spec.Endpoint != "" && !endpointPattern.MatchString(spec.Endpoint):
		errs = append(errs, field.Invalid(ep, spec.Endpoint, "endpoint must be an http or https URL of a host name or address, with an optional port and path, e.g. https://minio.example.com:9000"))
	}
	if ca := spec.CABundle; ca != nil {
		cp := p.Child("caBundle")
		if spec.Endpoint == "" {
			errs = append(errs, field.Forbidden(cp, "caBundle is only used with a custom endpoint; set endpoint or remove caBundle"))
		}
		if set := present(choice{ca.SecretRef != nil, "secretRef"}, choice{ca.ConfigMapRef != nil, "configMapRef"}); len(set) != 1 {
			errs = append(errs, field.Invalid(cp, describe(set), "caBundle needs exactly one of secretRef or configMapRef"))
		}
		if ca.SecretRef != nil {
			errs = append(errs, validateObjectKeyRef(cp.Child("secretRef"), ca.SecretRef)...)
		}
		if ca.ConfigMapRef != nil {
			errs = append(errs, validateObjectKeyRef(cp.Child("configMapRef"), ca.ConfigMapRef)...)
		}
	}
	return errs
}

func validateAccount(p *field.Path, spec *v1alpha1.S3ConnectionSpec) field.ErrorList {
	var errs field.ErrorList
	switch {
	case spec.AccountID == "" && spec.Provider == v1alpha1.ProviderAWS:
		errs = append(errs, field.Required(p.Child("accountID"), "accountID (12 digits) is required when provider is AWS"))
	case spec.AccountID != "" && !accountIDPattern.MatchString(spec.AccountID):
		errs = append(errs, field.Invalid(p.Child("accountID"), spec.AccountID, "accountID must be the 12-digit AWS account ID, e.g. 123456789012"))
	}
	if spec.Region != "" && !regionPattern.MatchString(spec.Region) {
		errs = append(errs, field.Invalid(p.Child("region"), spec.Region, "region must be a lowercase region name such as eu-west-1 or us-gov-west-1"))
	}
	return errs
}

func validateAuth(p *field.Path, auth *v1alpha1.ConnectionAuth) field.ErrorList {
	var errs field.ErrorList
	methods := present(choice{auth.AccessKey != nil, "accessKey"}, choice{auth.AssumeRole != nil, "assumeRole"}, choice{auth.PodIdentity != nil, "podIdentity"})
	if len(methods) != 1 {
		errs = append(errs, field.Invalid(p, describe(methods), "auth needs exactly one of accessKey, assumeRole or podIdentity"))
	}
	if auth.AccessKey != nil {
		errs = append(errs, validateSecretKeysRef(p.Child("accessKey"), auth.AccessKey)...)
	}
	if ar := auth.AssumeRole; ar != nil {
		ap := p.Child("assumeRole")
		switch {
		case ar.RoleARN == "":
			errs = append(errs, field.Required(ap.Child("roleARN"), "give the role to assume, e.g. arn:aws:iam::123456789012:role/s3am"))
		case len(ar.RoleARN) > maxRoleARNLength:
			errs = append(errs, field.TooLong(ap.Child("roleARN"), ar.RoleARN, maxRoleARNLength))
		case !roleARNPattern.MatchString(ar.RoleARN):
			errs = append(errs, field.Invalid(ap.Child("roleARN"), ar.RoleARN, "roleARN must be an IAM role ARN, e.g. arn:aws:iam::123456789012:role/s3am"))
		}
		if ar.ExternalID != "" && (len(ar.ExternalID) < minExternalIDLength || len(ar.ExternalID) > maxExternalIDLength || !externalIDPattern.MatchString(ar.ExternalID)) {
			errs = append(errs, field.Invalid(ap.Child("externalID"), ar.ExternalID, "externalID must be 2 to 1224 letters, digits or +=,.@:/-"))
		}
		if ar.SessionName != "" && !sessionPattern.MatchString(ar.SessionName) {
			errs = append(errs, field.Invalid(ap.Child("sessionName"), ar.SessionName, "sessionName must be 2 to 64 letters, digits or +=,.@_-"))
		}
		if d := ar.Duration; d != nil && (d.Duration < 15*time.Minute || d.Duration > 12*time.Hour) {
			errs = append(errs, field.Invalid(ap.Child("duration"), d.Duration.String(), "assumeRole.duration must be between 15m and 12h"))
		}
		if ar.AccessKey != nil {
			errs = append(errs, validateSecretKeysRef(ap.Child("accessKey"), ar.AccessKey)...)
		}
	}
	return errs
}

func validateKMS(p *field.Path, spec *v1alpha1.S3ConnectionSpec) field.ErrorList {
	kms := spec.KMS
	switch {
	case kms == nil:
		return nil
	case kms.KeyARN == "":
		return field.ErrorList{field.Required(p.Child("keyARN"), "name the KMS key uploads must use")}
	case len(kms.KeyARN) > maxKeyARNLength:
		return field.ErrorList{field.TooLong(p.Child("keyARN"), kms.KeyARN, maxKeyARNLength)}
	case spec.Provider == v1alpha1.ProviderAWS && !strings.HasPrefix(kms.KeyARN, "arn:"):
		return field.ErrorList{field.Invalid(p.Child("keyARN"), kms.KeyARN, "kms.keyARN must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID) when provider is AWS")}
	case !keyARNPattern.MatchString(kms.KeyARN):
		return field.ErrorList{field.Invalid(p.Child("keyARN"), kms.KeyARN, "kms.keyARN must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID) or, on S3-compatible servers, a key name of letters, digits and _.-")}
	}
	return nil
}

func validateIAM(p *field.Path, spec *v1alpha1.S3ConnectionSpec) field.ErrorList {
	iam := spec.IAM
	if iam == nil {
		return nil
	}
	var errs field.ErrorList
	if iam.Mode != "" && !slices.Contains(knownIAMModes, iam.Mode) {
		errs = append(errs, field.NotSupported(p.Child("mode"), iam.Mode, knownIAMModes))
	}
	if iam.CredentialScoping != "" && !slices.Contains(knownScopings, iam.CredentialScoping) {
		errs = append(errs, field.NotSupported(p.Child("credentialScoping"), iam.CredentialScoping, knownScopings))
	}
	for _, n := range []struct {
		name, value string
		max         int
	}{{"roleName", iam.RoleName, maxRoleNameLength}, {"user", iam.User, maxIAMUserLength}} {
		switch {
		case len(n.value) > n.max:
			errs = append(errs, field.TooLong(p.Child(n.name), n.value, n.max))
		case n.value != "" && !iamNamePattern.MatchString(n.value):
			errs = append(errs, field.Invalid(p.Child(n.name), n.value, n.name+" must be letters, digits or +=,.@_-"))
		}
	}
	if iam.Mode == v1alpha1.IAMModeApply {
		if spec.Provider == v1alpha1.ProviderAWS && iam.RoleName == "" {
			errs = append(errs, field.Required(p.Child("roleName"), "iam.roleName is required when iam.mode is Apply and provider is AWS"))
		}
		if spec.Provider == v1alpha1.ProviderS3Compatible && iam.User == "" {
			errs = append(errs, field.Required(p.Child("user"), "iam.user is required when iam.mode is Apply and provider is S3Compatible"))
		}
	}
	if iam.CredentialScoping == v1alpha1.CredentialScopingSessionPolicy && spec.Provider == v1alpha1.ProviderAWS && spec.Auth.AssumeRole == nil {
		errs = append(errs, field.Invalid(p.Child("credentialScoping"), iam.CredentialScoping,
			"iam.credentialScoping SessionPolicy on AWS needs auth.assumeRole, because session policies are passed to sts:AssumeRole"))
	}
	return errs
}
