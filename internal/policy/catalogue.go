package policy

import (
	"slices"
	"strings"
)

// The catalogue below is data transcribed from AWS's Service Authorization
// Reference, checked against it action by action for the actions this product
// uses (GetObject, PutObject, ListBucket, ListMultipartUploadParts, ...):
//
//   - Actions, resources, and condition keys for Amazon S3
//     https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
//   - Actions, resources, and condition keys for AWS Key Management Service
//     https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
//   - Required permissions for Amazon S3 API operations (operation -> action)
//     https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
//   - AWS global condition context keys
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
//
// It is deliberately not exhaustive for actions this product never writes: an
// action missing from it is reported as a warning, never as an error, unless
// it is a known non-existent name (an API operation name that IAM does not use
// as an action, such as s3:CreateMultipartUpload).

// ResourceType is the kind of resource an action is authorized against.
type ResourceType string

// Resource types.
const (
	// ResourceNone: the action takes Resource "*" (s3:ListAllMyBuckets).
	ResourceNone ResourceType = "none"
	// ResourceBucket: arn:<partition>:s3:::bucket.
	ResourceBucket ResourceType = "bucket"
	// ResourceObject: arn:<partition>:s3:::bucket/key.
	ResourceObject ResourceType = "object"
	// ResourceKMSKey: arn:<partition>:kms:region:account:key/id.
	ResourceKMSKey ResourceType = "key"
	// ResourceOther: access points, jobs, Storage Lens, Access Grants and other
	// resources this product never grants; the linter does not check them.
	ResourceOther ResourceType = "other"
)

// Action is an IAM action of the catalogue.
type Action struct {
	// Name is the canonical spelling, such as "s3:GetObject". IAM compares
	// action names case-insensitively.
	Name string
	// Resource is the resource type the action is authorized against.
	Resource ResourceType
}

