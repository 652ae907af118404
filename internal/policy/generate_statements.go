package policy

import (
	"slices"
	"strings"
)

// Sid names of generated statements, in the order documents list them.
// Object statements are named after the permissions they carry.
var generatedSidOrder = []string{
	"Read", "ReadWrite", "ReadWriteDelete", "ReadDelete", "Write", "WriteDelete", "Delete",
	"List", "ListParents", "KMS",
}

// statements writes the plan as Allow statements, one per distinct action set
// (and condition), each listing every resource it applies to. Bucket-level
// and object-level actions never share a statement, and conditions appear
// only on the ListBucket statements, whose action carries s3:prefix and
// s3:delimiter. Nothing here puts a condition on s3:PutObject: an SSE
// condition there would refuse UploadPart, which carries no SSE header.
func (p *grantPlan) statements() []Statement {
	var out []Statement
	out = append(out, p.objectStatements()...)
	out = append(out, p.listStatements()...)
	out = append(out, p.breadcrumbStatements()...)
	if len(p.kms) > 0 {
		out = append(out, Statement{
			Sid:      "KMS",
			Effect:   Allow,
			Action:   sortedSet(p.kms),
			Resource: Values{p.kmsKey},
		})
	}
	return out
}

// objectStatements merges object scopes with equal action sets.
func (p *grantPlan) objectStatements() []Statement {
	byActions := map[string]*Statement{}
	for bucket, byPrefix := range p.objects {
		for prefix, set := range byPrefix {
			actions := sortedSet(set)
			k := strings.Join(actions, ",")
			st := byActions[k]
			if st == nil {
				st = &Statement{Sid: objectSid(set), Effect: Allow, Action: actions}
				byActions[k] = st
			}
			st.Resource = append(st.Resource, ObjectARN(p.partition, bucket, prefix))
		}
	}
	return collectStatements(byActions)
}

// listStatements allows listing the contents of each listable prefix: on the
// bucket, with s3:prefix matching "<prefix>*". A whole-bucket grant lists
// without a condition. Buckets with the same listable prefixes share one
// statement.
func (p *grantPlan) listStatements() []Statement {
	byCondition := map[string]*Statement{}
	for bucket, prefixes := range p.lists {
		var st *Statement
		if prefixes[""] {
			st = byCondition[""]
			if st == nil {
				st = &Statement{Sid: "List", Effect: Allow, Action: Values{"s3:ListBucket"}}
				byCondition[""] = st
			}
		} else {
			values := make(Values, 0, len(prefixes))
			for prefix := range prefixes {
				values = append(values, EscapeWildcards(prefix)+"*")
			}
			slices.Sort(values)
			k := strings.Join(values, "\x00")
			st = byCondition[k]
			if st == nil {
				st = &Statement{
					Sid:       "List",
					Effect:    Allow,
					Action:    Values{"s3:ListBucket"},
					Condition: Condition{"StringLike": {"s3:prefix": values}},
				}
				byCondition[k] = st
			}
		}
		st.Resource = append(st.Resource, BucketARN(p.partition, bucket))
	}
	return collectStatements(byCondition)
}

// breadcrumbStatements allows listing each parent folder of a listable
// prefix one level deep (s3:prefix equal to the parent, s3:delimiter "/"), so
// that a browser can walk from the bucket root down to the grant. It shows
// the names of sibling folders and of objects directly in those parents, and
// nothing deeper.
func (p *grantPlan) breadcrumbStatements() []Statement {
	byCondition := map[string]*Statement{}
	for bucket, prefixes := range p.lists {
		parents := breadcrumbs(prefixes)
		if len(parents) == 0 {
			continue
		}
		values := make(Values, 0, len(parents))
		for parent := range parents {
			values = append(values, EscapeVariables(parent))
		}
		slices.Sort(values)
		k := strings.Join(values, "\x00")
		st := byCondition[k]
		if st == nil {
			st = &Statement{
				Sid:    "ListParents",
				Effect: Allow,
				Action: Values{"s3:ListBucket"},
				Condition: Condition{"StringEquals": {
					"s3:prefix":    values,
					"s3:delimiter": Values{"/"},
				}},
			}
			byCondition[k] = st
		}
		st.Resource = append(st.Resource, BucketARN(p.partition, bucket))
	}
	return collectStatements(byCondition)
}

// collectStatements returns the statements of a merge map with their
// resources sorted; pack puts the statements themselves in canonical order.
func collectStatements(m map[string]*Statement) []Statement {
	out := make([]Statement, 0, len(m))
	for _, st := range m {
		slices.Sort(st.Resource)
		out = append(out, *st)
	}
	return out
}

// objectSid names an object statement after the permissions it carries.
func objectSid(actions map[string]bool) string {
	var b strings.Builder
	if actions["s3:GetObject"] {
		b.WriteString("Read")
	}
	if actions["s3:PutObject"] {
		b.WriteString("Write")
	}
	if actions["s3:DeleteObject"] {
		b.WriteString("Delete")
	}
	if b.Len() == 0 {
		return "Objects"
	}
	return b.String()
}

func sortedSet(set map[string]bool) Values {
	out := make(Values, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}
