//go:build !purego

#include "textflag.h"
#include "r4reduce_amd64.h"

// AVX-512 (F, BW, VL, VNNI) decode kernels: one activation vector against
// four consecutive weight rows (stride bytes apart) at once. Two rows share
// a ZMM register (row 2k in lanes 0-7, row 2k+1 in lanes 8-15), so every
// lane follows exactly the float steps of the one-row kernel in dot.go
// (same lanes, same order, same fused or unfused operations); only the
// integer parts, which are exact in any order, are computed differently
// (VPDPBUSD on w+128 and x, minus 128 times the sums of x). The four
// independent rows hide the latency of the per-block float chains.

// Lane indices: lanes 0-7 take element 0 (2), lanes 8-15 element 1 (3).
DATA r4perm01<>+0(SB)/8, $0x0000000000000000
DATA r4perm01<>+8(SB)/8, $0x0000000000000000
DATA r4perm01<>+16(SB)/8, $0x0000000000000000
DATA r4perm01<>+24(SB)/8, $0x0000000000000000
DATA r4perm01<>+32(SB)/8, $0x0000000100000001
DATA r4perm01<>+40(SB)/8, $0x0000000100000001
DATA r4perm01<>+48(SB)/8, $0x0000000100000001
DATA r4perm01<>+56(SB)/8, $0x0000000100000001
GLOBL r4perm01<>(SB), RODATA|NOPTR, $64
DATA r4perm23<>+0(SB)/8, $0x0000000200000002
DATA r4perm23<>+8(SB)/8, $0x0000000200000002
DATA r4perm23<>+16(SB)/8, $0x0000000200000002
DATA r4perm23<>+24(SB)/8, $0x0000000200000002
DATA r4perm23<>+32(SB)/8, $0x0000000300000003
DATA r4perm23<>+40(SB)/8, $0x0000000300000003
DATA r4perm23<>+48(SB)/8, $0x0000000300000003
DATA r4perm23<>+56(SB)/8, $0x0000000300000003
GLOBL r4perm23<>(SB), RODATA|NOPTR, $64
// Lanes 4j..4j+3 take element j.
DATA r4perm4<>+0(SB)/8, $0x0000000000000000
DATA r4perm4<>+8(SB)/8, $0x0000000000000000
DATA r4perm4<>+16(SB)/8, $0x0000000100000001
DATA r4perm4<>+24(SB)/8, $0x0000000100000001
DATA r4perm4<>+32(SB)/8, $0x0000000200000002
DATA r4perm4<>+40(SB)/8, $0x0000000200000002
DATA r4perm4<>+48(SB)/8, $0x0000000300000003
DATA r4perm4<>+56(SB)/8, $0x0000000300000003
GLOBL r4perm4<>(SB), RODATA|NOPTR, $64
// Lanes 0-3 take lanes 0, 4, 8, 12.
DATA r4pick<>+0(SB)/8, $0x0000000400000000
DATA r4pick<>+8(SB)/8, $0x0000000c00000008
DATA r4pick<>+16(SB)/8, $0x0000000000000000
DATA r4pick<>+24(SB)/8, $0x0000000000000000
DATA r4pick<>+32(SB)/8, $0x0000000000000000
DATA r4pick<>+40(SB)/8, $0x0000000000000000
DATA r4pick<>+48(SB)/8, $0x0000000000000000
DATA r4pick<>+56(SB)/8, $0x0000000000000000
GLOBL r4pick<>(SB), RODATA|NOPTR, $64
// Word shift counts: 0 in 128-bit chunks 0 and 2, 4 in chunks 1 and 3.
DATA r4nib<>+0(SB)/8, $0x0000000000000000
DATA r4nib<>+8(SB)/8, $0x0000000000000000
DATA r4nib<>+16(SB)/8, $0x0004000400040004
DATA r4nib<>+24(SB)/8, $0x0004000400040004
DATA r4nib<>+32(SB)/8, $0x0000000000000000
DATA r4nib<>+40(SB)/8, $0x0000000000000000
DATA r4nib<>+48(SB)/8, $0x0004000400040004
DATA r4nib<>+56(SB)/8, $0x0004000400040004
GLOBL r4nib<>(SB), RODATA|NOPTR, $64

