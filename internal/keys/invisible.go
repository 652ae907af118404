package keys

import "unicode"

// invisible reports the characters that render as nothing, or reorder or
// hide the text around them, so that a key would show a partner a different
// name from the one stored: every Unicode format character (category Cf:
// bidirectional controls — U+202E turns "invoice‮fdp.exe" into
// "invoiceexe.pdf" —, zero-width spaces, the soft hyphen U+00AD, the
// Mongolian vowel separator U+180E, the byte order mark, interlinear
// annotation controls U+FFF9–U+FFFB, the tag characters that can smuggle
// hidden text), the whole tags block U+E0000–U+E007F, and the line and
// paragraph separators U+2028 and U+2029. The zero-width (non-)joiners U+200C
// and U+200D stay allowed: Persian, Indic scripts and emoji sequences need
// them.
//
// The CEL rule on KeyPrefix (api/v1alpha1/names.go) enumerates the same
// characters, since CEL has no Unicode categories;
// webhook's TestInvisibleRuleAgreesWithGo checks every code point.
func invisible(r rune) bool {
	switch {
	case r < 0xad:
		return false
	case r == 0x200c, r == 0x200d: // ZERO WIDTH NON-JOINER and JOINER
		return false
	case r == 0x2028, r == 0x2029: // LINE and PARAGRAPH SEPARATOR (Zl, Zp)
		return true
	case r >= 0xe0000 && r <= 0xe007f: // tags, assigned or not
		return true
	}
	return unicode.Is(unicode.Cf, r)
}
