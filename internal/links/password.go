package links

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, one
// lane). Each verification holds argonMemoryKiB of memory; passwordSlots
// bounds how many run at once.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
	passwordSlots  = 2
)

// Password length bounds, in bytes.
const (
	MinPasswordBytes = 8
	MaxPasswordBytes = 128
)

// ErrPasswordPolicy is returned for a password outside the length bounds.
var ErrPasswordPolicy = fmt.Errorf("a link password must be %d to %d bytes", MinPasswordBytes, MaxPasswordBytes)

// ErrMalformedHash is returned for a stored hash this package did not make.
var ErrMalformedHash = errors.New("malformed password hash")

// slots bounds the memory of concurrent verifications:
// passwordSlots × argonMemoryKiB.
var slots = make(chan struct{}, passwordSlots)

// HashPassword returns the argon2id hash of password in the PHC string
// format ($argon2id$v=19$m=…,t=…,p=…$salt$hash).
func HashPassword(ctx context.Context, password string) (string, error) {
	if len(password) < MinPasswordBytes || len(password) > MaxPasswordBytes {
		return "", ErrPasswordPolicy
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key, err := derive(ctx, password, salt, argonMemoryKiB, argonTime, argonThreads)
	if err != nil {
		return "", err
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemoryKiB, argonTime, argonThreads, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches hash. It waits for a
// verification slot (or ctx), so that a burst of guesses cannot exhaust
// memory.
func VerifyPassword(ctx context.Context, hash, password string) (bool, error) {
	if len(password) > MaxPasswordBytes {
		return false, nil
	}
	var v, m, t, p int
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrMalformedHash
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, ErrMalformedHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, ErrMalformedHash
	}
	// Bounded so that a hash written with kubectl cannot make one check
	// take gigabytes or minutes.
	if m < 8 || m > 64*1024 || t < 1 || t > 10 || p < 1 || p > 4 {
		return false, ErrMalformedHash
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return false, ErrMalformedHash
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false, ErrMalformedHash
	}
	got, err := deriveLen(ctx, password, salt, uint32(m), uint32(t), uint8(p), uint32(len(want)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

func derive(ctx context.Context, password string, salt []byte, m, t uint32, p uint8) ([]byte, error) {
	return deriveLen(ctx, password, salt, m, t, p, argonKeyLen)
}

func deriveLen(ctx context.Context, password string, salt []byte, m, t uint32, p uint8, n uint32) ([]byte, error) {
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-slots }()
	return argon2.IDKey([]byte(password), salt, t, m, p, n), nil
}
