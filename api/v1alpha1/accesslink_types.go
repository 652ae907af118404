package v1alpha1

import (
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// AccessLinkKind says what a link lets its recipient do.
// +kubebuilder:validation:Enum=Download;UploadRequest
type AccessLinkKind string

// Link kinds.
const (
	// LinkDownload lets the recipient download one file, or the files of one
	// folder.
	LinkDownload AccessLinkKind = "Download"
	// LinkUploadRequest lets the recipient upload new files into one folder
	// ("drop box"), never list, read or overwrite anything.
	LinkUploadRequest AccessLinkKind = "UploadRequest"
)

// AccessLink condition reasons (the condition type is Ready).
const (
	// ReasonLinkActive: the link may be used.
	ReasonLinkActive = "Active"
	// ReasonLinkRevoked: spec.revoked is true.
	ReasonLinkRevoked = "Revoked"
	// ReasonLinkExpired: now is after spec.expiresAt.
	ReasonLinkExpired = "Expired"
	// ReasonLinkUsedUp: status.uses reached spec.maxUses.
	ReasonLinkUsedUp = "UsedUp"
)

// LinkCreator is the user on whose authority a link acts. At every use the
// server asks the authorization index whether this principal may still do
// what the link allows: a link never grants more than its creator holds.
type LinkCreator struct {
	// user is the creator's user name as the server's authentication
	// reported it.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +kubebuilder:validation:XValidation:rule="!self.matches('\\\\p{Cc}') && self.trim() == self",message="creator user must not contain control characters or surrounding spaces"
	User string `json:"user"`
	// groups are the creator's groups when the link was created.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	Groups []string `json:"groups,omitempty"`
}

// AccessLinkSpec is a link for a recipient without an account.
// +kubebuilder:validation:XValidation:rule="has(self.key) != has(self.prefix)",message="set exactly one of key (a file) and prefix (a folder)"
// +kubebuilder:validation:XValidation:rule="self.kind != 'UploadRequest' || has(self.prefix)",message="an UploadRequest link needs a folder: set prefix, not key"
// +kubebuilder:validation:XValidation:rule="self.kind == 'UploadRequest' || (!has(self.maxFileSize) && !has(self.allowedContentTypes))",message="maxFileSize and allowedContentTypes apply to UploadRequest links only"
// +kubebuilder:validation:XValidation:rule="self.creator == oldSelf.creator && self.tokenHash == oldSelf.tokenHash && self.kind == oldSelf.kind && self.connection == oldSelf.connection && self.bucket == oldSelf.bucket",message="creator, tokenHash, kind, connection and bucket cannot change; create a new link"
// +kubebuilder:validation:XValidation:rule="(has(self.key) == has(oldSelf.key) && (!has(self.key) || self.key == oldSelf.key)) && (has(self.prefix) == has(oldSelf.prefix) && (!has(self.prefix) || self.prefix == oldSelf.prefix))",message="key and prefix cannot change; create a new link"
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.revoked) || !oldSelf.revoked || (has(self.revoked) && self.revoked)",message="a revoked link cannot be reinstated; create a new link"
type AccessLinkSpec struct {
	// kind is Download (a file or a folder) or UploadRequest (a folder the
	// recipient may upload new files into).
	// +required
	Kind AccessLinkKind `json:"kind"`

	// description tells the creator and the recipient what the link is for.
	// +optional
	// +kubebuilder:validation:MaxLength=200
	// +kubebuilder:validation:XValidation:rule="!self.matches('\\\\p{Cc}')",message="description must not contain control characters"
	Description string `json:"description,omitempty"`

	// connection is the S3Connection name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Connection string `json:"connection"`

	// bucket is the S3 bucket name.
	// +required
	Bucket BucketName `json:"bucket"`

	// key is the one file a Download link serves.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="!self.endsWith('/') && !self.startsWith('/')",message="key names a file: it must neither start nor end with \"/\""
	// +kubebuilder:validation:XValidation:rule="!self.matches('\\\\p{Cc}')",message="key must not contain control characters"
	Key string `json:"key,omitempty"`

	// prefix is the folder a Download link serves or an UploadRequest link
	// receives files into, ending with "/".
	// +optional
	// +kubebuilder:validation:MinLength=1
	Prefix KeyPrefix `json:"prefix,omitempty"`

	// creator is the user on whose authority the link acts; the server
	// checks the creator's grants at every use.
	// +required
	Creator LinkCreator `json:"creator"`

	// tokenHash is "sha256:" and the lowercase hex SHA-256 of the link's
	// token. The token itself is stored nowhere: only its holder can use the
	// link.
	// +required
	// +kubebuilder:validation:Pattern=`^sha256:[0-9a-f]{64}$`
	TokenHash string `json:"tokenHash"`

	// passwordHash, if set, is the argon2id hash of the password the
	// recipient must give, in the PHC string format.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	// +kubebuilder:validation:Pattern=`^\$argon2id\$v=19\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$`
	PasswordHash string `json:"passwordHash,omitempty"`

	// expiresAt is when the link stops working. It may be months away: the
	// server signs a short-lived URL at each use.
	// +required
	ExpiresAt metav1.Time `json:"expiresAt"`

	// maxUses bounds the downloads or uploads the link allows; unset means
	// no bound other than expiresAt.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000000
	MaxUses *int64 `json:"maxUses,omitempty"`

	// maxFileSize is the largest file an UploadRequest link accepts, e.g.
	// 100Mi. The creator's grant limits still apply.
	// +optional
	// +kubebuilder:validation:XValidation:rule="quantity(string(self)).isGreaterThan(quantity('0')) && quantity(string(self)).compareTo(quantity('5Ti')) <= 0",message="maxFileSize must be more than 0 and at most 5Ti, S3's object size limit"
	MaxFileSize *resource.Quantity `json:"maxFileSize,omitempty"`

	// allowedContentTypes limits the Content-Type of files an UploadRequest
	// link accepts, e.g. application/pdf or image/*. Empty allows any.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MaxLength=127
	// +kubebuilder:validation:items:Pattern=`^[a-z0-9][a-z0-9!#$&^_.+-]*/([a-z0-9][a-z0-9!#$&^_.+-]*|\*)$`
	AllowedContentTypes []string `json:"allowedContentTypes,omitempty"`

	// revoked set to true stops the link at once, for good. Deleting the
	// AccessLink does the same.
	// +optional
	Revoked bool `json:"revoked,omitempty"`
}