// The loops prefetch, from pf bytes past row on, as many bytes as the four
// rows hold (the rows of a later call), which the hardware prefetchers,
// seeing four interleaved streams, do not fetch early enough.


// Four F16 scales at (SI), (SI)(R8), (R9), (R9)(R8) (plus off), converted
// and multiplied by the activation scale at (DX), into X5.
#define R4SCALES(off) \
	MOVWLZX   off(SI), AX; \
	MOVWLZX   off(SI)(R8*1), BX; \
	SHLL      $16, BX; \
	ORL       BX, AX; \
	MOVWLZX   off(R9), BX; \
	MOVWLZX   off(R9)(R8*1), R10; \
	SHLL      $16, R10; \
	ORL       R10, BX; \
	SHLQ      $32, BX; \
	ORQ       BX, AX; \
	VMOVQ     AX, X5; \
	VCVTPH2PS X5, X5; \
	VBROADCASTSS (DX), X6; \
	VMULPS    X6, X5, X5

// func dotQ8_0R4AVX512(row *byte, stride int, q *int8, d *float32, nb int, out *float32, pf int)
// dotQ8_0 of rows row, row+stride, row+2*stride, row+3*stride against one
// Q8_0 activation vector, out[0..3].
TEXT ·dotQ8_0R4AVX512(SB), NOSPLIT, $0-56
	MOVQ         row+0(FP), SI
	MOVQ         stride+8(FP), R8
	MOVQ         q+16(FP), DI
	MOVQ         d+24(FP), DX
	MOVQ         nb+32(FP), CX
	MOVQ         out+40(FP), R11
	LEAQ         (SI)(R8*2), R9
	MOVQ         pf+48(FP), R12
	ADDQ         SI, R12
	VPXORD       Z0, Z0, Z0
	VPXORD       Z1, Z1, Z1
	VPXORD       Z15, Z15, Z15
	MOVL         $0x80808080, AX
	VPBROADCASTD AX, Z2
	VMOVDQU64    r4perm01<>(SB), Z3
	VMOVDQU64    r4perm23<>(SB), Z4
	TESTQ        CX, CX
	JEQ          q8r4done

q8r4loop:
	PREFETCHT0       (R12)
	PREFETCHT0       64(R12)
	PREFETCHT0       128(R12)
	ADDQ             $136, R12
	R4SCALES(0)
	VPERMPS          Z5, Z3, Z6
	VPERMPS          Z5, Z4, Z7
	// Z8 = -128 * (sums of four x), both halves.
	VBROADCASTI64X4  (DI), Z9
	VPXORD           Z8, Z8, Z8
	VPDPBUSD         Z9, Z2, Z8
	VPSUBD           Z8, Z15, Z8
	// rows 0, 1
	VMOVDQU          2(SI), Y10
	VINSERTI64X4     $1, 2(SI)(R8*1), Z10, Z10
	VPXORD           Z2, Z10, Z10
	VMOVDQA64        Z8, Z11
	VPDPBUSD         Z9, Z10, Z11
	VCVTDQ2PS        Z11, Z11
	VFMADD231PS      Z11, Z6, Z0
	// rows 2, 3
	VMOVDQU          2(R9), Y12
	VINSERTI64X4     $1, 2(R9)(R8*1), Z12, Z12
	VPXORD           Z2, Z12, Z12
	VMOVDQA64        Z8, Z13
	VPDPBUSD         Z9, Z12, Z13
	VCVTDQ2PS        Z13, Z13
	VFMADD231PS      Z13, Z7, Z1
	ADDQ             $34, SI
	ADDQ             $34, R9
	ADDQ             $32, DI
	ADDQ             $4, DX
	DECQ             CX
	JNE              q8r4loop

q8r4done:
	VEXTRACTF64X4 $1, Z0, Y2
	VEXTRACTF64X4 $1, Z1, Y3
	R4REDUCE8(Y0, X0, 0)
	R4REDUCE8(Y2, X2, 4)
	R4REDUCE8(Y1, X1, 8)
	R4REDUCE8(Y3, X3, 12)
	VZEROUPPER
	RET

// Q5_0 values of rows P and P+stride (one block) as w+128 in Z9 (row P in
// bytes 0-31), for VPDPBUSD: nibbles | 0x70, plus 16 where the fifth bit
// is set.
#define Q50PAIR(P) \
	VBROADCASTI128   6(P), Y9; \
	VBROADCASTI128   6(P)(R8*1), Y10; \
	VINSERTI64X4     $1, Y10, Z9, Z9; \
	VPSRLVW          Z16, Z9, Z9; \
	VPTERNLOGD       $0xea, Z18, Z17, Z9; \
	MOVL             2(P), AX; \
	MOVL             2(P)(R8*1), BX; \
	SHLQ             $32, BX; \
	ORQ              BX, AX; \
	KMOVQ            AX, K1; \
	VPADDB           Z19, Z9, K1, Z9

// Two-block Q5_0 loop: byte permutation of two consecutive 22-byte blocks
// (bytes 0-43 of a row): the 16 nibble bytes of block k to bytes 32k+0-15 and
// 32k+16-31.
DATA q5qsidx<>+0(SB)/8, $0x0d0c0b0a09080706
DATA q5qsidx<>+8(SB)/8, $0x1514131211100f0e
DATA q5qsidx<>+16(SB)/8, $0x0d0c0b0a09080706
DATA q5qsidx<>+24(SB)/8, $0x1514131211100f0e
DATA q5qsidx<>+32(SB)/8, $0x232221201f1e1d1c
DATA q5qsidx<>+40(SB)/8, $0x2b2a292827262524
DATA q5qsidx<>+48(SB)/8, $0x232221201f1e1d1c
DATA q5qsidx<>+56(SB)/8, $0x2b2a292827262524
GLOBL q5qsidx<>(SB), RODATA|NOPTR, $64
// Word gathers of the F16 scales (word 0 and 11 of each row's blocks).
DATA q5sc02<>+0(SB)/8, $0x0000000000200000
DATA q5sc02<>+8(SB)/8, $0x00000000002b000b
DATA q5sc02<>+16(SB)/8, $0x0000000000000000
DATA q5sc02<>+24(SB)/8, $0x0000000000000000
DATA q5sc02<>+32(SB)/8, $0x0000000000000000
DATA q5sc02<>+40(SB)/8, $0x0000000000000000
DATA q5sc02<>+48(SB)/8, $0x0000000000000000
DATA q5sc02<>+56(SB)/8, $0x0000000000000000
GLOBL q5sc02<>(SB), RODATA|NOPTR, $64
DATA q5sc13<>+0(SB)/8, $0x0000000000000000
DATA q5sc13<>+8(SB)/8, $0x0000000000000000
DATA q5sc13<>+16(SB)/8, $0x0000000000200000
DATA q5sc13<>+24(SB)/8, $0x00000000002b000b
DATA q5sc13<>+32(SB)/8, $0x0000000000000000
DATA q5sc13<>+40(SB)/8, $0x0000000000000000
DATA q5sc13<>+48(SB)/8, $0x0000000000000000
DATA q5sc13<>+56(SB)/8, $0x0000000000000000
GLOBL q5sc13<>(SB), RODATA|NOPTR, $64
// Sums of rows 0-3 from lanes 0, 8, 1, 9 to chunks 0-3.
DATA q5tochunk<>+0(SB)/8, $0x0000000000000000
DATA q5tochunk<>+8(SB)/8, $0x0000000000000000
DATA q5tochunk<>+16(SB)/8, $0x0000000800000008
DATA q5tochunk<>+24(SB)/8, $0x0000000800000008
DATA q5tochunk<>+32(SB)/8, $0x0000000100000001
DATA q5tochunk<>+40(SB)/8, $0x0000000100000001
DATA q5tochunk<>+48(SB)/8, $0x0000000900000009
DATA q5tochunk<>+56(SB)/8, $0x0000000900000009
GLOBL q5tochunk<>(SB), RODATA|NOPTR, $64

