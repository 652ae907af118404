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
// CEL's regular expressions are RE2, which cannot subtract U+200C and U+200D
// from \p{Cf}, so the invisible-character rule enumerates Unicode 15's format
// characters without them, the line and paragraph separators and the tags
// block; TestInvisibleRuleAgreesWithGo checks it against Go for every code
// point.
// +kubebuilder:validation:MaxLength=1024
// +kubebuilder:validation:XValidation:rule="size(self) == 0 || self.endsWith('/')",message="prefix must end with \"/\", e.g. \"partner-a/uploads/\""
// +kubebuilder:validation:XValidation:rule="!self.startsWith('/')",message="prefix must not start with \"/\"; write it relative to the bucket, e.g. \"partner-a/uploads/\""
// +kubebuilder:validation:XValidation:rule="!self.contains('//')",message="prefix must not contain an empty segment (\"//\")"
// +kubebuilder:validation:XValidation:rule="!('/' + self).contains('/./') && !('/' + self).contains('/../')",message="prefix must not contain \".\" or \"..\" segments"
// +kubebuilder:validation:XValidation:rule="!self.contains('\\\\')",message="prefix must not contain a backslash; separate folders with \"/\""
// +kubebuilder:validation:XValidation:rule="!self.matches('\\\\p{Cc}')",message="prefix must not contain control characters"
// +kubebuilder:validation:XValidation:rule="!self.matches('[\\u00AD\\u0600-\\u0605\\u061C\\u06DD\\u070F\\u0890\\u0891\\u08E2\\u180E\\u200B\\u200E\\u200F\\u2028-\\u202E\\u2060-\\u2064\\u2066-\\u206F\\uFEFF\\uFFF9-\\uFFFB\\U000110BD\\U000110CD\\U00013430-\\U0001343F\\U0001BCA0-\\U0001BCA3\\U0001D173-\\U0001D17A\\U000E0000-\\U000E007F]')",message="prefix must not contain invisible formatting characters (Unicode format characters other than the zero-width joiners, such as bidirectional controls, zero-width spaces, soft hyphens and tags, or line separators): they make a name display differently from what it is"
// +kubebuilder:validation:XValidation:rule="!self.matches('%(2[eEfF]|5[cC])')",message="prefix must not contain percent-encoded '/', '.' or backslash characters; write them as themselves"
// +kubebuilder:validation:XValidation:rule="!self.matches('[*?$]')",message="prefix must not contain '*', '?' or '$': IAM policies read them as wildcards and variables"
// +kubebuilder:validation:XValidation:rule="size(bytes(self)) <= 1024",message="prefix must be at most 1024 bytes of UTF-8"
type KeyPrefix string