// AccessLinkStatus is the observed state of an AccessLink.
type AccessLinkStatus struct {
	// observedGeneration is the generation the conditions describe.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// uses counts the downloads and uploads the link allowed. The server
	// increments it, with optimistic concurrency, before it signs a URL.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Uses int64 `json:"uses,omitempty"`
	// lastUsedAt is when the link was last used.
	// +optional
	LastUsedAt *metav1.Time `json:"lastUsedAt,omitempty"`
	// conditions: Ready (reasons Active, Revoked, Expired, UsedUp).
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// AccessLink is a revocable download or upload-request link for a recipient
// without an account, served by the server at /l/<token>.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=link;links,categories=s3am
// +kubebuilder:printcolumn:name="Kind",type=string,JSONPath=`.spec.kind`
// +kubebuilder:printcolumn:name="Bucket",type=string,JSONPath=`.spec.bucket`
// +kubebuilder:printcolumn:name="Prefix",type=string,JSONPath=`.spec.prefix`
// +kubebuilder:printcolumn:name="Key",type=string,JSONPath=`.spec.key`,priority=1
// +kubebuilder:printcolumn:name="Creator",type=string,JSONPath=`.spec.creator.user`
// +kubebuilder:printcolumn:name="Expires",type=date,JSONPath=`.spec.expiresAt`
// +kubebuilder:printcolumn:name="Uses",type=integer,JSONPath=`.status.uses`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type AccessLink struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// spec is the link.
	// +required
	Spec AccessLinkSpec `json:"spec"`
	// status is the link's observed state.
	// +optional
	Status AccessLinkStatus `json:"status,omitempty"`
}

// AccessLinkList is a list of AccessLinks.
// +kubebuilder:object:root=true
type AccessLinkList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []AccessLink `json:"items"`
}

func init() {
	SchemeBuilder.Register(&AccessLink{}, &AccessLinkList{})
}