// One row's two Q5_0 blocks (44 bytes at addr) as w+128 (block k in bytes
// 32k-32k+31), dotted with the two activation blocks in Z4: int32 lanes
// (minus 128 times the x sums, Z8) into res; the raw bytes stay in raw.
#define Q50ROW2(addr, qh0, qh1, raw, res) \
	VMOVDQU8.Z   addr, K5, raw; \
	MOVL         qh0, AX; \
	MOVL         qh1, BX; \
	SHLQ         $32, BX; \
	ORQ          BX, AX; \
	KMOVQ        AX, K1; \
	VPERMB       raw, Z20, Z10; \
	VPSRLVW      Z16, Z10, Z10; \
	VPTERNLOGD   $0xea, Z18, Z17, Z10; \
	VPADDB       Z19, Z10, K1, Z10; \
	VMOVDQA64    Z8, res; \
	VPDPBUSD     Z4, Z10, res

// func dotQ5_0R4AVX512(row *byte, stride int, q *int8, d *float32, nb int, out *float32, pf int)
// dotQ5_0 of four rows against one Q8_0 activation vector, out[0..3]. The
// four block sums are reduced into 128-bit chunks 0-3 (all four lanes of
// chunk j hold row j's sum) and every lane takes dotQ5_0's float steps.
TEXT ·dotQ5_0R4AVX512(SB), NOSPLIT, $0-56
	MOVQ         row+0(FP), SI
	MOVQ         stride+8(FP), R8
	MOVQ         q+16(FP), DI
	MOVQ         d+24(FP), DX
	MOVQ         nb+32(FP), CX
	MOVQ         out+40(FP), R11
	LEAQ         (SI)(R8*2), R9
	MOVQ         pf+48(FP), R12
	ADDQ         SI, R12
	VPXORD       Z0, Z0, Z0
	VPXORD       Z15, Z15, Z15
	MOVL         $0x80808080, AX
	VPBROADCASTD AX, Z2
	VMOVDQU64    r4perm4<>(SB), Z3
	VMOVDQU64    r4nib<>(SB), Z16
	MOVL         $0x0f0f0f0f, AX
	VPBROADCASTD AX, Z17
	MOVL         $0x70707070, AX
	VPBROADCASTD AX, Z18
	MOVL         $0x10101010, AX
	VPBROADCASTD AX, Z19
	MOVQ         CX, R13
	SHRQ         $1, R13
	JEQ          q5r4tail
	VMOVDQU64    q5qsidx<>(SB), Z20
	VMOVDQU64    q5sc02<>(SB), Z23
	VMOVDQU64    q5sc13<>(SB), Z24
	MOVQ         $0xfffffffffff, AX
	KMOVQ        AX, K5
	MOVL         $0xff00, AX
	KMOVD        AX, K3
	MOVL         $0xf0f0, AX
	KMOVD        AX, K4

	// Two blocks per step. Sums: row 0 in lane 0, row 2 in lane 1, row 1
	// in lane 8, row 3 in lane 9 (the other lanes unused).
q5r4pair:
	PREFETCHT0       (R12)
	PREFETCHT0       64(R12)
	PREFETCHT0       128(R12)
	ADDQ             $176, R12
	VMOVDQU64        (DI), Z4
	VPXORD           Z8, Z8, Z8
	VPDPBUSD         Z4, Z2, Z8
	VPSUBD           Z8, Z15, Z8
	Q50ROW2((SI), 2(SI), 24(SI), Z25, Z11)
	Q50ROW2((SI)(R8*1), 2(SI)(R8*1), 24(SI)(R8*1), Z26, Z12)
	Q50ROW2((R9), 2(R9), 24(R9), Z27, Z30)
	Q50ROW2((R9)(R8*1), 2(R9)(R8*1), 24(R9)(R8*1), Z28, Z31)
	// [r0b0 r0b1 r1b0 r1b1] and [r2b0 r2b1 r3b0 r3b1] (4 lanes each), then
	// chunk k = [u, v, u, v] with u, v the sums of chunk k of each.
	VSHUFI64X2       $0x88, Z12, Z11, Z13
	VSHUFI64X2       $0xdd, Z12, Z11, Z14
	VPADDD           Z14, Z13, Z13
	VSHUFI64X2       $0x88, Z31, Z30, Z14
	VSHUFI64X2       $0xdd, Z31, Z30, Z10
	VPADDD           Z10, Z14, Z14
	VPUNPCKLDQ       Z14, Z13, Z10
	VPUNPCKHDQ       Z14, Z13, Z11
	VPADDD           Z11, Z10, Z10
	VPSHUFD          $0x4e, Z10, Z11
	VPADDD           Z11, Z10, Z10
	VCVTDQ2PS        Z10, Z10
	// Scales in the same lanes: F16 scales times d_x of block 0 (chunks
	// 0, 2) or block 1 (chunks 1, 3).
	VPERMT2W         Z27, Z23, Z25
	VPERMT2W         Z28, Z24, Z26
	VMOVDQU16        Y26, K3, Y25
	VCVTPH2PS        Y25, Z5
	VBROADCASTSS     (DX), Z6
	VBROADCASTSS     4(DX), K4, Z6
	VMULPS           Z6, Z5, Z5
