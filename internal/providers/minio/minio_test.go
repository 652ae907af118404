package minio_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/policy"
	"github.com/s3am/s3-access-manager/internal/providers/minio"
	"github.com/s3am/s3-access-manager/internal/s3conn"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
)

// adminClient builds the client the way the controller will: s3conn.Config
// from an S3Compatible spec whose Secret holds keys with admin rights.
func adminClient(t *testing.T, srv *minioserver.Server, id, secret string) *minio.Client {
	t.Helper()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	spec := v1alpha1.S3ConnectionSpec{
		Provider: v1alpha1.ProviderS3Compatible, Endpoint: srv.Endpoint, PathStyle: true, Region: srv.Region,
		Auth: v1alpha1.ConnectionAuth{AccessKey: &v1alpha1.SecretKeysRef{Namespace: "ops", Name: "keys"}},
	}
	secrets := s3conn.ReaderFunc(func(_ context.Context, _, _, key string) ([]byte, error) {
		return []byte(map[string]string{s3conn.DefaultAccessKeyIDKey: id, s3conn.DefaultSecretAccessKeyKey: secret}[key]), nil
	})
	cfg, err := s3conn.Config(t.Context(), spec, s3conn.Sources{Secrets: secrets})
	if err != nil {
		t.Fatal(err)
	}
	c, err := minio.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// generated renders the connection policy the generator makes for grants,
// as the controller will put it.
func generated(t *testing.T, grants ...grant.Grant) []byte {
	t.Helper()
	docs, err := policy.ConnectionPolicy(policy.Connection{Name: "minio"}, grants, policy.Limit{Name: "minio canned policy", PerDocument: 20 << 10, MaxDocuments: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := docs[0].JSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func prefixGrant(name, bucket, prefix string, perms ...grant.Permission) grant.Grant {
	return grant.Grant{
		Namespace: "team", Name: name, Connection: "minio", Bucket: bucket, Prefix: prefix,
		Subjects: []grant.Subject{{Kind: grant.User, Name: "alice"}}, Permissions: grant.NewPermissions(perms...),
	}
}

type probe struct {
	t  *testing.T
	s3 *s3.Client
}

func (p probe) put(key string) error {
	_, err := p.s3.PutObject(p.t.Context(), &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String(key), Body: strings.NewReader("x")})
	return err
}

func (p probe) list(prefix string) error {
	_, err := p.s3.ListObjectsV2(p.t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("data"), Prefix: aws.String(prefix), Delimiter: aws.String("/")})
	return err
}

func (p probe) allowed(what string, err error) {
	p.t.Helper()
	if err != nil {
		p.t.Errorf("%s: %v, want allowed", what, err)
	}
}

func (p probe) denied(what string, err error) {
	p.t.Helper()
	var e interface{ ErrorCode() string }
	if !errors.As(err, &e) || e.ErrorCode() != "AccessDenied" {
		p.t.Errorf("%s: %v, want AccessDenied", what, err)
	}
}

func TestPolicyStoreAgainstMinIO(t *testing.T) {
	srv := minioserver.Start(t)
	srv.CreateBucket(t, "data")
	const appUser, appSecret = "s3am-app", "s3am-app-secret-0123456789"
	srv.MC(t, "admin", "user", "add", minioserver.MCAlias, appUser, appSecret)
	store := adminClient(t, srv, srv.RootAccessKey, srv.RootSecretKey)
	ctx := t.Context()
	app := probe{t, srv.S3Client(t, credentials.NewStaticCredentialsProvider(appUser, appSecret, ""))}

	teamA := generated(t, prefixGrant("a", "data", "team-a/in/", grant.Read, grant.Write, grant.List))
	teamB := generated(t, prefixGrant("b", "data", "team-b/", grant.Write))

	t.Run("put then get reads back an equivalent document", func(t *testing.T) {
		if err := store.Put(ctx, "s3am-minio-1", teamA); err != nil {
			t.Fatal(err)
		}
		got, err := store.Get(ctx, "s3am-minio-1")
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := policy.Equivalent(teamA, got); !ok || err != nil {
			t.Fatalf("Get() = %s\nwant equivalent to %s (%v)", got, teamA, err)
		}
		// MinIO re-encodes from its model, listing actions in Go map order,
		// so bytes match only by chance: drift is detected with Equivalent.
		t.Logf("byte-equal this time: %v", string(got) == string(teamA))
	})

	t.Run("attached policy allows inside and denies outside", func(t *testing.T) {
		app.denied("put before attach", app.put("team-a/in/x.csv"))
		if err := store.Attach(ctx, appUser, "s3am-minio-1"); err != nil {
			t.Fatal(err)
		}
		if got, err := store.Attached(ctx, appUser); err != nil || !slices.Equal(got, []string{"s3am-minio-1"}) {
			t.Fatalf("Attached() = %v, %v", got, err)
		}
		app.allowed("put inside", app.put("team-a/in/x.csv"))
		app.allowed("list inside", app.list("team-a/in/"))
		app.allowed("list a parent folder", app.list("team-a/"))
		app.denied("put in a sibling", app.put("team-a/out/x.csv"))
		app.denied("put beside the prefix", app.put("team-a/in.csv"))
		app.denied("put in team-b", app.put("team-b/x.csv"))
		app.denied("list team-b", app.list("team-b/"))
	})

	t.Run("several policies attach together and add up", func(t *testing.T) {
		if err := store.Put(ctx, "s3am-minio-2", teamB); err != nil {
			t.Fatal(err)
		}
		if err := store.Attach(ctx, appUser, "s3am-minio-1", "s3am-minio-2"); err != nil {
			t.Fatal(err)
		}
		if got, err := store.Attached(ctx, appUser); err != nil || !slices.Equal(got, []string{"s3am-minio-1", "s3am-minio-2"}) {
			t.Fatalf("Attached() = %v, %v; want both, once each", got, err)
		}
		app.allowed("put in team-b", app.put("team-b/x.csv"))
		app.allowed("put in team-a", app.put("team-a/in/y.csv"))
	})

	t.Run("a hand edit under the same name is detected", func(t *testing.T) {
		edited := filepath.Join(t.TempDir(), "edited.json")
		widened := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::data/*"]}]}`
		if err := os.WriteFile(edited, []byte(widened), 0o600); err != nil {
			t.Fatal(err)
		}
		srv.MC(t, "admin", "policy", "create", minioserver.MCAlias, "s3am-minio-1", edited)
		got, err := store.Get(ctx, "s3am-minio-1")
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := policy.Equivalent(teamA, got); ok || err != nil {
			t.Fatalf("Equivalent(generated, hand-edited) = %v, %v; want false", ok, err)
		}
		app.allowed("the widened policy is live", app.put("elsewhere/x.csv"))
		if err := store.Put(ctx, "s3am-minio-1", teamA); err != nil {
			t.Fatal(err)
		}
		app.denied("repaired by Put", app.put("elsewhere/y.csv"))
	})

	t.Run("an attached policy cannot be deleted; detached it can", func(t *testing.T) {
		if err := store.Delete(ctx, "s3am-minio-2"); !errors.Is(err, minio.ErrPolicyInUse) {
			t.Fatalf("Delete(attached) = %v, want ErrPolicyInUse", err)
		}
		if err := store.Detach(ctx, appUser, "s3am-minio-2", "never-attached"); err != nil {
			t.Fatal(err)
		}
		if got, err := store.Attached(ctx, appUser); err != nil || !slices.Equal(got, []string{"s3am-minio-1"}) {
			t.Fatalf("Attached() = %v, %v; want the other policy kept", got, err)
		}
		app.denied("put in team-b after detach", app.put("team-b/y.csv"))
		if err := store.Delete(ctx, "s3am-minio-2"); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Get(ctx, "s3am-minio-2"); !errors.Is(err, minio.ErrNoSuchPolicy) {
			t.Fatalf("Get(deleted) = %v, want ErrNoSuchPolicy", err)
		}
		if err := store.Delete(ctx, "s3am-minio-2"); err != nil {
			t.Fatalf("Delete(deleted) = %v, want success", err)
		}
	})

	t.Run("detaching the last policy leaves none", func(t *testing.T) {
		if err := store.Detach(ctx, appUser, "s3am-minio-1"); err != nil {
			t.Fatal(err)
		}
		if got, err := store.Attached(ctx, appUser); err != nil || len(got) != 0 {
			t.Fatalf("Attached() = %v, %v; want none", got, err)
		}
		app.denied("put after detaching everything", app.put("team-a/in/z.csv"))
	})

	t.Run("policies attached by others are kept", func(t *testing.T) {
		srv.MC(t, "admin", "policy", "attach", minioserver.MCAlias, "readonly", "--user", appUser)
		if err := store.Attach(ctx, appUser, "s3am-minio-1"); err != nil {
			t.Fatal(err)
		}
		if got, _ := store.Attached(ctx, appUser); !slices.Equal(got, []string{"readonly", "s3am-minio-1"}) {
			t.Fatalf("Attached() = %v, want readonly kept", got)
		}
		if err := store.Detach(ctx, appUser, "s3am-minio-1"); err != nil {
			t.Fatal(err)
		}
		if got, _ := store.Attached(ctx, appUser); !slices.Equal(got, []string{"readonly"}) {
			t.Fatalf("Attached() = %v, want only readonly", got)
		}
	})

	t.Run("typed errors", func(t *testing.T) {
		if err := store.Attach(ctx, "no-such-user", "s3am-minio-1"); !errors.Is(err, minio.ErrNoSuchUser) {
			t.Errorf("Attach(missing user) = %v, want ErrNoSuchUser", err)
		}
		if err := store.Attach(ctx, appUser, "no-such-policy"); !errors.Is(err, minio.ErrNoSuchPolicy) {
			t.Errorf("Attach(missing policy) = %v, want ErrNoSuchPolicy", err)
		}
		var apiErr *minio.APIError
		err := store.Put(ctx, "bad", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Perhaps","Action":"s3:GetObject","Resource":"*"}]}`))
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Code == "" {
			t.Errorf("Put(malformed) = %v, want an HTTP 400 API error", err)
		}
		err = store.Put(ctx, "kms", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:123456789012:key/k"}]}`))
		if !errors.As(err, &apiErr) || apiErr.Code != "XMinioMalformedIAMPolicy" {
			t.Errorf("Put(KMS statement) = %v, want XMinioMalformedIAMPolicy: MinIO refuses non-S3 resources", err)
		}
	})

	t.Run("non-admin and wrong keys are refused without key material", func(t *testing.T) {
		notAdmin := adminClient(t, srv, appUser, appSecret)
		if _, err := notAdmin.Get(ctx, "s3am-minio-1"); !isCode(err, "AccessDenied") {
			t.Errorf("Get as a non-admin = %v, want AccessDenied", err)
		}
		wrong := adminClient(t, srv, srv.RootAccessKey, "wrong-secret-0123456789")
		_, err := wrong.Get(ctx, "s3am-minio-1")
		if !isCode(err, "SignatureDoesNotMatch") {
			t.Errorf("Get with a wrong secret = %v, want SignatureDoesNotMatch", err)
		}
		for _, s := range []string{srv.RootAccessKey, srv.RootSecretKey, "wrong-secret-0123456789"} {
			if err != nil && strings.Contains(err.Error(), s) {
				t.Errorf("error %q contains key material", err)
			}
		}
	})

	t.Run("session credentials sign admin calls too", func(t *testing.T) {
		creds, err := srv.AssumeRole(ctx, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		c, err := minio.New(aws.Config{BaseEndpoint: aws.String(srv.Endpoint), Region: srv.Region, Credentials: minioserver.StaticCredentials(creds)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Get(ctx, "s3am-minio-1"); err != nil {
			t.Fatalf("Get with session credentials: %v", err)
		}
	})
}

func isCode(err error, code string) bool {
	var e *minio.APIError
	return errors.As(err, &e) && e.Code == code
}
