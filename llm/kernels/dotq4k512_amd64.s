//go:build !purego

#include "textflag.h"

// dotQ4_KR4AVX512: dotQ4_K (dot.go) of four consecutive Q4_K rows against
// one Q8_K activation vector.
//
// Per 256-element super-block and row, the integer sums
//   sumi = sum_j sc_j * (nibbles of sub-block j . x of sub-block j)
//   summ = sum_j m_j * (bs[2j] + bs[2j+1])
// are exact, so they are computed in any order: VPMADDUBSW (nibbles
// unsigned, x signed; pairs at most 2*15*128, no saturation), then
// VPMADDWD/VPDPWSSD by the sub-block scale spread over the words. The float
// steps are those of dotQ4_K, for the four rows in the lanes of one YMM,
// interleaved as [accR0, accM0, accR1, accM1, ..., accM3]:
//   acc = fma(float32([sumi, summ]), f16([d, dmin]) * d[b], acc)
// and accR - accM at the end.
//
// A 64-byte load of nibbles qs[32k .. 32k+63] (k = 0, 1) holds in its low
// nibbles elements 128k+0..31 (bytes 0-31) and 128k+64..95 (bytes 32-63),
// in its high nibbles elements 128k+32..63 and 128k+96..127: sub-blocks
// 4k, 4k+2 (low) and 4k+1, 4k+3 (high). The activations are loaded in that
// order once per super-block (Z16-Z19) for the four rows.

// VPSHUFB controls on a 16-byte chunk [sc0..sc7, m0..m7]: every word = one
// scale; chunks 0-1 take scale a, chunks 2-3 scale b, for the sub-blocks
// (a, b) of the low / high nibbles of the two 64-byte loads.
#define SCW(j) $(0x8000800080008000 + 0x0000000100000001*j + 0x0001000000010000*j)
DATA q4r4sc0<>+0(SB)/8, SCW(0)
DATA q4r4sc0<>+8(SB)/8, SCW(0)
DATA q4r4sc0<>+16(SB)/8, SCW(0)
DATA q4r4sc0<>+24(SB)/8, SCW(0)
DATA q4r4sc0<>+32(SB)/8, SCW(2)
DATA q4r4sc0<>+40(SB)/8, SCW(2)
DATA q4r4sc0<>+48(SB)/8, SCW(2)
DATA q4r4sc0<>+56(SB)/8, SCW(2)
GLOBL q4r4sc0<>(SB), RODATA|NOPTR, $64
DATA q4r4sc1<>+0(SB)/8, SCW(1)
DATA q4r4sc1<>+8(SB)/8, SCW(1)
DATA q4r4sc1<>+16(SB)/8, SCW(1)
DATA q4r4sc1<>+24(SB)/8, SCW(1)
DATA q4r4sc1<>+32(SB)/8, SCW(3)
DATA q4r4sc1<>+40(SB)/8, SCW(3)
DATA q4r4sc1<>+48(SB)/8, SCW(3)
DATA q4r4sc1<>+56(SB)/8, SCW(3)
GLOBL q4r4sc1<>(SB), RODATA|NOPTR, $64
DATA q4r4sc2<>+0(SB)/8, SCW(4)
DATA q4r4sc2<>+8(SB)/8, SCW(4)
DATA q4r4sc2<>+16(SB)/8, SCW(4)
DATA q4r4sc2<>+24(SB)/8, SCW(4)
DATA q4r4sc2<>+32(SB)/8, SCW(6)
DATA q4r4sc2<>+40(SB)/8, SCW(6)
DATA q4r4sc2<>+48(SB)/8, SCW(6)
DATA q4r4sc2<>+56(SB)/8, SCW(6)
GLOBL q4r4sc2<>(SB), RODATA|NOPTR, $64
DATA q4r4sc3<>+0(SB)/8, SCW(5)
DATA q4r4sc3<>+8(SB)/8, SCW(5)
DATA q4r4sc3<>+16(SB)/8, SCW(5)
DATA q4r4sc3<>+24(SB)/8, SCW(5)
DATA q4r4sc3<>+32(SB)/8, SCW(7)
DATA q4r4sc3<>+40(SB)/8, SCW(7)
DATA q4r4sc3<>+48(SB)/8, SCW(7)
DATA q4r4sc3<>+56(SB)/8, SCW(7)
GLOBL q4r4sc3<>(SB), RODATA|NOPTR, $64
// VPSHUFB control for the mins: words m0,m0,m1,m1,m2,m2,m3,m3 in chunks 0
// and 2, m4,m4,...,m7,m7 in chunks 1 and 3 (each min meets two of the
// sixteen-element activation sums bs).
DATA q4r4min<>+0(SB)/8, $0x8009800980088008
DATA q4r4min<>+8(SB)/8, $0x800b800b800a800a
DATA q4r4min<>+16(SB)/8, $0x800d800d800c800c
DATA q4r4min<>+24(SB)/8, $0x800f800f800e800e
DATA q4r4min<>+32(SB)/8, $0x8009800980088008
DATA q4r4min<>+40(SB)/8, $0x800b800b800a800a
DATA q4r4min<>+48(SB)/8, $0x800d800d800c800c
DATA q4r4min<>+56(SB)/8, $0x800f800f800e800e
GLOBL q4r4min<>(SB), RODATA|NOPTR, $64
// Dword shift counts 0, 4, 0, 0 in every chunk (scale unpacking).
DATA q4r4shift<>+0(SB)/8, $0x0000000400000000
DATA q4r4shift<>+8(SB)/8, $0x0000000000000000
DATA q4r4shift<>+16(SB)/8, $0x0000000400000000
DATA q4r4shift<>+24(SB)/8, $0x0000000000000000
DATA q4r4shift<>+32(SB)/8, $0x0000000400000000
DATA q4r4shift<>+40(SB)/8, $0x0000000000000000
DATA q4r4shift<>+48(SB)/8, $0x0000000400000000
DATA q4r4shift<>+56(SB)/8, $0x0000000000000000
GLOBL q4r4shift<>(SB), RODATA|NOPTR, $64
// Dword indices 0, 2, 4, ..., 14 (lanes 0-7), then 0.
DATA q4r4even<>+0(SB)/8, $0x0000000200000000
DATA q4r4even<>+8(SB)/8, $0x0000000600000004
DATA q4r4even<>+16(SB)/8, $0x0000000a00000008
DATA q4r4even<>+24(SB)/8, $0x0000000e0000000c
DATA q4r4even<>+32(SB)/8, $0
DATA q4r4even<>+40(SB)/8, $0
DATA q4r4even<>+48(SB)/8, $0
DATA q4r4even<>+56(SB)/8, $0
GLOBL q4r4even<>(SB), RODATA|NOPTR, $64

