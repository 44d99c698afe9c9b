package fault

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// parleyBin is the binary built once by TestMain.
var parleyBin string

// proc is one service replica running as its own OS process. Like a Deployment's pod, a
// replica that exits on its own is started again; the test sees the restarts in crashes.
type proc struct {
	name string
	args []string
	log  string
	out  *os.File
	done chan struct{}

	mu      sync.Mutex
	cmd     *exec.Cmd
	ending  bool // kill or stop asked for the exit: do not restart
	err     error
	crashes []string
}

func startProc(t *testing.T, service string, replica int, natsURLs, configPath string) *proc {
	t.Helper()
	return startCommand(t, fmt.Sprintf("%s-%d", service, replica), service, "--nats", natsURLs, "--config", configPath)
}

// startCommand runs the parley binary with args as a supervised process called name.
func startCommand(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), name+".log")
	out, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{name: name, args: args, log: logPath, out: out, done: make(chan struct{})}
	if err := p.spawn(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go p.supervise()
	t.Cleanup(func() { p.stop(t) })
	return p
}

func (p *proc) spawn() error {
	cmd := exec.Command(parleyBin, p.args...)
	cmd.Env = append(os.Environ(), "PARLEY_ALLOW_PRIVATE_ADDRESSES=true",
		// Subscriptions with secrets are stored sealed: every process shares one key.
		"PARLEY_SECRETS_KEY="+secretsKey)
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		return err
	}
	p.cmd = cmd
	return nil
}

func (p *proc) supervise() {
	defer close(p.done)
	defer p.out.Close()
	for {
		p.mu.Lock()
		cmd := p.cmd
		p.mu.Unlock()
		err := cmd.Wait()
		p.mu.Lock()
		if p.ending {
			p.err = err
			p.mu.Unlock()
			return
		}
		p.crashes = append(p.crashes, fmt.Sprint(err))
		p.mu.Unlock()
		// The restart back-off of a crashing pod, shortened.
		time.Sleep(200 * time.Millisecond)
		p.mu.Lock()
		if p.ending {
			p.mu.Unlock()
			return
		}
		err = p.spawn()
		p.mu.Unlock()
		if err != nil {
			p.mu.Lock()
			p.err = err
			p.mu.Unlock()
			return
		}
	}
}

// signal marks the exit as asked for and sends sig; false when the replica is already gone.
func (p *proc) signal(sig syscall.Signal) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.done:
		return false
	default:
	}
	p.ending = true
	_ = p.cmd.Process.Signal(sig)
	return true
}

// kill ends the process the hard way: no drain, in-flight messages stay unacknowledged.
func (p *proc) kill(t *testing.T) {
	t.Helper()
	p.signal(syscall.SIGKILL)
	<-p.done
}

// stop asks for a clean drain, as Kubernetes does, and reports a replica that does not exit
// 0 within 10 s.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	if !p.signal(syscall.SIGTERM) {
		return
	}
	select {
	case <-p.done:
		p.mu.Lock()
		err := p.err
		p.mu.Unlock()
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() != 0 || err != nil && exit == nil {
			t.Errorf("%s: exit after SIGTERM: %v\n%s", p.name, err, p.tail())
		}
	case <-time.After(10 * time.Second):
		p.mu.Lock()
		_ = p.cmd.Process.Kill()
		p.mu.Unlock()
		<-p.done
		t.Errorf("%s: still running 10s after SIGTERM\n%s", p.name, p.tail())
	}
}

// restarts lists how the replica exited on its own (and was started again).
func (p *proc) restarts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.crashes...)
}

// tail is the end of the replica's log, for failure messages.
func (p *proc) tail() string {
	b, _ := os.ReadFile(p.log)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(bytes.TrimSpace(b))
}

// secretsKey is the secrets key of every process a test starts (32 bytes in base64).
const secretsKey = "ZmF1bHQtc3VpdGUtc2VjcmV0cy1rZXktMzItYnl0ZXM="
