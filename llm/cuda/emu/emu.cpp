// CPU execution of docent's CUDA kernels (see emu.h). The kernel sources
// are compiled here unchanged, as C++.
#include "emu.h"

#include <ucontext.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../kernels/attention.cu"
#include "../kernels/elementwise.cu"
#include "../kernels/embed.cu"
#include "../kernels/matvec.cu"
#include "../kernels/norm.cu"
#include "../kernels/rope.cu"

#include "emu_api.h"

dim3 threadIdx, blockIdx, blockDim, gridDim;
float emu_shared_mem[1 << 14];
// The kernels declare their dynamic shared memory as extern arrays.
float red[1 << 14];
float sh[1 << 14];

namespace {

const int kStack = 64 << 10;

struct Fiber {
    ucontext_t ctx;
    std::vector<char> stack;
    bool done = false;
    unsigned tid = 0;
};

std::vector<Fiber> fibers;
ucontext_t sched_ctx;
int current = -1;
float shfl_buf[1024];
void (*body)(const uint64_t *) = nullptr;
const uint64_t *body_args = nullptr;

void yield_to_scheduler() { swapcontext(&fibers[current].ctx, &sched_ctx); }

void fiber_main() {
    body(body_args);
    fibers[current].done = true;
    // returning resumes uc_link (the scheduler)
}

// Runs one block: every thread a fiber, round-robin until all are done.
void run_block(unsigned n) {
    if (fibers.size() < n) fibers.resize(n);
    for (unsigned t = 0; t < n; t++) {
        Fiber &f = fibers[t];
        if (f.stack.empty()) f.stack.resize(kStack);
        getcontext(&f.ctx);
        f.ctx.uc_stack.ss_sp = f.stack.data();
        f.ctx.uc_stack.ss_size = f.stack.size();
        f.ctx.uc_link = &sched_ctx;
        makecontext(&f.ctx, fiber_main, 0);
        f.done = false;
        f.tid = t;
    }
    for (;;) {
        bool live = false;
        for (unsigned t = 0; t < n; t++) {
            if (fibers[t].done) continue;
            live = true;
            current = (int)t;
            threadIdx.x = t;
            swapcontext(&sched_ctx, &fibers[t].ctx);
        }
        if (!live) break;
    }
    current = -1;
}

} // namespace

void __syncthreads() { yield_to_scheduler(); }

float __shfl_xor_sync(unsigned, float v, int lane_mask) {
    const unsigned t = threadIdx.x;
    shfl_buf[t] = v;
    yield_to_scheduler(); // every thread of the block has written
    const float r = shfl_buf[(t & ~31u) | ((t & 31u) ^ (unsigned)lane_mask)];
    yield_to_scheduler(); // every thread has read before the next write
    threadIdx.x = t;
    return r;
}

