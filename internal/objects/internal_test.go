package objects

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/s3am/s3-access-manager/internal/grant"
)

func TestCheckCompletion(t *testing.T) {
	listed := []Part{
		{Number: 1, Size: MinPartSize, ETag: "e1"},
		{Number: 2, Size: MinPartSize - 1, ETag: "e2"},
		{Number: 3, Size: 10, ETag: "e3"},
		{Number: 4, Size: MaxPartSize + 1, ETag: "e4"},
		{Number: 5, Size: MinPartSize, ETag: "e5"},
	}
	for _, tc := range []struct {
		name  string
		parts []CompletedPart
		limit int64
		kind  Kind
		total int64
	}{
		{"one part of any size", []CompletedPart{{3, "e3"}}, 0, "", 10},
		{"quoted ETags", []CompletedPart{{1, `"e1"`}, {3, `"e3"`}}, 0, "", MinPartSize + 10},
		{"gaps are allowed", []CompletedPart{{1, "e1"}, {5, "e5"}}, 0, "", 2 * MinPartSize},
		{"none", nil, 0, KindInvalidPart, 0},
		{"small middle part", []CompletedPart{{1, "e1"}, {2, "e2"}, {3, "e3"}}, 0, KindEntityTooSmall, 0},
		{"small last part is fine", []CompletedPart{{1, "e1"}, {2, "e2"}}, 0, "", 2*MinPartSize - 1},
		{"part too large", []CompletedPart{{4, "e4"}}, 0, KindEntityTooLarge, 0},
		{"over the grant", []CompletedPart{{1, "e1"}, {3, "e3"}}, MinPartSize, KindEntityTooLarge, 0},
		{"wrong ETag", []CompletedPart{{1, "e2"}}, 0, KindInvalidPart, 0},
		{"not uploaded", []CompletedPart{{1, "e1"}, {6, "e6"}}, 0, KindInvalidPart, 0},
		{"descending", []CompletedPart{{5, "e5"}, {1, "e1"}}, 0, KindInvalidPart, 0},
		{"duplicate", []CompletedPart{{1, "e1"}, {1, "e1"}}, 0, KindInvalidPart, 0},
		{"number zero", []CompletedPart{{0, "e1"}}, 0, KindInvalidPart, 0},
		{"number too high", []CompletedPart{{MaxParts + 1, "e1"}}, 0, KindInvalidPart, 0},
	} {
		total, err := checkCompletion("Complete", listed, tc.parts, tc.limit)
		switch {
		case tc.kind == "" && (err != nil || total != tc.total):
			t.Errorf("%s: = %d, %v; want %d", tc.name, total, err, tc.total)
		case tc.kind != "" && (err == nil || err.Kind != tc.kind):
			t.Errorf("%s: error = %v, want %s", tc.name, err, tc.kind)
		}
	}
}

func TestValidatePartsToSign(t *testing.T) {
	many := make([]PartToSign, MaxPartURLsPerCall+1)
	for i := range many {
		many[i].Number, many[i].Size = int32(i+1), 1
	}
	for _, tc := range []struct {
		name  string
		parts []PartToSign
		limit int64
		kind  Kind
	}{
		{"first and last numbers", []PartToSign{{Number: 1, Size: 1}, {Number: MaxParts, Size: MaxPartSize}}, 0, ""},
		{"a full batch", many[:MaxPartURLsPerCall], 0, ""},
		{"none", nil, 0, KindInvalidArgument},
		{"too many", many, 0, KindInvalidArgument},
		{"zero", []PartToSign{{Number: 0}}, 0, KindInvalidArgument},
		{"beyond", []PartToSign{{Number: MaxParts + 1}}, 0, KindInvalidArgument},
		{"twice", []PartToSign{{Number: 3, Size: 1}, {Number: 3, Size: 1}}, 0, KindInvalidArgument},
		{"negative size", []PartToSign{{Number: 3, Size: -1}}, 0, KindInvalidArgument},
		{"oversized", []PartToSign{{Number: 3, Size: MaxPartSize + 1}}, 0, KindEntityTooLarge},
		// A URL without a signed length would take a part of any size.
		{"no size", []PartToSign{{Number: 1}}, 0, KindInvalidArgument},
		{"within the grant", []PartToSign{{Number: 1, Size: MinPartSize}, {Number: 2, Size: 10}}, MinPartSize + 10, ""},
		{"one part over the grant", []PartToSign{{Number: 1, Size: 101}}, 100, KindEntityTooLarge},
		{"a late part over the grant", []PartToSign{{Number: 3, Size: 1}}, 2 * MinPartSize, KindEntityTooLarge},
		{"a batch over the grant", []PartToSign{{Number: 1, Size: MinPartSize}, {Number: 2, Size: 11}}, MinPartSize + 10, KindEntityTooLarge},
	} {
		err := validatePartsToSign("Sign", tc.parts, tc.limit)
		if (tc.kind == "" && err != nil) || (tc.kind != "" && (err == nil || err.Kind != tc.kind)) {
			t.Errorf("%s: error = %v, want kind %q", tc.name, err, tc.kind)
		}
	}
}

