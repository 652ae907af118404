package jsonstr

import (
	"bytes"
	"encoding/json"
	"testing"
)

var corpus = []string{
	"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "\x00\x01\x1f\x7f",
	"\b\f\n\r\t", "line\u2028sep\u2029para", "bad \xff\xfe utf8 \xc3", "é日本語🙂", "\xe2\x80",
}

func encodingJSON(t testing.TB, s string, escapeHTML bool) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func check(t testing.TB, s string) {
	for _, html := range []bool{false, true} {
		if got, want := Append(nil, s, html), encodingJSON(t, s, html); !bytes.Equal(got, want) {
			t.Fatalf("Append(%q, html=%v) = %s, encoding/json writes %s", s, html, got, want)
		}
	}
}

func TestAppendMatchesEncodingJSON(t *testing.T) {
	for _, s := range corpus {
		check(t, s)
	}
	for c := 0; c < 256; c++ {
		check(t, string([]byte{'a', byte(c), 'z'}))
	}
}

func FuzzAppendMatchesEncodingJSON(f *testing.F) {
	for _, s := range corpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { check(t, s) })
}
