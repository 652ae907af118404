package auth

import (
	"container/list"
	"crypto/sha256"
	"sync"
	"time"
)

// tokenKey identifies a token in the cache by its SHA-256, so the cache never
// holds a token.
type tokenKey [sha256.Size]byte

// review is a cached TokenReview outcome: an identity, or the rejection.
type review struct {
	id      Identity
	err     error
	expires time.Time
}

// reviewCache is a bounded LRU of reviews.
type reviewCache struct {
	mu    sync.Mutex
	size  int
	order *list.List // of *cacheEntry, most recently used first
	byKey map[tokenKey]*list.Element
}

type cacheEntry struct {
	key tokenKey
	review
}

func newReviewCache(size int) *reviewCache {
	return &reviewCache{size: size, order: list.New(), byKey: make(map[tokenKey]*list.Element, size)}
}

func (c *reviewCache) get(k tokenKey, now time.Time) (review, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[k]
	if !ok {
		return review{}, false
	}
	e := el.Value.(*cacheEntry)
	if !now.Before(e.expires) {
		c.order.Remove(el)
		delete(c.byKey, k)
		return review{}, false
	}
	c.order.MoveToFront(el)
	return e.review, true
}

func (c *reviewCache) put(k tokenKey, r review) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[k]; ok {
		el.Value.(*cacheEntry).review = r
		c.order.MoveToFront(el)
		return
	}
	for c.order.Len() >= c.size {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.byKey, oldest.Value.(*cacheEntry).key)
	}
	c.byKey[k] = c.order.PushFront(&cacheEntry{key: k, review: r})
}
