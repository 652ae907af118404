package webhook

import "strings"

// choice is one of several mutually exclusive fields and whether it is set.
type choice struct {
	set  bool
	name string
}

// present returns the names of the choices that are set.
func present(choices ...choice) []string {
	var names []string
	for _, c := range choices {
		if c.set {
			names = append(names, c.name)
		}
	}
	return names
}

// describe renders present's answer as the "value" of a field error.
func describe(set []string) string {
	if len(set) == 0 {
		return "none set"
	}
	return strings.Join(set, " and ") + " set"
}
