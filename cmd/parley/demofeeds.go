package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/parleyhq/parley/cmd/parley/internal/demo"
)

// cmdDemoFeeds serves the bundled demo stories as RSS feeds on their own, so a pipeline of
// separate services (compose.yaml) can watch the same replay `parley run` shows.
func cmdDemoFeeds(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("demo-feeds", io)
	listen := fs.String("listen", "127.0.0.1:8081", "`address` to serve the feeds on")
	step := fs.Duration("step", demoStep, "one story appears every `interval` (0: all at once)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	stories, err := demo.Stories()
	if err != nil {
		return err
	}
	feeds := demo.NewServer(stories, *step)
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("demo-feeds: %w", err)
	}
	hs := &http.Server{Handler: feeds, ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintf(io.out, "%d stories, one every %s, as RSS feeds:\n", len(stories), *step)
	for _, o := range feeds.Outlets() {
		fmt.Fprintf(io.out, "  http://%s/%s/rss.xml  (%s)\n", ln.Addr(), demo.Slug(o), o)
	}
	go func() {
		<-ctx.Done()
		_ = hs.Close()
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("demo-feeds: %w", err)
	}
	return nil
}
