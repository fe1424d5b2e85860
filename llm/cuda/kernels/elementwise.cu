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
