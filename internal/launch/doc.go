// Package launch starts the servers that run beside s3am on one machine, as
// child processes on free loopback ports: MinIO, and a control plane
// (kube-apiserver and etcd). `s3am demo` and the test harnesses
// (internal/testenv) start them the same way through it; it imports nothing
// of internal/testenv, since the demo is a product path.
package launch
