//go:build !purego

#include "textflag.h"
#include "r4reduce_amd64.h"

// dotQ6_KR4AVX512: AVX-512 (F, BW, VL, VNNI) Q6_K decode kernel, one Q8_K
// activation vector against four consecutive weight rows per call, each row
// bit-identical to dotQ6_K (dot.go).
//
// Integer part (exact, so computed in any order): per row, a 512-bit
// accumulator whose dword k (bytes 0-31) and dword 8+k (bytes 32-63) both
// belong to dotQ6_K's lane k. A 64-byte load of ql at 64h (h: the 128-element
// half of the super-block) holds, in its low nibbles, the 6-bit values'
// low bits of chunks 0 and 1 (elements 128h+0..31, 128h+32..63), and in its
// high nibbles those of chunks 2 and 3 (128h+64..95, 128h+96..127): the same
// byte order as the 64-byte loads of x at 128h and 128h+64, so byte i of a
// 512-bit q vector meets byte i of the x vector, and dword lane k%8 collects
// elements 4k..4k+3 of its 32-element chunk, i.e. lane (e%32)/4. The two high
// bits come from qh[32h+l] (bits 2j, 2j+1 for chunk j). VPMADDUBSW (unsigned
// q 0..63 times signed x, pairs: at most 2*63*128, no saturation) gives
// words; VPDPWSSD multiplies each word by its 16-element group's scale (a
// VPERMW of the 16 sign-extended scales) and adds word pairs into the dwords.
// The accumulator starts at -32*(bs[2k]*sc[2k] + bs[2k+1]*sc[2k+1]) in dword
// k (the minus-32 offset of the weights), and its two 256-bit halves are
// added at the end of the block.
//
// Float part (as dotQ6_K, lane for lane): rows 0 and 1 share Z0, rows 2 and
// 3 Z1 (row 2k in lanes 0-7, row 2k+1 in lanes 8-15); per block
// dd = d[b]*f16(d_w) (one multiply), acc = fma(dd, float32(lane), acc);
// reduce8 per row at the end.
//
// The loop prefetches (PREFETCHT1, into L2), from pf bytes past row on, as
// many bytes per block as the four rows' blocks take (840), i.e. the rows of
// a later call. Streaming from memory (Zen 4) the four 210-byte-step streams
// ran at half the one-row kernel's speed with no prefetch or PREFETCHT0, and
// a little faster than it with PREFETCHT1 at 32-64 KB ahead.

