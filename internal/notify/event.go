package notify

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// SignatureHeader carries the body's HMAC-SHA256 signature.
const SignatureHeader = "X-S3am-Signature"

// ContentType is the CloudEvents structured-mode JSON media type.
const ContentType = "application/cloudevents+json"

// TypeUploadCompleted is the CloudEvents type of a completed upload through
// an upload-request link.
const TypeUploadCompleted = "io.s3am.link.upload.completed"

// Event is a CloudEvent 1.0 in structured JSON mode.
type Event struct {
	SpecVersion     string     `json:"specversion"`
	Type            string     `json:"type"`
	Source          string     `json:"source"`
	ID              string     `json:"id"`
	Time            time.Time  `json:"time"`
	Subject         string     `json:"subject,omitempty"`
	DataContentType string     `json:"datacontenttype"`
	Data            UploadData `json:"data"`
}

// UploadData describes the uploaded object.
type UploadData struct {
	// Link is the AccessLink as "namespace/name"; Creator its creator.
	Link        string `json:"link"`
	Creator     string `json:"creator"`
	Connection  string `json:"connection"`
	Bucket      string `json:"bucket"`
	Key         string `json:"key"`
	Size        int64  `json:"size"`
	ETag        string `json:"etag"`
	ContentType string `json:"contentType"`
}

// NewUploadEvent returns the event for an upload through link ("ns/name").
func NewUploadEvent(d UploadData, now time.Time) Event {
	id := make([]byte, 16)
	_, _ = rand.Read(id) // never fails (crypto/rand panics rather than erring)
	return Event{
		SpecVersion: "1.0", Type: TypeUploadCompleted,
		Source: "/s3am/accesslinks/" + d.Link, ID: hex.EncodeToString(id), Time: now.UTC(),
		Subject: d.Bucket + "/" + d.Key, DataContentType: "application/json", Data: d,
	}
}

// Sign returns the SignatureHeader value of body under secret.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a SignatureHeader value, in constant time.
func Verify(secret, body []byte, header string) error {
	if !hmac.Equal([]byte(Sign(secret, body)), []byte(header)) {
		return fmt.Errorf("notify: signature does not match the body")
	}
	return nil
}
