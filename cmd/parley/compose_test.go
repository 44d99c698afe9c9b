package main

import (
	"bytes"
	"maps"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/parleyhq/parley/cmd/parley/internal/demo"
	"github.com/parleyhq/parley/platform/config"
)

// No Docker engine runs where the tests do, so compose.yaml is checked the way compose would
// read it: decoded strictly (a misspelt key fails), then every name it uses must exist: the
// parley commands and their flags, config files, services, volumes, ports and feed hosts.

type composeFile struct {
	Name     string                    `yaml:"name"`
	Services map[string]composeService `yaml:"services"`
	Configs  map[string]struct {
		File string `yaml:"file"`
	} `yaml:"configs"`
	Volumes map[string]*struct{} `yaml:"volumes"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Build       string            `yaml:"build"`
	PullPolicy  string            `yaml:"pull_policy"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Configs     []struct {
		Source string `yaml:"source"`
		Target string `yaml:"target"`
	} `yaml:"configs"`
	Volumes   []string `yaml:"volumes"`
	Ports     []string `yaml:"ports"`
	DependsOn []string `yaml:"depends_on"`
	Restart   string   `yaml:"restart"`
}

const repoRoot = "../.."

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var c composeFile
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	return c
}

// dockerfileEnv reads the ENV and EXPOSE lines of the Dockerfile's final stage.
func dockerfileEnv(t *testing.T) (map[string]string, []string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	env, expose := map[string]string{}, []string(nil)
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) > 0 && f[0] == "FROM":
			env, expose = map[string]string{}, nil // only the last stage is the image
		case len(f) == 2 && f[0] == "ENV" && strings.Contains(f[1], "="):
			k, v, _ := strings.Cut(f[1], "=")
			env[k] = v
		case len(f) >= 2 && f[0] == "EXPOSE":
			expose = append(expose, f[1:]...)
		}
	}
	return env, expose
}

// The image listens where its EXPOSE says, not on the container's own loopback.
func TestDockerfileListensOnExposedPort(t *testing.T) {
	env, expose := dockerfileEnv(t)
	listen := env["PARLEY_HTTP_LISTEN"]
	host, port, err := net.SplitHostPort(listen)
	if err != nil || host != "0.0.0.0" {
		t.Fatalf("the image's PARLEY_HTTP_LISTEN is %q; want 0.0.0.0:<port> (the default 127.0.0.1 is unreachable from outside)", listen)
	}
	if !slices.Contains(expose, port) {
		t.Errorf("EXPOSE %v does not include the listen port %s", expose, port)
	}
}

func TestComposeQuickStart(t *testing.T) {
	c := loadCompose(t)
	imageEnv, _ := dockerfileEnv(t)
	for _, name := range []string{"nats", "demo-feeds", "fetch", "parse", "notify"} {
		if _, ok := c.Services[name]; !ok {
			t.Errorf("service %s missing", name)
		}
	}
	checkNATSImagePinned(t, c.Services["nats"].Image)
	cmds := commands()
	var image string
	for name, s := range c.Services {
		for _, d := range s.DependsOn {
			if _, ok := c.Services[d]; !ok {
				t.Errorf("%s depends on %s, which is no service", name, d)
			}
		}
		for _, v := range s.Volumes {
			if vol, _, _ := strings.Cut(v, ":"); !strings.HasPrefix(vol, ".") && !strings.HasPrefix(vol, "/") {
				if _, ok := c.Volumes[vol]; !ok {
					t.Errorf("%s mounts volume %s, which is not declared", name, vol)
				}
			}
		}
		for _, cf := range s.Configs {
			top, ok := c.Configs[cf.Source]
			if !ok {
				t.Errorf("%s uses config %s, which is not declared", name, cf.Source)
				continue
			}
			if _, err := os.Stat(filepath.Join(repoRoot, top.File)); err != nil {
				t.Errorf("config %s: %v", cf.Source, err)
			}
		}
		if name == "nats" {
			continue
		}
		if image == "" {
			image = s.Image
		}
		if s.Image != image {
			t.Errorf("%s runs image %s, the others %s: one image holds the one binary", name, s.Image, image)
		}
		checkParleyCommand(t, name, s.Command, cmds)
		if s.Build != "" {
			if _, err := os.Stat(filepath.Join(repoRoot, s.Build, "Dockerfile")); err != nil {
				t.Errorf("%s builds from %s: %v", name, s.Build, err)
			}
		}
	}
	if !slices.ContainsFunc(slices.Collect(maps.Values(c.Services)), func(s composeService) bool { return s.Build != "" && s.Image == image }) {
		t.Errorf("no service builds %s: docker compose up would have to pull it", image)
	}
	for name, s := range c.Services {
		if s.Image == image && s.Build == "" && s.PullPolicy != "never" {
			t.Errorf("%s uses the locally built %s without pull_policy: never; compose would try to pull it", name, image)
		}
	}
	for _, name := range []string{"fetch", "parse", "notify"} {
		checkServiceConfig(t, c, name, imageEnv)
	}
	checkPublishedPort(t, c.Services["notify"], imageEnv)
}

