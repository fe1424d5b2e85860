// Elementwise kernels of the decoder: SwiGLU and the residual add.
#include "common.cuh"

// gate = silu(gate) * up
extern "C" __global__ void swiglu(float *gate, const float *up, int n) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        const float g = gate[i];
        gate[i] = g / (1.0f + expf(-g)) * up[i];
    }
}

// x += y
extern "C" __global__ void add(float *x, const float *y, int n) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] += y[i];
}

// Activation rounding before a matrix-vector product, as the CPU backend
// (after ggml's CPU "vec_dot_type") prepares the vector for each weight
// type: kind 1 rounds to F16, 2 to BF16, 3 quantizes to Q8_0 (blocks of
// 32: d = amax/127 kept as F16, q = nearest-even(x*127/amax)), 4 to Q8_K
// (blocks of 256: iscale = -127/m with m the value of largest magnitude,
// the first such; q = min(127, nearest-even(iscale*x)), d = 1/iscale).
// xr receives q*d, so the kernels' float products see what the CPU's
// integer dot products see. Blocks of 256 threads, n a multiple of 32
// (256 for kind 4); dynamic shared memory: WARP floats.
extern "C" __global__ void act_round(const float *x, float *xr, int n, int kind) {
    extern __shared__ float red[];
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    const float v = i < n ? x[i] : 0.0f;
    float r = v;
    if (kind == 1) {
        r = __half2float(__float2half(v));
    } else if (kind == 2) {
        uint32_t u = __float_as_uint(v);
        if ((u & 0x7fffffffu) > 0x7f800000u) {
            u |= 0x00400000u; // quiet NaN
        } else {
            u += 0x7fffu + ((u >> 16) & 1u);
        }
        r = __uint_as_float(u & 0xffff0000u);
    } else if (kind == 3) {
        const float amax = warp_max(fabsf(v)); // the warp is one 32-block
        const float d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        r = rintf(v * id) * __half2float(__float2half(d));
    } else if (kind == 4) {
        const float amax = block_max(fabsf(v), red); // the block is one 256-block
        // first index holding amax, and its signed value
        const float first = -block_max(fabsf(v) == amax ? -(float)threadIdx.x : -1.0e9f, red);
        const float m = block_max(threadIdx.x == (unsigned)first ? v : -INFINITY, red); // broadcast
        if (amax == 0.0f) {
            r = 0.0f;
        } else {
            const float iscale = -127.0f / m;
            r = fminf(127.0f, rintf(iscale * v)) * (1.0f / iscale);
        }
    }
    if (i < n) xr[i] = r;
}
