package kernels

import (
	"math"
	"math/big"
	"math/rand"
	"testing"
)

// fmaExact is a*b+c rounded once to float32, from exact big.Float arithmetic.
func fmaExact(a, b, c float32) float32 {
	x := new(big.Float).SetPrec(200).SetFloat64(float64(a))
	x.Mul(x, new(big.Float).SetPrec(200).SetFloat64(float64(b)))
	x.Add(x, new(big.Float).SetPrec(200).SetFloat64(float64(c)))
	f, _ := x.Float32()
	return f
}

func TestFMA32RoundsOnce(t *testing.T) {
	// A double-rounding case: the exact value 2^24+3-2^-30 rounds in float64
	// to the float32 midpoint 2^24+3, which ties to even (2^24+4); rounded
	// once it is 2^24+2.
	a, b, c := float32(1+1.0/(1<<15)), float32(1-1.0/(1<<15)), float32(1<<24+2)
	if got, want := FMA32(a, b, c), float32(1<<24+2); got != want {
		t.Fatalf("FMA32(%v, %v, %v) = %v, want %v", a, b, c, got, want)
	}
	if naive := float32(float64(a)*float64(b) + float64(c)); naive == float32(1<<24+2) {
		t.Fatalf("the constructed case is not a double-rounding case (naive %v)", naive)
	}
	// The same from the other side, and negated.
	a2 := float32(1 + 1.0/(1<<15))
	if got, want := FMA32(-a2, a2, float32(-(1<<24+2))), fmaExact(-a2, a2, float32(-(1<<24+2))); got != want {
		t.Fatalf("negative case: %v, want %v", got, want)
	}
	rng := rand.New(rand.NewSource(7))
	ties := 0
	for i := 0; i < 200000; i++ {
		var a, b, c float32
		if i%10 == 4 {
			// Results near and below float32's smallest normal.
			a = float32(rng.NormFloat64() * math.Ldexp(1, -60-rng.Intn(10)))
			b = float32(rng.NormFloat64() * math.Ldexp(1, -60-rng.Intn(10)))
			c = float32(rng.NormFloat64() * math.Ldexp(1, -126-rng.Intn(20)))
		} else if i%2 == 0 {
			// Random values of random magnitudes.
			a = float32(rng.NormFloat64() * math.Ldexp(1, rng.Intn(40)-20))
			b = float32(rng.NormFloat64() * math.Ldexp(1, rng.Intn(40)-20))
			c = float32(rng.NormFloat64() * math.Ldexp(1, rng.Intn(40)-20))
		} else {
			// Near-ties: c an integer with 24 significant bits, a*b = 1 ± tiny.
			u := float32(rng.Intn(1<<15) + 1)
			a, b = 1+u/(1<<23), 1-u/(1<<23)
			if rng.Intn(2) == 0 {
				b = 1 + float32(rng.Intn(1<<15)+1)/(1<<23)
			}
			c = float32(1<<24 + 2*rng.Intn(1<<22))
			if rng.Intn(2) == 0 {
				a, c = -a, -c
			}
		}
		want := fmaExact(a, b, c)
		got := FMA32(a, b, c)
		if math.Float32bits(got) != math.Float32bits(want) && !(got == 0 && want == 0) {
			t.Fatalf("FMA32(%v, %v, %v) = %v, want %v", a, b, c, got, want)
		}
		if float32(float64(a)*float64(b)+float64(c)) != want {
			ties++
		}
	}
	if ties == 0 {
		t.Fatal("no double-rounding case among the inputs: the test does not exercise the fix")
	}
	t.Logf("%d double-rounding cases corrected", ties)
}
