//go:build !purego

#include "textflag.h"

// AVX2 + FMA + F16C dot kernels. Each mirrors the pure-Go kernel of the same
// name in dot.go lane for lane (a 16-lane accumulator of the Go code is two
// YMM registers here), so the results are bit-identical; see simd_test.go.

// reduce8 of Y0 into X0 as llamafile's hsum(__m256): t = hi+lo, then
// (t0+t2)+(t1+t3).
#define REDUCE8_Y0 \
	VEXTRACTF128 $1, Y0, X1; \
	VADDPS       X0, X1, X0; \
	VMOVHLPS     X0, X0, X1; \
	VADDPS       X1, X0, X0; \
	VMOVSHDUP    X0, X1; \
	VADDSS       X1, X0, X0

// func dotQ8_0AVX2(row *byte, q *int8, d *float32, nb int) float32
TEXT ·dotQ8_0AVX2(SB), NOSPLIT, $0-36
	MOVQ   row+0(FP), SI
	MOVQ   q+8(FP), DI
	MOVQ   d+16(FP), DX
	MOVQ   nb+24(FP), CX
	VXORPS Y0, Y0, Y0
	MOVL   $0x00010001, AX
	VMOVD  AX, X7
	VPBROADCASTD X7, Y7
	TESTQ  CX, CX
	JEQ    q80done

q80loop:
	MOVWLZX      (SI), AX
	VMOVD        AX, X1
	VCVTPH2PS    X1, X1
	VMULSS       (DX), X1, X1
	VBROADCASTSS X1, Y1
	VMOVDQU      2(SI), Y2
	VMOVDQU      (DI), Y3
	VPSIGNB      Y2, Y3, Y3
	VPABSB       Y2, Y2
	VPMADDUBSW   Y3, Y2, Y2
	VPMADDWD     Y7, Y2, Y2
	VCVTDQ2PS    Y2, Y2
	VFMADD231PS  Y2, Y1, Y0
	ADDQ         $34, SI
	ADDQ         $32, DI
	ADDQ         $4, DX
	DECQ         CX
	JNE          q80loop

q80done:
	REDUCE8_Y0
	VZEROUPPER
	MOVSS X0, ret+32(FP)
	RET

// func dotF16x64AVX2(row *byte, x *float32, n int) float32
// n is a multiple of 64: ggml_vec_dot_f16's four 16-lane accumulators,
// folded (a0+a2)+(a1+a3) and reduced as reduce16.
TEXT ·dotF16x64AVX2(SB), NOSPLIT, $0-28
	MOVQ   row+0(FP), SI
	MOVQ   x+8(FP), DI
	MOVQ   n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	SHRQ   $6, CX
	JEQ    f64fold

f64loop:
	VCVTPH2PS   (SI), Y8
	VCVTPH2PS   16(SI), Y9
	VCVTPH2PS   32(SI), Y10
	VCVTPH2PS   48(SI), Y11
	VCVTPH2PS   64(SI), Y12
	VCVTPH2PS   80(SI), Y13
	VCVTPH2PS   96(SI), Y14
	VCVTPH2PS   112(SI), Y15
	VFMADD231PS (DI), Y8, Y0
	VFMADD231PS 32(DI), Y9, Y1
	VFMADD231PS 64(DI), Y10, Y2
	VFMADD231PS 96(DI), Y11, Y3
	VFMADD231PS 128(DI), Y12, Y4
	VFMADD231PS 160(DI), Y13, Y5
	VFMADD231PS 192(DI), Y14, Y6
	VFMADD231PS 224(DI), Y15, Y7
	ADDQ        $128, SI
	ADDQ        $256, DI
	DECQ        CX
	JNE         f64loop

f64fold:
	VADDPS Y4, Y0, Y0
	VADDPS Y6, Y2, Y2
	VADDPS Y2, Y0, Y0
	VADDPS Y5, Y1, Y1
	VADDPS Y7, Y3, Y3
	VADDPS Y3, Y1, Y1
	VADDPS Y1, Y0, Y0
	REDUCE8_Y0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func dotF16x16AVX2(row *byte, x *float32, n int) float32
// n is a multiple of 16: tinyBLAS's one 16-lane accumulator, reduce16.
TEXT ·dotF16x16AVX2(SB), NOSPLIT, $0-28
	MOVQ   row+0(FP), SI
	MOVQ   x+8(FP), DI
	MOVQ   n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	SHRQ   $4, CX
	JEQ    f16fold

f16loop:
	VCVTPH2PS   (SI), Y8
	VCVTPH2PS   16(SI), Y9
	VFMADD231PS (DI), Y8, Y0
	VFMADD231PS 32(DI), Y9, Y1
	ADDQ        $32, SI
	ADDQ        $64, DI
	DECQ        CX
	JNE         f16loop

f16fold:
	VADDPS Y1, Y0, Y0
	REDUCE8_Y0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func dotF32x16AVX2(row *byte, x *float32, n int) float32
TEXT ·dotF32x16AVX2(SB), NOSPLIT, $0-28
	MOVQ   row+0(FP), SI
	MOVQ   x+8(FP), DI
	MOVQ   n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	SHRQ   $4, CX
	JEQ    f32fold

f32loop:
	VMOVUPS     (SI), Y8
	VMOVUPS     32(SI), Y9
	VFMADD231PS (DI), Y8, Y0
	VFMADD231PS 32(DI), Y9, Y1
	ADDQ        $64, SI
	ADDQ        $64, DI
	DECQ        CX
	JNE         f32loop

f32fold:
	VADDPS Y1, Y0, Y0
	REDUCE8_Y0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET
