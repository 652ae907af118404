package v1alpha1

// Condition types shared by both kinds.
const (
	// ConditionReady summarises whether the object is in effect.
	ConditionReady = "Ready"
)

// S3Connection condition types.
const (
	// ConditionCredentialsValid reports the last Test Connection (ListBuckets).
	ConditionCredentialsValid = "CredentialsValid"
	// ConditionPolicyApplied reports whether the generated policy was delivered.
	ConditionPolicyApplied = "PolicyApplied"
)

// PrefixGrant condition types.
const (
	// ConditionExpired is True when now is outside validFrom..validUntil.
	ConditionExpired = "Expired"
	// ConditionOutsideDelegation is True when the grant's namespace may not grant its bucket and prefix.
	ConditionOutsideDelegation = "OutsideDelegation"
	// ConditionConnectionNotReady is True when the connection is missing, suspended or failing.
	ConditionConnectionNotReady = "ConnectionNotReady"
	// ConditionExpiringSoon is True from the operator's warning period (14
	// days by default) before validUntil until validUntil; the operator
	// emits a Warning Event when it turns True.
	ConditionExpiringSoon = "ExpiringSoon"
)

// Condition reasons. They are also the reasons of the Events the controllers emit.
const (
	ReasonReady               = "Ready"
	ReasonSuspended           = "Suspended"
	ReasonCredentialsValid    = "CredentialsValid"
	ReasonCredentialsInvalid  = "CredentialsInvalid"
	ReasonSecretNotFound      = "SecretNotFound"
	ReasonEndpointUnreachable = "EndpointUnreachable"
	ReasonPolicyApplied       = "PolicyApplied"
	ReasonPolicyReported      = "PolicyReported"
	ReasonPolicyTooLarge      = "PolicyTooLarge"
	ReasonPolicyApplyFailed   = "PolicyApplyFailed"
	ReasonPolicyDrifted       = "PolicyDrifted"
	ReasonConnectionNotFound  = "ConnectionNotFound"
	ReasonConnectionNotReady  = "ConnectionNotReady"
	ReasonConnectionReady     = "ConnectionReady"
	ReasonOutsideDelegation   = "OutsideDelegation"
	ReasonInsideDelegation    = "InsideDelegation"
	ReasonNotYetValid         = "NotYetValid"
	ReasonExpired             = "Expired"
	ReasonWithinValidity      = "WithinValidity"
	ReasonExpiringSoon        = "ExpiringSoon"
	ReasonNotExpiringSoon     = "NotExpiringSoon"
	ReasonNoExpiry            = "NoExpiry"
)
