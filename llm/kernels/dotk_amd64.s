//go:build !purego

#include "textflag.h"

// AVX2 kernels for the k-quants (Q8_K activations). The integer sums are
// exact, so only the float steps need to follow dot.go, and they do.

DATA q6shuf<>+0(SB)/8, $0x0100010001000100
DATA q6shuf<>+8(SB)/8, $0x0100010001000100
DATA q6shuf<>+16(SB)/8, $0x0302030203020302
DATA q6shuf<>+24(SB)/8, $0x0302030203020302
DATA q6shuf<>+32(SB)/8, $0x0504050405040504
DATA q6shuf<>+40(SB)/8, $0x0504050405040504
DATA q6shuf<>+48(SB)/8, $0x0706070607060706
DATA q6shuf<>+56(SB)/8, $0x0706070607060706
DATA q6shuf<>+64(SB)/8, $0x0908090809080908
DATA q6shuf<>+72(SB)/8, $0x0908090809080908
DATA q6shuf<>+80(SB)/8, $0x0b0a0b0a0b0a0b0a
DATA q6shuf<>+88(SB)/8, $0x0b0a0b0a0b0a0b0a
DATA q6shuf<>+96(SB)/8, $0x0d0c0d0c0d0c0d0c
DATA q6shuf<>+104(SB)/8, $0x0d0c0d0c0d0c0d0c
DATA q6shuf<>+112(SB)/8, $0x0f0e0f0e0f0e0f0e
DATA q6shuf<>+120(SB)/8, $0x0f0e0f0e0f0e0f0e
GLOBL q6shuf<>(SB), RODATA|NOPTR, $128


// func dotQ6_KAVX2(row *byte, q *int8, d *float32, bs *int16, nb int) float32
//
// dotQ6_K: per block, eight int32 lanes (lane (e%32)/4 for element e) of
// scale*q*x with q unsigned (0..63), lane k minus
// 32*(bs[2k]*scale[2k] + bs[2k+1]*scale[2k+1]), scaled by d_x*d_w and
// accumulated with a fused multiply-add; lanes reduced as reduce8.
TEXT ·dotQ6_KAVX2(SB), NOSPLIT, $0-44
	MOVQ         row+0(FP), SI
	MOVQ         q+8(FP), DI
	MOVQ         d+16(FP), DX
	MOVQ         bs+24(FP), R8
	MOVQ         nb+32(FP), CX
	VXORPS       Y0, Y0, Y0
	MOVL         $0x0f0f0f0f, AX
	VMOVD        AX, X1
	VPBROADCASTD X1, Y1
	MOVL         $0x30303030, AX
	VMOVD        AX, X2
	VPBROADCASTD X2, Y2
	TESTQ        CX, CX
	JEQ          q6done