// s3ActionsByResource lists the S3 actions of the Service Authorization
// Reference, by required resource type.
var s3ActionsByResource = map[ResourceType][]string{
	ResourceObject: {
		"AbortMultipartUpload", "BypassGovernanceRetention",
		"DeleteObject", "DeleteObjectTagging", "DeleteObjectVersion", "DeleteObjectVersionTagging",
		"GetObject", "GetObjectAcl", "GetObjectAttributes", "GetObjectLegalHold", "GetObjectRetention",
		"GetObjectTagging", "GetObjectTorrent", "GetObjectVersion", "GetObjectVersionAcl",
		"GetObjectVersionAttributes", "GetObjectVersionForReplication", "GetObjectVersionTagging",
		"GetObjectVersionTorrent", "InitiateReplication", "ListMultipartUploadParts",
		"ObjectOwnerOverrideToBucketOwner", "PutObject", "PutObjectAcl", "PutObjectLegalHold",
		"PutObjectRetention", "PutObjectTagging", "PutObjectVersionAcl", "PutObjectVersionTagging",
		"ReplicateDelete", "ReplicateObject", "ReplicateTags", "RestoreObject",
	},
	ResourceBucket: {
		"CreateBucket", "CreateBucketMetadataTableConfiguration", "CreateSession", "DeleteBucket",
		"DeleteBucketMetadataTableConfiguration", "DeleteBucketOwnershipControls", "DeleteBucketPolicy",
		"DeleteBucketWebsite", "GetAccelerateConfiguration", "GetAnalyticsConfiguration", "GetBucketAcl",
		"GetBucketCORS", "GetBucketLocation", "GetBucketLogging", "GetBucketMetadataTableConfiguration",
		"GetBucketNotification", "GetBucketObjectLockConfiguration", "GetBucketOwnershipControls",
		"GetBucketPolicy", "GetBucketPolicyStatus", "GetBucketPublicAccessBlock", "GetBucketRequestPayment",
		"GetBucketTagging", "GetBucketVersioning", "GetBucketWebsite", "GetEncryptionConfiguration",
		"GetIntelligentTieringConfiguration", "GetInventoryConfiguration", "GetLifecycleConfiguration",
		"GetMetricsConfiguration", "GetReplicationConfiguration", "ListBucket", "ListBucketMultipartUploads",
		"ListBucketVersions", "PutAccelerateConfiguration", "PutAnalyticsConfiguration", "PutBucketAcl",
		"PutBucketCORS", "PutBucketLogging", "PutBucketNotification", "PutBucketObjectLockConfiguration",
		"PutBucketOwnershipControls", "PutBucketPolicy", "PutBucketPublicAccessBlock",
		"PutBucketRequestPayment", "PutBucketTagging", "PutBucketVersioning", "PutBucketWebsite",
		"PutEncryptionConfiguration", "PutIntelligentTieringConfiguration", "PutInventoryConfiguration",
		"PutLifecycleConfiguration", "PutMetricsConfiguration", "PutReplicationConfiguration",
	},
	ResourceNone: {"ListAllMyBuckets"},
	ResourceOther: {
		"AssociateAccessGrantsIdentityCenter", "CreateAccessGrant", "CreateAccessGrantsInstance",
		"CreateAccessGrantsLocation", "CreateAccessPoint", "CreateAccessPointForObjectLambda", "CreateJob",
		"CreateMultiRegionAccessPoint", "CreateStorageLensGroup", "DeleteAccessGrant",
		"DeleteAccessGrantsInstance", "DeleteAccessGrantsInstanceResourcePolicy", "DeleteAccessGrantsLocation",
		"DeleteAccessPoint", "DeleteAccessPointForObjectLambda", "DeleteAccessPointPolicy",
		"DeleteAccessPointPolicyForObjectLambda", "DeleteJobTagging", "DeleteMultiRegionAccessPoint",
		"DeleteStorageLensConfiguration", "DeleteStorageLensConfigurationTagging", "DeleteStorageLensGroup",
		"DescribeJob", "DescribeMultiRegionAccessPointOperation", "DissociateAccessGrantsIdentityCenter",
		"GetAccessGrant", "GetAccessGrantsInstance", "GetAccessGrantsInstanceForPrefix",
		"GetAccessGrantsInstanceResourcePolicy", "GetAccessGrantsLocation", "GetAccessPoint",
		"GetAccessPointConfigurationForObjectLambda", "GetAccessPointForObjectLambda", "GetAccessPointPolicy",
		"GetAccessPointPolicyForObjectLambda", "GetAccessPointPolicyStatus",
		"GetAccessPointPolicyStatusForObjectLambda", "GetAccountPublicAccessBlock", "GetDataAccess",
		"GetJobTagging", "GetMultiRegionAccessPoint", "GetMultiRegionAccessPointPolicy",
		"GetMultiRegionAccessPointPolicyStatus", "GetMultiRegionAccessPointRoutes",
		"GetStorageLensConfiguration", "GetStorageLensConfigurationTagging", "GetStorageLensDashboard",
		"GetStorageLensGroup", "ListAccessGrants", "ListAccessGrantsInstances", "ListAccessGrantsLocations",
		"ListAccessPoints", "ListAccessPointsForObjectLambda", "ListCallerAccessGrants", "ListJobs",
		"ListMultiRegionAccessPoints", "ListStorageLensConfigurations", "ListStorageLensGroups",
		"ListTagsForResource", "PutAccessGrantsInstanceResourcePolicy",
		"PutAccessPointConfigurationForObjectLambda", "PutAccessPointPolicy",
		"PutAccessPointPolicyForObjectLambda", "PutAccessPointPublicAccessBlock",
		"PutAccountPublicAccessBlock", "PutJobTagging", "PutMultiRegionAccessPointPolicy",
		"PutStorageLensConfiguration", "PutStorageLensConfigurationTagging",
		"SubmitMultiRegionAccessPointRoutes", "TagResource", "UntagResource", "UpdateAccessGrantsLocation",
		"UpdateJobPriority", "UpdateJobStatus", "UpdateStorageLensGroup",
	},
}

