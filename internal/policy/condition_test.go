package policy

import "testing"

// The semantics below are quoted from the IAM User Guide:
//   - "IAM JSON policy elements: Condition operators",
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
//   - "Conditions with multiple context keys or values",
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
//   - "Single-valued vs. multivalued context keys",
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
//   - "IAM policy elements: Variables and tags",
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html

// conditionCase evaluates a one-operator, one-key condition.
type conditionCase struct {
	name     string
	operator string
	values   Values
	request  []string // nil: the key is absent from the request context
	want     tri
}

func runConditionCases(t *testing.T, cases []conditionCase) {
	t.Helper()
	for _, c := range cases {
		ctx := map[string][]string{}
		if c.request != nil {
			ctx["k:key"] = c.request
		}
		cond := Condition{c.operator: {"k:key": c.values}}
		if got := conditionHolds(cond, ctx, true); got != c.want {
			t.Errorf("%s: %s %v on %v = %v, want %v", c.name, c.operator, c.values, c.request, got, c.want)
		}
	}
}

// Present keys, one request value. Several policy values are ORed; for negated
// operators they are NORed ("Conditions with multiple context keys or values":
// "If a single negated matching condition operator includes multiple values for
// a context key, those values are evaluated using a logical NOR").
func TestStringOperatorsOnPresentKey(t *testing.T) {
	runConditionCases(t, []conditionCase{
		{"equals", "StringEquals", Values{"aws:kms"}, []string{"aws:kms"}, yes},
		{"equals is case-sensitive", "StringEquals", Values{"aws:kms"}, []string{"AWS:KMS"}, no},
		{"equals ORs values", "StringEquals", Values{"AES256", "aws:kms"}, []string{"aws:kms"}, yes},
		{"equals has no wildcards", "StringEquals", Values{"aws:*"}, []string{"aws:kms"}, no},
		{"equals empty string", "StringEquals", Values{""}, []string{""}, yes},
		{"not equals", "StringNotEquals", Values{"aws:kms"}, []string{"AES256"}, yes},
		{"not equals same", "StringNotEquals", Values{"aws:kms"}, []string{"aws:kms"}, no},
		{"not equals NORs values", "StringNotEquals", Values{"AES256", "aws:kms"}, []string{"aws:kms"}, no},
		{"not equals NOR none match", "StringNotEquals", Values{"AES256", "aws:kms"}, []string{"x"}, yes},
		{"equals ignore case", "StringEqualsIgnoreCase", Values{"AWS:KMS"}, []string{"aws:kms"}, yes},
		{"equals ignore case differs", "StringEqualsIgnoreCase", Values{"AWS:KMS"}, []string{"aws:kmx"}, no},
		{"not equals ignore case", "StringNotEqualsIgnoreCase", Values{"AWS:KMS"}, []string{"aws:kms"}, no},
		{"not equals ignore case differs", "StringNotEqualsIgnoreCase", Values{"AWS:KMS"}, []string{"aes256"}, yes},
		{"like", "StringLike", Values{"partner-a/*"}, []string{"partner-a/uploads/"}, yes},
		{"like segment", "StringLike", Values{"partner-a/uploads/*"}, []string{"partner-a/uploads-old/"}, no},
		{"like question", "StringLike", Values{"a?c"}, []string{"abc"}, yes},
		{"like is case-sensitive", "StringLike", Values{"A*"}, []string{"abc"}, no},
		{"like escaped star", "StringLike", Values{"a${*}/*"}, []string{"a*/x"}, yes},
		{"like escaped star is literal", "StringLike", Values{"a${*}/*"}, []string{"ab/x"}, no},
		{"not like", "StringNotLike", Values{"a/*"}, []string{"b/x"}, yes},
		{"not like matches", "StringNotLike", Values{"a/*", "b/*"}, []string{"b/x"}, no},
		{"bool true", "Bool", Values{"true"}, []string{"true"}, yes},
		{"bool false", "Bool", Values{"false"}, []string{"true"}, no},
		{"bool is case-insensitive", "Bool", Values{"TRUE"}, []string{"true"}, yes},
		{"bool malformed", "Bool", Values{"yes"}, []string{"true"}, maybe},
		{"ifexists present is the operator", "StringEqualsIfExists", Values{"aws:kms"}, []string{"AES256"}, no},
		{"ifexists present matches", "StringEqualsIfExists", Values{"aws:kms"}, []string{"aws:kms"}, yes},
		{"not like ifexists present", "StringNotLikeIfExists", Values{"a*"}, []string{"abc"}, no},
		{"bool ifexists present", "BoolIfExists", Values{"true"}, []string{"false"}, no},
	})
}