q6loop:
	VPXOR        Y8, Y8, Y8
	// half 0
	VPMOVSXBW    192(SI), X9
	VINSERTI128  $1, X9, Y9, Y9
	VMOVDQU      0(SI), Y10
	VMOVDQU      32(SI), Y11
	VMOVDQU      128(SI), Y12
	VPAND       Y10, Y1, Y13
	VPSLLW      $4, Y12, Y14
	VPAND       Y14, Y2, Y14
	VPOR        Y14, Y13, Y13
	VMOVDQU     0(DI), Y14
	VPMADDUBSW  Y14, Y13, Y13
	VPSHUFB     q6shuf<>+0(SB), Y9, Y14
	VPMADDWD    Y14, Y13, Y13
	VPADDD      Y13, Y8, Y8
	VPAND       Y11, Y1, Y13
	VPSLLW      $2, Y12, Y14
	VPAND       Y14, Y2, Y14
	VPOR        Y14, Y13, Y13
	VMOVDQU     32(DI), Y14
	VPMADDUBSW  Y14, Y13, Y13
	VPSHUFB     q6shuf<>+32(SB), Y9, Y14
	VPMADDWD    Y14, Y13, Y13
	VPADDD      Y13, Y8, Y8
	VPSRLW      $4, Y10, Y13
	VPAND       Y13, Y1, Y13
	VPAND       Y12, Y2, Y14
	VPOR        Y14, Y13, Y13
	VMOVDQU     64(DI), Y14
	VPMADDUBSW  Y14, Y13, Y13
	VPSHUFB     q6shuf<>+64(SB), Y9, Y14
	VPMADDWD    Y14, Y13, Y13
	VPADDD      Y13, Y8, Y8
	VPSRLW      $4, Y11, Y13
	VPAND       Y13, Y1, Y13
	VPSRLW      $2, Y12, Y14
	VPAND       Y14, Y2, Y14
	VPOR        Y14, Y13, Y13
	VMOVDQU     96(DI), Y14
	VPMADDUBSW  Y14, Y13, Y13
	VPSHUFB     q6shuf<>+96(SB), Y9, Y14
	VPMADDWD    Y14, Y13, Y13
	VPADDD      Y13, Y8, Y8
	// half 1
	VPMOVSXBW    200(SI), X9
	VINSERTI128  $1, X9, Y9, Y9
	VMOVDQU      64(SI), Y10
	VMOVDQU      96(SI), Y11
	VMOVDQU      160(SI), Y12
	VPAND       Y10, Y1, Y13
	VPSLLW      $4, Y12, Y14
	VPAND       Y14, Y2, Y14
	VPOR        Y14, Y13, Y13
	VMOVDQU     128(DI), Y14
	VPMADDUBSW  Y14, Y13, Y13
	VPSHUFB     q6shuf<>+0(SB), Y9, Y14
	VPMADDWD    Y14, Y13, Y13
	VPADDD      Y13, Y8, Y8
	VPAND       Y11, Y1, Y13
	VPSLLW      $2, Y12, Y14
	VPAND       Y14, Y2, Y14
	VPOR        Y14, Y13, Y13
	VMOVDQU     160(DI), Y14
	VPMADDUBSW  Y14, Y13, Y13
	VPSHUFB     q6shuf<>+32(SB), Y9, Y14
	VPMADDWD    Y14, Y13, Y13
	VPADDD      Y13, Y8, Y8
	VPSRLW      $4, Y10, Y13
	VPAND       Y13, Y1, Y13
	VPAND       Y12, Y2, Y14
	VPOR        Y14, Y13, Y13
	VMOVDQU     192(DI), Y14
	VPMADDUBSW  Y14, Y13, Y13
	VPSHUFB     q6shuf<>+64(SB), Y9, Y14
	VPMADDWD    Y14, Y13, Y13
	VPADDD      Y13, Y8, Y8
	VPSRLW      $4, Y11, Y13
	VPAND       Y13, Y1, Y13
	VPSRLW      $2, Y12, Y14
	VPAND       Y14, Y2, Y14
	VPOR        Y14, Y13, Y13
	VMOVDQU     224(DI), Y14
	VPMADDUBSW  Y14, Y13, Y13
	VPSHUFB     q6shuf<>+96(SB), Y9, Y14
	VPMADDWD    Y14, Y13, Y13
	VPADDD      Y13, Y8, Y8
	// lanes -= 32 * (bs . scales), pairwise
	VPMOVSXBW    192(SI), Y9
	VMOVDQU      (R8), Y13
	VPMADDWD     Y9, Y13, Y13
	VPSLLD       $5, Y13, Y13
	VPSUBD       Y13, Y8, Y8
	MOVWLZX      208(SI), AX
	VMOVD        AX, X9
	VCVTPH2PS    X9, X9
	VMULSS       (DX), X9, X9
	VBROADCASTSS X9, Y9
	VCVTDQ2PS    Y8, Y8
	VFMADD231PS  Y8, Y9, Y0
	ADDQ         $210, SI
	ADDQ         $256, DI
	ADDQ         $4, DX
	ADDQ         $32, R8
	DECQ         CX
	JNE          q6loop

q6done:
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X0, X1, X0
	VMOVHLPS     X0, X0, X1
	VADDPS       X1, X0, X0
	VMOVSHDUP    X0, X1
	VADDSS       X1, X0, X0
	VZEROUPPER
	MOVSS        X0, ret+40(FP)
	RET


// func dotQ4_KAVX2(row *byte, q *int8, d *float32, bs *int16, nb int) float32
//
// dotQ4_K: exact integer sums per super-block (scales times nibble dots,
// mins times the activation block sums), then accR and accM fed by fused
// multiply-adds (lanes 0 and 1 of X4), accR - accM at the end.
TEXT ·dotQ4_KAVX2(SB), NOSPLIT, $0-44
	MOVQ         row+0(FP), SI
	MOVQ         q+8(FP), DI
	MOVQ         d+16(FP), DX
	MOVQ         bs+24(FP), BX
	MOVQ         nb+32(FP), CX
	VXORPS       X4, X4, X4
	MOVL         $0x0f0f0f0f, AX
	VMOVD        AX, X1
	VPBROADCASTD X1, Y1
	MOVL         $0x00010001, AX
	VMOVD        AX, X2
	VPBROADCASTD X2, Y2
	TESTQ        CX, CX
	JEQ          q4done

q4loop:
	// Unpack the 12 scale bytes as llama.cpp does (kmask1..3) into
	// R8 (scales 0-3), R10 (scales 4-7), R9 (mins 0-3), R11 (mins 4-7).
	MOVL         4(SI), R8
	MOVL         8(SI), R9
	MOVL         12(SI), R10
	MOVL         R10, R11
	SHRL         $4, R11
	ANDL         $0x0f0f0f0f, R11
	MOVL         R9, AX
	SHRL         $6, AX
	ANDL         $0x03030303, AX
	SHLL         $4, AX
	ORL          AX, R11
	ANDL         $0x3f3f3f3f, R9
	ANDL         $0x0f0f0f0f, R10
	MOVL         R8, AX
	SHRL         $6, AX
	ANDL         $0x03030303, AX
	SHLL         $4, AX
	ORL          AX, R10
	ANDL         $0x3f3f3f3f, R8
	VMOVD        R8, X15
	VPINSRD      $1, R10, X15, X15
	VPMOVZXBW    X15, X15

	// summ: mins (int32) times pair sums of the block sums.
	VMOVD        R9, X10
	VPINSRD      $1, R11, X10, X10
	VPMOVZXBD    X10, Y10
	VPMADDWD     (BX), Y2, Y11
	VPMULLD      Y11, Y10, Y10
	VPXOR        Y8, Y8, Y8
	// sub-blocks 0, 1
	VMOVDQU      16(SI), Y12
	VPAND        Y12, Y1, Y13
	VPSRLW       $4, Y12, Y12
	VPAND        Y12, Y1, Y12
	VPMADDUBSW   0(DI), Y13, Y13
	VPMADDUBSW   32(DI), Y12, Y12
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDWD     Y14, Y13, Y13
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDWD     Y14, Y12, Y12
	VPADDD       Y13, Y8, Y8
	VPADDD       Y12, Y8, Y8
	// sub-blocks 2, 3
	VMOVDQU      48(SI), Y12
	VPAND        Y12, Y1, Y13
	VPSRLW       $4, Y12, Y12
	VPAND        Y12, Y1, Y12
	VPMADDUBSW   64(DI), Y13, Y13
	VPMADDUBSW   96(DI), Y12, Y12
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDWD     Y14, Y13, Y13
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDWD     Y14, Y12, Y12
	VPADDD       Y13, Y8, Y8
	VPADDD       Y12, Y8, Y8
	// sub-blocks 4, 5
	VMOVDQU      80(SI), Y12
	VPAND        Y12, Y1, Y13
	VPSRLW       $4, Y12, Y12
	VPAND        Y12, Y1, Y12
	VPMADDUBSW   128(DI), Y13, Y13
	VPMADDUBSW   160(DI), Y12, Y12
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDWD     Y14, Y13, Y13
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDWD     Y14, Y12, Y12
	VPADDD       Y13, Y8, Y8
	VPADDD       Y12, Y8, Y8
	// sub-blocks 6, 7
	VMOVDQU      112(SI), Y12
	VPAND        Y12, Y1, Y13
	VPSRLW       $4, Y12, Y12
	VPAND        Y12, Y1, Y12
	VPMADDUBSW   192(DI), Y13, Y13
	VPMADDUBSW   224(DI), Y12, Y12
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDWD     Y14, Y13, Y13
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDWD     Y14, Y12, Y12
	VPADDD       Y13, Y8, Y8
	VPADDD       Y12, Y8, Y8
	// Horizontal sums: X8[0] = sumi, X10[0] = summ.
	VEXTRACTI128 $1, Y8, X9
	VPADDD       X9, X8, X8
	VEXTRACTI128 $1, Y10, X9
	VPADDD       X9, X10, X10
	VPHADDD      X10, X8, X8
	VPHADDD      X8, X8, X8
	// X8 = [sumi, summ, sumi, summ]
	VCVTDQ2PS    X8, X8
	MOVL         (SI), AX
	VMOVD        AX, X9
	VCVTPH2PS    X9, X9
	VBROADCASTSS (DX), X10
	VMULPS       X10, X9, X9
	VFMADD231PS  X9, X8, X4
	ADDQ         $144, SI
	ADDQ         $256, DI
	ADDQ         $4, DX
	ADDQ         $32, BX
	DECQ         CX
	JNE          q4loop

q4done:
	VMOVSHDUP    X4, X5
	VSUBSS       X5, X4, X0
	VZEROUPPER
	MOVSS        X0, ret+40(FP)
	RET

// func dotQ4_KGemmAVX2(row *byte, q *int8, d *float32, bs *int16, nb int) float32
//
// One vector of dotQ4_Kx4Gemm (llama.cpp's Q4_K GEMM numerics): per
// super-block, exact integer sums per pair of sub-blocks (Y8, Y5, Y6, Y7 for
// pairs 0-3; mins times block sums pairwise from Y10), then accR and accM
// (lanes 0 and 1 of X4) fed by four fused multiply-adds each, pair by pair;
// accR - accM at the end.
TEXT ·dotQ4_KGemmAVX2(SB), NOSPLIT, $0-44
	MOVQ         row+0(FP), SI
	MOVQ         q+8(FP), DI
	MOVQ         d+16(FP), DX
	MOVQ         bs+24(FP), BX
	MOVQ         nb+32(FP), CX
	VXORPS       X4, X4, X4
	MOVL         $0x0f0f0f0f, AX
	VMOVD        AX, X1
	VPBROADCASTD X1, Y1
	MOVL         $0x00010001, AX
	VMOVD        AX, X2
	VPBROADCASTD X2, Y2
	TESTQ        CX, CX
	JEQ          q4gdone

