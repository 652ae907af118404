package policy

import "strings"

// setQualifier is the ForAllValues:/ForAnyValue: prefix of an operator.
type setQualifier uint8

const (
	setNone setQualifier = iota
	setForAllValues
	setForAnyValue
)

// baseOperator is a condition operator without qualifier and IfExists suffix.
type baseOperator uint8

const (
	opStringEquals baseOperator = iota
	opStringNotEquals
	opStringEqualsIgnoreCase
	opStringNotEqualsIgnoreCase
	opStringLike
	opStringNotLike
	opBool
	opNull
)

var baseOperators = map[string]baseOperator{
	"StringEquals":              opStringEquals,
	"StringNotEquals":           opStringNotEquals,
	"StringEqualsIgnoreCase":    opStringEqualsIgnoreCase,
	"StringNotEqualsIgnoreCase": opStringNotEqualsIgnoreCase,
	"StringLike":                opStringLike,
	"StringNotLike":             opStringNotLike,
	"Bool":                      opBool,
	"Null":                      opNull,
}

// operator is a parsed condition operator such as
// "ForAnyValue:StringNotLikeIfExists".
type operator struct {
	set      setQualifier
	base     baseOperator
	ifExists bool
}

// negated reports whether the operator is a negated matching operator, whose
// several policy values are combined with NOR instead of OR.
func (o operator) negated() bool {
	switch o.base {
	case opStringNotEquals, opStringNotEqualsIgnoreCase, opStringNotLike:
		return true
	}
	return false
}

// parseOperator reads an operator name. Names are matched exactly, as IAM
// spells them. It refuses operators this evaluator does not implement
// (Numeric*, Date*, IpAddress, Arn*, Binary*), NullIfExists (IAM allows
// IfExists on every operator except Null) and set qualifiers on Null.
func parseOperator(name string) (operator, bool) {
	var op operator
	if rest, ok := strings.CutPrefix(name, "ForAllValues:"); ok {
		op.set, name = setForAllValues, rest
	} else if rest, ok := strings.CutPrefix(name, "ForAnyValue:"); ok {
		op.set, name = setForAnyValue, rest
	}
	if rest, ok := strings.CutSuffix(name, "IfExists"); ok {
		op.ifExists, name = true, rest
	}
	base, ok := baseOperators[name]
	if !ok {
		return operator{}, false
	}
	op.base = base
	if base == opNull && (op.ifExists || op.set != setNone) {
		return operator{}, false
	}
	return op, true
}

// compareMode is how the operator compares one policy value with one request
// value, and whether it compares at all (Bool and Null do their own test).
func (o operator) compareMode(vars bool) matchMode {
	var m matchMode
	switch o.base {
	case opStringEqualsIgnoreCase, opStringNotEqualsIgnoreCase:
		m = modeFold
	case opStringLike, opStringNotLike:
		m = modeWildcards
	}
	if vars {
		m |= modeVars
	}
	return m
}
