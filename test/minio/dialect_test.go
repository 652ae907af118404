package minio_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/internal/policy"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
)

// The places where MinIO's policy dialect differs from AWS IAM's, each found
// by running it and read back in MinIO's source (minio/pkg policy and
// condition packages, cmd/sts-handlers.go, cmd/auth-handler.go). Every probe
// asserts both sides: what MinIO does, and what the evaluator, which follows
// AWS's documented semantics, predicts. Where they agree the probe pins down a
// behaviour the matrix relies on.

const dialectBucket = "dialect"

// dialectProbe is one request under one hand-written session policy.
type dialectProbe struct {
	name string
	// why explains the difference (or the agreement) and its consequence.
	why    string
	policy string
	// key is the object GetObject reads; with list set, ListObjectsV2 runs
	// instead with prefix and delimiter.
	key        string
	list       bool
	prefix     *string
	delimiter  string
	minio, aws outcome
}

func (p dialectProbe) request() policy.Request {
	if !p.list {
		return policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::" + dialectBucket + "/" + p.key}
	}
	r := policy.Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::" + dialectBucket, Context: map[string][]string{}}
	if p.prefix != nil {
		r.Context["s3:prefix"] = []string{*p.prefix}
	}
	if p.delimiter != "" {
		r.Context["s3:delimiter"] = []string{p.delimiter}
	}
	return r
}

func allowJSON(action, resource, condition string) string {
	s := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"`
	if condition != "" {
		s += `,"Condition":` + condition
	}
	return s + `}]}`
}

