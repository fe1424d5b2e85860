//go:build linux

package kernels

import "syscall"

// threadCPU is the calling thread's CPU time in ns (user+system): on a
// shared machine it compares kernels better than wall-clock time.
func threadCPU() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
