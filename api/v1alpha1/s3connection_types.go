package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Provider names the kind of S3 service a connection talks to.
// +kubebuilder:validation:Enum=AWS;S3Compatible
type Provider string

// Providers.
const (
	ProviderAWS          Provider = "AWS"
	ProviderS3Compatible Provider = "S3Compatible"
)

// IAMMode says what the operator does with the generated connection policy.
// +kubebuilder:validation:Enum=Report;Apply
type IAMMode string

// IAM modes.
const (
	// IAMModeReport writes the policy to a ConfigMap for review only.
	IAMModeReport IAMMode = "Report"
	// IAMModeApply also sets it on the target role or user.
	IAMModeApply IAMMode = "Apply"
)

// CredentialScoping says how presigned URLs are signed.
// +kubebuilder:validation:Enum=None;SessionPolicy
type CredentialScoping string

// Credential scopings.
const (
	// CredentialScopingNone signs with the connection's own credentials.
	CredentialScopingNone CredentialScoping = "None"
	// CredentialScopingSessionPolicy signs with STS credentials restricted to the caller's grants.
	CredentialScopingSessionPolicy CredentialScoping = "SessionPolicy"
)

// S3ConnectionSpec describes an AWS account or S3-compatible endpoint and how to authenticate to it.
// +kubebuilder:validation:XValidation:rule="self.provider != 'AWS' || has(self.accountID)",message="accountID (12 digits) is required when provider is AWS"
// +kubebuilder:validation:XValidation:rule="self.provider != 'S3Compatible' || has(self.endpoint)",message="endpoint is required when provider is S3Compatible, e.g. https://minio.example.com:9000"
// +kubebuilder:validation:XValidation:rule="!has(self.caBundle) || has(self.endpoint)",message="caBundle is only used with a custom endpoint; set endpoint or remove caBundle"
// +kubebuilder:validation:XValidation:rule="!has(self.kms) || self.provider != 'AWS' || self.kms.keyARN.startsWith('arn:')",message="kms.keyARN must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID) when provider is AWS"
// +kubebuilder:validation:XValidation:rule="!has(self.iam) || self.iam.mode != 'Apply' || self.provider != 'AWS' || has(self.iam.roleName)",message="iam.roleName is required when iam.mode is Apply and provider is AWS"
// +kubebuilder:validation:XValidation:rule="!has(self.iam) || self.iam.mode != 'Apply' || self.provider != 'S3Compatible' || has(self.iam.user)",message="iam.user is required when iam.mode is Apply and provider is S3Compatible"
// +kubebuilder:validation:XValidation:rule="!has(self.iam) || self.iam.credentialScoping != 'SessionPolicy' || self.provider != 'AWS' || has(self.auth.assumeRole)",message="iam.credentialScoping SessionPolicy on AWS needs auth.assumeRole, because session policies are passed to sts:AssumeRole"
type S3ConnectionSpec struct {
	// provider is AWS or S3Compatible (MinIO, Ceph RGW and the like).
	// +required
	Provider Provider `json:"provider"`

	// endpoint is the S3 API URL; required for S3Compatible, optional for AWS
	// (VPC or FIPS endpoints).
	// +optional
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:Pattern=`^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s]*)?$`
	Endpoint string `json:"endpoint,omitempty"`

	// pathStyle addresses buckets as endpoint/bucket instead of bucket.endpoint.
	// Most S3-compatible servers need it.
	// +optional
	PathStyle bool `json:"pathStyle,omitempty"`

	// caBundle is a PEM bundle that verifies the endpoint's TLS certificate.
	// +optional
	CABundle *CABundleSource `json:"caBundle,omitempty"`

	// accountID is the 12-digit AWS account ID; required for AWS.
	// +optional
	// +kubebuilder:validation:Pattern=`^[0-9]{12}$`
	AccountID string `json:"accountID,omitempty"`

	// region of the buckets, e.g. eu-west-1. S3-compatible servers usually accept us-east-1.
	// +optional
	// +kubebuilder:default="us-east-1"
	// +kubebuilder:validation:Pattern=`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$`
	Region string `json:"region,omitempty"`

	// auth says how the operator and server authenticate: exactly one of
	// accessKey, assumeRole or podIdentity.
	// +required
	Auth ConnectionAuth `json:"auth"`

	// suspend stops every grant on this connection from authorizing, at once,
	// without deleting anything.
	// +optional
	Suspend bool `json:"suspend,omitempty"`

	// delegations list the namespaces, other than the operator's own, that may
	// create PrefixGrants on this connection, and within which scopes.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=64
	Delegations []Delegation `json:"delegations,omitempty"`

	// kms names the KMS key that uploads must use (SSE-KMS).
	// +optional
	KMS *KMSConfig `json:"kms,omitempty"`

	// iam says how the generated IAM policy is delivered and whether presigned
	// URLs use credentials scoped to the caller.
	// +optional
	IAM *IAMConfig `json:"iam,omitempty"`

	// checkInterval is how often Test Connection and the policy drift check run
	// (with jitter).
	// +optional
	// +kubebuilder:default="5m"
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('30s') && duration(self) <= duration('24h')",message="checkInterval must be between 30s and 24h"
	CheckInterval *metav1.Duration `json:"checkInterval,omitempty"`
}

