package bus

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func TestRetryCreate(t *testing.T) {
	notAvailable := &jetstream.APIError{Code: 503, ErrorCode: jsClusterNotAvailable, Description: "JetStream system temporarily unavailable"}
	tests := []struct {
		name      string
		failures  []error // returned by the first calls, then success
		wantCalls int
		wantErr   bool
	}{
		{"succeeds at once", nil, 1, false},
		{"timeout then success", []error{fmt.Errorf("stream X: %w", context.DeadlineExceeded)}, 2, false},
		{"no responders, no meta leader, then success", []error{nats.ErrNoResponders, notAvailable}, 3, false},
		{"other error is returned at once", []error{errors.New("stream name already in use")}, 1, true},
		{"gives up after createAttempts", repeat(nats.ErrTimeout, createAttempts+2), createAttempts, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			got, err := retryCreateFrom(context.Background(), time.Millisecond, func(context.Context) (int, error) {
				calls++
				if calls <= len(tt.failures) {
					return 0, tt.failures[calls-1]
				}
				return 42, nil
			})
			if calls != tt.wantCalls {
				t.Errorf("%d calls, want %d", calls, tt.wantCalls)
			}
			if (err != nil) != tt.wantErr {
				t.Errorf("err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && got != 42 {
				t.Errorf("value %d, want 42", got)
			}
		})
	}
}

func repeat(err error, n int) []error {
	out := make([]error, n)
	for i := range out {
		out[i] = err
	}
	return out
}
