//go:build !purego

#include "textflag.h"

// AVX-512 (VNNI) prefill kernels for the k-quants: one weight row against
// four Q8_K activation vectors per call, the weight block unpacked once and
// reused for the four vectors. The integer sums are exact (any order); per
// (row, vector) the float steps are those of the Go references
// (dotQ4_Kx4Gemm, dotQ6_K), in the same order.

DATA k4widx<>+0(SB)/4, $0x00000000
DATA k4widx<>+4(SB)/4, $0x00000000
DATA k4widx<>+8(SB)/4, $0x00000001
DATA k4widx<>+12(SB)/4, $0x00000001
DATA k4widx<>+16(SB)/4, $0x00000008
DATA k4widx<>+20(SB)/4, $0x00000008
DATA k4widx<>+24(SB)/4, $0x00000009
DATA k4widx<>+28(SB)/4, $0x00000009
DATA k4widx<>+32(SB)/4, $0x00000010
DATA k4widx<>+36(SB)/4, $0x00000010
DATA k4widx<>+40(SB)/4, $0x00000011
DATA k4widx<>+44(SB)/4, $0x00000011
DATA k4widx<>+48(SB)/4, $0x00000018
DATA k4widx<>+52(SB)/4, $0x00000018
DATA k4widx<>+56(SB)/4, $0x00000019
DATA k4widx<>+60(SB)/4, $0x00000019
DATA k4widx<>+64(SB)/4, $0x00000002
DATA k4widx<>+68(SB)/4, $0x00000002
DATA k4widx<>+72(SB)/4, $0x00000003
DATA k4widx<>+76(SB)/4, $0x00000003
DATA k4widx<>+80(SB)/4, $0x0000000a
DATA k4widx<>+84(SB)/4, $0x0000000a
DATA k4widx<>+88(SB)/4, $0x0000000b
DATA k4widx<>+92(SB)/4, $0x0000000b
DATA k4widx<>+96(SB)/4, $0x00000012
DATA k4widx<>+100(SB)/4, $0x00000012
DATA k4widx<>+104(SB)/4, $0x00000013
DATA k4widx<>+108(SB)/4, $0x00000013
DATA k4widx<>+112(SB)/4, $0x0000001a
DATA k4widx<>+116(SB)/4, $0x0000001a
DATA k4widx<>+120(SB)/4, $0x0000001b
DATA k4widx<>+124(SB)/4, $0x0000001b
DATA k4widx<>+128(SB)/4, $0x00000004
DATA k4widx<>+132(SB)/4, $0x00000004
DATA k4widx<>+136(SB)/4, $0x00000005
DATA k4widx<>+140(SB)/4, $0x00000005
DATA k4widx<>+144(SB)/4, $0x0000000c
DATA k4widx<>+148(SB)/4, $0x0000000c
DATA k4widx<>+152(SB)/4, $0x0000000d
DATA k4widx<>+156(SB)/4, $0x0000000d
DATA k4widx<>+160(SB)/4, $0x00000014
DATA k4widx<>+164(SB)/4, $0x00000014
DATA k4widx<>+168(SB)/4, $0x00000015
DATA k4widx<>+172(SB)/4, $0x00000015
DATA k4widx<>+176(SB)/4, $0x0000001c
DATA k4widx<>+180(SB)/4, $0x0000001c
DATA k4widx<>+184(SB)/4, $0x0000001d
DATA k4widx<>+188(SB)/4, $0x0000001d
DATA k4widx<>+192(SB)/4, $0x00000006
DATA k4widx<>+196(SB)/4, $0x00000006
DATA k4widx<>+200(SB)/4, $0x00000007
DATA k4widx<>+204(SB)/4, $0x00000007
DATA k4widx<>+208(SB)/4, $0x0000000e
DATA k4widx<>+212(SB)/4, $0x0000000e
DATA k4widx<>+216(SB)/4, $0x0000000f
DATA k4widx<>+220(SB)/4, $0x0000000f
DATA k4widx<>+224(SB)/4, $0x00000016
DATA k4widx<>+228(SB)/4, $0x00000016
DATA k4widx<>+232(SB)/4, $0x00000017
DATA k4widx<>+236(SB)/4, $0x00000017
DATA k4widx<>+240(SB)/4, $0x0000001e
DATA k4widx<>+244(SB)/4, $0x0000001e
DATA k4widx<>+248(SB)/4, $0x0000001f
DATA k4widx<>+252(SB)/4, $0x0000001f
GLOBL k4widx<>(SB), RODATA|NOPTR, $256
DATA k4shift<>+0(SB)/4, $0x00000000
DATA k4shift<>+4(SB)/4, $0x00000004
DATA k4shift<>+8(SB)/4, $0x00000000
DATA k4shift<>+12(SB)/4, $0x00000004
DATA k4shift<>+16(SB)/4, $0x00000000
DATA k4shift<>+20(SB)/4, $0x00000004
DATA k4shift<>+24(SB)/4, $0x00000000
DATA k4shift<>+28(SB)/4, $0x00000004
DATA k4shift<>+32(SB)/4, $0x00000000
DATA k4shift<>+36(SB)/4, $0x00000004
DATA k4shift<>+40(SB)/4, $0x00000000
DATA k4shift<>+44(SB)/4, $0x00000004
DATA k4shift<>+48(SB)/4, $0x00000000
DATA k4shift<>+52(SB)/4, $0x00000004
DATA k4shift<>+56(SB)/4, $0x00000000
DATA k4shift<>+60(SB)/4, $0x00000004
GLOBL k4shift<>(SB), RODATA|NOPTR, $64
DATA k4idx<>+0(SB)/4, $0x00000000
DATA k4idx<>+4(SB)/4, $0x00000000
DATA k4idx<>+8(SB)/4, $0x00000000
DATA k4idx<>+12(SB)/4, $0x00000000
DATA k4idx<>+16(SB)/4, $0x00000002
DATA k4idx<>+20(SB)/4, $0x00000002
DATA k4idx<>+24(SB)/4, $0x00000002
DATA k4idx<>+28(SB)/4, $0x00000002
DATA k4idx<>+32(SB)/4, $0x00000004
DATA k4idx<>+36(SB)/4, $0x00000004
DATA k4idx<>+40(SB)/4, $0x00000004
DATA k4idx<>+44(SB)/4, $0x00000004
DATA k4idx<>+48(SB)/4, $0x00000006
DATA k4idx<>+52(SB)/4, $0x00000006
DATA k4idx<>+56(SB)/4, $0x00000006
DATA k4idx<>+60(SB)/4, $0x00000006
DATA k4idx<>+64(SB)/4, $0x00000001
DATA k4idx<>+68(SB)/4, $0x00000001
DATA k4idx<>+72(SB)/4, $0x00000001
DATA k4idx<>+76(SB)/4, $0x00000001
DATA k4idx<>+80(SB)/4, $0x00000003
DATA k4idx<>+84(SB)/4, $0x00000003
DATA k4idx<>+88(SB)/4, $0x00000003
DATA k4idx<>+92(SB)/4, $0x00000003
DATA k4idx<>+96(SB)/4, $0x00000005
DATA k4idx<>+100(SB)/4, $0x00000005
DATA k4idx<>+104(SB)/4, $0x00000005
DATA k4idx<>+108(SB)/4, $0x00000005
DATA k4idx<>+112(SB)/4, $0x00000007
DATA k4idx<>+116(SB)/4, $0x00000007
DATA k4idx<>+120(SB)/4, $0x00000007
DATA k4idx<>+124(SB)/4, $0x00000007
DATA k4idx<>+128(SB)/4, $0x00000000
DATA k4idx<>+132(SB)/4, $0x00000000
DATA k4idx<>+136(SB)/4, $0x00000000
DATA k4idx<>+140(SB)/4, $0x00000000
DATA k4idx<>+144(SB)/4, $0x00000001
DATA k4idx<>+148(SB)/4, $0x00000001
DATA k4idx<>+152(SB)/4, $0x00000001
DATA k4idx<>+156(SB)/4, $0x00000001
DATA k4idx<>+160(SB)/4, $0x00000002
DATA k4idx<>+164(SB)/4, $0x00000002
DATA k4idx<>+168(SB)/4, $0x00000002
DATA k4idx<>+172(SB)/4, $0x00000002
DATA k4idx<>+176(SB)/4, $0x00000003
DATA k4idx<>+180(SB)/4, $0x00000003
DATA k4idx<>+184(SB)/4, $0x00000003
DATA k4idx<>+188(SB)/4, $0x00000003
GLOBL k4idx<>(SB), RODATA|NOPTR, $192
DATA k6sidx<>+0(SB)/4, $0x00000000
DATA k6sidx<>+4(SB)/4, $0x00000000
DATA k6sidx<>+8(SB)/4, $0x00000000
DATA k6sidx<>+12(SB)/4, $0x00000000
DATA k6sidx<>+16(SB)/4, $0x00010001
DATA k6sidx<>+20(SB)/4, $0x00010001
DATA k6sidx<>+24(SB)/4, $0x00010001
DATA k6sidx<>+28(SB)/4, $0x00010001
DATA k6sidx<>+32(SB)/4, $0x00020002
DATA k6sidx<>+36(SB)/4, $0x00020002
DATA k6sidx<>+40(SB)/4, $0x00020002
DATA k6sidx<>+44(SB)/4, $0x00020002
DATA k6sidx<>+48(SB)/4, $0x00030003
DATA k6sidx<>+52(SB)/4, $0x00030003
DATA k6sidx<>+56(SB)/4, $0x00030003
DATA k6sidx<>+60(SB)/4, $0x00030003
DATA k6sidx<>+64(SB)/4, $0x00040004
DATA k6sidx<>+68(SB)/4, $0x00040004
DATA k6sidx<>+72(SB)/4, $0x00040004
DATA k6sidx<>+76(SB)/4, $0x00040004
DATA k6sidx<>+80(SB)/4, $0x00050005
DATA k6sidx<>+84(SB)/4, $0x00050005
DATA k6sidx<>+88(SB)/4, $0x00050005
DATA k6sidx<>+92(SB)/4, $0x00050005
DATA k6sidx<>+96(SB)/4, $0x00060006
DATA k6sidx<>+100(SB)/4, $0x00060006
DATA k6sidx<>+104(SB)/4, $0x00060006
DATA k6sidx<>+108(SB)/4, $0x00060006
DATA k6sidx<>+112(SB)/4, $0x00070007
DATA k6sidx<>+116(SB)/4, $0x00070007
DATA k6sidx<>+120(SB)/4, $0x00070007
DATA k6sidx<>+124(SB)/4, $0x00070007
DATA k6sidx<>+128(SB)/4, $0x00080008
DATA k6sidx<>+132(SB)/4, $0x00080008
DATA k6sidx<>+136(SB)/4, $0x00080008
DATA k6sidx<>+140(SB)/4, $0x00080008
DATA k6sidx<>+144(SB)/4, $0x00090009
DATA k6sidx<>+148(SB)/4, $0x00090009
DATA k6sidx<>+152(SB)/4, $0x00090009
DATA k6sidx<>+156(SB)/4, $0x00090009
DATA k6sidx<>+160(SB)/4, $0x000a000a
DATA k6sidx<>+164(SB)/4, $0x000a000a
DATA k6sidx<>+168(SB)/4, $0x000a000a
DATA k6sidx<>+172(SB)/4, $0x000a000a
DATA k6sidx<>+176(SB)/4, $0x000b000b
DATA k6sidx<>+180(SB)/4, $0x000b000b
DATA k6sidx<>+184(SB)/4, $0x000b000b
DATA k6sidx<>+188(SB)/4, $0x000b000b
DATA k6sidx<>+192(SB)/4, $0x000c000c
DATA k6sidx<>+196(SB)/4, $0x000c000c
DATA k6sidx<>+200(SB)/4, $0x000c000c
DATA k6sidx<>+204(SB)/4, $0x000c000c
DATA k6sidx<>+208(SB)/4, $0x000d000d
DATA k6sidx<>+212(SB)/4, $0x000d000d
DATA k6sidx<>+216(SB)/4, $0x000d000d
DATA k6sidx<>+220(SB)/4, $0x000d000d
DATA k6sidx<>+224(SB)/4, $0x000e000e
DATA k6sidx<>+228(SB)/4, $0x000e000e
DATA k6sidx<>+232(SB)/4, $0x000e000e
DATA k6sidx<>+236(SB)/4, $0x000e000e
DATA k6sidx<>+240(SB)/4, $0x000f000f
DATA k6sidx<>+244(SB)/4, $0x000f000f
DATA k6sidx<>+248(SB)/4, $0x000f000f
DATA k6sidx<>+252(SB)/4, $0x000f000f
GLOBL k6sidx<>(SB), RODATA|NOPTR, $256
DATA k6shl<>+0(SB)/4, $0x00000004
DATA k6shl<>+4(SB)/4, $0x00000000
DATA k6shl<>+8(SB)/4, $0x00000004
DATA k6shl<>+12(SB)/4, $0x00000000
DATA k6shl<>+16(SB)/4, $0x00000004
DATA k6shl<>+20(SB)/4, $0x00000000
DATA k6shl<>+24(SB)/4, $0x00000004
DATA k6shl<>+28(SB)/4, $0x00000000
DATA k6shl<>+32(SB)/4, $0x00000002
DATA k6shl<>+36(SB)/4, $0x00000000
DATA k6shl<>+40(SB)/4, $0x00000002
DATA k6shl<>+44(SB)/4, $0x00000000
DATA k6shl<>+48(SB)/4, $0x00000002
DATA k6shl<>+52(SB)/4, $0x00000000
DATA k6shl<>+56(SB)/4, $0x00000002
DATA k6shl<>+60(SB)/4, $0x00000000
GLOBL k6shl<>(SB), RODATA|NOPTR, $64
DATA k6shr<>+0(SB)/4, $0x00000000
DATA k6shr<>+4(SB)/4, $0x00000000
DATA k6shr<>+8(SB)/4, $0x00000000
DATA k6shr<>+12(SB)/4, $0x00000000
DATA k6shr<>+16(SB)/4, $0x00000000
DATA k6shr<>+20(SB)/4, $0x00000000
DATA k6shr<>+24(SB)/4, $0x00000000
DATA k6shr<>+28(SB)/4, $0x00000000
DATA k6shr<>+32(SB)/4, $0x00000002
DATA k6shr<>+36(SB)/4, $0x00000000
DATA k6shr<>+40(SB)/4, $0x00000002
DATA k6shr<>+44(SB)/4, $0x00000000
DATA k6shr<>+48(SB)/4, $0x00000002
DATA k6shr<>+52(SB)/4, $0x00000000
DATA k6shr<>+56(SB)/4, $0x00000002
DATA k6shr<>+60(SB)/4, $0x00000000
GLOBL k6shr<>(SB), RODATA|NOPTR, $64

