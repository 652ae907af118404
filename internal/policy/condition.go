package policy

import "strings"

// conditionHolds evaluates a statement's Condition block against the request
// context. Following "Conditions with multiple context keys or values" (IAM User
// Guide): several operators are ANDed, several keys under one operator are
// ANDed, several values for one key are ORed, and for a negated operator
// (StringNotEquals, StringNotEqualsIgnoreCase, StringNotLike) they are NORed.
// Operators it cannot evaluate make the result "maybe", never "yes".
func conditionHolds(c Condition, ctx map[string][]string, vars bool) tri {
	result := yes
	for name, keys := range c {
		op, ok := parseOperator(name)
		if !ok || len(keys) == 0 {
			result = maybe
			continue
		}
		for key, values := range keys {
			switch op.holds(key, values, ctx, vars) {
			case no:
				return no
			case maybe:
				result = maybe
			}
		}
	}
	return result
}

// holds evaluates one operator on one context key.
//
// Absent keys, from "IAM JSON policy elements: Condition operators": "If the key
// that you specify in a policy condition is not present in the request context,
// the values do not match and the condition is false. If the policy condition
// requires that the key is not matched, such as StringNotLike or ArnNotLike, and
// the right key is not present, the condition is true. This logic applies to all
// condition operators except ...IfExists and Null check." ...IfExists: "If the
// key is not present, evaluate the condition element as true." Null: true means
// "the key doesn't exist", false "the key exists and its value is not null".
// Set operators, from "Single-valued vs. multivalued context keys": ForAllValues
// "also returns true if there are no context keys in the request", and on an
// empty data set ForAllValues returns true and ForAnyValue returns false. A key
// listed with no values counts as absent.
func (o operator) holds(key string, policyValues Values, ctx map[string][]string, vars bool) tri {
	requestValues, _ := lookup(ctx, key)
	present := len(requestValues) > 0
	if o.base == opNull {
		return nullHolds(policyValues, present)
	}
	if !present {
		switch {
		case o.ifExists:
			return yes
		case o.set == setForAllValues:
			return yes
		case o.set == setForAnyValue:
			return no
		}
		return triOf(o.negated())
	}
	if len(policyValues) == 0 {
		return maybe
	}
	set := o.set
	if set == setNone {
		// A plain operator on a key with one value is the same under either
		// qualifier. With several request values (a multivalued key used without
		// a set operator) a positive operator holds if any value matches and a
		// negated one if no value matches, so that StringNotX stays NOT StringX.
		set = setForAnyValue
		if o.negated() {
			set = setForAllValues
		}
	}
	result := triOf(set == setForAllValues)
	for _, v := range requestValues {
		h := o.valueHolds(v, policyValues, ctx, vars)
		if set == setForAllValues {
			result = result.and(h)
			if result == no {
				return no
			}
		} else {
			result = result.or(h)
			if result == yes {
				return yes
			}
		}
	}
	return result
}

// valueHolds tests one request value against the policy values: OR for
// positive operators, NOR for negated ones.
func (o operator) valueHolds(v string, policyValues Values, ctx map[string][]string, vars bool) tri {
	matched := no
	for _, p := range policyValues {
		matched = matched.or(o.compare(p, v, ctx, vars))
		if matched == yes {
			break
		}
	}
	if o.negated() {
		return matched.not()
	}
	return matched
}

// compare tests one policy value against one request value.
func (o operator) compare(p, v string, ctx map[string][]string, vars bool) tri {
	if o.base == opBool {
		// Bool takes "true" or "false"; anything else is a malformed policy.
		if !strings.EqualFold(p, "true") && !strings.EqualFold(p, "false") {
			return maybe
		}
		return triOf(strings.EqualFold(p, v))
	}
	return match(p, v, o.compareMode(vars), ctx)
}

// nullHolds is the Null check: each policy value "true" holds when the key is
// absent and "false" when it is present; several values are ORed.
func nullHolds(policyValues Values, present bool) tri {
	if len(policyValues) == 0 {
		return maybe
	}
	result := no
	for _, p := range policyValues {
		switch {
		case strings.EqualFold(p, "true"):
			result = result.or(triOf(!present))
		case strings.EqualFold(p, "false"):
			result = result.or(triOf(present))
		default:
			result = result.or(maybe)
		}
	}
	return result
}
