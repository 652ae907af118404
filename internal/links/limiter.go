package links

import (
	"sync"
	"time"
)

// Limiter bounds password guesses per link and per source address with
// token buckets held in two maps of bounded size. Only failed guesses take
// a token; when a map is full and none of its buckets has refilled, a new
// key is refused (fail closed) rather than evicting one under attack.
type Limiter struct {
	mu      sync.Mutex
	now     func() time.Time
	perLink bucketSpec
	perSrc  bucketSpec
	links   map[string]*bucket
	sources map[string]*bucket
	max     int
}

// bucketSpec is a burst and the interval at which one token comes back.
type bucketSpec struct {
	burst float64
	every time.Duration
}

type bucket struct {
	tokens float64
	at     time.Time
}

// LimiterOptions configure NewLimiter; zero values take the defaults.
type LimiterOptions struct {
	// LinkBurst failed guesses on one link, then one per LinkEvery
	// (default 5, one a minute).
	LinkBurst int
	LinkEvery time.Duration
	// SourceBurst failed guesses from one address, then one per SourceEvery
	// (default 10, one a minute).
	SourceBurst int
	SourceEvery time.Duration
	// MaxKeys bounds each map (default 10,000).
	MaxKeys int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// NewLimiter returns a Limiter.
func NewLimiter(o LimiterOptions) *Limiter {
	l := &Limiter{
		now:     o.Now,
		perLink: bucketSpec{float64(orInt(o.LinkBurst, 5)), orDur(o.LinkEvery, time.Minute)},
		perSrc:  bucketSpec{float64(orInt(o.SourceBurst, 10)), orDur(o.SourceEvery, time.Minute)},
		links:   map[string]*bucket{},
		sources: map[string]*bucket{},
		max:     orInt(o.MaxKeys, 10000),
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l
}

// Allow reports whether a guess on link from source may be checked now,
// and if not, how long until it may.
func (l *Limiter) Allow(link, source string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	lb, ok1 := l.get(l.links, l.perLink, link, now)
	sb, ok2 := l.get(l.sources, l.perSrc, source, now)
	if !ok1 || !ok2 {
		return false, l.perSrc.every
	}
	wait := max(lb.wait(l.perLink), sb.wait(l.perSrc))
	return wait == 0, wait
}

// Fail takes a token from the link's and the source's buckets after a
// wrong password.
func (l *Limiter) Fail(link, source string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if b, ok := l.get(l.links, l.perLink, link, now); ok {
		b.tokens = max(b.tokens-1, 0)
	}
	if b, ok := l.get(l.sources, l.perSrc, source, now); ok {
		b.tokens = max(b.tokens-1, 0)
	}
}

// get returns key's bucket refilled to now, creating it if there is room.
func (l *Limiter) get(m map[string]*bucket, spec bucketSpec, key string, now time.Time) (*bucket, bool) {
	b, ok := m[key]
	if !ok {
		if len(m) >= l.max {
			l.sweep(m, spec, now)
			if len(m) >= l.max {
				return nil, false
			}
		}
		b = &bucket{tokens: spec.burst, at: now}
		m[key] = b
		return b, true
	}
	if el := now.Sub(b.at); el > 0 {
		b.tokens = min(spec.burst, b.tokens+float64(el)/float64(spec.every))
		b.at = now
	}
	return b, true
}

// sweep drops the buckets that have refilled: they hold no information.
func (l *Limiter) sweep(m map[string]*bucket, spec bucketSpec, now time.Time) {
	for k, b := range m {
		if b.tokens+float64(now.Sub(b.at))/float64(spec.every) >= spec.burst {
			delete(m, k)
		}
	}
}

// wait is how long until b holds a whole token.
func (b *bucket) wait(spec bucketSpec) time.Duration {
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(spec.every))
}

func orInt(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

func orDur(v, def time.Duration) time.Duration {
	if v > 0 {
		return v
	}
	return def
}
