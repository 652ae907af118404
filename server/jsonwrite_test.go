package server

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/objects"
)

// TestUploadResponseJSONMatchesEncodingJSON: the hand-written answer of a
// presigned upload is byte for byte what c.JSON (json.Encoder.Encode, HTML
// escaping on) writes.
func TestUploadResponseJSONMatchesEncodingJSON(t *testing.T) {
	var every strings.Builder
	for c := range 256 {
		every.WriteByte(byte(c))
	}
	texts := []string{
		"", "partner-data", "partner-a/uploads/2024/report.pdf", every.String(),
		"<script>&amp;</script>", "quote\" backslash\\ tab\t nl\n cr\r bs\b ff\f", "\u2028\u2029 \x7f é 日本 \U0001F600",
		"bad \xff\xfe utf-8 \xc3", "http://127.0.0.1:9000/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F1&x-id=PutObject",
	}
	var responses []UploadResponse
	for _, s := range texts {
		responses = append(responses,
			UploadResponse{Bucket: s, Key: s, Created: true},
			UploadResponse{Bucket: "b", Key: s, Upload: &objects.PresignedRequest{URL: s, Method: "PUT", ExpiresAt: time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)}},
			UploadResponse{Bucket: s, Key: "k", Upload: &objects.PresignedRequest{URL: "u", Method: s,
				Headers:   map[string]string{"Content-Type": s, "If-None-Match": "*", "X-Amz-Server-Side-Encryption": "aws:kms", s: "v", "A" + s: s},
				ExpiresAt: time.Date(2026, 12, 6, 14, 0, 0, 123456789, time.FixedZone("", 5*3600+1800))}},
		)
	}
	responses = append(responses,
		UploadResponse{},
		UploadResponse{Upload: &objects.PresignedRequest{Headers: map[string]string{}}},
		UploadResponse{Upload: &objects.PresignedRequest{ExpiresAt: time.Now()}},
		UploadResponse{Upload: &objects.PresignedRequest{ExpiresAt: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)}},
	)
	for _, r := range responses {
		want, err := json.Marshal(&r)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, '\n')
		got, ok := appendUploadResponse(nil, &r)
		if !ok || string(got) != string(want) {
			t.Errorf("appendUploadResponse(%+v) = %q, %v\nencoding/json:        %q", r, got, ok, want)
		}
	}
	// encoding/json refuses years past 9999; so does the hand encoder,
	// leaving the answer (an error) to c.JSON.
	far := UploadResponse{Upload: &objects.PresignedRequest{ExpiresAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}
	if _, ok := appendUploadResponse(nil, &far); ok {
		t.Error("appendUploadResponse encoded year 10000, which encoding/json refuses")
	}
}
