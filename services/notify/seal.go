package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"

	"github.com/parleyhq/parley/platform/seal"
)

// sealedPlaceholder stands for a value this process cannot open: listings show that
// something is set without showing it.
const sealedPlaceholder = "sealed"

// sealEntry encrypts the secret and the target (chat targets carry tokens, webhook URLs
// may) before the entry goes into the bucket. Without a key, an entry that holds either is
// refused: a secret must never be stored in plain text.
func sealEntry(e Entry, keys *seal.Keys) (Entry, error) {
	if keys == nil {
		if e.Secret != "" || targetHasCredentials(e.Target) {
			return Entry{}, errors.New("holds a secret or token, which is stored only encrypted: " + seal.ErrNoKey.Error())
		}
		return e, nil
	}
	var err error
	if e.Secret, err = keys.Seal(e.Secret, aad(e.Name, "secret")); err != nil {
		return Entry{}, err
	}
	if e.Target != "console://" {
		if e.Target, err = keys.Seal(e.Target, aad(e.Name, "target")); err != nil {
			return Entry{}, err
		}
	}
	return e, nil
}

// openEntry decrypts in place. Without the key it marks the entry Sealed: it can be listed
// and deleted, but not delivered to, since sending unsigned or to a half-known target is
// worse than not sending.
func openEntry(e *Entry, keys *seal.Keys) error {
	e.stale = keys.Stale(e.Secret) || keys.Stale(e.Target)
	for _, f := range []struct {
		v    *string
		name string
	}{{&e.Secret, "secret"}, {&e.Target, "target"}} {
		plain, err := keys.Open(*f.v, aad(e.Name, f.name))
		if errors.Is(err, seal.ErrNoKey) {
			e.Sealed = true
			*f.v = sealedPlaceholder
			continue
		}
		if err != nil {
			return err
		}
		*f.v = plain
	}
	return nil
}

func aad(name, field string) string { return BucketSubscriptions + "/" + name + "/" + field }

// targetHasCredentials: every chat URL holds a token; a webhook URL may, in its user info or
// its query (?token=).
func targetHasCredentials(target string) bool {
	ch, err := channelOf(target)
	if err != nil || ch == channelConsole {
		return false
	}
	if ch != channelWebhook {
		return true
	}
	u, err := url.Parse(target)
	return err != nil || u.User != nil || u.RawQuery != ""
}

// reseal rewrites the entries sealed with a previous key under the current one, so that
// after a rotation the old key can be dropped once every notify has started with the new.
func (r *Registry) reseal(ctx context.Context, log *slog.Logger) error {
	all, err := r.List(ctx)
	if err != nil {
		return err
	}
	for _, e := range all {
		if !e.stale || e.Sealed {
			continue
		}
		if err := r.put(ctx, e); err != nil {
			return fmt.Errorf("reseal subscription %s: %w", e.Name, err)
		}
		log.Info("subscription resealed with the current secrets key", "subscription", e.Name, "key_id", r.keys.CurrentID())
	}
	return nil
}