func TestPlanParts(t *testing.T) {
	for _, tc := range []struct {
		size, preferred int64
		want            PartPlan
	}{
		{1, 0, PartPlan{PartSize: DefaultPartSize, Parts: 1, LastPartSize: 1}},
		{64 << 20, 0, PartPlan{PartSize: 8 << 20, Parts: 8, LastPartSize: 8 << 20}},
		{11 << 20, 5 << 20, PartPlan{PartSize: 5 << 20, Parts: 3, LastPartSize: 1 << 20}},
		// 100 GiB in 8 MiB parts would be 12,800 parts: parts grow to 11 MiB.
		{100 << 30, 0, PartPlan{PartSize: 11 << 20, Parts: 9310, LastPartSize: 100<<30 - 9309*(11<<20)}},
		{MaxObjectSize, 0, PartPlan{PartSize: 525 << 20, Parts: 9987, LastPartSize: MaxObjectSize - 9986*(525<<20)}},
	} {
		got, err := PlanParts(tc.size, tc.preferred)
		if err != nil || got != tc.want {
			t.Errorf("PlanParts(%d, %d) = %+v, %v; want %+v", tc.size, tc.preferred, got, err, tc.want)
		}
		if err == nil && (got.Parts > MaxParts || got.PartSize > MaxPartSize || got.LastPartSize < 1 || got.LastPartSize > got.PartSize) {
			t.Errorf("PlanParts(%d) = %+v breaks S3's limits", tc.size, got)
		}
	}
	for _, bad := range [][2]int64{{0, 0}, {MaxObjectSize + 1, 0}, {1, MinPartSize - 1}, {1, MaxPartSize + 1}} {
		if _, err := PlanParts(bad[0], bad[1]); err == nil {
			t.Errorf("PlanParts(%d, %d) succeeded", bad[0], bad[1])
		}
	}
}

func TestSubjectKeyAndSessionName(t *testing.T) {
	a := subjectKey(normalize(grant.Principal{User: "u", Groups: []string{"b", "a", "b"}}))
	b := subjectKey(normalize(grant.Principal{User: "u", Groups: []string{"a", "b"}}))
	if a != b {
		t.Errorf("group order or duplicates change the key: %q vs %q", a, b)
	}
	// A user named like a user-plus-group must not collide with it.
	if subjectKey(grant.Principal{User: "u,1:a"}) == subjectKey(grant.Principal{User: "u", Groups: []string{"a"}}) {
		t.Error("keys collide")
	}
	for user, want := range map[string]string{
		"alice@example.com":           "s3am-alice@example.com",
		"system:serviceaccount:ns:sa": "s3am-system_serviceaccount_ns_sa",
		"ünï":                         "s3am-_n_",
		strings.Repeat("x", 100):      "s3am-" + strings.Repeat("x", 59),
	} {
		if got := sessionName(user); got != want || len(got) > 64 {
			t.Errorf("sessionName(%q) = %q, want %q", user, got, want)
		}
	}
}

// s3Error builds the error chain the SDK returns for an S3 API error.
func s3Error(service string, status int, code string) error {
	return &smithy.OperationError{ServiceID: service, OperationName: "Op", Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
			Err:      &smithy.GenericAPIError{Code: code, Message: "echo AKIAIOSFODNN7EXAMPLE in the message"},
		},
		RequestID: "req-1",
	}}
}

