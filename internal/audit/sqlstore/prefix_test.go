package sqlstore

import "testing"

func TestPrefixEnd(t *testing.T) {
	cases := map[string]string{"a/": "a0", "a": "b", "a\xff": "b", "é": "\xc3\xaa"}
	for in, want := range cases {
		for _, valid := range []bool{false, true} {
			if got, ok := PrefixEnd(in, valid); !ok || got != want {
				t.Errorf("PrefixEnd(%q, %v) = %q, %v", in, valid, got, ok)
			}
		}
	}
	if _, ok := PrefixEnd("\xff\xff", false); ok {
		t.Error("PrefixEnd of 0xFF 0xFF")
	}
	// Ends that are not valid UTF-8 are fine byte-wise (SQLite), not in
	// PostgreSQL text.
	for in, want := range map[string]string{"\xff\xff": "", "a\x7f": "a\x80", "\u07ff": "\xdf\xc0"} {
		if got, ok := PrefixEnd(in, false); (want != "") != ok || got != want {
			t.Errorf("PrefixEnd(%q, false) = %q, %v", in, got, ok)
		}
		if end, ok := PrefixEnd(in, true); ok {
			t.Errorf("PrefixEnd(%q, true) = %q, which PostgreSQL text cannot hold", in, end)
		}
	}
}
