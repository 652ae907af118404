package objects

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"golang.org/x/sync/singleflight"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/policy"
	"github.com/s3am/s3-access-manager/internal/s3conn"
)

// sessionCache mints and keeps STS credentials whose session policy is a
// principal's own generated policy, one set per subject (user and groups).
//
// Invalidate bumps a generation number and empties the map; a mint that
// started before the bump stores nothing, and callers that start after it
// join a new flight (flights are keyed by generation), so no credential
// minted from superseded grants is handed out to a request that starts
// after Invalidate returned.
type sessionCache struct {
	cfg      aws.Config
	spec     v1alpha1.S3ConnectionSpec
	conn     policy.Connection
	grants   GrantSource
	duration time.Duration
	limit    int
	// timeout bounds one mint.
	timeout time.Duration
	// shortest is the shortest session minted for grants that end soon:
	// STS's minimum, and long enough for a URL of the maximum TTL.
	shortest time.Duration

	mu      sync.Mutex
	gen     uint64
	entries map[string]*session
	flights singleflight.Group

	hits, mints atomic.Uint64
}

// session is one principal's scoped credentials.
type session struct {
	creds aws.Credentials
}

func newSessionCache(cfg aws.Config, spec v1alpha1.S3ConnectionSpec, conn policy.Connection, grants GrantSource, duration time.Duration, limit int) *sessionCache {
	return &sessionCache{
		cfg: cfg, spec: spec, conn: conn, grants: grants, duration: duration, limit: limit, timeout: mintTimeout,
		entries: map[string]*session{},
	}
}

// ScopingStats counts what the scoped-credential cache did, for metrics.
type ScopingStats struct {
	// Hits is how many presign calls reused cached credentials.
	Hits uint64
	// Mints is how many times credentials were minted with STS.
	Mints uint64
	// Cached is how many principals have credentials cached now.
	Cached int
}

// ScopingStats returns the scoped-credential cache's counters; all zero when
// the connection does not scope credentials.
func (s *Service) ScopingStats() ScopingStats {
	c := s.scoped
	if c == nil {
		return ScopingStats{}
	}
	c.mu.Lock()
	n := len(c.entries)
	c.mu.Unlock()
	return ScopingStats{Hits: c.hits.Load(), Mints: c.mints.Load(), Cached: n}
}

// Invalidate drops every cached scoped credential. The server calls it
// whenever the grants that Options.Grants returns change; later presign
// calls mint credentials from the new grants. URLs already handed out stay
// valid until they expire: S3 checks a session's policy when the session
// signs, and the policy is fixed inside it. Invalidate is cheap and a no-op
// for connections that do not scope credentials.
func (s *Service) Invalidate() {
	c := s.scoped
	if c == nil {
		return
	}
	c.mu.Lock()
	c.gen++
	clear(c.entries)
	c.mu.Unlock()
}

// get returns credentials for p that stay valid at least validFor (plus a
// margin) from now, from the cache or freshly minted.
func (c *sessionCache) get(ctx context.Context, op string, p grant.Principal, validFor time.Duration) (aws.Credentials, error) {
	if p.User == "" {
		return aws.Credentials{}, invalid(op, "the principal has no user name")
	}
	p = normalize(p)
	key := subjectKey(p)
	c.mu.Lock()
	gen := c.gen
	e := c.entries[key]
	c.mu.Unlock()
	if e != nil && usable(e.creds, validFor) {
		c.hits.Add(1)
		return e.creds, nil
	}

	ch := c.flights.DoChan(strconv.FormatUint(gen, 10)+"\x00"+key, func() (any, error) {
		return c.mint(ctx, op, key, p, gen)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return aws.Credentials{}, forCaller(op, r.Err)
		}
		creds, ok := r.Val.(aws.Credentials)
		if !ok || !usable(creds, validFor) {
			// Only a session shorter than the TTL gets here, which New refuses.
			return aws.Credentials{}, &Error{Kind: KindInternal, Op: op, Message: "scoped credentials expire before the URL would"}
		}
		return creds, nil
	case <-ctx.Done():
		return aws.Credentials{}, canceled(ctx, op)
	}
}

// forCaller copies an error shared by the callers of one flight, so that
// each sees its own operation and none can change another's.
func forCaller(op string, err error) error {
	e, ok := err.(*Error)
	if !ok {
		return err
	}
	mine := *e
	mine.Op = op
	return &mine
}

