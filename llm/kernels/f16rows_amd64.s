//go:build !purego

#include "textflag.h"

// Fold of eight YMM accumulators (lo/hi of acc0..acc3) as dotF16x64AVX2
// does, result in the low lane of XA0.
#define F16YFOLD(A0, A1, A2, A3, A4, A5, A6, A7, XA0, XA1) \
	VADDPS       A4, A0, A0; \
	VADDPS       A6, A2, A2; \
	VADDPS       A2, A0, A0; \
	VADDPS       A5, A1, A1; \
	VADDPS       A7, A3, A3; \
	VADDPS       A3, A1, A1; \
	VADDPS       A1, A0, A0; \
	VEXTRACTF128 $1, A0, XA1; \
	VADDPS       XA0, XA1, XA0; \
	VMOVHLPS     XA0, XA0, XA1; \
	VADDPS       XA1, XA0, XA0; \
	VMOVSHDUP    XA0, XA1; \
	VADDSS       XA1, XA0, XA0

// func f16FromF32(dst *uint16, x *float32, n int)
// dst[i] = F16 of x[i] (round to nearest even), n a multiple of 8.
TEXT ·f16FromF32(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	JEQ  f16cvdone

f16cvloop:
	VMOVUPS   (SI), Y0
	VCVTPS2PH $0, Y0, (DI)
	ADDQ      $32, SI
	ADDQ      $16, DI
	DECQ      CX
	JNE       f16cvloop

f16cvdone:
	VZEROUPPER
	RET

// func dotF16HX64(row *byte, xh *uint16, n int) float32
// dotF16x64AVX2 with x given as F16 (exactly the F16-rounded activations):
// n 64-element steps, n >= 1. Uses Y16-Y23 (EVEX): AVX-512VL only.
TEXT ·dotF16HX64(SB), NOSPLIT, $0-28
	MOVQ   row+0(FP), SI
	MOVQ   xh+8(FP), DI
	MOVQ   n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

f16hxloop:
	VCVTPH2PS   (SI), Y8
	VCVTPH2PS   16(SI), Y9
	VCVTPH2PS   32(SI), Y10
	VCVTPH2PS   48(SI), Y11
	VCVTPH2PS   64(SI), Y12
	VCVTPH2PS   80(SI), Y13
	VCVTPH2PS   96(SI), Y14
	VCVTPH2PS   112(SI), Y15
	VCVTPH2PS   (DI), Y16
	VCVTPH2PS   16(DI), Y17
	VCVTPH2PS   32(DI), Y18
	VCVTPH2PS   48(DI), Y19
	VCVTPH2PS   64(DI), Y20
	VCVTPH2PS   80(DI), Y21
	VCVTPH2PS   96(DI), Y22
	VCVTPH2PS   112(DI), Y23
	VFMADD231PS Y16, Y8, Y0
	VFMADD231PS Y17, Y9, Y1
	VFMADD231PS Y18, Y10, Y2
	VFMADD231PS Y19, Y11, Y3
	VFMADD231PS Y20, Y12, Y4
	VFMADD231PS Y21, Y13, Y5
	VFMADD231PS Y22, Y14, Y6
	VFMADD231PS Y23, Y15, Y7
	ADDQ        $128, SI
	ADDQ        $128, DI
	DECQ        CX
	JNE         f16hxloop

	F16YFOLD(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, X0, X1)
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET
