//go:build !linux

package kernels

import "time"

var cpuEpoch = time.Now()

// threadCPU falls back to wall time where thread CPU time is not at hand.
func threadCPU() int64 { return int64(time.Since(cpuEpoch)) }
