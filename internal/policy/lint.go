package policy

import (
	"cmp"
	"slices"
	"strconv"
)

// Severity says whether a Finding breaks the policy or only weakens it.
type Severity string

// Severities.
const (
	// SeverityError: the policy refuses requests it is meant to allow, allows
	// more than it should, or IAM rejects it.
	SeverityError Severity = "error"
	// SeverityWarning: the policy works but is wider or noisier than needed,
	// or names something the catalogue does not know.
	SeverityWarning Severity = "warning"
)

// Finding codes. They are stable: tests, the CLI and CI pipelines match on them.
const (
	// CodeMalformedStatement: IAM would reject the statement (bad Effect,
	// missing or doubled Action/NotAction or Resource/NotResource, bad Sid).
	CodeMalformedStatement = "MalformedStatement"
	// CodeDuplicateSid: two statements share a Sid, which IAM rejects.
	CodeDuplicateSid = "DuplicateSid"
	// CodePolicyVersion: the document is not version 2012-10-17, so policy
	// variables such as ${*} are not resolved.
	CodePolicyVersion = "PolicyVersion"
	// CodeUnknownAction: an action IAM does not define, such as
	// s3:CreateMultipartUpload (error, with the real action as fix), or one
	// the catalogue does not know (warning).
	CodeUnknownAction = "UnknownAction"
	// CodeWildcardAction: an Allow names actions by wildcard.
	CodeWildcardAction = "WildcardAction"
	// CodeAllowWithNotAction: an Allow uses NotAction.
	CodeAllowWithNotAction = "AllowWithNotAction"
	// CodeAllowWithNotResource: an Allow uses NotResource.
	CodeAllowWithNotResource = "AllowWithNotResource"
	// CodeUnknownConditionKey: a condition key the catalogue does not know.
	CodeUnknownConditionKey = "UnknownConditionKey"
	// CodeConditionKeyNotCarried: a condition on a key that requests of one
	// of the statement's actions never carry, such as the SSE header on
	// s3:GetObject.
	CodeConditionKeyNotCarried = "ConditionKeyNotCarried"
	// CodeConditionBreaksMultipart: a condition on a key that the action
	// carries only on some requests, without IfExists (or a Null guard in a
	// Deny), such as an SSE condition on s3:PutObject, which UploadPart and
	// CompleteMultipartUpload then fail.
	CodeConditionBreaksMultipart = "ConditionBreaksMultipart"
	// CodeObjectResourceOnBucketAction: bucket actions with object ARNs.
	CodeObjectResourceOnBucketAction = "ObjectResourceOnBucketAction"
	// CodeBucketResourceOnObjectAction: object actions with bucket ARNs.
	CodeBucketResourceOnObjectAction = "BucketResourceOnObjectAction"
	// CodeWildcardInBucketName: an Allow's S3 resource matches buckets by
	// wildcard, or is "*".
	CodeWildcardInBucketName = "WildcardInBucketName"
	// CodePutObjectWithoutAbort: s3:PutObject without s3:AbortMultipartUpload
	// on the same objects.
	CodePutObjectWithoutAbort = "PutObjectWithoutAbortMultipartUpload"
	// CodeMissingKMSActions: S3 access to SSE-KMS objects without the KMS
	// actions it needs on LintOptions.KMSKeyARN.
	CodeMissingKMSActions = "MissingKMSActions"
)

// Finding is one defect the linter found.
type Finding struct {
	// Severity says whether the finding breaks the policy.
	Severity Severity
	// Statement is the index of the statement in the document's Statement
	// list, or -1 for the document as a whole.
	Statement int
	// Sid is the statement's Sid, if it has one.
	Sid string
	// Code is one of the Code* constants.
	Code string
	// Message says what is wrong and what it breaks.
	Message string
	// Fix says how to repair it.
	Fix string
}

// LintOptions tells the linter what it cannot see in the document itself.
type LintOptions struct {
	// KMSKeyARN is the KMS key that encrypts the buckets (SSE-KMS); when set,
	// reading needs kms:Decrypt and writing kms:GenerateDataKey and
	// kms:Decrypt on it.
	KMSKeyARN string
	// Companions are the other documents attached to the same principal. Their
	// Allow statements count when checking that permissions which must go
	// together (s3:PutObject with s3:AbortMultipartUpload, S3 with KMS) are all
	// granted; they are not linted themselves.
	Companions []Document
}

