// Package seal encrypts the secrets Parley keeps in NATS buckets (webhook secrets, chat
// tokens in targets, WebSub secrets) with AES-256-GCM from the standard library, under a key
// supplied from outside the buckets: whoever can read a bucket cannot read a secret.
//
// A sealed value is "sealed:v1:<key id>:<base64 nonce|ciphertext>". The key id lets a
// process hold the new key and the old ones during a rotation: it seals with the first and
// opens with any.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

const prefix = "sealed:v1:"

// ErrNoKey is returned when a value must be sealed or opened and no key was supplied.
var ErrNoKey = errors.New("no secrets key: set secrets.key (PARLEY_SECRETS_KEY) to 32 random bytes in base64 (openssl rand -base64 32)")

// Keys seals with the current key and opens with it or any previous one. A nil *Keys has no
// key: it seals nothing and opens nothing.
type Keys struct {
	currentID string
	byID      map[string]cipher.AEAD
}

// Parse reads base64 keys of 32 bytes: current seals, previous (older keys kept during a
// rotation) only open.
func Parse(current string, previous ...string) (*Keys, error) {
	if current == "" {
		if len(previous) > 0 {
			return nil, errors.New("secrets.previous_keys given without secrets.key")
		}
		return nil, nil
	}
	k := &Keys{byID: map[string]cipher.AEAD{}}
	for i, s := range append([]string{current}, previous...) {
		id, aead, err := parseKey(s)
		if err != nil {
			if i == 0 {
				return nil, fmt.Errorf("secrets.key: %w", err)
			}
			return nil, fmt.Errorf("secrets.previous_keys[%d]: %w", i-1, err)
		}
		if i == 0 {
			k.currentID = id
		}
		k.byID[id] = aead
	}
	return k, nil
}

func parseKey(s string) (string, cipher.AEAD, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(raw) != 32 {
		return "", nil, errors.New("want 32 random bytes in base64 (openssl rand -base64 32)")
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return "", nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:4]), aead, nil
}

// NewKey returns a fresh key in the form Parse reads.
func NewKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.StdEncoding.EncodeToString(b)
}

// IsSealed reports whether s is a sealed value.
func IsSealed(s string) bool { return strings.HasPrefix(s, prefix) }

// Seal encrypts plain, bound to where it is kept (aad, e.g. "parley_subscriptions/desk/secret")
// so a sealed value copied to another key does not open there. Empty stays empty.
func (k *Keys) Seal(plain, aad string) (string, error) {
	if plain == "" || IsSealed(plain) {
		return plain, nil
	}
	if k == nil {
		return "", ErrNoKey
	}
	aead := k.byID[k.currentID]
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	out := aead.Seal(nonce, nonce, []byte(plain), []byte(aad))
	return prefix + k.currentID + ":" + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts a sealed value; a value that is not sealed (written before sealing) is
// returned as it is, so existing buckets keep working until their entries are rewritten.
func (k *Keys) Open(s, aad string) (string, error) {
	if !IsSealed(s) {
		return s, nil
	}
	if k == nil {
		return "", ErrNoKey
	}
	id, body, ok := strings.Cut(strings.TrimPrefix(s, prefix), ":")
	aead := k.byID[id]
	if !ok || aead == nil {
		return "", fmt.Errorf("sealed with key %s, which is neither secrets.key nor in secrets.previous_keys", id)
	}
	raw, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil || len(raw) < aead.NonceSize() {
		return "", errors.New("sealed value is damaged")
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(aad))
	if err != nil {
		return "", fmt.Errorf("sealed value does not open with key %s: damaged or moved", id)
	}
	return string(plain), nil
}

// CurrentID names the key that seals, for logs ("" without a key).
func (k *Keys) CurrentID() string {
	if k == nil {
		return ""
	}
	return k.currentID
}

// Stale reports whether s was sealed with a key other than the current one: rewriting it
// finishes a rotation.
func (k *Keys) Stale(s string) bool {
	return k != nil && IsSealed(s) && !strings.HasPrefix(s, prefix+k.currentID+":")
}
