package sqlstore

import "fmt"

// Indexes are the indexes of every store, on timeColumn (the column of
// Event.Time).
func Indexes(timeColumn string) []string {
	return []string{
		// Query order, and time ranges.
		`CREATE INDEX IF NOT EXISTS audit_events_time ON audit_events (` + timeColumn + `, writer, seq)`,
		// The admin's most common question: what did this user do?
		`CREATE INDEX IF NOT EXISTS audit_events_user ON audit_events (user_name, ` + timeColumn + `, writer, seq)`,
		// What happened to this object or under this prefix?
		`CREATE INDEX IF NOT EXISTS audit_events_object ON audit_events (bucket, object_key)`,
	}
}

// NeedsSchema says, from the schema version a database holds (0: none),
// whether this program, which writes version want, must create the schema;
// a newer version is an error.
func NeedsSchema(version, want int) (bool, error) {
	if version > want {
		return false, fmt.Errorf("schema version %d is newer than this program's %d", version, want)
	}
	return version < want, nil
}
