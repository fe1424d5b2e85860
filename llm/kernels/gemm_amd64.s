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
	MOVL $0x80808080, CX
	VPBROADCASTD CX, Y23
	MOVQ nb+48(FP), CX
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

DATA g5shuf<>+0(SB)/8, $0x0000000000000000
DATA g5shuf<>+8(SB)/8, $0x0101010101010101
DATA g5shuf<>+16(SB)/8, $0x0202020202020202
DATA g5shuf<>+24(SB)/8, $0x0303030303030303
GLOBL g5shuf<>(SB), RODATA|NOPTR, $32
DATA g5bits<>+0(SB)/8, $0x7fbfdfeff7fbfdfe
DATA g5bits<>+8(SB)/8, $0x7fbfdfeff7fbfdfe
DATA g5bits<>+16(SB)/8, $0x7fbfdfeff7fbfdfe
DATA g5bits<>+24(SB)/8, $0x7fbfdfeff7fbfdfe
GLOBL g5bits<>(SB), RODATA|NOPTR, $32

// func unpackQ5_0(row *byte, nb int, w *int8, nc *int32, dw *float32)
// Unpacks nb Q5_0 blocks: w receives the 32 signed values (q-16) of each
// block, nc the block's -128*sum(w) and dw its scale as float32.
TEXT ·unpackQ5_0(SB), NOSPLIT, $0-40
	MOVQ         row+0(FP), SI
	MOVQ         nb+8(FP), CX
	MOVQ         w+16(FP), DI
	MOVQ         nc+24(FP), DX
	MOVQ         dw+32(FP), BX
	MOVL         $0x0f0f0f0f, AX
	VMOVD        AX, X1
	VPBROADCASTD X1, Y1
	MOVL         $0xf0f0f0f0, AX
	VMOVD        AX, X6
	VPBROADCASTD X6, Y6
	MOVL         $0x80808080, AX
	VMOVD        AX, X7
	VPBROADCASTD X7, Y7
	VPCMPEQB     Y8, Y8, Y8
	VPXOR        Y9, Y9, Y9
	TESTQ        CX, CX
	JEQ          u5done

u5loop:
	VMOVDQU      6(SI), X2
	VPSRLW       $4, X2, X3
	VINSERTI128  $1, X3, Y2, Y2
	VPAND        Y1, Y2, Y2
	VPBROADCASTD 2(SI), Y3
	VPSHUFB      g5shuf<>(SB), Y3, Y3
	VPOR         g5bits<>(SB), Y3, Y3
	VPCMPEQB     Y8, Y3, Y3
	VPANDN       Y6, Y3, Y3
	VPOR         Y3, Y2, Y2
	VMOVDQU      Y2, (DI)
	// sum(w) = sum(w+128) - 4096; nc = -128*sum(w) = 524288 - 128*sum(w+128)
	VPXOR        Y7, Y2, Y4
	VPSADBW      Y9, Y4, Y4
	VEXTRACTI128 $1, Y4, X5
	VPADDQ       X5, X4, X4
	VPSHUFD      $0x4e, X4, X5
	VPADDQ       X5, X4, X4
	VMOVD        X4, AX
	SHLL         $7, AX
	MOVL         $524288, R8
	SUBL         AX, R8
	MOVL         R8, (DX)
	MOVWLZX      (SI), AX
	VMOVD        AX, X5
	VCVTPH2PS    X5, X5
	VMOVSS       X5, (BX)
	ADDQ         $22, SI
	ADDQ         $32, DI
	ADDQ         $4, DX
	ADDQ         $4, BX
	DECQ         CX
	JNE          u5loop

u5done:
	VZEROUPPER
	RET

// Q5_0 (unpacked by unpackQ5_0) x transposed Q8_0 activations: 4 rows x 8
// vectors, the vectors in the lanes. Per block, X'_k (k = 0..7) holds bytes
// 4k..4k+3 of the 8 vectors, offset by 128; VPDPBUSD with the row's bytes
// 4k..4k+3 broadcast gives, per lane, the exact block sum plus 128*sum(w),
// which the accumulator's start value (nc) removes. Then per lane as
// dotQ5_0: sum += float32(s) * (d_w*d_x).
#define Q5ROW(wreg, ncmem, dwmem, sum) \
	VPBROADCASTD ncmem, Y24; \
	VPDPBUSD.BCST 0(wreg), Y0, Y24; \
	VPDPBUSD.BCST 4(wreg), Y1, Y24; \
	VPDPBUSD.BCST 8(wreg), Y2, Y24; \
	VPDPBUSD.BCST 12(wreg), Y3, Y24; \
	VPDPBUSD.BCST 16(wreg), Y4, Y24; \
	VPDPBUSD.BCST 20(wreg), Y5, Y24; \
	VPDPBUSD.BCST 24(wreg), Y6, Y24; \
	VPDPBUSD.BCST 28(wreg), Y7, Y24; \
	VCVTDQ2PS    Y24, Y24; \
	VMULPS.BCST  dwmem, Y8, Y25; \
	Q5ACC(Y25, Y24, sum)

#ifdef GOAMD64_v3
#define Q5ACC(sc, s, sum) VFMADD231PS sc, s, sum
#else
#ifdef GOAMD64_v4
#define Q5ACC(sc, s, sum) VFMADD231PS sc, s, sum
#else
#define Q5ACC(sc, s, sum) VMULPS sc, s, s; VADDPS s, sum, sum
#endif
#endif

