package pii_test

import (
	"errors"
	"strings"
	"testing"

	"jszg/server/pii"
)

func keys(t *testing.T, cipher string, ids ...string) *pii.Keys {
	t.Helper()
	var ks []pii.Key
	for _, id := range ids {
		ks = append(ks, pii.Key{ID: id, Secret: []byte(strings.Repeat(id, 32))})
	}
	k, err := pii.New(pii.Config{Cipher: cipher, Keys: ks, IndexKey: []byte(strings.Repeat("i", 32))})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpensOnlyForItsOwnerAndField(t *testing.T) {
	for _, c := range []string{pii.AES256GCM, pii.SM4GCM} {
		k := keys(t, c, "k1")
		s, err := k.Seal("11010519491231002X", "acc1", "doc_number")
		if err != nil || strings.Contains(s, "1101") || pii.KeyOf(s) != k.Current() {
			t.Fatalf("%s: sealed %q, %v", c, s, err)
		}
		if got, err := k.Open(s, "acc1", "doc_number"); err != nil || got != "11010519491231002X" {
			t.Fatalf("%s: open %q, %v", c, got, err)
		}
		for _, other := range [][2]string{{"acc2", "doc_number"}, {"acc1", "phone"}} {
			if _, err := k.Open(s, other[0], other[1]); !errors.Is(err, pii.ErrOpen) {
				t.Fatalf("%s: moved to %v: %v, want ErrOpen", c, other, err)
			}
		}
		if again, _ := k.Seal("11010519491231002X", "acc1", "doc_number"); again == s {
			t.Fatalf("%s: two seals of one value are equal", c)
		}
	}
}

// After rotation the new key seals and the old one still opens; the cipher setting changes new
// values only; blind indexes stay the same.
func TestRotationKeepsOldValuesOpen(t *testing.T) {
	old := keys(t, pii.AES256GCM, "k1")
	s, _ := old.Seal("13812345678", "acc1", "phone")
	rotated := keys(t, pii.SM4GCM, "k2", "k1")
	if got, err := rotated.Open(s, "acc1", "phone"); err != nil || got != "13812345678" {
		t.Fatalf("old value with rotated keys: %q, %v", got, err)
	}
	if n, _ := rotated.Seal("13812345678", "acc1", "phone"); pii.KeyOf(n) != "k2.s" {
		t.Fatalf("new value sealed with %s, want k2.s", pii.KeyOf(n))
	}
	if old.Index("phone", "13812345678") != rotated.Index("phone", "13812345678") || old.Index("phone", "1") == old.Index("doc_number", "1") {
		t.Fatal("blind indexes differ across rotation or collide across kinds")
	}
	if _, err := keys(t, pii.AES256GCM, "k3").Open(s, "acc1", "phone"); !errors.Is(err, pii.ErrOpen) {
		t.Fatalf("value of a key no longer configured: %v", err)
	}
}
