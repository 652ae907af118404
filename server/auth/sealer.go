package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// sealFormat is the first byte of every sealed value, so that the format can
// change without old cookies being misread.
const sealFormat = 1

// sealer encrypts and authenticates cookie values with AES-256-GCM. The
// purpose is bound as additional data, so a value sealed for one cookie
// (the login state) cannot be replayed as another (the session).
type sealer struct {
	aeads []cipher.AEAD // aeads[0] seals; all of them open
}

func newSealer(key Secret, previous []Secret) (*sealer, error) {
	s := &sealer{}
	for i, k := range append([]Secret{key}, previous...) {
		raw, err := decodeKey(k)
		if err != nil {
			if i == 0 {
				return nil, fmt.Errorf("session key: %w", err)
			}
			return nil, fmt.Errorf("previous session key %d: %w", i, err)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, fmt.Errorf("session key: %w", err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("session key: %w", err)
		}
		s.aeads = append(s.aeads, aead)
	}
	return s, nil
}

// decodeKey accepts any base64 alphabet, padded or not, and requires 32
// bytes; the error never contains the key.
func decodeKey(k Secret) ([]byte, error) {
	v := strings.TrimSpace(k.Reveal())
	if v == "" {
		return nil, errors.New("empty")
	}
	v = strings.TrimRight(v, "=")
	var raw []byte
	var err error
	if strings.ContainsAny(v, "-_") {
		raw, err = base64.RawURLEncoding.DecodeString(v)
	} else {
		raw, err = base64.RawStdEncoding.DecodeString(v)
	}
	if err != nil {
		return nil, errors.New("not base64")
	}
	if len(raw) != 32 {
		return nil, fmt.Errorf("decodes to %d bytes, want 32", len(raw))
	}
	return raw, nil
}

func (s *sealer) seal(purpose string, plaintext []byte) (string, error) {
	aead := s.aeads[0]
	buf := make([]byte, 1+aead.NonceSize(), 1+aead.NonceSize()+len(plaintext)+aead.Overhead())
	buf[0] = sealFormat
	nonce := buf[1:]
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("nonce: %w", err)
	}
	out := aead.Seal(buf, nonce, plaintext, additionalData(purpose))
	return base64.RawURLEncoding.EncodeToString(out), nil
}

var errSealed = errors.New("not a value this server sealed, or sealed with a key it no longer has")

func (s *sealer) open(purpose, value string) ([]byte, error) {
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil {
		return nil, errSealed
	}
	ad := additionalData(purpose)
	for _, aead := range s.aeads {
		n := aead.NonceSize()
		if len(raw) < 1+n+aead.Overhead() || raw[0] != sealFormat {
			return nil, errSealed
		}
		if plain, err := aead.Open(nil, raw[1:1+n], raw[1+n:], ad); err == nil {
			return plain, nil
		}
	}
	return nil, errSealed
}

// sealJSON seals v's JSON encoding.
func (s *sealer) sealJSON(purpose string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode: %w", err)
	}
	return s.seal(purpose, plain)
}

// openJSON opens value and decodes its JSON into v.
func (s *sealer) openJSON(purpose, value string, v any) error {
	plain, err := s.open(purpose, value)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	return nil
}

func additionalData(purpose string) []byte { return []byte("s3am/" + purpose) }
