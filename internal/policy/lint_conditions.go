package policy

import (
	"slices"
	"strings"
)

// checkConditions reports condition keys that the statement's actions never
// carry, and conditions that refuse part of a multipart upload.
//
// A request without a key fails every positive operator (StringEquals,
// StringLike, ...) and satisfies every negated one (StringNotEquals, ...),
// IfExists operators and Null "true" ("Condition operators", IAM User Guide).
// So a key an action never carries turns an Allow off, or a Deny on, for that
// action for good; that is how the seed policy's SSE condition denied every
// GetObject.
func (l *linter) checkConditions(i int, st *Statement, actions []Action) {
	allow := st.Effect == Allow
	keys := conditionKeysOf(st.Condition)
	for _, key := range keys {
		entry, known := LookupConditionKey(key)
		if !known {
			l.add(i, SeverityWarning, CodeUnknownConditionKey,
				"condition key "+key+" is not in the catalogue; if no request carries it, the condition treats it as absent",
				"check the key in the Service Authorization Reference")
			continue
		}
		holds := absentKeyHolds(st.Condition, key)
		alone := len(keys) == 1
		var missing, carrying []string
		for _, a := range actions {
			if carried, _ := ActionCarriesKey(a.Name, key); carried {
				carrying = append(carrying, a.Name)
			} else {
				missing = append(missing, a.Name)
			}
		}
		for _, a := range missing {
			l.reportNotCarried(i, allow, holds, alone, key, a, entry)
		}
		for _, a := range carrying {
			l.reportNeverOn(i, allow, holds, key, a, entry)
		}
	}
}

func (l *linter) reportNotCarried(i int, allow, holds, alone bool, key, action string, entry ConditionKey) {
	where := "requests of " + action + " never carry " + key
	if len(entry.Actions) > 0 {
		where += " (only " + strings.Join(entry.Actions, ", ") + " requests do)"
	}
	fix := "move " + action + " to a statement without this condition"
	if isSSEKey(key) {
		fix += "; to require SSE-KMS, set the bucket's default encryption rather than conditioning Allow statements"
	}
	switch {
	case allow && !holds:
		l.add(i, SeverityError, CodeConditionKeyNotCarried, where+", so the condition never holds and this statement never allows "+action, fix)
	case !allow && holds && alone:
		l.add(i, SeverityError, CodeConditionKeyNotCarried, where+", so the condition always holds and this statement denies every "+action, fix)
	default:
		l.add(i, SeverityWarning, CodeConditionKeyNotCarried, where+", so the condition on it does nothing for "+action, fix)
	}
}

// reportNeverOn reports a condition on a key that action carries on some of
// the requests it authorizes but not on others, when it refuses those others:
// an Allow whose condition fails without the key, or a Deny whose condition
// holds without it. s3:PutObject authorizes UploadPart and
// CompleteMultipartUpload, which never carry the SSE headers.
func (l *linter) reportNeverOn(i int, allow, holds bool, key, action string, entry ConditionKey) {
	ops := operationsNeverCarrying(action, entry)
	if len(ops) == 0 || allow == holds {
		return
	}
	opsText := strings.Join(ops, ", ")
	msg := action + " also authorizes " + opsText + ", whose requests never carry " + key
	if allow {
		msg += "; without IfExists the condition fails for them and multipart uploads are refused"
	} else {
		msg += "; without IfExists or a Null \"false\" guard the condition holds for them and multipart uploads are denied"
	}
	fix := "use the IfExists form of the operator"
	if !allow {
		fix += `, or add "Null": {"` + key + `": "false"} to the same statement`
	}
	if isSSEKey(key) {
		fix += "; better, enforce encryption with the bucket's default encryption and no condition at all"
	}
	l.add(i, SeverityError, CodeConditionBreaksMultipart, msg, fix)
}

// operationsNeverCarrying lists the operations that action authorizes and
// whose requests never carry the key.
func operationsNeverCarrying(action string, entry ConditionKey) []string {
	var out []string
	for _, name := range entry.NeverOn {
		op, ok := LookupOperation(name)
		if !ok {
			continue
		}
		for _, r := range op.Requires {
			if !r.CopySource && strings.EqualFold(r.Action, action) {
				out = append(out, op.Name)
				break
			}
		}
	}
	return out
}

// absentKeyHolds reports whether the statement's conditions on key all hold
// for a request that does not carry the key. Conditions on other keys are
// left out: they may go either way.
func absentKeyHolds(c Condition, key string) bool {
	for op, kv := range c {
		for k, values := range kv {
			if strings.EqualFold(k, key) && !operatorHoldsWithoutKey(op, values) {
				return false
			}
		}
	}
	return true
}

// operatorHoldsWithoutKey is the outcome of one condition operator when the
// request lacks the key ("Condition operators" and "...IfExists condition
// operators", IAM User Guide).
func operatorHoldsWithoutKey(op string, values Values) bool {
	base := op
	switch {
	case strings.HasPrefix(base, "ForAllValues:"):
		return true
	case strings.HasPrefix(base, "ForAnyValue:"):
		return false
	}
	if strings.HasSuffix(base, "IfExists") {
		return true
	}
	if base == "Null" {
		return slices.ContainsFunc(values, func(v string) bool { return strings.EqualFold(v, "true") })
	}
	return strings.Contains(base, "Not")
}

// conditionKeysOf lists the keys a condition names, sorted, each once.
func conditionKeysOf(c Condition) []string {
	var out []string
	for _, kv := range c {
		for k := range kv {
			if !slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, k) }) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

func isSSEKey(key string) bool {
	return strings.HasPrefix(strings.ToLower(key), "s3:x-amz-server-side-encryption")
}
