package policy

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/s3am/s3-access-manager/internal/grant"
)

const (
	seedConnection = "partner-data"
	seedKMSKey     = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

func user(name string) grant.Subject                 { return grant.Subject{Kind: grant.User, Name: name} }
func group(name string) grant.Subject                { return grant.Subject{Kind: grant.Group, Name: name} }
func perms(ps ...grant.Permission) grant.Permissions { return grant.NewPermissions(ps...) }

// seedGrants is the scenario of the seed bug report: alice writes and lists
// partner-a's uploads and reads its processed files, bob writes partner-b's
// uploads, all in the partner-data bucket.
func seedGrants() []grant.Grant {
	return []grant.Grant{
		{Namespace: "partner-a", Name: "uploads", Connection: seedConnection, Bucket: "partner-data",
			Prefix: "partner-a/uploads/", Subjects: []grant.Subject{user("alice@partner-a.com")},
			Permissions: perms(grant.Write, grant.List)},
		{Namespace: "partner-a", Name: "processed", Connection: seedConnection, Bucket: "partner-data",
			Prefix: "partner-a/processed/", Subjects: []grant.Subject{user("alice@partner-a.com")},
			Permissions: perms(grant.Read)},
		{Namespace: "partner-b", Name: "uploads", Connection: seedConnection, Bucket: "partner-data",
			Prefix: "partner-b/uploads/", Subjects: []grant.Subject{user("bob@partner-b.com")},
			Permissions: perms(grant.Write)},
	}
}

// randomSegments share string prefixes without sharing a segment, and carry
// the characters IAM treats specially in ARNs and StringLike values.
var randomSegments = []string{
	"partner-a", "partner-b", "uploads", "uploads-old", "up", "in", "x",
	"star*", "what?", "dollar$", "${aws:username}", "sp ace", "ünï",
}

// randomGrants draws n grants over a few buckets and nested prefixes, with
// random permissions and subjects, for property tests.
func randomGrants(rng *rand.Rand, n int) []grant.Grant {
	buckets := []string{"data-eu", "data-us", "archive.example"}
	out := make([]grant.Grant, n)
	for i := range out {
		depth := rng.IntN(4)
		var b strings.Builder
		for range depth {
			b.WriteString(randomSegments[rng.IntN(len(randomSegments))])
			b.WriteByte('/')
		}
		p := grant.Permissions(rng.IntN(16))
		out[i] = grant.Grant{
			Namespace:   "ns",
			Name:        fmt.Sprintf("g%d", i),
			Connection:  seedConnection,
			Bucket:      buckets[rng.IntN(len(buckets))],
			Prefix:      b.String(),
			Subjects:    []grant.Subject{user(fmt.Sprintf("user%d", rng.IntN(4))), group(fmt.Sprintf("group%d", rng.IntN(3)))},
			Permissions: p,
		}
	}
	return out
}

// realisticGrants draws n grants on one bucket with distinct partner prefixes,
// the way a large installation looks: a partner per grant pair, uploads
// written and listed, processed files read.
func realisticGrants(n int) []grant.Grant {
	rng := rand.New(rand.NewPCG(42, uint64(n)))
	out := make([]grant.Grant, n)
	for i := range out {
		partner := fmt.Sprintf("partner-%05d", i/2)
		g := grant.Grant{
			Namespace:  partner,
			Name:       fmt.Sprintf("grant-%d", i),
			Connection: seedConnection,
			Bucket:     "partner-data",
			Subjects:   []grant.Subject{user(fmt.Sprintf("user%d@%s.example.com", rng.IntN(3), partner)), group(partner)},
		}
		if i%2 == 0 {
			g.Prefix = partner + "/uploads/"
			g.Permissions = perms(grant.Write, grant.List)
		} else {
			g.Prefix = partner + "/processed/"
			g.Permissions = perms(grant.Read, grant.List)
			if rng.IntN(4) == 0 {
				g.Permissions |= perms(grant.Delete)
			}
		}
		out[i] = g
	}
	return out
}

func shuffled(rng *rand.Rand, gs []grant.Grant) []grant.Grant {
	out := append([]grant.Grant(nil), gs...)
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
