package policy

import "strings"

// touchesBucketData reports whether an Action list names, exactly or by
// wildcard, any action on buckets or objects.
func touchesBucketData(entries Values) bool {
	for _, e := range entries {
		for _, a := range matchingActions(e) {
			if a.Resource == ResourceBucket || a.Resource == ResourceObject {
				return true
			}
		}
	}
	return false
}

// resourceKind classifies a Resource entry for the bucket/object checks.
type resourceKind uint8

const (
	kindOther    resourceKind = iota
	kindBucket                // arn:...:s3:::bucket
	kindObject                // arn:...:s3:::bucket/key
	kindAnyS3                 // "*" or a bucket-name wildcard: buckets and objects alike
	kindWildcard              // "*" alone
)

func classifyResource(r string) (resourceKind, s3ARN) {
	if r == "*" {
		return kindWildcard, s3ARN{}
	}
	a, ok := parseS3ARN(r)
	switch {
	case !ok:
		return kindOther, a
	case hasUnescapedWildcard(a.bucket):
		return kindAnyS3, a
	case a.hasKey:
		return kindObject, a
	}
	return kindBucket, a
}

// checkResources reports wildcard bucket names in Allow statements and ARNs
// of the wrong kind for the statement's actions: IAM checks bucket actions
// against the bucket ARN and object actions against the object ARN, so the
// other kind never matches.
func (l *linter) checkResources(i int, st *Statement, actions []Action) {
	var bucketActs, objectActs []string
	for _, a := range actions {
		switch a.Resource {
		case ResourceBucket:
			bucketActs = append(bucketActs, a.Name)
		case ResourceObject:
			objectActs = append(objectActs, a.Name)
		}
	}
	if !touchesBucketData(st.Action) {
		return
	}
	var buckets, objects, wide []string
	for _, r := range st.Resource {
		kind, a := classifyResource(r)
		switch kind {
		case kindBucket:
			buckets = append(buckets, r)
		case kindObject:
			objects = append(objects, r)
		case kindAnyS3, kindWildcard:
			wide = append(wide, r)
			if st.Effect == Allow {
				msg := "the resource " + r + " matches every bucket"
				if kind == kindAnyS3 {
					msg = "the bucket name " + a.bucket + " in " + r + " is a wildcard and matches buckets the grant does not name"
				}
				l.add(i, SeverityError, CodeWildcardInBucketName, msg, "name each bucket exactly")
			}
		}
	}
	l.checkMismatch(i, bucketActionsOnObjectARNs, bucketActs, objects, len(buckets)+len(wide))
	l.checkMismatch(i, objectActionsOnBucketARN, objectActs, buckets, len(objects)+len(wide))
}

// resourceMismatch is one direction of the bucket/object check: actions of
// one kind given only, or also, ARNs of the other kind.
type resourceMismatch struct {
	code     string
	kind     string // of the actions: "bucket" or "object"
	checked  string // what IAM checks them against, then the wrong ARN
	resource string // the Resource they need
}

var (
	bucketActionsOnObjectARNs = resourceMismatch{CodeObjectResourceOnBucketAction, "bucket",
		"the bucket ARN, never against object ARNs such as ", "arn:<partition>:s3:::<bucket>"}
	objectActionsOnBucketARN = resourceMismatch{CodeBucketResourceOnObjectAction, "object",
		"object ARNs, never against the bucket ARN ", "arn:<partition>:s3:::<bucket>/<prefix>*"}
)

// checkMismatch reports acts given the ARNs wrong: a warning while the
// statement also names right ARNs of their own kind, else an error, since
// they are never allowed.
func (l *linter) checkMismatch(i int, m resourceMismatch, acts, wrong []string, right int) {
	if len(acts) == 0 || len(wrong) == 0 {
		return
	}
	sev, tail := SeverityWarning, "; split bucket and object actions into separate statements"
	if right == 0 {
		sev, tail = SeverityError, ", and the statement names no "+m.kind+" ARN, so they are never allowed"
	}
	names := strings.Join(acts, ", ")
	l.add(i, sev, m.code,
		m.kind+" actions "+names+" are checked against "+m.checked+wrong[0]+tail,
		"give "+names+" their own statement with Resource "+m.resource)
}
