// RMSNorm of rows vectors of n values each (one block per vector), with a
// weight shared by all rows: dst = x / sqrt(mean(x^2) + eps) * w. dst may
// be x. Dynamic shared memory: WARP floats.
#include "common.cuh"

extern "C" __global__ void rms_norm(float *dst, const float *x, const float *w, int n, float eps) {
    extern __shared__ float red[];
    const float *xr = x + (long long)blockIdx.x * n;
    float *dr = dst + (long long)blockIdx.x * n;
    float s = 0.0f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) s += xr[i] * xr[i];
    s = block_sum(s, red);
    const float scale = rsqrtf(s / (float)n + eps);
    for (int i = threadIdx.x; i < n; i += blockDim.x) dr[i] = (xr[i] * scale) * w[i];
}