// qh masks: 0x33 in bytes 0-31 (chunks 0 and 2 use qh bits 0-1 and 4-5),
// 0xcc in bytes 32-63 (chunks 1 and 3 use bits 2-3 and 6-7).
DATA q6r4qhm<>+0(SB)/8, $0x3333333333333333
DATA q6r4qhm<>+8(SB)/8, $0x3333333333333333
DATA q6r4qhm<>+16(SB)/8, $0x3333333333333333
DATA q6r4qhm<>+24(SB)/8, $0x3333333333333333
DATA q6r4qhm<>+32(SB)/8, $0xcccccccccccccccc
DATA q6r4qhm<>+40(SB)/8, $0xcccccccccccccccc
DATA q6r4qhm<>+48(SB)/8, $0xcccccccccccccccc
DATA q6r4qhm<>+56(SB)/8, $0xcccccccccccccccc
GLOBL q6r4qhm<>(SB), RODATA|NOPTR, $64
// Word shift counts (left) for the low-nibble chunks: 4 (chunk 0), 2 (chunk 1).
DATA q6r4shl<>+0(SB)/8, $0x0004000400040004
DATA q6r4shl<>+8(SB)/8, $0x0004000400040004
DATA q6r4shl<>+16(SB)/8, $0x0004000400040004
DATA q6r4shl<>+24(SB)/8, $0x0004000400040004
DATA q6r4shl<>+32(SB)/8, $0x0002000200020002
DATA q6r4shl<>+40(SB)/8, $0x0002000200020002
DATA q6r4shl<>+48(SB)/8, $0x0002000200020002
DATA q6r4shl<>+56(SB)/8, $0x0002000200020002
GLOBL q6r4shl<>(SB), RODATA|NOPTR, $64
// Word shift counts (right) for the high-nibble chunks: 0 (chunk 2), 2 (chunk 3).
DATA q6r4shr<>+0(SB)/8, $0x0000000000000000
DATA q6r4shr<>+8(SB)/8, $0x0000000000000000
DATA q6r4shr<>+16(SB)/8, $0x0000000000000000
DATA q6r4shr<>+24(SB)/8, $0x0000000000000000
DATA q6r4shr<>+32(SB)/8, $0x0002000200020002
DATA q6r4shr<>+40(SB)/8, $0x0002000200020002
DATA q6r4shr<>+48(SB)/8, $0x0002000200020002
DATA q6r4shr<>+56(SB)/8, $0x0002000200020002
GLOBL q6r4shr<>(SB), RODATA|NOPTR, $64
// VPERMW indices: word i takes scale word 0 + i/8.
DATA q6r4sc0<>+0(SB)/8, $0x0000000000000000
DATA q6r4sc0<>+8(SB)/8, $0x0000000000000000
DATA q6r4sc0<>+16(SB)/8, $0x0001000100010001
DATA q6r4sc0<>+24(SB)/8, $0x0001000100010001
DATA q6r4sc0<>+32(SB)/8, $0x0002000200020002
DATA q6r4sc0<>+40(SB)/8, $0x0002000200020002
DATA q6r4sc0<>+48(SB)/8, $0x0003000300030003
DATA q6r4sc0<>+56(SB)/8, $0x0003000300030003
GLOBL q6r4sc0<>(SB), RODATA|NOPTR, $64
// VPERMW indices: word i takes scale word 4 + i/8.
DATA q6r4sc1<>+0(SB)/8, $0x0004000400040004
DATA q6r4sc1<>+8(SB)/8, $0x0004000400040004
DATA q6r4sc1<>+16(SB)/8, $0x0005000500050005
DATA q6r4sc1<>+24(SB)/8, $0x0005000500050005
DATA q6r4sc1<>+32(SB)/8, $0x0006000600060006
DATA q6r4sc1<>+40(SB)/8, $0x0006000600060006
DATA q6r4sc1<>+48(SB)/8, $0x0007000700070007
DATA q6r4sc1<>+56(SB)/8, $0x0007000700070007
GLOBL q6r4sc1<>(SB), RODATA|NOPTR, $64
// VPERMW indices: word i takes scale word 8 + i/8.
DATA q6r4sc2<>+0(SB)/8, $0x0008000800080008
DATA q6r4sc2<>+8(SB)/8, $0x0008000800080008
DATA q6r4sc2<>+16(SB)/8, $0x0009000900090009
DATA q6r4sc2<>+24(SB)/8, $0x0009000900090009
DATA q6r4sc2<>+32(SB)/8, $0x000a000a000a000a
DATA q6r4sc2<>+40(SB)/8, $0x000a000a000a000a
DATA q6r4sc2<>+48(SB)/8, $0x000b000b000b000b
DATA q6r4sc2<>+56(SB)/8, $0x000b000b000b000b
GLOBL q6r4sc2<>(SB), RODATA|NOPTR, $64
// VPERMW indices: word i takes scale word 12 + i/8.
DATA q6r4sc3<>+0(SB)/8, $0x000c000c000c000c
DATA q6r4sc3<>+8(SB)/8, $0x000c000c000c000c
DATA q6r4sc3<>+16(SB)/8, $0x000d000d000d000d
DATA q6r4sc3<>+24(SB)/8, $0x000d000d000d000d
DATA q6r4sc3<>+32(SB)/8, $0x000e000e000e000e
DATA q6r4sc3<>+40(SB)/8, $0x000e000e000e000e
DATA q6r4sc3<>+48(SB)/8, $0x000f000f000f000f
DATA q6r4sc3<>+56(SB)/8, $0x000f000f000f000f
GLOBL q6r4sc3<>(SB), RODATA|NOPTR, $64
// Lanes 0-7 take element 0 (row 0's dd), lanes 8-15 element 1 (row 1's).
DATA q6r4perm01<>+0(SB)/8, $0x0000000000000000
DATA q6r4perm01<>+8(SB)/8, $0x0000000000000000
DATA q6r4perm01<>+16(SB)/8, $0x0000000000000000
DATA q6r4perm01<>+24(SB)/8, $0x0000000000000000
DATA q6r4perm01<>+32(SB)/8, $0x0000000100000001
DATA q6r4perm01<>+40(SB)/8, $0x0000000100000001
DATA q6r4perm01<>+48(SB)/8, $0x0000000100000001
DATA q6r4perm01<>+56(SB)/8, $0x0000000100000001
GLOBL q6r4perm01<>(SB), RODATA|NOPTR, $64
// Lanes 0-7 take element 2, lanes 8-15 element 3.
DATA q6r4perm23<>+0(SB)/8, $0x0000000200000002
DATA q6r4perm23<>+8(SB)/8, $0x0000000200000002
DATA q6r4perm23<>+16(SB)/8, $0x0000000200000002
DATA q6r4perm23<>+24(SB)/8, $0x0000000200000002
DATA q6r4perm23<>+32(SB)/8, $0x0000000300000003
DATA q6r4perm23<>+40(SB)/8, $0x0000000300000003
DATA q6r4perm23<>+48(SB)/8, $0x0000000300000003
DATA q6r4perm23<>+56(SB)/8, $0x0000000300000003
GLOBL q6r4perm23<>(SB), RODATA|NOPTR, $64

