package main

import (
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// gcPercent is the collector's GOGC for the long-running commands unless the operator sets
// one. At Go's 100, marking and assists were a twelfth of `parley run`'s CPU in the farm
// benchmark, for garbage that is mostly net/http's, made on every poll; 140 has them mark
// about 30 % less often for 40 % more heap. The farm's peak RSS went from 214–228 MB to
// 254–272 (its bound is 300: 150 reached 285, 200 319), 100,000 feeds' from 609 to 693 MB
// (bound 1 GB).
const gcPercent = 140

// cgroupMemoryFiles hold the container's memory limit: cgroup v2's, then v1's.
var cgroupMemoryFiles = []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}

// memoryLimitShare is the part of a container's memory limit given to the Go runtime as its
// soft limit, the rest left to what the runtime does not count (binary, thread stacks
// outside the heap, the kernel's buffers for the process).
const memoryLimitShare = 0.9

// tuneGC sets gcPercent and, inside a container with a memory limit, a soft memory limit
// under it, so that the heap gcPercent lets grow is collected harder near the container's
// limit instead of getting the process killed. Whatever the operator set in GOGC or
// GOMEMLIMIT stays as set.
func tuneGC(log *slog.Logger) {
	var attrs []any
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
		attrs = append(attrs, "gc_percent", gcPercent)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		if limit, ok := containerMemoryLimit(); ok {
			soft := int64(float64(limit) * memoryLimitShare)
			debug.SetMemoryLimit(soft)
			attrs = append(attrs, "memory_limit_bytes", soft)
		}
	}
	if len(attrs) > 0 {
		log.Debug("garbage collector tuned", attrs...)
	}
}

// containerMemoryLimit is the memory limit of the process's cgroup, if it has one.
func containerMemoryLimit() (int64, bool) {
	for _, name := range cgroupMemoryFiles {
		raw, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		return parseMemoryLimit(string(raw))
	}
	return 0, false
}

// parseMemoryLimit reads a cgroup memory limit file: a byte count, or "max" (v2) or a
// count near the largest int64 (v1) for none.
func parseMemoryLimit(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 || n >= 1<<60 {
		return 0, false
	}
	return n, true
}
