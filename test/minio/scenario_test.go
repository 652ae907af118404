package minio_test

import "github.com/s3am/s3-access-manager/internal/grant"

const (
	bucket        = "partner-data"
	archiveBucket = "partner-archive"
	connection    = "local-minio"
)

// Group names of the scenario.
const (
	groupCleanup  = "partner-a-cleanup"
	groupAuditors = "auditors"
)

// scenarioGrants is a small but realistic grant set: per-user upload and
// download folders, overlapping user and group grants, and a delete grant.
var scenarioGrants = []grant.Grant{
	scenarioGrant("partner-a", "alice-uploads", bucket, "partner-a/uploads/", userAlice, grant.Write, grant.List),
	scenarioGrant("partner-a", "alice-processed", bucket, "partner-a/processed/", userAlice, grant.Read),
	scenarioGrant("partner-a", "processed-cleanup", bucket, "partner-a/processed/",
		grant.Subject{Kind: grant.Group, Name: groupCleanup}, grant.Read, grant.List, grant.Delete),
	scenarioGrant("partner-b", "bob-uploads", bucket, "partner-b/uploads/",
		grant.Subject{Kind: grant.User, Name: "bob@partner-b.com"}, grant.Write),
	scenarioGrant("partner-b", "auditors", bucket, "partner-b/", auditors, grant.Read, grant.List),
	// Another bucket: must not leak into partner-data.
	scenarioGrant("partner-a", "alice-archive", archiveBucket, "partner-a/", userAlice, grant.Read, grant.Write, grant.List, grant.Delete),
	// A whole-bucket grant: Prefix "" is every object of the bucket.
	scenarioGrant("audit", "archive-auditors", archiveBucket, "", auditors, grant.Read, grant.List),
}

// Subjects that hold more than one grant of the scenario.
var (
	userAlice = grant.Subject{Kind: grant.User, Name: "alice@partner-a.com"}
	auditors  = grant.Subject{Kind: grant.Group, Name: groupAuditors}
)

// scenarioGrant is a grant of the scenario's connection.
func scenarioGrant(namespace, name, bucket, prefix string, subject grant.Subject, perms ...grant.Permission) grant.Grant {
	return grant.Grant{
		Namespace: namespace, Name: name, Connection: connection, Bucket: bucket, Prefix: prefix,
		Subjects: []grant.Subject{subject}, Permissions: grant.NewPermissions(perms...),
	}
}

// scenarioPrincipals are the callers the matrix runs as.
var scenarioPrincipals = []grant.Principal{
	{User: "alice@partner-a.com"},
	{User: "bob@partner-b.com", Groups: []string{groupAuditors}},
	{User: "carol@partner-a.com", Groups: []string{groupCleanup, "unrelated"}},
	// No grant applies: the session policy is the NoGrants Deny.
	{User: "dave@partner-d.com", Groups: []string{"unrelated"}},
}

// object is a key in a bucket.
type object struct{ bucket, key string }

// objects are seeded into the buckets and tried with every object operation:
// inside the grants, beside them (sibling prefixes that share a string prefix
// with a grant), above them and elsewhere, including keys whose characters are
// wildcards or variable syntax in IAM patterns.
var objects = []object{
	{bucket, "partner-a/uploads/report.pdf"},
	{bucket, "partner-a/uploads/sub/deep/file.txt"},
	{bucket, "partner-a/uploads/star*file.txt"},
	{bucket, "partner-a/uploads/what?.txt"},
	{bucket, "partner-a/uploads/dollar$sign.txt"},
	{bucket, "partner-a/uploads/${aws:username}.txt"},
	{bucket, "partner-a/uploads/${*}.txt"},
	{bucket, "partner-a/uploads-evil/report.pdf"},
	{bucket, "partner-a/uploads*/x.txt"},
	{bucket, "partner-a/uploadsX/x.txt"},
	{bucket, "partner-a/processed/result.csv"},
	{bucket, "partner-a/processed-old/result.csv"},
	{bucket, "partner-a/readme.txt"},
	{bucket, "partner-b/uploads/data.bin"},
	{bucket, "partner-b/uploads-evil/data.bin"},
	{bucket, "partner-b/reports/q1.pdf"},
	{bucket, "partner-c/uploads/x.txt"},
	{bucket, "root.txt"},
	{archiveBucket, "partner-a/2023/report.pdf"},
	{archiveBucket, "partner-a-old/report.pdf"},
	{archiveBucket, "partner-b/2023/report.pdf"},
	{archiveBucket, "index.html"},
}

// listing is a ListObjectsV2 prefix in a bucket; nil sends no prefix
// parameter at all. Each is tried with and without delimiter "/".
type listing struct {
	bucket string
	prefix *string
}

var listings = []listing{
	{bucket, nil},
	{bucket, ptr("")},
	{bucket, ptr("partner-a/")},
	{bucket, ptr("partner-a/uploads/")},
	{bucket, ptr("partner-a/uploads/sub/")},
	{bucket, ptr("partner-a/uploads")}, // no slash: would reveal uploads-evil/
	{bucket, ptr("partner-a/uploads-evil/")},
	{bucket, ptr("partner-a/uploads/star*")},
	{bucket, ptr("partner-a/uploads*/")},
	{bucket, ptr("partner-a/processed/")},
	{bucket, ptr("partner-a/processed-old/")},
	{bucket, ptr("partner-b/")},
	{bucket, ptr("partner-b/uploads/")},
	{bucket, ptr("partner-b/reports/")},
	{bucket, ptr("partner-c/")},
	{bucket, ptr("partner-")},
	{archiveBucket, nil},
	{archiveBucket, ptr("")},
	{archiveBucket, ptr("partner-a/")},
	{archiveBucket, ptr("partner-a/2023/")},
	{archiveBucket, ptr("partner-a")},
	{archiveBucket, ptr("partner-b/")},
}

func ptr[T any](v T) *T { return &v }
