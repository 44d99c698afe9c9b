package natsembed

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// LockFile is the file in a store directory that the process using it holds locked.
const LockFile = "parley.lock"

// ErrStoreLocked is returned by LockStore when another process holds the store.
var ErrStoreLocked = errors.New("store directory in use")

// LockStore takes the store directory dir for this process, creating it if needed, until
// release is called or the process ends (the operating system drops the lock of a process
// that dies, so a crash leaves nothing to clean up). Two servers writing one JetStream store
// corrupt it and deliver alerts twice; the second start fails at once with the holder's PID.
func LockStore(dir string) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("store_dir %s: %w", dir, err)
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("store_dir %s: %w", dir, err)
	}
	if err := lockFile(f); err != nil {
		holder, _ := os.ReadFile(path)
		_ = f.Close()
		pid := strings.TrimSpace(string(holder))
		if _, perr := strconv.Atoi(pid); perr != nil {
			pid = "unknown"
		}
		return nil, fmt.Errorf("store_dir %s: %w by process %s (stop it, or give this one another nats.store_dir): %w", dir, ErrStoreLocked, pid, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() {
		_ = unlockFile(f)
		_ = f.Close()
	}, nil
}
