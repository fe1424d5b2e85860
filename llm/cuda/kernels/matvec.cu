// Matrix-vector products y = W x (+ bias) for decode, one warp per row,
// weights read in their GGUF block packing and dequantized in registers.
// W has rows rows of row_bytes bytes; x and y are float32. The lanes of a
// warp split each step of the row as plan.WarpElems describes (tested on
// the host): pairs for F32/F16/BF16, eight 32-blocks per step for
// Q4_0/Q5_0/Q8_0 (four lanes per block), one 256-super-block per step for
// Q4_K/Q6_K (eight values per lane).
#include "common.cuh"

template <int T> __device__ __forceinline__ float row_dot(const uint8_t *row, const float *x, int cols, int lane);

template <> __device__ __forceinline__ float row_dot<T_F32>(const uint8_t *row, const float *x, int cols, int lane) {
    const float2 *w = (const float2 *)row;
    const float2 *xv = (const float2 *)x;
    float acc = 0.0f;
    for (int p = lane; p < cols / 2; p += WARP) {
        const float2 a = w[p], b = xv[p];
        acc += a.x * b.x + a.y * b.y;
    }
    return acc;
}

template <> __device__ __forceinline__ float row_dot<T_F16>(const uint8_t *row, const float *x, int cols, int lane) {
    const __half2 *w = (const __half2 *)row;
    const float2 *xv = (const float2 *)x;
    float acc = 0.0f;
    for (int p = lane; p < cols / 2; p += WARP) {
        const float2 a = __half22float2(w[p]), b = xv[p];
        acc += a.x * b.x + a.y * b.y;
    }
    return acc;
}

template <> __device__ __forceinline__ float row_dot<T_BF16>(const uint8_t *row, const float *x, int cols, int lane) {
    const uint32_t *w = (const uint32_t *)row;
    const float2 *xv = (const float2 *)x;
    float acc = 0.0f;
    for (int p = lane; p < cols / 2; p += WARP) {
        const uint32_t a = w[p];
        const float2 b = xv[p];
        acc += bf16_to_f32((uint16_t)(a & 0xffff)) * b.x + bf16_to_f32((uint16_t)(a >> 16)) * b.y;
    }
    return acc;
}

// 32-element blocks: lane/4 picks one of eight blocks in the step, lane%4
// the four qs bytes 4*part..4*part+3 (values 4*part+k and, for the nibble
// formats, 16+4*part+k; Q8_0 reads both ranges as bytes).
template <int T, int BYTES>
__device__ __forceinline__ float row_dot_q32(const uint8_t *row, const float *x, int cols, int lane) {
    const int nb = cols / 32, part = lane % 4;
    float acc = 0.0f;
    for (int b = lane / 4; b < nb; b += 8) {
        const uint8_t *blk = row + (long long)b * BYTES;
        const float *xb = x + b * 32 + 4 * part;
        const float d = ld_f16(blk);
        float s = 0.0f;
        if (T == T_Q8_0) {
            const int8_t *qs = (const int8_t *)(blk + 2);
#pragma unroll
            for (int k = 0; k < 4; k++) s += (float)qs[4 * part + k] * xb[k] + (float)qs[16 + 4 * part + k] * xb[16 + k];
        } else if (T == T_Q4_0) {
            const uint8_t *qs = blk + 2;
#pragma unroll
            for (int k = 0; k < 4; k++) {
                const int q = qs[4 * part + k];
                s += (float)((q & 15) - 8) * xb[k] + (float)((q >> 4) - 8) * xb[16 + k];
            }
        } else { // Q5_0
            const uint32_t qh = blk[2] | (blk[3] << 8) | (blk[4] << 16) | ((uint32_t)blk[5] << 24);
            const uint8_t *qs = blk + 6;
#pragma unroll
            for (int k = 0; k < 4; k++) {
                const int j = 4 * part + k;
                const int q = qs[j];
                const int lo = (q & 15) | (((qh >> j) & 1) << 4);
                const int hi = (q >> 4) | (((qh >> (j + 16)) & 1) << 4);
                s += (float)(lo - 16) * xb[k] + (float)(hi - 16) * xb[16 + k];
            }
        }
        acc += d * s;
    }
    return acc;
}

template <> __device__ __forceinline__ float row_dot<T_Q8_0>(const uint8_t *row, const float *x, int cols, int lane) {
    return row_dot_q32<T_Q8_0, 34>(row, x, cols, lane);
}
template <> __device__ __forceinline__ float row_dot<T_Q4_0>(const uint8_t *row, const float *x, int cols, int lane) {
    return row_dot_q32<T_Q4_0, 18>(row, x, cols, lane);
}
template <> __device__ __forceinline__ float row_dot<T_Q5_0>(const uint8_t *row, const float *x, int cols, int lane) {
    return row_dot_q32<T_Q5_0, 22>(row, x, cols, lane);
}

