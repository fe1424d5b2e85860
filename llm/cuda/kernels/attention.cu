// Decode attention over the F16 KV cache, with grouped-query heads, and
// the store of one token's keys and values into the cache.
//
// Cache layout per layer (as the CPU backend's): position-major rows,
// k[pos][kv_head][head_dim], v[pos][kv_head][head_dim_v].
#include "common.cuh"

// Writes token pos's keys and values (float32) into the F16 cache.
extern "C" __global__ void kv_store(const float *k, const float *v, __half *kc, __half *vc, int pos, int kvd,
                                    int vd) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < kvd) kc[(long long)pos * kvd + i] = __float2half(k[i]);
    if (i < vd) vc[(long long)pos * vd + i] = __float2half(v[i]);
}

// One block per query head h, which reads KV head h / (n_heads /
// n_kv_heads). Scores for the n_kv cached positions go to
// scores[h*max_ctx ...] (global scratch, so any context length fits).
// The softmax and the product with V follow the CPU backend's flash
// attention (after ggml's CPU flash attention with an F16 KV cache): one
// pass over the positions with a running maximum, the value accumulator
// rounded to F16 after every update, the sum rescaled when the maximum
// grows; each thread owns one output channel and walks the positions in
// order, so the rounding matches the CPU's step for step. The query is
// rounded to F16 first, as the CPU does for its F16 dot products.
// Dynamic shared memory: head_dim + WARP floats. head_dim must be even.
extern "C" __global__ void attn_decode(const float *q, const __half *kc, const __half *vc, float *out,
                                       float *scores, int n_heads, int n_kv_heads, int head_dim, int head_dim_v,
                                       int n_kv, int max_ctx, float scale) {
    extern __shared__ float sh[];
    float *qs = sh;
    const int h = blockIdx.x;
    const int kvh = h / (n_heads / n_kv_heads);
    const long long kvd = (long long)n_kv_heads * head_dim, vd = (long long)n_kv_heads * head_dim_v;
    for (int i = threadIdx.x; i < head_dim; i += blockDim.x)
        qs[i] = __half2float(__float2half(q[(long long)h * head_dim + i]));
    __syncthreads();

    float *sc = scores + (long long)h * max_ctx;
    for (int t = threadIdx.x; t < n_kv; t += blockDim.x) {
        const __half2 *k = (const __half2 *)(kc + t * kvd + (long long)kvh * head_dim);
        float s = 0.0f;
        for (int i = 0; i < head_dim / 2; i++) {
            const float2 kk = __half22float2(k[i]);
            s += kk.x * qs[2 * i] + kk.y * qs[2 * i + 1];
        }
        sc[t] = s * scale;
    }
    __syncthreads(); // publishes sc[] to the block

    const __half *vh = vc + (long long)kvh * head_dim_v;
    for (int c = threadIdx.x; c < head_dim_v; c += blockDim.x) {
        float m = -INFINITY, sum = 0.0f, acc = 0.0f;
        for (int t = 0; t < n_kv; t++) {
            const float s = sc[t];
            float ms = 1.0f, vs = 1.0f;
            if (s > m) {
                const float mold = m;
                m = s;
                ms = expf(mold - m);
                acc = __half2float(__float2half(acc * ms));
            } else {
                vs = expf(s - m);
            }
            acc = __half2float(__float2half(fmaf(__half2float(vh[t * vd + c]), vs, acc)));
            sum = fmaf(sum, ms, vs);
        }
        out[(long long)h * head_dim_v + c] = acc * (sum != 0.0f ? 1.0f / sum : 0.0f);
    }
}
