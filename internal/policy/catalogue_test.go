package policy

import (
	"strings"
	"testing"
)

func TestLookupAction(t *testing.T) {
	for name, want := range map[string]ResourceType{
		"s3:GetObject":                  ResourceObject,
		"S3:getobject":                  ResourceObject,
		"s3:PutObject":                  ResourceObject,
		"s3:AbortMultipartUpload":       ResourceObject,
		"s3:ListMultipartUploadParts":   ResourceObject,
		"s3:DeleteObject":               ResourceObject,
		"s3:GetObjectTagging":           ResourceObject,
		"s3:PutObjectTagging":           ResourceObject,
		"s3:ListBucket":                 ResourceBucket,
		"s3:ListBucketMultipartUploads": ResourceBucket,
		"s3:GetBucketLocation":          ResourceBucket,
		"s3:ListAllMyBuckets":           ResourceNone,
		"kms:Decrypt":                   ResourceKMSKey,
		"kms:GenerateDataKey":           ResourceKMSKey,
	} {
		a, ok := LookupAction(name)
		if !ok || a.Resource != want {
			t.Errorf("LookupAction(%q) = %+v, %v; want resource %s", name, a, ok, want)
		}
	}
	for _, name := range []string{"s3:CreateMultipartUpload", "s3:CompleteMultipartUpload", "s3:UploadPartCopy", "s3:UploadPart", "s3:HeadObject", "s3:ListObjectsV2", "s3:ListParts", "kms:ReEncrypt"} {
		if _, ok := LookupAction(name); ok {
			t.Errorf("%s is in the catalogue, but IAM does not define it", name)
		}
		if _, ok := NonexistentActionFix(name); !ok {
			t.Errorf("%s has no fix hint", name)
		}
	}
}

func TestNonexistentActionFixes(t *testing.T) {
	for name, want := range map[string]string{
		"s3:CreateMultipartUpload":   "authorized by s3:PutObject",
		"s3:CompleteMultipartUpload": "authorized by s3:PutObject",
		"s3:UploadPart":              "authorized by s3:PutObject",
		"s3:UploadPartCopy":          "authorized by s3:PutObject on the destination object and s3:GetObject on the source object",
		"s3:CopyObject":              "authorized by s3:PutObject on the destination object and s3:GetObject on the source object",
		"s3:HeadObject":              "authorized by s3:GetObject",
		"s3:ListObjectsV2":           "authorized by s3:ListBucket",
		"s3:ListParts":               "authorized by s3:ListMultipartUploadParts",
		"s3:ListBuckets":             "authorized by s3:ListAllMyBuckets",
	} {
		fix, ok := NonexistentActionFix(name)
		if !ok || !strings.HasSuffix(fix, want) {
			t.Errorf("NonexistentActionFix(%q) = %q, want ...%q", name, fix, want)
		}
	}
	if _, ok := NonexistentActionFix("s3:PutObject"); ok {
		t.Error("s3:PutObject is an action, not a mistake")
	}
}

// TestCatalogueConsistent checks the catalogue against itself: every action an
// operation or a condition key names is a catalogue action of the right
// resource type, and every operation a key is never on exists.
func TestCatalogueConsistent(t *testing.T) {
	for _, op := range Operations() {
		for _, r := range op.Requires {
			a, ok := LookupAction(r.Action)
			if !ok || a.Resource != r.Resource {
				t.Errorf("operation %s needs %s on %s, catalogue has %+v, %v", op.Name, r.Action, r.Resource, a, ok)
			}
		}
	}
	for _, k := range conditionKeys {
		for _, name := range k.Actions {
			if a, ok := LookupAction(name); !ok || a.Name != name {
				t.Errorf("key %s: action %s not in the catalogue as spelled", k.Name, name)
			}
		}
		for _, name := range k.NeverOn {
			if _, ok := LookupOperation(name); !ok {
				t.Errorf("key %s: operation %s not in the catalogue", k.Name, name)
			}
		}
		if (k.Service == "") == (len(k.Actions) == 0) {
			t.Errorf("key %s: want either Service or Actions", k.Name)
		}
	}
	seen := map[string]bool{}
	for service, table := range map[string]map[ResourceType][]string{"s3": s3ActionsByResource, "kms": kmsActionsByResource} {
		for _, names := range table {
			for _, n := range names {
				if seen[service+":"+n] {
					t.Errorf("%s:%s listed twice", service, n)
				}
				seen[service+":"+n] = true
			}
		}
	}
}

