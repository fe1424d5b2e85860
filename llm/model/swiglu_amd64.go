//go:build !purego

package model

import (
	"os"

	"golang.org/x/sys/cpu"
)

//go:noescape
func swigluAVX512(gate, up *float32, n int, k *float32) int

// vexpfConsts are vexpf's constants as float32, for swigluAVX512.
var vexpfConsts = [9]float32{0x1.8p23, 0x1.715476p+0, 0x1.7f7d1cp-20, 0x1.62e4p-1,
	0x1.0e4020p-7, 0x1.573e2ep-5, 0x1.555e66p-3, 0x1.fffdb6p-2, 0x1.ffffecp-1}

var useSwigluAsm = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL && cpu.X86.HasAVX512DQ &&
	cpu.X86.HasOSXSAVE && os.Getenv("DOCENT_KERNELS") != "go"

// swiglu sets gate[i] = silu(gate[i]) * up[i] (swigluGo), 8 values at a
// time in assembly where the CPU allows.
func swiglu(gate, up []float32) {
	up = up[:len(gate)]
	if !useSwigluAsm {
		swigluGo(gate, up)
		return
	}
	for i := 0; i < len(gate); {
		if len(gate)-i >= 8 {
			i += swigluAVX512(&gate[i], &up[i], len(gate)-i, &vexpfConsts[0])
		}
		// The rest, or a group of 8 that needs math.Exp.
		e := min(i+8, len(gate))
		swigluGo(gate[i:e], up[i:e])
		i = e
	}
}
