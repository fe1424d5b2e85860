//go:build !purego

#include "textflag.h"

// NEON twins of dotQ8_0 and dotF16Vec (dot.go), bit-identical to them. Go's
// arm64 assembler lacks SDOT, SMULL/SMULL2, SADDLP, ADDP (vector), SCVTF
// (vector), FADD (vector), FADDP and FCVTL/FCVTL2; those are encoded with
// WORD, the instruction in the comment (encodings checked with llvm-mc and
// by the tests in dot_arm64_test.go).

// func dotQ8_0SDOT(row *byte, q *int8, d *float32, nb int) float32
//
// nb >= 1. Per block: two SDOTs give the eight exact int32 lanes (lane l =
// products of elements 4l..4l+3), SCVTF makes them float32 (exact: |p| <=
// 65536), sc = f16(scale)*d[b] in one FMULS, and FMLA (one rounding, as
// FMA32) adds sc*p to the lane accumulators V8 (lanes 0-3) and V9 (4-7).
// Then reduce8.
TEXT ·dotQ8_0SDOT(SB), NOSPLIT, $0-36
	MOVD	row+0(FP), R0
	MOVD	q+8(FP), R1
	MOVD	d+16(FP), R2
	MOVD	nb+24(FP), R3
	VEOR	V8.B16, V8.B16, V8.B16
	VEOR	V9.B16, V9.B16, V9.B16

q8sdotloop:
	MOVHU	(R0), R4
	ADD	$2, R0, R5
	VLD1	(R5), [V0.B16, V1.B16]
	VLD1.P	32(R1), [V2.B16, V3.B16]
	VEOR	V4.B16, V4.B16, V4.B16
	VEOR	V5.B16, V5.B16, V5.B16
	WORD	$0x4e829404 // SDOT V4.4S, V0.16B, V2.16B
	WORD	$0x4e839425 // SDOT V5.4S, V1.16B, V3.16B
	WORD	$0x4e21d884 // SCVTF V4.4S, V4.4S
	WORD	$0x4e21d8a5 // SCVTF V5.4S, V5.4S
	FMOVS	R4, F6
	FCVTHS	F6, F6
	FMOVS.P	4(R2), F7
	FMULS	F7, F6, F6
	VDUP	V6.S[0], V6.S4
	VFMLA	V6.S4, V4.S4, V8.S4
	VFMLA	V6.S4, V5.S4, V9.S4
	ADD	$34, R0
	SUBS	$1, R3
	BNE	q8sdotloop

	// reduce8: t = s[4:8]+s[0:4]; (t0+t2)+(t1+t3).
	WORD	$0x4e28d52a // FADD V10.4S, V9.4S, V8.4S
	VEXT	$8, V10.B16, V10.B16, V11.B16
	WORD	$0x4e2bd54c // FADD V12.4S, V10.4S, V11.4S
	WORD	$0x7e30d980 // FADDP S0, V12.2S
	FMOVS	F0, ret+32(FP)
	RET

// func dotQ8_0NEON(row *byte, q *int8, d *float32, nb int) float32
//
// dotQ8_0SDOT without SDOT (ARMv8.0): SMULL/SMULL2 give the 32 products as
// int16 (exact: |w*x| <= 16384), SADDLP adds neighbours into int32, ADDP
// adds those pairs, which gives the same eight lanes exactly.
TEXT ·dotQ8_0NEON(SB), NOSPLIT, $0-36
	MOVD	row+0(FP), R0
	MOVD	q+8(FP), R1
	MOVD	d+16(FP), R2
	MOVD	nb+24(FP), R3
	VEOR	V8.B16, V8.B16, V8.B16
	VEOR	V9.B16, V9.B16, V9.B16