// mint asks STS for credentials restricted to p's session policy and caches
// them if no Invalidate happened since gen. It runs detached from the
// caller's context: callers that join the flight share its result.
func (c *sessionCache) mint(ctx context.Context, op, key string, p grant.Principal, gen uint64) (aws.Credentials, error) {
	grants := c.grantsOfConnection(p)
	doc, err := policy.SessionPolicyFor(c.conn, grants, p)
	if err != nil {
		msg := "the caller's session policy cannot be generated"
		if _, ok := errors.AsType[*policy.TooLargeError](err); ok {
			msg = "the caller's grants do not fit in one STS session policy; presigning with scoped credentials is impossible until they are merged"
		}
		return aws.Credentials{}, &Error{Kind: KindInternal, Op: op, Message: msg, cause: err}
	}
	policyJSON, err := doc.JSON()
	if err != nil {
		return aws.Credentials{}, &Error{Kind: KindInternal, Op: op, Message: "encode session policy", cause: err}
	}
	mintCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
	defer cancel()
	c.mints.Add(1)
	creds, err := s3conn.AssumeWithSessionPolicy(mintCtx, c.cfg, c.spec, string(policyJSON), sessionName(p.User), sessionLength(grants, time.Now(), c.shortest, c.duration))
	if err != nil {
		e := fromSDK(op, err)
		e.Message = "mint scoped credentials: " + e.Message
		return aws.Credentials{}, e
	}
	out := creds.AWS()
	c.mu.Lock()
	if c.gen == gen {
		c.evictFor(key)
		c.entries[key] = &session{creds: out}
	}
	c.mu.Unlock()
	return out, nil
}

// grantsOfConnection returns the source's grants of p for this connection
// only: the policy generator refuses grants of other connections.
func (c *sessionCache) grantsOfConnection(p grant.Principal) []grant.Grant {
	all := c.grants(p)
	mine := make([]grant.Grant, 0, len(all))
	for i := range all {
		if all[i].Connection == c.conn.Name {
			mine = append(mine, all[i])
		}
	}
	return mine
}

// evictFor makes room for key: first dropping sessions too close to expiry
// to sign anything, then, if the cache is still full, an arbitrary one.
// c.mu is held.
func (c *sessionCache) evictFor(key string) {
	if _, ok := c.entries[key]; ok || len(c.entries) < c.limit {
		return
	}
	for k, e := range c.entries {
		if !usable(e.creds, time.Second) {
			delete(c.entries, k)
		}
	}
	for k := range c.entries {
		if len(c.entries) < c.limit {
			return
		}
		delete(c.entries, k)
	}
}

// usable reports whether creds stay valid for d plus the margin.
func usable(creds aws.Credentials, d time.Duration) bool {
	return !creds.CanExpire || time.Until(creds.Expires) >= d+credentialMargin
}

// normalize sorts and deduplicates p's groups, so that every ordering of the
// same groups shares one cache entry and one policy.
func normalize(p grant.Principal) grant.Principal {
	groups := slices.Clone(p.Groups)
	slices.Sort(groups)
	return grant.Principal{User: p.User, Groups: slices.Compact(groups)}
}

// subjectKey identifies a normalized principal for the cache: the user and
// its groups, each length-prefixed so that no two principals share a key.
func subjectKey(p grant.Principal) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(p.User)))
	b.WriteByte(':')
	b.WriteString(p.User)
	for _, g := range p.Groups {
		b.WriteByte(',')
		b.WriteString(strconv.Itoa(len(g)))
		b.WriteByte(':')
		b.WriteString(g)
	}
	return b.String()
}

// sessionName makes an STS RoleSessionName ([A-Za-z0-9+=,.@_-]{2,64}) from
// a user name, so that CloudTrail shows whose session signed a URL.
func sessionName(user string) string {
	var b strings.Builder
	b.WriteString("s3am-")
	for _, r := range user {
		if b.Len() >= 64 {
			break
		}
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', strings.ContainsRune("+=,.@_-", r):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// sessionLength is how long a session scoped to grants lasts: longest, or
// less when a grant ends sooner, so that the session's policy does not
// outlive what it was made from by more than the margin; never below
// shortest (URLs signed with it are capped at their own grant's end).
func sessionLength(grants []grant.Grant, now time.Time, shortest, longest time.Duration) time.Duration {
	d := longest
	for i := range grants {
		if end := grants[i].ValidUntil; !end.IsZero() {
			d = min(d, end.Sub(now)+credentialMargin)
		}
	}
	return max(d, min(shortest, longest)).Truncate(time.Second)
}
