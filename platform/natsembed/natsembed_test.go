package natsembed

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"
)

func TestStartKeepsJetStreamAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	put := func(val string) string {
		srv, err := Start(Config{StoreDir: dir, Listen: "127.0.0.1:0"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { srv.Shutdown(); srv.WaitForShutdown() }()
		if !srv.JetStreamEnabled() {
			t.Fatal("JetStream is off")
		}
		if jc := srv.JetStreamConfig(); jc == nil || !jc.SyncAlways {
			t.Error("embedded server does not fsync every write")
		}
		nc, err := nats.Connect(srv.ClientURL())
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		js, _ := jetstream.New(nc)
		ctx := context.Background()
		kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "b", Storage: jetstream.FileStorage})
		if err != nil {
			t.Fatal(err)
		}
		var old string
		if e, err := kv.Get(ctx, "k"); err == nil {
			old = string(e.Value())
		}
		if _, err := kv.PutString(ctx, "k", val); err != nil {
			t.Fatal(err)
		}
		return old
	}
	if old := put("first"); old != "" {
		t.Fatalf("fresh store had %q", old)
	}
	if old := put("second"); old != "first" {
		t.Errorf("after restart the store had %q, want first", old)
	}
}

func TestConfigErrors(t *testing.T) {
	if _, err := Start(Config{Listen: "127.0.0.1:0"}, nil); err == nil {
		t.Error("started without a store dir")
	}
	if _, err := Start(Config{StoreDir: t.TempDir(), Listen: "no-port"}, nil); err == nil {
		t.Error("started with a listen address without port")
	}
}

// The embedded server requires the credential it is given: the user whose seed it was told
// of gets in, anyone else is refused.
func TestStartRequiresNKey(t *testing.T) {
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := kp.Seed()
	path := filepath.Join(t.TempDir(), "user.nk")
	if err := os.WriteFile(path, seed, 0o600); err != nil {
		t.Fatal(err)
	}
	pub, err := NKeyPublic(path)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := Start(Config{StoreDir: t.TempDir(), Listen: "127.0.0.1:0", NKey: pub}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Shutdown(); srv.WaitForShutdown() }()
	if nc, err := nats.Connect(srv.ClientURL()); err == nil {
		nc.Close()
		t.Error("a client without the nkey got in")
	}
	opt, err := nats.NkeyOptionFromSeed(path)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(srv.ClientURL(), opt)
	if err != nil {
		t.Fatalf("the client with the seed: %v", err)
	}
	nc.Close()
	if _, err := NKeyPublic(filepath.Join(t.TempDir(), "missing.nk")); err == nil || !strings.Contains(err.Error(), "nats.nkey_seed_file") {
		t.Errorf("missing seed file: %v, want it named", err)
	}
}
