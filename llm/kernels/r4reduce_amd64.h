// Shared by the AVX-512 four-row decode kernels (dot512_amd64.s,
// dotq6k512_amd64.s).

// reduce8 (as REDUCE8_Y0 in dot_amd64.s) of Y(acc), stored at off(R11).
#define R4REDUCE8(acc, xacc, off) \
	VEXTRACTF128 $1, acc, X14; \
	VADDPS       xacc, X14, X14; \
	VMOVHLPS     X14, X14, X15; \
	VADDPS       X15, X14, X14; \
	VMOVSHDUP    X14, X15; \
	VADDSS       X15, X14, X14; \
	MOVSS        X14, off(R11)
