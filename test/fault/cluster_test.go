package fault

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// cluster is a 3-node JetStream cluster in this process, each node with its own store, on
// fixed loopback ports so a node can be restarted where the others expect it.
type cluster struct {
	t            *testing.T
	clientPorts  []int
	clusterPorts []int
	dirs         []string
	nodes        []*server.Server
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func startCluster(t *testing.T, size int) *cluster {
	t.Helper()
	c := &cluster{t: t, nodes: make([]*server.Server, size)}
	for i := range size {
		c.clientPorts = append(c.clientPorts, freePort(t))
		c.clusterPorts = append(c.clusterPorts, freePort(t))
		c.dirs = append(c.dirs, filepath.Join(t.TempDir(), fmt.Sprintf("n%d", i)))
	}
	// All nodes first, then wait: a node's JetStream waits for its peers.
	for i := range size {
		c.nodes[i] = c.newNode(i)
		go c.nodes[i].Start()
	}
	for i := range size {
		c.waitReady(i)
	}
	t.Cleanup(func() {
		for _, n := range c.nodes {
			n.Shutdown()
			n.WaitForShutdown()
		}
	})
	c.waitJetStream()
	return c
}

func (c *cluster) newNode(i int) *server.Server {
	c.t.Helper()
	var routes []string
	for _, p := range c.clusterPorts {
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", p))
	}
	opts := &server.Options{
		ServerName: fmt.Sprintf("n%d", i),
		Host:       "127.0.0.1",
		Port:       c.clientPorts[i],
		JetStream:  true,
		StoreDir:   c.dirs[i],
		// As deployed: every acknowledged write is on disk.
		SyncAlways: true,
		NoSigs:     true,
		NoLog:      true,
		Cluster: server.ClusterOpts{
			Name: "parley",
			Host: "127.0.0.1",
			Port: c.clusterPorts[i],
		},
		Routes: server.RoutesFromStr(strings.Join(routes, ",")),
	}
	s, err := server.NewServer(opts)
	if err != nil {
		c.t.Fatalf("nats node %d: %v", i, err)
	}
	return s
}

func (c *cluster) waitReady(i int) {
	c.t.Helper()
	if !c.nodes[i].ReadyForConnections(20 * time.Second) {
		c.t.Fatalf("nats node %d not ready", i)
	}
}

// URLs lists every node, as the services get it.
func (c *cluster) URLs() string {
	var urls []string
	for _, p := range c.clientPorts {
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", p))
	}
	return strings.Join(urls, ",")
}

// waitJetStream waits until the cluster has a JetStream meta leader and answers API calls.
func (c *cluster) waitJetStream() {
	c.t.Helper()
	js := c.jetStream()
	waitFor(c.t, "JetStream cluster to answer", 30*time.Second, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err := js.AccountInfo(ctx)
		return err == nil
	})
}

func (c *cluster) jetStream() jetstream.JetStream {
	c.t.Helper()
	nc, err := nats.Connect(c.URLs(), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		c.t.Fatal(err)
	}
	return js
}

// restart stops node i and starts it again on the same ports and store, then waits until
// the cluster answers again.
func (c *cluster) restart(i int) {
	c.t.Helper()
	c.nodes[i].Shutdown()
	c.nodes[i].WaitForShutdown()
	c.nodes[i] = c.newNode(i)
	go c.nodes[i].Start()
	c.waitReady(i)
	c.waitJetStream()
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
