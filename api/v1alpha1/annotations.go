package v1alpha1

// DefaultConnectionAnnotation set to "true" on an S3Connection makes it the
// connection of every PrefixGrant that names none, like a default StorageClass.
// At most one connection may carry it.
const DefaultConnectionAnnotation = "s3am.io/default-connection"