namespace {

inline float farg(uint64_t a) {
    float f;
    uint32_t u = (uint32_t)a;
    memcpy(&f, &u, 4);
    return f;
}
inline int iarg(uint64_t a) { return (int)(int32_t)(uint32_t)a; }
template <class T> inline T parg(uint64_t a) { return (T)(uintptr_t)a; }

// A matrix-vector launch over many rows runs each row's 32 lanes one
// after another and reduces them in the warp's butterfly order, instead of
// switching fibers at every shuffle; this mirrors matvec<T> in matvec.cu.
// Small launches run the kernel itself.
template <int T> void matvec_fast(const uint64_t *a) {
    const uint8_t *w = (const uint8_t *)(uintptr_t)a[0];
    const long long rb = (long long)a[1];
    const float *x = (const float *)(uintptr_t)a[2];
    float *y = (float *)(uintptr_t)a[3];
    const float *bias = (const float *)(uintptr_t)a[4];
    const int rows = (int)(int32_t)(uint32_t)a[5], cols = (int)(int32_t)(uint32_t)a[6];
    for (int r = 0; r < rows; r++) {
        float v[WARP], nv[WARP];
        for (int l = 0; l < WARP; l++) v[l] = row_dot<T>(w + (long long)r * rb, x, cols, l);
        for (int o = WARP / 2; o > 0; o >>= 1) {
            for (int l = 0; l < WARP; l++) nv[l] = v[l] + v[l ^ o];
            memcpy(v, nv, sizeof v);
        }
        y[r] = bias != 0 ? v[0] + bias[r] : v[0];
    }
}

#define K(name, sync, call)                                                                                      \
    {                                                                                                            \
        #name, [](const uint64_t *a) { call; }, sync, nullptr                                                    \
    }

struct Entry {
    const char *name;
    void (*fn)(const uint64_t *);
    bool sync; // uses __syncthreads or shuffles: needs fibers
    void (*fast)(const uint64_t *);
};

const Entry table[] = {
    K(embed_row, false, embed_row(parg<const uint8_t *>(a[0]), (long long)a[1], iarg(a[2]), iarg(a[3]), iarg(a[4]),
                           parg<float *>(a[5]))),
    K(rms_norm, true, rms_norm(parg<float *>(a[0]), parg<const float *>(a[1]), parg<const float *>(a[2]), iarg(a[3]),
                         farg(a[4]))),
    K(rope, false, rope(parg<float *>(a[0]), iarg(a[1]), iarg(a[2]), iarg(a[3]), farg(a[4]), farg(a[5]),
                 parg<const float *>(a[6]), iarg(a[7]))),
#define MV(n, T)                                                                                                 \
    {#n,                                                                                                         \
     [](const uint64_t *a) {                                                                                     \
         n(parg<const uint8_t *>(a[0]), (long long)a[1], parg<const float *>(a[2]), parg<float *>(a[3]),           \
           parg<const float *>(a[4]), iarg(a[5]), iarg(a[6]));                                                   \
     },                                                                                                          \
     true, matvec_fast<T>}
    MV(matvec_f32, T_F32),
    MV(matvec_f16, T_F16),
    MV(matvec_bf16, T_BF16),
    MV(matvec_q4_0, T_Q4_0),
    MV(matvec_q5_0, T_Q5_0),
    MV(matvec_q8_0, T_Q8_0),
    MV(matvec_q4_k, T_Q4_K),
    MV(matvec_q6_k, T_Q6_K),
    K(kv_store, false, kv_store(parg<const float *>(a[0]), parg<const float *>(a[1]), parg<__half *>(a[2]),
                         parg<__half *>(a[3]), iarg(a[4]), iarg(a[5]), iarg(a[6]))),
    K(attn_decode, true, attn_decode(parg<const float *>(a[0]), parg<const __half *>(a[1]), parg<const __half *>(a[2]),
                               parg<float *>(a[3]), parg<float *>(a[4]), iarg(a[5]), iarg(a[6]), iarg(a[7]),
                               iarg(a[8]), iarg(a[9]), iarg(a[10]), farg(a[11]))),
    K(swiglu, false, swiglu(parg<float *>(a[0]), parg<const float *>(a[1]), iarg(a[2]))),
    K(add, false, add(parg<float *>(a[0]), parg<const float *>(a[1]), iarg(a[2]))),
    K(act_round, true, act_round(parg<const float *>(a[0]), parg<float *>(a[1]), iarg(a[2]), iarg(a[3]))),
};

} // namespace

int emu_kernel(const char *name) {
    for (int i = 0; i < (int)(sizeof(table) / sizeof(table[0])); i++)
        if (strcmp(table[i].name, name) == 0) return i;
    return -1;
}

// Launches kernel k over a 1-D grid (the kernels use x only). Kernels
// that never synchronise run their threads one after another; the others
// run as fibers.
int emu_launch(int k, unsigned grid, unsigned block, unsigned shared, const uint64_t *args) {
    if (k < 0 || k >= (int)(sizeof(table) / sizeof(table[0]))) return 1;
    if (block == 0 || block > 1024 || shared > sizeof(emu_shared_mem)) return 2;
    const Entry &e = table[k];
    if (e.fast != nullptr && (unsigned long)grid * block > 4096) {
        e.fast(args);
        return 0;
    }
    body = e.fn;
    body_args = args;
    gridDim.x = grid;
    blockDim.x = block;
    for (unsigned b = 0; b < grid; b++) {
        blockIdx.x = b;
        if (!e.sync) {
            for (unsigned t = 0; t < block; t++) {
                threadIdx.x = t;
                e.fn(args);
            }
            continue;
        }
        run_block(block);
    }
    return 0;
}
