package server

// The body of a presigned upload is decoded by hand when it is a JSON object
// in the plain form clients send: the fields of UploadRequest by their exact
// names, strings without escapes or control characters, the size as a plain
// integer. encoding/json's reflection (with DisallowUnknownFields) cost more
// CPU per request than the rest of reading it. Anything else — other
// names, escapes, null, nesting, fractions, trailing data — is left to
// encoding/json, which then decodes it or answers its error exactly as
// before; TestDecodeUploadFastAgreesWithEncodingJSON holds the two to the
// same result.

// decodeUploadFast decodes body into dst and reports true, or reports false
// and leaves dst untouched. body is valid UTF-8 (bind checked it).
func decodeUploadFast(body []byte, dst *UploadRequest) bool {
	var r UploadRequest
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return false
	}
	i = skipSpace(body, i+1)
	if i < len(body) && body[i] == '}' {
		return skipSpace(body, i+1) == len(body) && assign(dst, &r)
	}
	for {
		name, next, ok := plainString(body, i)
		if !ok {
			return false
		}
		i = skipSpace(body, next)
		if i >= len(body) || body[i] != ':' {
			return false
		}
		i = skipSpace(body, i+1)
		// A switch on string(bytes) compares without allocating.
		switch string(name) {
		case "connection", "bucket", "key", "contentType":
			v, next, ok := plainString(body, i)
			if !ok {
				return false
			}
			switch string(name) {
			case "connection":
				r.Connection = string(v)
			case "bucket":
				r.Bucket = string(v)
			case "key":
				r.Key = string(v)
			default:
				r.ContentType = string(v)
			}
			i = next
		case "size":
			n, next, ok := plainInt(body, i)
			if !ok {
				return false
			}
			r.Size, i = n, next
		default:
			return false
		}
		i = skipSpace(body, i)
		if i >= len(body) {
			return false
		}
		switch body[i] {
		case ',':
			i = skipSpace(body, i+1)
			continue
		case '}':
			return skipSpace(body, i+1) == len(body) && assign(dst, &r)
		}
		return false
	}
}

func assign(dst, r *UploadRequest) bool {
	*dst = *r
	return true
}

// skipSpace returns the index of the first byte from i on that is not JSON
// whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// plainString reads the JSON string at i if it has neither escapes nor
// control characters (then its content is its bytes) and returns its
// content and the index after it.
func plainString(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return b[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20:
			return nil, 0, false
		}
	}
	return nil, 0, false
}

// plainInt reads the JSON number at i if it is an integer of at most 18
// digits (so it fits an int64) and returns it and the index after it.
func plainInt(b []byte, i int) (int64, int, bool) {
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	start := i
	var n int64
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		n = n*10 + int64(b[i]-'0')
		i++
	}
	digits := i - start
	if digits == 0 || digits > 18 || (digits > 1 && b[start] == '0') {
		return 0, 0, false
	}
	if i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return 0, 0, false
	}
	if neg {
		n = -n
	}
	return n, i, true
}
