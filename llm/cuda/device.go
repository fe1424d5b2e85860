//go:build cuda || cudaemu

package cuda

import (
	"unsafe"

	"github.com/docent-dev/docent/llm/cuda/plan"
)

// dptr is a device address.
type dptr uint64

// kernel is a handle from device.function.
type kernel int

// device is what the backend needs of a GPU: the CUDA driver through
// gorgonia.org/cu (build tag cuda), or the CPU emulator of llm/cuda/emu
// (build tag cudaemu, for tests without a GPU). Calls happen on one
// locked OS thread after bind.
type device interface {
	name() string
	arch() int // PTX target in use (80: sm_80)
	bind() error
	memInfo() (free, total int64, err error)
	alloc(n int64) (dptr, error)
	free(p dptr) error
	htod(dst dptr, src unsafe.Pointer, n int64) error
	dtoh(dst unsafe.Pointer, src dptr, n int64) error
	function(module, name string) (kernel, error)
	launch(k kernel, l plan.Launch, args []uint64) error
	isOOM(err error) bool
	close() error
}
