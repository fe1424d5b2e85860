//go:build !purego

#include "textflag.h"

// AVX-512 kernels for the tiled flash attention (llm/model tiledAttention).
// Every lane computes exactly the float32 operations of the Go reference, in
// the same order, so the results are bit-identical; see attn_test.go in
// llm/model.

// Scale, mask and store the 64 scores of one query (accumulators A0..A3),
// and leave in X8 the maximum of the kept lanes (VMAXPS; NaN when any kept
// lane is NaN). MASK is a GPR with one bit per kept lane; KQ the
// destination.
#define SCORES_EPILOG(A0, A1, A2, A3, MASK, KQ, DST) \
	VMULPS       Z31, A0, A0; \
	VMULPS       Z31, A1, A1; \
	VMULPS       Z31, A2, A2; \
	VMULPS       Z31, A3, A3; \
	KMOVW        MASK, K1; \
	SHRQ         $16, MASK; \
	KMOVW        MASK, K2; \
	SHRQ         $16, MASK; \
	KMOVW        MASK, K3; \
	SHRQ         $16, MASK; \
	KMOVW        MASK, K4; \
	VBLENDMPS    A0, Z30, K1, A0; \
	VBLENDMPS    A1, Z30, K2, A1; \
	VBLENDMPS    A2, Z30, K3, A2; \
	VBLENDMPS    A3, Z30, K4, A3; \
	VMOVUPS      A0, (KQ); \
	VMOVUPS      A1, 64(KQ); \
	VMOVUPS      A2, 128(KQ); \
	VMOVUPS      A3, 192(KQ); \
	VCMPPS       $3, A0, A0, K1; \
	VCMPPS       $3, A1, A1, K2; \
	VCMPPS       $3, A2, A2, K3; \
	VCMPPS       $3, A3, A3, K4; \
	KORW         K1, K2, K1; \
	KORW         K3, K4, K3; \
	KORW         K1, K3, K1; \
	VMAXPS       A1, A0, Z12; \
	VMAXPS       A3, A2, Z13; \
	VMAXPS       Z13, Z12, Z12; \
	VEXTRACTF64X4 $1, Z12, Y13; \
	VMAXPS       Y13, Y12, Y12; \
	VEXTRACTF128 $1, Y12, X13; \
	VMAXPS       X13, X12, X12; \
	VPERMILPS    $0x4E, X12, X13; \
	VMAXPS       X13, X12, X12; \
	VPERMILPS    $0xB1, X12, X13; \
	VMAXPS       X13, X12, X12; \
	VMOVSS       X12, DST; \
	KORTESTW     K1, K1; \
	JZ           3(PC); \
	MOVL         $0x7fc00000, R8; \
	MOVL         R8, DST

// func attnScores2AVX512(kt *float32, q0, q1 *float32, hd int, scale float32, m0, m1 uint64, kq0, kq1 *float32) (max0, max1 float32)
//
// Scores of two queries against a transposed tile kt[j*64+k] (64 keys):
// acc[k] = fma(q[j], kt[j][k], acc[k]) for j = 0..hd-1 in order, times
// scale; lanes whose bit in m is clear become -Inf.
TEXT ·attnScores2AVX512(SB), NOSPLIT, $0-80
	MOVQ   kt+0(FP), AX
	MOVQ   q0+8(FP), BX
	MOVQ   q1+16(FP), CX
	MOVQ   hd+24(FP), DX
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11

s2loop:
	VMOVUPS         (AX), Z0
	VMOVUPS         64(AX), Z1
	VMOVUPS         128(AX), Z2
	VMOVUPS         192(AX), Z3
	VFMADD231PS.BCST (BX), Z0, Z4
	VFMADD231PS.BCST (BX), Z1, Z5
	VFMADD231PS.BCST (BX), Z2, Z6
	VFMADD231PS.BCST (BX), Z3, Z7
	VFMADD231PS.BCST (CX), Z0, Z8
	VFMADD231PS.BCST (CX), Z1, Z9
	VFMADD231PS.BCST (CX), Z2, Z10
	VFMADD231PS.BCST (CX), Z3, Z11
	ADDQ            $256, AX
	ADDQ            $4, BX
	ADDQ            $4, CX
	DECQ            DX
	JNZ             s2loop

	VBROADCASTSS scale+32(FP), Z31
	MOVL         $0xff800000, R8
	VPBROADCASTD R8, Z30
	MOVQ         m0+40(FP), SI
	MOVQ         kq0+56(FP), DI
	SCORES_EPILOG(Z4, Z5, Z6, Z7, SI, DI, max0+72(FP))
	MOVQ         m1+48(FP), SI
	MOVQ         kq1+64(FP), DI
	SCORES_EPILOG(Z8, Z9, Z10, Z11, SI, DI, max1+76(FP))
	VZEROUPPER
	RET