// func q4kTile4(row *byte, xp *byte, nb int, acc *float32)
//
// dotQ4_Kx4Gemm of one row against four activation vectors prepared by
// permQ4K (1152 bytes per block: the four vectors' quants with their dwords
// permuted so that lane 4p+2i+h of step s holds dword 2s+i of sub-block
// 2p+h; the pair sums of the block sums; the four scales). Per vector, one
// accumulator takes all four steps (VPDPBUSD), each 128-bit chunk p holding
// pair p; a 4x4 transpose-reduce gives lanes (pair, vector), scaled by the
// sub-block scales. Then per pair, in order, fused multiply-adds into
// accR and accM (one lane per vector), as dotQ4_Kx4Gemm: acc[0..3] (accR)
// and acc[4..7] (accM) are read and written back, so that a row can be done
// in column chunks; the caller takes accR - accM at the end.
TEXT ·q4kTile4(SB), NOSPLIT, $0-32
	MOVQ         row+0(FP), SI
	MOVQ         xp+8(FP), DI
	MOVQ         nb+16(FP), CX
	MOVQ         acc+24(FP), DX
	VMOVDQU64    k4widx<>+0(SB), Z24
	VMOVDQU64    k4widx<>+64(SB), Z25
	VMOVDQU64    k4widx<>+128(SB), Z26
	VMOVDQU64    k4widx<>+192(SB), Z27
	VMOVDQU64    k4shift<>+0(SB), Z28
	MOVL         $0x0f0f0f0f, AX
	VPBROADCASTD AX, Z29
	VMOVDQU64    k4idx<>+0(SB), Z30
	VMOVDQU64    k4idx<>+64(SB), Z31
	VMOVDQU64    k4idx<>+128(SB), Z3
	VMOVUPS      (DX), X22
	VMOVUPS      16(DX), X23
	TESTQ        CX, CX
	JEQ          k4done

