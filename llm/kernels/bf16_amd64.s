//go:build !purego

#include "textflag.h"

// func dotBF16x8AVX2(row *byte, x *float32, n int, s *[8]float32)
// n is a multiple of 8. The eight lanes s[0..7] of dotBF16 (dot.go): for
// each step of 8 elements, widen the BF16 weights (zero-extend, shift left
// 16: exact), multiply by x (VMULPS, no FMA) and add into the one 8-lane
// accumulator, in the order of the Go loop. Four steps per iteration; their
// loads and products are independent, the adds stay one chain per lane.
TEXT ·dotBF16x8AVX2(SB), NOSPLIT, $0-32
	MOVQ    row+0(FP), SI
	MOVQ    x+8(FP), DI
	MOVQ    n+16(FP), CX
	MOVQ    s+24(FP), DX
	VMOVUPS (DX), Y0
	MOVQ    CX, BX
	SHRQ    $5, BX
	JEQ     bf16tail

bf16loop32:
	VPMOVZXWD (SI), Y1
	VPMOVZXWD 16(SI), Y2
	VPMOVZXWD 32(SI), Y3
	VPMOVZXWD 48(SI), Y4
	VPSLLD    $16, Y1, Y1
	VPSLLD    $16, Y2, Y2
	VPSLLD    $16, Y3, Y3
	VPSLLD    $16, Y4, Y4
	VMULPS    (DI), Y1, Y1
	VMULPS    32(DI), Y2, Y2
	VMULPS    64(DI), Y3, Y3
	VMULPS    96(DI), Y4, Y4
	VADDPS    Y1, Y0, Y0
	VADDPS    Y2, Y0, Y0
	VADDPS    Y3, Y0, Y0
	VADDPS    Y4, Y0, Y0
	ADDQ      $64, SI
	ADDQ      $128, DI
	DECQ      BX
	JNE       bf16loop32

bf16tail:
	ANDQ $31, CX
	SHRQ $3, CX
	JEQ  bf16done

bf16loop8:
	VPMOVZXWD (SI), Y1
	VPSLLD    $16, Y1, Y1
	VMULPS    (DI), Y1, Y1
	VADDPS    Y1, Y0, Y0
	ADDQ      $16, SI
	ADDQ      $32, DI
	DECQ      CX
	JNE       bf16loop8

bf16done:
	VMOVUPS Y0, (DX)
	VZEROUPPER
	RET
