package objects_test

import (
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/objects"
)

func TestPresignedRequestPrintsRedacted(t *testing.T) {
	r := objects.PresignedRequest{Method: "GET", URL: "http://h/b/k?X-Amz-Signature=deadbeef&X-Amz-Credential=id%2Fscope"}
	if s := r.String(); strings.Contains(s, "deadbeef") || strings.Contains(s, "id%2Fscope") {
		t.Errorf("String() = %q", s)
	}
	if s := r.LogValue().String(); strings.Contains(s, "deadbeef") {
		t.Errorf("LogValue() = %q", s)
	}
}