func TestOperationsThisProductCalls(t *testing.T) {
	want := map[string][]string{
		"GetObject":               {"s3:GetObject"},
		"HeadObject":              {"s3:GetObject"},
		"PutObject":               {"s3:PutObject"},
		"CreateMultipartUpload":   {"s3:PutObject"},
		"UploadPart":              {"s3:PutObject"},
		"UploadPartCopy":          {"s3:PutObject", "s3:GetObject"},
		"CompleteMultipartUpload": {"s3:PutObject"},
		"AbortMultipartUpload":    {"s3:AbortMultipartUpload"},
		"ListParts":               {"s3:ListMultipartUploadParts"},
		"ListObjectsV2":           {"s3:ListBucket"},
		"DeleteObject":            {"s3:DeleteObject"},
		"ListBuckets":             {"s3:ListAllMyBuckets"},
		"CopyObject":              {"s3:PutObject", "s3:GetObject"},
	}
	for name, actions := range want {
		op, ok := LookupOperation(name)
		if !ok {
			t.Errorf("operation %s missing", name)
			continue
		}
		var got []string
		for _, r := range op.Requires {
			got = append(got, r.Action)
		}
		if strings.Join(got, ",") != strings.Join(actions, ",") {
			t.Errorf("%s needs %v, want %v", name, got, actions)
		}
	}
	op, _ := LookupOperation("uploadpartcopy")
	if !op.Requires[1].CopySource || op.Requires[0].CopySource {
		t.Errorf("UploadPartCopy: s3:GetObject is checked on the copy source: %+v", op.Requires)
	}
}

func TestActionCarriesKey(t *testing.T) {
	for _, tc := range []struct {
		action, key    string
		carried, known bool
	}{
		{"s3:ListBucket", "s3:prefix", true, true},
		{"s3:ListBucket", "S3:Delimiter", true, true},
		{"s3:ListBucket", "s3:max-keys", true, true},
		{"s3:GetObject", "s3:prefix", false, true},
		{"s3:PutObject", "s3:x-amz-server-side-encryption", true, true},
		{"s3:PutObject", "s3:x-amz-server-side-encryption-aws-kms-key-id", true, true},
		{"s3:GetObject", "s3:x-amz-server-side-encryption", false, true},
		{"s3:DeleteObject", "s3:x-amz-server-side-encryption", false, true},
		{"s3:ListBucket", "s3:x-amz-server-side-encryption", false, true},
		{"s3:GetObject", "aws:SourceIp", true, true},
		{"kms:Decrypt", "aws:PrincipalTag/team", true, true},
		{"s3:GetObject", "s3:TlsVersion", true, true},
		{"kms:Decrypt", "s3:TlsVersion", false, true},
		{"s3:GetObject", "s3:ExistingObjectTag/classification", true, true},
		{"s3:PutObject", "s3:ExistingObjectTag/classification", false, true},
		{"s3:PutObject", "s3:RequestObjectTag/classification", true, true},
		{"kms:Decrypt", "kms:EncryptionContext:aws:s3:arn", true, true},
		{"kms:Decrypt", "kms:ViaService", true, true},
		{"s3:GetObject", "kms:ViaService", false, true},
		{"s3:GetObject", "s3:no-such-key", false, false},
	} {
		carried, known := ActionCarriesKey(tc.action, tc.key)
		if carried != tc.carried || known != tc.known {
			t.Errorf("ActionCarriesKey(%s, %s) = %v, %v; want %v, %v", tc.action, tc.key, carried, known, tc.carried, tc.known)
		}
	}
	k, ok := LookupConditionKey("S3:X-AMZ-SERVER-SIDE-ENCRYPTION")
	if !ok || k.Name != "s3:x-amz-server-side-encryption" || !strings.Contains(strings.Join(k.NeverOn, ","), "UploadPart") {
		t.Errorf("LookupConditionKey = %+v, %v", k, ok)
	}
}

func TestMatchingActions(t *testing.T) {
	got := matchingActions("s3:*MultipartUpload*")
	var names []string
	for _, a := range got {
		names = append(names, a.Name)
	}
	if strings.Join(names, ",") != "s3:AbortMultipartUpload,s3:ListBucketMultipartUploads,s3:ListMultipartUploadParts" {
		t.Errorf("matchingActions = %v", names)
	}
	if len(matchingActions("s3:CreateMultipartUpload")) != 0 {
		t.Error("non-existent action matched")
	}
}
