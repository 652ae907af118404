package policy

import (
	"fmt"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
)

// Connection is what the generator needs to know about an S3Connection.
type Connection struct {
	// Name is the S3Connection name; every grant must name it.
	Name string
	// Partition is the ARN partition ("aws", "aws-cn", "aws-us-gov", ...);
	// "" means "aws".
	Partition string
	// KMSKeyARN is the KMS key that encrypts the connection's buckets with
	// SSE-KMS, or "" when they use SSE-S3 or no encryption. Writers then also
	// get kms:GenerateDataKey and kms:Decrypt on it (multipart uploads decrypt
	// the data key of each part), readers kms:Decrypt.
	KMSKeyARN string
}

// The actions each permission grants. Write covers PutObject,
// CreateMultipartUpload, UploadPart and CompleteMultipartUpload (all
// s3:PutObject), plus abandoning and resuming multipart uploads.
var (
	readObjectActions   = []string{"s3:GetObject"}
	writeObjectActions  = []string{"s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"}
	deleteObjectActions = []string{"s3:DeleteObject"}
	readKMSActions      = []string{"kms:Decrypt"}
	writeKMSActions     = []string{"kms:Decrypt", "kms:GenerateDataKey"}
)

// ConnectionPolicy generates the identity policy of a connection: the union
// of all grants, which must all name conn (the caller passes only Ready
// grants), packed into as few documents as limit allows. Grants without
// permissions contribute nothing. Without any statement to write it returns
// one document that allows nothing (see NoGrantsStatement). Same grants in
// any order give byte-identical documents.
func ConnectionPolicy(conn Connection, grants []grant.Grant, limit Limit) ([]Document, error) {
	p, err := planGrants(conn, grants)
	if err != nil {
		return nil, err
	}
	return pack(p.statements(), limit)
}

// SessionPolicyFor generates the session policy of principal p: the grants
// whose subjects include p's user or one of its groups, in a single document
// within SessionPolicyLimit, or a *TooLargeError. It allows nothing (see
// NoGrantsStatement) when no grant applies to p.
func SessionPolicyFor(conn Connection, grants []grant.Grant, p grant.Principal) (Document, error) {
	var mine []grant.Grant
	for i := range grants {
		if grants[i].AppliesTo(p) {
			mine = append(mine, grants[i])
		}
	}
	docs, err := ConnectionPolicy(conn, mine, SessionPolicyLimit)
	if err != nil {
		return Document{}, fmt.Errorf("session policy for %q: %w", p.User, err)
	}
	return docs[0], nil
}

// NoGrantsStatement is the whole policy when there is nothing to allow. IAM
// refuses a document without statements, and an Allow needs some resource,
// so the document denies instead: every S3 action on every resource. The
// explicit Deny also shuts out S3 permissions that other policies of the
// same role or user might give, so that a connection with no grants has no
// data access at all; KMS stays implicitly denied. The evaluator denies every
// request against it.
func NoGrantsStatement() Statement {
	return Statement{Sid: "NoGrants", Effect: Deny, Action: Values{"s3:*"}, Resource: Values{"*"}}
}

// grantPlan is the least set of permissions the grants need, before it is
// written as statements: per object scope the object actions, per bucket the
// listable prefixes and their breadcrumb parents, and the KMS actions.
type grantPlan struct {
	partition string
	kmsKey    string
	// objects maps bucket, then prefix, to the object actions granted there.
	objects map[string]map[string]map[string]bool
	// lists maps bucket to the prefixes whose contents may be listed; ""
	// means the whole bucket.
	lists map[string]map[string]bool
	// kms holds the KMS actions needed on kmsKey.
	kms map[string]bool
}

