package account_test

import (
	"strings"
	"testing"

	"jszg/server/account"
)

var cheap = account.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}

func TestHashVerifies(t *testing.T) {
	h := account.NewHasher(cheap)
	enc := h.Hash("正确的密码 with spaces")
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q is not in PHC form", enc)
	}
	if ok, err := h.Verify(enc, "正确的密码 with spaces"); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, _ := h.Verify(enc, "正确的密码 with space"); ok {
		t.Fatal("wrong password accepted")
	}
	if h.Hash("same") == h.Hash("same") {
		t.Fatal("two hashes of one password are equal: no salt")
	}
}

func TestHashParametersTravelWithTheHash(t *testing.T) {
	old := account.NewHasher(cheap).Hash("pw-pw-pw-pw")
	now := account.NewHasher(account.HashParams{MemoryKiB: 2048, Time: 1, Threads: 1})
	if ok, _ := now.Verify(old, "pw-pw-pw-pw"); !ok {
		t.Fatal("a hash made with older parameters no longer verifies")
	}
	if !now.Outdated(old) || now.Outdated(now.Hash("x")) {
		t.Fatal("Outdated")
	}
}

func TestMalformedHashesAreRefused(t *testing.T) {
	h := account.NewHasher(cheap)
	for _, enc := range []string{
		"", "plain", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=18$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=0,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=1024,t=1,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA",
	} {
		if ok, err := h.Verify(enc, "x"); ok || err == nil {
			t.Errorf("%q: ok=%v err=%v", enc, ok, err)
		}
	}
}

func BenchmarkArgon2idHash(b *testing.B) {
	h := account.NewHasher(account.DefaultHashParams)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h.Hash("Teach3r-Qual!ty")
		}
	})
}