// Half h of one row's block at P (ql at qloff, qh at qhoff) against the x
// vectors xlo (chunks 0, 1) and xhi (chunks 2, 3), scales in Z21 (words),
// VPERMW indices ilo, ihi; adds into acc.
#define Q6HALF(P, qloff, qhoff, xlo, xhi, ilo, ihi, acc) \
	VBROADCASTI64X4 qhoff(P), Z22; \
	VPANDD          Z3, Z22, Z22; \
	VPSLLVW         Z4, Z22, Z23; \
	VPSRLVW         Z5, Z22, Z22; \
	VMOVDQU64       qloff(P), Z24; \
	VPTERNLOGD      $0xd8, Z2, Z24, Z23; \
	VPSRLW          $4, Z24, Z24; \
	VPTERNLOGD      $0xd8, Z2, Z24, Z22; \
	VPMADDUBSW      xlo, Z23, Z23; \
	VPMADDUBSW      xhi, Z22, Z22; \
	VPERMW          Z21, ilo, Z25; \
	VPERMW          Z21, ihi, Z26; \
	VPDPWSSD        Z25, Z23, acc; \
	VPDPWSSD        Z26, Z22, acc

// In Q6HALF: Z22 = qh masked (bits 0-1, 4-5 in bytes 0-31, bits 2-3, 6-7 in
// bytes 32-63); Z23 = the high bits of chunks 0|1 moved to bits 4-5 (bits
// 6-7 zero), Z22 those of chunks 2|3; VPTERNLOGD $0xd8 with Z2 = 0x0f bytes
// takes bits 0-3 from ql (or ql>>4) and bits 4-7 from the high bits: the
// 6-bit values of chunks 0|1 in Z23, of chunks 2|3 in Z22.

// One row's block at P into the int32 accumulator acc (accY: its low half).
// Y16 holds -bs of the block, Z12-Z15 its x.
#define Q6ROW(P, accY, accZ) \
	VPMOVSXBW       192(P), Y21; \
	VPMADDWD        Y16, Y21, accY; \
	VPSLLD          $5, accY, accY; \
	Q6HALF(P, 0, 128, Z12, Z13, Z6, Z7, accZ); \
	Q6HALF(P, 64, 160, Z14, Z15, Z8, Z9, accZ)