// Q4KROW: the scaled nibble sums of one row (block at P, its unpacked
// scales in chunk c of Z1, c*0x55 = imm) into the 16 dwords of acc, whose
// sum is the row's sumi. Z2-Z7 are scratch. Z2 = [sc0..7, m0..7] of the row
// in every chunk; Z3, Z5, Z4, Z6 = nibbles of sub-blocks (0, 2), (1, 3),
// (4, 6), (5, 7), then their pair sums against x; Z7 = the matching scales
// as words.
#define Q4KROW(P, imm, acc) \
	VSHUFI64X2 $imm, Z1, Z1, Z2; \
	VMOVDQU64  16(P), Z3; \
	VMOVDQU64  80(P), Z4; \
	VPSRLW     $4, Z3, Z5; \
	VPANDD     Z31, Z3, Z3; \
	VPANDD     Z31, Z5, Z5; \
	VPSRLW     $4, Z4, Z6; \
	VPANDD     Z31, Z4, Z4; \
	VPANDD     Z31, Z6, Z6; \
	VPMADDUBSW Z16, Z3, Z3; \
	VPMADDUBSW Z17, Z5, Z5; \
	VPMADDUBSW Z18, Z4, Z4; \
	VPMADDUBSW Z19, Z6, Z6; \
	VPSHUFB    Z24, Z2, Z7; \
	VPMADDWD   Z7, Z3, acc; \
	VPSHUFB    Z25, Z2, Z7; \
	VPDPWSSD   Z7, Z5, acc; \
	VPSHUFB    Z26, Z2, Z7; \
	VPDPWSSD   Z7, Z4, acc; \
	VPSHUFB    Z27, Z2, Z7; \
	VPDPWSSD   Z7, Z6, acc