// Lint checks a policy document for the defects that break S3 uploads and
// reads or widen access: actions IAM does not define, condition keys that
// requests of an action never carry, SSE conditions that refuse multipart
// uploads, Allow with NotAction or NotResource, bucket ARNs on object actions
// and the reverse, wildcard bucket names, s3:PutObject without
// s3:AbortMultipartUpload, and missing KMS permissions. Findings come sorted
// by statement, then code.
func Lint(d Document, opts LintOptions) []Finding {
	l := &linter{doc: &d}
	if d.Version != Version {
		l.add(-1, SeverityWarning, CodePolicyVersion,
			"the policy version is "+quoteOrEmpty(d.Version)+"; policy variables such as ${*} are only resolved in version "+Version,
			`set "Version": "`+Version+`"`)
	}
	sids := map[string]int{}
	for i := range d.Statement {
		st := &d.Statement[i]
		if st.Sid != "" {
			if first, dup := sids[st.Sid]; dup {
				l.add(i, SeverityError, CodeDuplicateSid, "Sid "+st.Sid+" is also used by statement "+strconv.Itoa(first)+"; IAM rejects the policy",
					"give every statement a unique Sid")
			} else {
				sids[st.Sid] = i
			}
		}
		if !l.checkShape(i, st) {
			continue
		}
		actions := l.checkActions(i, st)
		l.checkConditions(i, st, actions)
		l.checkResources(i, st, actions)
	}
	l.checkCompanions(opts)
	slices.SortStableFunc(l.out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Statement, b.Statement), cmp.Compare(a.Code, b.Code))
	})
	return l.out
}

// LintSet lints documents attached to one principal together: each is linted
// with the others as companions. The result has one slice per document.
func LintSet(docs []Document, opts LintOptions) [][]Finding {
	out := make([][]Finding, len(docs))
	for i := range docs {
		o := opts
		o.Companions = append(slices.Clone(opts.Companions), docs[:i]...)
		o.Companions = append(o.Companions, docs[i+1:]...)
		out[i] = Lint(docs[i], o)
	}
	return out
}

// HasErrors reports whether any finding has SeverityError.
func HasErrors(findings []Finding) bool {
	return slices.ContainsFunc(findings, func(f Finding) bool { return f.Severity == SeverityError })
}

// linter accumulates findings for one document.
type linter struct {
	doc *Document
	out []Finding
}

func (l *linter) add(stmt int, sev Severity, code, msg, fix string) {
	f := Finding{Severity: sev, Statement: stmt, Code: code, Message: msg, Fix: fix}
	if stmt >= 0 {
		f.Sid = l.doc.Statement[stmt].Sid
	}
	l.out = append(l.out, f)
}

// checkShape reports statements IAM would reject; the other checks skip them.
func (l *linter) checkShape(i int, st *Statement) bool {
	ok := true
	bad := func(msg, fix string) {
		l.add(i, SeverityError, CodeMalformedStatement, msg, fix)
		ok = false
	}
	if st.Effect != Allow && st.Effect != Deny {
		bad("Effect is "+quoteOrEmpty(string(st.Effect))+"; IAM accepts only Allow or Deny", `set "Effect": "Allow" or "Deny"`)
	}
	if (len(st.Action) == 0) == (len(st.NotAction) == 0) {
		bad("a statement needs exactly one of Action and NotAction", "list the actions under Action")
	}
	if (len(st.Resource) == 0) == (len(st.NotResource) == 0) {
		bad("a statement needs exactly one of Resource and NotResource", "list the resources under Resource")
	}
	for _, c := range st.Sid {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			bad("Sid "+quoteOrEmpty(st.Sid)+" has characters other than letters and digits, which IAM rejects in identity policies",
				"use only A-Z, a-z and 0-9 in Sids")
			break
		}
	}
	return ok
}

// quoteOrEmpty quotes s for a message, saying "empty" for "".
func quoteOrEmpty(s string) string {
	if s == "" {
		return "empty"
	}
	return `"` + s + `"`
}
