//go:build !purego

#include "textflag.h"

// AVX-512 F16 tile kernel for MulF16Acts: each (row, vector) pair has one
// 16-lane accumulator (a ZMM register), as dotF16 has, and is reduced as
// reduce16 does: halves folded 8, 4, 2, 1.

// Gather lane m of each 128-bit lane (the transpose in RED4).
DATA bertperm<>+0(SB)/4, $0
DATA bertperm<>+4(SB)/4, $4
DATA bertperm<>+8(SB)/4, $8
DATA bertperm<>+12(SB)/4, $12
DATA bertperm<>+16(SB)/4, $1
DATA bertperm<>+20(SB)/4, $5
DATA bertperm<>+24(SB)/4, $9
DATA bertperm<>+28(SB)/4, $13
DATA bertperm<>+32(SB)/4, $2
DATA bertperm<>+36(SB)/4, $6
DATA bertperm<>+40(SB)/4, $10
DATA bertperm<>+44(SB)/4, $14
DATA bertperm<>+48(SB)/4, $3
DATA bertperm<>+52(SB)/4, $7
DATA bertperm<>+56(SB)/4, $11
DATA bertperm<>+60(SB)/4, $15
GLOBL bertperm<>(SB), RODATA|NOPTR, $64

// RED4 reduces the accumulators of rows 0-3 (za..zd) to X26 = [ra rb rc
// rd]: t = hi256+lo256, u = hi128+lo128 of t, then (u2+u0)+(u3+u1) per
// row. Z28-Z31 hold the index vectors of bertperm (upper lanes unused).
#define RED4(za, zb, zc, zd) \
	VSHUFF64X2 $0x44, zb, za, Z24; \
	VSHUFF64X2 $0xEE, zb, za, Z25; \
	VADDPS     Z25, Z24, Z24; \
	VSHUFF64X2 $0x44, zd, zc, Z26; \
	VSHUFF64X2 $0xEE, zd, zc, Z27; \
	VADDPS     Z27, Z26, Z26; \
	VSHUFF64X2 $0x88, Z26, Z24, Z25; \
	VSHUFF64X2 $0xDD, Z26, Z24, Z27; \
	VADDPS     Z27, Z25, Z25; \
	VPERMPS    Z25, Z28, Z24; \
	VPERMPS    Z25, Z30, Z26; \
	VADDPS     Z24, Z26, Z26; \
	VPERMPS    Z25, Z29, Z24; \
	VPERMPS    Z25, Z31, Z27; \
	VADDPS     Z24, Z27, Z27; \
	VADDPS     Z27, Z26, Z26

// STORE4 reduces one vector's four accumulators, adds the bias (SI, when
// not nil) and then the residual (DI, when not nil, advancing with the
// destination), stores at R8 and advances R8 (and DI) by DX.
#define STORE4(za, zb, zc, zd) \
	RED4(za, zb, zc, zd); \
	TESTQ   SI, SI; \
	JEQ     2(PC); \
	VADDPS  (SI), X26, X26; \
	TESTQ   DI, DI; \
	JEQ     3(PC); \
	VADDPS  (DI), X26, X26; \
	ADDQ    DX, DI; \
	VMOVUPS X26, (R8); \
	ADDQ    DX, R8

// RED12 is RED4's first two folds (t = hi256+lo256, u = hi128+lo128 of
// t) for four accumulators za..zd: out's 128-bit lane k holds u of the k-th.
#define RED12(za, zb, zc, zd, out) \
	VSHUFF64X2 $0x44, zb, za, Z24; \
	VSHUFF64X2 $0xEE, zb, za, Z25; \
	VADDPS     Z25, Z24, Z24; \
	VSHUFF64X2 $0x44, zd, zc, Z26; \
	VSHUFF64X2 $0xEE, zd, zc, Z27; \
	VADDPS     Z27, Z26, Z26; \
	VSHUFF64X2 $0x88, Z26, Z24, Z25; \
	VSHUFF64X2 $0xDD, Z26, Z24, Z27; \
	VADDPS     Z27, Z25, out

