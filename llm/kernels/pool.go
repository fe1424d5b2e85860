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
// Decode issues a couple of hundred short parallel steps per token; waking
// parked workers for each one costs a futex round trip per worker. So idle
// workers poll for the next step for a short while (20 µs by default;
// DOCENT_SPIN=MICROSECONDS sets it, 0 parks at once) before they park, and
// the caller polls for their results as long, as llama.cpp's thread pool
// does. The bound keeps the cost small on an oversubscribed machine, where
// longer polling hurt.
//
// Synchronisation (each step is one generation):
//   - the caller writes task and n, then stores seq = generation<<16 | parts;
//     a worker that loads that seq reads task and n (release/acquire on seq);
//   - state holds the parts still running times two, plus one bit saying the
//     caller gave up polling and parked on done. A worker's decrement and the
//     caller's "I am parked" bit live in the same word, so the worker whose
//     decrement leaves exactly "0 running, caller parked" is the only one that
//     sends on done, and a worker late from the previous step can never wake
//     the caller of the next one (the bug of a separate pending counter and
//     waiting flag: the flag of step k+1 read by a worker finishing step k).
type Pool struct {
	mu      sync.Mutex
	threads int
	spin    time.Duration // poll this long before parking
	closed  bool
	mm      matmulTask // reused by MatMul (guarded by mu)

	task    Task
	n       int
	seq     atomic.Uint64
	state   atomic.Int64
	stop    atomic.Bool
	workers []poolWorker
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

// spinUntil polls cond for up to p.spin and reports whether it held.
func (p *Pool) spinUntil(cond func() bool) bool {
	if p.spin <= 0 {
		return cond()
	}
	var t0 time.Time
	for spins := 1; ; spins++ {
		if cond() {
			return true
		}
		if spins&255 == 0 {
			if t0.IsZero() {
				t0 = time.Now()
			} else if time.Since(t0) > p.spin {
				return false
			}
			runtime.Gosched()
		}
	}
}

// NewPool starts a pool of threads workers in total (the caller of Run
// counts as one). threads <= 0 means runtime.GOMAXPROCS(0).
func NewPool(threads int) *Pool {
	return newPool(threads, poolSpin)
}

func newPool(threads int, spin time.Duration) *Pool {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	threads = min(threads, 1<<15)
	p := &Pool{threads: threads, spin: spin, done: make(chan struct{}, 1)}
	p.workers = make([]poolWorker, threads-1)
	for i := range p.workers {
		p.workers[i].wake = make(chan struct{}, 1)
		go p.worker(i + 1)
	}
	return p
}

// next waits for a step after generation last and returns its seq.
func (p *Pool) next(w *poolWorker, last uint64) uint64 {
	for {
		var s uint64
		if p.spinUntil(func() bool { s = p.seq.Load(); return s != last }) {
			return s
		}
		// Swap, not Store: the flag must be visible before seq is read
		// (a read-modify-write is a full barrier on every target, also
		// under emulators that let a plain store pass a later load).
		w.sleeping.Swap(1)
		if s := p.seq.Load(); s != last {
			if !w.sleeping.CompareAndSwap(1, 0) {
				<-w.wake // publish saw the flag and sent a token: take it
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
			t, n := p.task, p.n
			t.Do(i*n/parts, (i+1)*n/parts)
			// After this decrement the caller may start the next step:
			// touch nothing shared but the result of the Add.
			if p.state.Add(-2) == 1 {
				p.done <- struct{}{}
			}
		}
	}
}

// publish starts a step of parts parts (0: stop).
func (p *Pool) publish(parts int) {
	// Swap for the same reason as in next: seq before the sleeping flags.
	p.seq.Swap((p.seq.Load()>>16+1)<<16 | uint64(parts))
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
	parts := min(p.threads, n)
	if parts == 1 {
		t.Do(0, n)
		return
	}
	p.task, p.n = t, n
	p.state.Store(int64(parts-1) * 2)
	p.publish(parts)
	t.Do(0, n/parts)
	if !p.spinUntil(func() bool { return p.state.Load() == 0 }) {
		// Set the parked bit unless the workers finished meanwhile.
		for {
			s := p.state.Load()
			if s == 0 {
				break
			}
			if p.state.CompareAndSwap(s, s|1) {
				<-p.done // the last worker sees 1 after its decrement
				break
			}
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
