package policy

import (
	"testing"

	"github.com/s3am/s3-access-manager/internal/grant"
)

// The whole multipart workflow under generated policies: allowed inside a
// write grant (with a read grant for the copy source), denied outside it,
// through the connection policy, the session policy, and both together.

const multipartKMSKey = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

func multipartGrants() []grant.Grant {
	alice := []grant.Subject{{Kind: grant.User, Name: "alice"}}
	return []grant.Grant{
		{Namespace: "ns", Name: "uploads", Connection: "conn", Bucket: "data", Prefix: "partner-a/uploads/",
			Subjects: alice, Permissions: grant.NewPermissions(grant.Write)},
		{Namespace: "ns", Name: "shared", Connection: "conn", Bucket: "data", Prefix: "shared/",
			Subjects: alice, Permissions: grant.NewPermissions(grant.Read)},
		{Namespace: "ns", Name: "others", Connection: "conn", Bucket: "data", Prefix: "partner-b/",
			Subjects: []grant.Subject{{Kind: grant.User, Name: "bob"}}, Permissions: grant.NewPermissions(grant.Read, grant.Write)},
	}
}

// multipartWorkflow is every call of a multipart upload of key, copying one
// part from source.
func multipartWorkflow(bucket, key, sourceKey, kmsKey string) []s3Call {
	calls := []s3Call{
		{Op: "CreateMultipartUpload", Bucket: bucket, Key: key, SSE: "aws:kms"},
		{Op: "UploadPart", Bucket: bucket, Key: key},
		{Op: "UploadPartCopy", Bucket: bucket, Key: key, SourceBucket: bucket, SourceKey: sourceKey},
		{Op: "ListParts", Bucket: bucket, Key: key},
		{Op: "CompleteMultipartUpload", Bucket: bucket, Key: key},
		{Op: "AbortMultipartUpload", Bucket: bucket, Key: key},
	}
	for i := range calls {
		calls[i].KMSKey = kmsKey
	}
	return calls
}

// multipartEvaluators are alice's three views of the same grants.
func multipartEvaluators(t *testing.T, kmsKey string) map[string]func(Request) Decision {
	t.Helper()
	conn := Connection{Name: "conn", KMSKeyARN: kmsKey}
	gs := multipartGrants()
	identity, err := ConnectionPolicy(conn, gs, ManagedPolicyLimit)
	if err != nil {
		t.Fatal(err)
	}
	session, err := SessionPolicyFor(conn, gs, grant.Principal{User: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]func(Request) Decision{
		"connection policy": func(r Request) Decision { return Evaluate(identity, r) },
		"session policy":    func(r Request) Decision { return Evaluate([]Document{session}, r) },
		"both":              func(r Request) Decision { return EvaluateSession(identity, []Document{session}, r) },
	}
}

func TestMultipartWorkflowInsideWriteGrant(t *testing.T) {
	for _, kmsKey := range []string{"", multipartKMSKey} {
		for name, eval := range multipartEvaluators(t, kmsKey) {
			for _, c := range multipartWorkflow("data", "partner-a/uploads/big.bin", "shared/template.bin", kmsKey) {
				d, r := callDecision(t, c, eval)
				if !d.Allowed {
					t.Errorf("%s, KMS %q: %s denied: %v on %s %s", name, kmsKey, c.Op, d, r.Action, r.Resource)
				}
			}
		}
	}
}

func TestMultipartWorkflowOutsideWriteGrant(t *testing.T) {
	outside := []string{
		"partner-a/uploads-old/big.bin", // shares a string prefix, not a segment
		"partner-a/uploads",             // the folder name itself
		"partner-a/big.bin",
		"shared/big.bin", // readable, not writable
	}
	for _, kmsKey := range []string{"", multipartKMSKey} {
		evals := multipartEvaluators(t, kmsKey)
		for _, key := range outside {
			for name, eval := range evals {
				for _, c := range multipartWorkflow("data", key, "shared/template.bin", kmsKey) {
					if d, _ := callDecision(t, c, eval); d.Allowed {
						t.Errorf("%s, KMS %q: %s on %s allowed: %v", name, kmsKey, c.Op, key, d)
					}
				}
			}
		}
		// Inside the write grant, a copy source outside every read grant (and
		// one inside only another principal's grant) denies UploadPartCopy.
		for _, source := range []string{"private/x.bin", "partner-a/uploads-old/x.bin", "partner-b/x.bin"} {
			for name, eval := range evals {
				c := s3Call{Op: "UploadPartCopy", Bucket: "data", Key: "partner-a/uploads/big.bin",
					SourceBucket: "data", SourceKey: source, KMSKey: kmsKey}
				d, r := callDecision(t, c, eval)
				if name == "connection policy" && source == "partner-b/x.bin" {
					// The connection policy is the union of everyone's grants:
					// bob's read grant is in it. Only the session policy
					// narrows it to alice.
					if !d.Allowed {
						t.Errorf("connection policy: copy from bob's grant denied: %v", d)
					}
					continue
				}
				if d.Allowed {
					t.Errorf("%s, KMS %q: UploadPartCopy from %s allowed: %v", name, kmsKey, source, d)
				} else if r.Action != "s3:GetObject" {
					t.Errorf("%s: UploadPartCopy from %s denied on %s, want the source read", name, source, r.Action)
				}
			}
		}
	}
}

// A principal without any grant gets nothing, even though the connection
// policy allows the workflow for alice.
func TestMultipartWorkflowOtherPrincipal(t *testing.T) {
	conn := Connection{Name: "conn"}
	gs := multipartGrants()
	identity, err := ConnectionPolicy(conn, gs, ManagedPolicyLimit)
	if err != nil {
		t.Fatal(err)
	}
	session, err := SessionPolicyFor(conn, gs, grant.Principal{User: "mallory", Groups: []string{"partners"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range multipartWorkflow("data", "partner-a/uploads/big.bin", "shared/template.bin", "") {
		d, _ := callDecision(t, c, func(r Request) Decision { return EvaluateSession(identity, []Document{session}, r) })
		if d.Allowed {
			t.Errorf("mallory: %s allowed: %v", c.Op, d)
		}
	}
}
