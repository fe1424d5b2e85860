//go:build !purego

#include "textflag.h"

// fma32(a, b, c) of decoder.go is float32(math.FMA(float64(a), float64(b),
// float64(c))): here a fused multiply-add on doubles (8 lanes in a Z
// register) converted to float32, which is exactly that.
#define FMA32(a, b, c, dst) \
	VMOVAPD     c, Z30; \
	VFMADD231PD b, a, Z30; \
	VCVTPD2PS   Z30, dst

// func swigluAVX512(gate, up *float32, n int, k *float32) int
// gate[i] = silu(gate[i]) * up[i] for 8 values at a time, silu and vexpf as
// in decoder.go; k holds vexpf's constants (r, log2e, c1..c7 as float32).
// It stops before the first group of 8 where vexpf would take math.Exp and
// returns how many values it did.
TEXT ·swigluAVX512(SB), NOSPLIT, $0-40
	MOVQ gate+0(FP), DI
	MOVQ up+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ k+24(FP), DX
	XORQ R8, R8
	VBROADCASTSS 0(DX), Y20        // r (float32)
	VCVTPS2PD    Y20, Z10          // r
	VBROADCASTSS 4(DX), Y21
	VCVTPS2PD    Y21, Z11          // log2e
	VBROADCASTSS 8(DX), Y21
	VCVTPS2PD    Y21, Z12          // 0x1.7f7d1cp-20
	VBROADCASTSS 12(DX), Y21
	VCVTPS2PD    Y21, Z13          // 0x1.62e4p-1
	VBROADCASTSS 16(DX), Y21
	VCVTPS2PD    Y21, Z14          // 0x1.0e4020p-7
	VBROADCASTSS 20(DX), Y21
	VCVTPS2PD    Y21, Z15          // 0x1.573e2ep-5
	VBROADCASTSS 24(DX), Y21
	VCVTPS2PD    Y21, Z16          // 0x1.555e66p-3
	VBROADCASTSS 28(DX), Y21
	VCVTPS2PD    Y21, Z17          // 0x1.fffdb6p-2
	VBROADCASTSS 32(DX), Y21
	VCVTPS2PD    Y21, Z18          // 0x1.ffffecp-1
	MOVL $0x3f800000, AX
	VPBROADCASTD AX, Y22           // 1 (float32)
	VCVTPS2PD    Y22, Z19          // 1
	MOVL $0x42fc0000, AX
	VPBROADCASTD AX, Y23           // 126
	MOVL $0xc2fc0000, AX
	VPBROADCASTD AX, Y24           // -126
	MOVL $127, AX
	VPBROADCASTD AX, Y25
	MOVL $0x80000000, AX
	VPBROADCASTD AX, Y26           // sign bit
	CMPQ CX, $8
	JLT  swdone

swloop:
	VMOVUPS   (DI), Y0             // g
	VXORPS    Y26, Y0, Y1          // x = -g
	VCVTPS2PD Y1, Z1               // x (double)
	FMA32(Z1, Z11, Z10, Y2)        // z = fma32(x, log2e, r)
	VSUBPS    Y20, Y2, Y2          // n = z - r
	VCMPPS    $0x1e, Y23, Y2, K1   // n > 126
	VCMPPS    $0x11, Y24, Y2, K2   // n < -126
	KORW      K1, K2, K1
	KORTESTW  K1, K1
	JNE       swdone
	VXORPS    Y26, Y2, Y3          // -n
	VCVTPS2PD Y3, Z3
	FMA32(Z3, Z13, Z1, Y4)         // t = fma32(-n, 0x1.62e4p-1, x)
	VCVTPS2PD Y4, Z4
	FMA32(Z3, Z12, Z4, Y5)         // b = fma32(-n, 0x1.7f7d1cp-20, t)
	VMULPS    Y5, Y5, Y6           // u = b*b
	VCVTPS2PD Y5, Z5
	VCVTPS2PD Y6, Z6
	FMA32(Z14, Z5, Z15, Y7)        // p1 = fma32(c3, b, c4)
	FMA32(Z16, Z5, Z17, Y8)        // p2 = fma32(c5, b, c6)
	VCVTPS2PD Y7, Z7
	VCVTPS2PD Y8, Z8
	FMA32(Z7, Z6, Z8, Y9)          // p3 = fma32(p1, u, p2)
	FMA32(Z18, Z5, Z19, Y27)       // p4 = fma32(c7, b, 1)
	VCVTPS2PD Y9, Z9
	VCVTPS2PD Y27, Z27
	FMA32(Z9, Z6, Z27, Y28)        // j = fma32(p3, u, p4)
	VCVTTPS2DQ Y2, Y29             // int32(n)
	VPADDD    Y25, Y29, Y29
	VPSLLD    $23, Y29, Y29        // 2^n
	VMULPS    Y29, Y28, Y28        // e = j * 2^n
	VADDPS    Y22, Y28, Y28        // 1 + e
	VDIVPS    Y28, Y0, Y0          // silu = g / (1+e)
	VMULPS    (SI), Y0, Y0         // * up
	VMOVUPS   Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $8, R8
	SUBQ $8, CX
	CMPQ CX, $8
	JGE  swloop

swdone:
	MOVQ R8, ret+32(FP)
	VZEROUPPER
	RET