q4gloop:
	// Unpack the 12 scale bytes as llama.cpp does (kmask1..3) into
	// R8 (scales 0-3), R10 (scales 4-7), R9 (mins 0-3), R11 (mins 4-7).
	MOVL         4(SI), R8
	MOVL         8(SI), R9
	MOVL         12(SI), R10
	MOVL         R10, R11
	SHRL         $4, R11
	ANDL         $0x0f0f0f0f, R11
	MOVL         R9, AX
	SHRL         $6, AX
	ANDL         $0x03030303, AX
	SHLL         $4, AX
	ORL          AX, R11
	ANDL         $0x3f3f3f3f, R9
	ANDL         $0x0f0f0f0f, R10
	MOVL         R8, AX
	SHRL         $6, AX
	ANDL         $0x03030303, AX
	SHLL         $4, AX
	ORL          AX, R10
	ANDL         $0x3f3f3f3f, R8
	VMOVD        R8, X15
	VPINSRD      $1, R10, X15, X15
	VPMOVZXBW    X15, X15

	// summ: mins (int32) times pair sums of the block sums.
	VMOVD        R9, X10
	VPINSRD      $1, R11, X10, X10
	VPMOVZXBD    X10, Y10
	VPMADDWD     (BX), Y2, Y11
	VPMULLD      Y11, Y10, Y10
	// sub-blocks 0, 1
	VMOVDQU      16(SI), Y12
	VPAND        Y12, Y1, Y13
	VPSRLW       $4, Y12, Y12
	VPAND        Y12, Y1, Y12
	VPMADDUBSW   0(DI), Y13, Y13
	VPMADDUBSW   32(DI), Y12, Y12
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDWD     Y14, Y13, Y13
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDWD     Y14, Y12, Y12
	VPADDD       Y13, Y12, Y8
	// sub-blocks 2, 3
	VMOVDQU      48(SI), Y12
	VPAND        Y12, Y1, Y13
	VPSRLW       $4, Y12, Y12
	VPAND        Y12, Y1, Y12
	VPMADDUBSW   64(DI), Y13, Y13
	VPMADDUBSW   96(DI), Y12, Y12
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDWD     Y14, Y13, Y13
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDWD     Y14, Y12, Y12
	VPADDD       Y13, Y12, Y5
	// sub-blocks 4, 5
	VMOVDQU      80(SI), Y12
	VPAND        Y12, Y1, Y13
	VPSRLW       $4, Y12, Y12
	VPAND        Y12, Y1, Y12
	VPMADDUBSW   128(DI), Y13, Y13
	VPMADDUBSW   160(DI), Y12, Y12
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDWD     Y14, Y13, Y13
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDWD     Y14, Y12, Y12
	VPADDD       Y13, Y12, Y6
	// sub-blocks 6, 7
	VMOVDQU      112(SI), Y12
	VPAND        Y12, Y1, Y13
	VPSRLW       $4, Y12, Y12
	VPAND        Y12, Y1, Y12
	VPMADDUBSW   192(DI), Y13, Y13
	VPMADDUBSW   224(DI), Y12, Y12
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDWD     Y14, Y13, Y13
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDWD     Y14, Y12, Y12
	VPADDD       Y13, Y12, Y7
	// Pair sums: X8 = [sumi pair 0..3], X10 = [summ pair 0..3].
	VEXTRACTI128 $1, Y8, X9
	VPADDD       X9, X8, X8
	VEXTRACTI128 $1, Y5, X9
	VPADDD       X9, X5, X5
	VEXTRACTI128 $1, Y6, X9
	VPADDD       X9, X6, X6
	VEXTRACTI128 $1, Y7, X9
	VPADDD       X9, X7, X7
	VPHADDD      X5, X8, X8
	VPHADDD      X7, X6, X6
	VPHADDD      X6, X8, X8
	VEXTRACTI128 $1, Y10, X9
	VPHADDD      X9, X10, X10
	VCVTDQ2PS    X8, X8
	VCVTDQ2PS    X10, X10
	// X9 = [d_w*d_x, dmin_w*d_x, ...]
	MOVL         (SI), AX
	VMOVD        AX, X9
	VCVTPH2PS    X9, X9
	VBROADCASTSS (DX), X11
	VMULPS       X11, X9, X9
	// [accR, accM] += [sumi_p, summ_p] * X9, p = 0, 1, 2, 3 in turn.
	VUNPCKLPS    X10, X8, X11
	VFMADD231PS  X9, X11, X4
	VMOVHLPS     X11, X11, X13
	VFMADD231PS  X9, X13, X4
	VUNPCKHPS    X10, X8, X12
	VFMADD231PS  X9, X12, X4
	VMOVHLPS     X12, X12, X13
	VFMADD231PS  X9, X13, X4
	ADDQ         $144, SI
	ADDQ         $256, DI
	ADDQ         $4, DX
	ADDQ         $32, BX
	DECQ         CX
	JNE          q4gloop

q4gdone:
	VMOVSHDUP    X4, X5
	VSUBSS       X5, X4, X0
	VZEROUPPER
	MOVSS        X0, ret+40(FP)
	RET


DATA q4k3f<>+0(SB)/8, $0x3f3f3f3f3f3f3f3f
DATA q4k3f<>+8(SB)/8, $0x3f3f3f3f3f3f3f3f
GLOBL q4k3f<>(SB), RODATA|NOPTR, $16
DATA q4k03<>+0(SB)/8, $0x0303030303030303
DATA q4k03<>+8(SB)/8, $0x0303030303030303
GLOBL q4k03<>(SB), RODATA|NOPTR, $16
DATA q4kshift<>+0(SB)/8, $0x0000000400000000
DATA q4kshift<>+8(SB)/8, $0x0000000000000000
GLOBL q4kshift<>(SB), RODATA|NOPTR, $16