k4loop:
	// Scales and mins as llama.cpp unpacks them (kmask1..3): R8 scales
	// 0-3, R10 scales 4-7, R9 mins 0-3, R11 mins 4-7.
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
	VPMOVZXBD    X15, Y15
	VPERMD       Z15, Z30, Z16     // lane 4p+t: scale 2p
	VPERMD       Z15, Z31, Z17     // lane 4p+t: scale 2p+1
	VMOVD        R9, X14
	VPINSRD      $1, R11, X14, X14
	VPMOVZXBW    X14, X14          // dword p: words (min 2p, min 2p+1)
	VPERMD       Z14, Z3, Z18

	// Weights: step s, lane 4p+2i+h: nibble h of qs dword 8p+2s+i.
	VMOVDQU64    16(SI), Z0
	VMOVDQU64    80(SI), Z1
	VMOVDQA64    Z24, Z4
	VPERMI2D     Z1, Z0, Z4
	VPSRLVD      Z28, Z4, Z4
	VPANDD       Z29, Z4, Z4
	VMOVDQA64    Z25, Z5
	VPERMI2D     Z1, Z0, Z5
	VPSRLVD      Z28, Z5, Z5
	VPANDD       Z29, Z5, Z5
	VMOVDQA64    Z26, Z6
	VPERMI2D     Z1, Z0, Z6
	VPSRLVD      Z28, Z6, Z6
	VPANDD       Z29, Z6, Z6
	VMOVDQA64    Z27, Z7
	VPERMI2D     Z1, Z0, Z7
	VPSRLVD      Z28, Z7, Z7
	VPANDD       Z29, Z7, Z7

	// Integer sums, one accumulator per vector.
	VPXORD       Z8, Z8, Z8
	VPXORD       Z9, Z9, Z9
	VPXORD       Z10, Z10, Z10
	VPXORD       Z11, Z11, Z11
	VPDPBUSD     0(DI), Z4, Z8
	VPDPBUSD     256(DI), Z4, Z9
	VPDPBUSD     512(DI), Z4, Z10
	VPDPBUSD     768(DI), Z4, Z11
	VPDPBUSD     64(DI), Z5, Z8
	VPDPBUSD     320(DI), Z5, Z9
	VPDPBUSD     576(DI), Z5, Z10
	VPDPBUSD     832(DI), Z5, Z11
	VPDPBUSD     128(DI), Z6, Z8
	VPDPBUSD     384(DI), Z6, Z9
	VPDPBUSD     640(DI), Z6, Z10
	VPDPBUSD     896(DI), Z6, Z11
	VPDPBUSD     192(DI), Z7, Z8
	VPDPBUSD     448(DI), Z7, Z9
	VPDPBUSD     704(DI), Z7, Z10
	VPDPBUSD     960(DI), Z7, Z11

	// Transpose-reduce: chunk p, lane t = vector t's sums of sub-blocks
	// 2p (Z15) and 2p+1 (Z14).
	VPUNPCKLDQ   Z9, Z8, Z12
	VPUNPCKHDQ   Z9, Z8, Z13
	VPADDD       Z13, Z12, Z12
	VPUNPCKLDQ   Z11, Z10, Z14
	VPUNPCKHDQ   Z11, Z10, Z13
	VPADDD       Z13, Z14, Z14
	VPUNPCKLQDQ  Z14, Z12, Z15
	VPUNPCKHQDQ  Z14, Z12, Z14
	VPMULLD      Z16, Z15, Z15
	VPMULLD      Z17, Z14, Z14
	VPADDD       Z14, Z15, Z15
	VCVTDQ2PS    Z15, Z20
	// Mins: lane 4p+t = min 2p * bsum pair + min 2p+1 * bsum pair.
	VPMADDWD     1024(DI), Z18, Z19
	VCVTDQ2PS    Z19, Z19

	// X2 = d_w*d_x, X1 = dmin_w*d_x (one lane per vector).
	MOVL         (SI), AX
	VMOVD        AX, X21
	VCVTPH2PS    X21, X21
	VMOVUPS      1088(DI), X0
	VBROADCASTSS X21, X2
	VMULPS       X0, X2, X2
	VSHUFPS      $0x55, X21, X21, X1
	VMULPS       X0, X1, X1

	VFMADD231PS  X20, X2, X22
	VFMADD231PS  X19, X1, X23
	VEXTRACTF32X4 $1, Z20, X12
	VEXTRACTF32X4 $1, Z19, X13
	VFMADD231PS  X12, X2, X22
	VFMADD231PS  X13, X1, X23
	VEXTRACTF32X4 $2, Z20, X12
	VEXTRACTF32X4 $2, Z19, X13
	VFMADD231PS  X12, X2, X22
	VFMADD231PS  X13, X1, X23
	VEXTRACTF32X4 $3, Z20, X12
	VEXTRACTF32X4 $3, Z19, X13
	VFMADD231PS  X12, X2, X22
	VFMADD231PS  X13, X1, X23

	ADDQ         $144, SI
	ADDQ         $1152, DI
	DECQ         CX
	JNE          k4loop

k4done:
	VMOVUPS      X22, (DX)
	VMOVUPS      X23, 16(DX)
	VZEROUPPER
	RET

// func q6kTile4(row *byte, q *int8, d *float32, bs *int16, nb int, out *float32)
//
// dotQ6_K of one row against four consecutive Q8_K activation vectors (nb
// blocks each): the 6-bit values unpacked once per block in the natural
// element order; per vector and 64-element chunk, VPMADDUBSW then VPDPWSSD
// with the scales as words, into one accumulator whose lane L belongs to
// dotQ6_K's lane L%8; the 32*(bsum . scales) term by one more VPDPWSSD. The
// halves are folded to the eight lanes, converted and accumulated with
// fused multiply-adds; out[8v..8v+7] are vector v's eight float lanes
// (reduced by the caller as reduce8).
TEXT ·q6kTile4(SB), NOSPLIT, $0-48
	MOVQ         row+0(FP), SI
	MOVQ         q+8(FP), DI
	MOVQ         d+16(FP), DX
	MOVQ         bs+24(FP), BX
	MOVQ         nb+32(FP), CX
	MOVQ         CX, R8
	SHLQ         $8, R8            // q stride: nb*256
	LEAQ         (R8)(R8*2), R9
	LEAQ         0(CX*4), R10      // d stride: nb*4
	LEAQ         (R10)(R10*2), R11
	MOVQ         CX, R12
	SHLQ         $5, R12           // bs stride: nb*32
	LEAQ         (R12)(R12*2), R13
	VMOVDQU64    k6sidx<>+0(SB), Z24
	VMOVDQU64    k6sidx<>+64(SB), Z25
	VMOVDQU64    k6sidx<>+128(SB), Z26
	VMOVDQU64    k6sidx<>+192(SB), Z27
	VMOVDQU64    k6shl<>+0(SB), Z28
	VMOVDQU64    k6shr<>+0(SB), Z29
	MOVL         $0x30303030, AX
	VPBROADCASTD AX, Z30
	MOVL         $0x0f0f0f0f, AX
	VPBROADCASTD AX, Z31
	VPXORD       Z18, Z18, Z18
	VPXORD       Z19, Z19, Z19
	TESTQ        CX, CX
	JEQ          k6done

k6loop:
	// Scales: Z20..Z23 = words of chunk i (word w: scale 4i+w/8);
	// Y17 = -32*scale (word m: group m).
	VPMOVSXBW    192(SI), Y16
	VPERMW       Z16, Z24, Z20
	VPERMW       Z16, Z25, Z21
	VPERMW       Z16, Z26, Z22
	VPERMW       Z16, Z27, Z23
	VPSLLW       $5, Y16, Y16
	VPXORD       Y17, Y17, Y17
	VPSUBW       Y16, Y17, Y17

	// Weights, chunk i = 2h+c: ql nibble c | two qh bits << 4.
	VMOVDQU64    0(SI), Z0
	VBROADCASTI64X4 128(SI), Z1
	VPANDD       Z31, Z0, Z4
	VPSLLVQ      Z28, Z1, Z8
	VPANDD       Z30, Z8, Z8
	VPORD        Z8, Z4, Z4
	VPSRLW       $4, Z0, Z5
	VPANDD       Z31, Z5, Z5
	VPSRLVQ      Z29, Z1, Z8
	VPANDD       Z30, Z8, Z8
	VPORD        Z8, Z5, Z5
	VMOVDQU64    64(SI), Z0
	VBROADCASTI64X4 160(SI), Z1
	VPANDD       Z31, Z0, Z6
	VPSLLVQ      Z28, Z1, Z8
	VPANDD       Z30, Z8, Z8
	VPORD        Z8, Z6, Z6
	VPSRLW       $4, Z0, Z7
	VPANDD       Z31, Z7, Z7
	VPSRLVQ      Z29, Z1, Z8
	VPANDD       Z30, Z8, Z8
	VPORD        Z8, Z7, Z7

	// Vector 0 (Z10), 1 (Z11), 2 (Z12), 3 (Z13).
	VMOVDQU      (BX), Y10
	VMOVDQU      (BX)(R12*1), Y11
	VMOVDQU      (BX)(R12*2), Y12
	VMOVDQU      (BX)(R13*1), Y13
	VPMADDWD     Z17, Z10, Z10
	VPMADDWD     Z17, Z11, Z11
	VPMADDWD     Z17, Z12, Z12
	VPMADDWD     Z17, Z13, Z13

	VPMADDUBSW   0(DI), Z4, Z8
	VPMADDUBSW   0(DI)(R8*1), Z4, Z9
	VPDPWSSD     Z20, Z8, Z10
	VPDPWSSD     Z20, Z9, Z11
	VPMADDUBSW   0(DI)(R8*2), Z4, Z8
	VPMADDUBSW   0(DI)(R9*1), Z4, Z9
	VPDPWSSD     Z20, Z8, Z12
	VPDPWSSD     Z20, Z9, Z13

	VPMADDUBSW   64(DI), Z5, Z8
	VPMADDUBSW   64(DI)(R8*1), Z5, Z9
	VPDPWSSD     Z21, Z8, Z10
	VPDPWSSD     Z21, Z9, Z11
	VPMADDUBSW   64(DI)(R8*2), Z5, Z8
	VPMADDUBSW   64(DI)(R9*1), Z5, Z9
	VPDPWSSD     Z21, Z8, Z12
	VPDPWSSD     Z21, Z9, Z13

	VPMADDUBSW   128(DI), Z6, Z8
	VPMADDUBSW   128(DI)(R8*1), Z6, Z9
	VPDPWSSD     Z22, Z8, Z10
	VPDPWSSD     Z22, Z9, Z11
	VPMADDUBSW   128(DI)(R8*2), Z6, Z8
	VPMADDUBSW   128(DI)(R9*1), Z6, Z9
	VPDPWSSD     Z22, Z8, Z12
	VPDPWSSD     Z22, Z9, Z13

	VPMADDUBSW   192(DI), Z7, Z8
	VPMADDUBSW   192(DI)(R8*1), Z7, Z9
	VPDPWSSD     Z23, Z8, Z10
	VPDPWSSD     Z23, Z9, Z11
	VPMADDUBSW   192(DI)(R8*2), Z7, Z8
	VPMADDUBSW   192(DI)(R9*1), Z7, Z9
	VPDPWSSD     Z23, Z8, Z12
	VPDPWSSD     Z23, Z9, Z13

	// Fold lanes L and L+8: Z14 = [v0 lanes 0-7 | v1], Z15 = [v2 | v3].
	VSHUFI64X2   $0x44, Z11, Z10, Z14
	VSHUFI64X2   $0xee, Z11, Z10, Z8
	VPADDD       Z8, Z14, Z14
	VSHUFI64X2   $0x44, Z13, Z12, Z15
	VSHUFI64X2   $0xee, Z13, Z12, Z9
	VPADDD       Z9, Z15, Z15
	VCVTDQ2PS    Z14, Z14
	VCVTDQ2PS    Z15, Z15

	// d_x*d_w per vector, eight lanes each.
	MOVWLZX      208(SI), AX
	VMOVD        AX, X0
	VCVTPH2PS    X0, X0
	VBROADCASTSS X0, Z0
	VBROADCASTSS (DX), Y1
	VBROADCASTSS (DX)(R10*1), Y2
	VINSERTF64X4 $1, Y2, Z1, Z1
	VMULPS       Z0, Z1, Z1
	VFMADD231PS  Z14, Z1, Z18
	VBROADCASTSS (DX)(R10*2), Y2
	VBROADCASTSS (DX)(R11*1), Y3
	VINSERTF64X4 $1, Y3, Z2, Z2
	VMULPS       Z0, Z2, Z2
	VFMADD231PS  Z15, Z2, Z19

	ADDQ         $210, SI
	ADDQ         $256, DI
	ADDQ         $4, DX
	ADDQ         $32, BX
	DECQ         CX
	JNE          k6loop

k6done:
	MOVQ         out+40(FP), AX
	VMOVUPS      Z18, (AX)
	VMOVUPS      Z19, 64(AX)
	VZEROUPPER
	RET

// func q4kTile8(row *byte, xp0, xp1 *byte, nb int, acc *float32)
//
// q4kTile4 for two groups of four vectors (xp0, xp1: permQ4K layouts) at
// once, the weight block and its scales unpacked once for the eight
// vectors. The accumulators are one register, lanes [accR of xp0's four
// vectors, accR of xp1's, accM of xp0's, accM of xp1's] (acc[0..15], read
// and written back), fed by one fused multiply-add per pair: chunk p of the
// four results gathered by a 4x4 chunk transpose.
TEXT ·q4kTile8(SB), NOSPLIT, $0-40
	MOVQ         row+0(FP), SI
	MOVQ         xp0+8(FP), DI
	MOVQ         xp1+16(FP), R12
	MOVQ         nb+24(FP), CX
	VMOVDQU64    k4widx<>+0(SB), Z24
	VMOVDQU64    k4widx<>+64(SB), Z25
	VMOVDQU64    k4widx<>+128(SB), Z26
	VMOVDQU64    k4widx<>+192(SB), Z27
	VMOVDQU64    k4shift<>+0(SB), Z28
	MOVL         $0x0f0f0f0f, AX
	VPBROADCASTD AX, Z29
	VMOVDQU64    k4idx<>+0(SB), Z30
	VMOVDQU64    k4idx<>+64(SB), Z31
	VMOVDQU64    k4idx<>+128(SB), Z3
	MOVQ         acc+32(FP), DX
	VMOVUPS      (DX), Z19
	TESTQ        CX, CX
	JEQ          k8done

k8loop:
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
	VPMOVZXBD    X15, Y15
	VPERMD       Z15, Z30, Z16
	VPERMD       Z15, Z31, Z17
	VMOVD        R9, X14
	VPINSRD      $1, R11, X14, X14
	VPMOVZXBW    X14, X14
	VPERMD       Z14, Z3, Z18

	VMOVDQU64    16(SI), Z0
	VMOVDQU64    80(SI), Z1
	VMOVDQA64    Z24, Z4
	VPERMI2D     Z1, Z0, Z4
	VPSRLVD      Z28, Z4, Z4
	VPANDD       Z29, Z4, Z4
	VMOVDQA64    Z25, Z5
	VPERMI2D     Z1, Z0, Z5
	VPSRLVD      Z28, Z5, Z5
	VPANDD       Z29, Z5, Z5
	VMOVDQA64    Z26, Z6
	VPERMI2D     Z1, Z0, Z6
	VPSRLVD      Z28, Z6, Z6
	VPANDD       Z29, Z6, Z6
	VMOVDQA64    Z27, Z7
	VPERMI2D     Z1, Z0, Z7
	VPSRLVD      Z28, Z7, Z7
	VPANDD       Z29, Z7, Z7

	// Z23 = [d_w x8, dmin_w x8].
	MOVL         (SI), AX
	VMOVD        AX, X23
	VCVTPH2PS    X23, X23
	VSHUFPS      $0x55, X23, X23, X1
	VINSERTF128  $1, X1, Y1, Y1
	VBROADCASTSS X23, Z23
	VINSERTF64X4 $1, Y1, Z23, Z23

	// Vectors 0-3.
	VPXORD       Z8, Z8, Z8
	VPXORD       Z9, Z9, Z9
	VPXORD       Z10, Z10, Z10
	VPXORD       Z11, Z11, Z11
	VPDPBUSD     0(DI), Z4, Z8
	VPDPBUSD     256(DI), Z4, Z9
	VPDPBUSD     512(DI), Z4, Z10
	VPDPBUSD     768(DI), Z4, Z11
	VPDPBUSD     64(DI), Z5, Z8
	VPDPBUSD     320(DI), Z5, Z9
	VPDPBUSD     576(DI), Z5, Z10
	VPDPBUSD     832(DI), Z5, Z11
	VPDPBUSD     128(DI), Z6, Z8
	VPDPBUSD     384(DI), Z6, Z9
	VPDPBUSD     640(DI), Z6, Z10
	VPDPBUSD     896(DI), Z6, Z11
	VPDPBUSD     192(DI), Z7, Z8
	VPDPBUSD     448(DI), Z7, Z9
	VPDPBUSD     704(DI), Z7, Z10
	VPDPBUSD     960(DI), Z7, Z11
	VPUNPCKLDQ   Z9, Z8, Z12
	VPUNPCKHDQ   Z9, Z8, Z13
	VPADDD       Z13, Z12, Z12
	VPUNPCKLDQ   Z11, Z10, Z14
	VPUNPCKHDQ   Z11, Z10, Z13
	VPADDD       Z13, Z14, Z14
	VPUNPCKLQDQ  Z14, Z12, Z15
	VPUNPCKHQDQ  Z14, Z12, Z14
	VPMULLD      Z16, Z15, Z15
	VPMULLD      Z17, Z14, Z14
	VPADDD       Z14, Z15, Z15
	VCVTDQ2PS    Z15, Z20
	VPMADDWD     1024(DI), Z18, Z14
	VCVTDQ2PS    Z14, Z21

	// Vectors 4-7.
	VPXORD       Z8, Z8, Z8
	VPXORD       Z9, Z9, Z9
	VPXORD       Z10, Z10, Z10
	VPXORD       Z11, Z11, Z11
	VPDPBUSD     0(R12), Z4, Z8
	VPDPBUSD     256(R12), Z4, Z9
	VPDPBUSD     512(R12), Z4, Z10
	VPDPBUSD     768(R12), Z4, Z11
	VPDPBUSD     64(R12), Z5, Z8
	VPDPBUSD     320(R12), Z5, Z9
	VPDPBUSD     576(R12), Z5, Z10
	VPDPBUSD     832(R12), Z5, Z11
	VPDPBUSD     128(R12), Z6, Z8
	VPDPBUSD     384(R12), Z6, Z9
	VPDPBUSD     640(R12), Z6, Z10
	VPDPBUSD     896(R12), Z6, Z11
	VPDPBUSD     192(R12), Z7, Z8
	VPDPBUSD     448(R12), Z7, Z9
	VPDPBUSD     704(R12), Z7, Z10
	VPDPBUSD     960(R12), Z7, Z11
	VPUNPCKLDQ   Z9, Z8, Z12
	VPUNPCKHDQ   Z9, Z8, Z13
	VPADDD       Z13, Z12, Z12
	VPUNPCKLDQ   Z11, Z10, Z14
	VPUNPCKHDQ   Z11, Z10, Z13
	VPADDD       Z13, Z14, Z14
	VPUNPCKLQDQ  Z14, Z12, Z15
	VPUNPCKHQDQ  Z14, Z12, Z14
	VPMULLD      Z16, Z15, Z15
	VPMULLD      Z17, Z14, Z14
	VPADDD       Z14, Z15, Z15
	VCVTDQ2PS    Z15, Z15
	VPMADDWD     1024(R12), Z18, Z14
	VCVTDQ2PS    Z14, Z14

	// Chunk transpose: Z12..Z15 = pair 0..3 of [R xp0, R xp1, M xp0, M xp1].
	VSHUFF32X4   $0x44, Z15, Z20, Z8
	VSHUFF32X4   $0xee, Z15, Z20, Z9
	VSHUFF32X4   $0x44, Z14, Z21, Z10
	VSHUFF32X4   $0xee, Z14, Z21, Z11
	VSHUFF32X4   $0x88, Z10, Z8, Z12
	VSHUFF32X4   $0xdd, Z10, Z8, Z13
	VSHUFF32X4   $0x88, Z11, Z9, Z14
	VSHUFF32X4   $0xdd, Z11, Z9, Z15
	// Z2 = [d_w*d_x, dmin_w*d_x] for the eight vectors.
	VMOVUPS      1088(DI), X2
	VINSERTF32X4 $1, 1088(R12), Y2, Y2
	VINSERTF64X4 $1, Y2, Z2, Z2
	VMULPS       Z23, Z2, Z2
	VFMADD231PS  Z12, Z2, Z19
	VFMADD231PS  Z13, Z2, Z19
	VFMADD231PS  Z14, Z2, Z19
	VFMADD231PS  Z15, Z2, Z19

	ADDQ         $144, SI
	ADDQ         $1152, DI
	ADDQ         $1152, R12
	DECQ         CX
	JNE          k8loop

k8done:
	VMOVUPS      Z19, (DX)
	VZEROUPPER
	RET

