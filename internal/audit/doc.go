// Package audit records every attempt the companion server handles (allowed
// and blocked, successful and failed) and makes the record queryable and
// tamper-evident.
//
// The server calls Recorder.Record once per attempt. The Recorder hands the
// event to a Store, which appends it durably to the chain of the server
// process that wrote it (the Writer), and then writes it as one JSON line to
// an io.Writer (stdout in production), so that log collectors get the same
// record, chain fields included, and can later vouch for the store.
//
// Tamper evidence: in every writer chain, events are numbered 1, 2, 3, ...
// (Seq); each carries the hash of the previous event of its chain (PrevHash)
// and its own Hash, the SHA-256 of a canonical encoding of all its fields
// (see Event.ComputeHash). Changing, removing or reordering a stored event
// breaks the chain, which Store.Verify reports. Removing the newest events of
// a chain leaves a shorter valid chain; comparing its head (VerifyResult
// LastSeq and LastHash) with the JSON lines shipped elsewhere detects that.
//
// Bounds: every stored field is bounded (see the Max* limits); an
// identifier longer than its limit (a refused request's 200 KiB key, say)
// is cut and ends with CutMark, its length and SHA-256, so it still matches.
// Group commit never lets one event cost another its record: when the
// database refuses a batch for the content of an event (ErrRejected), the
// Recorder stores each event of the batch on its own.
//
// Stores: the sqlite subpackage is the embedded default, postgres the one
// for replicas; both are the SQL of the sqlstore subpackage with their
// dialect. Other backends implement Store with the shared helpers here
// (Seal, ChainVerifier, Filter, Cursor) so that they hash, verify and
// paginate identically; audittest holds the conformance suite.
//
// The package imports neither Kubernetes nor Echo.
package audit