// kmsActionsByResource lists the AWS KMS actions of the Service Authorization
// Reference, by required resource type.
var kmsActionsByResource = map[ResourceType][]string{
	ResourceKMSKey: {
		"CancelKeyDeletion", "CreateGrant", "Decrypt", "DeleteImportedKeyMaterial", "DeriveSharedSecret",
		"DescribeKey", "DisableKey", "DisableKeyRotation", "EnableKey", "EnableKeyRotation", "Encrypt",
		"GenerateDataKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
		"GenerateDataKeyWithoutPlaintext", "GenerateMac", "GetKeyPolicy", "GetKeyRotationStatus",
		"GetParametersForImport", "GetPublicKey", "ImportKeyMaterial", "ListGrants", "ListKeyPolicies",
		"ListKeyRotations", "ListResourceTags", "PutKeyPolicy", "ReEncryptFrom", "ReEncryptTo",
		"ReplicateKey", "RetireGrant", "RevokeGrant", "RotateKeyOnDemand", "ScheduleKeyDeletion", "Sign",
		"SynchronizeMultiRegionKey", "TagResource", "UntagResource", "UpdateKeyDescription",
		"UpdatePrimaryRegion", "Verify", "VerifyMac",
	},
	ResourceOther: {
		"ConnectCustomKeyStore", "CreateAlias", "CreateCustomKeyStore", "CreateKey", "DeleteAlias",
		"DeleteCustomKeyStore", "DescribeCustomKeyStores", "DisconnectCustomKeyStore", "GenerateRandom",
		"ListAliases", "ListKeys", "ListRetirableGrants", "UpdateAlias", "UpdateCustomKeyStore",
	},
}

// Requirement is one permission an API operation needs.
type Requirement struct {
	// Action is the IAM action, such as "s3:PutObject".
	Action string
	// Resource is the type of resource the action is checked against.
	Resource ResourceType
	// CopySource is true when the action is checked against the source object
	// of a copy rather than the object the request names.
	CopySource bool
}

// Operation is an S3 API operation and the IAM permissions it needs.
type Operation struct {
	// Name is the API operation name, such as "CreateMultipartUpload".
	Name string
	// Requires lists every permission the operation checks.
	Requires []Requirement
	// Note explains a mapping that surprises people.
	Note string
}

