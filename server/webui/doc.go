// Package webui serves the partners' web app: a login page, the "Your
// buckets" dashboard, the folder browser with uploads, downloads and
// deletes, and the admin audit page. It is plain HTML, CSS and JavaScript
// modules embedded in the binary: no build step, no framework, and no request
// to anything but this server and, for uploads, the S3 endpoints the
// presigned URLs name.
//
// Register adds its routes to the Echo application of server.New:
//
//	GET  /                 the dashboard (the app's shell; the scripts route)
//	GET  /browse           the folder browser (?connection=&bucket=&prefix=)
//	GET  /admin/audit      the audit page (?user=&action=&decision=&bucket=&from=&to=)
//	GET  /admin/access     the access review page (?bucket=&prefix=&permission=&connection=&inEffect= or ?user= or ?group=)
//	GET  /login            the login page: OIDC button, or the demo picker
//	POST /auth/demo        demo login for one of Options.DemoUsers
//	POST /auth/logout      only without OIDC login, which registers its own
//	GET  /ui/<version>/... the embedded assets, cached for a year
//
// Every answer carries a strict Content-Security-Policy (scripts from this
// server only, no inline script or style), nosniff, no referrer and no
// framing. The app keeps no token or presigned URL anywhere but in memory:
// only the upload ID, key and part ETags of a multipart upload are stored in
// localStorage, so that it can resume after a reload. A folder made with
// "New folder" exists in S3 only with its first file (the API refuses
// "folder/" keys); until then its name is kept in the tab's sessionStorage,
// and the app says so.
package webui
