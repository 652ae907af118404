package policy

// statementApplies reports whether a statement's Action/NotAction,
// Resource/NotResource and Condition all match the request. A statement that
// sets both or neither of Action and NotAction (or of Resource and NotResource)
// is one IAM would refuse to store; it gives "maybe". vars says whether the
// document's Version enables policy variables.
func statementApplies(st *Statement, r *target, vars bool) tri {
	result := actionMatches(st, r.Action)
	if result == no {
		return no
	}
	result = result.and(resourceMatches(st, r, vars))
	if result == no || len(st.Condition) == 0 {
		return result
	}
	return result.and(conditionHolds(st.Condition, r.Context, vars))
}

// target is a request with its resource ARN split into fields once for all
// the statements it is evaluated against.
type target struct {
	*Request
	arn arnSplit
}

func newTarget(r *Request) target {
	return target{Request: r, arn: fieldEnds(r.Resource, false)}
}

// actionMatches compares the request action with Action or NotAction. Actions
// are case-insensitive and take '*' and '?' but no policy variables (IAM allows
// variables only in Resource and in condition values).
func actionMatches(st *Statement, action string) tri {
	patterns, negated, ok := oneOf(st.Action, st.NotAction)
	if !ok {
		return maybe
	}
	m := anyMatch(patterns, func(p string) tri {
		return match(p, action, modeWildcards|modeFold, nil)
	})
	if negated {
		return m.not()
	}
	return m
}

// resourceMatches compares the request ARN with Resource or NotResource.
// Resources are case-sensitive.
func resourceMatches(st *Statement, r *target, vars bool) tri {
	patterns, negated, ok := oneOf(st.Resource, st.NotResource)
	if !ok {
		return maybe
	}
	mode := modeWildcards
	if vars {
		mode |= modeVars
	}
	m := anyMatch(patterns, func(p string) tri {
		return matchResourceSplit(p, r.Resource, r.arn, mode, r.Context)
	})
	if negated {
		return m.not()
	}
	return m
}

// oneOf returns whichever of the positive and negated element is set, and
// whether exactly one is.
func oneOf(positive, negated Values) (Values, bool, bool) {
	switch {
	case len(positive) > 0 && len(negated) == 0:
		return positive, false, true
	case len(negated) > 0 && len(positive) == 0:
		return negated, true, true
	}
	return nil, false, false
}

// anyMatch ORs a test over patterns, stopping at the first definite match.
func anyMatch(patterns Values, test func(string) tri) tri {
	result := no
	for _, p := range patterns {
		result = result.or(test(p))
		if result == yes {
			return yes
		}
	}
	return result
}
