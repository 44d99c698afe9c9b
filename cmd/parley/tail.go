package main

import (
	"context"
	"fmt"
	"os"

	"github.com/nats-io/nats.go"
	"github.com/parleyhq/parley/platform/bus"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/notify"
	"google.golang.org/protobuf/proto"
)

func cmdTail(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("tail", io)
	url := fs.String("nats", envOr("PARLEY_NATS_URL", "nats://127.0.0.1:4222"), "NATS server `URL`")
	subject := fs.String("subject", bus.SubjectAlerts+".>", "alert `subject` to follow")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	nc, err := connectCLI(*url, nats.Name("parley-tail"), nats.MaxReconnects(-1))
	if err != nil {
		return fmt.Errorf("connect to %s: %w", *url, err)
	}
	defer nc.Close()
	msgs := make(chan *nats.Msg, 256)
	sub, err := nc.ChanSubscribe(*subject, msgs)
	if err != nil {
		return fmt.Errorf("subscribe %s: %w", *subject, err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	if err := nc.Flush(); err != nil {
		return fmt.Errorf("subscribe %s: %w", *subject, err)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case m := <-msgs:
			a := &parleyv1.Alert{}
			if err := proto.Unmarshal(m.Data, a); err != nil {
				fmt.Fprintf(io.err, "parley tail: message on %s is not an Alert: %v\n", m.Subject, err)
				continue
			}
			line, err := notify.AlertJSON(a)
			if err != nil {
				return err
			}
			fmt.Fprintf(io.out, "%s\n", line)
		}
	}
}

func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}
