// Package pii seals the personal information an account keeps (document numbers, names, phones,
// e-mails, travel-permit and local ID numbers) before it reaches a database, so that a dump of the
// database or of its files alone reveals no one's identity. Each value is encrypted on its own
// with an AEAD (AES-256-GCM by default, SM4-GCM for deployments assessed under China's
// commercial-cryptography rules) bound to the account and the field it belongs to, so a value
// cannot be moved to another row or column; it carries the id of the key that sealed it, so keys
// can rotate while old values still open. Lookups (by document number, by phone) use blind
// indexes: a keyed HMAC of the normalised value, equal for equal values and useless without the
// key.
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/emmansun/gmsm/sm4"
)

// Ciphers.
const (
	AES256GCM = "aes-256-gcm"
	SM4GCM    = "sm4-gcm"
)

// algorithm letters inside a sealed value.
var algLetter = map[string]string{AES256GCM: "a", SM4GCM: "s"}

// Key is one data key: its id (kept beside every value it seals) and its secret.
type Key struct {
	ID     string
	Secret []byte
}

// Config is what the keys are made of.
type Config struct {
	// Cipher seals new values: AES256GCM (default) or SM4GCM. Values sealed with the other one
	// still open, and rotate-keys moves them over.
	Cipher string
	// Keys: the first seals, every one opens.
	Keys []Key
	// IndexKey keys the blind indexes. It is not rotated with the data keys: every stored index
	// would have to be recomputed at once for lookups to keep working.
	IndexKey []byte
}

// Keys seals, opens and indexes personal information. Safe for concurrent use.
type Keys struct {
	cipher  string
	current string
	aeads   map[string]cipher.AEAD // by key id + "." + algorithm letter
	index   []byte
}

// ErrOpen: a sealed value does not open (unknown key, tampered, or moved to another field).
var ErrOpen = errors.New("personal data does not open")

// New checks the configuration and prepares the ciphers.
func New(c Config) (*Keys, error) {
	if c.Cipher == "" {
		c.Cipher = AES256GCM
	}
	if _, ok := algLetter[c.Cipher]; !ok {
		return nil, fmt.Errorf("unknown cipher %q (want %s or %s)", c.Cipher, AES256GCM, SM4GCM)
	}
	if len(c.Keys) == 0 {
		return nil, errors.New("no data key")
	}
	if len(c.IndexKey) < 32 {
		return nil, errors.New("the index key must have at least 32 bytes")
	}
	k := &Keys{cipher: c.Cipher, current: c.Keys[0].ID, aeads: map[string]cipher.AEAD{}, index: c.IndexKey}
	for _, key := range c.Keys {
		if key.ID == "" || strings.ContainsAny(key.ID, ".:, ") {
			return nil, fmt.Errorf("key id %q: want letters and digits", key.ID)
		}
		if len(key.Secret) < 32 {
			return nil, fmt.Errorf("key %s must have at least 32 bytes", key.ID)
		}
		// One secret serves both ciphers through a derived key each, so switching the cipher
		// needs no new secret.
		a, err := aes.NewCipher(derive(key.Secret, "jszg aes-256-gcm", 32))
		if err != nil {
			return nil, err
		}
		s, err := sm4.NewCipher(derive(key.Secret, "jszg sm4-gcm", 16))
		if err != nil {
			return nil, err
		}
		ga, err := cipher.NewGCM(a)
		if err != nil {
			return nil, err
		}
		gs, err := cipher.NewGCM(s)
		if err != nil {
			return nil, err
		}
		k.aeads[key.ID+".a"], k.aeads[key.ID+".s"] = ga, gs
	}
	return k, nil
}

func derive(secret []byte, label string, n int) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(label))
	return m.Sum(nil)[:n]
}

// Current is the id and cipher that seal new values ("k2.a"); a row sealed with anything else is
// due for rotate-keys.
func (k *Keys) Current() string { return k.current + "." + algLetter[k.cipher] }

// Seal encrypts value for the given owner (an account id) and field. An empty value stays empty:
// it says nothing, and absent optional fields stay cheap.
func (k *Keys) Seal(value, owner, field string) (string, error) {
	if value == "" {
		return "", nil
	}
	aead := k.aeads[k.Current()]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(value)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := aead.Seal(nonce, nonce, []byte(value), aad(owner, field))
	return k.Current() + "." + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts a value Seal made for the same owner and field.
func (k *Keys) Open(sealed, owner, field string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	i := strings.LastIndexByte(sealed, '.')
	if i < 0 {
		return "", ErrOpen
	}
	aead, ok := k.aeads[sealed[:i]]
	if !ok {
		return "", fmt.Errorf("%w: key %s is not configured", ErrOpen, sealed[:i])
	}
	raw, err := base64.RawURLEncoding.DecodeString(sealed[i+1:])
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return "", ErrOpen
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], aad(owner, field))
	if err != nil {
		return "", ErrOpen
	}
	return string(plain), nil
}

// KeyOf is the key id and cipher a sealed value was made with, "" for an empty or plain value.
func KeyOf(sealed string) string {
	if i := strings.LastIndexByte(sealed, '.'); i > 0 {
		return sealed[:i]
	}
	return ""
}

func aad(owner, field string) []byte { return []byte("jszg\x00" + field + "\x00" + owner) }

// Index is the blind index of a value of a kind ("doc_number", "phone"): equal values give equal
// indexes, and without the index key no value can be found from its index, even by trying every
// phone number.
func (k *Keys) Index(kind, value string) string {
	if value == "" {
		return ""
	}
	m := hmac.New(sha256.New, k.index)
	m.Write([]byte(kind + "\x00" + value))
	return hex.EncodeToString(m.Sum(nil))
}

// ParseKeys reads JSZG_PII_KEYS: "id:base64secret" items separated by commas, the sealing key
// first.
func ParseKeys(s string) ([]Key, error) {
	var keys []Key
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		id, secret, ok := strings.Cut(item, ":")
		if !ok {
			return nil, fmt.Errorf("key %q: want id:base64secret", clip(item))
		}
		b, err := decodeSecret(secret)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", id, err)
		}
		keys = append(keys, Key{ID: id, Secret: b})
	}
	return keys, nil
}

// ParseSecret reads a base64 secret (JSZG_PII_INDEX_KEY).
func ParseSecret(s string) ([]byte, error) { return decodeSecret(strings.TrimSpace(s)) }

func decodeSecret(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}

// clip keeps a secret out of an error message.
func clip(s string) string {
	if len(s) > 6 {
		return s[:6] + "…"
	}
	return s
}

// NewSecret returns a random 32-byte secret, base64, for the local run's generated keys.
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// ForTests returns keys made from fixed secrets, for contract tests of the stores.
func ForTests() *Keys {
	k, err := New(Config{Keys: []Key{{ID: "t1", Secret: []byte(strings.Repeat("k", 32))}}, IndexKey: []byte(strings.Repeat("i", 32))})
	if err != nil {
		panic(err)
	}
	return k
}
