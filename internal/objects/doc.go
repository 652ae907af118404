// Package objects is the S3 access layer of the server: presigned uploads
// and downloads, and the server-side calls around them, for one S3Connection
// each.
//
// A Service never decides whether a caller may do something; the server asks
// the authorization index first and calls a Service only for allowed
// requests. Keys, prefixes and buckets are still validated with
// internal/keys, so that nothing malformed reaches S3 by this path.
//
// # Presigned requests
//
//   - PresignPut signs Content-Length, Content-Type and, with a KMS key, the
//     SSE-KMS headers: S3 refuses a body of another length, another type, or
//     an upload without the encryption headers.
//   - PresignPost signs a browser form whose policy confines keys to a folder
//     (["starts-with", "$key", folder]) and, optionally, the size.
//   - PresignGet makes S3 answer with Content-Disposition: attachment, so
//     that objects download instead of rendering on S3's origin.
//   - PresignUploadParts signs UploadPart URLs of a multipart upload, in
//     batches, optionally with each part's length.
//
// Presigned URLs and POST fields are bearer tokens. Nothing in this package
// logs; the result types print redacted under fmt and slog, and Redact strips
// signatures, credentials and session tokens from any URL the server logs.
//
// # Credential scoping
//
// When the connection's iam.credentialScoping is SessionPolicy, presigning
// signs with STS credentials whose session policy is the caller's own
// generated policy (policy.SessionPolicyFor over the Ready grants that
// Options.Grants returns). S3 evaluates that policy when it receives the
// request, so a URL for anything outside the caller's grants is refused by
// S3 itself, even if the server's index had a bug. Credentials are cached
// per principal (user and sorted groups) while they stay valid for the
// requested TTL plus a minute; Invalidate drops them all, and the server
// calls it whenever the index changes. Concurrent misses for one principal
// share one STS call.
//
// Server-side operations (HeadObject, DeleteObject, ListObjects,
// PutEmptyObject and the multipart calls other than UploadPart) use the
// connection's own credentials. They run on the server after the index
// authorized them, no URL leaves the server, and they would otherwise cost an
// STS call per principal on the request path; CompleteMultipartUpload also
// cross-checks every part with ListParts first.
//
// # Errors
//
// Every failure is an *Error whose Kind (KindOf) maps to an HTTP status
// (Kind.HTTPStatus). Its text never holds credentials or URL signatures, and
// S3's own messages are not kept, since on AWS some of them echo the access
// key ID of the request.
package objects
