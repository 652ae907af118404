package demo

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// DemoUser is a user the demo's login page offers, in the format of
// `s3am server --demo-users-file`.
type DemoUser struct {
	User        string   `json:"user"`
	Groups      []string `json:"groups,omitempty"`
	Description string   `json:"description"`
}

// Users are the demo users: the people of config/samples, and an admin.
var Users = []DemoUser{
	{User: "alice@partner-a.com", Description: "Partner A: uploads to partner-a/uploads/, reads partner-a/processed/"},
	{User: "bob@partner-b.com", Description: "Partner B: uploads, granted from the delegated namespace partner-b-ops"},
	{User: "rita@partner-a.com", Groups: []string{"partner-a-reviewers"}, Description: "Partner A reviewer: reads all of partner-a/ through a group grant"},
	{User: "auditor@audit-firm.example", Description: "External auditor: reads partner-a/processed/ until the end of January 2027"},
	{User: "admin@example.com", Groups: []string{AdminGroup}, Description: "Administrator: the audit trail"},
}

func writeDemoUsers(dir string) (string, error) {
	b, err := json.MarshalIndent(Users, "", "  ")
	if err != nil {
		return "", fmt.Errorf("demo users: %w", err)
	}
	path := filepath.Join(dir, "demo-users.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return "", fmt.Errorf("demo users: %w", err)
	}
	return path, nil
}
