package plan

import (
	"fmt"
	"strings"

	"github.com/docent-dev/docent/llm/gguf"
)

// Module is one PTX module (one .cu file under llm/cuda/kernels) and the
// kernels the backend takes from it.
type Module struct {
	Name    string
	Kernels []string
}

// Modules are the CUDA backend's kernels, by source file.
var Modules = []Module{
	{"embed", []string{"embed_row"}},
	{"norm", []string{"rms_norm"}},
	{"rope", []string{"rope"}},
	{"matvec", []string{"matvec_f32", "matvec_f16", "matvec_bf16", "matvec_q4_0", "matvec_q5_0", "matvec_q8_0", "matvec_q4_k", "matvec_q6_k"}},
	{"attention", []string{"kv_store", "attn_decode"}},
	{"elementwise", []string{"swiglu", "add", "act_round"}},
}

// Archs are the compute capabilities the PTX is generated for; a device
// loads the newest one not above its own (the driver JIT-compiles it).
var Archs = []int{80, 90}

// PTXName is the file name of module's PTX for arch (80: sm_80).
func PTXName(module string, arch int) string { return fmt.Sprintf("%s_sm%d.ptx", module, arch) }

// PickArch returns the PTX architecture for a device of compute capability
// major.minor, or an error if the device is older than every target.
func PickArch(major, minor int) (int, error) {
	cc := 10*major + minor
	best := 0
	for _, a := range Archs {
		if a <= cc && a > best {
			best = a
		}
	}
	if best == 0 {
		return 0, fmt.Errorf("cuda: device of compute capability %d.%d is older than the kernels' targets (sm_%d and newer)", major, minor, Archs[0])
	}
	return best, nil
}

// MatVecKernel is the name of the matrix-vector kernel for weights of type t.
func MatVecKernel(t gguf.GGMLType) string {
	return "matvec_" + strings.ToLower(t.String())
}

// ActKind is how act_round prepares the vector for a product with weights
// of type t, as the CPU backend does (ggml's vec_dot_type): 0 unchanged
// (F32), 1 F16, 2 BF16, 3 Q8_0, 4 Q8_K.
func ActKind(t gguf.GGMLType) int {
	switch t {
	case gguf.F16:
		return 1
	case gguf.BF16:
		return 2
	case gguf.Q8_0, gguf.Q4_0, gguf.Q5_0:
		return 3
	case gguf.Q4_K, gguf.Q5_K, gguf.Q6_K:
		return 4
	}
	return 0
}
