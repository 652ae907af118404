// Package sqlstore is the SQL of the audit stores, shared by the SQLite
// (internal/audit/sqlite) and PostgreSQL (internal/audit/postgres) stores
// through database/sql: appending (chain heads, sealing, multi-row INSERTs),
// queries with keyset pagination, verification, and the row codec. What
// differs between the databases is a Dialect: parameter markers, column
// names and types, how appends to a chain are serialized across processes
// (an advisory lock, or the database's write lock), which errors mean the
// database refused the rows, the schema's DDL, and how errors are worded
// (PostgreSQL's are scrubbed of the DSN's password).
//
// Times are compared and ordered as integer microseconds or timestamps,
// both exact for Event.Time; prefixes are matched with byte ranges, never
// LIKE; groups are read back as a JSON array of strings.
package sqlstore
