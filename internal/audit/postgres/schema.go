package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/s3am/s3-access-manager/internal/audit/sqlstore"
)

// schemaVersion is the row of audit_schema_version this program writes and
// reads.
const schemaVersion = 1

// migrateLockKey is the advisory lock taken while the schema is created, so
// that servers starting together do not race on CREATE TABLE IF NOT EXISTS
// (which is not safe against a concurrent CREATE). It is the chain lock's
// namespace with no writer, so it cannot collide with a chain lock.
var migrateLockKey = lockKey("s3am-audit-schema", "")

// versionTable records the schema version; one row at most.
const versionTable = `CREATE TABLE IF NOT EXISTS audit_schema_version (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	version   integer NOT NULL
)`

// schema creates version 1. Columns are those of the SQLite store, with
// native types where PostgreSQL has them: times are timestamptz (whole
// microseconds, like Event.Time), groups a text array. writer and object_key
// sort byte-wise (COLLATE "C") whatever the database's collation, because
// query order, cursors and key-prefix ranges must be those of the SQLite
// store and of Go string comparison.
var schema = append([]string{
	`CREATE TABLE IF NOT EXISTS audit_events (
		writer      text COLLATE "C" NOT NULL,
		seq         bigint      NOT NULL CHECK (seq >= 1),
		event_time  timestamptz NOT NULL,
		request_id  text        NOT NULL,
		user_name   text        NOT NULL,
		groups      text[]      NOT NULL,
		source_ip   text        NOT NULL,
		user_agent  text        NOT NULL,
		action      text        NOT NULL,
		connection  text        NOT NULL,
		bucket      text        NOT NULL,
		object_key  text COLLATE "C" NOT NULL,
		decision    text        NOT NULL,
		reason      text        NOT NULL,
		grant_ref   text        NOT NULL,
		outcome     text        NOT NULL,
		error       text        NOT NULL,
		bytes       bigint      NOT NULL,
		etag        text        NOT NULL,
		prev_hash   text        NOT NULL,
		hash        text        NOT NULL,
		PRIMARY KEY (writer, seq)
	)`},
	append(sqlstore.Indexes("event_time"),
		`CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
			USING ERRCODE = 'insufficient_privilege';
	END
	$$`,
		`CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
		FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`,
		`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
		FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`,
	)...)

// migrate creates the schema in a database without it, and refuses one
// written by a newer version. When the schema is there already it runs no
// DDL, so servers may connect as a role that can only INSERT and SELECT
// (PostgreSQL checks the privilege to create even for CREATE ... IF NOT
// EXISTS). Otherwise it runs in one transaction (PostgreSQL DDL is
// transactional: a failed migration leaves nothing behind) under the
// migration advisory lock, and checks the version again: another server may
// have created the schema while this one waited for the lock.
func migrate(ctx context.Context, db *sql.DB) error {
	version, err := existingVersion(ctx, db)
	if err != nil {
		return err
	}
	if create, err := sqlstore.NeedsSchema(version, schemaVersion); !create {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	// After Commit, Rollback only reports sql.ErrTxDone.
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrateLockKey); err != nil {
		return fmt.Errorf("schema lock: %w", err)
	}
	if _, err := tx.ExecContext(ctx, versionTable); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	if version, err = readVersion(ctx, tx); err != nil {
		return err
	}
	if create, err := sqlstore.NeedsSchema(version, schemaVersion); !create {
		return err
	}
	for _, stmt := range schema {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("schema: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_schema_version (version) VALUES ($1)`, schemaVersion); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	return nil
}

// checkSchema makes sure a read-only store reads the schema this program
// wrote.
func checkSchema(ctx context.Context, db *sql.DB) error {
	version, err := existingVersion(ctx, db)
	if err != nil {
		return err
	}
	if version == 0 {
		return errors.New("no audit schema (is this an s3am audit database?)")
	}
	if version != schemaVersion {
		return fmt.Errorf("schema version %d, this program reads %d", version, schemaVersion)
	}
	return nil
}

// existingVersion returns the stored schema version, 0 when there is no
// schema, without creating anything.
func existingVersion(ctx context.Context, db *sql.DB) (int, error) {
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT to_regclass('audit_schema_version') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	if !exists {
		return 0, nil
	}
	return readVersion(ctx, db)
}

// readVersion returns the stored schema version, 0 when there is none.
func readVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var version int
	err := q.QueryRowContext(ctx, `SELECT version FROM audit_schema_version`).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return version, nil
}
