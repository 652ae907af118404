package objects_test

import "testing"

// TestAgainstMinIO runs every test that needs S3 against one real MinIO
// server; the groups work in separate folders and run in parallel.
func TestAgainstMinIO(t *testing.T) {
	env := startMinIO(t)
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *minioEnv)
	}{
		{"presigned PUT", testPresignedPut},
		{"presigned POST", testPresignedPost},
		{"presigned GET", testPresignedGet},
		{"head, delete and empty objects", testObjectCalls},
		{"listing", testListing},
		{"multipart 64 MiB in parallel", testMultipartLarge},
		{"multipart resume", testMultipartResume},
		{"multipart abort", testMultipartAbort},
		{"multipart complete refusals", testCompleteRefusals},
		{"credential scoping", testCredentialScoping},
		{"scoped credential cache", testScopedCache},
		{"uploads that must not replace", testNoReplace},
		{"URLs end with the grant", testNotAfter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, env)
		})
	}
}
