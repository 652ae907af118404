package policy

import "fmt"

// Request is one IAM authorization request: an action on a resource ARN, with
// the request context keys (s3:prefix, s3:x-amz-server-side-encryption, ...)
// and their values. A key with no values counts as absent.
type Request struct {
	// Action is "service:Operation", such as "s3:PutObject".
	Action string
	// Resource is the ARN the action is authorized against.
	Resource string
	// Context maps condition keys to their values in the request.
	Context map[string][]string
}

// Reason says why a Decision came out as it did.
type Reason string

// Decision reasons.
const (
	// ReasonAllowed: an Allow statement applies and no Deny does.
	ReasonAllowed Reason = "Allowed"
	// ReasonExplicitDeny: a Deny statement applies. It wins over any Allow.
	ReasonExplicitDeny Reason = "ExplicitDeny"
	// ReasonIndeterminateDeny: a Deny statement (or one with an unknown Effect)
	// might apply, but the evaluator cannot tell because the statement uses an
	// operator it does not implement, an unresolvable policy variable, or a
	// shape IAM would refuse. The evaluator fails closed instead of guessing.
	ReasonIndeterminateDeny Reason = "IndeterminateDeny"
	// ReasonImplicitDeny: no Allow statement of the identity policies applies.
	ReasonImplicitDeny Reason = "ImplicitDeny"
	// ReasonSessionPolicyImplicitDeny: the identity policies allow the request
	// but no statement of the session policy does.
	ReasonSessionPolicyImplicitDeny Reason = "SessionPolicyImplicitDeny"
)

// PolicyType names the set of documents a StatementRef points into.
type PolicyType string

// Policy types.
const (
	IdentityPolicyType PolicyType = "Identity"
	SessionPolicyType  PolicyType = "Session"
)

// StatementRef names the statement that decided a request.
type StatementRef struct {
	// Policy says whether Document indexes the identity or the session documents.
	Policy PolicyType
	// Document is the index of the document in the slice that was evaluated.
	Document int
	// Index is the index of the statement in the document.
	Index int
	// Sid and Effect are copied from the statement.
	Sid    string
	Effect Effect
}

// String names the statement for messages, e.g.
// "Identity policy 0 statement 2 ReadWrite (Allow)".
func (s StatementRef) String() string {
	sid := s.Sid
	if sid == "" {
		sid = "(no Sid)"
	}
	return fmt.Sprintf("%s policy %d statement %d %s (%s)", s.Policy, s.Document, s.Index, sid, s.Effect)
}

// Decision is the outcome of evaluating a request.
type Decision struct {
	// Allowed is true only for ReasonAllowed.
	Allowed bool
	Reason  Reason
	// Statement is the deciding statement: the Deny that applied, or the
	// identity Allow that applied. It is nil for implicit denies.
	Statement *StatementRef
	// SessionStatement is the session policy's Allow when EvaluateSession
	// allows; nil otherwise.
	SessionStatement *StatementRef
}

// String gives the reason and the deciding statements, for messages.
func (d Decision) String() string {
	s := string(d.Reason)
	if d.Statement != nil {
		s += " by " + d.Statement.String()
	}
	if d.SessionStatement != nil {
		s += " and " + d.SessionStatement.String()
	}
	return s
}

// Evaluate decides a request against identity policies the way IAM does
// ("Policy evaluation logic", IAM User Guide): denied by default, allowed if an
// Allow statement applies, and denied whenever a Deny statement applies, which
// overrides any Allow. Statements are tried in document order and the first
// deciding one is reported.
//
// It supports Action/NotAction and Resource/NotResource with '*' and '?', policy
// variables (${*}, ${?}, ${$}, ${key} from the request context and
// ${key, 'default'}) in Resource and string condition values of 2012-10-17
// documents, and the condition operators StringEquals, StringNotEquals,
// StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike, StringNotLike,
// Bool and Null, with IfExists and the ForAllValues:/ForAnyValue: qualifiers.
// Anything else it cannot decide never allows and, in a Deny statement, denies
// (ReasonIndeterminateDeny). A Request is one authorization: an S3 call that S3
// authorizes with several (UploadPartCopy: s3:PutObject on the destination and
// s3:GetObject on the source) needs each evaluated. Evaluate allocates only
// the returned StatementRef and never panics, whatever the documents hold.
func Evaluate(docs []Document, r Request) Decision {
	e := evaluate(docs, &r, IdentityPolicyType)
	return e.decision(ReasonImplicitDeny)
}

// EvaluateSession decides a request made with temporary credentials whose
// session policy is session and whose role carries the identity policies. As
// IAM documents for session policies, the resulting permissions are the
// intersection of both sets: both must allow, and a Deny in either wins. An
// empty session set therefore allows nothing; use Evaluate for sessions
// created without a session policy.
func EvaluateSession(identity, session []Document, r Request) Decision {
	id := evaluate(identity, &r, IdentityPolicyType)
	if id.deny.ok && id.explicit {
		return id.decision(ReasonImplicitDeny)
	}
	sess := evaluate(session, &r, SessionPolicyType)
	switch {
	case sess.deny.ok && sess.explicit:
		return sess.decision(ReasonSessionPolicyImplicitDeny)
	case id.deny.ok:
		return id.decision(ReasonImplicitDeny)
	case sess.deny.ok:
		return sess.decision(ReasonSessionPolicyImplicitDeny)
	case !id.allow.ok:
		return id.decision(ReasonImplicitDeny)
	case !sess.allow.ok:
		return sess.decision(ReasonSessionPolicyImplicitDeny)
	}
	d := id.decision(ReasonImplicitDeny)
	d.SessionStatement = sess.allow.ptr()
	return d
}

// hit is a statement located during evaluation, kept by value so that
// evaluation allocates nothing until the decision is returned.
type hit struct {
	ok bool
	at StatementRef
}

func (h hit) ptr() *StatementRef {
	if !h.ok {
		return nil
	}
	r := h.at
	return &r
}

// outcome is what one set of documents says about a request.
type outcome struct {
	allow hit
	// deny is the first applying Deny; explicit says it certainly applies, as
	// opposed to an indeterminate one.
	deny     hit
	explicit bool
}

func (o outcome) decision(implicit Reason) Decision {
	switch {
	case o.deny.ok && o.explicit:
		return Decision{Reason: ReasonExplicitDeny, Statement: o.deny.ptr()}
	case o.deny.ok:
		return Decision{Reason: ReasonIndeterminateDeny, Statement: o.deny.ptr()}
	case o.allow.ok:
		return Decision{Allowed: true, Reason: ReasonAllowed, Statement: o.allow.ptr()}
	}
	return Decision{Reason: implicit}
}

func evaluate(docs []Document, req *Request, policy PolicyType) outcome {
	var o outcome
	r := newTarget(req)
	for di := range docs {
		d := &docs[di]
		vars := d.Version == Version
		for si := range d.Statement {
			st := &d.Statement[si]
			if st.Effect == Allow && o.allow.ok {
				continue // only a Deny can change the outcome now
			}
			applies := statementApplies(st, &r, vars)
			if applies == no {
				continue
			}
			ref := StatementRef{Policy: policy, Document: di, Index: si, Sid: st.Sid, Effect: st.Effect}
			switch {
			case st.Effect == Allow:
				if applies == yes {
					o.allow = hit{true, ref}
				}
			case st.Effect == Deny && applies == yes:
				o.deny, o.explicit = hit{true, ref}, true
				return o
			default: // a Deny that may apply, or an Effect IAM does not know
				if !o.deny.ok {
					o.deny = hit{true, ref}
				}
			}
		}
	}
	return o
}
