package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/model"
	"github.com/docent-dev/docent/llm/synth"
)

func synthFile(t *testing.T, preset, quant string) *gguf.File {
	t.Helper()
	p, err := synth.Lookup(preset)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := synth.Write(&buf, p, synth.Options{Quant: quant, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// checkLayout verifies alignment, no overlap and region sizes.
func checkLayout(t *testing.T, p *Plan) {
	t.Helper()
	var end [numRegions]int64
	for _, b := range p.Buffers {
		if b.Offset%Align != 0 {
			t.Errorf("%s: offset %d not aligned to %d", b.Name, b.Offset, Align)
		}
		if b.Offset < end[b.Region] {
			t.Errorf("%s: offset %d overlaps the previous buffer (ends %d)", b.Name, b.Offset, end[b.Region])
		}
		end[b.Region] = b.Offset + b.Bytes
		if b.Offset+b.Bytes > p.Sizes[b.Region] {
			t.Errorf("%s: ends past its region", b.Name)
		}
	}
	var total int64
	for r := Region(0); r < numRegions; r++ {
		if p.Sizes[r] != AlignUp(end[r], Align) {
			t.Errorf("%v: size %d, buffers end at %d", r, p.Sizes[r], end[r])
		}
		total += p.Sizes[r]
	}
	if p.Total() != total {
		t.Errorf("Total %d, regions sum to %d", p.Total(), total)
	}
}

func TestPlanTinyMatchesDecoder(t *testing.T) {
	for _, tc := range []struct{ preset, quant string }{
		{"llama-tiny", "f16"}, {"llama-tiny", "q8_0"}, {"llama-tiny", "q4_k"}, {"llama-tiny", "q4_0"},
		{"qwen2-tiny", "bf16"}, {"qwen2-tiny", "q6_k"},
	} {
		{
			preset, q := tc.preset, tc.quant
			t.Run(preset+"/"+q, func(t *testing.T) {
				f := synthFile(t, preset, q)
				d, err := model.LoadDecoder(f, model.Options{Threads: 1})
				if err != nil {
					t.Fatal(err)
				}
				defer d.Close()
				const ctx = 100
				p, err := ForDecoder(d.Config, f, ctx)
				if err != nil {
					t.Fatal(err)
				}
				checkLayout(t, p)
				var kv int64
				for _, b := range p.Buffers {
					switch b.Region {
					case Weights:
						ti, ok := f.Tensor(b.Name)
						if !ok {
							t.Fatalf("%s: not in the file", b.Name)
						}
						if b.Upload == UploadRaw && b.Bytes != int64(ti.Size()) {
							t.Errorf("%s: %d bytes planned, tensor has %d", b.Name, b.Bytes, ti.Size())
						}
						if b.Upload == UploadFloat && b.Bytes != 4*int64(ti.NumElements()) {
							t.Errorf("%s: %d bytes planned for %d floats", b.Name, b.Bytes, ti.NumElements())
						}
					case KVCache:
						kv += b.Bytes
					}
				}
				if kv != d.KVCacheBytes(ctx) {
					t.Errorf("KV cache %d bytes, the CPU decoder's is %d", kv, d.KVCacheBytes(ctx))
				}
				// Every tensor of the file the decoder uses is planned.
				for _, ti := range f.Tensors {
					if _, ok := p.Buffer(ti.Name); !ok {
						t.Errorf("tensor %s is not planned", ti.Name)
					}
				}
				if s, _ := p.Buffer("scores"); s.Cols != d.Heads*ctx {
					t.Errorf("scores has %d values, want %d", s.Cols, d.Heads*ctx)
				}
				if lg, _ := p.Buffer("logits"); lg.Cols != d.Vocab {
					t.Errorf("logits has %d values, want %d", lg.Cols, d.Vocab)
				}
				var sb strings.Builder
				if err := p.WriteSummary(&sb); err != nil || !strings.Contains(sb.String(), "total") {
					t.Errorf("summary: %v\n%s", err, sb.String())
				}
			})
		}
	}
}

// planSource serves a synth plan's tensors without generating data.
type planSource map[string]*gguf.TensorInfo

func (s planSource) Tensor(name string) (*gguf.TensorInfo, bool) { t, ok := s[name]; return t, ok }

func TestPlanLlama1B(t *testing.T) {
	pr, _ := synth.Lookup("llama-3.2-1b")
	for _, tc := range []struct {
		quant       string
		minGiB      float64 // weight bytes, from the parameter count
		maxGiB      float64
		wantTypes   []gguf.GGMLType
		unsupported string
	}{
		{"f16", 2.2, 2.4, []gguf.GGMLType{gguf.F16, gguf.F32}, ""},
		{"q8_0", 1.1, 1.4, []gguf.GGMLType{gguf.Q8_0, gguf.F32}, ""},
		{"q4_k", 0.6, 1.0, []gguf.GGMLType{gguf.Q4_K, gguf.Q6_K, gguf.F32}, ""},
		{"q5_k", 0, 0, nil, "Q5_K"},
	} {
		m, err := synth.Plan(pr, synth.Options{Quant: tc.quant})
		if err != nil {
			t.Fatal(err)
		}
		src := planSource{}
		var raw int64
		for _, tp := range m.Tensors {
			ti := &gguf.TensorInfo{Name: tp.Name, Dims: tp.Dims, Type: tp.Type}
			src[tp.Name] = ti
			n, _ := tp.Type.RowBytes(tp.Dims[0])
			for _, d := range tp.Dims[1:] {
				n *= d
			}
			raw += int64(n)
		}
		hd := pr.Embd / pr.Heads
		c := model.Config{Arch: "llama", ContextLen: pr.Context, Embd: pr.Embd, Layers: pr.Layers, Heads: pr.Heads,
			KVHeads: pr.HeadsKV, HeadDim: hd, HeadDimV: hd, FFN: pr.FFN, Vocab: m.Vocab, RopeDims: hd,
			TiedOutput: pr.Tied, RopeFreqs: true}
		p, err := ForDecoder(c, src, 4096)
		if tc.unsupported != "" {
			if err == nil || !strings.Contains(err.Error(), tc.unsupported) || !strings.Contains(err.Error(), "supported:") {
				t.Errorf("%s: error %v, want one naming %s and the supported types", tc.quant, err, tc.unsupported)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		checkLayout(t, p)
		w := float64(p.Size(Weights)) / (1 << 30)
		if w < tc.minGiB || w > tc.maxGiB {
			t.Errorf("%s: weights %.2f GiB, want %.1f..%.1f", tc.quant, w, tc.minGiB, tc.maxGiB)
		}
		// Alignment adds at most Align per buffer to the file's bytes.
		if p.Size(Weights) < raw || p.Size(Weights) > raw+int64(len(p.Buffers))*Align {
			t.Errorf("%s: weights %d bytes, tensors %d", tc.quant, p.Size(Weights), raw)
		}
		// 16 layers x 4096 positions x 8 KV heads x 64 x 2 (K, V) x 2 bytes.
		if want := int64(16 * 4096 * 8 * 64 * 2 * 2); p.Size(KVCache) != want {
			t.Errorf("KV cache %d, want %d", p.Size(KVCache), want)
		}
		// Tied: the whole table is read per token as the output head.
		if p.WeightBytesPerToken() < raw-int64(pr.Embd*4) || p.WeightBytesPerToken() > raw {
			t.Errorf("%s: bytes per token %d, tensors %d", tc.quant, p.WeightBytesPerToken(), raw)
		}
		seen := map[gguf.GGMLType]bool{}
		for _, b := range p.Buffers {
			if b.Region == Weights {
				seen[b.Type] = true
			}
		}
		for _, ty := range tc.wantTypes {
			if !seen[ty] {
				t.Errorf("%s: no %v weights planned", tc.quant, ty)
			}
		}
	}
}

func TestPlanRejectsBadShapes(t *testing.T) {
	f := synthFile(t, "llama-tiny", "f16")
	d, err := model.LoadDecoder(f, model.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	c := d.Config
	c.Embd++
	if _, err := ForDecoder(c, f, 16); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("wrong width: %v", err)
	}
	c = d.Config
	c.HeadDim, c.HeadDimV = 512, 512
	if _, err := ForDecoder(c, f, 16); err == nil || !strings.Contains(err.Error(), "head size") {
		t.Errorf("huge heads: %v", err)
	}
	// maxCtx beyond the training context is clamped.
	p, err := ForDecoder(d.Config, f, 1<<20)
	if err != nil || p.MaxCtx != d.ContextLen {
		t.Errorf("clamp: %v, %d", err, p.MaxCtx)
	}
}

func TestLayoutsMatchGGUF(t *testing.T) {
	for _, ty := range DeviceTypes() {
		l, ok := Layout(ty)
		if !ok {
			t.Fatalf("%v: no layout", ty)
		}
		if l.Elems != ty.BlockSize() || l.Bytes != ty.TypeSize() {
			t.Errorf("%v: layout %d elems / %d bytes, gguf says %d / %d", ty, l.Elems, l.Bytes, ty.BlockSize(), ty.TypeSize())
		}
		off := 0
		for _, f := range l.Fields {
			if f.Offset != off {
				t.Errorf("%v: field %s at %d, want %d", ty, f.Name, f.Offset, off)
			}
			off += f.Size
		}
		if off != l.Bytes {
			t.Errorf("%v: fields cover %d of %d bytes", ty, off, l.Bytes)
		}
		if StepElems(ty)%l.Elems != 0 {
			t.Errorf("%v: a warp step of %d elements splits blocks of %d", ty, StepElems(ty), l.Elems)
		}
	}
}

// The kernels' element indexing (mirrored by DequantElem) must agree with
// llm/gguf's dequantization bit for bit.
func TestDequantElemMatchesGGUF(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 4 * 256
	src := make([]float32, n)
	for i := range src {
		src[i] = float32(r.NormFloat64()) * (1 + float32(i%37)/10)
	}
	for _, ty := range DeviceTypes() {
		var raw []byte
		switch ty {
		case gguf.F32:
			raw = make([]byte, 4*n)
			for i, v := range src {
				b := mathBits(v)
				raw[4*i], raw[4*i+1], raw[4*i+2], raw[4*i+3] = byte(b), byte(b>>8), byte(b>>16), byte(b>>24)
			}
		case gguf.F16, gguf.BF16:
			raw = make([]byte, 2*n)
			for i, v := range src {
				h := gguf.FP32ToFP16(v)
				if ty == gguf.BF16 {
					h = gguf.FP32ToBF16(v)
				}
				raw[2*i], raw[2*i+1] = byte(h), byte(h>>8)
			}
		default:
			var err error
			if raw, err = gguf.Quantize(ty, src); err != nil {
				t.Fatalf("%v: %v", ty, err)
			}
		}
		want := make([]float32, n)
		if err := gguf.Dequantize(ty, raw, want); err != nil {
			t.Fatalf("%v: %v", ty, err)
		}
		for i := range want {
			if got := DequantElem(ty, raw, i); got != want[i] {
				t.Fatalf("%v: element %d = %v, gguf dequantizes %v", ty, i, got, want[i])
			}
		}
	}
}

// In each warp step of the matrix-vector kernels the 32 lanes read every
// element of the step exactly once.
func TestWarpElemsCoverStep(t *testing.T) {
	for _, ty := range DeviceTypes() {
		n := StepElems(ty)
		seen := make([]int, n)
		per := -1
		for lane := 0; lane < WarpSize; lane++ {
			e := WarpElems(ty, lane)
			if per >= 0 && len(e) != per {
				t.Errorf("%v: lane %d reads %d elements, lane 0 %d", ty, lane, len(e), per)
			}
			per = len(e)
			for _, i := range e {
				if i < 0 || i >= n {
					t.Fatalf("%v: lane %d reads element %d of a %d-element step", ty, lane, i, n)
				}
				seen[i]++
			}
		}
		for i, c := range seen {
			if c != 1 {
				t.Errorf("%v: element %d read %d times", ty, i, c)
			}
		}
	}
}

func TestLaunchGeometry(t *testing.T) {
	for _, tc := range []struct {
		name  string
		l     Launch
		grid  int
		block int
	}{
		{"matvec vocab", MatVec(151936), 151936 / MatVecWarps, 128},
		{"matvec odd", MatVec(5), 2, 128},
		{"norm 2048", RowNorm(1, 2048), 1, 256},
		{"norm heads", RowNorm(14, 64), 14, 64},
		{"norm tiny", RowNorm(3, 5), 3, 32},
		{"rope", Rope(32, 64), 32, 32},
		{"elementwise", Elementwise(8192), 32, 256},
		{"elementwise 1", Elementwise(1), 1, 256},
		{"attention", Attention(32, 64), 32, AttnThreads},
	} {
		if tc.l.Grid[0] != tc.grid || tc.l.Block[0] != tc.block {
			t.Errorf("%s: grid %d block %d, want %d, %d", tc.name, tc.l.Grid[0], tc.l.Block[0], tc.grid, tc.block)
		}
		if err := tc.l.Validate(); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if tc.l.Block[0]%WarpSize != 0 && tc.name != "rope" {
			t.Errorf("%s: block %d is not whole warps", tc.name, tc.l.Block[0])
		}
	}
	if a := Attention(1, MaxHeadDim); a.Shared != 4*(MaxHeadDim+WarpSize) || a.Validate() != nil {
		t.Errorf("attention shared memory %d", a.Shared)
	}
	if err := (Launch{Grid: [3]int{1, 1, 1}, Block: [3]int{2048, 1, 1}}).Validate(); err == nil {
		t.Error("2048 threads per block passed validation")
	}
	if err := (Launch{Grid: [3]int{1, 1, 1}, Block: [3]int{32, 1, 1}, Shared: 1 << 20}).Validate(); err == nil {
		t.Error("1 MiB of shared memory passed validation")
	}
	if err := (Launch{}).Validate(); err == nil {
		t.Error("empty launch passed validation")
	}
}

func TestKernelsInPTX(t *testing.T) {
	for _, m := range Modules {
		for _, arch := range Archs {
			b, err := os.ReadFile(filepath.Join("..", "kernels", PTXName(m.Name, arch)))
			if err != nil {
				t.Fatalf("%v (run go generate -tags cuda ./llm/cuda)", err)
			}
			s := string(b)
			if !strings.Contains(s, fmt.Sprintf(".target sm_%d\n", arch)) {
				t.Errorf("%s: not built for sm_%d", PTXName(m.Name, arch), arch)
			}
			// PTX ISA 7.8 is what CUDA 11.8 writes; drivers from 520 on load it.
			if !strings.Contains(s, ".version 7.8\n") {
				t.Errorf("%s: not PTX ISA 7.8 (CUDA 11.8)", PTXName(m.Name, arch))
			}
			for _, k := range m.Kernels {
				if !strings.Contains(s, ".entry "+k+"(") {
					t.Errorf("%s: no kernel %s", PTXName(m.Name, arch), k)
				}
			}
		}
		if _, err := os.Stat(filepath.Join("..", "kernels", m.Name+".cu")); err != nil {
			t.Errorf("module %s has no source: %v", m.Name, err)
		}
	}
	for _, ty := range DeviceTypes() {
		found := false
		for _, k := range Modules[3].Kernels {
			found = found || k == MatVecKernel(ty)
		}
		if !found {
			t.Errorf("no matrix-vector kernel for %v", ty)
		}
	}
}

// The committed PTX is what the .cu sources compile to (checked where nvcc
// is installed: Debian's nvidia-cuda-toolkit).
func TestPTXUpToDate(t *testing.T) {
	nvcc, err := exec.LookPath("nvcc")
	if err != nil {
		t.Skip("nvcc not installed (apt-get install nvidia-cuda-toolkit from non-free)")
	}
	if testing.Short() {
		t.Skip("compiles the kernels")
	}
	dir := t.TempDir()
	srcs, _ := filepath.Glob(filepath.Join("..", "kernels", "*"))
	for _, s := range srcs {
		b, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(s)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("sh", filepath.Join(dir, "build.sh"))
	cmd.Env = append(os.Environ(), "NVCC="+nvcc)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, out)
	}
	for _, m := range Modules {
		for _, arch := range Archs {
			n := PTXName(m.Name, arch)
			want, _ := os.ReadFile(filepath.Join(dir, n))
			got, _ := os.ReadFile(filepath.Join("..", "kernels", n))
			if !bytes.Equal(got, want) {
				t.Errorf("%s is stale: run go generate -tags cuda ./llm/cuda", n)
			}
		}
	}
}

func TestPickArch(t *testing.T) {
	for _, tc := range []struct{ major, minor, want int }{{8, 0, 80}, {8, 6, 80}, {8, 9, 80}, {9, 0, 90}, {10, 0, 90}, {12, 0, 90}} {
		if got, err := PickArch(tc.major, tc.minor); err != nil || got != tc.want {
			t.Errorf("%d.%d: %d, %v; want %d", tc.major, tc.minor, got, err, tc.want)
		}
	}
	if _, err := PickArch(7, 5); err == nil {
		t.Error("sm_75 accepted")
	}
	if MatVecKernel(gguf.Q4_K) != "matvec_q4_k" || MatVecKernel(gguf.BF16) != "matvec_bf16" {
		t.Error("MatVecKernel names")
	}
}

// The emulator's stamp (llm/cuda/emu/stamp.go) names the current kernel
// sources, so that `go test -tags cudaemu` rebuilds it after a change.
func TestEmulatorStamp(t *testing.T) {
	h := sha256.New()
	for _, pat := range []string{"*.cu", "*.cuh"} {
		files, _ := filepath.Glob(filepath.Join("..", "kernels", pat))
		sort.Strings(files)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			h.Write(b)
		}
	}
	stamp, err := os.ReadFile(filepath.Join("..", "emu", "stamp.go"))
	if err != nil {
		t.Fatal(err)
	}
	if want := hex.EncodeToString(h.Sum(nil)); !strings.Contains(string(stamp), want) {
		t.Errorf("emu/stamp.go is stale (kernels hash %s): run go generate -tags cuda ./llm/cuda", want)
	}
}

func TestActRound(t *testing.T) {
	for _, tc := range []struct {
		ty   gguf.GGMLType
		kind int
	}{{gguf.F32, 0}, {gguf.F16, 1}, {gguf.BF16, 2}, {gguf.Q8_0, 3}, {gguf.Q4_0, 3}, {gguf.Q5_0, 3}, {gguf.Q4_K, 4}, {gguf.Q6_K, 4}} {
		if got := ActKind(tc.ty); got != tc.kind {
			t.Errorf("ActKind(%v) = %d, want %d", tc.ty, got, tc.kind)
		}
	}
	// One block per Q8_K block; whole Q8_0 blocks per warp.
	for _, n := range []int{256, 896, 2048, 4864, 8192} {
		l := ActRound(n)
		if err := l.Validate(); err != nil || l.Grid[0]*l.Block[0] < n || l.Block[0] != 256 {
			t.Errorf("ActRound(%d) = %+v, %v", n, l, err)
		}
	}
}
