package auth

import "time"

// SetSessionsClock makes s read the time from now.
func SetSessionsClock(s *Sessions, now func() time.Time) { s.now = now }

// SetJWKSClock makes o's key set read the time from now.
func SetJWKSClock(o *OIDC, now func() time.Time) { o.keys.now = now }

// SetReviewClock makes s read the time from now.
func SetReviewClock(s *ServiceAccounts, now func() time.Time) { s.now = now }

// ReviewCacheLen returns the number of cached reviews.
func ReviewCacheLen(s *ServiceAccounts) int {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	return s.cache.order.Len()
}

// JWKSMinRefresh exposes jwksMinRefresh.
const JWKSMinRefresh = jwksMinRefresh

// IsServiceAccountUser exposes isServiceAccountUser.
var IsServiceAccountUser = isServiceAccountUser