// RED16 reduces the accumulators of vectors 0-3 (Z0-Z15, vector j row i
// in Z(4j+i)) to Z24, whose 128-bit lane j holds vector j's four rows:
// RED12 per row across the vectors, then the last two folds of reduce16,
// (u2+u0)+(u3+u1), for all sixteen at once.
#define RED16 \
	RED12(Z0, Z4, Z8, Z12, Z0); \
	RED12(Z1, Z5, Z9, Z13, Z1); \
	RED12(Z2, Z6, Z10, Z14, Z2); \
	RED12(Z3, Z7, Z11, Z15, Z3); \
	VSHUFPS $0x44, Z1, Z0, Z24; \
	VSHUFPS $0xEE, Z1, Z0, Z25; \
	VADDPS  Z25, Z24, Z24; \
	VSHUFPS $0x44, Z3, Z2, Z26; \
	VSHUFPS $0xEE, Z3, Z2, Z27; \
	VADDPS  Z27, Z26, Z26; \
	VSHUFPS $0x88, Z26, Z24, Z25; \
	VSHUFPS $0xDD, Z26, Z24, Z27; \
	VADDPS  Z27, Z25, Z24; \
	TESTQ   SI, SI; \
	JEQ     3(PC); \
	VBROADCASTF32X4 (SI), Z25; \
	VADDPS  Z25, Z24, Z24

// STORELANE stores lane k of Z24 (one vector's four rows, bias added) as
// STORE4 stores X26.
#define STORELANE(k) \
	VEXTRACTF32X4 $k, Z24, X25; \
	TESTQ   DI, DI; \
	JEQ     3(PC); \
	VADDPS  (DI), X25, X25; \
	ADDQ    DX, DI; \
	VMOVUPS X25, (R8); \
	ADDQ    DX, R8

#define TOK(boff, zb, c0, c1, c2, c3) \
	VMOVUPS     boff, zb; \
	VFMADD231PS zb, Z24, c0; \
	VFMADD231PS zb, Z25, c1; \
	VFMADD231PS zb, Z26, c2; \
	VFMADD231PS zb, Z27, c3

// func bertF16Tile4x6(a *byte, astride int, b *float32, bstride int, k int, dst *float32, dstride int, nv int, bias, res *float32, nt int)
// Four F16 rows (astride bytes apart) against six float32 vectors (bstride
// bytes apart), k chunks of 16; results for vector j (j < nv) stored as
// four floats at dst + j*dstride, plus bias[0..3] and then res + j*dstride
// where those are not nil. It does nt such tiles, six vectors apart; all
// but the last have nv = 6.
TEXT ·bertF16Tile4x6(SB), NOSPLIT, $0-88
t46tile:
	MOVQ a+0(FP), SI
	MOVQ astride+8(FP), R12
	MOVQ b+16(FP), DI
	MOVQ bstride+24(FP), R9
	MOVQ k+32(FP), CX
	LEAQ (R12)(R12*2), R13
	LEAQ (R9)(R9*2), R10
	LEAQ (R9)(R9*4), R11
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	TESTQ CX, CX
	JEQ   t46red

t46loop:
	VCVTPH2PS (SI), Z24
	VCVTPH2PS (SI)(R12*1), Z25
	VCVTPH2PS (SI)(R12*2), Z26
	VCVTPH2PS (SI)(R13*1), Z27
	TOK((DI), Z28, Z0, Z1, Z2, Z3)
	TOK((DI)(R9*1), Z29, Z4, Z5, Z6, Z7)
	TOK((DI)(R9*2), Z30, Z8, Z9, Z10, Z11)
	TOK((DI)(R10*1), Z31, Z12, Z13, Z14, Z15)
	TOK((DI)(R9*4), Z28, Z16, Z17, Z18, Z19)
	TOK((DI)(R11*1), Z29, Z20, Z21, Z22, Z23)
	ADDQ $32, SI
	ADDQ $64, DI
	DECQ CX
	JNE  t46loop

t46red:
	MOVQ    dst+40(FP), R8
	MOVQ    dstride+48(FP), DX
	MOVQ    nv+56(FP), BX
	MOVQ    bias+64(FP), SI
	MOVQ    res+72(FP), DI
	LEAQ    bertperm<>(SB), AX
	VMOVUPS (AX), X28
	VMOVUPS 16(AX), X29
	VMOVUPS 32(AX), X30
	VMOVUPS 48(AX), X31
	RED16
	STORELANE(0)
	STORELANE(1)
	STORELANE(2)
	STORELANE(3)
	CMPQ    BX, $4
	JLE     t46done
	STORE4(Z16, Z17, Z18, Z19)
	CMPQ    BX, $5
	JLE     t46done
	STORE4(Z20, Z21, Z22, Z23)

t46done:
	// Next tile: six vectors on (only tiles of six come before the last).
	DECQ nt+80(FP)
	JEQ  t46ret
	MOVQ R8, dst+40(FP)
	MOVQ DI, res+72(FP)
	MOVQ bstride+24(FP), AX
	LEAQ (AX)(AX*2), AX
	SHLQ $1, AX
	ADDQ AX, b+16(FP)
	JMP  t46tile

