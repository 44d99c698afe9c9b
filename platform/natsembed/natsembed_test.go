package natsembed

import (
	"context"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
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