var dialectProbes = []dialectProbe{
	{
		name: "escape ${*} is not supported",
		why: "AWS resolves ${*}, ${?} and ${$} to the literal character after wildcard parsing; MinIO " +
			"only substitutes the condition keys it knows (aws:username, ...) and writes any other ${...} back " +
			"verbatim, so in `lit${*}/*` the '*' stays a wildcard between a literal \"${\" and \"}\". " +
			"Consequence: the generator's escaped ARNs (EscapeWildcards) for prefixes containing '*', '?' or '$' " +
			"deny on MinIO what they allow on AWS, which is why keys.ValidateGrantPrefix refuses such grant prefixes.",
		policy: allowJSON("s3:GetObject", "arn:aws:s3:::dialect/lit${*}/*", ""),
		key:    "lit*/a.txt", minio: denied, aws: allowed,
	},
	{
		name:   "escape ${*} matches ${anything} on MinIO",
		why:    "the other side of the same gap: a key that spells out \"${...}\" matches MinIO's verbatim pattern and not AWS's.",
		policy: allowJSON("s3:GetObject", "arn:aws:s3:::dialect/lit${*}/*", ""),
		key:    "lit${x}/a.txt", minio: allowed, aws: denied,
	},
	{
		name:   "escape ${?} is not supported",
		why:    "as ${*}: MinIO leaves ${?} verbatim.",
		policy: allowJSON("s3:GetObject", "arn:aws:s3:::dialect/q${?}/*", ""),
		key:    "q?/a.txt", minio: denied, aws: allowed,
	},
	{
		name:   "escape ${$} is not supported",
		why:    "as ${*}: MinIO leaves ${$} verbatim, so a grant on a prefix with '$' gives nothing on MinIO.",
		policy: allowJSON("s3:GetObject", "arn:aws:s3:::dialect/cost${$}/*", ""),
		key:    "cost$/a.txt", minio: denied, aws: allowed,
	},
	{
		name:   "plain '$' in a key matches literally on both",
		why:    "MinIO copies a '$' not followed by '{' as is; AWS treats it as a literal too. Unescaped keys with '$' agree.",
		policy: allowJSON("s3:GetObject", "arn:aws:s3:::dialect/cost$/*", ""),
		key:    "cost$/a.txt", minio: allowed, aws: allowed,
	},
	{
		name: "'?' matches one byte on MinIO, one character on AWS",
		why: "MinIO's wildcard matcher walks bytes; IAM matches characters. A '?' against a multi-byte UTF-8 " +
			"character differs. The generator never emits a bare '?', so generated policies are unaffected.",
		policy: allowJSON("s3:GetObject", "arn:aws:s3:::dialect/?.txt", ""),
		key:    "é.txt", minio: denied, aws: allowed,
	},
	{
		name: "bucket-level actions also match object ARNs on MinIO",
		why: "MinIO matches s3:ListBucket against the resource \"bucket/\" (bucket name plus a slash), so " +
			"`arn:aws:s3:::bucket/*` covers it; on AWS s3:ListBucket applies only to the bucket ARN. A policy that " +
			"lists object ARNs next to s3:ListBucket is wider on MinIO. The generator keeps s3:ListBucket on the " +
			"bucket ARN alone, so generated policies are unaffected.",
		policy: allowJSON("s3:ListBucket", "arn:aws:s3:::dialect/*", ""),
		list:   true, prefix: ptr(""), minio: allowed, aws: denied,
	},
	{
		name: "s3:GetObjectVersion implies s3:GetObject on MinIO",
		why: "MinIO's ActionSet.Match special-cases GetObjectVersion to also allow GetObject; AWS keeps them " +
			"separate. The generator never grants GetObjectVersion alone.",
		policy: allowJSON("s3:GetObjectVersion", "arn:aws:s3:::dialect/*", ""),
		key:    "plain.txt", minio: allowed, aws: denied,
	},
	{
		name: "s3:delimiter is evaluated (agreement)",
		why: "MinIO passes every query parameter to the condition context, so s3:delimiter (and s3:max-keys) " +
			"conditions work as on AWS: the breadcrumb statements that require delimiter \"/\" are enforced.",
		policy: allowJSON("s3:ListBucket", "arn:aws:s3:::dialect", `{"StringEquals":{"s3:delimiter":"/"}}`),
		list:   true, prefix: ptr(""), delimiter: "/", minio: allowed, aws: allowed,
	},
	{
		name:   "a missing s3:delimiter fails StringEquals (agreement)",
		why:    "without the delimiter parameter the key is absent, and an absent key fails StringEquals on both.",
		policy: allowJSON("s3:ListBucket", "arn:aws:s3:::dialect", `{"StringEquals":{"s3:delimiter":"/"}}`),
		list:   true, prefix: ptr(""), minio: denied, aws: denied,
	},
	{
		name: "prefix \"\" must be sent to match s3:prefix \"\" (agreement)",
		why: "MinIO builds s3:prefix from the query string: `prefix=` gives [\"\"], no parameter gives no key. " +
			"aws-sdk-go-v2 sends the parameter only when Prefix is non-nil, so listing the bucket root under a " +
			"breadcrumb condition needs Prefix: aws.String(\"\"). (MinIO's own SDKs always send it, see minio-go#1064.)",
		policy: allowJSON("s3:ListBucket", "arn:aws:s3:::dialect", `{"StringEquals":{"s3:prefix":""}}`),
		list:   true, prefix: ptr(""), minio: allowed, aws: allowed,
	},
	{
		name:   "no prefix parameter fails s3:prefix \"\" (agreement)",
		why:    "the absent key fails StringEquals; see the previous probe.",
		policy: allowJSON("s3:ListBucket", "arn:aws:s3:::dialect", `{"StringEquals":{"s3:prefix":""}}`),
		list:   true, minio: denied, aws: denied,
	},
}

