// Embedding lookup: one row of the token table, any supported type, to
// float32.
#include "common.cuh"

extern "C" __global__ void embed_row(const uint8_t *table, long long row_bytes, int type, int row, int cols,
                                     float *out) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < cols) out[i] = dq_elem(type, table + (long long)row * row_bytes, i);
}
