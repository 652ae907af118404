package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Render returns each document as minified JSON, the form that is uploaded to
// IAM, passed to STS and hashed by Summarize.
func Render(docs []Document) ([][]byte, error) {
	out := make([][]byte, len(docs))
	for i, d := range docs {
		b, err := d.JSON()
		if err != nil {
			return nil, fmt.Errorf("render policy document %d: %w", i, err)
		}
		out[i] = b
	}
	return out, nil
}

// Summary describes a set of documents for an S3Connection's status: how
// many, how large, and a digest that changes whenever any of them does.
type Summary struct {
	// Documents is the number of documents.
	Documents int `json:"documents"`
	// Bytes is the total length of the minified documents.
	Bytes int `json:"bytes"`
	// SHA256 is the hex SHA-256 of the minified documents concatenated in
	// order. Each is a complete JSON object, so the concatenation is unambiguous.
	SHA256 string `json:"sha256"`
}

// Summarize renders docs and summarizes them.
func Summarize(docs []Document) (Summary, error) {
	rendered, err := Render(docs)
	if err != nil {
		return Summary{}, err
	}
	h := sha256.New()
	n := 0
	for _, b := range rendered {
		h.Write(b)
		n += len(b)
	}
	return Summary{Documents: len(docs), Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}