// CABundleSource points at a PEM bundle in a Secret or a ConfigMap.
// +kubebuilder:validation:XValidation:rule="has(self.secretRef) != has(self.configMapRef)",message="caBundle needs exactly one of secretRef or configMapRef"
type CABundleSource struct {
	// secretRef selects a key of a Secret.
	// +optional
	SecretRef *ObjectKeyRef `json:"secretRef,omitempty"`
	// configMapRef selects a key of a ConfigMap.
	// +optional
	ConfigMapRef *ObjectKeyRef `json:"configMapRef,omitempty"`
}

// ObjectKeyRef selects one key of a namespaced Secret or ConfigMap.
type ObjectKeyRef struct {
	// namespace of the object.
	// +required
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Namespace string `json:"namespace"`
	// name of the object.
	// +required
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name string `json:"name"`
	// key within the object's data.
	// +required
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[-._a-zA-Z0-9]+$`
	Key string `json:"key"`
}

// ConnectionAuth holds exactly one authentication method.
// +kubebuilder:validation:XValidation:rule="(has(self.accessKey) ? 1 : 0) + (has(self.assumeRole) ? 1 : 0) + (has(self.podIdentity) ? 1 : 0) == 1",message="auth needs exactly one of accessKey, assumeRole or podIdentity"
type ConnectionAuth struct {
	// accessKey reads static keys from a Secret.
	// +optional
	AccessKey *SecretKeysRef `json:"accessKey,omitempty"`
	// assumeRole assumes an IAM role, on top of accessKey or of the pod's own identity.
	// +optional
	AssumeRole *AssumeRoleAuth `json:"assumeRole,omitempty"`
	// podIdentity uses the pod's default credential chain: IRSA, EKS Pod
	// Identity or the instance profile.
	// +optional
	PodIdentity *PodIdentityAuth `json:"podIdentity,omitempty"`
}

// SecretKeysRef names a Secret and the keys in it that hold an access key pair.
type SecretKeysRef struct {
	// namespace of the Secret.
	// +required
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Namespace string `json:"namespace"`
	// name of the Secret.
	// +required
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name string `json:"name"`
	// accessKeyIDKey is the Secret key holding the access key ID.
	// +optional
	// +kubebuilder:default="accessKeyID"
	// +kubebuilder:validation:Pattern=`^[-._a-zA-Z0-9]+$`
	// +kubebuilder:validation:MaxLength=253
	AccessKeyIDKey string `json:"accessKeyIDKey,omitempty"`
	// secretAccessKeyKey is the Secret key holding the secret access key.
	// +optional
	// +kubebuilder:default="secretAccessKey"
	// +kubebuilder:validation:Pattern=`^[-._a-zA-Z0-9]+$`
	// +kubebuilder:validation:MaxLength=253
	SecretAccessKeyKey string `json:"secretAccessKeyKey,omitempty"`
}

// AssumeRoleAuth assumes an IAM role with STS.
type AssumeRoleAuth struct {
	// roleARN is the role to assume.
	// +required
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^arn:[a-z0-9-]+:iam::[0-9]*:role/[A-Za-z0-9+=,.@_/-]+$`
	RoleARN string `json:"roleARN"`
	// externalID is passed to sts:AssumeRole, as the role's trust policy requires.
	// +optional
	// +kubebuilder:validation:MinLength=2
	// +kubebuilder:validation:MaxLength=1224
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9+=,.@:/-]+$`
	ExternalID string `json:"externalID,omitempty"`
	// sessionName appears in CloudTrail.
	// +optional
	// +kubebuilder:default="s3am"
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9+=,.@_-]{2,64}$`
	SessionName string `json:"sessionName,omitempty"`
	// duration of the assumed-role session, 15m to 12h.
	// +optional
	// +kubebuilder:default="1h"
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('15m') && duration(self) <= duration('12h')",message="assumeRole.duration must be between 15m and 12h"
	Duration *metav1.Duration `json:"duration,omitempty"`
	// accessKey are the source credentials; without it the pod's own identity assumes the role.
	// +optional
	AccessKey *SecretKeysRef `json:"accessKey,omitempty"`
}