func TestFromSDK(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		kind Kind
		code string
	}{
		{"missing key", s3Error("S3", 404, "NoSuchKey"), KindNotFound, "NoSuchKey"},
		{"HEAD 404", s3Error("S3", 404, "NotFound"), KindNotFound, "NotFound"},
		{"denied", s3Error("S3", 403, "AccessDenied"), KindAccessDenied, "AccessDenied"},
		{"bad connection keys", s3Error("S3", 403, "InvalidAccessKeyId"), KindUnavailable, "InvalidAccessKeyId"},
		{"slow down", s3Error("S3", 503, "SlowDown"), KindUnavailable, "SlowDown"},
		{"unknown 5xx", s3Error("S3", 502, "Whatever"), KindUnavailable, "Whatever"},
		{"unknown 4xx", s3Error("S3", 409, "Whatever"), KindInternal, "Whatever"},
		{"no such upload", s3Error("S3", 404, "NoSuchUpload"), KindNoSuchUpload, "NoSuchUpload"},
		{"small part", s3Error("S3", 400, "EntityTooSmall"), KindEntityTooSmall, "EntityTooSmall"},
		{"credentials from STS", &smithy.OperationError{ServiceID: "S3", OperationName: "HeadObject", Err: s3Error("STS", 403, "AccessDenied")}, KindUnavailable, "AccessDenied"},
	} {
		e := fromSDK("Op", tc.err)
		if e.Kind != tc.kind || e.Code != tc.code {
			t.Errorf("%s: %#v, want kind %s code %s", tc.name, e, tc.kind, tc.code)
		}
		if strings.Contains(e.Error(), "AKIA") || e.Unwrap() != nil {
			t.Errorf("%s: %q keeps the server's message", tc.name, e.Error())
		}
		if tc.name == "missing key" && (e.StatusCode != 404 || e.RequestID != "req-1") {
			t.Errorf("%s: status %d request %q", tc.name, e.StatusCode, e.RequestID)
		}
	}

	transport := &url.Error{Op: "Put", URL: "http://h/b/k?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2Fscope", Err: errors.New("connection refused")}
	e := fromSDK("Op", transport)
	if e.Kind != KindUnavailable || strings.Contains(e.Error(), "deadbeef") || strings.Contains(e.Error(), "AKIA") || !strings.Contains(e.Error(), "connection refused") {
		t.Errorf("transport error: %v", e)
	}
	if !errors.Is(e, transport.Err) {
		t.Error("a transport error must stay reachable with errors.Is")
	}
	if KindOf(nil) != "" || KindOf(errors.New("x")) != KindInternal || KindOf(e) != KindUnavailable {
		t.Error("KindOf")
	}
}

func TestExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 700_000_000, time.UTC)
	signedAt := now.Truncate(time.Second)
	if got := expiry(now, 15*time.Minute, aws.Credentials{}); !got.Equal(signedAt.Add(15 * time.Minute)) {
		t.Errorf("static credentials: %v", got)
	}
	late := aws.Credentials{CanExpire: true, Expires: signedAt.Add(5 * time.Minute)}
	if got := expiry(now, 15*time.Minute, late); !got.Equal(late.Expires) {
		t.Errorf("credentials expiring before the TTL: %v, want their expiry", got)
	}
	early := aws.Credentials{CanExpire: true, Expires: signedAt.Add(time.Hour)}
	if got := expiry(now, 15*time.Minute, early); !got.Equal(signedAt.Add(15 * time.Minute)) {
		t.Errorf("long-lived session: %v", got)
	}
}

func TestKindHTTPStatus(t *testing.T) {
	for k, want := range map[Kind]int{
		KindInvalidArgument: 400, KindInvalidPart: 400, KindEntityTooSmall: 400, KindNotFound: 404, KindNoSuchUpload: 404,
		KindAccessDenied: 403, KindEntityTooLarge: 413, KindUnavailable: 503, KindInternal: 500,
	} {
		if got := k.HTTPStatus(); got != want {
			t.Errorf("%s.HTTPStatus() = %d, want %d", k, got, want)
		}
	}
}

func TestSessionLengthEndsWithTheGrants(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	ends := func(d ...time.Duration) []grant.Grant {
		var gs []grant.Grant
		for _, x := range d {
			g := grant.Grant{Name: "g"}
			if x != 0 {
				g.ValidUntil = now.Add(x)
			}
			gs = append(gs, g)
		}
		return gs
	}
	for _, tc := range []struct {
		name   string
		grants []grant.Grant
		want   time.Duration
	}{
		{"no end", ends(0, 0), time.Hour},
		{"an end after the session", ends(0, 3*time.Hour), time.Hour},
		{"the earliest end", ends(50*time.Minute, 40*time.Minute), 41 * time.Minute},
		{"never below the shortest", ends(time.Minute), 31 * time.Minute},
	} {
		if got := sessionLength(tc.grants, now, 31*time.Minute, time.Hour); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
