package authz

// Reason is the stable, machine-readable code of a decision. Audit events and
// API responses carry it.
type Reason string

// Reasons a request is allowed or denied.
const (
	// ReasonAllowed: a grant covering the key gives the permission.
	ReasonAllowed Reason = "Allowed"
	// ReasonNotSynced: the index has not been filled from the API server yet.
	ReasonNotSynced Reason = "NotSynced"
	// ReasonInvalidKey: keys.ValidateKey (or ValidateListPrefix) refused the
	// key; the decision's KeyReason says why.
	ReasonInvalidKey Reason = "InvalidKey"
	// ReasonInvalidPermission: the caller asked about something other than
	// exactly one of grant.Read, Write, List or Delete.
	ReasonInvalidPermission Reason = "InvalidPermission"
	// ReasonUnknownConnection: no S3Connection of that name is known.
	ReasonUnknownConnection Reason = "UnknownConnection"
	// ReasonConnectionNotReady: the connection exists but is suspended or
	// not ready.
	ReasonConnectionNotReady Reason = "ConnectionNotReady"
	// ReasonNoGrant: no grant of the principal covers the key.
	ReasonNoGrant Reason = "NoGrant"
	// ReasonPermissionMissing: a grant covers the key but none that covers it
	// gives the permission.
	ReasonPermissionMissing Reason = "PermissionMissing"
)
