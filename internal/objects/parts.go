package objects

import (
	"fmt"
)

// validPartNumber reports whether n is a part number S3 accepts.
func validPartNumber(n int32) bool { return n >= 1 && n <= MaxParts }

// validatePartsToSign checks a batch of parts to presign.
func validatePartsToSign(op string, parts []PartToSign, grantLimit int64) *Error {
	if len(parts) == 0 {
		return invalid(op, "no parts to sign")
	}
	if len(parts) > MaxPartURLsPerCall {
		return invalid(op, "%d parts asked at once; ask for at most %d per call", len(parts), MaxPartURLsPerCall)
	}
	seen := make(map[int32]bool, len(parts))
	var total int64
	for _, p := range parts {
		if !validPartNumber(p.Number) {
			return invalid(op, "part number %d is outside 1..%d", p.Number, MaxParts)
		}
		if seen[p.Number] {
			return invalid(op, "part %d is asked twice", p.Number)
		}
		seen[p.Number] = true
		if p.Size < 1 {
			return invalid(op, "part %d: size %d; every part needs its exact size, 1 byte or more, which is signed into its URL", p.Number, p.Size)
		}
		if p.Size > MaxPartSize {
			return tooLarge(op, "part %d: %d bytes exceed the %d-byte part limit", p.Number, p.Size, MaxPartSize)
		}
		// Every part before this one is at least MinPartSize in an upload
		// that can complete, so this is the least the object would be.
		if least := int64(p.Number-1)*MinPartSize + p.Size; grantLimit > 0 && least > grantLimit {
			return tooLarge(op, "part %d of %d bytes makes the object at least %d bytes; the upload limit is %d bytes", p.Number, p.Size, least, grantLimit)
		}
		if total += p.Size; grantLimit > 0 && total > grantLimit {
			return tooLarge(op, "the parts asked for total %d bytes, over the upload limit of %d bytes", total, grantLimit)
		}
	}
	return nil
}

// checkCompletion checks the parts a client wants to complete with against
// the parts S3 lists, and returns the object's size.
func checkCompletion(op string, listed []Part, parts []CompletedPart, grantLimit int64) (int64, *Error) {
	if len(parts) == 0 {
		return 0, partErr(KindInvalidPart, op, "no parts to complete")
	}
	if len(parts) > MaxParts {
		return 0, partErr(KindInvalidPart, op, "%d parts; an upload has at most %d", len(parts), MaxParts)
	}
	// Numbers first, so that a misordered list is reported as such and not
	// as a size problem of whichever part comes first.
	for i, p := range parts {
		if !validPartNumber(p.Number) {
			return 0, partErr(KindInvalidPart, op, "part number %d is outside 1..%d", p.Number, MaxParts)
		}
		if i > 0 && p.Number == parts[i-1].Number {
			return 0, partErr(KindInvalidPart, op, "part %d is listed twice", p.Number)
		}
		if i > 0 && p.Number < parts[i-1].Number {
			return 0, partErr(KindInvalidPart, op, "part %d comes after part %d; list parts in ascending order", p.Number, parts[i-1].Number)
		}
	}
	uploaded := make(map[int32]Part, len(listed))
	for _, p := range listed {
		uploaded[p.Number] = p
	}
	var total int64
	last := len(parts) - 1
	for i, p := range parts {
		u, ok := uploaded[p.Number]
		if !ok {
			return 0, partErr(KindInvalidPart, op, "part %d was not uploaded", p.Number)
		}
		if etag := unquote(p.ETag); etag != u.ETag {
			return 0, partErr(KindInvalidPart, op, "part %d: ETag %q does not match the uploaded part's %q", p.Number, etag, u.ETag)
		}
		if u.Size > MaxPartSize {
			return 0, partErr(KindEntityTooLarge, op, "part %d is %d bytes; a part has at most %d", p.Number, u.Size, MaxPartSize)
		}
		if i < last && u.Size < MinPartSize {
			return 0, partErr(KindEntityTooSmall, op, "part %d is %d bytes; every part but the last needs at least %d", p.Number, u.Size, MinPartSize)
		}
		total += u.Size
	}
	if err := checkObjectSize(op, total, grantLimit); err != nil {
		return 0, err
	}
	return total, nil
}

func partErr(kind Kind, op, format string, args ...any) *Error {
	return &Error{Kind: kind, Op: op, Message: fmt.Sprintf(format, args...)}
}

// PartPlan is how to split an object into parts.
type PartPlan struct {
	// PartSize is the size of every part but the last.
	PartSize int64 `json:"partSize"`
	// Parts is the number of parts.
	Parts int32 `json:"parts"`
	// LastPartSize is the size of the last part (PartSize when it divides
	// the object evenly).
	LastPartSize int64 `json:"lastPartSize"`
}

// PlanParts splits an object of size bytes into parts of preferred bytes
// (DefaultPartSize if 0), growing the part size in whole MiB as needed to
// stay within MaxParts. The part size stays within MinPartSize..MaxPartSize.
func PlanParts(size, preferred int64) (PartPlan, error) {
	if size < 1 {
		return PartPlan{}, fmt.Errorf("object size %d: a multipart upload has at least one byte", size)
	}
	if size > MaxObjectSize {
		return PartPlan{}, fmt.Errorf("object size %d exceeds the %d bytes S3 stores", size, MaxObjectSize)
	}
	partSize := preferred
	if partSize == 0 {
		partSize = DefaultPartSize
	}
	if partSize < MinPartSize || partSize > MaxPartSize {
		return PartPlan{}, fmt.Errorf("part size %d is outside %d..%d", partSize, MinPartSize, MaxPartSize)
	}
	if need := ceilDiv(size, MaxParts); need > partSize {
		const mib = 1 << 20
		partSize = ceilDiv(need, mib) * mib
	}
	n := ceilDiv(size, partSize)
	return PartPlan{PartSize: partSize, Parts: int32(n), LastPartSize: size - (n-1)*partSize}, nil
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }
