//go:build cuda || cudaemu

package cuda

import (
	"errors"
	"fmt"

	"github.com/docent-dev/docent/llm/cuda/plan"
)

// ErrOutOfMemory is wrapped by errors from allocations the device cannot
// satisfy; the message names the sizes involved.
var ErrOutOfMemory = errors.New("cuda: out of device memory")

// check wraps a CUDA driver error with what was being done.
func check(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("cuda: %s: %w", fmt.Sprintf(format, args...), err)
}

// oomError explains a failed allocation of want bytes for what, with the
// plan's totals and the device's free memory.
func oomError(err error, what string, want int64, p *plan.Plan, free, total int64) error {
	return fmt.Errorf("%w: allocating %s for %s failed (%v); the model needs %s in all (weights %s, KV cache %s for %d positions, scratch %s); the device has %s free of %s (try a shorter context or a smaller quantization)",
		ErrOutOfMemory, plan.HumanBytes(want), what, err, plan.HumanBytes(p.Total()),
		plan.HumanBytes(p.Size(plan.Weights)), plan.HumanBytes(p.Size(plan.KVCache)), p.MaxCtx,
		plan.HumanBytes(p.Size(plan.Scratch)), plan.HumanBytes(free), plan.HumanBytes(total))
}