#ifdef GOAMD64_v3
	VFMADD231PS      Z5, Z10, Z0
	VSHUFF32X4       $0xf5, Z10, Z10, Z10
	VSHUFF32X4       $0xf5, Z5, Z5, Z5
	VFMADD231PS      Z5, Z10, Z0
#else
#ifdef GOAMD64_v4
	VFMADD231PS      Z5, Z10, Z0
	VSHUFF32X4       $0xf5, Z10, Z10, Z10
	VSHUFF32X4       $0xf5, Z5, Z5, Z5
	VFMADD231PS      Z5, Z10, Z0
#else
	VMULPS           Z5, Z10, Z10
	VADDPS           Z10, Z0, Z0
	VSHUFF32X4       $0xf5, Z10, Z10, Z10
	VADDPS           Z10, Z0, Z0
#endif
#endif
	ADDQ             $44, SI
	ADDQ             $44, R9
	ADDQ             $64, DI
	ADDQ             $8, DX
	DECQ             R13
	JNE              q5r4pair
	VMOVDQU64        q5tochunk<>(SB), Z5
	VPERMPS          Z0, Z5, Z0

q5r4tail:
	ANDQ         $1, CX
	JEQ          q5r4done

q5r4loop:
	PREFETCHT0       (R12)
	PREFETCHT0       64(R12)
	ADDQ             $88, R12
	VBROADCASTI64X4  (DI), Z4
	VPXORD           Z8, Z8, Z8
	VPDPBUSD         Z4, Z2, Z8
	VPSUBD           Z8, Z15, Z8
	// rows 0, 1
	Q50PAIR(SI)
	VMOVDQA64        Z8, Z11
	VPDPBUSD         Z4, Z9, Z11
	// rows 2, 3
	Q50PAIR(R9)
	VMOVDQA64        Z8, Z12
	VPDPBUSD         Z4, Z9, Z12
	// Z11 = [row0 lo, row1 lo, row2 lo, row3 lo] + [.. hi ..], then the
	// four lanes of each chunk summed.
	VSHUFI64X2       $0x88, Z12, Z11, Z13
	VSHUFI64X2       $0xdd, Z12, Z11, Z14
	VPADDD           Z14, Z13, Z13
	VPSHUFD          $0x4e, Z13, Z14
	VPADDD           Z14, Z13, Z13
	VPSHUFD          $0xb1, Z13, Z14
	VPADDD           Z14, Z13, Z13
	VCVTDQ2PS        Z13, Z13
	R4SCALES(0)
	VPERMPS          Z5, Z3, Z6
#ifdef GOAMD64_v3
	VFMADD231PS      Z6, Z13, Z0
#else
#ifdef GOAMD64_v4
	VFMADD231PS      Z6, Z13, Z0
#else
	VMULPS           Z6, Z13, Z13
	VADDPS           Z13, Z0, Z0
#endif
#endif
	ADDQ             $22, SI
	ADDQ             $22, R9
	ADDQ             $32, DI
	ADDQ             $4, DX
	DECQ             CX
	JNE              q5r4loop

q5r4done:
	VMOVDQU64    r4pick<>(SB), Z3
	VPERMPS      Z0, Z3, Z0
	VMOVUPS      X0, (R11)
	VZEROUPPER
	RET
