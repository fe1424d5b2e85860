package kernels

import (
	"runtime"
	"sync"
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
type Pool struct {
	mu      sync.Mutex
	threads int
	work    []chan span
	wg      sync.WaitGroup
	task    Task
	closed  bool
	mm      matmulTask // reused by MatMul (guarded by mu)
}

type span struct{ lo, hi int }

// NewPool starts a pool of threads workers in total (the caller of Run
// counts as one). threads <= 0 means runtime.GOMAXPROCS(0).
func NewPool(threads int) *Pool {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	p := &Pool{threads: threads}
	p.work = make([]chan span, threads-1)
	for i := range p.work {
		ch := make(chan span, 1)
		p.work[i] = ch
		go p.worker(ch)
	}
	return p
}

func (p *Pool) worker(ch chan span) {
	for s := range ch {
		p.task.Do(s.lo, s.hi)
		p.wg.Done()
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
	p.task = t
	p.wg.Add(parts - 1)
	for i := 1; i < parts; i++ {
		p.work[i-1] <- span{i * n / parts, (i + 1) * n / parts}
	}
	t.Do(0, n/parts)
	p.wg.Wait()
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
	for _, ch := range p.work {
		close(ch)
	}
}
