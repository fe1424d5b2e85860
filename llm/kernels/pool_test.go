package kernels

import (
	"fmt"
	"math/rand"
	"runtime"
	"testing"
	"time"
)

// countTask records how often each item was processed; with jitter it
// yields or sleeps at random so workers straggle past the caller.
type countTask struct {
	hits   []int32
	jitter bool
	seed   uint64
}

func (c *countTask) Do(lo, hi int) {
	for i := lo; i < hi; i++ {
		c.hits[i]++
	}
	if c.jitter {
		// Cheap per-range pseudo-random choice (no shared RNG: ranges run
		// concurrently).
		h := (uint64(lo)*0x9E3779B97F4A7C15 ^ c.seed) >> 59
		switch {
		case h < 4:
			time.Sleep(time.Duration(h) * 10 * time.Microsecond)
		case h < 12:
			runtime.Gosched()
		}
	}
}

// TestPoolStepsComplete checks that every Run returns only after every part
// of that step ran, for thread counts above and below the item count, with
// polling and with immediate parking, while workers straggle. A worker of
// step k that signalled the caller of step k+1 (a stale wake-up) would leave
// items of step k+1 unprocessed when Run returns.
func TestPoolStepsComplete(t *testing.T) {
	steps := 3000
	if testing.Short() {
		steps = 500
	}
	for _, spin := range []time.Duration{0, 20 * time.Microsecond, time.Millisecond} {
		for _, threads := range []int{2, 3, 5} {
			p := newPool(threads, spin)
			rng := rand.New(rand.NewSource(int64(threads)))
			task := &countTask{hits: make([]int32, 64), jitter: true}
			for step := 0; step < steps; step++ {
				n := 1 + rng.Intn(len(task.hits))
				for i := range task.hits {
					task.hits[i] = 0
				}
				task.seed = rng.Uint64()
				p.RunTask(n, task)
				for i := 0; i < n; i++ {
					if task.hits[i] != 1 {
						t.Fatalf("spin %v threads %d step %d n %d: item %d processed %d times when Run returned",
							spin, threads, step, n, i, task.hits[i])
					}
				}
				for i := n; i < len(task.hits); i++ {
					if task.hits[i] != 0 {
						t.Fatalf("item %d beyond n=%d processed", i, n)
					}
				}
			}
			p.Close()
			// After Close, Run still works on the caller alone.
			for i := range task.hits {
				task.hits[i] = 0
			}
			p.RunTask(10, task)
			for i := 0; i < 10; i++ {
				if task.hits[i] != 1 {
					t.Fatalf("after Close: item %d processed %d times", i, task.hits[i])
				}
			}
		}
	}
}

// TestPoolSharedBySessions runs steps from several goroutines on one pool,
// as sessions of one model do.
func TestPoolSharedBySessions(t *testing.T) {
	p := NewPool(3)
	defer p.Close()
	done := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func(g int) {
			task := &countTask{hits: make([]int32, 40), jitter: true, seed: uint64(g)}
			for step := 0; step < 400; step++ {
				for i := range task.hits {
					task.hits[i] = 0
				}
				p.RunTask(len(task.hits), task)
				for i, h := range task.hits {
					if h != 1 {
						done <- fmt.Errorf("goroutine %d step %d: item %d processed %d times", g, step, i, h)
						return
					}
				}
			}
			done <- nil
		}(g)
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
