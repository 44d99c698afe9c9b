package timeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
)

// JSON marshals a round as the API serves it: protojson with the .proto field names and every
// field present, like alerts, so consumers need no defaults.
func JSON(r *parleyv1.Round) ([]byte, error) {
	return protojson.MarshalOptions{UseProtoNames: true, EmitDefaultValues: true}.Marshal(r)
}

// ListJSON marshals rounds as {"rounds": [...]}.
func ListJSON(rounds []*parleyv1.Round) ([]byte, error) {
	items := make([]json.RawMessage, 0, len(rounds))
	for _, r := range rounds {
		b, err := JSON(r)
		if err != nil {
			return nil, fmt.Errorf("marshal round %s: %w", r.GetId(), err)
		}
		items = append(items, b)
	}
	out, err := json.Marshal(struct {
		Rounds []json.RawMessage `json:"rounds"`
	}{items})
	if err != nil {
		return nil, fmt.Errorf("marshal rounds: %w", err)
	}
	return out, nil
}

// ParseSince reads a since date: "2026-01-20" or an RFC 3339 time; "" means no bound.
func ParseSince(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("since %q: want a date (2006-01-02) or an RFC 3339 time", s)
}

// Router is where the endpoints are registered (platform/ops.Server, http.ServeMux).
type Router interface {
	Handle(pattern string, h http.Handler)
}

// Register adds GET /api/rounds (query since) and GET /api/rounds/{id}.
func (t *Timeline) Register(r Router, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	r.Handle("GET /api/rounds", http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		since, err := ParseSince(req.URL.Query().Get("since"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rounds, err := t.List(req.Context(), since)
		if err != nil {
			log.Error("list rounds", "err", err)
			http.Error(w, "rounds unavailable", http.StatusServiceUnavailable)
			return
		}
		body, err := ListJSON(rounds)
		if err != nil {
			log.Error("list rounds", "err", err)
			http.Error(w, "rounds unavailable", http.StatusInternalServerError)
			return
		}
		writeJSON(w, body)
	}))
	r.Handle("GET /api/rounds/{id}", http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rd, err := t.Get(req.Context(), req.PathValue("id"))
		if errors.Is(err, ErrNotFound) {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		if err != nil {
			log.Error("get round", "round_id", req.PathValue("id"), "err", err)
			http.Error(w, "rounds unavailable", http.StatusServiceUnavailable)
			return
		}
		body, err := JSON(rd)
		if err != nil {
			log.Error("get round", "round_id", rd.GetId(), "err", err)
			http.Error(w, "rounds unavailable", http.StatusInternalServerError)
			return
		}
		writeJSON(w, body)
	}))
}

func writeJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(append(bytes.TrimSpace(body), '\n'))
}
