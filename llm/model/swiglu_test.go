package model

import (
	"math"
	"math/rand"
	"testing"
)

// swiglu (assembly where available) must match swigluGo bit for bit.
func TestSwigluMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewSource(8))
	for it := 0; it < 300; it++ {
		n := 1 + rng.Intn(100)
		g := make([]float32, n)
		u := make([]float32, n)
		sc := float32(math.Exp(rng.NormFloat64() * 2))
		for i := range g {
			g[i] = float32(rng.NormFloat64()) * sc
			u[i] = float32(rng.NormFloat64())
			switch rng.Intn(40) {
			case 0:
				g[i] = float32(rng.NormFloat64()) * 200 // vexpf's math.Exp range
			case 1:
				g[i] = 0
			case 2:
				g[i] = float32(math.Inf(1 - 2*rng.Intn(2)))
			case 3:
				g[i] = float32(math.NaN())
			case 4:
				g[i] = float32(rng.NormFloat64()) * 1e-30
			}
		}
		want := append([]float32(nil), g...)
		swigluGo(want, u)
		got := append([]float32(nil), g...)
		swiglu(got, u)
		for i := range want {
			if want[i] != want[i] && got[i] != got[i] {
				continue
			}
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("n=%d: silu(%v)*%v = %v, want %v", n, g[i], u[i], got[i], want[i])
			}
		}
	}
	// Every float32 sign/exponent with a few mantissas.
	var g, u []float32
	for e := uint32(0); e < 512; e++ {
		for m := uint32(0); m < 8; m++ {
			g = append(g, math.Float32frombits(e<<23|m*0x0f0f0f))
			u = append(u, 1.5)
		}
	}
	want := append([]float32(nil), g...)
	swigluGo(want, u)
	got := append([]float32(nil), g...)
	swiglu(got, u)
	for i := range want {
		if want[i] != want[i] && got[i] != got[i] {
			continue
		}
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("silu(%v) = %v, want %v", g[i], got[i], want[i])
		}
	}
}

func BenchmarkSwiglu(b *testing.B) {
	rng := rand.New(rand.NewSource(8))
	g := make([]float32, 4864)
	u := make([]float32, 4864)
	for i := range g {
		g[i], u[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	w := make([]float32, len(g))
	b.Run("asm", func(b *testing.B) {
		for b.Loop() {
			copy(w, g)
			swiglu(w, u)
		}
	})
	b.Run("go", func(b *testing.B) {
		for b.Loop() {
			copy(w, g)
			swigluGo(w, u)
		}
	})
}
