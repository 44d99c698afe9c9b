// Package web is Parley's human face on the HTTP listener: the timeline of rounds for
// analysts, one page per round, and a status page for operators. Pages are rendered on the
// server from embedded templates and one stylesheet, so they work offline and need no build.
package web

import (
	"bytes"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/services/notify/timeline"
)

//go:embed assets
var assets embed.FS

// StatusRefresh is how often the status page reloads itself: operators leave it open.
const StatusRefresh = 10 * time.Second

// Router is where the pages are registered (platform/ops.Server, http.ServeMux).
type Router interface {
	Handle(pattern string, h http.Handler)
}

// Web serves the pages from what the pipeline keeps in JetStream; it only reads.
type Web struct {
	bus      *bus.Bus
	timeline *timeline.Timeline
	log      *slog.Logger
	tmpl     *template.Template
	now      func() time.Time
}

// New returns the pages over b.
func New(b *bus.Bus, log *slog.Logger) *Web {
	if log == nil {
		log = slog.Default()
	}
	t := template.Must(template.New("").Funcs(funcs).ParseFS(assets, "assets/*.html"))
	return &Web{bus: b, timeline: timeline.New(b.JS), log: log, tmpl: t, now: time.Now}
}

// Register adds GET /, /rounds/{id}, /status and /style.css.
func (w *Web) Register(r Router) {
	r.Handle("GET /{$}", http.HandlerFunc(w.index))
	r.Handle("GET /rounds/{id}", http.HandlerFunc(w.round))
	r.Handle("GET /status", http.HandlerFunc(w.status))
	r.Handle("GET /style.css", http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		css, _ := assets.ReadFile("assets/style.css")
		rw.Header().Set("Content-Type", "text/css; charset=utf-8")
		rw.Header().Set("Cache-Control", "max-age=300")
		_, _ = rw.Write(css)
	}))
}

// render executes a page into a buffer first, so a failing template yields a clean 500
// rather than half a page.
func (w *Web) render(rw http.ResponseWriter, name string, code int, data any) {
	var buf bytes.Buffer
	if err := w.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		w.log.Error("render page", "page", name, "err", err)
		http.Error(rw, "page unavailable", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(code)
	_, _ = buf.WriteTo(rw)
}

func (w *Web) fail(rw http.ResponseWriter, page string, err error) {
	w.log.Error("read for page", "page", page, "err", err)
	w.render(rw, "error.html", http.StatusServiceUnavailable, errorPage{
		Title: "Unavailable", Message: "Parley could not read its state from NATS; this page retries on reload.",
	})
}

type errorPage struct {
	Title, Message string
}
