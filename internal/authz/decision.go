package authz

import (
	"time"

	"github.com/s3am/s3-access-manager/internal/keys"
)

// Decision is the answer of Decide.
type Decision struct {
	// Allowed is true only with ReasonAllowed.
	Allowed bool
	// Reason says why.
	Reason Reason
	// KeyReason is the keys.Reason when Reason is ReasonInvalidKey.
	KeyReason keys.Reason
	// Detail is the human explanation of an invalid key, empty otherwise.
	Detail string
	// Grant is the "namespace/name" of the deciding grant: the one that
	// allows, or with ReasonPermissionMissing the one that covers the key
	// without the permission. When several qualify, the one with the longest
	// prefix decides, then the smallest namespace, then the smallest name.
	Grant string
}

// UploadLimits are what an upload must respect under the grant that allowed
// it (see DecideUpload).
type UploadLimits struct {
	// Grant is the grant's "namespace/name".
	Grant string
	// MaxObjectSize is the largest object in bytes; 0 means no limit beyond
	// S3's.
	MaxObjectSize int64
	// AllowedContentTypes are "type/subtype" or "type/*"; empty allows any.
	// The index shares it with every decision: read it, never change it.
	AllowedContentTypes []string
	// ValidUntil is when the grant stops authorizing; zero means never.
	ValidUntil time.Time
}

// ListMode says how much of a folder a listing may show.
type ListMode string

// List modes.
const (
	// ListDenied: nothing may be shown.
	ListDenied ListMode = ""
	// ListFull: the prefix is at or under a list grant's root; show all of it.
	ListFull ListMode = "Full"
	// ListBreadcrumb: the prefix is a proper parent of list grant roots; show
	// only the Folders that lead down to them, never their siblings.
	ListBreadcrumb ListMode = "Breadcrumb"
)

// ListDecision is the answer of CanList.
type ListDecision struct {
	// Allowed is true in ListFull and ListBreadcrumb mode.
	Allowed bool
	// Mode says what may be shown.
	Mode ListMode
	// Reason is ReasonAllowed in both allowed modes.
	Reason Reason
	// KeyReason is the keys.Reason when Reason is ReasonInvalidKey.
	KeyReason keys.Reason
	// Detail is the human explanation of an invalid prefix, empty otherwise.
	Detail string
	// Grant is the deciding grant in ListFull mode (chosen as in Decision),
	// or with ReasonPermissionMissing a grant that covers the prefix without
	// list permission.
	Grant string
	// Folders, in ListBreadcrumb mode, are the child folders of the prefix,
	// each a full prefix ending in "/", that lead to the principal's list
	// grant roots; sorted and without duplicates.
	Folders []string
}
