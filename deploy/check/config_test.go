package check

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/parleyhq/parley/platform/config"
)

// TestOverlayConfigLoads loads each overlay's parley.yaml with Parley's own config loader,
// secrets taken from the overlay's Secret as the containers get them, and checks the stream
// replicas each environment promises.
func TestOverlayConfigLoads(t *testing.T) {
	tests := []struct {
		overlay  string
		replicas int
	}{
		{"dev", 1},
		{"prod", 3},
		{"prod-cpu", 3},
	}
	for _, tt := range tests {
		t.Run(tt.overlay, func(t *testing.T) {
			r := render(t, tt.overlay)
			env := map[string]string{}
			for _, s := range objectsOf[*corev1.Secret](r) {
				if strings.HasPrefix(s.Name, "parley-secrets") {
					for k, v := range s.Data {
						env[k] = string(v)
					}
					for k, v := range s.StringData {
						env[k] = v
					}
				}
			}
			var raw string
			for _, cm := range objectsOf[*corev1.ConfigMap](r) {
				if strings.HasPrefix(cm.Name, "parley-config") {
					raw = cm.Data["parley.yaml"]
				}
			}
			if raw == "" {
				t.Fatal("no parley-config ConfigMap with parley.yaml")
			}
			f, err := config.Parse([]byte(raw), func(k string) (string, bool) { v, ok := env[k]; return v, ok })
			if err != nil {
				t.Fatalf("parley.yaml does not load: %v", err)
			}
			if f.NATS.Replicas != tt.replicas {
				t.Errorf("nats.replicas = %d, want %d", f.NATS.Replicas, tt.replicas)
			}
			if f.NATS.URL == "" {
				t.Error("nats.url is empty: the service commands need an external NATS")
			}
		})
	}
}