// Absent keys. "IAM JSON policy elements: Condition operators": "If the key that
// you specify in a policy condition is not present in the request context, the
// values do not match and the condition is false. If the policy condition
// requires that the key is not matched, such as StringNotLike or ArnNotLike, and
// the right key is not present, the condition is true. This logic applies to all
// condition operators except ...IfExists and Null check."
// ...IfExists: "If the key is not present, evaluate the condition element as
// true." Null: "true (the key doesn't exist — it is null) or false (the key
// exists and its value is not null)".
func TestOperatorsOnAbsentKey(t *testing.T) {
	runConditionCases(t, []conditionCase{
		{"equals", "StringEquals", Values{"aws:kms"}, nil, no},
		{"not equals", "StringNotEquals", Values{"aws:kms"}, nil, yes},
		{"equals ignore case", "StringEqualsIgnoreCase", Values{"aws:kms"}, nil, no},
		{"not equals ignore case", "StringNotEqualsIgnoreCase", Values{"aws:kms"}, nil, yes},
		{"like", "StringLike", Values{"*"}, nil, no}, // even "*" needs a value
		{"not like", "StringNotLike", Values{"*"}, nil, yes},
		{"bool", "Bool", Values{"false"}, nil, no},
		{"equals ifexists", "StringEqualsIfExists", Values{"aws:kms"}, nil, yes},
		{"not equals ifexists", "StringNotEqualsIfExists", Values{"aws:kms"}, nil, yes},
		{"equals ignore case ifexists", "StringEqualsIgnoreCaseIfExists", Values{"x"}, nil, yes},
		{"not equals ignore case ifexists", "StringNotEqualsIgnoreCaseIfExists", Values{"x"}, nil, yes},
		{"like ifexists", "StringLikeIfExists", Values{"a*"}, nil, yes},
		{"not like ifexists", "StringNotLikeIfExists", Values{"a*"}, nil, yes},
		{"bool ifexists", "BoolIfExists", Values{"true"}, nil, yes},
		{"null true", "Null", Values{"true"}, nil, yes},
		{"null false", "Null", Values{"false"}, nil, no},
		// A key listed with no values is no data: absent.
		{"equals on empty list", "StringEquals", Values{"x"}, []string{}, no},
	})
}

func TestNullOnPresentKey(t *testing.T) {
	runConditionCases(t, []conditionCase{
		{"null true", "Null", Values{"true"}, []string{"aws:kms"}, no},
		{"null false", "Null", Values{"false"}, []string{"aws:kms"}, yes},
		{"null false on empty string", "Null", Values{"false"}, []string{""}, yes},
		{"null either", "Null", Values{"true", "false"}, []string{"x"}, yes},
		{"null malformed", "Null", Values{"maybe"}, []string{"x"}, maybe},
	})
}

