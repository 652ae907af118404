package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/s3am/s3-access-manager/internal/audit/sqlstore"
)

// schemaVersion is stored in PRAGMA user_version.
const schemaVersion = 1

// schema creates version 1. Column names avoid words reserved in
// PostgreSQL (user, grant) and MySQL (key). Triggers make the table
// append-only for anyone going through SQL who does not first drop them.
var schema = append([]string{
	`CREATE TABLE IF NOT EXISTS audit_events (
		writer      TEXT    NOT NULL,
		seq         INTEGER NOT NULL,
		time_us     INTEGER NOT NULL,
		request_id  TEXT    NOT NULL,
		user_name   TEXT    NOT NULL,
		groups_json TEXT    NOT NULL,
		source_ip   TEXT    NOT NULL,
		user_agent  TEXT    NOT NULL,
		action      TEXT    NOT NULL,
		connection  TEXT    NOT NULL,
		bucket      TEXT    NOT NULL,
		object_key  TEXT    NOT NULL,
		decision    TEXT    NOT NULL,
		reason      TEXT    NOT NULL,
		grant_ref   TEXT    NOT NULL,
		outcome     TEXT    NOT NULL,
		error       TEXT    NOT NULL,
		bytes       INTEGER NOT NULL,
		etag        TEXT    NOT NULL,
		prev_hash   TEXT    NOT NULL,
		hash        TEXT    NOT NULL,
		PRIMARY KEY (writer, seq)
	)`},
	append(sqlstore.Indexes("time_us"),
		`CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
		BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END`,
		`CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
		BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END`,
	)...)

// migrate creates the schema in an empty database and refuses one written by
// a newer version.
func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	// After Commit, Rollback only reports sql.ErrTxDone.
	defer func() { _ = tx.Rollback() }()
	var version int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	if create, err := sqlstore.NeedsSchema(version, schemaVersion); !create {
		return err
	}
	for _, stmt := range schema {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("schema: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion)); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	return nil
}

// checkSchema makes sure a read-only database has the schema this program
// reads.
func checkSchema(ctx context.Context, db *sql.DB) error {
	var version int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	if version != schemaVersion {
		return fmt.Errorf("schema version %d, this program reads %d (is this an s3am audit database?)", version, schemaVersion)
	}
	return nil
}