// s3Operations are the S3 API operations this product calls, with the IAM
// actions that authorize them ("Required permissions for Amazon S3 API
// operations"). Several operations share an action, and several action-like
// operation names are not IAM actions at all.
var s3Operations = []Operation{
	{Name: "AbortMultipartUpload", Requires: []Requirement{{"s3:AbortMultipartUpload", ResourceObject, false}}},
	{Name: "CompleteMultipartUpload", Requires: []Requirement{{"s3:PutObject", ResourceObject, false}},
		Note: "authorized by s3:PutObject; the request carries no x-amz-server-side-encryption header"},
	{Name: "CopyObject", Requires: []Requirement{{"s3:PutObject", ResourceObject, false}, {"s3:GetObject", ResourceObject, true}},
		Note: "s3:PutObject on the destination and s3:GetObject on the source object"},
	{Name: "CreateMultipartUpload", Requires: []Requirement{{"s3:PutObject", ResourceObject, false}},
		Note: "authorized by s3:PutObject; carries the upload's SSE headers"},
	{Name: "DeleteObject", Requires: []Requirement{{"s3:DeleteObject", ResourceObject, false}}},
	{Name: "DeleteObjects", Requires: []Requirement{{"s3:DeleteObject", ResourceObject, false}},
		Note: "authorized per key by s3:DeleteObject"},
	{Name: "DeleteObjectTagging", Requires: []Requirement{{"s3:DeleteObjectTagging", ResourceObject, false}}},
	{Name: "GetBucketLocation", Requires: []Requirement{{"s3:GetBucketLocation", ResourceBucket, false}}},
	{Name: "GetObject", Requires: []Requirement{{"s3:GetObject", ResourceObject, false}}},
	{Name: "GetObjectTagging", Requires: []Requirement{{"s3:GetObjectTagging", ResourceObject, false}}},
	{Name: "HeadBucket", Requires: []Requirement{{"s3:ListBucket", ResourceBucket, false}},
		Note: "authorized by s3:ListBucket"},
	{Name: "HeadObject", Requires: []Requirement{{"s3:GetObject", ResourceObject, false}},
		Note: "authorized by s3:GetObject; without s3:ListBucket a missing key answers 403, not 404"},
	{Name: "ListBuckets", Requires: []Requirement{{"s3:ListAllMyBuckets", ResourceNone, false}},
		Note: "authorized by s3:ListAllMyBuckets"},
	{Name: "ListMultipartUploads", Requires: []Requirement{{"s3:ListBucketMultipartUploads", ResourceBucket, false}},
		Note: "authorized by s3:ListBucketMultipartUploads"},
	{Name: "ListObjectVersions", Requires: []Requirement{{"s3:ListBucketVersions", ResourceBucket, false}},
		Note: "authorized by s3:ListBucketVersions"},
	{Name: "ListObjects", Requires: []Requirement{{"s3:ListBucket", ResourceBucket, false}},
		Note: "authorized by s3:ListBucket"},
	{Name: "ListObjectsV2", Requires: []Requirement{{"s3:ListBucket", ResourceBucket, false}},
		Note: "authorized by s3:ListBucket, with s3:prefix, s3:delimiter and s3:max-keys in the context"},
	{Name: "ListParts", Requires: []Requirement{{"s3:ListMultipartUploadParts", ResourceObject, false}},
		Note: "authorized by s3:ListMultipartUploadParts"},
	{Name: "PutObject", Requires: []Requirement{{"s3:PutObject", ResourceObject, false}}},
	{Name: "PutObjectTagging", Requires: []Requirement{{"s3:PutObjectTagging", ResourceObject, false}}},
	{Name: "UploadPart", Requires: []Requirement{{"s3:PutObject", ResourceObject, false}},
		Note: "authorized by s3:PutObject; the request carries no x-amz-server-side-encryption header"},
	{Name: "UploadPartCopy", Requires: []Requirement{{"s3:PutObject", ResourceObject, false}, {"s3:GetObject", ResourceObject, true}},
		Note: "s3:PutObject on the destination and s3:GetObject on the source object"},
}

// kmsNonActions are names people write as KMS actions that IAM does not define.
var kmsNonActions = map[string]string{
	"kms:ReEncrypt": "ReEncrypt is authorized by kms:ReEncryptFrom and kms:ReEncryptTo",
}

// ConditionKey says which actions carry a condition key in their request
// context. A condition on a key the request does not carry compares against
// an absent key, which fails every positive operator.
type ConditionKey struct {
	// Name is the canonical spelling; a trailing "/<key>" or ":<key>" stands
	// for any tag or encryption-context key. IAM compares key names
	// case-insensitively.
	Name string
	// Service is "s3" or "kms" when every action of that service carries the
	// key, "*" when every action of every service does; empty otherwise.
	Service string
	// Actions carry the key, when Service is empty.
	Actions []string
	// NeverOn lists API operations that are authorized by one of Actions but
	// whose requests cannot carry the key. s3:x-amz-server-side-encryption is
	// on PutObject, CopyObject and CreateMultipartUpload requests, all
	// authorized by s3:PutObject, but never on UploadPart or
	// CompleteMultipartUpload, which s3:PutObject also authorizes.
	NeverOn []string
}

// uploadOnlyHeaders: request headers of PutObject, CopyObject and
// CreateMultipartUpload that UploadPart, UploadPartCopy and
// CompleteMultipartUpload never send.
var uploadOnlyHeaders = []string{"CompleteMultipartUpload", "UploadPart", "UploadPartCopy"}

