// Rotary position embedding of one token, in place, over the heads of x
// (one block per head, one thread per rotated pair). neox != 0 pairs
// (i, i + rope_dims/2) (qwen2, qwen3); otherwise adjacent pairs (llama).
// theta_j = pos * theta_scale^j / freq_factors[j] * freq_scale, with
// theta_scale = base^(-2/rope_dims); freq_factors may be null.
#include "common.cuh"

extern "C" __global__ void rope(float *x, int head_dim, int rope_dims, int pos, float theta_scale,
                                float freq_scale, const float *freq_factors, int neox) {
    const int half = rope_dims / 2;
    const int j = threadIdx.x;
    if (j >= half) return;
    float *h = x + (long long)blockIdx.x * head_dim;
    float theta = (float)pos * powf(theta_scale, (float)j);
    if (freq_factors != 0) theta /= freq_factors[j];
    theta *= freq_scale;
    float s, c;
    sincosf(theta, &s, &c);
    const int i0 = neox ? j : 2 * j;
    const int i1 = neox ? j + half : 2 * j + 1;
    const float x0 = h[i0], x1 = h[i1];
    h[i0] = x0 * c - x1 * s;
    h[i1] = x0 * s + x1 * c;
}