// Q4_K: lane/8 is the 64-value chunk c, lane%8 the four qs bytes w*4..w*4+3
// of that chunk: low nibbles are values 64c+4w+k (sub-block 2c), high
// nibbles 64c+32+4w+k (sub-block 2c+1).
template <> __device__ __forceinline__ float row_dot<T_Q4_K>(const uint8_t *row, const float *x, int cols, int lane) {
    const int nb = cols / 256, c = lane / 8, w = lane % 8;
    float acc = 0.0f;
    for (int b = 0; b < nb; b++) {
        const uint8_t *blk = row + (long long)b * 144;
        const float d = ld_f16(blk), dmin = ld_f16(blk + 2);
        int sc1, m1, sc2, m2;
        scale_min_k4(2 * c, blk + 4, &sc1, &m1);
        scale_min_k4(2 * c + 1, blk + 4, &sc2, &m2);
        const uint32_t q4 = *(const uint32_t *)(blk + 16 + 32 * c + 4 * w);
        const float *xl = x + b * 256 + 64 * c + 4 * w;
        const float *xh = xl + 32;
        float sl = 0.0f, sh = 0.0f, xsl = 0.0f, xsh = 0.0f;
#pragma unroll
        for (int k = 0; k < 4; k++) {
            const int q = (q4 >> (8 * k)) & 0xff;
            sl += (float)(q & 15) * xl[k];
            sh += (float)(q >> 4) * xh[k];
            xsl += xl[k];
            xsh += xh[k];
        }
        acc += d * ((float)sc1 * sl + (float)sc2 * sh) - dmin * ((float)m1 * xsl + (float)m2 * xsh);
    }
    return acc;
}

// Q6_K: lane is the position l in each of the two 128-value halves; it
// reads the four quarters g (values 128h+32g+l).
template <> __device__ __forceinline__ float row_dot<T_Q6_K>(const uint8_t *row, const float *x, int cols, int lane) {
    const int nb = cols / 256, l = lane;
    float acc = 0.0f;
    for (int b = 0; b < nb; b++) {
        const uint8_t *blk = row + (long long)b * 210;
        const float d = ld_f16(blk + 208);
        float s = 0.0f;
#pragma unroll
        for (int h = 0; h < 2; h++) {
            const int qa = blk[64 * h + l], qb = blk[64 * h + l + 32], qh = blk[128 + 32 * h + l];
            const int8_t *sc = (const int8_t *)(blk + 192 + 8 * h + l / 16);
            const float *xv = x + b * 256 + 128 * h + l;
            const int q0 = ((qa & 15) | (((qh >> 0) & 3) << 4)) - 32;
            const int q1 = ((qb & 15) | (((qh >> 2) & 3) << 4)) - 32;
            const int q2 = ((qa >> 4) | (((qh >> 4) & 3) << 4)) - 32;
            const int q3 = ((qb >> 4) | (((qh >> 6) & 3) << 4)) - 32;
            s += (float)sc[0] * (float)q0 * xv[0] + (float)sc[2] * (float)q1 * xv[32] +
                 (float)sc[4] * (float)q2 * xv[64] + (float)sc[6] * (float)q3 * xv[96];
        }
        acc += d * s;
    }
    return acc;
}

template <int T>
__device__ __forceinline__ void matvec(const uint8_t *w, long long row_bytes, const float *x, float *y,
                                       const float *bias, int rows, int cols) {
    const int lane = threadIdx.x % WARP;
    const int r = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP;
    if (r >= rows) return; // the whole warp leaves together
    float acc = warp_sum(row_dot<T>(w + (long long)r * row_bytes, x, cols, lane));
    if (lane == 0) y[r] = bias != 0 ? acc + bias[r] : acc;
}

#define MATVEC(name, T)                                                                                       \
    extern "C" __global__ void name(const uint8_t *w, long long row_bytes, const float *x, float *y,           \
                                    const float *bias, int rows, int cols) {                                   \
        matvec<T>(w, row_bytes, x, y, bias, rows, cols);                                                       \
    }

MATVEC(matvec_f32, T_F32)
MATVEC(matvec_f16, T_F16)
MATVEC(matvec_bf16, T_BF16)
MATVEC(matvec_q4_0, T_Q4_0)
MATVEC(matvec_q5_0, T_Q5_0)
MATVEC(matvec_q8_0, T_Q8_0)
MATVEC(matvec_q4_k, T_Q4_K)
MATVEC(matvec_q6_k, T_Q6_K)