func checkNATSImagePinned(t *testing.T, image string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "deploy/base/nats.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`image: (nats:\S+)`).FindSubmatch(raw)
	if m == nil || string(m[1]) != image {
		t.Errorf("compose runs %s; deploy/base runs %s: keep one NATS release", image, m[1])
	}
}

// checkParleyCommand checks that args name a parley command and only flags it has.
func checkParleyCommand(t *testing.T, service string, args []string, cmds map[string]command) {
	t.Helper()
	if len(args) == 0 {
		t.Errorf("%s: no command (the image would run the demo)", service)
		return
	}
	if _, ok := cmds[args[0]]; !ok {
		t.Errorf("%s: %q is not a parley command", service, args[0])
		return
	}
	_, out, errOut := runCLI(t, "", args[0], "-h")
	for _, a := range args[1:] {
		if name, ok := strings.CutPrefix(a, "--"); ok {
			name, _, _ = strings.Cut(name, "=")
			if !strings.Contains(out+errOut, "  -"+name+" ") && !strings.Contains(out+errOut, "  -"+name+"\n") {
				t.Errorf("%s: parley %s has no flag --%s", service, args[0], name)
			}
		}
	}
}

// checkServiceConfig loads the config a service is given, with its environment and the
// image's, exactly as the service would, and checks what it points at exists.
func checkServiceConfig(t *testing.T, c composeFile, name string, imageEnv map[string]string) {
	t.Helper()
	s := c.Services[name]
	path := ""
	for i, a := range s.Command {
		if a == "--config" && i+1 < len(s.Command) {
			path = s.Command[i+1]
		}
	}
	file := ""
	for _, cf := range s.Configs {
		if cf.Target == path {
			file = filepath.Join(repoRoot, c.Configs[cf.Source].File)
		}
	}
	if file == "" {
		t.Errorf("%s reads --config %q, which no config is mounted at", name, path)
		return
	}
	lookup := func(k string) (string, bool) {
		if v, ok := s.Environment[k]; ok {
			return v, true
		}
		v, ok := imageEnv[k]
		return v, ok
	}
	f, err := config.Load(file, lookup)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	u, err := url.Parse(f.NATS.URL)
	if err != nil || u.Port() != "4222" {
		t.Errorf("%s: nats.url %q, want nats://nats:4222", name, f.NATS.URL)
	} else if _, ok := c.Services[u.Hostname()]; !ok {
		t.Errorf("%s: nats.url host %s is no service", name, u.Hostname())
	}
	if name == "fetch" {
		checkDemoFeeds(t, c, f)
	}
}

// checkDemoFeeds checks that fetch's feeds are the demo-feeds service's, outlet by outlet.
func checkDemoFeeds(t *testing.T, c composeFile, f *config.File) {
	t.Helper()
	args := c.Services["demo-feeds"].Command
	listen := ""
	for i, a := range args {
		if a == "--listen" && i+1 < len(args) {
			listen = args[i+1]
		}
	}
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		t.Fatalf("demo-feeds --listen %q: %v", listen, err)
	}
	stories, err := demo.Stories()
	if err != nil {
		t.Fatal(err)
	}
	outlets := demo.NewServer(stories, 0).Outlets()
	if len(f.Feeds) != len(outlets) {
		t.Errorf("fetch polls %d feeds; the demo has %d outlets", len(f.Feeds), len(outlets))
	}
	for _, fd := range f.Feeds {
		u, _ := url.Parse(fd.URL)
		if u.Hostname() != "demo-feeds" || u.Port() != port {
			t.Errorf("feed %s is not on demo-feeds:%s", fd.URL, port)
		}
		if !slices.ContainsFunc(outlets, func(o string) bool { return u.Path == "/"+demo.Slug(o)+"/rss.xml" }) {
			t.Errorf("feed %s is none of the demo's outlets %v", fd.URL, outlets)
		}
	}
	if !f.AllowPrivateAddresses {
		t.Error("fetch must allow private addresses: demo-feeds is on the compose network")
	}
}

func checkPublishedPort(t *testing.T, s composeService, imageEnv map[string]string) {
	t.Helper()
	_, port, _ := net.SplitHostPort(imageEnv["PARLEY_HTTP_LISTEN"])
	for _, p := range s.Ports {
		if strings.HasSuffix(p, ":"+port) {
			return
		}
	}
	t.Errorf("notify publishes %v, not the port its pages are served on (%s)", s.Ports, port)
}