func TestMinIODialect(t *testing.T) {
	srv := minioserver.Start(t)
	ctx := context.Background()
	srv.Seed(t, dialectBucket, withBody("x", "lit*/a.txt", "lit${x}/a.txt", "q?/a.txt", "cost$/a.txt", "é.txt", "plain.txt"))
	for _, p := range dialectProbes {
		t.Run(p.name, func(t *testing.T) {
			doc, err := policy.Parse([]byte(p.policy))
			if err != nil {
				t.Fatal(err)
			}
			predicted := policy.EvaluateSession(allowAll, []policy.Document{doc}, p.request())
			if got := outcomeOf(predicted); got != p.aws {
				t.Errorf("evaluator (AWS semantics): %s (%s), want %s", got, predicted, p.aws)
			}
			creds, err := srv.AssumeRole(ctx, p.policy, 0)
			if err != nil {
				t.Fatal(err)
			}
			c := srv.S3Client(t, minioserver.StaticCredentials(creds))
			var runErr error
			if p.list {
				runErr = listObjects(ctx, c, dialectBucket, p.prefix, p.delimiter)
			} else {
				out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(dialectBucket), Key: aws.String(p.key)})
				if err == nil {
					out.Body.Close()
				}
				runErr = err
			}
			got, unexpected := classify(runErr)
			if unexpected != nil {
				t.Fatal(unexpected)
			}
			if got != p.minio {
				t.Errorf("MinIO: %s, want %s (%v)", got, p.minio, runErr)
			}
		})
	}
}

// outcomeOf turns an evaluator decision into an outcome.
func outcomeOf(d policy.Decision) outcome {
	if d.Allowed {
		return allowed
	}
	return denied
}

// TestMinIORefusesWhatIAMAccepts pins down session policies that AWS IAM
// accepts and MinIO's AssumeRole refuses outright, so that a generator change
// that starts emitting one of them fails here rather than in production.
func TestMinIORefusesWhatIAMAccepts(t *testing.T) {
	srv := minioserver.Start(t)
	ctx := context.Background()
	refused := []struct {
		name, why, policy, minioError string
	}{
		{
			name: "IfExists operators",
			why: "MinIO knows no ...IfExists condition operator except NumericGreaterThanIfExists " +
				"(minio/pkg policy/condition/name.go).",
			policy:     allowJSON("s3:ListBucket", "arn:aws:s3:::b", `{"StringLikeIfExists":{"s3:prefix":"a/*"}}`),
			minioError: "invalid condition name 'StringLikeIfExists'",
		},
		{
			name:       "action names in another case",
			why:        "IAM action names are case-insensitive; MinIO matches them case-sensitively against its list of actions.",
			policy:     allowJSON("s3:getobject", "arn:aws:s3:::b/*", ""),
			minioError: "unsupported action 's3:getobject'",
		},
		{
			name: "a condition key one of the statement's actions does not carry",
			why: "IAM accepts s3:prefix in a statement that also lists s3:GetObject (the key is then simply absent " +
				"for GetObject); MinIO refuses any key not valid for every action of the statement. The generator keeps " +
				"conditions on statements whose only action is s3:ListBucket.",
			policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],` +
				`"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"StringLike":{"s3:prefix":"a/*"}}}]}`,
			minioError: "unsupported condition keys '[s3:prefix]' used for action 's3:GetObject'",
		},
	}
	for _, r := range refused {
		t.Run(r.name, func(t *testing.T) {
			if _, err := policy.Parse([]byte(r.policy)); err != nil {
				t.Fatalf("the policy should be valid IAM: %v", err)
			}
			_, err := srv.AssumeRole(ctx, r.policy, 0)
			if err == nil || !strings.Contains(err.Error(), r.minioError) {
				t.Fatalf("AssumeRole: got %v, want MinIO to refuse with %q (%s)", err, r.minioError, r.why)
			}
		})
	}
	// A qualified operator that MinIO does know, for contrast.
	if _, err := srv.AssumeRole(ctx, allowJSON("s3:ListBucket", "arn:aws:s3:::b", `{"ForAnyValue:StringLike":{"s3:prefix":"a/*"}}`), 0); err != nil {
		t.Errorf("ForAnyValue:StringLike: %v", err)
	}
}

// withBody maps each key to body, for minioserver.Seed.
func withBody(body string, keys ...string) map[string]string {
	m := make(map[string]string, len(keys))
	for _, k := range keys {
		m[k] = body
	}
	return m
}
