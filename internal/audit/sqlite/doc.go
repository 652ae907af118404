// Package sqlite is the embedded audit.Store: one SQLite file, written through
// modernc.org/sqlite (pure Go, no cgo).
//
// The database runs in WAL mode, so queries and verification read while the
// server appends. synchronous=FULL: in WAL mode, NORMAL keeps the database
// consistent but may lose the last commits on power loss or an OS crash,
// because it syncs the WAL only at checkpoints; the Recorder promises that an
// event is durable when Record returns (the server hands out a URL only
// then), so every commit syncs the WAL. The Recorder's group commit spreads
// that sync over every event waiting at the time.
//
// Writes take SQLite's write lock at BEGIN (BEGIN IMMEDIATE), so reading a
// chain's head and appending after it cannot interleave with another writer,
// in this process or another one; busy_timeout makes a second writer wait for
// the lock instead of failing. Triggers make the table append-only for
// anyone going through SQL who does not first drop them.
//
// The SQL is sqlstore's, shared with the PostgreSQL store; this package is
// its dialect: ? parameters, times as integer microseconds, groups
// as JSON text, and the schema's DDL.
package sqlite
