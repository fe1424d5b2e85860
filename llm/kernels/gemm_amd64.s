//go:build !purego

#include "textflag.h"

// Register-blocked prefill kernels (AVX-512 VL + VNNI on YMM registers, so
// that all 32 vector registers are usable). Each computes a tile of weight
// rows x activation vectors; per (row, vector) pair the float arithmetic is
// exactly that of the one-vector kernel in dot.go (the integer parts are
// exact, so their order does not matter). Partial results that the Go
// kernels reduce (lane accumulators) are stored for the Go wrapper to
// reduce in the reference order.

// Q8_0 weights, Q8_0 activations: 2 rows x 8 vectors.
//
// Integer dot products: VPDPBUSD multiplies unsigned by signed bytes, so the
// activations are offset to x+128 (x XOR 0x80) and 128*sum(w) per four-byte
// group is subtracted (the accumulator starts at -128*sum(w), computed once
// per row block). Per pair and block: p (8 lanes) -> float, scale
// d_w*d_x (float32 product), acc = fma(scale, p, acc): as dotQ8_0.

#define Q8PAIR(xq, wreg, ncreg, dwreg, dmem, acc) \
	VMOVDQA32   ncreg, Y24; \
	VPDPBUSD    wreg, xq, Y24; \
	VCVTDQ2PS   Y24, Y24; \
	VMULPS.BCST dmem, dwreg, Y25; \
	VFMADD231PS Y25, Y24, acc

#define Q8TOK(qmem, dmem, acc0, acc1) \
	VPXORD qmem, Y23, Y22; \
	Q8PAIR(Y22, Y16, Y18, Y20, dmem, acc0); \
	Q8PAIR(Y22, Y17, Y19, Y21, dmem, acc1)

// func gemmQ8_0x2x8(row *byte, rowStride int, q *int8, qStride int, d *float32, dStride int, nb int, out *float32)
// out receives 16 accumulators of 8 lanes: out[(r*8+v)*8 + lane].
TEXT ·gemmQ8_0x2x8(SB), NOSPLIT, $0-64
	MOVQ row+0(FP), SI
	MOVQ rowStride+8(FP), R8
	MOVQ q+16(FP), DI
	MOVQ qStride+24(FP), R9
	MOVQ d+32(FP), DX
	MOVQ dStride+40(FP), BX
	MOVQ nb+48(FP), CX
	LEAQ (R9)(R9*2), R10  // 3 qs
	LEAQ (R9)(R9*4), R11  // 5 qs
	LEAQ (R10)(R9*4), R12 // 7 qs
	LEAQ (BX)(BX*2), R13  // 3 ds
	LEAQ (BX)(BX*4), R14  // 5 ds
	LEAQ (R13)(BX*4), AX  // 7 ds
	VPXORD Y0, Y0, Y0
	VPXORD Y1, Y1, Y1
	VPXORD Y2, Y2, Y2
	VPXORD Y3, Y3, Y3
	VPXORD Y4, Y4, Y4
	VPXORD Y5, Y5, Y5
	VPXORD Y6, Y6, Y6
	VPXORD Y7, Y7, Y7
	VPXORD Y8, Y8, Y8
	VPXORD Y9, Y9, Y9
	VPXORD Y10, Y10, Y10
	VPXORD Y11, Y11, Y11
	VPXORD Y12, Y12, Y12
	VPXORD Y13, Y13, Y13
	VPXORD Y14, Y14, Y14
	VPXORD Y15, Y15, Y15
	VPXORD Y30, Y30, Y30
	MOVL $0x80808080, R15
	VPBROADCASTD R15, Y23
	TESTQ CX, CX
	JEQ  g8done

g8loop:
	// Row blocks: w, -128*sum4(w), d_w broadcast.
	VMOVDQU32   2(SI), Y16
	VMOVDQU32   2(SI)(R8*1), Y17
	VPXORD      Y18, Y18, Y18
	VPXORD      Y19, Y19, Y19
	VPDPBUSD    Y16, Y23, Y18
	VPDPBUSD    Y17, Y23, Y19
	VPSUBD      Y18, Y30, Y18
	VPSUBD      Y19, Y30, Y19
	VPBROADCASTW (SI), X20
	VPBROADCASTW (SI)(R8*1), X21
	VCVTPH2PS   X20, Y20
	VCVTPH2PS   X21, Y21

	Q8TOK((DI), (DX), Y0, Y8)
	Q8TOK((DI)(R9*1), (DX)(BX*1), Y1, Y9)
	Q8TOK((DI)(R9*2), (DX)(BX*2), Y2, Y10)
	Q8TOK((DI)(R10*1), (DX)(R13*1), Y3, Y11)
	Q8TOK((DI)(R9*4), (DX)(BX*4), Y4, Y12)
	Q8TOK((DI)(R11*1), (DX)(R14*1), Y5, Y13)
	Q8TOK((DI)(R10*2), (DX)(R13*2), Y6, Y14)
	Q8TOK((DI)(R12*1), (DX)(AX*1), Y7, Y15)

	ADDQ $34, SI
	ADDQ $32, DI
	ADDQ $4, DX
	DECQ CX
	JNE  g8loop

g8done:
	MOVQ    out+56(FP), R8
	VMOVUPS Y0, 0(R8)
	VMOVUPS Y1, 32(R8)
	VMOVUPS Y2, 64(R8)
	VMOVUPS Y3, 96(R8)
	VMOVUPS Y4, 128(R8)
	VMOVUPS Y5, 160(R8)
	VMOVUPS Y6, 192(R8)
	VMOVUPS Y7, 224(R8)
	VMOVUPS Y8, 256(R8)
	VMOVUPS Y9, 288(R8)
	VMOVUPS Y10, 320(R8)
	VMOVUPS Y11, 352(R8)
	VMOVUPS Y12, 384(R8)
	VMOVUPS Y13, 416(R8)
	VMOVUPS Y14, 448(R8)
	VMOVUPS Y15, 480(R8)
	VZEROUPPER
	RET
