package aws_test

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	awsprovider "github.com/s3am/s3-access-manager/internal/providers/aws"
)

func TestDecodePolicyDocument(t *testing.T) {
	cases := map[string]string{
		// As IAM returns a document: every byte but RFC 3986's unreserved
		// ones percent-encoded, spaces and newlines included.
		"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Adata%2Fa%20b%2B%2A%22%7D%5D%7D": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/a b+*"}]}`,
		"%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%0A%7D": "{\n  \"Version\": \"2012-10-17\"\n}",
		// A literal "+" is a "+", not a space (RFC 3986, and botocore's unquote).
		"a+b": "a+b",
	}
	for in, want := range cases {
		got, err := awsprovider.DecodePolicyDocument(in)
		if err != nil || string(got) != want {
			t.Errorf("DecodePolicyDocument(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := awsprovider.DecodePolicyDocument("%ZZ"); err == nil {
		t.Error("DecodePolicyDocument(%ZZ) succeeded, want an error")
	}
}

// fakeIAM answers the IAM query API (form-encoded POSTs, XML answers) for
// inline role policies and records every request. Real AWS IAM cannot be
// reached from tests, so this local server stands in for it; the exchange is
// real HTTP with the real SDK client, signer, serializer and XML parser.
type fakeIAM struct {
	mu       sync.Mutex
	policies map[string]map[string]string // role -> name -> document
	requests []url.Values
	auth     []string
	pageSize int
}

func newFakeIAM(t *testing.T) (*fakeIAM, *awsprovider.IAMRolePolicies) {
	f := &fakeIAM{policies: map[string]map[string]string{"app": {}}, pageSize: 2}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := awssdk.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}
	return f, awsprovider.NewRolePolicies(cfg, func(o *iam.Options) {
		o.BaseEndpoint = awssdk.String(srv.URL)
		o.RetryMaxAttempts = 1
	})
}

func (f *fakeIAM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.PostForm)
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	action, role, name := r.PostForm.Get("Action"), r.PostForm.Get("RoleName"), r.PostForm.Get("PolicyName")
	policies, roleExists := f.policies[role]
	if !roleExists {
		writeIAMError(w, "NoSuchEntity", fmt.Sprintf("The role with name %s cannot be found.", role))
		return
	}
	switch action {
	case "PutRolePolicy":
		policies[name] = r.PostForm.Get("PolicyDocument")
		writeIAM(w, action, "")
	case "GetRolePolicy":
		doc, ok := policies[name]
		if !ok {
			writeIAMError(w, "NoSuchEntity", fmt.Sprintf("The role policy with name %s cannot be found.", name))
			return
		}
		writeIAM(w, action, fmt.Sprintf("<RoleName>%s</RoleName><PolicyName>%s</PolicyName><PolicyDocument>%s</PolicyDocument>",
			role, name, rfc3986Encode(doc)))
	case "DeleteRolePolicy":
		if _, ok := policies[name]; !ok {
			writeIAMError(w, "NoSuchEntity", fmt.Sprintf("The role policy with name %s cannot be found.", name))
			return
		}
		delete(policies, name)
		writeIAM(w, action, "")
	case "ListRolePolicies":
		var names []string
		for n := range policies {
			names = append(names, n)
		}
		slices.Sort(names)
		start := 0
		if m := r.PostForm.Get("Marker"); m != "" {
			start = slices.Index(names, m)
		}
		end := min(start+f.pageSize, len(names))
		var b strings.Builder
		b.WriteString("<PolicyNames>")
		for _, n := range names[start:end] {
			fmt.Fprintf(&b, "<member>%s</member>", n)
		}
		b.WriteString("</PolicyNames>")
		if end < len(names) {
			fmt.Fprintf(&b, "<IsTruncated>true</IsTruncated><Marker>%s</Marker>", names[end])
		} else {
			b.WriteString("<IsTruncated>false</IsTruncated>")
		}
		writeIAM(w, action, b.String())
	default:
		writeIAMError(w, "InvalidAction", "unknown action "+action)
	}
}

func writeIAM(w http.ResponseWriter, action, result string) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<%[1]sResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><%[1]sResult>%[2]s</%[1]sResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></%[1]sResponse>`, action, result)
}

func writeIAMError(w http.ResponseWriter, code, message string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusNotFound)
	var msg strings.Builder
	_ = xml.EscapeText(&msg, []byte(message))
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>req-2</RequestId></ErrorResponse>`, code, msg.String())
}

// rfc3986Encode percent-encodes every byte but the unreserved ones, which is
// how IAM returns policy documents.
func rfc3986Encode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func TestRolePoliciesOverTheIAMQueryAPI(t *testing.T) {
	f, roles := newFakeIAM(t)
	ctx := t.Context()
	doc := []byte(`{"Version":"2012-10-17","Statement":[{"Sid":"ReadWrite","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/team a+b/50%/*"}]}`)

	if err := roles.Put(ctx, "app", "s3am-conn-1", doc); err != nil {
		t.Fatal(err)
	}
	req := f.requests[len(f.requests)-1]
	want := url.Values{
		"Action": {"PutRolePolicy"}, "Version": {"2010-05-08"},
		"RoleName": {"app"}, "PolicyName": {"s3am-conn-1"}, "PolicyDocument": {string(doc)},
	}
	for k, v := range want {
		if !slices.Equal(req[k], v) {
			t.Errorf("PutRolePolicy form %s = %q, want %q", k, req[k], v)
		}
	}
	if a := f.auth[len(f.auth)-1]; !strings.Contains(a, "Credential=AKIDEXAMPLE/") || !strings.Contains(a, "/iam/aws4_request") {
		t.Errorf("Authorization = %q, want SigV4 for service iam", a)
	}

	got, err := roles.Get(ctx, "app", "s3am-conn-1")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(doc) {
		t.Fatalf("Get() = %s, want the document put, decoded: %s", got, doc)
	}

	for _, n := range []string{"s3am-conn-2", "s3am-conn-3", "other"} {
		if err := roles.Put(ctx, "app", n, doc); err != nil {
			t.Fatal(err)
		}
	}
	names, err := roles.List(ctx, "app")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"other", "s3am-conn-1", "s3am-conn-2", "s3am-conn-3"}; !slices.Equal(names, want) {
		t.Fatalf("List() = %v, want %v over two pages", names, want)
	}

	if err := roles.Delete(ctx, "app", "s3am-conn-2"); err != nil {
		t.Fatal(err)
	}
	if err := roles.Delete(ctx, "app", "s3am-conn-2"); err != nil {
		t.Fatalf("Delete(already deleted) = %v, want success", err)
	}
	if _, err := roles.Get(ctx, "app", "s3am-conn-2"); !errors.Is(err, awsprovider.ErrNotFound) {
		t.Fatalf("Get(deleted) = %v, want ErrNotFound", err)
	}
	if _, err := roles.List(ctx, "no-such-role"); !errors.Is(err, awsprovider.ErrNotFound) {
		t.Fatalf("List(missing role) = %v, want ErrNotFound", err)
	}
	var apiErr interface{ ErrorCode() string }
	if _, err := roles.Get(ctx, "app", "s3am-conn-2"); !errors.As(err, &apiErr) || apiErr.ErrorCode() != "NoSuchEntity" {
		t.Fatalf("Get(deleted) = %v, want the SDK's NoSuchEntity kept in the chain", err)
	}
	if err := roles.Put(ctx, "app", "empty", nil); err == nil {
		t.Fatal("Put(empty document) succeeded")
	}
}
