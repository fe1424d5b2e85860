//go:build cudaemu

// Package emu runs the CUDA backend's kernels (llm/cuda/kernels/*.cu,
// compiled unchanged as C++) on the CPU, one fiber per CUDA thread, so that
// the backend's numerics and host logic can be tested where there is no
// GPU:
//
//	go test -tags cudaemu ./llm/cuda/...
//
// It needs cgo and a C++ compiler, nothing of CUDA; default builds never
// compile it. It checks indexing and arithmetic, not races between
// threads (a block's threads interleave only at barriers and shuffles),
// memory coalescing or speed.
package emu

/*
#cgo CXXFLAGS: -O2 -std=c++17 -I${SRCDIR}/include
#include <stdlib.h>
#include <string.h>
#include "emu_api.h"

static uint64_t emu_alloc(size_t n) { return (uint64_t)(uintptr_t)calloc(n, 1); }
static void emu_free(uint64_t p) { free((void *)(uintptr_t)p); }
static void emu_htod(uint64_t dst, const void *src, size_t n) { memcpy((void *)(uintptr_t)dst, src, n); }
static void emu_dtoh(void *dst, uint64_t src, size_t n) { memcpy(dst, (const void *)(uintptr_t)src, n); }
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// ErrOutOfMemory is returned by Alloc when the host allocation fails.
var ErrOutOfMemory = errors.New("emu: out of memory")

// Kernel returns the handle of the named kernel.
func Kernel(name string) (int, error) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	k := int(C.emu_kernel(cs))
	if k < 0 {
		return 0, fmt.Errorf("emu: no kernel %q", name)
	}
	return k, nil
}

// Launch runs kernel k on a 1-D grid; args holds one 8-byte slot per
// kernel parameter, as the CUDA backend passes them.
func Launch(k, grid, block, shared int, args []uint64) error {
	if len(args) == 0 {
		return errors.New("emu: no arguments")
	}
	ca := (*C.uint64_t)(C.malloc(C.size_t(8 * len(args))))
	defer C.free(unsafe.Pointer(ca))
	copy(unsafe.Slice((*uint64)(unsafe.Pointer(ca)), len(args)), args)
	if rc := C.emu_launch(C.int(k), C.uint(grid), C.uint(block), C.uint(shared), ca); rc != 0 {
		return fmt.Errorf("emu: launch of kernel %d failed (%d)", k, int(rc))
	}
	return nil
}

// Alloc returns n zeroed bytes of "device" memory (host heap).
func Alloc(n int64) (uint64, error) {
	p := uint64(C.emu_alloc(C.size_t(n)))
	if p == 0 {
		return 0, ErrOutOfMemory
	}
	return p, nil
}

// Free releases memory from Alloc.
func Free(p uint64) { C.emu_free(C.uint64_t(p)) }

// HtoD copies n bytes from host memory src to dst.
func HtoD(dst uint64, src unsafe.Pointer, n int64) { C.emu_htod(C.uint64_t(dst), src, C.size_t(n)) }

// DtoH copies n bytes from src to host memory dst.
func DtoH(dst unsafe.Pointer, src uint64, n int64) { C.emu_dtoh(dst, C.uint64_t(src), C.size_t(n)) }