// planGrants validates the grants and collects what they allow.
func planGrants(conn Connection, grants []grant.Grant) (*grantPlan, error) {
	partition := partitionOrDefault(conn.Partition)
	if err := validatePartition(partition); err != nil {
		return nil, fmt.Errorf("connection %q: %w", conn.Name, err)
	}
	if conn.KMSKeyARN != "" {
		if err := validateKMSKeyARN(conn.KMSKeyARN, partition); err != nil {
			return nil, fmt.Errorf("connection %q: %w", conn.Name, err)
		}
	}
	p := &grantPlan{
		partition: partition,
		kmsKey:    conn.KMSKeyARN,
		objects:   map[string]map[string]map[string]bool{},
		lists:     map[string]map[string]bool{},
		kms:       map[string]bool{},
	}
	for i := range grants {
		g := &grants[i]
		if err := validateGrant(conn, g); err != nil {
			return nil, err
		}
		perms := g.Permissions
		if perms.Has(grant.Read) {
			p.addObject(g.Bucket, g.Prefix, readObjectActions)
			p.addKMS(readKMSActions)
		}
		if perms.Has(grant.Write) {
			p.addObject(g.Bucket, g.Prefix, writeObjectActions)
			p.addKMS(writeKMSActions)
		}
		if perms.Has(grant.Delete) {
			p.addObject(g.Bucket, g.Prefix, deleteObjectActions)
		}
		if perms.Has(grant.List) {
			if p.lists[g.Bucket] == nil {
				p.lists[g.Bucket] = map[string]bool{}
			}
			p.lists[g.Bucket][g.Prefix] = true
		}
	}
	p.dropSubsumed()
	return p, nil
}

// validateGrant refuses a grant the policy cannot express safely.
func validateGrant(conn Connection, g *grant.Grant) error {
	if g.Connection != conn.Name {
		return fmt.Errorf("grant %s: it is for connection %q, not %q", g.ID(), g.Connection, conn.Name)
	}
	if err := keys.ValidateBucket(g.Bucket); err != nil {
		return fmt.Errorf("grant %s: %w", g.ID(), err)
	}
	if g.Prefix != "" {
		if err := keys.ValidatePrefix(g.Prefix); err != nil {
			return fmt.Errorf("grant %s: %w", g.ID(), err)
		}
	}
	return nil
}

func (p *grantPlan) addObject(bucket, prefix string, actions []string) {
	byPrefix := p.objects[bucket]
	if byPrefix == nil {
		byPrefix = map[string]map[string]bool{}
		p.objects[bucket] = byPrefix
	}
	set := byPrefix[prefix]
	if set == nil {
		set = map[string]bool{}
		byPrefix[prefix] = set
	}
	for _, a := range actions {
		set[a] = true
	}
}

func (p *grantPlan) addKMS(actions []string) {
	if p.kmsKey == "" {
		return
	}
	for _, a := range actions {
		p.kms[a] = true
	}
}

// dropSubsumed removes what a wider grant on the same bucket already allows:
// an object action granted on a parent prefix (or the whole bucket), and a
// listable prefix under another listable prefix. Prefixes end in "/", so a
// parent is a string prefix on a segment boundary.
func (p *grantPlan) dropSubsumed() {
	for _, byPrefix := range p.objects {
		for prefix, set := range byPrefix {
			if prefix == "" {
				continue
			}
			for _, parent := range keys.Parents(prefix) {
				for a := range byPrefix[parent] {
					delete(set, a)
				}
			}
		}
		for prefix, set := range byPrefix {
			if len(set) == 0 {
				delete(byPrefix, prefix)
			}
		}
	}
	for _, prefixes := range p.lists {
		for prefix := range prefixes {
			if prefix == "" {
				continue
			}
			for _, parent := range keys.Parents(prefix) {
				if prefixes[parent] {
					delete(prefixes, prefix)
					break
				}
			}
		}
	}
}

// breadcrumbs returns the parent folders of the listable prefixes of a bucket:
// the folders a user must be able to list (with delimiter "/", one level at a
// time) to navigate down to a grant. prefixes has been through dropSubsumed,
// so no listable prefix is the parent of another and no breadcrumb is already
// listable.
func breadcrumbs(prefixes map[string]bool) map[string]bool {
	out := map[string]bool{}
	if prefixes[""] {
		return out
	}
	for prefix := range prefixes {
		for _, parent := range keys.Parents(prefix) {
			out[parent] = true
		}
	}
	return out
}
