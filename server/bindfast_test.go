package server

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// decodeUploadJSON decodes body as bind does with encoding/json.
func decodeUploadJSON(body []byte) (UploadRequest, bool) {
	var r UploadRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil || dec.More() {
		return r, false
	}
	return r, true
}

// TestDecodeUploadFastAgreesWithEncodingJSON: whatever the hand decoder
// accepts, encoding/json accepts too, with the same result; what it leaves
// to encoding/json is decoded or refused there as before. The plain bodies
// clients send take the fast path.
func TestDecodeUploadFastAgreesWithEncodingJSON(t *testing.T) {
	plain := []string{
		`{"connection":"partner-data-prod","bucket":"partner-data","key":"partner-a/uploads/load/1.bin","contentType":"application/pdf","size":1048576}`,
		` { "size" : 0 , "key" : "k" } `,
		"{\n\t\"key\":\"ü/日本/\u2028\",\r\n\"size\":-5}\n",
		`{}`,
		`{"key":"a","key":"b"}`,
		`{"size":999999999999999999}`,
		`{"size":-0}`,
	}
	others := []string{
		``, ` `, `null`, `[]`, `"x"`, `{`, `}`, `{"key"}`, `{"key":}`, `{"key":"a",}`, `{,}`,
		`{"Key":"a"}`, `{"KEY":"a"}`, `{"other":1}`, `{"key":null}`, `{"size":null}`, `{"size":"1"}`, `{"key":1}`,
		`{"key":"a\"b"}`, `{"key":"a\u0041"}`, `{"key":"a\nb"}`, "{\"key\":\"a\x01\"}", `{"size":1.0}`, `{"size":1e3}`,
		`{"size":01}`, `{"size":-}`, `{"size":+1}`, `{"size":9999999999999999999}`, `{"size":1000000000000000000}`,
		`{"key":"a"} {}`, `{"key":"a"}x`, `{"key":"a"}}`, `{"key":{"a":1}}`, `{"key":["a"]}`, `{"key":true}`,
		`{"connection":"c","connection":"d"}`, `{"key":"a" "bucket":"b"}`, `{"key" "a"}`, `{"size":12 3}`,
	}
	check := func(body []byte) bool {
		t.Helper()
		var got UploadRequest
		fast := decodeUploadFast(body, &got)
		want, ok := decodeUploadJSON(body)
		if fast && (!ok || got != want) {
			t.Errorf("%q: hand decoder %+v, encoding/json %+v (ok %v)", body, got, want, ok)
		}
		if !fast && got != (UploadRequest{}) {
			t.Errorf("%q: the hand decoder declined but wrote %+v", body, got)
		}
		return fast
	}
	for _, s := range plain {
		if !check([]byte(s)) {
			t.Errorf("%q: a plain body left to encoding/json", s)
		}
	}
	for _, s := range others {
		check([]byte(s))
	}
	// Mutations of plain bodies: bytes replaced, inserted and deleted.
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte(" \t\n{}[]:,\"\\-+.0123456789eEnulsizekyKtrf\x01é")
	for range 50000 {
		b := []byte(plain[rng.IntN(len(plain))])
		for range 1 + rng.IntN(3) {
			p := rng.IntN(len(b) + 1)
			c := alphabet[rng.IntN(len(alphabet))]
			switch rng.IntN(3) {
			case 0:
				if p < len(b) {
					b[p] = c
				}
			case 1:
				b = append(b[:p], append([]byte{c}, b[p:]...)...)
			default:
				if p < len(b) {
					b = append(b[:p], b[p+1:]...)
				}
			}
		}
		if utf8.Valid(b) {
			check(b)
		}
	}
}