// func gemmQ5_0x4x8(w *int8, nc *int32, dw *float32, nbRow int, xt *uint8, dt *float32, nb int, out *float32, dst *float32, dstStride int)
// w, nc, dw: four unpacked rows, nbRow blocks apart (of which nb are used);
// xt, dt: the transposed activations of 8 vectors; out: [4][8] sums, in
// and out, or, when dst is not nil, in only, the results going to
// dst[t*dstStride+i] (row i, vector t; dstStride in bytes).
TEXT ·gemmQ5_0x4x8(SB), NOSPLIT, $0-80
	MOVQ w+0(FP), SI
	MOVQ nc+8(FP), DX
	MOVQ dw+16(FP), BX
	MOVQ nbRow+24(FP), R8
	MOVQ xt+32(FP), DI
	MOVQ dt+40(FP), R12
	MOVQ nb+48(FP), CX
	MOVQ out+56(FP), R13
	MOVQ R8, R10
	SHLQ $2, R10          // 4 nbRow: nc/dw row stride
	LEAQ (R10)(R10*2), R11 // 3 strides
	SHLQ $5, R8           // 32 nbRow: w row stride
	LEAQ (SI)(R8*1), AX
	LEAQ (SI)(R8*2), R9
	LEAQ (R9)(R8*1), R14
	VMOVUPS 0(R13), Y16
	VMOVUPS 32(R13), Y17
	VMOVUPS 64(R13), Y18
	VMOVUPS 96(R13), Y19
	TESTQ CX, CX
	JEQ  g5done

g5loop:
	VMOVDQU32 0(DI), Y0
	VMOVDQU32 32(DI), Y1
	VMOVDQU32 64(DI), Y2
	VMOVDQU32 96(DI), Y3
	VMOVDQU32 128(DI), Y4
	VMOVDQU32 160(DI), Y5
	VMOVDQU32 192(DI), Y6
	VMOVDQU32 224(DI), Y7
	VMOVUPS   (R12), Y8
	Q5ROW(SI, (DX), (BX), Y16)
	Q5ROW(AX, (DX)(R10*1), (BX)(R10*1), Y17)
	Q5ROW(R9, (DX)(R10*2), (BX)(R10*2), Y18)
	Q5ROW(R14, (DX)(R11*1), (BX)(R11*1), Y19)
	ADDQ $32, SI
	ADDQ $32, AX
	ADDQ $32, R9
	ADDQ $32, R14
	ADDQ $4, DX
	ADDQ $4, BX
	ADDQ $256, DI
	ADDQ $32, R12
	DECQ CX
	JNE  g5loop

g5done:
	MOVQ dst+64(FP), R8
	TESTQ R8, R8
	JNE  g5dst
	VMOVUPS Y16, 0(R13)
	VMOVUPS Y17, 32(R13)
	VMOVUPS Y18, 64(R13)
	VMOVUPS Y19, 96(R13)
	VZEROUPPER
	RET

g5dst:
	// dst[t*stride + i] = sum of row i, vector t: a 4x8 transpose.
	MOVQ dstStride+72(FP), R9
	LEAQ (R9)(R9*2), R10 // 3
	LEAQ (R9)(R9*4), R11 // 5
	LEAQ (R10)(R9*4), R12 // 7
	VUNPCKLPS Y17, Y16, Y20
	VUNPCKHPS Y17, Y16, Y21
	VUNPCKLPS Y19, Y18, Y22
	VUNPCKHPS Y19, Y18, Y23
	VUNPCKLPD Y22, Y20, Y24
	VUNPCKHPD Y22, Y20, Y25
	VUNPCKLPD Y23, Y21, Y26
	VUNPCKHPD Y23, Y21, Y27
	VMOVUPS X24, (R8)
	VMOVUPS X25, (R8)(R9*1)
	VMOVUPS X26, (R8)(R9*2)
	VMOVUPS X27, (R8)(R10*1)
	VEXTRACTF32X4 $1, Y24, (R8)(R9*4)
	VEXTRACTF32X4 $1, Y25, (R8)(R11*1)
	VEXTRACTF32X4 $1, Y26, (R8)(R10*2)
	VEXTRACTF32X4 $1, Y27, (R8)(R12*1)
	VZEROUPPER
	RET