var (
	listKeyActions       = []string{"s3:ListBucket", "s3:ListBucketVersions"}
	aclKeyActions        = []string{"s3:CreateBucket", "s3:PutBucketAcl", "s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectVersionAcl"}
	kmsCryptoKeyActions  = []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"}
	existingTagKeyAction = []string{
		"s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging", "s3:GetObject", "s3:GetObjectAcl",
		"s3:GetObjectAttributes", "s3:GetObjectTagging", "s3:GetObjectVersion", "s3:GetObjectVersionAcl",
		"s3:GetObjectVersionAttributes", "s3:GetObjectVersionTagging", "s3:PutObjectAcl", "s3:PutObjectTagging",
		"s3:PutObjectVersionAcl", "s3:PutObjectVersionTagging",
	}
	versionIDKeyActions = []string{
		"s3:DeleteObjectVersion", "s3:DeleteObjectVersionTagging", "s3:GetObjectVersion", "s3:GetObjectVersionAcl",
		"s3:GetObjectVersionAttributes", "s3:GetObjectVersionTagging", "s3:GetObjectVersionTorrent",
		"s3:PutObjectVersionAcl", "s3:PutObjectVersionTagging",
	}
)

// conditionKeys is the condition-key half of the catalogue.
var conditionKeys = []ConditionKey{
	// Global keys: "aws:*" keys are in the context of every request that has
	// them (aws:SourceIp, aws:SecureTransport, aws:PrincipalTag/<key>, ...).
	{Name: "aws:*", Service: "*"},

	// Keys every S3 action carries (see each action's row in the S3 table).
	{Name: "s3:authType", Service: "s3"},
	{Name: "s3:signatureAge", Service: "s3"},
	{Name: "s3:signatureversion", Service: "s3"},
	{Name: "s3:TlsVersion", Service: "s3"},
	{Name: "s3:x-amz-content-sha256", Service: "s3"},
	{Name: "s3:ResourceAccount", Service: "s3"},
	{Name: "s3:DataAccessPointArn", Service: "s3"},
	{Name: "s3:DataAccessPointAccount", Service: "s3"},
	{Name: "s3:AccessPointNetworkOrigin", Service: "s3"},
	{Name: "s3:AccessGrantsInstanceArn", Service: "s3"},

	// Listing parameters: only on the ListBucket family.
	{Name: "s3:prefix", Actions: listKeyActions},
	{Name: "s3:delimiter", Actions: listKeyActions},
	{Name: "s3:max-keys", Actions: listKeyActions},

	// PutObject-class request headers. s3:PutObject authorizes PutObject,
	// CopyObject, CreateMultipartUpload, UploadPart, UploadPartCopy and
	// CompleteMultipartUpload; only the first three can send these headers.
	{Name: "s3:x-amz-server-side-encryption", Actions: []string{"s3:PutObject"}, NeverOn: uploadOnlyHeaders},
	{Name: "s3:x-amz-server-side-encryption-aws-kms-key-id", Actions: []string{"s3:PutObject"}, NeverOn: uploadOnlyHeaders},
	{Name: "s3:x-amz-server-side-encryption-customer-algorithm", Actions: []string{"s3:PutObject"}},
	{Name: "s3:x-amz-storage-class", Actions: []string{"s3:PutObject", "s3:PutObjectAcl"}, NeverOn: uploadOnlyHeaders},
	{Name: "s3:x-amz-website-redirect-location", Actions: []string{"s3:PutObject"}, NeverOn: uploadOnlyHeaders},
	{Name: "s3:x-amz-copy-source", Actions: []string{"s3:PutObject"},
		NeverOn: []string{"CompleteMultipartUpload", "CreateMultipartUpload", "PutObject", "UploadPart"}},
	{Name: "s3:x-amz-metadata-directive", Actions: []string{"s3:PutObject"},
		NeverOn: []string{"CompleteMultipartUpload", "CreateMultipartUpload", "PutObject", "UploadPart", "UploadPartCopy"}},
	{Name: "s3:x-amz-acl", Actions: aclKeyActions, NeverOn: uploadOnlyHeaders},
	{Name: "s3:x-amz-grant-full-control", Actions: aclKeyActions, NeverOn: uploadOnlyHeaders},
	{Name: "s3:x-amz-grant-read", Actions: aclKeyActions, NeverOn: uploadOnlyHeaders},
	{Name: "s3:x-amz-grant-read-acp", Actions: aclKeyActions, NeverOn: uploadOnlyHeaders},
	{Name: "s3:x-amz-grant-write", Actions: aclKeyActions, NeverOn: uploadOnlyHeaders},
	{Name: "s3:x-amz-grant-write-acp", Actions: aclKeyActions, NeverOn: uploadOnlyHeaders},
	{Name: "s3:object-lock-mode", Actions: []string{"s3:PutObject", "s3:PutObjectRetention"}, NeverOn: uploadOnlyHeaders},
	{Name: "s3:object-lock-retain-until-date", Actions: []string{"s3:PutObject", "s3:PutObjectRetention"}, NeverOn: uploadOnlyHeaders},
	{Name: "s3:object-lock-remaining-retention-days", Actions: []string{"s3:PutObject", "s3:PutObjectRetention"}, NeverOn: uploadOnlyHeaders},
	{Name: "s3:object-lock-legal-hold", Actions: []string{"s3:PutObject", "s3:PutObjectLegalHold"}, NeverOn: uploadOnlyHeaders},
	{Name: "s3:RequestObjectTag/<key>", Actions: []string{"s3:PutObject", "s3:PutObjectTagging", "s3:PutObjectVersionTagging"}, NeverOn: uploadOnlyHeaders},
	{Name: "s3:RequestObjectTagKeys", Actions: []string{"s3:PutObject", "s3:PutObjectTagging", "s3:PutObjectVersionTagging"}, NeverOn: uploadOnlyHeaders},

	// Keys of existing objects and versions.
	{Name: "s3:ExistingObjectTag/<key>", Actions: existingTagKeyAction},
	{Name: "s3:versionid", Actions: versionIDKeyActions},
	{Name: "s3:locationconstraint", Actions: []string{"s3:CreateBucket"}},

	// KMS: keys of the KMS key a key-resource action uses, and of the caller.
	{Name: "kms:CallerAccount", Service: "kms"},
	{Name: "kms:ViaService", Service: "kms"},
	{Name: "kms:KeySpec", Service: "kms"},
	{Name: "kms:KeyUsage", Service: "kms"},
	{Name: "kms:KeyOrigin", Service: "kms"},
	{Name: "kms:MultiRegion", Service: "kms"},
	{Name: "kms:MultiRegionKeyType", Service: "kms"},
	{Name: "kms:ResourceAliases", Service: "kms"},
	{Name: "kms:RequestAlias", Service: "kms"},
	// KMS: parameters of cryptographic operations.
	{Name: "kms:EncryptionContext:<key>", Actions: kmsCryptoKeyActions},
	{Name: "kms:EncryptionContextKeys", Actions: kmsCryptoKeyActions},
	{Name: "kms:EncryptionAlgorithm", Actions: kmsCryptoKeyActions},
	{Name: "kms:ReEncryptOnSameKey", Actions: []string{"kms:ReEncryptFrom", "kms:ReEncryptTo"}},
	{Name: "kms:RecipientAttestation:<key>", Actions: []string{"kms:Decrypt", "kms:DeriveSharedSecret", "kms:GenerateDataKey", "kms:GenerateDataKeyPair", "kms:GenerateRandom"}},
	{Name: "kms:DataKeyPairSpec", Actions: []string{"kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext"}},
	{Name: "kms:SigningAlgorithm", Actions: []string{"kms:Sign", "kms:Verify"}},
	{Name: "kms:MessageType", Actions: []string{"kms:Sign", "kms:Verify"}},
	{Name: "kms:MacAlgorithm", Actions: []string{"kms:GenerateMac", "kms:VerifyMac"}},
	{Name: "kms:KeyAgreementAlgorithm", Actions: []string{"kms:DeriveSharedSecret"}},
	{Name: "kms:GrantIsForAWSResource", Actions: []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}},
	{Name: "kms:GrantOperations", Actions: []string{"kms:CreateGrant"}},
	{Name: "kms:GranteePrincipal", Actions: []string{"kms:CreateGrant"}},
	{Name: "kms:RetiringPrincipal", Actions: []string{"kms:CreateGrant"}},
	{Name: "kms:GrantConstraintType", Actions: []string{"kms:CreateGrant"}},
	{Name: "kms:BypassPolicyLockoutSafetyCheck", Actions: []string{"kms:CreateKey", "kms:PutKeyPolicy"}},
	{Name: "kms:ScheduleKeyDeletionPendingWindowInDays", Actions: []string{"kms:ScheduleKeyDeletion"}},
	{Name: "kms:RotationPeriodInDays", Actions: []string{"kms:EnableKeyRotation"}},
	{Name: "kms:WrappingAlgorithm", Actions: []string{"kms:GetParametersForImport"}},
	{Name: "kms:WrappingKeySpec", Actions: []string{"kms:GetParametersForImport"}},
	{Name: "kms:ExpirationModel", Actions: []string{"kms:ImportKeyMaterial"}},
	{Name: "kms:ValidTo", Actions: []string{"kms:ImportKeyMaterial"}},
	{Name: "kms:PrimaryRegion", Actions: []string{"kms:UpdatePrimaryRegion"}},
	{Name: "kms:ReplicaRegion", Actions: []string{"kms:ReplicateKey"}},
}

