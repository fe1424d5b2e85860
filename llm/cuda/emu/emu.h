// A minimal CUDA execution model for running docent's kernels on the CPU,
// for tests on machines without a GPU (build tag cudaemu). Each CUDA
// thread of a block is a fiber (ucontext); __syncthreads and warp
// shuffles yield to a round-robin scheduler, so that every thread of the
// block reaches the barrier before any passes it. Blocks run one after
// another. Shared memory is one static buffer (blocks never overlap).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

struct dim3 {
    unsigned x = 1, y = 1, z = 1;
};
struct float2 {
    float x, y;
};
struct __half {
    uint16_t bits;
};
struct __half2 {
    __half x, y;
};

extern dim3 threadIdx, blockIdx, blockDim, gridDim;
extern float emu_shared_mem[];

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__

void __syncthreads();
float __shfl_xor_sync(unsigned mask, float v, int lane_mask);

inline float __uint_as_float(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

inline uint32_t __float_as_uint(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

inline float __half2float(__half h) {
    const uint32_t s = (uint32_t)(h.bits >> 15) << 31;
    const uint32_t e = (h.bits >> 10) & 31, m = h.bits & 1023;
    if (e == 0) {
        const float v = ldexpf((float)m, -24);
        return s ? -v : v;
    }
    if (e == 31) return __uint_as_float(s | 0x7f800000u | (m << 13));
    return __uint_as_float(s | ((e + 112) << 23) | (m << 13));
}

inline __half __float2half(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    const uint16_t sign = (u >> 16) & 0x8000;
    const float a = fabsf(f);
    __half h;
    if (std::isnan(f)) {
        h.bits = sign | 0x7e00;
        return h;
    }
    if (a >= 65520.0f) {
        h.bits = sign | 0x7c00;
        return h;
    }
    if (a < 6.103515625e-05f) { // subnormal: multiples of 2^-24, round to even
        h.bits = sign | (uint16_t)nearbyintf(a * 16777216.0f);
        return h;
    }
    // normal: keep 10 mantissa bits, round to nearest even
    uint32_t au = u & 0x7fffffffu;
    const uint32_t lsb = (au >> 13) & 1;
    au += 0xfff + lsb;
    h.bits = sign | (uint16_t)(((au >> 23) - 112) << 10 | ((au >> 13) & 1023));
    return h;
}

inline float2 __half22float2(__half2 h) { return float2{__half2float(h.x), __half2float(h.y)}; }
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }

// Redirect the kernels' dynamic shared memory to the emulator's buffer.
#define EMU_SHARED(name) float *name = emu_shared_mem
