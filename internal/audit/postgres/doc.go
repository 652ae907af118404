// Package postgres is the audit.Store for deployments with several server
// replicas: one PostgreSQL database, shared by every replica, written
// through database/sql and pgx's driver. Its SQL is sqlstore's, shared with
// the embedded SQLite store (internal/audit/sqlite), whose semantics it
// keeps exactly; this package is the dialect. The audittest conformance
// suite and a page-by-page comparison with SQLite hold both to them.
//
// Chains across processes: each replica appends to the chain of its own
// Writer, and Append serializes appends to one chain with a
// transaction-scoped advisory lock (pg_advisory_xact_lock) on a 64-bit key
// derived from the writer's name by SHA-256, taken before the transaction
// reads the chain's head. In READ COMMITTED the head is read by a statement
// that starts after the lock is held, so it sees the previous holder's
// commit. An advisory lock rather than a chain-head row locked FOR UPDATE:
// it needs no second, mutable table beside the append-only one, creates
// nothing for a new writer, and PostgreSQL releases it with the
// transaction, whatever ends it (commit, rollback, a lost connection). The
// primary key (writer, seq) backs the lock: an append that bypassed it
// fails instead of forking the chain. Replicas with different writers do
// not wait for each other; a batch spanning several writers locks them in
// sorted order, so batches cannot deadlock.
//
// One append is one transaction: BEGIN, the locks, the chain heads, the
// multi-row INSERTs (prepared once per connection), COMMIT. Every commit is
// durable (synchronous_commit as the server says, on by default); the
// Recorder's group commit spreads it over the events waiting at the time.
// When the connection fails before anything reached the server (a pooled
// connection that died with a server restart), Append retries once on a
// fresh one; otherwise the error goes to the Recorder, whose failure policy
// decides: PolicyFail refuses the request, and the next Append simply
// connects again once PostgreSQL is back, without reopening the store.
//
// Schema: the SQLite store's columns, with native types where PostgreSQL
// has them (timestamptz holds microseconds, exactly Event.Time; groups is a
// text[]). writer and object_key are COLLATE "C": ordering, cursors and
// key-prefix ranges must be byte-wise, as in SQLite and Go, whatever the
// database's collation (an en-US one orders "Pod-B" after "pod-a"). Key
// prefixes are byte ranges plus starts_with, never LIKE. Open creates the
// schema in one transaction under an advisory lock, so servers starting
// together do not race on CREATE TABLE IF NOT EXISTS, and records its
// version in audit_schema_version; a newer version is refused. When the
// schema exists Open runs no DDL, so servers can connect as a role granted
// only SELECT and INSERT on audit_events and SELECT on audit_schema_version,
// with the schema created once by its owner.
//
// Append-only: triggers refuse UPDATE, DELETE (per row) and TRUNCATE (per
// statement) with SQLSTATE 42501. The table's owner or a superuser can
// disable them; the hash chain is what detects that, and Verify reports the
// first changed, moved or missing event at its Seq.
//
// Secrets: the DSN carries a password. No error of this package contains
// it: messages are scrubbed of every spelling of it, and a DSN that cannot
// be parsed is not quoted at all. Settings such as search_path, sslmode or
// pool_max_conns go in the DSN.
package postgres
