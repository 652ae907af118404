// Package minio manages MinIO canned policies and their attachment to users
// through MinIO's admin API (/minio/admin/v3), for connections whose IAM mode
// is Apply.
//
// MinIO is AGPL-licensed and its own admin client (madmin-go) is too, so this
// package speaks the admin HTTP API directly: net/http requests signed with
// aws-sdk-go-v2's SigV4 signer as service "s3", carrying the payload's
// SHA-256 in X-Amz-Content-Sha256, as MinIO requires.
//
// Only endpoints whose bodies are plain are used. The newer
// idp/builtin/policy/attach|detach endpoints take bodies encrypted with
// madmin's scheme, so attachments go through set-user-or-group-policy
// (deprecated but served by the pinned MinIO), which replaces a user's whole
// policy list; Attach and Detach read the list first (user-info) and write
// it back.
package minio