// func dotQ4_Kx4AVX2(row *byte, q *int8, d *float32, bs *int16, nb int, out *float32)
//
// dotQ4_KAVX2 of one row against four consecutive Q8_K activation vectors
// (nb blocks each), out[0..3]. The scales are unpacked with vector
// instructions here; the integer sums are exact, and the float steps per
// vector are those of dotQ4_KAVX2.
TEXT ·dotQ4_Kx4AVX2(SB), NOSPLIT, $0-48
	MOVQ         row+0(FP), SI
	MOVQ         q+8(FP), DI
	MOVQ         d+16(FP), DX
	MOVQ         bs+24(FP), BX
	MOVQ         nb+32(FP), CX
	MOVQ         CX, R9
	SHLQ         $8, R9
	LEAQ         (R9)(R9*2), R12
	ADDQ         DI, R12
	MOVQ         CX, R10
	SHLQ         $2, R10
	LEAQ         (R10)(R10*2), R13
	MOVQ         CX, R11
	SHLQ         $5, R11
	LEAQ         (R11)(R11*2), R14
	VXORPS       Y0, Y0, Y0
	VXORPS       Y3, Y3, Y3
	VXORPS       Y4, Y4, Y4
	VXORPS       Y5, Y5, Y5
	MOVL         $0x0f0f0f0f, AX
	VMOVD        AX, X1
	VPBROADCASTD X1, Y1
	MOVL         $0x00010001, AX
	VMOVD        AX, X2
	VPBROADCASTD X2, Y2
	TESTQ        CX, CX
	JEQ          q4x4done