// func q4kTile16(row *byte, xp0, xp1, xp2, xp3 *byte, nb int, acc *float32)
//
// q4kTile8 for four groups of four vectors (xp0..xp3): the weight block
// and its scales unpacked once for sixteen vectors; acc[0..15] as
// q4kTile8's for xp0, xp1, acc[16..31] for xp2, xp3.
TEXT ·q4kTile16(SB), NOSPLIT, $0-56
	MOVQ         row+0(FP), SI
	MOVQ         xp0+8(FP), DI
	MOVQ         xp1+16(FP), R12
	MOVQ         xp2+24(FP), R13
	MOVQ         xp3+32(FP), BX
	MOVQ         nb+40(FP), CX
	VMOVDQU64    k4widx<>+0(SB), Z24
	VMOVDQU64    k4widx<>+64(SB), Z25
	VMOVDQU64    k4widx<>+128(SB), Z26
	VMOVDQU64    k4widx<>+192(SB), Z27
	VMOVDQU64    k4shift<>+0(SB), Z28
	MOVL         $0x0f0f0f0f, AX
	VPBROADCASTD AX, Z29
	VMOVDQU64    k4idx<>+0(SB), Z30
	VMOVDQU64    k4idx<>+64(SB), Z31
	VMOVDQU64    k4idx<>+128(SB), Z3
	MOVQ         acc+48(FP), DX
	VMOVUPS      (DX), Z19
	VMOVUPS      64(DX), Z22
	TESTQ        CX, CX
	JEQ          k16done

k16loop:
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
	VPMOVZXBD    X15, Y15
	VPERMD       Z15, Z30, Z16
	VPERMD       Z15, Z31, Z17
	VMOVD        R9, X14
	VPINSRD      $1, R11, X14, X14
	VPMOVZXBW    X14, X14
	VPERMD       Z14, Z3, Z18

	VMOVDQU64    16(SI), Z0
	VMOVDQU64    80(SI), Z1
	VMOVDQA64    Z24, Z4
	VPERMI2D     Z1, Z0, Z4
	VPSRLVD      Z28, Z4, Z4
	VPANDD       Z29, Z4, Z4
	VMOVDQA64    Z25, Z5
	VPERMI2D     Z1, Z0, Z5
	VPSRLVD      Z28, Z5, Z5
	VPANDD       Z29, Z5, Z5
	VMOVDQA64    Z26, Z6
	VPERMI2D     Z1, Z0, Z6
	VPSRLVD      Z28, Z6, Z6
	VPANDD       Z29, Z6, Z6
	VMOVDQA64    Z27, Z7
	VPERMI2D     Z1, Z0, Z7
	VPSRLVD      Z28, Z7, Z7
	VPANDD       Z29, Z7, Z7

	// Z23 = [d_w x8, dmin_w x8].
	MOVL         (SI), AX
	VMOVD        AX, X23
	VCVTPH2PS    X23, X23
	VSHUFPS      $0x55, X23, X23, X1
	VINSERTF128  $1, X1, Y1, Y1
	VBROADCASTSS X23, Z23
	VINSERTF64X4 $1, Y1, Z23, Z23

	// Vectors 0-3.
	VPXORD       Z8, Z8, Z8
	VPXORD       Z9, Z9, Z9
	VPXORD       Z10, Z10, Z10
	VPXORD       Z11, Z11, Z11
	VPDPBUSD     0(DI), Z4, Z8
	VPDPBUSD     256(DI), Z4, Z9
	VPDPBUSD     512(DI), Z4, Z10
	VPDPBUSD     768(DI), Z4, Z11
	VPDPBUSD     64(DI), Z5, Z8
	VPDPBUSD     320(DI), Z5, Z9
	VPDPBUSD     576(DI), Z5, Z10
	VPDPBUSD     832(DI), Z5, Z11
	VPDPBUSD     128(DI), Z6, Z8
	VPDPBUSD     384(DI), Z6, Z9
	VPDPBUSD     640(DI), Z6, Z10
	VPDPBUSD     896(DI), Z6, Z11
	VPDPBUSD     192(DI), Z7, Z8
	VPDPBUSD     448(DI), Z7, Z9
	VPDPBUSD     704(DI), Z7, Z10
	VPDPBUSD     960(DI), Z7, Z11
	VPUNPCKLDQ   Z9, Z8, Z12
	VPUNPCKHDQ   Z9, Z8, Z13
	VPADDD       Z13, Z12, Z12
	VPUNPCKLDQ   Z11, Z10, Z14
	VPUNPCKHDQ   Z11, Z10, Z13
	VPADDD       Z13, Z14, Z14
	VPUNPCKLQDQ  Z14, Z12, Z15
	VPUNPCKHQDQ  Z14, Z12, Z14
	VPMULLD      Z16, Z15, Z15
	VPMULLD      Z17, Z14, Z14
	VPADDD       Z14, Z15, Z15
	VCVTDQ2PS    Z15, Z20
	VPMADDWD     1024(DI), Z18, Z14
	VCVTDQ2PS    Z14, Z21

	// Vectors 4-7.
	VPXORD       Z8, Z8, Z8
	VPXORD       Z9, Z9, Z9
	VPXORD       Z10, Z10, Z10
	VPXORD       Z11, Z11, Z11
	VPDPBUSD     0(R12), Z4, Z8
	VPDPBUSD     256(R12), Z4, Z9
	VPDPBUSD     512(R12), Z4, Z10
	VPDPBUSD     768(R12), Z4, Z11
	VPDPBUSD     64(R12), Z5, Z8
	VPDPBUSD     320(R12), Z5, Z9
	VPDPBUSD     576(R12), Z5, Z10
	VPDPBUSD     832(R12), Z5, Z11
	VPDPBUSD     128(R12), Z6, Z8
	VPDPBUSD     384(R12), Z6, Z9
	VPDPBUSD     640(R12), Z6, Z10
	VPDPBUSD     896(R12), Z6, Z11
	VPDPBUSD     192(R12), Z7, Z8
	VPDPBUSD     448(R12), Z7, Z9
	VPDPBUSD     704(R12), Z7, Z10
	VPDPBUSD     960(R12), Z7, Z11
	VPUNPCKLDQ   Z9, Z8, Z12
	VPUNPCKHDQ   Z9, Z8, Z13
	VPADDD       Z13, Z12, Z12
	VPUNPCKLDQ   Z11, Z10, Z14
	VPUNPCKHDQ   Z11, Z10, Z13
	VPADDD       Z13, Z14, Z14
	VPUNPCKLQDQ  Z14, Z12, Z15
	VPUNPCKHQDQ  Z14, Z12, Z14
	VPMULLD      Z16, Z15, Z15
	VPMULLD      Z17, Z14, Z14
	VPADDD       Z14, Z15, Z15
	VCVTDQ2PS    Z15, Z15
	VPMADDWD     1024(R12), Z18, Z14
	VCVTDQ2PS    Z14, Z14

	// Chunk transpose: Z12..Z15 = pair 0..3 of [R xp0, R xp1, M xp0, M xp1].
	VSHUFF32X4   $0x44, Z15, Z20, Z8
	VSHUFF32X4   $0xee, Z15, Z20, Z9
	VSHUFF32X4   $0x44, Z14, Z21, Z10
	VSHUFF32X4   $0xee, Z14, Z21, Z11
	VSHUFF32X4   $0x88, Z10, Z8, Z12
	VSHUFF32X4   $0xdd, Z10, Z8, Z13
	VSHUFF32X4   $0x88, Z11, Z9, Z14
	VSHUFF32X4   $0xdd, Z11, Z9, Z15
	// Z2 = [d_w*d_x, dmin_w*d_x] for the eight vectors.
	VMOVUPS      1088(DI), X2
	VINSERTF32X4 $1, 1088(R12), Y2, Y2
	VINSERTF64X4 $1, Y2, Z2, Z2
	VMULPS       Z23, Z2, Z2
	VFMADD231PS  Z12, Z2, Z19
	VFMADD231PS  Z13, Z2, Z19
	VFMADD231PS  Z14, Z2, Z19
	VFMADD231PS  Z15, Z2, Z19

	// Vectors 8-11.
	VPXORD       Z8, Z8, Z8
	VPXORD       Z9, Z9, Z9
	VPXORD       Z10, Z10, Z10
	VPXORD       Z11, Z11, Z11
	VPDPBUSD     0(R13), Z4, Z8
	VPDPBUSD     256(R13), Z4, Z9
	VPDPBUSD     512(R13), Z4, Z10
	VPDPBUSD     768(R13), Z4, Z11
	VPDPBUSD     64(R13), Z5, Z8
	VPDPBUSD     320(R13), Z5, Z9
	VPDPBUSD     576(R13), Z5, Z10
	VPDPBUSD     832(R13), Z5, Z11
	VPDPBUSD     128(R13), Z6, Z8
	VPDPBUSD     384(R13), Z6, Z9
	VPDPBUSD     640(R13), Z6, Z10
	VPDPBUSD     896(R13), Z6, Z11
	VPDPBUSD     192(R13), Z7, Z8
	VPDPBUSD     448(R13), Z7, Z9
	VPDPBUSD     704(R13), Z7, Z10
	VPDPBUSD     960(R13), Z7, Z11
	VPUNPCKLDQ   Z9, Z8, Z12
	VPUNPCKHDQ   Z9, Z8, Z13
	VPADDD       Z13, Z12, Z12
	VPUNPCKLDQ   Z11, Z10, Z14
	VPUNPCKHDQ   Z11, Z10, Z13
	VPADDD       Z13, Z14, Z14
	VPUNPCKLQDQ  Z14, Z12, Z15
	VPUNPCKHQDQ  Z14, Z12, Z14
	VPMULLD      Z16, Z15, Z15
	VPMULLD      Z17, Z14, Z14
	VPADDD       Z14, Z15, Z15
	VCVTDQ2PS    Z15, Z20
	VPMADDWD     1024(R13), Z18, Z14
	VCVTDQ2PS    Z14, Z21

	// Vectors 12-15.
	VPXORD       Z8, Z8, Z8
	VPXORD       Z9, Z9, Z9
	VPXORD       Z10, Z10, Z10
	VPXORD       Z11, Z11, Z11
	VPDPBUSD     0(BX), Z4, Z8
	VPDPBUSD     256(BX), Z4, Z9
	VPDPBUSD     512(BX), Z4, Z10
	VPDPBUSD     768(BX), Z4, Z11
	VPDPBUSD     64(BX), Z5, Z8
	VPDPBUSD     320(BX), Z5, Z9
	VPDPBUSD     576(BX), Z5, Z10
	VPDPBUSD     832(BX), Z5, Z11
	VPDPBUSD     128(BX), Z6, Z8
	VPDPBUSD     384(BX), Z6, Z9
	VPDPBUSD     640(BX), Z6, Z10
	VPDPBUSD     896(BX), Z6, Z11
	VPDPBUSD     192(BX), Z7, Z8
	VPDPBUSD     448(BX), Z7, Z9
	VPDPBUSD     704(BX), Z7, Z10
	VPDPBUSD     960(BX), Z7, Z11
	VPUNPCKLDQ   Z9, Z8, Z12
	VPUNPCKHDQ   Z9, Z8, Z13
	VPADDD       Z13, Z12, Z12
	VPUNPCKLDQ   Z11, Z10, Z14
	VPUNPCKHDQ   Z11, Z10, Z13
	VPADDD       Z13, Z14, Z14
	VPUNPCKLQDQ  Z14, Z12, Z15
	VPUNPCKHQDQ  Z14, Z12, Z14
	VPMULLD      Z16, Z15, Z15
	VPMULLD      Z17, Z14, Z14
	VPADDD       Z14, Z15, Z15
	VCVTDQ2PS    Z15, Z15
	VPMADDWD     1024(BX), Z18, Z14
	VCVTDQ2PS    Z14, Z14

	// Chunk transpose: Z12..Z15 = pair 0..3 of [R xp0, R xp1, M xp0, M xp1].
	VSHUFF32X4   $0x44, Z15, Z20, Z8
	VSHUFF32X4   $0xee, Z15, Z20, Z9
	VSHUFF32X4   $0x44, Z14, Z21, Z10
	VSHUFF32X4   $0xee, Z14, Z21, Z11
	VSHUFF32X4   $0x88, Z10, Z8, Z12
	VSHUFF32X4   $0xdd, Z10, Z8, Z13
	VSHUFF32X4   $0x88, Z11, Z9, Z14
	VSHUFF32X4   $0xdd, Z11, Z9, Z15
	// Z2 = [d_w*d_x, dmin_w*d_x] for the eight vectors.
	VMOVUPS      1088(R13), X2
	VINSERTF32X4 $1, 1088(BX), Y2, Y2
	VINSERTF64X4 $1, Y2, Z2, Z2
	VMULPS       Z23, Z2, Z2
	VFMADD231PS  Z12, Z2, Z22
	VFMADD231PS  Z13, Z2, Z22
	VFMADD231PS  Z14, Z2, Z22
	VFMADD231PS  Z15, Z2, Z22

	ADDQ         $144, SI
	ADDQ         $1152, DI
	ADDQ         $1152, R12
	ADDQ         $1152, R13
	ADDQ         $1152, BX
	DECQ         CX
	JNE          k16loop

