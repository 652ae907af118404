package auth

import (
	"encoding/json"
	"errors"
	"fmt"
)

// claimMapping turns verified token claims into an Identity.
type claimMapping struct {
	usernameClaim  string
	usernamePrefix string
	groupsClaim    string
	groupsPrefix   string
}

func (m claimMapping) identity(claims map[string]json.RawMessage, method string) (Identity, error) {
	rawUser, ok := claims[m.usernameClaim]
	if !ok {
		return Identity{}, fmt.Errorf("claim %q missing", m.usernameClaim)
	}
	var user string
	if err := json.Unmarshal(rawUser, &user); err != nil || user == "" {
		return Identity{}, fmt.Errorf("claim %q is not a non-empty string", m.usernameClaim)
	}
	if m.usernameClaim == "email" {
		if err := checkEmailVerified(claims["email_verified"]); err != nil {
			return Identity{}, err
		}
	}
	groups, err := stringOrStrings(claims[m.groupsClaim])
	if err != nil {
		return Identity{}, fmt.Errorf("claim %q: %w", m.groupsClaim, err)
	}
	for i := range groups {
		groups[i] = m.groupsPrefix + groups[i]
	}
	return Identity{User: m.usernamePrefix + user, Groups: groups, Method: method}, nil
}

// checkEmailVerified rejects an email the issuer says it has not verified,
// as the Kubernetes API server does: anyone could otherwise claim any
// address at an issuer that lets users edit their email. Absent means the
// issuer does not say, which is accepted. Some issuers send "true" as a
// string.
func checkEmailVerified(raw json.RawMessage) error {
	if raw == nil || string(raw) == "null" {
		return nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err == nil {
		if b {
			return nil
		}
		return errors.New("email not verified (email_verified is false)")
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil && s == "true" {
		return nil
	}
	return errors.New("email not verified (email_verified is not true)")
}

// stringOrStrings reads an absent/null claim as none, a string as one, a
// string array as many; empty strings are dropped.
func stringOrStrings(raw json.RawMessage) ([]string, error) {
	if raw == nil || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		if one == "" {
			return nil, nil
		}
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, errors.New("neither a string nor an array of strings")
	}
	out := many[:0]
	for _, g := range many {
		if g != "" {
			out = append(out, g)
		}
	}
	return out, nil
}