// Set operators ("Single-valued vs. multivalued context keys"): ForAllValues
// "returns true if every context key value in the request matches at least one
// context key value in the policy. It also returns true if there are no context
// keys in the request." ForAnyValue "returns true if at least one context key
// value in the request matches at least one context key value in the policy";
// on an empty data set it returns false ("If the key values in the request
// resolve to an empty data set ... ForAllValues returns true, and ForAnyValue
// returns false"). With a negated operator each request value is tested with
// the negated operator (the AWS example "ForAllValues:StringNotLike" with
// aws:TagKeys "key1*": request ["key2:audit"] matches, ["key1:legal"] does not,
// no aws:TagKeys in the request matches).
func TestSetOperators(t *testing.T) {
	runConditionCases(t, []conditionCase{
		{"all subset", "ForAllValues:StringEquals", Values{"a", "b", "c"}, []string{"a", "b"}, yes},
		{"all not subset", "ForAllValues:StringEquals", Values{"a", "b"}, []string{"a", "x"}, no},
		{"all absent", "ForAllValues:StringEquals", Values{"a"}, nil, yes},
		{"all empty set", "ForAllValues:StringEquals", Values{"a"}, []string{}, yes},
		{"any overlap", "ForAnyValue:StringEquals", Values{"a"}, []string{"x", "a"}, yes},
		{"any disjoint", "ForAnyValue:StringEquals", Values{"a"}, []string{"x", "y"}, no},
		{"any absent", "ForAnyValue:StringEquals", Values{"a"}, nil, no},
		{"any like", "ForAnyValue:StringLike", Values{"key1*"}, []string{"x", "key1:a"}, yes},
		{"all not like none match", "ForAllValues:StringNotLike", Values{"key1*"}, []string{"key2:audit"}, yes},
		{"all not like one matches", "ForAllValues:StringNotLike", Values{"key1*"}, []string{"key1:legal"}, no},
		{"all not like mixed", "ForAllValues:StringNotLike", Values{"key1*"}, []string{"key2:a", "key1:b"}, no},
		{"all not like absent", "ForAllValues:StringNotLike", Values{"key1*"}, nil, yes},
		{"any not equals", "ForAnyValue:StringNotEquals", Values{"a"}, []string{"a", "b"}, yes},
		{"any not equals all listed", "ForAnyValue:StringNotEquals", Values{"a", "b"}, []string{"a", "b"}, no},
		{"any not equals absent", "ForAnyValue:StringNotEquals", Values{"a"}, nil, no},
		{"any ifexists absent", "ForAnyValue:StringEqualsIfExists", Values{"a"}, nil, yes},
		{"all ignore case", "ForAllValues:StringEqualsIgnoreCase", Values{"A", "B"}, []string{"a", "b"}, yes},
		{"any bool", "ForAnyValue:Bool", Values{"true"}, []string{"false", "true"}, yes},
	})
}

// A plain operator on a key with several request values: a positive operator
// holds if any value matches, a negated one if none does, so StringNotX is
// always NOT StringX on a present key.
func TestPlainOperatorOnMultivaluedKey(t *testing.T) {
	runConditionCases(t, []conditionCase{
		{"equals any", "StringEquals", Values{"a"}, []string{"x", "a"}, yes},
		{"equals none", "StringEquals", Values{"a"}, []string{"x", "y"}, no},
		{"not equals one matches", "StringNotEquals", Values{"a"}, []string{"x", "a"}, no},
		{"not equals none match", "StringNotEquals", Values{"a"}, []string{"x", "y"}, yes},
	})
}

// Operators the evaluator does not implement, and shapes IAM refuses, are
// "maybe": they never grant and, in a Deny, deny.
func TestUnsupportedOperatorsAreIndeterminate(t *testing.T) {
	runConditionCases(t, []conditionCase{
		{"numeric", "NumericLessThan", Values{"10"}, []string{"5"}, maybe},
		{"ip", "IpAddress", Values{"10.0.0.0/8"}, []string{"10.1.1.1"}, maybe},
		{"arn", "ArnLike", Values{"arn:*"}, []string{"arn:x"}, maybe},
		{"null ifexists", "NullIfExists", Values{"true"}, nil, maybe},
		{"set null", "ForAnyValue:Null", Values{"true"}, nil, maybe},
		{"unknown qualifier", "ForSomeValues:StringEquals", Values{"a"}, []string{"a"}, maybe},
		{"lowercase name", "stringequals", Values{"a"}, []string{"a"}, maybe},
		{"no values", "StringEquals", Values{}, []string{"a"}, maybe},
		{"unresolved variable", "StringEquals", Values{"${aws:username}"}, []string{"alice"}, maybe},
		{"unresolved variable, negated", "StringNotEquals", Values{"${aws:username}"}, []string{"alice"}, maybe},
		{"unresolved variable, another value decides", "StringNotEquals", Values{"${aws:username}", "alice"}, []string{"alice"}, no},
	})
}

