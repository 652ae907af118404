// Package links holds the rules of AccessLinks that need neither Kubernetes
// nor S3: link tokens and their hashes, password hashing with argon2id, the
// bounded rate limiter for password guesses, whether a link may be used now,
// and the keys an upload-request link writes.
//
// The server (server/links*.go) applies these rules at every use, after it
// has read the link fresh from the API server and before it asks the
// authorization index whether the link's creator still holds the access.
package links
