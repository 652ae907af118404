package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// hashVersion starts every hashed encoding, so that a future encoding cannot
// collide with this one.
const hashVersion = "s3am-audit-v1"

// ComputeHash returns the lowercase hex SHA-256 of e's canonical encoding,
// which starts with e.PrevHash: thus each Hash commits to the whole chain
// before it. e.Hash itself is not part of the input.
//
// The encoding, for anyone verifying outside this code: the string
// "s3am-audit-v1", then PrevHash, Writer, Seq, Time, RequestID, User, Groups,
// SourceIP, UserAgent, Action, Connection, Bucket, Key, Decision, Reason,
// Grant, Outcome, Error, Bytes and ETag in this order. A string is its byte
// length as a big-endian uint32 followed by its UTF-8 bytes; Seq and Bytes are
// big-endian int64; Time is microseconds since the Unix epoch as big-endian
// int64; Groups is their count as a big-endian uint32 followed by each group
// as a string. Length prefixes make the encoding unambiguous.
func (e *Event) ComputeHash() string {
	sum := sha256.Sum256(e.appendCanonical(make([]byte, 0, 512)))
	return hex.EncodeToString(sum[:])
}

func (e *Event) appendCanonical(b []byte) []byte {
	b = appendStr(b, hashVersion)
	b = appendStr(b, e.PrevHash)
	b = appendStr(b, e.Writer)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Seq))
	b = binary.BigEndian.AppendUint64(b, uint64(e.Time.UnixMicro()))
	b = appendStr(b, e.RequestID)
	b = appendStr(b, e.User)
	b = binary.BigEndian.AppendUint32(b, uint32(len(e.Groups)))
	for _, g := range e.Groups {
		b = appendStr(b, g)
	}
	b = appendStr(b, e.SourceIP)
	b = appendStr(b, e.UserAgent)
	b = appendStr(b, e.Action)
	b = appendStr(b, e.Connection)
	b = appendStr(b, e.Bucket)
	b = appendStr(b, e.Key)
	b = appendStr(b, string(e.Decision))
	b = appendStr(b, e.Reason)
	b = appendStr(b, e.Grant)
	b = appendStr(b, string(e.Outcome))
	b = appendStr(b, e.Error)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Bytes))
	b = appendStr(b, e.ETag)
	return b
}

func appendStr(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// Seal makes e the event after (prevSeq, prevHash) in its writer chain:
// prevSeq and prevHash are those of the chain's newest stored event, or 0 and
// "" for an empty chain. It canonicalizes e (see Normalize), then sets Seq,
// PrevHash and Hash. Stores call it inside the transaction that read the
// chain's head.
func Seal(e *Event, prevSeq int64, prevHash string) {
	e.canonicalize()
	e.Seq = prevSeq + 1
	e.PrevHash = prevHash
	e.Hash = e.ComputeHash()
}