q4x4loop:
	// Scales and mins: X15 = sc0..7 as int16, Y11 = m0..7 as int32.
	VMOVDQU      4(SI), X10
	VPAND        q4k3f<>(SB), X10, X11
	VPSHUFD      $0xaa, X10, X12
	VPSRLVD      q4kshift<>(SB), X12, X12
	VPAND        X1, X12, X12
	VPSRLD       $6, X10, X13
	VPAND        q4k03<>(SB), X13, X13
	VPSLLD       $4, X13, X13
	VPOR         X13, X12, X12
	VPUNPCKLDQ   X12, X11, X11
	VPMOVZXBW    X11, X15
	VPSRLDQ      $8, X11, X11
	VPMOVZXBD    X11, Y11
	VPXOR        Y6, Y6, Y6
	VPXOR        Y7, Y7, Y7
	VPXOR        Y8, Y8, Y8
	VPXOR        Y9, Y9, Y9
	// sub-blocks 0, 1
	VMOVDQU      16(SI), Y12
	VPAND        Y12, Y1, Y13
	VPSRLW       $4, Y12, Y12
	VPAND        Y12, Y1, Y12
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDUBSW   0(DI), Y13, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y6, Y6
	VPMADDUBSW   0(DI)(R9*1), Y13, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y7, Y7
	VPMADDUBSW   0(DI)(R9*2), Y13, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y8, Y8
	VPMADDUBSW   0(R12), Y13, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y9, Y9
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDUBSW   32(DI), Y12, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y6, Y6
	VPMADDUBSW   32(DI)(R9*1), Y12, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y7, Y7
	VPMADDUBSW   32(DI)(R9*2), Y12, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y8, Y8
	VPMADDUBSW   32(R12), Y12, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y9, Y9
	// sub-blocks 2, 3
	VMOVDQU      48(SI), Y12
	VPAND        Y12, Y1, Y13
	VPSRLW       $4, Y12, Y12
	VPAND        Y12, Y1, Y12
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDUBSW   64(DI), Y13, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y6, Y6
	VPMADDUBSW   64(DI)(R9*1), Y13, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y7, Y7
	VPMADDUBSW   64(DI)(R9*2), Y13, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y8, Y8
	VPMADDUBSW   64(R12), Y13, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y9, Y9
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDUBSW   96(DI), Y12, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y6, Y6
	VPMADDUBSW   96(DI)(R9*1), Y12, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y7, Y7
	VPMADDUBSW   96(DI)(R9*2), Y12, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y8, Y8
	VPMADDUBSW   96(R12), Y12, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y9, Y9
	// sub-blocks 4, 5
	VMOVDQU      80(SI), Y12
	VPAND        Y12, Y1, Y13
	VPSRLW       $4, Y12, Y12
	VPAND        Y12, Y1, Y12
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDUBSW   128(DI), Y13, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y6, Y6
	VPMADDUBSW   128(DI)(R9*1), Y13, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y7, Y7
	VPMADDUBSW   128(DI)(R9*2), Y13, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y8, Y8
	VPMADDUBSW   128(R12), Y13, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y9, Y9
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDUBSW   160(DI), Y12, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y6, Y6
	VPMADDUBSW   160(DI)(R9*1), Y12, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y7, Y7
	VPMADDUBSW   160(DI)(R9*2), Y12, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y8, Y8
	VPMADDUBSW   160(R12), Y12, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y9, Y9
	// sub-blocks 6, 7
	VMOVDQU      112(SI), Y12
	VPAND        Y12, Y1, Y13
	VPSRLW       $4, Y12, Y12
	VPAND        Y12, Y1, Y12
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDUBSW   192(DI), Y13, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y6, Y6
	VPMADDUBSW   192(DI)(R9*1), Y13, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y7, Y7
	VPMADDUBSW   192(DI)(R9*2), Y13, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y8, Y8
	VPMADDUBSW   192(R12), Y13, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y9, Y9
	VPBROADCASTW X15, Y14
	VPSRLDQ      $2, X15, X15
	VPMADDUBSW   224(DI), Y12, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y6, Y6
	VPMADDUBSW   224(DI)(R9*1), Y12, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y7, Y7
	VPMADDUBSW   224(DI)(R9*2), Y12, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y8, Y8
	VPMADDUBSW   224(R12), Y12, Y10
	VPMADDWD     Y14, Y10, Y10
	VPADDD       Y10, Y9, Y9
	VMOVSS       (SI), X12
	VCVTPH2PS    X12, X12
	// vector 0: X = [sumi, summ, sumi, summ], then the two FMAs
	VPMADDWD     (BX), Y2, Y10
	VPMULLD      Y11, Y10, Y10
	VEXTRACTI128 $1, Y10, X13
	VPADDD       X13, X10, X10
	VEXTRACTI128 $1, Y6, X13
	VPADDD       X13, X6, X6
	VPHADDD      X10, X6, X6
	VPHADDD      X6, X6, X6
	VCVTDQ2PS    X6, X6
	VBROADCASTSS (DX), X13
	VMULPS       X13, X12, X13
	VFMADD231PS  X13, X6, X0
	// vector 1: X = [sumi, summ, sumi, summ], then the two FMAs
	VPMADDWD     (BX)(R11*1), Y2, Y10
	VPMULLD      Y11, Y10, Y10
	VEXTRACTI128 $1, Y10, X13
	VPADDD       X13, X10, X10
	VEXTRACTI128 $1, Y7, X13
	VPADDD       X13, X7, X7
	VPHADDD      X10, X7, X7
	VPHADDD      X7, X7, X7
	VCVTDQ2PS    X7, X7
	VBROADCASTSS (DX)(R10*1), X13
	VMULPS       X13, X12, X13
	VFMADD231PS  X13, X7, X3
	// vector 2: X = [sumi, summ, sumi, summ], then the two FMAs
	VPMADDWD     (BX)(R11*2), Y2, Y10
	VPMULLD      Y11, Y10, Y10
	VEXTRACTI128 $1, Y10, X13
	VPADDD       X13, X10, X10
	VEXTRACTI128 $1, Y8, X13
	VPADDD       X13, X8, X8
	VPHADDD      X10, X8, X8
	VPHADDD      X8, X8, X8
	VCVTDQ2PS    X8, X8
	VBROADCASTSS (DX)(R10*2), X13
	VMULPS       X13, X12, X13
	VFMADD231PS  X13, X8, X4
	// vector 3: X = [sumi, summ, sumi, summ], then the two FMAs
	VPMADDWD     (BX)(R14*1), Y2, Y10
	VPMULLD      Y11, Y10, Y10
	VEXTRACTI128 $1, Y10, X13
	VPADDD       X13, X10, X10
	VEXTRACTI128 $1, Y9, X13
	VPADDD       X13, X9, X9
	VPHADDD      X10, X9, X9
	VPHADDD      X9, X9, X9
	VCVTDQ2PS    X9, X9
	VBROADCASTSS (DX)(R13*1), X13
	VMULPS       X13, X12, X13
	VFMADD231PS  X13, X9, X5
	ADDQ         $144, SI
	ADDQ         $256, DI
	ADDQ         $256, R12
	ADDQ         $4, DX
	ADDQ         $32, BX
	DECQ         CX
	JNE          q4x4loop

q4x4done:
	MOVQ         out+40(FP), R8
	VMOVSHDUP    X0, X13
	VSUBSS       X13, X0, X13
	MOVSS        X13, 0(R8)
	VMOVSHDUP    X3, X13
	VSUBSS       X13, X3, X13
	MOVSS        X13, 4(R8)
	VMOVSHDUP    X4, X13
	VSUBSS       X13, X4, X13
	MOVSS        X13, 8(R8)
	VMOVSHDUP    X5, X13
	VSUBSS       X13, X5, X13
	MOVSS        X13, 12(R8)
	VZEROUPPER
	RET

