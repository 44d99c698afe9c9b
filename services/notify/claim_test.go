package notify

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Of two replicas holding copies of one alert only one may send it; a claim whose holder
// died is taken over; a delivered alert is never claimed again.
func TestDeliveryClaim(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	kv, err := openDeliveries(ctx, r.bus)
	if err != nil {
		t.Fatal(err)
	}
	delivered, rev, err := claimDelivery(ctx, kv, "desk.a1", time.Minute)
	if err != nil || delivered || rev == 0 {
		t.Fatalf("first claim: delivered %v rev %d err %v", delivered, rev, err)
	}
	var busy *sendingError
	if _, _, err := claimDelivery(ctx, kv, "desk.a1", time.Minute); !errors.As(err, &busy) {
		t.Fatalf("second claim while the first holds: %v, want sendingError", err)
	}
	if err := recordDelivered(ctx, kv, "desk.a1"); err != nil {
		t.Fatal(err)
	}
	if delivered, _, err := claimDelivery(ctx, kv, "desk.a1", time.Minute); err != nil || !delivered {
		t.Fatalf("after delivery: delivered %v err %v", delivered, err)
	}
	// A holder that died: its claim has lapsed, so the next one takes over.
	if _, _, err := claimDelivery(ctx, kv, "desk.a2", -time.Second); err != nil {
		t.Fatal(err)
	}
	if delivered, rev, err := claimDelivery(ctx, kv, "desk.a2", time.Minute); err != nil || delivered || rev == 0 {
		t.Fatalf("take-over: delivered %v rev %d err %v", delivered, rev, err)
	}
	// A failed send releases its claim at once.
	_, rev, _ = claimDelivery(ctx, kv, "desk.a3", time.Minute)
	releaseClaim(ctx, kv, "desk.a3", rev)
	if _, _, err := claimDelivery(ctx, kv, "desk.a3", time.Minute); err != nil {
		t.Fatalf("claim after release: %v", err)
	}
}
