//go:build cuda

package cuda

import "embed"

// The kernels are compiled ahead of time (CUDA 11.8's nvcc, PTX for sm_80
// and sm_90) and the PTX is committed, so building this package needs no
// nvcc; the driver JIT-compiles the PTX for the device at load.
//
//go:generate sh kernels/build.sh

//go:embed kernels/*.ptx
var ptxFS embed.FS