// "If your policy statement has multiple condition operators, the condition
// operators are evaluated using a logical AND. If your policy statement has
// multiple context keys attached to a single condition operator, the context
// keys are evaluated using a logical AND."
func TestOperatorsAndKeysAreANDed(t *testing.T) {
	cond := Condition{
		"StringEquals": {"s3:x-amz-server-side-encryption": {"aws:kms"}, "s3:x-amz-acl": {"private"}},
		"StringLike":   {"s3:prefix": {"a/*"}},
	}
	full := map[string][]string{
		"s3:x-amz-server-side-encryption": {"aws:kms"},
		"s3:x-amz-acl":                    {"private"},
		"s3:prefix":                       {"a/b/"},
	}
	if got := conditionHolds(cond, full, true); got != yes {
		t.Fatalf("all keys satisfied: got %v", got)
	}
	for drop := range full {
		ctx := map[string][]string{}
		for k, v := range full {
			if k != drop {
				ctx[k] = v
			}
		}
		if got := conditionHolds(cond, ctx, true); got != no {
			t.Errorf("without %s: got %v, want no", drop, got)
		}
	}
	// A definite "no" beats an unsupported operator elsewhere in the block.
	cond["NumericLessThan"] = map[string]Values{"s3:max-keys": {"10"}}
	delete(full, "s3:x-amz-acl")
	if got := conditionHolds(cond, full, true); got != no {
		t.Errorf("definite no with an unsupported operator: got %v", got)
	}
}

// "Context key names are not case-sensitive" (IAM JSON policy elements:
// Condition).
func TestConditionKeyNamesAreCaseInsensitive(t *testing.T) {
	cond := Condition{"StringEquals": {"S3:X-Amz-Server-Side-Encryption": {"aws:kms"}}}
	ctx := map[string][]string{"s3:x-amz-server-side-encryption": {"aws:kms"}}
	if got := conditionHolds(cond, ctx, true); got != yes {
		t.Fatalf("got %v", got)
	}
}

func TestConditionVariablesNeedVersion(t *testing.T) {
	cond := Condition{"StringLike": {"s3:prefix": {"a${*}/*"}}}
	ctx := map[string][]string{"s3:prefix": {"a*/x"}}
	if got := conditionHolds(cond, ctx, true); got != yes {
		t.Errorf("2012-10-17: got %v", got)
	}
	// Without Version 2012-10-17, "variables like ${aws:username} are treated as
	// literal strings in the policy" (IAM policy elements: Variables and tags).
	if got := conditionHolds(cond, ctx, false); got != no {
		t.Errorf("old version: got %v", got)
	}
	ctx["s3:prefix"] = []string{"a${*}/x"}
	if got := conditionHolds(cond, ctx, false); got != yes {
		t.Errorf("old version, literal text: got %v", got)
	}
}

func TestConditionDoesNotAllocate(t *testing.T) {
	cond := Condition{
		"StringEquals":              {"s3:x-amz-server-side-encryption": {"aws:kms"}},
		"ForAllValues:StringLike":   {"s3:prefix": {"a/*", "b/*"}},
		"StringNotEqualsIfExists":   {"s3:delimiter": {"x"}},
		"Null":                      {"s3:versionid": {"true"}},
		"ForAnyValue:StringNotLike": {"aws:TagKeys": {"k*"}},
	}
	ctx := map[string][]string{"s3:x-amz-server-side-encryption": {"aws:kms"}, "s3:prefix": {"a/x"}, "aws:tagkeys": {"z"}}
	allocs := testing.AllocsPerRun(100, func() { conditionHolds(cond, ctx, true) })
	if allocs != 0 {
		t.Fatalf("condition evaluation allocated %v times per run", allocs)
	}
}