t46ret:
	VZEROUPPER
	RET

// func bertF16Tile4x4(a *byte, astride int, b *float32, bstride int, k int, dst *float32, dstride int, nv int, bias, res *float32)
// bertF16Tile4x6 for at most 4 vectors.
TEXT ·bertF16Tile4x4(SB), NOSPLIT, $0-80
	MOVQ a+0(FP), SI
	MOVQ astride+8(FP), R12
	MOVQ b+16(FP), DI
	MOVQ bstride+24(FP), R9
	MOVQ k+32(FP), CX
	LEAQ (R12)(R12*2), R13
	LEAQ (R9)(R9*2), R10
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	TESTQ CX, CX
	JEQ   t44red

t44loop:
	VCVTPH2PS (SI), Z24
	VCVTPH2PS (SI)(R12*1), Z25
	VCVTPH2PS (SI)(R12*2), Z26
	VCVTPH2PS (SI)(R13*1), Z27
	TOK((DI), Z28, Z0, Z1, Z2, Z3)
	TOK((DI)(R9*1), Z29, Z4, Z5, Z6, Z7)
	TOK((DI)(R9*2), Z30, Z8, Z9, Z10, Z11)
	TOK((DI)(R10*1), Z31, Z12, Z13, Z14, Z15)
	ADDQ $32, SI
	ADDQ $64, DI
	DECQ CX
	JNE  t44loop

t44red:
	MOVQ    dst+40(FP), R8
	MOVQ    dstride+48(FP), DX
	MOVQ    nv+56(FP), BX
	MOVQ    bias+64(FP), SI
	MOVQ    res+72(FP), DI
	LEAQ    bertperm<>(SB), AX
	VMOVUPS (AX), X28
	VMOVUPS 16(AX), X29
	VMOVUPS 32(AX), X30
	VMOVUPS 48(AX), X31
	RED16
	STORELANE(0)
	STORELANE(1)
	STORELANE(2)
	CMPQ    BX, $3
	JLE     t44done
	STORELANE(3)

t44done:
	VZEROUPPER
	RET

// func bertF16Tile4x2(a *byte, astride int, b *float32, bstride int, k int, dst *float32, dstride int, nv int, bias, res *float32)
// bertF16Tile4x6 for at most 2 vectors.
TEXT ·bertF16Tile4x2(SB), NOSPLIT, $0-80
	MOVQ a+0(FP), SI
	MOVQ astride+8(FP), R12
	MOVQ b+16(FP), DI
	MOVQ bstride+24(FP), R9
	MOVQ k+32(FP), CX
	LEAQ (R12)(R12*2), R13
	LEAQ (R9)(R9*2), R10
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	TESTQ CX, CX
	JEQ   t42red

t42loop:
	VCVTPH2PS (SI), Z24
	VCVTPH2PS (SI)(R12*1), Z25
	VCVTPH2PS (SI)(R12*2), Z26
	VCVTPH2PS (SI)(R13*1), Z27
	TOK((DI), Z28, Z0, Z1, Z2, Z3)
	TOK((DI)(R9*1), Z29, Z4, Z5, Z6, Z7)
	ADDQ $32, SI
	ADDQ $64, DI
	DECQ CX
	JNE  t42loop

t42red:
	MOVQ    dst+40(FP), R8
	MOVQ    dstride+48(FP), DX
	MOVQ    nv+56(FP), BX
	MOVQ    bias+64(FP), SI
	MOVQ    res+72(FP), DI
	LEAQ    bertperm<>(SB), AX
	VMOVUPS (AX), X28
	VMOVUPS 16(AX), X29
	VMOVUPS 32(AX), X30
	VMOVUPS 48(AX), X31
	STORE4(Z0, Z1, Z2, Z3)
	CMPQ    BX, $1
	JLE     t42done
	STORE4(Z4, Z5, Z6, Z7)

t42done:
	VZEROUPPER
	RET

// func roundF16AVX512(dst, src *float32, n int)
// dst[i] = src[i] rounded to F16 (nearest even), n a multiple of 16.
TEXT ·roundF16AVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $4, CX
	JEQ  rdone

rloop:
	VMOVUPS   (SI), Z0
	VCVTPS2PH $0, Z0, Y1
	VCVTPH2PS Y1, Z0
	VMOVUPS   Z0, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	DECQ      CX
	JNE       rloop

rdone:
	VZEROUPPER
	RET
