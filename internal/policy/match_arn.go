package policy

import "strings"

// arnFields is the number of colon-separated fields of an ARN:
// arn:partition:service:region:account:resource. The resource field keeps any
// further colons (S3 object keys may contain them).
const arnFields = 6

// matchResource compares a Resource/NotResource pattern with the ARN of the
// request. Like ArnLike, each of the first five ARN fields is matched on its
// own, so a '*' in the region field cannot swallow the account; the resource
// field is matched as a whole, so '*' crosses '/' there. A pattern that is
// neither "*" nor a six-field ARN is one IAM refuses ("must be in ARN format or
// '*'"): it can still definitely not match, but never definitely match.
func matchResource(pattern, arn string, mode matchMode, ctx map[string][]string) tri {
	return matchResourceSplit(pattern, arn, fieldEnds(arn, false), mode, ctx)
}

// matchResourceSplit is matchResource with the request ARN already split, so
// that a statement list splits it once.
func matchResourceSplit(pattern, arn string, vFields arnSplit, mode matchMode, ctx map[string][]string) tri {
	if pattern == "*" {
		return yes
	}
	// The text before the first wildcard or variable is literal in every field,
	// so the ARN must start with it: a cheap reject for most statements.
	if !strings.HasPrefix(arn, literalPrefix(pattern, mode)) {
		return no
	}
	pFields := fieldEnds(pattern, mode&modeVars != 0)
	if pFields.n < arnFields || vFields.n < arnFields {
		m := match(pattern, arn, mode, ctx)
		if m == yes && pFields.n < arnFields {
			return maybe
		}
		return m
	}
	result := yes
	pStart, vStart := 0, 0
	for f := 0; f < arnFields; f++ {
		pEnd, vEnd := pFields.ends[f], vFields.ends[f]
		result = result.and(match(pattern[pStart:pEnd], arn[vStart:vEnd], mode, ctx))
		if result == no {
			return no
		}
		pStart, vStart = pEnd+1, vEnd+1
	}
	return result
}

// arnSplit holds where each of the first six fields of an ARN ends.
type arnSplit struct {
	ends [arnFields]int
	n    int
}

// fieldEnds splits s at its first five colons. With vars set, colons inside
// ${...} (as in ${aws:username}) do not split.
func fieldEnds(s string, vars bool) arnSplit {
	var sp arnSplit
	for i := 0; i < len(s) && sp.n < arnFields-1; i++ {
		switch {
		case vars && s[i] == '$' && strings.HasPrefix(s[i:], "${"):
			if end := strings.IndexByte(s[i:], '}'); end > 0 {
				i += end
			}
		case s[i] == ':':
			sp.ends[sp.n] = i
			sp.n++
		}
	}
	sp.ends[sp.n] = len(s)
	sp.n++
	return sp
}

// literalPrefix is the part of a resource pattern before its first '*', '?' or
// (with modeVars) "${".
func literalPrefix(p string, mode matchMode) string {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '*', '?':
			return p[:i]
		case '$':
			if mode&modeVars != 0 && strings.HasPrefix(p[i:], "${") {
				return p[:i]
			}
		}
	}
	return p
}
