//go:build cudaemu

package emu

// KernelsSHA256 is the SHA-256 of llm/cuda/kernels/*.cu then *.cuh as
// compiled into the emulator (written by kernels/build.sh).
const KernelsSHA256 = "072e15b1f9e3cccf5bce14427529581a6868f5a0de4abf6e338a83b3853dc219"