// func quantQ8_0AVX512(x *float32, q *int8, d *float32, nb int) int
// quantQ8_0 of nb consecutive blocks of 32. It stops before the first block
// holding an infinity or NaN (which the Go code handles) and returns how
// many blocks it did; also before a block whose 127/amax overflows.
TEXT ·quantQ8_0AVX512(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ q+8(FP), DI
	MOVQ d+16(FP), DX
	MOVQ nb+24(FP), CX
	XORQ R8, R8
	MOVL $0x7fffffff, AX
	VPBROADCASTD AX, Z7
	MOVL $0x42fe0000, AX // 127
	VMOVD AX, X6
	TESTQ CX, CX
	JEQ  qq0done

qq0loop:
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VPANDD  Z7, Z0, Z2
	VPANDD  Z7, Z1, Z3
	VPMAXSD Z3, Z2, Z2
	VEXTRACTI64X4 $1, Z2, Y3
	VPMAXSD Y3, Y2, Y2
	VEXTRACTI128 $1, Y2, X3
	VPMAXSD X3, X2, X2
	VPSHUFD $0x4e, X2, X3
	VPMAXSD X3, X2, X2
	VPSHUFD $0xb1, X2, X3
	VPMAXSD X3, X2, X2
	VMOVD   X2, AX
	CMPL    AX, $0x7f800000
	JAE     qq0done
	// d = F16(amax/127)
	VDIVSS  X6, X2, X3
	VCVTPS2PH $0, X3, X3
	VCVTPH2PS X3, X3
	VMOVSS  X3, (DX)
	// id = 127/amax, or 0
	VXORPS  X4, X4, X4
	TESTL   AX, AX
	JEQ     qq0zero
	VDIVSS  X2, X6, X4
	VMOVD   X4, AX
	CMPL    AX, $0x7f800000 // 127/amax overflowed: the Go code's case
	JEQ     qq0done
qq0zero:
	VBROADCASTSS X4, Z4
	VMULPS    Z4, Z0, Z0
	VMULPS    Z4, Z1, Z1
	VCVTPS2DQ Z0, Z0
	VCVTPS2DQ Z1, Z1
	VPMOVSDB  Z0, (DI)
	VPMOVSDB  Z1, 16(DI)
	ADDQ $128, SI
	ADDQ $32, DI
	ADDQ $4, DX
	INCQ R8
	CMPQ R8, CX
	JNE  qq0loop

qq0done:
	MOVQ R8, ret+32(FP)
	VZEROUPPER
	RET

// func unpackQ8_0(row *byte, nb int, nc *int32, dw *float32)
// For each of nb Q8_0 blocks: nc receives -128*sum(w) of each group of four
// bytes (8 values), dw the scale as float32.
TEXT ·unpackQ8_0(SB), NOSPLIT, $0-32
	MOVQ row+0(FP), SI
	MOVQ nb+8(FP), CX
	MOVQ nc+16(FP), DX
	MOVQ dw+24(FP), BX
	MOVL $0x80808080, AX
	VPBROADCASTD AX, Y7
	VPXORD Y6, Y6, Y6
	TESTQ CX, CX
	JEQ  u8done

u8loop:
	VPXORD    Y1, Y1, Y1
	VPDPBUSD  2(SI), Y7, Y1
	VPSUBD    Y1, Y6, Y1
	VMOVDQU32 Y1, (DX)
	MOVWLZX   (SI), AX
	VMOVD     AX, X5
	VCVTPH2PS X5, X5
	VMOVSS    X5, (BX)
	ADDQ $34, SI
	ADDQ $32, DX
	ADDQ $4, BX
	DECQ CX
	JNE  u8loop

u8done:
	VZEROUPPER
	RET

// Q8_0 weights x transposed Q8_0 activations: 2 rows x 8 vectors, the
// vectors in the lanes, one accumulator per row and four-byte group k (the
// lanes of dotQ8_0's accumulator). Per block: s = d_w*d_x (per lane),
// p_k = exact group sum (VPDPBUSD with the weights' group broadcast, offset
// removed by the start value nc_k), acc_k = fma(s, p_k, acc_k).
// func gemmQ8_0x2x8t(w0, w1 *byte, nc *int32, dw *float32, nbRow int, xt *uint8, dt *float32, nb int, out *float32, red *float32, dstStride int)
// w0, w1: the two rows' Q8_0 blocks; nc, dw: from unpackQ8_0, two rows
// nbRow blocks apart; xt, dt: transposed activations of 8 vectors; out:
// [2][8][8] accumulators (row, group, vector), in and out; red, if not
// nil: the results, the groups summed as reduce8 does, at
// red[t*dstStride+i] for row i, vector t (dstStride in bytes).
TEXT ·gemmQ8_0x2x8t(SB), NOSPLIT, $0-88
	MOVQ w0+0(FP), SI
	MOVQ w1+8(FP), AX
	MOVQ nc+16(FP), DX
	MOVQ dw+24(FP), BX
	MOVQ nbRow+32(FP), R10
	MOVQ xt+40(FP), DI
	MOVQ dt+48(FP), R12
	MOVQ nb+56(FP), CX
	MOVQ out+64(FP), R13
	LEAQ (BX)(R10*4), R11  // dw row 1
	SHLQ $5, R10
	ADDQ DX, R10           // nc row 1
	VMOVUPS 0(R13), Y16
	VMOVUPS 32(R13), Y17
	VMOVUPS 64(R13), Y18
	VMOVUPS 96(R13), Y19
	VMOVUPS 128(R13), Y20
	VMOVUPS 160(R13), Y21
	VMOVUPS 192(R13), Y22
	VMOVUPS 224(R13), Y23
	VMOVUPS 256(R13), Y24
	VMOVUPS 288(R13), Y25
	VMOVUPS 320(R13), Y26
	VMOVUPS 352(R13), Y27
	VMOVUPS 384(R13), Y28
	VMOVUPS 416(R13), Y29
	VMOVUPS 448(R13), Y30
	VMOVUPS 480(R13), Y31
	TESTQ CX, CX
	JEQ  g8tdone

g8tloop:
	VMOVDQU32 0(DI), Y0
	VMOVDQU32 32(DI), Y1
	VMOVDQU32 64(DI), Y2
	VMOVDQU32 96(DI), Y3
	VMOVDQU32 128(DI), Y4
	VMOVDQU32 160(DI), Y5
	VMOVDQU32 192(DI), Y6
	VMOVDQU32 224(DI), Y7
	VMOVUPS   (R12), Y8
	VMULPS.BCST (BX), Y8, Y9
	VMULPS.BCST (R11), Y8, Y10
	VPBROADCASTD 0(DX), Y11
	VPDPBUSD.BCST 2(SI), Y0, Y11
	VCVTDQ2PS Y11, Y11
	VFMADD231PS Y9, Y11, Y16
	VPBROADCASTD 0(R10), Y12
	VPDPBUSD.BCST 2(AX), Y0, Y12
	VCVTDQ2PS Y12, Y12
	VFMADD231PS Y10, Y12, Y24
	VPBROADCASTD 4(DX), Y13
	VPDPBUSD.BCST 6(SI), Y1, Y13
	VCVTDQ2PS Y13, Y13
	VFMADD231PS Y9, Y13, Y17
	VPBROADCASTD 4(R10), Y14
	VPDPBUSD.BCST 6(AX), Y1, Y14
	VCVTDQ2PS Y14, Y14
	VFMADD231PS Y10, Y14, Y25
	VPBROADCASTD 8(DX), Y15
	VPDPBUSD.BCST 10(SI), Y2, Y15
	VCVTDQ2PS Y15, Y15
	VFMADD231PS Y9, Y15, Y18
	VPBROADCASTD 8(R10), Y11
	VPDPBUSD.BCST 10(AX), Y2, Y11
	VCVTDQ2PS Y11, Y11
	VFMADD231PS Y10, Y11, Y26
	VPBROADCASTD 12(DX), Y12
	VPDPBUSD.BCST 14(SI), Y3, Y12
	VCVTDQ2PS Y12, Y12
	VFMADD231PS Y9, Y12, Y19
	VPBROADCASTD 12(R10), Y13
	VPDPBUSD.BCST 14(AX), Y3, Y13
	VCVTDQ2PS Y13, Y13
	VFMADD231PS Y10, Y13, Y27
	VPBROADCASTD 16(DX), Y14
	VPDPBUSD.BCST 18(SI), Y4, Y14
	VCVTDQ2PS Y14, Y14
	VFMADD231PS Y9, Y14, Y20
	VPBROADCASTD 16(R10), Y15
	VPDPBUSD.BCST 18(AX), Y4, Y15
	VCVTDQ2PS Y15, Y15
	VFMADD231PS Y10, Y15, Y28
	VPBROADCASTD 20(DX), Y11
	VPDPBUSD.BCST 22(SI), Y5, Y11
	VCVTDQ2PS Y11, Y11
	VFMADD231PS Y9, Y11, Y21
	VPBROADCASTD 20(R10), Y12
	VPDPBUSD.BCST 22(AX), Y5, Y12
	VCVTDQ2PS Y12, Y12
	VFMADD231PS Y10, Y12, Y29
	VPBROADCASTD 24(DX), Y13
	VPDPBUSD.BCST 26(SI), Y6, Y13
	VCVTDQ2PS Y13, Y13
	VFMADD231PS Y9, Y13, Y22
	VPBROADCASTD 24(R10), Y14
	VPDPBUSD.BCST 26(AX), Y6, Y14
	VCVTDQ2PS Y14, Y14
	VFMADD231PS Y10, Y14, Y30
	VPBROADCASTD 28(DX), Y15
	VPDPBUSD.BCST 30(SI), Y7, Y15
	VCVTDQ2PS Y15, Y15
	VFMADD231PS Y9, Y15, Y23
	VPBROADCASTD 28(R10), Y11
	VPDPBUSD.BCST 30(AX), Y7, Y11
	VCVTDQ2PS Y11, Y11
	VFMADD231PS Y10, Y11, Y31
	ADDQ $34, SI
	ADDQ $34, AX
	ADDQ $32, DX
	ADDQ $32, R10
	ADDQ $4, BX
	ADDQ $4, R11
	ADDQ $256, DI
	ADDQ $32, R12
	DECQ CX
	JNE  g8tloop

g8tdone:
	VMOVUPS Y16, 0(R13)
	VMOVUPS Y17, 32(R13)
	VMOVUPS Y18, 64(R13)
	VMOVUPS Y19, 96(R13)
	VMOVUPS Y20, 128(R13)
	VMOVUPS Y21, 160(R13)
	VMOVUPS Y22, 192(R13)
	VMOVUPS Y23, 224(R13)
	VMOVUPS Y24, 256(R13)
	VMOVUPS Y25, 288(R13)
	VMOVUPS Y26, 320(R13)
	VMOVUPS Y27, 352(R13)
	VMOVUPS Y28, 384(R13)
	VMOVUPS Y29, 416(R13)
	VMOVUPS Y30, 448(R13)
	VMOVUPS Y31, 480(R13)
	MOVQ red+72(FP), R13
	TESTQ R13, R13
	JEQ  g8tret
	MOVQ dstStride+80(FP), R9
	// reduce8 per lane: t_l = s[l+4]+s[l], (t0+t2)+(t1+t3)
	VADDPS Y20, Y16, Y16
	VADDPS Y21, Y17, Y17
	VADDPS Y22, Y18, Y18
	VADDPS Y23, Y19, Y19
	VADDPS Y18, Y16, Y16
	VADDPS Y19, Y17, Y17
	VADDPS Y17, Y16, Y16
	VADDPS Y28, Y24, Y24
	VADDPS Y29, Y25, Y25
	VADDPS Y30, Y26, Y26
	VADDPS Y31, Y27, Y27
	VADDPS Y26, Y24, Y24
	VADDPS Y27, Y25, Y25
	VADDPS Y25, Y24, Y24
	// red[t*dstStride + i]: row i, vector t
	LEAQ (R9)(R9*2), R10 // 3
	LEAQ (R9)(R9*4), R11 // 5
	LEAQ (R10)(R9*4), R12 // 7
	VUNPCKLPS Y24, Y16, Y0
	VUNPCKHPS Y24, Y16, Y1
	VEXTRACTF128 $1, Y0, X2
	VEXTRACTF128 $1, Y1, X3
	VMOVLPS X0, (R13)
	VMOVHPS X0, (R13)(R9*1)
	VMOVLPS X1, (R13)(R9*2)
	VMOVHPS X1, (R13)(R10*1)
	VMOVLPS X2, (R13)(R9*4)
	VMOVHPS X2, (R13)(R11*1)
	VMOVLPS X3, (R13)(R10*2)
	VMOVHPS X3, (R13)(R12*1)

g8tret:
	VZEROUPPER
	RET

// F16 weights x F16-rounded activations: 4 rows x 6 vectors, each pair one
// 16-lane accumulator fed by fused multiply-adds along the row (dotF16's
// lanes), reduced at the end as reduce16.

// reduce16 of Z register acc into X lane 0 (clobbers Y28, X29).
#define F16RED(acc, yacc, xacc) \
	VEXTRACTF32X8 $1, acc, Y28; \
	VADDPS        Y28, yacc, yacc; \
	VEXTRACTF32X4 $1, yacc, X29; \
	VADDPS        X29, xacc, xacc; \
	VMOVHLPS      xacc, xacc, X29; \
	VADDPS        X29, xacc, xacc; \
	VMOVSHDUP     xacc, X29; \
	VADDSS        X29, xacc, xacc

// func gemmF16x4x6(row *byte, rowStride int, x *float32, xStride int, n int, out *float32)
// n: elements per row, a multiple of 16; xStride in bytes; out[r*6+v].
TEXT ·gemmF16x4x6(SB), NOSPLIT, $0-48
	MOVQ row+0(FP), SI
	MOVQ rowStride+8(FP), R8
	MOVQ x+16(FP), DI
	MOVQ xStride+24(FP), R10
	MOVQ n+32(FP), CX
	MOVQ out+40(FP), R13
	LEAQ (SI)(R8*2), R9
	ADDQ R8, R9            // row 3
	LEAQ (R10)(R10*2), R11 // 3 xs
	LEAQ (R10)(R10*4), R12 // 5 xs
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
	SHRQ $4, CX
	JEQ  f16done

f16loop:
	VCVTPH2PS (SI), Z24
	VCVTPH2PS (SI)(R8*1), Z25
	VCVTPH2PS (SI)(R8*2), Z26
	VCVTPH2PS (R9), Z27
	VMOVUPS (DI), Z28
	VFMADD231PS Z28, Z24, Z0
	VFMADD231PS Z28, Z25, Z6
	VFMADD231PS Z28, Z26, Z12
	VFMADD231PS Z28, Z27, Z18
	VMOVUPS (DI)(R10*1), Z29
	VFMADD231PS Z29, Z24, Z1
	VFMADD231PS Z29, Z25, Z7
	VFMADD231PS Z29, Z26, Z13
	VFMADD231PS Z29, Z27, Z19
	VMOVUPS (DI)(R10*2), Z30
	VFMADD231PS Z30, Z24, Z2
	VFMADD231PS Z30, Z25, Z8
	VFMADD231PS Z30, Z26, Z14
	VFMADD231PS Z30, Z27, Z20
	VMOVUPS (DI)(R11*1), Z31
	VFMADD231PS Z31, Z24, Z3
	VFMADD231PS Z31, Z25, Z9
	VFMADD231PS Z31, Z26, Z15
	VFMADD231PS Z31, Z27, Z21
	VMOVUPS (DI)(R10*4), Z28
	VFMADD231PS Z28, Z24, Z4
	VFMADD231PS Z28, Z25, Z10
	VFMADD231PS Z28, Z26, Z16
	VFMADD231PS Z28, Z27, Z22
	VMOVUPS (DI)(R12*1), Z29
	VFMADD231PS Z29, Z24, Z5
	VFMADD231PS Z29, Z25, Z11
	VFMADD231PS Z29, Z26, Z17
	VFMADD231PS Z29, Z27, Z23
	ADDQ $32, SI
	ADDQ $32, R9
	ADDQ $64, DI
	DECQ CX
	JNE  f16loop

f16done:
	F16RED(Z0, Y0, X0)
	VMOVSS X0, 0(R13)
	F16RED(Z1, Y1, X1)
	VMOVSS X1, 4(R13)
	F16RED(Z2, Y2, X2)
	VMOVSS X2, 8(R13)
	F16RED(Z3, Y3, X3)
	VMOVSS X3, 12(R13)
	F16RED(Z4, Y4, X4)
	VMOVSS X4, 16(R13)
	F16RED(Z5, Y5, X5)
	VMOVSS X5, 20(R13)
	F16RED(Z6, Y6, X6)
	VMOVSS X6, 24(R13)
	F16RED(Z7, Y7, X7)
	VMOVSS X7, 28(R13)
	F16RED(Z8, Y8, X8)
	VMOVSS X8, 32(R13)
	F16RED(Z9, Y9, X9)
	VMOVSS X9, 36(R13)
	F16RED(Z10, Y10, X10)
	VMOVSS X10, 40(R13)
	F16RED(Z11, Y11, X11)
	VMOVSS X11, 44(R13)
	F16RED(Z12, Y12, X12)
	VMOVSS X12, 48(R13)
	F16RED(Z13, Y13, X13)
	VMOVSS X13, 52(R13)
	F16RED(Z14, Y14, X14)
	VMOVSS X14, 56(R13)
	F16RED(Z15, Y15, X15)
	VMOVSS X15, 60(R13)
	F16RED(Z16, Y16, X16)
	VMOVSS X16, 64(R13)
	F16RED(Z17, Y17, X17)
	VMOVSS X17, 68(R13)
	F16RED(Z18, Y18, X18)
	VMOVSS X18, 72(R13)
	F16RED(Z19, Y19, X19)
	VMOVSS X19, 76(R13)
	F16RED(Z20, Y20, X20)
	VMOVSS X20, 80(R13)
	F16RED(Z21, Y21, X21)
	VMOVSS X21, 84(R13)
	F16RED(Z22, Y22, X22)
	VMOVSS X22, 88(R13)
	F16RED(Z23, Y23, X23)
	VMOVSS X23, 92(R13)
	VZEROUPPER
	RET

// func quantQ8_KAVX512(x *float32, q *int8, bs *int16, d *float32, nb int) int
// quantQ8_K of nb consecutive blocks of 256. It stops before the first
// block holding an infinity or NaN or whose -127/max overflows (the Go
// code's cases) and returns how many blocks it did.
TEXT ·quantQ8_KAVX512(SB), NOSPLIT, $0-48
	MOVQ x+0(FP), SI
	MOVQ q+8(FP), DI
	MOVQ bs+16(FP), BX
	MOVQ d+24(FP), DX
	MOVQ nb+32(FP), CX
	XORQ R8, R8
	MOVL $0x7fffffff, AX
	VPBROADCASTD AX, Z31
	MOVL $127, AX
	VPBROADCASTD AX, Z30
	MOVL $0x01010101, AX
	VPBROADCASTD AX, Z29
	MOVL $0x00010001, AX
	VPBROADCASTD AX, Z28
	TESTQ CX, CX
	JEQ  qkdone

qkloop:
	VMOVUPS 0(SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS 128(SI), Z2
	VMOVUPS 192(SI), Z3
	VMOVUPS 256(SI), Z4
	VMOVUPS 320(SI), Z5
	VMOVUPS 384(SI), Z6
	VMOVUPS 448(SI), Z7
	VMOVUPS 512(SI), Z8
	VMOVUPS 576(SI), Z9
	VMOVUPS 640(SI), Z10
	VMOVUPS 704(SI), Z11
	VMOVUPS 768(SI), Z12
	VMOVUPS 832(SI), Z13
	VMOVUPS 896(SI), Z14
	VMOVUPS 960(SI), Z15
	VPANDD Z31, Z0, Z16
	VPANDD Z31, Z1, Z17
	VPMAXSD Z17, Z16, Z16
	VPANDD Z31, Z2, Z17
	VPMAXSD Z17, Z16, Z16
	VPANDD Z31, Z3, Z17
	VPMAXSD Z17, Z16, Z16
	VPANDD Z31, Z4, Z17
	VPMAXSD Z17, Z16, Z16
	VPANDD Z31, Z5, Z17
	VPMAXSD Z17, Z16, Z16
	VPANDD Z31, Z6, Z17
	VPMAXSD Z17, Z16, Z16
	VPANDD Z31, Z7, Z17
	VPMAXSD Z17, Z16, Z16
	VPANDD Z31, Z8, Z17
	VPMAXSD Z17, Z16, Z16
	VPANDD Z31, Z9, Z17
	VPMAXSD Z17, Z16, Z16
	VPANDD Z31, Z10, Z17
	VPMAXSD Z17, Z16, Z16
	VPANDD Z31, Z11, Z17
	VPMAXSD Z17, Z16, Z16
	VPANDD Z31, Z12, Z17
	VPMAXSD Z17, Z16, Z16
	VPANDD Z31, Z13, Z17
	VPMAXSD Z17, Z16, Z16
	VPANDD Z31, Z14, Z17
	VPMAXSD Z17, Z16, Z16
	VPANDD Z31, Z15, Z17
	VPMAXSD Z17, Z16, Z16
	VEXTRACTI64X4 $1, Z16, Y17
	VPMAXSD Y17, Y16, Y16
	VEXTRACTI32X4 $1, Y16, X17
	VPMAXSD X17, X16, X16
	VPSHUFD $0x4e, X16, X17
	VPMAXSD X17, X16, X16
	VPSHUFD $0xb1, X16, X17
	VPMAXSD X17, X16, X16
	VMOVD   X16, AX
	CMPL    AX, $0x7f800000
	JAE     qkdone
	TESTL   AX, AX
	JEQ     qkzero
	VPBROADCASTD AX, Z17
	VPANDD Z31, Z0, Z18
	VPCMPEQD Z17, Z18, K1
	KMOVW K1, R9
	TESTL R9, R9
	JNE qkf0
	VPANDD Z31, Z1, Z18
	VPCMPEQD Z17, Z18, K1
	KMOVW K1, R9
	TESTL R9, R9
	JNE qkf1
	VPANDD Z31, Z2, Z18
	VPCMPEQD Z17, Z18, K1
	KMOVW K1, R9
	TESTL R9, R9
	JNE qkf2
	VPANDD Z31, Z3, Z18
	VPCMPEQD Z17, Z18, K1
	KMOVW K1, R9
	TESTL R9, R9
	JNE qkf3
	VPANDD Z31, Z4, Z18
	VPCMPEQD Z17, Z18, K1
	KMOVW K1, R9
	TESTL R9, R9
	JNE qkf4
	VPANDD Z31, Z5, Z18
	VPCMPEQD Z17, Z18, K1
	KMOVW K1, R9
	TESTL R9, R9
	JNE qkf5
	VPANDD Z31, Z6, Z18
	VPCMPEQD Z17, Z18, K1
	KMOVW K1, R9
	TESTL R9, R9
	JNE qkf6
	VPANDD Z31, Z7, Z18
	VPCMPEQD Z17, Z18, K1
	KMOVW K1, R9
	TESTL R9, R9
	JNE qkf7
	VPANDD Z31, Z8, Z18
	VPCMPEQD Z17, Z18, K1
	KMOVW K1, R9
	TESTL R9, R9
	JNE qkf8
	VPANDD Z31, Z9, Z18
	VPCMPEQD Z17, Z18, K1
	KMOVW K1, R9
	TESTL R9, R9
	JNE qkf9
	VPANDD Z31, Z10, Z18
	VPCMPEQD Z17, Z18, K1
	KMOVW K1, R9
	TESTL R9, R9
	JNE qkf10
	VPANDD Z31, Z11, Z18
	VPCMPEQD Z17, Z18, K1
	KMOVW K1, R9
	TESTL R9, R9
	JNE qkf11
	VPANDD Z31, Z12, Z18
	VPCMPEQD Z17, Z18, K1
	KMOVW K1, R9
	TESTL R9, R9
	JNE qkf12
	VPANDD Z31, Z13, Z18
	VPCMPEQD Z17, Z18, K1
	KMOVW K1, R9
	TESTL R9, R9
	JNE qkf13
	VPANDD Z31, Z14, Z18
	VPCMPEQD Z17, Z18, K1
	KMOVW K1, R9
	TESTL R9, R9
	JNE qkf14
	VPANDD Z31, Z15, Z18
	VPCMPEQD Z17, Z18, K1
	KMOVW K1, R9
	TESTL R9, R9
	JNE qkf15
	JMP qkdone // not reached
qkf0:
	TZCNTL R9, R9
	ADDL $0, R9
	JMP qkfound
qkf1:
	TZCNTL R9, R9
	ADDL $16, R9
	JMP qkfound
qkf2:
	TZCNTL R9, R9
	ADDL $32, R9
	JMP qkfound
qkf3:
	TZCNTL R9, R9
	ADDL $48, R9
	JMP qkfound
qkf4:
	TZCNTL R9, R9
	ADDL $64, R9
	JMP qkfound
qkf5:
	TZCNTL R9, R9
	ADDL $80, R9
	JMP qkfound
qkf6:
	TZCNTL R9, R9
	ADDL $96, R9
	JMP qkfound
qkf7:
	TZCNTL R9, R9
	ADDL $112, R9
	JMP qkfound
qkf8:
	TZCNTL R9, R9
	ADDL $128, R9
	JMP qkfound
qkf9:
	TZCNTL R9, R9
	ADDL $144, R9
	JMP qkfound
qkf10:
	TZCNTL R9, R9
	ADDL $160, R9
	JMP qkfound
qkf11:
	TZCNTL R9, R9
	ADDL $176, R9
	JMP qkfound
qkf12:
	TZCNTL R9, R9
	ADDL $192, R9
	JMP qkfound
qkf13:
	TZCNTL R9, R9
	ADDL $208, R9
	JMP qkfound
qkf14:
	TZCNTL R9, R9
	ADDL $224, R9
	JMP qkfound
qkf15:
	TZCNTL R9, R9
	ADDL $240, R9
	JMP qkfound
qkfound:
	// iscale = -127/max, d = 1/iscale
	MOVL    $0xc2fe0000, AX
	VMOVD   AX, X19
	VMOVSS  (SI)(R9*4), X20
	VDIVSS  X20, X19, X21
	VMOVD   X21, AX
	ANDL    $0x7fffffff, AX
	CMPL    AX, $0x7f800000
	JAE     qkdone
	MOVL    $0x3f800000, AX
	VMOVD   AX, X19
	VDIVSS  X21, X19, X22
	VMOVSS  X22, (DX)
	VBROADCASTSS X21, Z21
	VMULPS Z21, Z0, Z0
	VCVTPS2DQ Z0, Z0
	VPMINSD Z30, Z0, Z0
	VPMOVSDB Z0, 0(DI)
	VMULPS Z21, Z1, Z1
	VCVTPS2DQ Z1, Z1
	VPMINSD Z30, Z1, Z1
	VPMOVSDB Z1, 16(DI)
	VMULPS Z21, Z2, Z2
	VCVTPS2DQ Z2, Z2
	VPMINSD Z30, Z2, Z2
	VPMOVSDB Z2, 32(DI)
	VMULPS Z21, Z3, Z3
	VCVTPS2DQ Z3, Z3
	VPMINSD Z30, Z3, Z3
	VPMOVSDB Z3, 48(DI)
	VMULPS Z21, Z4, Z4
	VCVTPS2DQ Z4, Z4
	VPMINSD Z30, Z4, Z4
	VPMOVSDB Z4, 64(DI)
	VMULPS Z21, Z5, Z5
	VCVTPS2DQ Z5, Z5
	VPMINSD Z30, Z5, Z5
	VPMOVSDB Z5, 80(DI)
	VMULPS Z21, Z6, Z6
	VCVTPS2DQ Z6, Z6
	VPMINSD Z30, Z6, Z6
	VPMOVSDB Z6, 96(DI)
	VMULPS Z21, Z7, Z7
	VCVTPS2DQ Z7, Z7
	VPMINSD Z30, Z7, Z7
	VPMOVSDB Z7, 112(DI)
	VMULPS Z21, Z8, Z8
	VCVTPS2DQ Z8, Z8
	VPMINSD Z30, Z8, Z8
	VPMOVSDB Z8, 128(DI)
	VMULPS Z21, Z9, Z9
	VCVTPS2DQ Z9, Z9
	VPMINSD Z30, Z9, Z9
	VPMOVSDB Z9, 144(DI)
	VMULPS Z21, Z10, Z10
	VCVTPS2DQ Z10, Z10
	VPMINSD Z30, Z10, Z10
	VPMOVSDB Z10, 160(DI)
	VMULPS Z21, Z11, Z11
	VCVTPS2DQ Z11, Z11
	VPMINSD Z30, Z11, Z11
	VPMOVSDB Z11, 176(DI)
	VMULPS Z21, Z12, Z12
	VCVTPS2DQ Z12, Z12
	VPMINSD Z30, Z12, Z12
	VPMOVSDB Z12, 192(DI)
	VMULPS Z21, Z13, Z13
	VCVTPS2DQ Z13, Z13
	VPMINSD Z30, Z13, Z13
	VPMOVSDB Z13, 208(DI)
	VMULPS Z21, Z14, Z14
	VCVTPS2DQ Z14, Z14
	VPMINSD Z30, Z14, Z14
	VPMOVSDB Z14, 224(DI)
	VMULPS Z21, Z15, Z15
	VCVTPS2DQ Z15, Z15
	VPMINSD Z30, Z15, Z15
	VPMOVSDB Z15, 240(DI)
	// bs: sums of 16 (four-byte sums, then pairs, then pairs again)
	VPXORD Z16, Z16, Z16
	VPDPBUSD 0(DI), Z29, Z16
	VPMOVDW Z16, Y16
	VPMADDWD Y28, Y16, Y16
	VPMOVDW Y16, X16
	VPMADDWD X28, X16, X16
	VPMOVDW X16, 0(BX)
	VPXORD Z16, Z16, Z16
	VPDPBUSD 64(DI), Z29, Z16
	VPMOVDW Z16, Y16
	VPMADDWD Y28, Y16, Y16
	VPMOVDW Y16, X16
	VPMADDWD X28, X16, X16
	VPMOVDW X16, 8(BX)
	VPXORD Z16, Z16, Z16
	VPDPBUSD 128(DI), Z29, Z16
	VPMOVDW Z16, Y16
	VPMADDWD Y28, Y16, Y16
	VPMOVDW Y16, X16
	VPMADDWD X28, X16, X16
	VPMOVDW X16, 16(BX)
	VPXORD Z16, Z16, Z16
	VPDPBUSD 192(DI), Z29, Z16
	VPMOVDW Z16, Y16
	VPMADDWD Y28, Y16, Y16
	VPMOVDW Y16, X16
	VPMADDWD X28, X16, X16
	VPMOVDW X16, 24(BX)
	JMP qknext

qkzero:
	VPXORD Z16, Z16, Z16
	VMOVDQU32 Z16, (DI)
	VMOVDQU32 Z16, 64(DI)
	VMOVDQU32 Z16, 128(DI)
	VMOVDQU32 Z16, 192(DI)
	VMOVDQU32 Y16, (BX)
	MOVL $0, (DX)

qknext:
	ADDQ $1024, SI
	ADDQ $256, DI
	ADDQ $32, BX
	ADDQ $4, DX
	INCQ R8
	CMPQ R8, CX
	JNE  qkloop

qkdone:
	MOVQ R8, ret+40(FP)
	VZEROUPPER
	RET
