package policy

import "strings"

// checkActions reports action names IAM does not define, wildcards in Allow
// statements and Allow statements built on NotAction or NotResource. It
// returns the catalogue actions the statement names explicitly, which the
// condition and resource checks reason about; wildcard entries and NotAction
// statements are too open-ended for them.
func (l *linter) checkActions(i int, st *Statement) []Action {
	allow := st.Effect == Allow
	if allow && len(st.NotAction) > 0 {
		l.add(i, SeverityError, CodeAllowWithNotAction,
			"Allow with NotAction allows every action not listed, including ones AWS adds later",
			"list the allowed actions under Action")
	}
	if allow && len(st.NotResource) > 0 {
		l.add(i, SeverityError, CodeAllowWithNotResource,
			"Allow with NotResource allows every resource not listed, in every bucket and service",
			"list the allowed bucket and object ARNs under Resource")
	}
	var known []Action
	for _, list := range []Values{st.Action, st.NotAction} {
		for _, name := range list {
			if a, ok := l.checkAction(i, st, name); ok {
				known = append(known, a)
			}
		}
	}
	if len(st.NotAction) > 0 {
		return nil
	}
	return known
}

// checkAction reports one Action or NotAction entry and returns its catalogue
// entry when it names exactly one known action.
func (l *linter) checkAction(i int, st *Statement, name string) (Action, bool) {
	if fix, ok := NonexistentActionFix(name); ok {
		l.add(i, SeverityError, CodeUnknownAction,
			name+" is not an IAM action, only an API operation name; IAM ignores it, so it allows nothing",
			fix)
		return Action{}, false
	}
	service, _, _ := strings.Cut(strings.ToLower(name), ":")
	if name == "*" || strings.ContainsAny(name, "*?") {
		if st.Effect == Allow {
			l.add(i, SeverityWarning, CodeWildcardAction,
				"the wildcard "+name+" allows every matching action, including ones AWS adds later",
				"list the actions the grant needs")
		}
		if (service == "s3" || service == "kms") && len(matchingActions(name)) == 0 {
			l.add(i, SeverityWarning, CodeUnknownAction, name+" matches no action of the catalogue",
				"check the pattern against the Service Authorization Reference")
		}
		return Action{}, false
	}
	a, ok := LookupAction(name)
	if !ok {
		if service == "s3" || service == "kms" {
			l.add(i, SeverityWarning, CodeUnknownAction,
				name+" is not in the action catalogue; if IAM does not define it, it grants nothing",
				"check the name in the Service Authorization Reference for "+service)
		}
		return Action{}, false
	}
	return a, true
}