DATA q6m4<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA q6m4<>+8(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA q6m4<>+16(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA q6m4<>+24(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL q6m4<>(SB), RODATA|NOPTR, $32
DATA q6m3<>+0(SB)/8, $0x3030303030303030
DATA q6m3<>+8(SB)/8, $0x3030303030303030
DATA q6m3<>+16(SB)/8, $0x3030303030303030
DATA q6m3<>+24(SB)/8, $0x3030303030303030
GLOBL q6m3<>(SB), RODATA|NOPTR, $32
DATA q6c32<>+0(SB)/8, $0x2020202020202020
DATA q6c32<>+8(SB)/8, $0x2020202020202020
DATA q6c32<>+16(SB)/8, $0x2020202020202020
DATA q6c32<>+24(SB)/8, $0x2020202020202020
GLOBL q6c32<>(SB), RODATA|NOPTR, $32

// func dotQ6_Kx4AVX2(row *byte, q *int8, d *float32, nb int, out *float32)
//
// dotQ6_KAVX2 of one row against four consecutive Q8_K activation vectors
// (nb blocks each), out[0..3]. The 6-bit values are unpacked once and
// shifted to q-32 in [-32, 31]; per vector |q-32| * sign(x, q-32) pairs
// (exact), times the scales, into the same eight int32 lanes as
// dotQ6_KAVX2; the float steps per vector are dotQ6_KAVX2's.
TEXT ·dotQ6_Kx4AVX2(SB), NOSPLIT, $0-40
	MOVQ   row+0(FP), SI
	MOVQ   q+8(FP), DI
	MOVQ   d+16(FP), DX
	MOVQ   nb+24(FP), CX
	MOVQ   CX, R9
	SHLQ   $8, R9
	LEAQ   (R9)(R9*2), R12
	ADDQ   DI, R12
	MOVQ   CX, R10
	SHLQ   $2, R10
	LEAQ   (R10)(R10*2), R13
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	TESTQ  CX, CX
	JEQ    q6x4done

q6x4loop:
	VPXOR  Y4, Y4, Y4
	VPXOR  Y5, Y5, Y5
	VPXOR  Y6, Y6, Y6
	VPXOR  Y7, Y7, Y7
	// half 0
	VPMOVSXBW    192(SI), X8
	VINSERTI128  $1, X8, Y8, Y8
	VMOVDQU      0(SI), Y9
	VMOVDQU      32(SI), Y10
	VMOVDQU      128(SI), Y11
	VPAND        q6m4<>(SB), Y9, Y12
	VPSLLW       $4, Y11, Y13
	VPAND        q6m3<>(SB), Y13, Y13
	VPOR         Y13, Y12, Y12
	VPSUBB       q6c32<>(SB), Y12, Y12
	VPABSB       Y12, Y13
	VPSHUFB      q6shuf<>+0(SB), Y8, Y14
	VMOVDQU      0(DI), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y4, Y4
	VMOVDQU      0(DI)(R9*1), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y5, Y5
	VMOVDQU      0(DI)(R9*2), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y6, Y6
	VMOVDQU      0(R12), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y7, Y7
	VPAND        q6m4<>(SB), Y10, Y12
	VPSLLW       $2, Y11, Y13
	VPAND        q6m3<>(SB), Y13, Y13
	VPOR         Y13, Y12, Y12
	VPSUBB       q6c32<>(SB), Y12, Y12
	VPABSB       Y12, Y13
	VPSHUFB      q6shuf<>+32(SB), Y8, Y14
	VMOVDQU      32(DI), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y4, Y4
	VMOVDQU      32(DI)(R9*1), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y5, Y5
	VMOVDQU      32(DI)(R9*2), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y6, Y6
	VMOVDQU      32(R12), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y7, Y7
	VPSRLW       $4, Y9, Y12
	VPAND        q6m4<>(SB), Y12, Y12
	VPAND        q6m3<>(SB), Y11, Y13
	VPOR         Y13, Y12, Y12
	VPSUBB       q6c32<>(SB), Y12, Y12
	VPABSB       Y12, Y13
	VPSHUFB      q6shuf<>+64(SB), Y8, Y14
	VMOVDQU      64(DI), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y4, Y4
	VMOVDQU      64(DI)(R9*1), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y5, Y5
	VMOVDQU      64(DI)(R9*2), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y6, Y6
	VMOVDQU      64(R12), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y7, Y7
	VPSRLW       $4, Y10, Y12
	VPAND        q6m4<>(SB), Y12, Y12
	VPSRLW       $2, Y11, Y13
	VPAND        q6m3<>(SB), Y13, Y13
	VPOR         Y13, Y12, Y12
	VPSUBB       q6c32<>(SB), Y12, Y12
	VPABSB       Y12, Y13
	VPSHUFB      q6shuf<>+96(SB), Y8, Y14
	VMOVDQU      96(DI), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y4, Y4
	VMOVDQU      96(DI)(R9*1), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y5, Y5
	VMOVDQU      96(DI)(R9*2), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y6, Y6
	VMOVDQU      96(R12), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y7, Y7
	// half 1
	VPMOVSXBW    200(SI), X8
	VINSERTI128  $1, X8, Y8, Y8
	VMOVDQU      64(SI), Y9
	VMOVDQU      96(SI), Y10
	VMOVDQU      160(SI), Y11
	VPAND        q6m4<>(SB), Y9, Y12
	VPSLLW       $4, Y11, Y13
	VPAND        q6m3<>(SB), Y13, Y13
	VPOR         Y13, Y12, Y12
	VPSUBB       q6c32<>(SB), Y12, Y12
	VPABSB       Y12, Y13
	VPSHUFB      q6shuf<>+0(SB), Y8, Y14
	VMOVDQU      128(DI), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y4, Y4
	VMOVDQU      128(DI)(R9*1), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y5, Y5
	VMOVDQU      128(DI)(R9*2), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y6, Y6
	VMOVDQU      128(R12), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y7, Y7
	VPAND        q6m4<>(SB), Y10, Y12
	VPSLLW       $2, Y11, Y13
	VPAND        q6m3<>(SB), Y13, Y13
	VPOR         Y13, Y12, Y12
	VPSUBB       q6c32<>(SB), Y12, Y12
	VPABSB       Y12, Y13
	VPSHUFB      q6shuf<>+32(SB), Y8, Y14
	VMOVDQU      160(DI), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y4, Y4
	VMOVDQU      160(DI)(R9*1), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y5, Y5
	VMOVDQU      160(DI)(R9*2), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y6, Y6
	VMOVDQU      160(R12), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y7, Y7
	VPSRLW       $4, Y9, Y12
	VPAND        q6m4<>(SB), Y12, Y12
	VPAND        q6m3<>(SB), Y11, Y13
	VPOR         Y13, Y12, Y12
	VPSUBB       q6c32<>(SB), Y12, Y12
	VPABSB       Y12, Y13
	VPSHUFB      q6shuf<>+64(SB), Y8, Y14
	VMOVDQU      192(DI), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y4, Y4
	VMOVDQU      192(DI)(R9*1), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y5, Y5
	VMOVDQU      192(DI)(R9*2), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y6, Y6
	VMOVDQU      192(R12), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y7, Y7
	VPSRLW       $4, Y10, Y12
	VPAND        q6m4<>(SB), Y12, Y12
	VPSRLW       $2, Y11, Y13
	VPAND        q6m3<>(SB), Y13, Y13
	VPOR         Y13, Y12, Y12
	VPSUBB       q6c32<>(SB), Y12, Y12
	VPABSB       Y12, Y13
	VPSHUFB      q6shuf<>+96(SB), Y8, Y14
	VMOVDQU      224(DI), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y4, Y4
	VMOVDQU      224(DI)(R9*1), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y5, Y5
	VMOVDQU      224(DI)(R9*2), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y6, Y6
	VMOVDQU      224(R12), Y15
	VPSIGNB      Y12, Y15, Y15
	VPMADDUBSW   Y15, Y13, Y15
	VPMADDWD     Y14, Y15, Y15
	VPADDD       Y15, Y7, Y7
	MOVWLZX      208(SI), AX
	VMOVD        AX, X8
	VCVTPH2PS    X8, X8
	VMULSS       (DX), X8, X9
	VBROADCASTSS X9, Y9
	VCVTDQ2PS    Y4, Y4
	VFMADD231PS  Y4, Y9, Y0
	VMULSS       (DX)(R10*1), X8, X9
	VBROADCASTSS X9, Y9
	VCVTDQ2PS    Y5, Y5
	VFMADD231PS  Y5, Y9, Y1
	VMULSS       (DX)(R10*2), X8, X9
	VBROADCASTSS X9, Y9
	VCVTDQ2PS    Y6, Y6
	VFMADD231PS  Y6, Y9, Y2
	VMULSS       (DX)(R13*1), X8, X9
	VBROADCASTSS X9, Y9
	VCVTDQ2PS    Y7, Y7
	VFMADD231PS  Y7, Y9, Y3
	ADDQ         $210, SI
	ADDQ         $256, DI
	ADDQ         $256, R12
	ADDQ         $4, DX
	DECQ         CX
	JNE          q6x4loop

q6x4done:
	MOVQ         out+32(FP), R8
	VEXTRACTF128 $1, Y0, X9
	VADDPS       X0, X9, X9
	VMOVHLPS     X9, X9, X10
	VADDPS       X10, X9, X9
	VMOVSHDUP    X9, X10
	VADDSS       X10, X9, X9
	MOVSS        X9, 0(R8)
	VEXTRACTF128 $1, Y1, X9
	VADDPS       X1, X9, X9
	VMOVHLPS     X9, X9, X10
	VADDPS       X10, X9, X9
	VMOVSHDUP    X9, X10
	VADDSS       X10, X9, X9
	MOVSS        X9, 4(R8)
	VEXTRACTF128 $1, Y2, X9
	VADDPS       X2, X9, X9
	VMOVHLPS     X9, X9, X10
	VADDPS       X10, X9, X9
	VMOVSHDUP    X9, X10
	VADDSS       X10, X9, X9
	MOVSS        X9, 8(R8)
	VEXTRACTF128 $1, Y3, X9
	VADDPS       X3, X9, X9
	VMOVHLPS     X9, X9, X10
	VADDPS       X10, X9, X9
	VMOVSHDUP    X9, X10
	VADDSS       X10, X9, X9
	MOVSS        X9, 12(R8)
	VZEROUPPER
	RET