// PodIdentityAuth uses the pod's default AWS credential chain. It has no fields.
type PodIdentityAuth struct{}

// Delegation lets namespaces grant access within some bucket scopes.
// +kubebuilder:validation:XValidation:rule="has(self.namespaces) != has(self.namespaceSelector)",message="a delegation names either namespaces or a namespaceSelector, not both and not neither"
type Delegation struct {
	// namespaces by name.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=256
	// +kubebuilder:validation:items:MaxLength=63
	// +kubebuilder:validation:items:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Namespaces []string `json:"namespaces,omitempty"`
	// namespaceSelector selects namespaces by label.
	// +optional
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`
	// scopes are the bucket prefixes those namespaces may grant.
	// +required
	// +listType=atomic
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=64
	Scopes []BucketScope `json:"scopes"`
}

// BucketScope is a bucket, or a prefix of it.
type BucketScope struct {
	// bucket name.
	// +required
	Bucket BucketName `json:"bucket"`
	// prefix within the bucket, ending with "/"; empty means the whole bucket.
	// +optional
	Prefix KeyPrefix `json:"prefix,omitempty"`
}

// KMSConfig names the KMS key uploads must use.
type KMSConfig struct {
	// keyARN is the KMS key (an ARN on AWS; a key name on S3-compatible servers).
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^(arn:[a-z0-9-]+:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+|[A-Za-z0-9_.-]+)$`
	KeyARN string `json:"keyARN"`
}

// IAMConfig says how the generated policy is delivered.
type IAMConfig struct {
	// mode Report only publishes the policy in a ConfigMap; Apply also sets it
	// on roleName (AWS) or user (S3Compatible).
	// +optional
	// +kubebuilder:default="Report"
	Mode IAMMode `json:"mode,omitempty"`
	// roleName is the AWS IAM role that receives the policy inline.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9+=,.@_-]+$`
	RoleName string `json:"roleName,omitempty"`
	// user is the S3-compatible (MinIO) user that receives the canned policy.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9+=,.@_-]+$`
	User string `json:"user,omitempty"`
	// credentialScoping SessionPolicy presigns with STS credentials whose
	// session policy is the caller's own generated policy, so S3 itself refuses
	// anything outside the caller's grants.
	// +optional
	// +kubebuilder:default="None"
	CredentialScoping CredentialScoping `json:"credentialScoping,omitempty"`
}

// PolicySummary describes the generated connection policy.
type PolicySummary struct {
	// documents is the number of policy documents.
	// +optional
	Documents int32 `json:"documents,omitempty"`
	// bytes is their total size, not counting whitespace.
	// +optional
	Bytes int64 `json:"bytes,omitempty"`
	// sha256 of the minified documents, in order.
	// +optional
	SHA256 string `json:"sha256,omitempty"`
	// configMapName is the ConfigMap, in the operator's namespace, holding the documents.
	// +optional
	ConfigMapName string `json:"configMapName,omitempty"`
}

// S3ConnectionStatus is the observed state of an S3Connection.
type S3ConnectionStatus struct {
	// observedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// conditions: Ready, CredentialsValid, PolicyApplied.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// bucketCount is what ListBuckets returned at the last check.
	// +optional
	BucketCount *int32 `json:"bucketCount,omitempty"`
	// lastCheckedTime is when Test Connection last ran.
	// +optional
	LastCheckedTime *metav1.Time `json:"lastCheckedTime,omitempty"`
	// policy summarises the generated connection policy.
	// +optional
	Policy *PolicySummary `json:"policy,omitempty"`
}

// S3Connection is an AWS account or S3-compatible endpoint with its credentials.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=s3c,categories=s3am
// +kubebuilder:printcolumn:name="Provider",type=string,JSONPath=`.spec.provider`
// +kubebuilder:printcolumn:name="Region",type=string,JSONPath=`.spec.region`
// +kubebuilder:printcolumn:name="Mode",type=string,JSONPath=`.spec.iam.mode`
// +kubebuilder:printcolumn:name="Buckets",type=integer,JSONPath=`.status.bucketCount`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Suspended",type=boolean,JSONPath=`.spec.suspend`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type S3Connection struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// spec is the desired connection.
	// +required
	Spec S3ConnectionSpec `json:"spec"`
	// status is the observed connection.
	// +optional
	Status S3ConnectionStatus `json:"status,omitempty"`
}

// S3ConnectionList is a list of S3Connections.
// +kubebuilder:object:root=true
type S3ConnectionList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []S3Connection `json:"items"`
}

func init() {
	SchemeBuilder.Register(&S3Connection{}, &S3ConnectionList{})
}
