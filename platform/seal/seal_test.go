package seal

import (
	"errors"
	"strings"
	"testing"
)

func TestSealOpenRotate(t *testing.T) {
	oldKey, newKey := NewKey(), NewKey()
	before, err := Parse(oldKey)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := before.Seal("whsec_top", "parley_subscriptions/desk/secret")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "top") || !IsSealed(sealed) {
		t.Fatalf("sealed value %q shows the secret", sealed)
	}
	after, err := Parse(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := after.Open(sealed, "parley_subscriptions/desk/secret"); err != nil || got != "whsec_top" {
		t.Fatalf("open after rotation = %q, %v", got, err)
	}
	if !after.Stale(sealed) {
		t.Error("a value sealed with the previous key is not stale")
	}
	if _, err := after.Open(sealed, "parley_subscriptions/other/secret"); err == nil {
		t.Error("a sealed value moved to another entry opened")
	}
	only, _ := Parse(newKey)
	if _, err := only.Open(sealed, "parley_subscriptions/desk/secret"); err == nil || !strings.Contains(err.Error(), "previous_keys") {
		t.Errorf("open without the old key: %v, want it named", err)
	}
	var none *Keys
	if _, err := none.Seal("x", "a"); !errors.Is(err, ErrNoKey) {
		t.Errorf("seal without key: %v", err)
	}
	if _, err := none.Open(sealed, "a"); !errors.Is(err, ErrNoKey) {
		t.Errorf("open without key: %v", err)
	}
	if _, err := Parse("c2hvcnQ="); err == nil {
		t.Error("a short key was accepted")
	}
}
