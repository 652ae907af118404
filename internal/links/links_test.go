package links

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestTokens(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok, hash, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if seen[tok] {
			t.Fatalf("token %d repeated", len(seen))
		}
		seen[tok] = true
		if !WellFormedToken(tok) || !TokenMatches(tok, hash) || strings.Contains(hash, tok) {
			t.Fatalf("token %q, hash %q", tok, hash)
		}
		if TokenMatches(tok[:len(tok)-1]+"A", hash) && !strings.HasSuffix(tok, "A") {
			t.Fatal("a different token matched")
		}
	}
	for _, bad := range []string{"", "short", strings.Repeat("a", 42), strings.Repeat("a", 44), strings.Repeat("a", 42) + "/", strings.Repeat("a", 42) + "="} {
		if WellFormedToken(bad) {
			t.Errorf("WellFormedToken(%q) = true", bad)
		}
	}
}

func TestPassword(t *testing.T) {
	ctx := context.Background()
	h, err := HashPassword(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q", h)
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct horsE": false, "": false, strings.Repeat("x", 1000): false} {
		ok, err := VerifyPassword(ctx, h, pw)
		if err != nil || ok != want {
			t.Errorf("VerifyPassword(%.20q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	if _, err := HashPassword(ctx, "short"); err == nil {
		t.Error("a 5-byte password was accepted")
	}
	// A hash written by hand must not make a check take gigabytes.
	for _, bad := range []string{"", "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "$argon2id$v=19$m=19456,t=99,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"} {
		if _, err := VerifyPassword(ctx, bad, "whatever1"); err == nil {
			t.Errorf("VerifyPassword accepted hash %q", bad)
		}
	}
}

func TestLimiter(t *testing.T) {
	now := time.Unix(0, 0)
	l := NewLimiter(LimiterOptions{LinkBurst: 3, LinkEvery: time.Minute, SourceBurst: 5, SourceEvery: time.Minute, MaxKeys: 4, Now: func() time.Time { return now }})
	for i := range 3 {
		if ok, _ := l.Allow("ns/a", "10.0.0.1"); !ok {
			t.Fatalf("guess %d refused", i)
		}
		l.Fail("ns/a", "10.0.0.1")
	}
	ok, wait := l.Allow("ns/a", "10.0.0.2")
	if ok || wait <= 0 || wait > time.Minute {
		t.Fatalf("4th wrong guess on one link from another source: allowed %v, wait %v", ok, wait)
	}
	now = now.Add(time.Minute)
	if ok, _ := l.Allow("ns/a", "10.0.0.2"); !ok {
		t.Fatal("a token did not come back after a minute")
	}
	// Per source, across links.
	for i := range 5 {
		link := "ns/b" + string(rune('0'+i%2))
		if ok, _ := l.Allow(link, "10.0.0.9"); !ok {
			t.Fatalf("source guess %d refused", i)
		}
		l.Fail(link, "10.0.0.9")
	}
	if ok, _ := l.Allow("ns/c", "10.0.0.9"); ok {
		t.Fatal("6th wrong guess from one source allowed on a fresh link")
	}
	// Bounded: a full table refuses new keys instead of forgetting
	// attackers.
	for i := range 10 {
		l.Fail("ns/x", "192.0.2."+string(rune('0'+i)))
	}
	if n := len(l.sources); n > 4 {
		t.Fatalf("%d sources held; the bound is 4", n)
	}
	if ok, _ := l.Allow("ns/y", "198.51.100.1"); ok {
		t.Fatal("a new source was allowed with the table full of recent failures")
	}
}

func TestState(t *testing.T) {
	now := time.Unix(1000, 0)
	for _, c := range []struct {
		s    State
		want Reason
	}{
		{State{ExpiresAt: now.Add(time.Second)}, ""},
		{State{ExpiresAt: now}, ReasonExpired},
		{State{ExpiresAt: now.Add(time.Hour), Revoked: true}, ReasonRevoked},
		{State{ExpiresAt: now.Add(-time.Hour), Revoked: true}, ReasonRevoked},
		{State{ExpiresAt: now.Add(time.Hour), MaxUses: 2, Uses: 1}, ""},
		{State{ExpiresAt: now.Add(time.Hour), MaxUses: 2, Uses: 2}, ReasonUsedUp},
	} {
		ok, r := c.s.Usable(now)
		if r != c.want || ok != (c.want == "") {
			t.Errorf("%+v: %v %q, want %q", c.s, ok, r, c.want)
		}
	}
}

func TestDropKeys(t *testing.T) {
	secret := []byte("uid-1")
	seen := map[string]bool{}
	for _, name := range []string{"report.pdf", "archive.tar.gz", "README", ".env", "a.verylongextensionnamehere"} {
		for range 50 {
			k, err := DropKey(secret, "drop/", name)
			if err != nil {
				t.Fatal(err)
			}
			if seen[k] {
				t.Fatalf("key %q issued twice", k)
			}
			seen[k] = true
			if !strings.HasPrefix(k, "drop/") || strings.Count(k, "/") != 1 {
				t.Fatalf("key %q", k)
			}
			if !IssuedKey(secret, "drop/", k) {
				t.Fatalf("IssuedKey(%q) = false", k)
			}
			if IssuedKey([]byte("uid-2"), "drop/", k) || IssuedKey(secret, "other/", k) {
				t.Fatalf("%q verified under another link", k)
			}
		}
	}
	k, _ := DropKey(secret, "drop/", "report.pdf")
	if !strings.HasSuffix(k, ".pdf") {
		t.Errorf("extension lost: %q", k)
	}
	for _, forged := range []string{"drop/report.pdf", "drop/report.aaaaaaaaaaaaaaaa.pdf", "drop/sub/" + k[len("drop/"):], "drop/" + strings.Replace(k[len("drop/"):], "report", "rep0rt", 1)} {
		if IssuedKey(secret, "drop/", forged) {
			t.Errorf("IssuedKey(%q) = true", forged)
		}
	}
	for _, bad := range []string{"", ".", "..", "a/b", `a\b`, "a\x00b", "bidi\u202e.pdf", strings.Repeat("n", 201)} {
		if _, err := DropKey(secret, "drop/", bad); err == nil {
			t.Errorf("DropKey accepted %q", bad)
		}
	}
}
