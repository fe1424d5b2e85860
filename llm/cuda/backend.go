//go:build cuda || cudaemu

// Package cuda runs a decoder's forward pass on an NVIDIA GPU through the
// CUDA driver API (gorgonia.org/cu). It is built only with the build tag
// `cuda`: gorgonia.org/cu initialises the driver in its package init and
// exits the process where there is none, so default builds must never
// import it. The host-side planning (memory layout, launch geometry, block
// packing) lives in the untagged llm/cuda/plan and is tested without a GPU.
//
// Weights are uploaded once in their GGUF types (F16, BF16, Q8_0, Q4_K,
// Q6_K, ...: dequantized inside the kernels, never expanded to float32 in
// device memory); the KV cache is F16 in device memory; only the logits
// come back to the host. The kernels are the project's own .cu files under
// kernels/, compiled ahead of time to PTX (go generate -tags cuda) and
// embedded, so the binary needs only libcuda at run time.
//
//	f, _ := gguf.Open(path)
//	b, err := cuda.New(f, cuda.Options{MaxCtx: 2048})
//	defer b.Close()
//	logits, err := b.Decode(token)
package cuda

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"unsafe"

	"github.com/docent-dev/docent/llm/cuda/plan"
	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/model"
)

// Options configure New.
type Options struct {
	// Device is the CUDA device ordinal (cuda:N).
	Device int
	// MaxCtx is the number of positions of the KV cache (<= 0: the
	// model's training context).
	MaxCtx int
	// ExactActivations keeps the vector of every matrix-vector product in
	// float32. By default it is rounded as the CPU backend rounds it for
	// the weight type (F16, BF16, Q8_0 or Q8_K, after ggml), so that both
	// backends give the same logits on the same file.
	ExactActivations bool
}

type dmat struct {
	ptr      dptr
	typ      gguf.GGMLType
	rows     int
	cols     int
	rowBytes int64
	fn       kernel
}

type dlayer struct {
	attnNorm, ffnNorm dptr
	bq, bk, bv        dptr // 0 when absent
	qNorm, kNorm      dptr // 0 when absent
	wq, wk, wv, wo    dmat
	wg, wu, wd        dmat
	kc, vc            dptr
}

type kernels struct {
	embed, rmsNorm, rope, kvStore, attn, swiglu, add, actRound kernel
}

// Backend is a decoder loaded into device memory with one sequence's KV
// cache. It is not safe for concurrent use.
type Backend struct {
	cfg  model.Config
	plan *plan.Plan
	dev  device
	k    kernels
	base [3]dptr

	tokEmbd, output        dmat
	outNorm, ropeFreqs     dptr
	x, xn, q, kk, v, att   dptr
	gate, up, scores, lgts dptr
	xq                     dptr // rounded matvec input
	roundActs              bool
	layers                 []dlayer
	thetaScale, attnScale  float32

	n      int
	logits []float32
}

