package v1alpha1

import (
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Permission is one thing a grant allows.
// +kubebuilder:validation:Enum=read;write;list;delete
type Permission string

// Permissions.
const (
	PermissionRead   Permission = "read"
	PermissionWrite  Permission = "write"
	PermissionList   Permission = "list"
	PermissionDelete Permission = "delete"
)

// SubjectKind is User or Group.
// +kubebuilder:validation:Enum=User;Group
type SubjectKind string

// Subject kinds.
const (
	SubjectUser  SubjectKind = "User"
	SubjectGroup SubjectKind = "Group"
)

// Subject is a user or group, as in RBAC.
type Subject struct {
	// kind is User or Group.
	// +required
	Kind SubjectKind `json:"kind"`
	// name is the user name (e.g. alice@partner-a.com, or
	// system:serviceaccount:NS:NAME) or group name, as the server's
	// authentication reports it.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +kubebuilder:validation:XValidation:rule="!self.matches('\\\\p{Cc}') && self.trim() == self",message="subject name must not contain control characters or surrounding spaces"
	Name string `json:"name"`
}

// UploadConstraints limit what may be uploaded under a grant.
type UploadConstraints struct {
	// maxObjectSize is the largest object that may be uploaded, e.g. 5Gi.
	// +optional
	// +kubebuilder:validation:XValidation:rule="quantity(string(self)).isGreaterThan(quantity('0')) && quantity(string(self)).compareTo(quantity('5Ti')) <= 0",message="maxObjectSize must be more than 0 and at most 5Ti, S3's object size limit"
	MaxObjectSize *resource.Quantity `json:"maxObjectSize,omitempty"`
	// allowedContentTypes limits the Content-Type of uploads, e.g.
	// application/pdf or image/*. Empty allows any.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MaxLength=127
	// +kubebuilder:validation:items:Pattern=`^[a-z0-9][a-z0-9!#$&^_.+-]*/([a-z0-9][a-z0-9!#$&^_.+-]*|\*)$`
	AllowedContentTypes []string `json:"allowedContentTypes,omitempty"`
}

// PrefixGrantSpec gives subjects permissions on one prefix of one bucket.
// +kubebuilder:validation:XValidation:rule="has(self.wholeBucket) && self.wholeBucket ? (!has(self.prefix) || size(self.prefix) == 0) : (has(self.prefix) && size(self.prefix) > 0)",message="set a prefix such as \"partner-a/uploads/\"; for the whole bucket set wholeBucket: true and leave prefix empty"
// +kubebuilder:validation:XValidation:rule="!has(self.validFrom) || !has(self.validUntil) || timestamp(self.validUntil) > timestamp(self.validFrom)",message="validUntil must be after validFrom"
// +kubebuilder:validation:XValidation:rule="self.subjects.all(s, self.subjects.exists_one(o, o.kind == s.kind && o.name == s.name))",message="subjects must not repeat the same kind and name"
type PrefixGrantSpec struct {
	// connection is the S3Connection name; empty means the connection
	// annotated s3am.io/default-connection: "true".
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Connection string `json:"connection,omitempty"`

	// bucket is the S3 bucket name.
	// +required
	Bucket BucketName `json:"bucket"`

	// prefix is the folder the grant covers, ending with "/", e.g.
	// "partner-a/uploads/". It matches keys on a path-segment boundary:
	// "partner-a/uploads/" never covers "partner-a/uploads-old/".
	// +optional
	Prefix KeyPrefix `json:"prefix,omitempty"`

	// wholeBucket grants the whole bucket; prefix must then be empty.
	// +optional
	WholeBucket bool `json:"wholeBucket,omitempty"`

	// subjects are the users and groups the grant applies to.
	// +required
	// +listType=atomic
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=64
	Subjects []Subject `json:"subjects"`

	// permissions are any of read (download), write (upload), list (browse)
	// and delete.
	// +required
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=4
	Permissions []Permission `json:"permissions"`

	// validFrom is when the grant starts to authorize.
	// +optional
	ValidFrom *metav1.Time `json:"validFrom,omitempty"`

	// validUntil is when the grant stops authorizing.
	// +optional
	ValidUntil *metav1.Time `json:"validUntil,omitempty"`

	// upload limits what may be uploaded under the grant.
	// +optional
	Upload *UploadConstraints `json:"upload,omitempty"`
}

// PrefixGrantStatus is the observed state of a PrefixGrant.
type PrefixGrantStatus struct {
	// observedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// conditions: Ready, Expired, OutsideDelegation, ConnectionNotReady.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// PrefixGrant gives users or groups read, write, list or delete on bucket/prefix/.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=grant;grants,categories=s3am
// +kubebuilder:printcolumn:name="Connection",type=string,JSONPath=`.spec.connection`
// +kubebuilder:printcolumn:name="Bucket",type=string,JSONPath=`.spec.bucket`
// +kubebuilder:printcolumn:name="Prefix",type=string,JSONPath=`.spec.prefix`
// +kubebuilder:printcolumn:name="Permissions",type=string,JSONPath=`.spec.permissions`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type PrefixGrant struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// spec is the desired grant.
	// +required
	Spec PrefixGrantSpec `json:"spec"`
	// status is the observed grant.
	// +optional
	Status PrefixGrantStatus `json:"status,omitempty"`
}

// PrefixGrantList is a list of PrefixGrants.
// +kubebuilder:object:root=true
type PrefixGrantList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []PrefixGrant `json:"items"`
}

func init() {
	SchemeBuilder.Register(&PrefixGrant{}, &PrefixGrantList{})
}