// func attnExpAccAVX512(kq *float32, mnew, ms float32, nt int, out *float32, hdv int, v *uint16, vstride int) float64
//
// kq[k] = vexpf(kq[k] - mnew) for the 64 lanes, their sum by 16-lane groups
// (each reduced like _mm512_reduce_add_ps) added in a float64 (returned);
// then out = out*ms and out[j] = fma(kq[k], v[k*vstride+j], out[j]) for
// k = 0..nt-1 in order. hdv is a multiple of 16.
TEXT ·attnExpAccAVX512(SB), NOSPLIT, $0-64
	MOVQ kq+0(FP), DI
	MOVL $0x4b400000, R8
	VPBROADCASTD R8, Z20
	MOVL $0x3fb8aa3b, R8
	VPBROADCASTD R8, Z21
	MOVL $0x3f317200, R8
	VPBROADCASTD R8, Z22
	MOVL $0x35bfbe8e, R8
	VPBROADCASTD R8, Z23
	MOVL $0x3c072010, R8
	VPBROADCASTD R8, Z24
	MOVL $0x3d2b9f17, R8
	VPBROADCASTD R8, Z25
	MOVL $0x3e2aaf33, R8
	VPBROADCASTD R8, Z26
	MOVL $0x3efffedb, R8
	VPBROADCASTD R8, Z27
	MOVL $0x3f7ffff6, R8
	VPBROADCASTD R8, Z28
	MOVL $0x3f800000, R8
	VPBROADCASTD R8, Z29
	MOVL $0x43400000, R8
	VPBROADCASTD R8, Z19
	MOVL $0xc3400000, R8
	VPBROADCASTD R8, Z18
	MOVL $0x7f800000, R8
	VPBROADCASTD R8, Z17
	VPXORD Z16, Z16, Z16
	VBROADCASTSS mnew+8(FP), Z15
	VBROADCASTSS ms+12(FP), Z14
	VXORPD X12, X12, X12
	MOVQ $4, CX

exploop:
	VMOVUPS      (DI), Z0
	VSUBPS       Z15, Z0, Z0
	VMOVAPS      Z20, Z1
	VFMADD231PS  Z21, Z0, Z1
	VSUBPS       Z20, Z1, Z1
	VMOVAPS      Z0, Z2
	VFNMADD231PS Z22, Z1, Z2
	VFNMADD231PS Z23, Z1, Z2
	VMULPS       Z2, Z2, Z3
	VMOVAPS      Z25, Z4
	VFMADD231PS  Z24, Z2, Z4
	VMOVAPS      Z27, Z5
	VFMADD231PS  Z26, Z2, Z5
	VFMADD231PS  Z3, Z4, Z5
	VMOVAPS      Z29, Z6
	VFMADD231PS  Z28, Z2, Z6
	VFMADD231PS  Z3, Z5, Z6
	VSCALEFPS    Z1, Z6, Z7
	VCMPPS       $0x1e, Z19, Z1, K1
	VCMPPS       $0x11, Z18, Z1, K2
	VMOVAPS      Z17, K1, Z7
	VMOVAPS      Z16, K2, Z7
	VMOVUPS      Z7, (DI)
	VEXTRACTF64X4 $1, Z7, Y8
	VADDPS       Y7, Y8, Y8
	VEXTRACTF128 $1, Y8, X9
	VADDPS       X8, X9, X9
	VPERMILPS    $0x0e, X9, X10
	VADDPS       X9, X10, X10
	VMOVSHDUP    X10, X11
	VADDSS       X11, X10, X10
	VCVTSS2SD    X10, X10, X10
	VADDSD       X10, X12, X12
	ADDQ         $64, DI
	DECQ         CX
	JNZ          exploop
	VMOVSD       X12, ret+56(FP)

	MOVQ kq+0(FP), R12
	MOVQ nt+16(FP), R11
	MOVQ out+24(FP), SI
	MOVQ hdv+32(FP), CX
	MOVQ v+40(FP), R9
	MOVQ vstride+48(FP), R10
	SHLQ $1, R10

vchunk64:
	CMPQ    CX, $64
	JLT     vchunk16
	VMULPS  (SI), Z14, Z0
	VMULPS  64(SI), Z14, Z1
	VMULPS  128(SI), Z14, Z2
	VMULPS  192(SI), Z14, Z3
	MOVQ    R12, AX
	MOVQ    R9, BX
	MOVQ    R11, DX

