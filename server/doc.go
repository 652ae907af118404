// Package server is the companion HTTP API: people browse the folders their
// PrefixGrants give them and move objects through presigned S3 URLs, and
// every attempt is decided by the authorization index and audited.
//
// Routes (all under /api/v1 need an authenticated caller):
//
//	Method  Path                        Permission  Answer
//	GET     /healthz                    anonymous   "ok"
//	GET     /readyz                     anonymous   "ok", or 503 until Options.Ready passes
//	GET     /metrics                    anonymous   Prometheus text format
//	GET     /openapi.json               -           the OpenAPI 3.1 description of these routes
//	GET     /docs                       -           a viewer of it, with no outside requests
//	GET     /api/v1/me                  -           {user, groups, roots}
//	GET     /api/v1/list                list        folders, then files (?connection=&bucket=&prefix=&token=)
//	POST    /api/v1/uploads             write       presigned PUT {connection,bucket,key,contentType,size}
//	POST    /api/v1/uploads/post        write       presigned POST form of {connection,bucket,key,contentType}
//	POST    /api/v1/uploads/confirm     write       HEAD of the uploaded object: size and ETag
//	POST    /api/v1/multipart           write       starts a multipart upload
//	POST    /api/v1/multipart/parts     write       presigned UploadPart URLs
//	GET     /api/v1/multipart/parts     write       parts uploaded so far (?connection=&bucket=&key=&uploadId=)
//	POST    /api/v1/multipart/complete  write       completes the upload after checking every part
//	POST    /api/v1/multipart/abort     write       discards the upload
//	POST    /api/v1/downloads           read        presigned GET {connection,bucket,key}
//	DELETE  /api/v1/objects             delete      server-side delete (?connection=&bucket=&key=)
//	GET     /api/v1/audit/events        admin group events (?user=&action=&decision=&outcome=&connection=&bucket=&prefix=&requestId=&from=&to=&cursor=&limit=&order=&format=json|jsonl|csv)
//
// Every request under /api/v1 is handled in the same order: the bucket, key
// or prefix is validated first (400 with {error, reason}); then the index
// decides (403, "No write permission for: bucket/key"); then the grant's
// upload limits are applied (413, 415); then S3 is called, its failures
// answered with objects.KindOf(err).HTTPStatus(). Each attempt, allowed or
// blocked, successful or not, is recorded as exactly one audit event before
// the answer is written; when recording fails the answer is 503 and carries
// no URL. Every multipart call decides again on the upload's key, so an
// upload ID is useless to a caller whose grants do not cover its key.
//
// Presigned URLs, POST form fields and credentials are never logged: the
// access log names the route pattern, not the URL, and errors are logged
// through internal/redact.
package server
