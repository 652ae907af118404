package webhook

import (
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

func validGrant() v1alpha1.PrefixGrantSpec {
	return v1alpha1.PrefixGrantSpec{
		Connection:  "partner",
		Bucket:      "partner-data",
		Prefix:      "partner-a/",
		Subjects:    []v1alpha1.Subject{{Kind: v1alpha1.SubjectUser, Name: "alice@partner-a.com"}},
		Permissions: []v1alpha1.Permission{v1alpha1.PermissionRead},
	}
}

func validConnection() v1alpha1.S3ConnectionSpec {
	return v1alpha1.S3ConnectionSpec{
		Provider: v1alpha1.ProviderS3Compatible,
		Endpoint: "https://minio.example.com:9000",
		Auth:     v1alpha1.ConnectionAuth{AccessKey: &v1alpha1.SecretKeysRef{Namespace: "s3am-system", Name: "minio"}},
	}
}

// TestGrantEdgesAccepted: the Go checks are no stricter than the schema at
// the edges of what it allows.
// acceptsEach checks, in a subtest per case, that validate admits the spec
// base returns changed by the case's mutation.
func acceptsEach[S any](t *testing.T, base func() S, validate func(*S) field.ErrorList, cases map[string]func(*S)) {
	t.Helper()
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			spec := base()
			mutate(&spec)
			if errs := validate(&spec); len(errs) > 0 {
				t.Errorf("refused: %v", errs.ToAggregate())
			}
		})
	}
}

func TestGrantEdgesAccepted(t *testing.T) {
	q := func(s string) *resource.Quantity { v := resource.MustParse(s); return &v }
	at := func(s string) *metav1.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return &metav1.Time{Time: v}
	}
	subjects := make([]v1alpha1.Subject, maxSubjects)
	for i := range subjects {
		subjects[i] = v1alpha1.Subject{Kind: v1alpha1.SubjectGroup, Name: strings.Repeat("g", i+1)}
	}
	cases := map[string]func(*v1alpha1.PrefixGrantSpec){
		"whole bucket":                          func(s *v1alpha1.PrefixGrantSpec) { s.Prefix, s.WholeBucket = "", true },
		"no connection (the default)":           func(s *v1alpha1.PrefixGrantSpec) { s.Connection = "" },
		"prefix of 1024 bytes":                  func(s *v1alpha1.PrefixGrantSpec) { s.Prefix = v1alpha1.KeyPrefix(strings.Repeat("abcdefg/", 128)) },
		"unicode prefix":                        func(s *v1alpha1.PrefixGrantSpec) { s.Prefix = "données/été 2026/" },
		"percent sign not encoding a separator": func(s *v1alpha1.PrefixGrantSpec) { s.Prefix = "50%off/%41/" },
		"64 subjects, a user and a group of the same name": func(s *v1alpha1.PrefixGrantSpec) {
			s.Subjects = append(subjects[:maxSubjects-1], v1alpha1.Subject{Kind: v1alpha1.SubjectUser, Name: "g"})
		},
		"every permission": func(s *v1alpha1.PrefixGrantSpec) {
			s.Permissions = []v1alpha1.Permission{"read", "write", "list", "delete"}
		},
		"5Ti uploads": func(s *v1alpha1.PrefixGrantSpec) { s.Upload = &v1alpha1.UploadConstraints{MaxObjectSize: q("5Ti")} },
		"content types": func(s *v1alpha1.PrefixGrantSpec) {
			s.Upload = &v1alpha1.UploadConstraints{AllowedContentTypes: []string{"application/pdf", "image/*", "application/vnd.ms-excel", "text/csv"}}
		},
		"validity of one second": func(s *v1alpha1.PrefixGrantSpec) {
			s.ValidFrom, s.ValidUntil = at("2030-01-01T00:00:00Z"), at("2030-01-01T00:00:01Z")
		},
		"subject name of 256 characters with inner spaces": func(s *v1alpha1.PrefixGrantSpec) {
			s.Subjects = []v1alpha1.Subject{{Kind: v1alpha1.SubjectUser, Name: "Zoë " + strings.Repeat("é", 252)}}
		},
	}
	acceptsEach(t, validGrant, validatePrefixGrantSpec, cases)
}

