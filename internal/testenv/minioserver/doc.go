// Package minioserver starts a real MinIO server for tests, as an external
// process on a loopback port with a throw-away data directory and random root
// credentials.
//
// MinIO is AGPL-licensed, so the project never links it: tests run the binary
// that `make minio` builds into bin/minio (or the one named by S3AM_MINIO) and
// talk to it over HTTP with aws-sdk-go-v2 only.
package minioserver