// func dotQ6_KR4AVX512(row *byte, stride int, q *int8, d *float32, bs *int16, nb int, out *float32, pf int)
// dotQ6_K of rows row, row+stride, row+2*stride, row+3*stride against one
// Q8_K activation vector (q, d, bs), into out[0..3].
TEXT ·dotQ6_KR4AVX512(SB), NOSPLIT, $0-64
	MOVQ         row+0(FP), SI
	MOVQ         stride+8(FP), R8
	MOVQ         q+16(FP), DI
	MOVQ         d+24(FP), DX
	MOVQ         bs+32(FP), BX
	MOVQ         nb+40(FP), CX
	MOVQ         out+48(FP), R11
	MOVQ         pf+56(FP), R12
	ADDQ         SI, R12
	LEAQ         (SI)(R8*1), R9
	LEAQ         (SI)(R8*2), R10
	LEAQ         (R9)(R8*2), R13
	VPXORD       Z0, Z0, Z0
	VPXORD       Z1, Z1, Z1
	MOVL         $0x0f0f0f0f, AX
	VPBROADCASTD AX, Z2
	VMOVDQU64    q6r4qhm<>(SB), Z3
	VMOVDQU64    q6r4shl<>(SB), Z4
	VMOVDQU64    q6r4shr<>(SB), Z5
	VMOVDQU64    q6r4sc0<>(SB), Z6
	VMOVDQU64    q6r4sc1<>(SB), Z7
	VMOVDQU64    q6r4sc2<>(SB), Z8
	VMOVDQU64    q6r4sc3<>(SB), Z9
	VMOVDQU64    q6r4perm01<>(SB), Z10
	VMOVDQU64    q6r4perm23<>(SB), Z11
	TESTQ        CX, CX
	JEQ          q6r4done

q6r4loop:
	PREFETCHT1   (R12)
	PREFETCHT1   64(R12)
	PREFETCHT1   128(R12)
	PREFETCHT1   192(R12)
	PREFETCHT1   256(R12)
	PREFETCHT1   320(R12)
	PREFETCHT1   384(R12)
	PREFETCHT1   448(R12)
	PREFETCHT1   512(R12)
	PREFETCHT1   576(R12)
	PREFETCHT1   640(R12)
	PREFETCHT1   704(R12)
	PREFETCHT1   768(R12)
	PREFETCHT1   832(R12)
	ADDQ         $840, R12
	// x of the block: elements 0-63, 64-127, 128-191, 192-255.
	VMOVDQU64    0(DI), Z12
	VMOVDQU64    64(DI), Z13
	VMOVDQU64    128(DI), Z14
	VMOVDQU64    192(DI), Z15
	// Y16 = -bs (16 words; |bs| <= 2048).
	VPXORD       Y16, Y16, Y16
	VPSUBW       (BX), Y16, Y16
	Q6ROW(SI, Y17, Z17)
	Q6ROW(R9, Y18, Z18)
	Q6ROW(R10, Y19, Z19)
	Q6ROW(R13, Y20, Z20)
	// X21 = d[b] * f16 d_w of rows 0-3; Z22 = [dd0 x8, dd1 x8],
	// Z23 = [dd2 x8, dd3 x8].
	MOVWLZX      208(SI), AX
	VMOVD        AX, X21
	VPINSRW      $1, 208(R9), X21, X21
	VPINSRW      $2, 208(R10), X21, X21
	VPINSRW      $3, 208(R13), X21, X21
	VCVTPH2PS    X21, X21
	VBROADCASTSS (DX), X22
	VMULPS       X21, X22, X21
	VPERMPS      Z21, Z10, Z22
	VPERMPS      Z21, Z11, Z23
	// rows 0, 1: [acc0 lo + acc0 hi, acc1 lo + acc1 hi], the eight lanes
	// of each row; acc += dd*float32(lanes).
	VSHUFI64X2   $0x44, Z18, Z17, Z24
	VSHUFI64X2   $0xee, Z18, Z17, Z25
	VPADDD       Z25, Z24, Z24
	VCVTDQ2PS    Z24, Z24
	VFMADD231PS  Z24, Z22, Z0
	// rows 2, 3
	VSHUFI64X2   $0x44, Z20, Z19, Z26
	VSHUFI64X2   $0xee, Z20, Z19, Z27
	VPADDD       Z27, Z26, Z26
	VCVTDQ2PS    Z26, Z26
	VFMADD231PS  Z26, Z23, Z1
	ADDQ         $210, SI
	ADDQ         $210, R9
	ADDQ         $210, R10
	ADDQ         $210, R13
	ADDQ         $256, DI
	ADDQ         $4, DX
	ADDQ         $32, BX
	DECQ         CX
	JNE          q6r4loop

q6r4done:
	VEXTRACTF64X4 $1, Z0, Y2
	VEXTRACTF64X4 $1, Z1, Y3
	R4REDUCE8(Y0, X0, 0)
	R4REDUCE8(Y2, X2, 4)
	R4REDUCE8(Y1, X1, 8)
	R4REDUCE8(Y3, X3, 12)
	VZEROUPPER
	RET