func TestConnectionEdgesAccepted(t *testing.T) {
	d := func(s string) *metav1.Duration {
		v, err := time.ParseDuration(s)
		if err != nil {
			t.Fatal(err)
		}
		return &metav1.Duration{Duration: v}
	}
	cases := map[string]func(*v1alpha1.S3ConnectionSpec){
		"AWS with pod identity": func(s *v1alpha1.S3ConnectionSpec) {
			*s = v1alpha1.S3ConnectionSpec{Provider: v1alpha1.ProviderAWS, AccountID: "123456789012", Region: "us-gov-west-1",
				Auth: v1alpha1.ConnectionAuth{PodIdentity: &v1alpha1.PodIdentityAuth{}}}
		},
		"AWS assumeRole at the duration limits, session policy, apply": func(s *v1alpha1.S3ConnectionSpec) {
			*s = v1alpha1.S3ConnectionSpec{Provider: v1alpha1.ProviderAWS, AccountID: "123456789012",
				Auth: v1alpha1.ConnectionAuth{AssumeRole: &v1alpha1.AssumeRoleAuth{
					RoleARN: "arn:aws-us-gov:iam::123456789012:role/path/s3am", ExternalID: "ab", SessionName: "s3am", Duration: d("15m"),
					AccessKey: &v1alpha1.SecretKeysRef{Namespace: "s3am-system", Name: "aws.keys", AccessKeyIDKey: "id", SecretAccessKeyKey: "secret.key"},
				}},
				KMS: &v1alpha1.KMSConfig{KeyARN: "arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a"},
				IAM: &v1alpha1.IAMConfig{Mode: v1alpha1.IAMModeApply, RoleName: "s3am-partner", CredentialScoping: v1alpha1.CredentialScopingSessionPolicy}}
		},
		"12h session": func(s *v1alpha1.S3ConnectionSpec) {
			s.Auth = v1alpha1.ConnectionAuth{AssumeRole: &v1alpha1.AssumeRoleAuth{RoleARN: "arn:aws:iam::123456789012:role/x", Duration: d("12h")}}
		},
		"check interval of 30s": func(s *v1alpha1.S3ConnectionSpec) { s.CheckInterval = d("30s") },
		"check interval of 24h": func(s *v1alpha1.S3ConnectionSpec) { s.CheckInterval = d("24h") },
		"KMS key name off AWS":  func(s *v1alpha1.S3ConnectionSpec) { s.KMS = &v1alpha1.KMSConfig{KeyARN: "minio-key"} },
		"apply to a MinIO user": func(s *v1alpha1.S3ConnectionSpec) {
			s.IAM = &v1alpha1.IAMConfig{Mode: v1alpha1.IAMModeApply, User: "s3am"}
		},
		"http endpoint with path": func(s *v1alpha1.S3ConnectionSpec) { s.Endpoint = "http://10.0.0.7:9000/s3" },
		"CA bundle from ConfigMap": func(s *v1alpha1.S3ConnectionSpec) {
			s.CABundle = &v1alpha1.CABundleSource{ConfigMapRef: &v1alpha1.ObjectKeyRef{Namespace: "s3am-system", Name: "ca", Key: "ca.crt"}}
		},
		"delegations by name and by selector": func(s *v1alpha1.S3ConnectionSpec) {
			s.Delegations = []v1alpha1.Delegation{
				{Namespaces: []string{"team-b", "team-c"}, Scopes: []v1alpha1.BucketScope{{Bucket: "partner-data", Prefix: "partner-b/"}, {Bucket: "other-bucket"}}},
				{NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "s3am.io/tenant", Operator: metav1.LabelSelectorOpExists}}},
					Scopes: []v1alpha1.BucketScope{{Bucket: "shared-data", Prefix: "tenants/"}}},
			}
		},
	}
	acceptsEach(t, validConnection, validateS3ConnectionSpec, cases)
}

func TestGrantWarnings(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	v := &PrefixGrantValidator{Now: func() time.Time { return now }}
	g := &v1alpha1.PrefixGrant{Spec: validGrant()}
	if w := v.specWarnings(g); len(w) != 0 {
		t.Errorf("a plain prefix grant drew warnings %q", w)
	}
	g.Spec.Prefix, g.Spec.WholeBucket = "", true
	g.Spec.Permissions = []v1alpha1.Permission{"read", "delete"}
	w := v.specWarnings(g)
	if len(w) != 1 || !strings.Contains(w[0], `full bucket access: User "alice@partner-a.com" get read, delete on every object in bucket "partner-data"`) {
		t.Errorf("whole-bucket warnings = %q", w)
	}
	g.Spec = validGrant()
	g.Spec.ValidUntil = &metav1.Time{Time: now}
	if w := v.specWarnings(g); len(w) != 1 || !strings.Contains(w[0], "validUntil 2030-01-01T00:00:00Z is in the past") {
		t.Errorf("expired warnings = %q", w)
	}
}

func TestEmptySelectorWarning(t *testing.T) {
	c := &v1alpha1.S3Connection{Spec: validConnection()}
	c.Spec.Delegations = []v1alpha1.Delegation{{NamespaceSelector: &metav1.LabelSelector{}, Scopes: []v1alpha1.BucketScope{{Bucket: "public-data"}}}}
	w := connectionWarnings(c)
	if len(w) != 1 || !strings.Contains(w[0], "selects every namespace; every namespace may then grant public-data (whole bucket)") {
		t.Errorf("warnings = %q", w)
	}
}