vloop64:
	VCVTPH2PS        (BX), Z4
	VCVTPH2PS        32(BX), Z5
	VCVTPH2PS        64(BX), Z6
	VCVTPH2PS        96(BX), Z7
	VFMADD231PS.BCST (AX), Z4, Z0
	VFMADD231PS.BCST (AX), Z5, Z1
	VFMADD231PS.BCST (AX), Z6, Z2
	VFMADD231PS.BCST (AX), Z7, Z3
	ADDQ             $4, AX
	ADDQ             R10, BX
	DECQ             DX
	JNZ              vloop64
	VMOVUPS Z0, (SI)
	VMOVUPS Z1, 64(SI)
	VMOVUPS Z2, 128(SI)
	VMOVUPS Z3, 192(SI)
	ADDQ    $256, SI
	ADDQ    $128, R9
	SUBQ    $64, CX
	JMP     vchunk64

vchunk16:
	CMPQ    CX, $16
	JLT     vdone
	VMULPS  (SI), Z14, Z0
	MOVQ    R12, AX
	MOVQ    R9, BX
	MOVQ    R11, DX

vloop16:
	VCVTPH2PS        (BX), Z4
	VFMADD231PS.BCST (AX), Z4, Z0
	ADDQ             $4, AX
	ADDQ             R10, BX
	DECQ             DX
	JNZ              vloop16
	VMOVUPS Z0, (SI)
	ADDQ    $64, SI
	ADDQ    $32, R9
	SUBQ    $16, CX
	JMP     vchunk16

vdone:
	VZEROUPPER
	RET

// func siluMulAVX512(x, y *float32, n int)
//
// x[i] = x[i] / (1 + vexpf(-x[i])) * y[i] for n (a multiple of 16, > 0)
// lanes, vexpf as in attnExpAccAVX512.
TEXT ·siluMulAVX512(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), DI
	MOVQ y+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $4, CX
	MOVL $0x4b400000, R8
	VPBROADCASTD R8, Z20
	MOVL $0x3fb8aa3b, R8
	VPBROADCASTD R8, Z21
	MOVL $0x3f317200, R8
	VPBROADCASTD R8, Z22
	MOVL $0x35bfbe8e, R8
	VPBROADCASTD R8, Z23
	MOVL $0x3c072010, R8
	VPBROADCASTD R8, Z24
	MOVL $0x3d2b9f17, R8
	VPBROADCASTD R8, Z25
	MOVL $0x3e2aaf33, R8
	VPBROADCASTD R8, Z26
	MOVL $0x3efffedb, R8
	VPBROADCASTD R8, Z27
	MOVL $0x3f7ffff6, R8
	VPBROADCASTD R8, Z28
	MOVL $0x3f800000, R8
	VPBROADCASTD R8, Z29
	MOVL $0x43400000, R8
	VPBROADCASTD R8, Z19
	MOVL $0xc3400000, R8
	VPBROADCASTD R8, Z18
	MOVL $0x7f800000, R8
	VPBROADCASTD R8, Z17
	VPXORD Z16, Z16, Z16
	MOVL $0x80000000, R8
	VPBROADCASTD R8, Z15

siluloop:
	VMOVUPS      (DI), Z8
	VXORPS       Z15, Z8, Z0
	VMOVAPS      Z20, Z1
	VFMADD231PS  Z21, Z0, Z1
	VSUBPS       Z20, Z1, Z1
	VMOVAPS      Z0, Z2
	VFNMADD231PS Z22, Z1, Z2
	VFNMADD231PS Z23, Z1, Z2
	VMULPS       Z2, Z2, Z3
	VMOVAPS      Z25, Z4
	VFMADD231PS  Z24, Z2, Z4
	VMOVAPS      Z27, Z5
	VFMADD231PS  Z26, Z2, Z5
	VFMADD231PS  Z3, Z4, Z5
	VMOVAPS      Z29, Z6
	VFMADD231PS  Z28, Z2, Z6
	VFMADD231PS  Z3, Z5, Z6
	VSCALEFPS    Z1, Z6, Z7
	VCMPPS       $0x1e, Z19, Z1, K1
	VCMPPS       $0x11, Z18, Z1, K2
	VMOVAPS      Z17, K1, Z7
	VMOVAPS      Z16, K2, Z7
	VADDPS       Z29, Z7, Z7
	VDIVPS       Z7, Z8, Z8
	VMULPS       (SI), Z8, Z8
	VMOVUPS      Z8, (DI)
	ADDQ         $64, DI
	ADDQ         $64, SI
	DECQ         CX
	JNZ          siluloop
	VZEROUPPER
	RET
