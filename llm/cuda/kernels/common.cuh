// Shared device helpers of docent's CUDA kernels. Weights are read in
// their GGUF block packing (see llm/cuda/plan/blocks.go, whose
// DequantElem mirrors dq_elem below and is tested against llm/gguf).
#pragma once
#include <cuda_fp16.h>
#include <stdint.h>

#define WARP 32
#define FULL_MASK 0xffffffffu

// GGML type numbers (ggml.h), as passed by the host.
enum {
    T_F32 = 0,
    T_F16 = 1,
    T_Q4_0 = 2,
    T_Q5_0 = 6,
    T_Q8_0 = 8,
    T_Q4_K = 12,
    T_Q6_K = 14,
    T_BF16 = 30,
};

// Half at a 2-byte aligned address.
__device__ __forceinline__ float ld_f16(const uint8_t *p) {
    return __half2float(*(const __half *)p);
}

__device__ __forceinline__ float bf16_to_f32(uint16_t v) {
    return __uint_as_float(((uint32_t)v) << 16);
}

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = WARP / 2; o > 0; o >>= 1) v += __shfl_xor_sync(FULL_MASK, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = WARP / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(FULL_MASK, v, o));
    return v;
}

// Sum over the block (blockDim.x a multiple of 32); every thread gets the
// result. red holds WARP floats of shared memory.
__device__ __forceinline__ float block_sum(float v, float *red) {
    const int lane = threadIdx.x % WARP, w = threadIdx.x / WARP, nw = blockDim.x / WARP;
    v = warp_sum(v);
    __syncthreads(); // red may still be read by a previous reduction
    if (lane == 0) red[w] = v;
    __syncthreads();
    v = lane < nw ? red[lane] : 0.0f;
    return warp_sum(v);
}

__device__ __forceinline__ float block_max(float v, float *red) {
    const int lane = threadIdx.x % WARP, w = threadIdx.x / WARP, nw = blockDim.x / WARP;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) red[w] = v;
    __syncthreads();
    v = lane < nw ? red[lane] : -INFINITY;
    return warp_max(v);
}

// 6-bit scale and min of sub-block j of a Q4_K block (12 packed bytes).
__device__ __forceinline__ void scale_min_k4(int j, const uint8_t *q, int *sc, int *m) {
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (q[j + 4] & 0x0f) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

// Element i of a row of type t (slow, general: embedding lookup).
__device__ __forceinline__ float dq_elem(int t, const uint8_t *row, int i) {
    switch (t) {
    case T_F32:
        return ((const float *)row)[i];
    case T_F16:
        return __half2float(((const __half *)row)[i]);
    case T_BF16:
        return bf16_to_f32(((const uint16_t *)row)[i]);
    case T_Q4_0: {
        const uint8_t *b = row + (i / 32) * 18;
        const int j = i % 32;
        int q = b[2 + j % 16];
        if (j >= 16) q >>= 4;
        return (float)((q & 15) - 8) * ld_f16(b);
    }
    case T_Q5_0: {
        const uint8_t *b = row + (i / 32) * 22;
        const int j = i % 32;
        const uint32_t qh = b[2] | (b[3] << 8) | (b[4] << 16) | ((uint32_t)b[5] << 24);
        int q = b[6 + j % 16];
        if (j >= 16) q >>= 4;
        const int v = (q & 15) | (((qh >> j) & 1) << 4);
        return (float)(v - 16) * ld_f16(b);
    }
    case T_Q8_0: {
        const uint8_t *b = row + (i / 32) * 34;
        return (float)(int8_t)b[2 + i % 32] * ld_f16(b);
    }
    case T_Q4_K: {
        const uint8_t *b = row + (i / 256) * 144;
        const int j = i % 256, c = j / 64, r = j % 64;
        int sc, m;
        scale_min_k4(2 * c + r / 32, b + 4, &sc, &m);
        int q = b[16 + 32 * c + r % 32];
        if (r >= 32) q >>= 4;
        return ld_f16(b) * (float)sc * (float)(q & 15) - ld_f16(b + 2) * (float)m;
    }
    case T_Q6_K: {
        const uint8_t *b = row + (i / 256) * 210;
        const int j = i % 256, h = j / 128, r = j % 128, g = r / 32, l = r % 32;
        int ql = b[64 * h + l + 32 * (g & 1)];
        if (g >= 2) ql >>= 4;
        const int qh = (b[128 + 32 * h + l] >> (2 * g)) & 3;
        const int q = ((ql & 15) | (qh << 4)) - 32;
        const float sc = (float)(int8_t)b[192 + 8 * h + l / 16 + 2 * g];
        return ld_f16(b + 208) * sc * (float)q;
    }
    }
    return 0.0f;
}
