package model

import (
	"encoding/binary"
	"math"
	"os"
	"testing"
)

// testdata/glibc_sincosf.bin holds float32 triples (x, sinf(x), cosf(x))
// computed by glibc 2.36's sinf/cosf on an x86-64 CPU with FMA (the build
// and machine llama.cpp's references come from): RoPE angles of positions
// 0..32767 for head sizes 64 and 128 and bases 1e4, 5e5 and 1e6, and random
// finite floats, chosen mostly where glibc's result is not
// float32(math.Sin(float64(x))).
func TestSinfCosfMatchGlibc(t *testing.T) {
	b, err := os.ReadFile("testdata/glibc_sincosf.bin")
	if err != nil {
		t.Fatal(err)
	}
	n := len(b) / 12
	viaF64 := 0
	for i := 0; i < n; i++ {
		x := math.Float32frombits(binary.LittleEndian.Uint32(b[12*i:]))
		s := math.Float32frombits(binary.LittleEndian.Uint32(b[12*i+4:]))
		c := math.Float32frombits(binary.LittleEndian.Uint32(b[12*i+8:]))
		if got := sinf(x); got != s {
			t.Errorf("sinf(%g) = %g (%08x), glibc %g (%08x)", x, got, math.Float32bits(got), s, math.Float32bits(s))
		}
		if got := cosf(x); got != c {
			t.Errorf("cosf(%g) = %g (%08x), glibc %g (%08x)", x, got, math.Float32bits(got), c, math.Float32bits(c))
		}
		if float32(math.Sin(float64(x))) != s || float32(math.Cos(float64(x))) != c {
			viaF64++
		}
	}
	if viaF64 < n/2 {
		t.Errorf("only %d of %d vectors tell glibc from the float64 route", viaF64, n)
	}
}

// testdata/glibc_expf.bin holds float32 pairs (x, expf(x)) from glibc 2.36's
// expf on the same machine: mostly inputs where it is not
// float32(math.Exp(float64(x))), plus a spread of others over [-104, 88].
func TestExpfMatchesGlibc(t *testing.T) {
	b, err := os.ReadFile("testdata/glibc_expf.bin")
	if err != nil {
		t.Fatal(err)
	}
	n := len(b) / 8
	viaF64 := 0
	for i := 0; i < n; i++ {
		x := math.Float32frombits(binary.LittleEndian.Uint32(b[8*i:]))
		e := math.Float32frombits(binary.LittleEndian.Uint32(b[8*i+4:]))
		if got := glibcExpf(x); math.Float32bits(got) != math.Float32bits(e) {
			t.Errorf("expf(%g) = %g (%08x), glibc %g (%08x)", x, got, math.Float32bits(got), e, math.Float32bits(e))
		}
		if float32(math.Exp(float64(x))) != e {
			viaF64++
		}
	}
	if viaF64 < n/2 {
		t.Errorf("only %d of %d vectors tell glibc from the float64 route", viaF64, n)
	}
}
