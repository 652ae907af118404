package v1alpha1

// BucketName is an S3 general-purpose bucket name. The schema enforces S3's
// naming rules so that they hold even with no webhook running; internal/keys
// enforces the same rules in Go.
// +kubebuilder:validation:MinLength=3
// +kubebuilder:validation:MaxLength=63
// +kubebuilder:validation:Pattern=`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`
// +kubebuilder:validation:XValidation:rule="!self.contains('..')",message="bucket name must not contain \"..\"; dots separate labels"
// +kubebuilder:validation:XValidation:rule="!self.matches('^[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+$')",message="bucket name must not be formatted as an IP address"
// +kubebuilder:validation:XValidation:rule="!self.startsWith('xn--') && !self.startsWith('sthree-') && !self.startsWith('amzn-s3-demo-')",message="bucket name must not start with the reserved prefixes \"xn--\", \"sthree-\" or \"amzn-s3-demo-\""
// +kubebuilder:validation:XValidation:rule="!self.endsWith('-s3alias') && !self.endsWith('--ol-s3') && !self.endsWith('.mrap') && !self.endsWith('--x-s3') && !self.endsWith('--table-s3')",message="bucket name must not end with the reserved suffixes \"-s3alias\", \"--ol-s3\", \".mrap\", \"--x-s3\" or \"--table-s3\""
type BucketName string

// KeyPrefix is a key prefix inside a bucket: empty, or path segments each
// followed by "/". The schema mirrors internal/keys.ValidateGrantPrefix.
// The invisible-character rule is RE2's [^\P{Cf}\u200C\u200D] (a format
// character but the zero-width joiners; RE2 has no class subtraction), the
// line and paragraph separators and the tags block, as internal/keys refuses;
// webhook's TestInvisibleRuleAgreesWithGo checks it against Go for every code
// point.
// (Listing the format characters one by one would cost the API server's CEL
// budget more than it allows for delegations' nested prefixes.)
// +kubebuilder:validation:MaxLength=1024
// +kubebuilder:validation:XValidation:rule="size(self) == 0 || self.endsWith('/')",message="prefix must end with \"/\", e.g. \"partner-a/uploads/\""
// +kubebuilder:validation:XValidation:rule="!self.startsWith('/')",message="prefix must not start with \"/\"; write it relative to the bucket, e.g. \"partner-a/uploads/\""
// +kubebuilder:validation:XValidation:rule="!self.contains('//')",message="prefix must not contain an empty segment (\"//\")"
// +kubebuilder:validation:XValidation:rule="!('/' + self).contains('/./') && !('/' + self).contains('/../')",message="prefix must not contain \".\" or \"..\" segments"
// +kubebuilder:validation:XValidation:rule="!self.contains('\\\\')",message="prefix must not contain a backslash; separate folders with \"/\""
// +kubebuilder:validation:XValidation:rule="!self.matches('\\\\p{Cc}')",message="prefix must not contain control characters"
// +kubebuilder:validation:XValidation:rule="!self.matches('[^\\\\P{Cf}\\u200C\\u200D]|[\\u2028\\u2029\\U000E0000-\\U000E007F]')",message="prefix must not contain invisible formatting characters (Unicode format characters other than the zero-width joiners, such as bidirectional controls, zero-width spaces, soft hyphens and tags, or line separators): they make a name display differently from what it is"
// +kubebuilder:validation:XValidation:rule="!self.matches('%(2[eEfF]|5[cC])')",message="prefix must not contain percent-encoded '/', '.' or backslash characters; write them as themselves"
// +kubebuilder:validation:XValidation:rule="!self.matches('[*?$]')",message="prefix must not contain '*', '?' or '$': IAM policies read them as wildcards and variables"
// +kubebuilder:validation:XValidation:rule="size(bytes(self)) <= 1024",message="prefix must be at most 1024 bytes of UTF-8"
type KeyPrefix string
