package natsembed

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// The lock is per process (flock), so the second holder must be another process: this test
// binary started again, told by an environment variable to only try the lock.
func TestSecondProcessCannotLockTheStore(t *testing.T) {
	if dir := os.Getenv("NATSEMBED_LOCK_DIR"); dir != "" {
		_, err := LockStore(dir)
		if err != nil {
			os.Stdout.WriteString(err.Error())
		}
		return
	}
	dir := t.TempDir()
	release, err := LockStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	try := func() string {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestSecondProcessCannotLockTheStore$")
		cmd.Env = append(os.Environ(), "NATSEMBED_LOCK_DIR="+dir)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("second process: %v", err)
		}
		return string(out)
	}
	out := try()
	if !strings.Contains(out, ErrStoreLocked.Error()) || !strings.Contains(out, "process "+strconv.Itoa(os.Getpid())) {
		t.Errorf("second process got %q, want the store in use by process %d", out, os.Getpid())
	}
	release()
	if out := try(); strings.Contains(out, ErrStoreLocked.Error()) {
		t.Errorf("after release: %q", out)
	}
	if _, err := LockStore(dir); err != nil && !errors.Is(err, ErrStoreLocked) {
		t.Fatal(err)
	}
}
