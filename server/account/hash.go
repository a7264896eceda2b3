package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// HashParams are argon2id's cost parameters.
type HashParams struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// OWASP's first recommended argon2id configuration (m=19 MiB, t=2, p=1). Memory-hard, so a
// stolen hash costs an attacker the same memory per guess; at this setting one core makes a few
// dozen hashes a second.
var DefaultHashParams = HashParams{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

// Hasher hashes and checks passwords. Hashing is the costliest thing a sign-in does, and each
// hash holds MemoryKiB of memory, so at most one hash runs per CPU at a time: under a crowd the
// requests queue for a CPU instead of all allocating at once and running out of memory.
type Hasher struct {
	p     HashParams
	slots chan struct{}
	dummy string
}

// NewHasher returns a hasher with the given parameters.
func NewHasher(p HashParams) *Hasher {
	h := &Hasher{p: p, slots: make(chan struct{}, runtime.GOMAXPROCS(0))}
	// A hash to check against when the account does not exist, so that "no such account" takes
	// as long as "wrong password".
	h.dummy = h.Hash("no such account: the dummy password")
	return h
}

// Hash returns the PHC-format argon2id hash of password.
func (h *Hasher) Hash(password string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err) // the system's random source never fails on supported platforms
	}
	h.slots <- struct{}{}
	key := argon2.IDKey([]byte(password), salt, h.p.Time, h.p.MemoryKiB, h.p.Threads, 32)
	<-h.slots
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.p.MemoryKiB, h.p.Time, h.p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Verify reports whether password matches encoded (a hash made by Hash, with whatever parameters
// it was made with), in constant time.
func (h *Hasher) Verify(encoded, password string) (bool, error) {
	p, salt, want, err := parseHash(encoded)
	if err != nil {
		return false, err
	}
	h.slots <- struct{}{}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	<-h.slots
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// VerifyDummy spends the time of one Verify on nothing.
func (h *Hasher) VerifyDummy(password string) { _, _ = h.Verify(h.dummy, password) }

// Outdated reports whether encoded was made with other parameters than the hasher's, so it
// should be rehashed at the next successful sign-in.
func (h *Hasher) Outdated(encoded string) bool {
	p, _, _, err := parseHash(encoded)
	return err != nil || p != h.p
}

var errBadHash = errors.New("malformed password hash")

func parseHash(s string) (HashParams, []byte, []byte, error) {
	var p HashParams
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errBadHash
	}
	if p.MemoryKiB == 0 || p.Time == 0 || p.Threads == 0 || p.MemoryKiB > 1<<21 || p.Time > 64 {
		return p, nil, nil, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