// catalogueIndex holds the catalogue keyed by lowercase name, built once.
type catalogueIndex struct {
	actions    map[string]Action
	operations map[string]Operation
	// nonActions maps a lowercase name IAM does not define to the fix.
	nonActions map[string]string
	// keys maps a lowercase key name (template prefix for "<key>" names) to
	// its entry; templates holds the lowercase prefixes of "<key>" names.
	keys      map[string]*ConditionKey
	templates []string
	// carriers maps a lowercase key name to the lowercase actions carrying it.
	carriers map[string]map[string]bool
}

var catalogue = buildCatalogue()

func buildCatalogue() *catalogueIndex {
	c := &catalogueIndex{
		actions:    map[string]Action{},
		operations: map[string]Operation{},
		nonActions: map[string]string{},
		keys:       map[string]*ConditionKey{},
		carriers:   map[string]map[string]bool{},
	}
	for service, table := range map[string]map[ResourceType][]string{"s3": s3ActionsByResource, "kms": kmsActionsByResource} {
		for rt, names := range table {
			for _, n := range names {
				a := Action{Name: service + ":" + n, Resource: rt}
				c.actions[strings.ToLower(a.Name)] = a
			}
		}
	}
	for _, op := range s3Operations {
		c.operations[strings.ToLower(op.Name)] = op
		// An operation name that is not itself an action is a common mistake
		// (s3:CreateMultipartUpload); say which actions authorize it.
		if _, real := c.actions["s3:"+strings.ToLower(op.Name)]; !real {
			c.nonActions["s3:"+strings.ToLower(op.Name)] = op.Name + " is " + requirementsText(op)
		}
	}
	for n, fix := range kmsNonActions {
		c.nonActions[strings.ToLower(n)] = fix
	}
	for i := range conditionKeys {
		k := &conditionKeys[i]
		name := strings.ToLower(k.Name)
		if p, ok := strings.CutSuffix(name, "<key>"); ok {
			name = p
			c.templates = append(c.templates, p)
		}
		if name == "aws:*" {
			name = "aws:"
			c.templates = append(c.templates, name)
		}
		c.keys[name] = k
		set := map[string]bool{}
		for _, a := range k.Actions {
			set[strings.ToLower(a)] = true
		}
		c.carriers[name] = set
	}
	slices.Sort(c.templates)
	return c
}

