package grant

import (
	"fmt"
	"strings"
)

// Permission is one of the four things a grant can allow.
type Permission uint8

// The permissions, as bits of a Permissions set.
const (
	Read Permission = 1 << iota
	Write
	List
	Delete
)

// AllPermissions lists every permission in canonical order.
var AllPermissions = []Permission{Read, Write, List, Delete}

var permissionNames = map[Permission]string{Read: "read", Write: "write", List: "list", Delete: "delete"}

// String returns the permission's name, as PrefixGrants spell it.
func (p Permission) String() string {
	if n, ok := permissionNames[p]; ok {
		return n
	}
	return fmt.Sprintf("Permission(%d)", uint8(p))
}

// ParsePermission parses "read", "write", "list" or "delete".
func ParsePermission(s string) (Permission, error) {
	for p, n := range permissionNames {
		if n == s {
			return p, nil
		}
	}
	return 0, fmt.Errorf("unknown permission %q: use read, write, list or delete", s)
}

// Permissions is a set of Permission bits.
type Permissions uint8

// NewPermissions builds a set from its members.
func NewPermissions(ps ...Permission) Permissions {
	var s Permissions
	for _, p := range ps {
		s |= Permissions(p)
	}
	return s
}

// ParsePermissions parses a list of permission names into a set.
func ParsePermissions(names []string) (Permissions, error) {
	var s Permissions
	for _, n := range names {
		p, err := ParsePermission(n)
		if err != nil {
			return 0, err
		}
		s |= Permissions(p)
	}
	return s, nil
}

// Has reports whether p is in the set.
func (s Permissions) Has(p Permission) bool { return s&Permissions(p) != 0 }

// List returns the members in canonical order.
func (s Permissions) List() []Permission {
	var out []Permission
	for _, p := range AllPermissions {
		if s.Has(p) {
			out = append(out, p)
		}
	}
	return out
}

// String lists the members, comma-separated, in canonical order.
func (s Permissions) String() string {
	names := make([]string, 0, 4)
	for _, p := range s.List() {
		names = append(names, p.String())
	}
	return strings.Join(names, ",")
}