// func dotQ4_KR4AVX512(row *byte, stride int, q *int8, d *float32, bs *int16, nb int, out *float32, pf int)
TEXT ·dotQ4_KR4AVX512(SB), NOSPLIT, $0-64
	MOVQ         row+0(FP), SI
	MOVQ         stride+8(FP), R8
	MOVQ         q+16(FP), DI
	MOVQ         d+24(FP), DX
	MOVQ         bs+32(FP), BX
	MOVQ         nb+40(FP), CX
	MOVQ         out+48(FP), R11
	MOVQ         pf+56(FP), R12
	ADDQ         SI, R12
	// Row pointers SI, R10, R9, R13 (rows 0-3).
	LEAQ         (SI)(R8*1), R10
	LEAQ         (SI)(R8*2), R9
	LEAQ         (R9)(R8*1), R13
	VPXORD       Z15, Z15, Z15
	MOVL         $0x0f0f0f0f, AX
	VPBROADCASTD AX, Z31
	MOVL         $0x3f3f3f3f, AX
	VPBROADCASTD AX, Z30
	MOVL         $0x03030303, AX
	VPBROADCASTD AX, Z29
	VMOVDQU64    q4r4shift<>(SB), Z28
	VMOVDQU64    q4r4sc0<>(SB), Z24
	VMOVDQU64    q4r4sc1<>(SB), Z25
	VMOVDQU64    q4r4sc2<>(SB), Z26
	VMOVDQU64    q4r4sc3<>(SB), Z27
	VMOVDQU64    q4r4min<>(SB), Z23
	VMOVDQU64    q4r4even<>(SB), Z22
	MOVL         $0x1111, AX
	KMOVW        AX, K1
	TESTQ        CX, CX
	JEQ          q4r4done