// New loads the decoder in f (which must stay open during New; the
// backend keeps no reference to it afterwards) onto device opts.Device.
func New(f *gguf.File, opts Options) (*Backend, error) {
	d, err := model.LoadDecoder(f, model.Options{Threads: 1})
	if err != nil {
		return nil, err
	}
	cfg := d.Config
	d.Close()
	p, err := plan.ForDecoder(cfg, f, opts.MaxCtx)
	if err != nil {
		return nil, err
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	dev, err := openDevice(opts.Device)
	if err != nil {
		return nil, err
	}
	b := &Backend{cfg: cfg, plan: p, dev: dev, logits: make([]float32, cfg.Vocab), roundActs: !opts.ExactActivations}
	ok := false
	defer func() {
		if !ok {
			b.release()
		}
	}()
	if err := b.loadKernels(); err != nil {
		return nil, err
	}
	if err := b.allocate(); err != nil {
		return nil, err
	}
	if err := b.upload(f); err != nil {
		return nil, err
	}
	ok = true
	return b, nil
}

func (b *Backend) loadKernels() error {
	fns := map[string]kernel{}
	for _, m := range plan.Modules {
		for _, k := range m.Kernels {
			fn, err := b.dev.function(m.Name, k)
			if err != nil {
				return err
			}
			fns[k] = fn
		}
	}
	b.k = kernels{embed: fns["embed_row"], rmsNorm: fns["rms_norm"], rope: fns["rope"], kvStore: fns["kv_store"],
		attn: fns["attn_decode"], swiglu: fns["swiglu"], add: fns["add"], actRound: fns["act_round"]}
	b.layers = make([]dlayer, b.cfg.Layers)
	mat := func(name string) (dmat, error) {
		buf, ok := b.plan.Buffer(name)
		if !ok {
			return dmat{}, fmt.Errorf("cuda: tensor %s is not planned", name)
		}
		fn, ok := fns[plan.MatVecKernel(buf.Type)]
		if !ok {
			return dmat{}, fmt.Errorf("cuda: no matrix-vector kernel for %v (%s)", buf.Type, name)
		}
		return dmat{typ: buf.Type, rows: buf.Rows, cols: buf.Cols, rowBytes: buf.Bytes / int64(buf.Rows), fn: fn}, nil
	}
	var err error
	if b.tokEmbd, err = mat("token_embd.weight"); err != nil {
		return err
	}
	if b.output, err = mat(b.plan.Output().Name); err != nil {
		return err
	}
	for i := range b.layers {
		ly := &b.layers[i]
		for _, m := range []struct {
			dst  *dmat
			name string
		}{{&ly.wq, "attn_q"}, {&ly.wk, "attn_k"}, {&ly.wv, "attn_v"}, {&ly.wo, "attn_output"},
			{&ly.wg, "ffn_gate"}, {&ly.wu, "ffn_up"}, {&ly.wd, "ffn_down"}} {
			if *m.dst, err = mat(fmt.Sprintf("blk.%d.%s.weight", i, m.name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// allocate makes the three regions of the plan and resolves every
// buffer's device address.
func (b *Backend) allocate() error {
	free, total, err := b.dev.memInfo()
	if err != nil {
		return err
	}
	if need := b.plan.Total(); need > free {
		return oomError(errors.New("not enough free memory"), "the model", need, b.plan, free, total)
	}
	for r := plan.Region(0); r < 3; r++ {
		size := b.plan.Size(r)
		ptr, err := b.dev.alloc(size)
		if err != nil {
			if b.dev.isOOM(err) {
				free, total, _ := b.dev.memInfo()
				return oomError(err, r.String(), size, b.plan, free, total)
			}
			return check(err, "allocating %s for %s", plan.HumanBytes(size), r)
		}
		b.base[r] = ptr
	}
	at := func(name string) dptr {
		buf, ok := b.plan.Buffer(name)
		if !ok {
			return 0
		}
		return b.base[buf.Region] + dptr(buf.Offset)
	}
	b.tokEmbd.ptr = at("token_embd.weight")
	b.output.ptr = at(b.plan.Output().Name)
	b.outNorm, b.ropeFreqs = at("output_norm.weight"), at("rope_freqs.weight")
	b.x, b.xn, b.q, b.kk, b.v = at("x"), at("xn"), at("q"), at("k"), at("v")
	b.att, b.gate, b.up, b.scores, b.lgts = at("att"), at("gate"), at("up"), at("scores"), at("logits")
	b.xq = at("xq")
	for i := range b.layers {
		ly := &b.layers[i]
		p := fmt.Sprintf("blk.%d.", i)
		ly.attnNorm, ly.ffnNorm = at(p+"attn_norm.weight"), at(p+"ffn_norm.weight")
		ly.bq, ly.bk, ly.bv = at(p+"attn_q.bias"), at(p+"attn_k.bias"), at(p+"attn_v.bias")
		ly.qNorm, ly.kNorm = at(p+"attn_q_norm.weight"), at(p+"attn_k_norm.weight")
		ly.wq.ptr, ly.wk.ptr, ly.wv.ptr = at(p+"attn_q.weight"), at(p+"attn_k.weight"), at(p+"attn_v.weight")
		ly.wo.ptr = at(p + "attn_output.weight")
		ly.wg.ptr, ly.wu.ptr, ly.wd.ptr = at(p+"ffn_gate.weight"), at(p+"ffn_up.weight"), at(p+"ffn_down.weight")
		ly.kc, ly.vc = at(plan.KName(i)), at(plan.VName(i))
	}
	c := b.cfg
	b.thetaScale = float32(math.Pow(float64(c.RopeBase), float64(float32(-2)/float32(c.RopeDims))))
	b.attnScale = 1 / float32(math.Sqrt(float64(c.HeadDim)))
	return nil
}

// upload copies the weights from the mapped file, once.
func (b *Backend) upload(f *gguf.File) error {
	for i := range b.plan.Buffers {
		buf := &b.plan.Buffers[i]
		if buf.Region != plan.Weights {
			continue
		}
		t, ok := f.Tensor(buf.Name)
		if !ok {
			return fmt.Errorf("cuda: tensor %s is missing", buf.Name)
		}
		var src unsafe.Pointer
		switch buf.Upload {
		case plan.UploadRaw:
			data, err := f.TensorData(t)
			if err != nil {
				return fmt.Errorf("cuda: %w", err)
			}
			if int64(len(data)) != buf.Bytes {
				return fmt.Errorf("cuda: tensor %s has %d bytes, planned %d", buf.Name, len(data), buf.Bytes)
			}
			src = unsafe.Pointer(&data[0])
		case plan.UploadFloat:
			v, err := f.TensorFloat32(t)
			if err != nil {
				return fmt.Errorf("cuda: %w", err)
			}
			src = unsafe.Pointer(&v[0])
			defer runtime.KeepAlive(v)
		}
		dst := b.base[buf.Region] + dptr(buf.Offset)
		if err := b.dev.htod(dst, src, buf.Bytes); err != nil {
			return check(err, "uploading %s (%s)", buf.Name, plan.HumanBytes(buf.Bytes))
		}
	}
	return nil
}

// Config is the decoder's shape.
func (b *Backend) Config() model.Config { return b.cfg }

// Plan is the device memory plan in use.
func (b *Backend) Plan() *plan.Plan { return b.plan }

// DeviceName is the GPU's name, with the PTX target in use.
func (b *Backend) DeviceName() string {
	return fmt.Sprintf("%s (sm_%d PTX)", b.dev.name(), b.dev.arch())
}

// Len is the number of positions in the KV cache.
func (b *Backend) Len() int { return b.n }

// MaxCtx is the KV cache capacity.
func (b *Backend) MaxCtx() int { return b.plan.MaxCtx }

// Reset empties the KV cache.
func (b *Backend) Reset() { b.n = 0 }

// Truncate keeps the first n cached positions.
func (b *Backend) Truncate(n int) {
	if n >= 0 && n < b.n {
		b.n = n
	}
}

func ptrArg(p dptr) uint64      { return uint64(p) }
func intArg(v int) uint64       { return uint64(uint32(int32(v))) } // C int
func longArg(v int64) uint64    { return uint64(v) }                // C long long
func floatArg(v float32) uint64 { return uint64(math.Float32bits(v)) }

// launch runs k with the geometry l; args are the kernel's parameters,
// one 8-byte slot each.
func (b *Backend) launch(k kernel, name string, l plan.Launch, args ...uint64) error {
	return check(b.dev.launch(k, l, args), "launching %s", name)
}

func (b *Backend) matvec(m *dmat, y, x, bias dptr) error {
	if k := plan.ActKind(m.typ); k != 0 && b.roundActs {
		if err := b.launch(b.k.actRound, "act_round", plan.ActRound(m.cols), ptrArg(x), ptrArg(b.xq), intArg(m.cols), intArg(k)); err != nil {
			return err
		}
		x = b.xq
	}
	return b.launch(m.fn, "matvec", plan.MatVec(m.rows),
		ptrArg(m.ptr), longArg(m.rowBytes), ptrArg(x), ptrArg(y), ptrArg(bias), intArg(m.rows), intArg(m.cols))
}

func (b *Backend) rmsNorm(dst, x, w dptr, rows, n int) error {
	return b.launch(b.k.rmsNorm, "rms_norm", plan.RowNorm(rows, n),
		ptrArg(dst), ptrArg(x), ptrArg(w), intArg(n), floatArg(b.cfg.RMSEps))
}

func (b *Backend) rope(x dptr, heads int) error {
	c := b.cfg
	neox := 0
	if c.RopeMode == model.RopeNeox {
		neox = 1
	}
	return b.launch(b.k.rope, "rope", plan.Rope(heads, c.RopeDims),
		ptrArg(x), intArg(c.HeadDim), intArg(c.RopeDims), intArg(b.n), floatArg(b.thetaScale),
		floatArg(c.RopeScale), ptrArg(b.ropeFreqs), intArg(neox))
}

// Decode evaluates one token at the next position and returns its logits
// (owned by the backend, valid until the next call).
func (b *Backend) Decode(token int32) ([]float32, error) {
	c := b.cfg
	if b.n >= b.plan.MaxCtx {
		return nil, fmt.Errorf("%w: %d of %d positions used", model.ErrContextFull, b.n, b.plan.MaxCtx)
	}
	if token < 0 || int(token) >= c.Vocab {
		return nil, fmt.Errorf("cuda: token %d is outside the vocabulary (%d)", token, c.Vocab)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := b.dev.bind(); err != nil {
		return nil, err
	}
	if err := b.forward(token); err != nil {
		return nil, err
	}
	if err := b.dev.dtoh(unsafe.Pointer(&b.logits[0]), b.lgts, int64(4*len(b.logits))); err != nil {
		// Kernel faults surface here, at the first synchronous call.
		return nil, check(err, "reading the logits back (decode at position %d)", b.n)
	}
	b.n++
	return b.logits, nil
}

func (b *Backend) forward(token int32) error {
	c := b.cfg
	E := c.Embd
	if err := b.launch(b.k.embed, "embed_row", plan.Embed(E), ptrArg(b.tokEmbd.ptr), longArg(b.tokEmbd.rowBytes),
		intArg(int(plan.TypeCode(b.tokEmbd.typ))), intArg(int(token)), intArg(E), ptrArg(b.x)); err != nil {
		return err
	}
	for li := range b.layers {
		if err := b.layer(li); err != nil {
			return fmt.Errorf("layer %d: %w", li, err)
		}
	}
	if err := b.rmsNorm(b.xn, b.x, b.outNorm, 1, E); err != nil {
		return err
	}
	return b.matvec(&b.output, b.lgts, b.xn, 0)
}

// layer runs block li for the token at position b.n.
func (b *Backend) layer(li int) error {
	c := b.cfg
	E := c.Embd
	kvd, vd := c.KVHeads*c.HeadDim, c.KVHeads*c.HeadDimV
	ly := &b.layers[li]
	// Attention.
	if err := b.rmsNorm(b.xn, b.x, ly.attnNorm, 1, E); err != nil {
		return err
	}
	if err := b.matvec(&ly.wq, b.q, b.xn, ly.bq); err != nil {
		return err
	}
	if err := b.matvec(&ly.wk, b.kk, b.xn, ly.bk); err != nil {
		return err
	}
	if err := b.matvec(&ly.wv, b.v, b.xn, ly.bv); err != nil {
		return err
	}
	if ly.qNorm != 0 {
		if err := b.rmsNorm(b.q, b.q, ly.qNorm, c.Heads, c.HeadDim); err != nil {
			return err
		}
	}
	if ly.kNorm != 0 {
		if err := b.rmsNorm(b.kk, b.kk, ly.kNorm, c.KVHeads, c.HeadDim); err != nil {
			return err
		}
	}
	if err := b.rope(b.q, c.Heads); err != nil {
		return err
	}
	if err := b.rope(b.kk, c.KVHeads); err != nil {
		return err
	}
	if err := b.launch(b.k.kvStore, "kv_store", plan.Elementwise(max(kvd, vd)), ptrArg(b.kk), ptrArg(b.v),
		ptrArg(ly.kc), ptrArg(ly.vc), intArg(b.n), intArg(kvd), intArg(vd)); err != nil {
		return err
	}
	if err := b.launch(b.k.attn, "attn_decode", plan.Attention(c.Heads, c.HeadDim), ptrArg(b.q), ptrArg(ly.kc),
		ptrArg(ly.vc), ptrArg(b.att), ptrArg(b.scores), intArg(c.Heads), intArg(c.KVHeads), intArg(c.HeadDim),
		intArg(c.HeadDimV), intArg(b.n+1), intArg(b.plan.MaxCtx), floatArg(b.attnScale)); err != nil {
		return err
	}
	if err := b.matvec(&ly.wo, b.xn, b.att, 0); err != nil {
		return err
	}
	if err := b.launch(b.k.add, "add", plan.Elementwise(E), ptrArg(b.x), ptrArg(b.xn), intArg(E)); err != nil {
		return err
	}
	// Feed-forward (SwiGLU).
	if err := b.rmsNorm(b.xn, b.x, ly.ffnNorm, 1, E); err != nil {
		return err
	}
	if err := b.matvec(&ly.wg, b.gate, b.xn, 0); err != nil {
		return err
	}
	if err := b.matvec(&ly.wu, b.up, b.xn, 0); err != nil {
		return err
	}
	if err := b.launch(b.k.swiglu, "swiglu", plan.Elementwise(c.FFN), ptrArg(b.gate), ptrArg(b.up), intArg(c.FFN)); err != nil {
		return err
	}
	if err := b.matvec(&ly.wd, b.xn, b.gate, 0); err != nil {
		return err
	}
	return b.launch(b.k.add, "add", plan.Elementwise(E), ptrArg(b.x), ptrArg(b.xn), intArg(E))
}

// release frees what New made; errors are collected.
func (b *Backend) release() error {
	if err := b.dev.bind(); err != nil {
		return err
	}
	var errs []error
	for r, p := range b.base {
		if p != 0 {
			errs = append(errs, b.dev.free(p))
			b.base[r] = 0
		}
	}
	errs = append(errs, b.dev.close())
	return errors.Join(errs...)
}

// Close frees the device memory and the context.
func (b *Backend) Close() error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return b.release()
}
