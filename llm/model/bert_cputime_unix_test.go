//go:build unix

package model

import (
	"syscall"
	"time"
)

// bertCPUTime is the CPU time (user+system) this process has used, so that
// benchmarks can report throughput per CPU second on a shared machine.
func bertCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