q4r4loop:
	// The rows of a later call: 576 = 4*144 bytes a block, nine lines
	// (R12 steps by nine lines, so every line is touched once). Into L2
	// (T1): streaming 72 MiB, 3.3-3.7 ms against 3.7-5.1 ms with T0
	// (BenchmarkQ4_KR4Big); llama-3.2-1b Q4_K_M decode at 1 thread 25.1-26.8
	// against 22.0-25.2 t/s. The Q8_0/Q5_0 kernels stay with T0, which was
	// as fast or faster there.
	PREFETCHT1   (R12)
	PREFETCHT1   64(R12)
	PREFETCHT1   128(R12)
	PREFETCHT1   192(R12)
	PREFETCHT1   256(R12)
	PREFETCHT1   320(R12)
	PREFETCHT1   384(R12)
	PREFETCHT1   448(R12)
	PREFETCHT1   512(R12)
	ADDQ         $576, R12

	// Activations in nibble order: Z16 = x[0:32], x[64:96];
	// Z17 = x[32:64], x[96:128]; Z18, Z19 the same 128 further.
	VMOVDQU64    0(DI), Y16
	VINSERTI64X4 $1, 64(DI), Z16, Z16
	VMOVDQU64    32(DI), Y17
	VINSERTI64X4 $1, 96(DI), Z17, Z17
	VMOVDQU64    128(DI), Y18
	VINSERTI64X4 $1, 192(DI), Z18, Z18
	VMOVDQU64    160(DI), Y19
	VINSERTI64X4 $1, 224(DI), Z19, Z19

	// Bytes 0-15 of the block of row r (d, dmin, 12 bytes of scales)
	// into chunk r of Z20; Y21 = d, dmin of the rows as F16 pairs. The
	// scales and mins (Z0: the 12 bytes at the start of each chunk) are
	// unpacked from their 6-bit fields into chunk r of Z1 as bytes
	// [sc0..sc7, m0..m7].
	VMOVDQU      (SI), X0
	VINSERTI32X4 $1, (R10), Z0, Z20
	VINSERTI32X4 $2, (R9), Z20, Z20
	VINSERTI32X4 $3, (R13), Z20, Z20
	VPCOMPRESSD  Z20, K1, Z21         // dwords 0, 4, 8, 12
	VPSRLDQ      $4, Z20, Z0
	VPANDD       Z30, Z0, Z1          // dword 0: sc0-3, dword 1: m0-3
	VPSHUFD      $0xaa, Z0, Z2        // bytes 8-11 everywhere
	VPSRLVD      Z28, Z2, Z2          // dword 1 shifted by 4
	VPANDD       Z31, Z2, Z2          // low 4 bits of sc4-7, m4-7
	VPSRLD       $6, Z0, Z3
	VPANDD       Z29, Z3, Z3
	VPSLLD       $4, Z3, Z3           // high 2 bits of sc4-7, m4-7
	VPORD        Z3, Z2, Z2           // dword 0: sc4-7, dword 1: m4-7
	VPUNPCKLDQ   Z2, Z1, Z1           // [sc0-3, sc4-7, m0-3, m4-7]

	// sumi of the four rows: 16 dwords each in Z8-Z11.
	Q4KROW(SI, 0x00, Z8)
	Q4KROW(R10, 0x55, Z9)
	Q4KROW(R9, 0xaa, Z10)
	Q4KROW(R13, 0xff, Z11)

	// summ: mins times the pairs of block sums; Z12 chunks hold
	// m_j*(bs[2j]+bs[2j+1]) as [row 0 j<4, row 0 j>=4, row 1 j<4,
	// row 1 j>=4], Z13 the same for rows 2, 3.
	VBROADCASTI64X4 (BX), Z14
	VSHUFI64X2   $0x50, Z1, Z1, Z12
	VSHUFI64X2   $0xfa, Z1, Z1, Z13
	VPSHUFB      Z23, Z12, Z12
	VPSHUFB      Z23, Z13, Z13
	VPMADDWD     Z14, Z12, Z12
	VPMADDWD     Z14, Z13, Z13

	// Reduce: chunk r of Z4 = four dwords summing to sumi of row r,
	// chunk r of Z5 the same for summ.
	VSHUFI64X2   $0x44, Z9, Z8, Z2
	VSHUFI64X2   $0xee, Z9, Z8, Z3
	VPADDD       Z3, Z2, Z2           // chunks: row 0, 0, 1, 1
	VSHUFI64X2   $0x44, Z11, Z10, Z3
	VSHUFI64X2   $0xee, Z11, Z10, Z4
	VPADDD       Z4, Z3, Z3           // chunks: row 2, 2, 3, 3
	VSHUFI64X2   $0x88, Z3, Z2, Z4
	VSHUFI64X2   $0xdd, Z3, Z2, Z5
	VPADDD       Z5, Z4, Z4           // chunks: row 0, 1, 2, 3
	VSHUFI64X2   $0x88, Z13, Z12, Z5
	VSHUFI64X2   $0xdd, Z13, Z12, Z6
	VPADDD       Z6, Z5, Z5
	VPUNPCKLQDQ  Z5, Z4, Z6
	VPUNPCKHQDQ  Z5, Z4, Z7
	VPADDD       Z7, Z6, Z6
	VPSHUFD      $0xb1, Z6, Z7
	VPADDD       Z7, Z6, Z6           // chunk r: [sumi, sumi, summ, summ]
	VPERMD       Z6, Z22, Z6          // Y6 = [sumi0, summ0, ..., sumi3, summ3]
	VCVTDQ2PS    Y6, Y6

	// Y7 = f16 [d, dmin] of the rows times d[b], then the FMA.
	VCVTPH2PS    X21, Y7
	VBROADCASTSS (DX), Y12
	VMULPS       Y12, Y7, Y7
	VFMADD231PS  Y7, Y6, Y15

	ADDQ         $144, SI
	ADDQ         $144, R10
	ADDQ         $144, R9
	ADDQ         $144, R13
	ADDQ         $256, DI
	ADDQ         $4, DX
	ADDQ         $32, BX
	DECQ         CX
	JNE          q4r4loop

q4r4done:
	// accR - accM in the even lanes, then lanes 0, 2, 4, 6 to out.
	VMOVSHDUP    Y15, Y1
	VSUBPS       Y1, Y15, Y1
	VPERMD       Z1, Z22, Z1
	VMOVUPS      X1, (R11)
	VZEROUPPER
	RET