// requirementsText describes the permissions of an operation for a fix hint.
func requirementsText(op Operation) string {
	var parts []string
	for _, r := range op.Requires {
		s := r.Action
		if r.CopySource {
			s += " on the source object"
		} else if len(op.Requires) > 1 {
			s += " on the destination object"
		}
		parts = append(parts, s)
	}
	return "authorized by " + strings.Join(parts, " and ")
}

// LookupAction finds an action of the catalogue by name, case-insensitively.
func LookupAction(name string) (Action, bool) {
	a, ok := catalogue.actions[strings.ToLower(name)]
	return a, ok
}

// LookupOperation finds an S3 API operation this product calls, such as
// "UploadPartCopy", and the permissions it needs.
func LookupOperation(name string) (Operation, bool) {
	op, ok := catalogue.operations[strings.ToLower(name)]
	if !ok {
		return Operation{}, false
	}
	op.Requires = slices.Clone(op.Requires)
	return op, true
}

// Operations lists the S3 API operations of the catalogue, by name.
func Operations() []Operation {
	out := make([]Operation, 0, len(s3Operations))
	for _, op := range s3Operations {
		op.Requires = slices.Clone(op.Requires)
		out = append(out, op)
	}
	slices.SortFunc(out, func(a, b Operation) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// NonexistentActionFix returns, for a name that looks like an IAM action but
// is not one (s3:CreateMultipartUpload, s3:UploadPartCopy, ...), the actions
// that actually authorize the operation.
func NonexistentActionFix(name string) (string, bool) {
	fix, ok := catalogue.nonActions[strings.ToLower(name)]
	return fix, ok
}

// LookupConditionKey finds the catalogue entry of a condition key,
// case-insensitively; "s3:ExistingObjectTag/team" finds the
// "s3:ExistingObjectTag/<key>" entry and "aws:SourceIp" the global "aws:*" one.
func LookupConditionKey(key string) (ConditionKey, bool) {
	k, _, ok := catalogue.conditionKey(key)
	if !ok {
		return ConditionKey{}, false
	}
	out := *k
	out.Actions = slices.Clone(k.Actions)
	out.NeverOn = slices.Clone(k.NeverOn)
	return out, true
}

// conditionKey resolves key to its entry and index name.
func (c *catalogueIndex) conditionKey(key string) (*ConditionKey, string, bool) {
	lk := strings.ToLower(key)
	if k, ok := c.keys[lk]; ok {
		return k, lk, true
	}
	for _, t := range c.templates {
		if strings.HasPrefix(lk, t) && len(lk) > len(t) {
			return c.keys[t], t, true
		}
	}
	return nil, "", false
}

// ActionCarriesKey reports whether requests authorized by action carry the
// condition key in their context. known is false when the catalogue does not
// know the key; carried is then false too.
func ActionCarriesKey(action, key string) (carried, known bool) {
	k, name, ok := catalogue.conditionKey(key)
	if !ok {
		return false, false
	}
	la := strings.ToLower(action)
	switch k.Service {
	case "*":
		return true, true
	case "":
		return catalogue.carriers[name][la], true
	default:
		return strings.HasPrefix(la, k.Service+":"), true
	}
}

// matchingActions returns the catalogue actions an Action element entry
// names: the action itself, or every action a wildcard pattern such as
// "s3:Get*" matches. IAM matches action names case-insensitively.
func matchingActions(pattern string) []Action {
	lp := strings.ToLower(pattern)
	if !strings.ContainsAny(lp, "*?") {
		if a, ok := catalogue.actions[lp]; ok {
			return []Action{a}
		}
		return nil
	}
	var out []Action
	for ln, a := range catalogue.actions {
		if arnGlob(lp, ln) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b Action) int { return strings.Compare(a.Name, b.Name) })
	return out
}