k16done:
	VMOVUPS      Z19, (DX)
	VMOVUPS      Z22, 64(DX)
	VZEROUPPER
	RET

// func q6kTile8(row *byte, q *int8, aux *byte, nb, c int, acc *float32)
//
// q6kTile4 for eight vectors (vector t at q + t*c) over nb blocks, with
// the scales and block sums of the eight vectors from aux (512 bytes per
// block: d_x of each vector repeated eight times, then bsum[16] per vector)
// and the accumulators read from and written back to acc (eight float
// lanes per vector), so that a row can be done in column chunks. The
// 32*(bsum . scales) term is taken for two vectors at once, after the
// fold.
TEXT ·q6kTile8(SB), NOSPLIT, $0-48
	MOVQ         row+0(FP), SI
	MOVQ         q+8(FP), DI
	MOVQ         aux+16(FP), DX
	MOVQ         nb+24(FP), CX
	MOVQ         c+32(FP), R8
	LEAQ         (R8)(R8*2), R9
	LEAQ         (DI)(R8*4), AX
	MOVQ         acc+40(FP), BX
	VMOVDQU64    k6sidx<>+0(SB), Z24
	VMOVDQU64    k6sidx<>+64(SB), Z25
	VMOVDQU64    k6sidx<>+128(SB), Z26
	VMOVDQU64    k6sidx<>+192(SB), Z27
	VMOVDQU64    k6shl<>+0(SB), Z28
	VMOVDQU64    k6shr<>+0(SB), Z29
	MOVL         $0x30303030, R10
	VPBROADCASTD R10, Z30
	MOVL         $0x0f0f0f0f, R10
	VPBROADCASTD R10, Z31
	VMOVUPS      0(BX), Z16
	VMOVUPS      64(BX), Z18
	VMOVUPS      128(BX), Z19
	VMOVUPS      192(BX), Z3
	TESTQ        CX, CX
	JEQ          k68done

