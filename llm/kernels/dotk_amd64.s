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


// func dotQ6_KAVX2(row *byte, q *int8, d *float32, nb int) float32
//
// dotQ6_K: per block, eight int32 lanes (lane (e%32)/4 for element e) of
// scale*(q-32)*x, scaled by d_x*d_w and accumulated with a fused
// multiply-add; lanes reduced as reduce8.
TEXT ·dotQ6_KAVX2(SB), NOSPLIT, $0-36
	MOVQ         row+0(FP), SI
	MOVQ         q+8(FP), DI
	MOVQ         d+16(FP), DX
	MOVQ         nb+24(FP), CX
	VXORPS       Y0, Y0, Y0
	MOVL         $0x0f0f0f0f, AX
	VMOVD        AX, X1
	VPBROADCASTD X1, Y1
	MOVL         $0x30303030, AX
	VMOVD        AX, X2
	VPBROADCASTD X2, Y2
	MOVL         $0x20202020, AX
	VMOVD        AX, X3
	VPBROADCASTD X3, Y3
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
	VPMADDUBSW  Y14, Y3, Y14
	VPSUBW      Y14, Y13, Y13
	VPSHUFB     q6shuf<>+0(SB), Y9, Y14
	VPMADDWD    Y14, Y13, Y13
	VPADDD      Y13, Y8, Y8
	VPAND       Y11, Y1, Y13
	VPSLLW      $2, Y12, Y14
	VPAND       Y14, Y2, Y14
	VPOR        Y14, Y13, Y13
	VMOVDQU     32(DI), Y14
	VPMADDUBSW  Y14, Y13, Y13
	VPMADDUBSW  Y14, Y3, Y14
	VPSUBW      Y14, Y13, Y13
	VPSHUFB     q6shuf<>+32(SB), Y9, Y14
	VPMADDWD    Y14, Y13, Y13
	VPADDD      Y13, Y8, Y8
	VPSRLW      $4, Y10, Y13
	VPAND       Y13, Y1, Y13
	VPAND       Y12, Y2, Y14
	VPOR        Y14, Y13, Y13
	VMOVDQU     64(DI), Y14
	VPMADDUBSW  Y14, Y13, Y13
	VPMADDUBSW  Y14, Y3, Y14
	VPSUBW      Y14, Y13, Y13
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
	VPMADDUBSW  Y14, Y3, Y14
	VPSUBW      Y14, Y13, Y13
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
	VPMADDUBSW  Y14, Y3, Y14
	VPSUBW      Y14, Y13, Y13
	VPSHUFB     q6shuf<>+0(SB), Y9, Y14
	VPMADDWD    Y14, Y13, Y13
	VPADDD      Y13, Y8, Y8
	VPAND       Y11, Y1, Y13
	VPSLLW      $2, Y12, Y14
	VPAND       Y14, Y2, Y14
	VPOR        Y14, Y13, Y13
	VMOVDQU     160(DI), Y14
	VPMADDUBSW  Y14, Y13, Y13
	VPMADDUBSW  Y14, Y3, Y14
	VPSUBW      Y14, Y13, Y13
	VPSHUFB     q6shuf<>+32(SB), Y9, Y14
	VPMADDWD    Y14, Y13, Y13
	VPADDD      Y13, Y8, Y8
	VPSRLW      $4, Y10, Y13
	VPAND       Y13, Y1, Y13
	VPAND       Y12, Y2, Y14
	VPOR        Y14, Y13, Y13
	VMOVDQU     192(DI), Y14
	VPMADDUBSW  Y14, Y13, Y13
	VPMADDUBSW  Y14, Y3, Y14
	VPSUBW      Y14, Y13, Y13
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
	VPMADDUBSW  Y14, Y3, Y14
	VPSUBW      Y14, Y13, Y13
	VPSHUFB     q6shuf<>+96(SB), Y9, Y14
	VPMADDWD    Y14, Y13, Y13
	VPADDD      Y13, Y8, Y8
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
	MOVSS        X0, ret+32(FP)
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
