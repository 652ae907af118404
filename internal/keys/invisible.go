package keys

// invisible reports the format and separator characters that render as
// nothing, or reorder the text around them, so that a key would show a
// partner a different name from the one stored: bidirectional controls
// (U+202E turns "invoice‮fdp.exe" into "invoiceexe.pdf"), zero-width spaces
// and joiners between words, line and paragraph separators, and the byte
// order mark. The zero-width (non-)joiners U+200C and U+200D stay allowed:
// Persian, Indic scripts and emoji sequences need them.
//
// The CEL rule on PrefixGrant's prefix (api/v1alpha1/names.go) lists the
// same ranges; test/validation checks the two agree.
func invisible(r rune) bool {
	switch {
	case r < 0x061c:
		return false
	case r == 0x061c, // ARABIC LETTER MARK
		r == 0x200b,              // ZERO WIDTH SPACE
		r == 0x200e, r == 0x200f, // LEFT-TO-RIGHT and RIGHT-TO-LEFT MARK
		r >= 0x2028 && r <= 0x202e, // LINE and PARAGRAPH SEPARATOR, embeddings and overrides
		r >= 0x2060 && r <= 0x2064, // WORD JOINER and invisible operators
		r >= 0x2066 && r <= 0x2069, // isolates
		r == 0xfeff:                // ZERO WIDTH NO-BREAK SPACE (byte order mark)
		return true
	}
	return false
}