k68loop:
	VPMOVSXBW    192(SI), Y0
	VPERMW       Z0, Z24, Z20
	VPERMW       Z0, Z25, Z21
	VPERMW       Z0, Z26, Z22
	VPERMW       Z0, Z27, Z23
	VPSLLW       $5, Y0, Y0
	VPXORD       Y17, Y17, Y17
	VPSUBW       Y0, Y17, Y17
	VINSERTI64X4 $1, Y17, Z17, Z17

	VMOVDQU64    0(SI), Z0
	VBROADCASTI64X4 128(SI), Z1
	VPANDD       Z31, Z0, Z4
	VPSLLVQ      Z28, Z1, Z8
	VPANDD       Z30, Z8, Z8
	VPORD        Z8, Z4, Z4
	VPSRLW       $4, Z0, Z5
	VPANDD       Z31, Z5, Z5
	VPSRLVQ      Z29, Z1, Z8
	VPANDD       Z30, Z8, Z8
	VPORD        Z8, Z5, Z5
	VMOVDQU64    64(SI), Z0
	VBROADCASTI64X4 160(SI), Z1
	VPANDD       Z31, Z0, Z6
	VPSLLVQ      Z28, Z1, Z8
	VPANDD       Z30, Z8, Z8
	VPORD        Z8, Z6, Z6
	VPSRLW       $4, Z0, Z7
	VPANDD       Z31, Z7, Z7
	VPSRLVQ      Z29, Z1, Z8
	VPANDD       Z30, Z8, Z8
	VPORD        Z8, Z7, Z7

	VPMADDUBSW   0(DI), Z4, Z0
	VPMADDUBSW   0(DI)(R8*1), Z4, Z1
	VPMADDWD     Z20, Z0, Z8
	VPMADDWD     Z20, Z1, Z9
	VPMADDUBSW   0(DI)(R8*2), Z4, Z0
	VPMADDUBSW   0(DI)(R9*1), Z4, Z1
	VPMADDWD     Z20, Z0, Z10
	VPMADDWD     Z20, Z1, Z11
	VPMADDUBSW   0(AX), Z4, Z0
	VPMADDUBSW   0(AX)(R8*1), Z4, Z1
	VPMADDWD     Z20, Z0, Z12
	VPMADDWD     Z20, Z1, Z13
	VPMADDUBSW   0(AX)(R8*2), Z4, Z0
	VPMADDUBSW   0(AX)(R9*1), Z4, Z1
	VPMADDWD     Z20, Z0, Z14
	VPMADDWD     Z20, Z1, Z15
	VPMADDUBSW   64(DI), Z5, Z0
	VPMADDUBSW   64(DI)(R8*1), Z5, Z1
	VPDPWSSD     Z21, Z0, Z8
	VPDPWSSD     Z21, Z1, Z9
	VPMADDUBSW   64(DI)(R8*2), Z5, Z0
	VPMADDUBSW   64(DI)(R9*1), Z5, Z1
	VPDPWSSD     Z21, Z0, Z10
	VPDPWSSD     Z21, Z1, Z11
	VPMADDUBSW   64(AX), Z5, Z0
	VPMADDUBSW   64(AX)(R8*1), Z5, Z1
	VPDPWSSD     Z21, Z0, Z12
	VPDPWSSD     Z21, Z1, Z13
	VPMADDUBSW   64(AX)(R8*2), Z5, Z0
	VPMADDUBSW   64(AX)(R9*1), Z5, Z1
	VPDPWSSD     Z21, Z0, Z14
	VPDPWSSD     Z21, Z1, Z15
	VPMADDUBSW   128(DI), Z6, Z0
	VPMADDUBSW   128(DI)(R8*1), Z6, Z1
	VPDPWSSD     Z22, Z0, Z8
	VPDPWSSD     Z22, Z1, Z9
	VPMADDUBSW   128(DI)(R8*2), Z6, Z0
	VPMADDUBSW   128(DI)(R9*1), Z6, Z1
	VPDPWSSD     Z22, Z0, Z10
	VPDPWSSD     Z22, Z1, Z11
	VPMADDUBSW   128(AX), Z6, Z0
	VPMADDUBSW   128(AX)(R8*1), Z6, Z1
	VPDPWSSD     Z22, Z0, Z12
	VPDPWSSD     Z22, Z1, Z13
	VPMADDUBSW   128(AX)(R8*2), Z6, Z0
	VPMADDUBSW   128(AX)(R9*1), Z6, Z1
	VPDPWSSD     Z22, Z0, Z14
	VPDPWSSD     Z22, Z1, Z15
	VPMADDUBSW   192(DI), Z7, Z0
	VPMADDUBSW   192(DI)(R8*1), Z7, Z1
	VPDPWSSD     Z23, Z0, Z8
	VPDPWSSD     Z23, Z1, Z9
	VPMADDUBSW   192(DI)(R8*2), Z7, Z0
	VPMADDUBSW   192(DI)(R9*1), Z7, Z1
	VPDPWSSD     Z23, Z0, Z10
	VPDPWSSD     Z23, Z1, Z11
	VPMADDUBSW   192(AX), Z7, Z0
	VPMADDUBSW   192(AX)(R8*1), Z7, Z1
	VPDPWSSD     Z23, Z0, Z12
	VPDPWSSD     Z23, Z1, Z13
	VPMADDUBSW   192(AX)(R8*2), Z7, Z0
	VPMADDUBSW   192(AX)(R9*1), Z7, Z1
	VPDPWSSD     Z23, Z0, Z14
	VPDPWSSD     Z23, Z1, Z15

	// d_w in all lanes of Z2.
	VPBROADCASTW 208(SI), Y2
	VCVTPH2PS    Y2, Z2
	VSHUFI64X2   $0x44, Z9, Z8, Z0
	VSHUFI64X2   $0xee, Z9, Z8, Z1
	VPADDD       Z1, Z0, Z0
	VPMADDWD     256(DX), Z17, Z1
	VPADDD       Z1, Z0, Z0
	VCVTDQ2PS    Z0, Z0
	VMULPS       0(DX), Z2, Z1
	VFMADD231PS  Z0, Z1, Z16
	VSHUFI64X2   $0x44, Z11, Z10, Z0
	VSHUFI64X2   $0xee, Z11, Z10, Z1
	VPADDD       Z1, Z0, Z0
	VPMADDWD     320(DX), Z17, Z1
	VPADDD       Z1, Z0, Z0
	VCVTDQ2PS    Z0, Z0
	VMULPS       64(DX), Z2, Z1
	VFMADD231PS  Z0, Z1, Z18
	VSHUFI64X2   $0x44, Z13, Z12, Z0
	VSHUFI64X2   $0xee, Z13, Z12, Z1
	VPADDD       Z1, Z0, Z0
	VPMADDWD     384(DX), Z17, Z1
	VPADDD       Z1, Z0, Z0
	VCVTDQ2PS    Z0, Z0
	VMULPS       128(DX), Z2, Z1
	VFMADD231PS  Z0, Z1, Z19
	VSHUFI64X2   $0x44, Z15, Z14, Z0
	VSHUFI64X2   $0xee, Z15, Z14, Z1
	VPADDD       Z1, Z0, Z0
	VPMADDWD     448(DX), Z17, Z1
	VPADDD       Z1, Z0, Z0
	VCVTDQ2PS    Z0, Z0
	VMULPS       192(DX), Z2, Z1
	VFMADD231PS  Z0, Z1, Z3

	ADDQ         $210, SI
	ADDQ         $256, DI
	ADDQ         $256, AX
	ADDQ         $512, DX
	DECQ         CX
	JNE          k68loop

k68done:
	VMOVUPS      Z16, 0(BX)
	VMOVUPS      Z18, 64(BX)
	VMOVUPS      Z19, 128(BX)
	VMOVUPS      Z3, 192(BX)
	VZEROUPPER
	RET