q8neonloop:
	MOVHU	(R0), R4
	ADD	$2, R0, R5
	VLD1	(R5), [V0.B16, V1.B16]
	VLD1.P	32(R1), [V2.B16, V3.B16]
	WORD	$0x0e22c010 // SMULL V16.8H, V0.8B, V2.8B
	WORD	$0x4e22c011 // SMULL2 V17.8H, V0.16B, V2.16B
	WORD	$0x0e23c032 // SMULL V18.8H, V1.8B, V3.8B
	WORD	$0x4e23c033 // SMULL2 V19.8H, V1.16B, V3.16B
	WORD	$0x4e602a10 // SADDLP V16.4S, V16.8H
	WORD	$0x4e602a31 // SADDLP V17.4S, V17.8H
	WORD	$0x4e602a52 // SADDLP V18.4S, V18.8H
	WORD	$0x4e602a73 // SADDLP V19.4S, V19.8H
	WORD	$0x4eb1be04 // ADDP V4.4S, V16.4S, V17.4S
	WORD	$0x4eb3be45 // ADDP V5.4S, V18.4S, V19.4S
	WORD	$0x4e21d884 // SCVTF V4.4S, V4.4S
	WORD	$0x4e21d8a5 // SCVTF V5.4S, V5.4S
	FMOVS	R4, F6
	FCVTHS	F6, F6
	FMOVS.P	4(R2), F7
	FMULS	F7, F6, F6
	VDUP	V6.S[0], V6.S4
	VFMLA	V6.S4, V4.S4, V8.S4
	VFMLA	V6.S4, V5.S4, V9.S4
	ADD	$34, R0
	SUBS	$1, R3
	BNE	q8neonloop

	WORD	$0x4e28d52a // FADD V10.4S, V9.4S, V8.4S
	VEXT	$8, V10.B16, V10.B16, V11.B16
	WORD	$0x4e2bd54c // FADD V12.4S, V10.4S, V11.4S
	WORD	$0x7e30d980 // FADDP S0, V12.2S
	FMOVS	F0, ret+32(FP)
	RET

// func dotF16x64NEON(row *byte, x *float32, n int) float32
//
// n is a positive multiple of 64. The 64-element steps of dotF16Vec: acc[a]
// (group a, elements 16a..16a+15 of each step) in V16+4a..V19+4a, four lanes
// a register; FCVTL/FCVTL2 widen the halves (exactly), FMLA accumulates
// w*x with one rounding (as FMA32). Then s = (acc0+acc2)+(acc1+acc3) and
// reduce16; the caller adds the tail.
TEXT ·dotF16x64NEON(SB), NOSPLIT, $0-28
	MOVD	row+0(FP), R0
	MOVD	x+8(FP), R1
	MOVD	n+16(FP), R2
	LSR	$6, R2
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	VEOR	V20.B16, V20.B16, V20.B16
	VEOR	V21.B16, V21.B16, V21.B16
	VEOR	V22.B16, V22.B16, V22.B16
	VEOR	V23.B16, V23.B16, V23.B16
	VEOR	V24.B16, V24.B16, V24.B16
	VEOR	V25.B16, V25.B16, V25.B16
	VEOR	V26.B16, V26.B16, V26.B16
	VEOR	V27.B16, V27.B16, V27.B16
	VEOR	V28.B16, V28.B16, V28.B16
	VEOR	V29.B16, V29.B16, V29.B16
	VEOR	V30.B16, V30.B16, V30.B16
	VEOR	V31.B16, V31.B16, V31.B16

f16loop:
	// group 0: elements 0..15, acc in V16-V19
	VLD1.P	32(R0), [V0.B16, V1.B16]
	VLD1.P	64(R1), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD	$0x4e217802 // FCVTL2 V2.4S, V0.8H
	WORD	$0x0e217800 // FCVTL V0.4S, V0.4H
	WORD	$0x4e217823 // FCVTL2 V3.4S, V1.8H
	WORD	$0x0e217821 // FCVTL V1.4S, V1.4H
	VFMLA	V4.S4, V0.S4, V16.S4
	VFMLA	V5.S4, V2.S4, V17.S4
	VFMLA	V6.S4, V1.S4, V18.S4
	VFMLA	V7.S4, V3.S4, V19.S4
	// group 1: elements 16..31, acc in V20-V23
	VLD1.P	32(R0), [V8.B16, V9.B16]
	VLD1.P	64(R1), [V12.S4, V13.S4, V14.S4, V15.S4]
	WORD	$0x4e21790a // FCVTL2 V10.4S, V8.8H
	WORD	$0x0e217908 // FCVTL V8.4S, V8.4H
	WORD	$0x4e21792b // FCVTL2 V11.4S, V9.8H
	WORD	$0x0e217929 // FCVTL V9.4S, V9.4H
	VFMLA	V12.S4, V8.S4, V20.S4
	VFMLA	V13.S4, V10.S4, V21.S4
	VFMLA	V14.S4, V9.S4, V22.S4
	VFMLA	V15.S4, V11.S4, V23.S4
	// group 2: elements 32..47, acc in V24-V27
	VLD1.P	32(R0), [V0.B16, V1.B16]
	VLD1.P	64(R1), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD	$0x4e217802 // FCVTL2 V2.4S, V0.8H
	WORD	$0x0e217800 // FCVTL V0.4S, V0.4H
	WORD	$0x4e217823 // FCVTL2 V3.4S, V1.8H
	WORD	$0x0e217821 // FCVTL V1.4S, V1.4H
	VFMLA	V4.S4, V0.S4, V24.S4
	VFMLA	V5.S4, V2.S4, V25.S4
	VFMLA	V6.S4, V1.S4, V26.S4
	VFMLA	V7.S4, V3.S4, V27.S4
	// group 3: elements 48..63, acc in V28-V31
	VLD1.P	32(R0), [V8.B16, V9.B16]
	VLD1.P	64(R1), [V12.S4, V13.S4, V14.S4, V15.S4]
	WORD	$0x4e21790a // FCVTL2 V10.4S, V8.8H
	WORD	$0x0e217908 // FCVTL V8.4S, V8.4H
	WORD	$0x4e21792b // FCVTL2 V11.4S, V9.8H
	WORD	$0x0e217929 // FCVTL V9.4S, V9.4H
	VFMLA	V12.S4, V8.S4, V28.S4
	VFMLA	V13.S4, V10.S4, V29.S4
	VFMLA	V14.S4, V9.S4, V30.S4
	VFMLA	V15.S4, V11.S4, V31.S4
	SUBS	$1, R2
	BNE	f16loop

	// s = (acc0+acc2) + (acc1+acc3), in V16-V19 (s[0:4] .. s[12:16]).
	WORD	$0x4e38d610 // FADD V16.4S, V16.4S, V24.4S
	WORD	$0x4e39d631 // FADD V17.4S, V17.4S, V25.4S
	WORD	$0x4e3ad652 // FADD V18.4S, V18.4S, V26.4S
	WORD	$0x4e3bd673 // FADD V19.4S, V19.4S, V27.4S
	WORD	$0x4e3cd694 // FADD V20.4S, V20.4S, V28.4S
	WORD	$0x4e3dd6b5 // FADD V21.4S, V21.4S, V29.4S
	WORD	$0x4e3ed6d6 // FADD V22.4S, V22.4S, V30.4S
	WORD	$0x4e3fd6f7 // FADD V23.4S, V23.4S, V31.4S
	WORD	$0x4e34d610 // FADD V16.4S, V16.4S, V20.4S
	WORD	$0x4e35d631 // FADD V17.4S, V17.4S, V21.4S
	WORD	$0x4e36d652 // FADD V18.4S, V18.4S, V22.4S
	WORD	$0x4e37d673 // FADD V19.4S, V19.4S, V23.4S
	// reduce16: t = s[8:16]+s[0:8]; u = t[4:8]+t[0:4]; (u2+u0)+(u3+u1).
	WORD	$0x4e30d640 // FADD V0.4S, V18.4S, V16.4S
	WORD	$0x4e31d661 // FADD V1.4S, V19.4S, V17.4S
	WORD	$0x4e20d422 // FADD V2.4S, V1.4S, V0.4S
	VEXT	$8, V2.B16, V2.B16, V3.B16
	WORD	$0x4e22d464 // FADD V4.4S, V3.4S, V2.4S
	WORD	$0x7e30d880 // FADDP S0, V4.2S
	FMOVS	F0, ret+24(FP)
	RET
