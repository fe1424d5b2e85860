package kernels

import (
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Task is a unit of parallel work: Do processes the items [lo, hi).
// Implementations kept in long-lived structs let callers run parallel work
// without allocating per call.
type Task interface {
	Do(lo, hi int)
}

// TaskFunc adapts a function to Task.
type TaskFunc func(lo, hi int)

// Do calls f(lo, hi).
func (f TaskFunc) Do(lo, hi int) { f(lo, hi) }

// Pool is a persistent set of worker goroutines that split a range of work
// items between them. Run calls are serialised: one Run executes at a time,
// so a Pool may be shared by several sessions. A nil *Pool runs everything on
// the calling goroutine.
//
// Decode issues a couple of hundred short parallel steps per token, each
// waking parked workers (a futex round trip). So idle workers poll for the
// next step for a short while (20 µs by default; DOCENT_SPIN=MICROSECONDS
// sets it, 0 parks at once) before they park, and the caller polls for
// their results as long, as llama.cpp's thread pool does. On an idle
// 2-core machine this took decode from 32-33 to 38-45 tokens/s (Q8_0
// qwen2.5-0.5b, same binary, DOCENT_SPIN=0 vs 20); the bound keeps the cost
// small on an oversubscribed machine, where longer polling hurt.
type Pool struct {
	mu      sync.Mutex
	threads int
	closed  bool
	mm      matmulTask // reused by MatMul (guarded by mu)

	// One step: task over [0, n) in parts; published by seq, which holds
	// a generation count times 1<<16 plus the step's number of parts.
	task    Task
	n       int
	seq     atomic.Uint64
	pending atomic.Int32
	stop    atomic.Bool
	workers []poolWorker
	waiting atomic.Int32 // the caller is parked on done
	done    chan struct{}
}

type poolWorker struct {
	sleeping atomic.Int32
	wake     chan struct{}
	_        [40]byte // keep the flags of different workers apart
}

// poolSpin is how long idle workers and the waiting caller poll before they
// park (DOCENT_SPIN, in microseconds; 20 by default).
var poolSpin = func() time.Duration {
	v, ok := os.LookupEnv("DOCENT_SPIN")
	if !ok {
		return 20 * time.Microsecond
	}
	us, err := strconv.Atoi(v)
	if err != nil || us < 0 {
		return 0
	}
	return time.Duration(us) * time.Microsecond
}()

// spinUntil polls cond for up to poolSpin and reports whether it held.
func spinUntil(cond func() bool) bool {
	if poolSpin <= 0 {
		return cond()
	}
	t0 := time.Now()
	for spins := 1; ; spins++ {
		if cond() {
			return true
		}
		if spins&255 == 0 {
			if time.Since(t0) > poolSpin {
				return false
			}
			runtime.Gosched()
		}
	}
}

// NewPool starts a pool of threads workers in total (the caller of Run
// counts as one). threads <= 0 means runtime.GOMAXPROCS(0).
func NewPool(threads int) *Pool {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	threads = min(threads, 1<<15)
	p := &Pool{threads: threads, done: make(chan struct{}, 1)}
	p.workers = make([]poolWorker, threads-1)
	for i := range p.workers {
		p.workers[i].wake = make(chan struct{}, 1)
		go p.worker(i + 1)
	}
	return p
}

// next waits for a step after generation last and returns its generation.
func (p *Pool) next(w *poolWorker, last uint64) uint64 {
	for {
		var s uint64
		if spinUntil(func() bool { s = p.seq.Load(); return s != last }) {
			return s
		}
		w.sleeping.Store(1)
		if s := p.seq.Load(); s != last {
			if !w.sleeping.CompareAndSwap(1, 0) {
				<-w.wake // publish saw the flag and sends a token: take it
			}
			return s
		}
		<-w.wake
	}
}

func (p *Pool) worker(i int) {
	w := &p.workers[i-1]
	var last uint64
	for {
		last = p.next(w, last)
		if p.stop.Load() {
			return
		}
		if parts := int(last & 0xffff); i < parts {
			n := p.n
			p.task.Do(i*n/parts, (i+1)*n/parts)
			if p.pending.Add(-1) == 0 && p.waiting.Load() != 0 && p.waiting.CompareAndSwap(1, 0) {
				p.done <- struct{}{}
			}
		}
	}
}

// publish starts a step: the fields written before seq are visible to the
// workers that see the new seq.
func (p *Pool) publish(parts int) {
	p.seq.Store((p.seq.Load()>>16+1)<<16 | uint64(parts))
	// Only the workers of this step need to wake (Close: all of them).
	wake := p.workers
	if parts > 0 {
		wake = wake[:parts-1]
	}
	for i := range wake {
		w := &wake[i]
		if w.sleeping.Load() != 0 && w.sleeping.CompareAndSwap(1, 0) {
			w.wake <- struct{}{}
		}
	}
}

// Threads reports the number of threads (including the caller) that Run uses.
func (p *Pool) Threads() int {
	if p == nil {
		return 1
	}
	return p.threads
}

// Run splits [0, n) into contiguous ranges, one per thread, runs fn on each
// and returns when all are done. fn must be safe to call concurrently on
// disjoint ranges.
func (p *Pool) Run(n int, fn func(lo, hi int)) {
	p.RunTask(n, TaskFunc(fn))
}

// RunTask is Run for a Task value; it does not allocate.
func (p *Pool) RunTask(n int, t Task) {
	if n <= 0 {
		return
	}
	if p == nil || p.threads == 1 || n == 1 {
		t.Do(0, n)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.runLocked(n, t)
}

func (p *Pool) runLocked(n int, t Task) {
	if p.closed {
		t.Do(0, n)
		return
	}
	parts := p.threads
	if parts > n {
		parts = n
	}
	if parts == 1 {
		t.Do(0, n)
		return
	}
	p.task, p.n = t, n
	p.pending.Store(int32(parts - 1))
	p.publish(parts)
	t.Do(0, n/parts)
	if !spinUntil(func() bool { return p.pending.Load() == 0 }) {
		p.waiting.Store(1)
		if p.pending.Load() == 0 {
			if !p.waiting.CompareAndSwap(1, 0) {
				<-p.done // a worker saw the flag and sends a token: take it
			}
		} else {
			<-p.done
		}
	}
	p.task = nil
}

// Close stops the workers. Run after Close runs on the caller only.
func (p *Pool) Close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	p.stop.Store(true)
	p.publish(0)
}
