//go:build !purego

#include "textflag.h"

// AVX-512 helpers for BERT attention and GELU (see bert_ops.go).

// func bertQK4(q *float32, qstride int, hd int, kt *float32, ldk int, n16 int, s *float32, lds int)
// s[i*lds + c] = sum_{d<hd} q[i*qstride + d] * kt[d*ldk + c] for i < 4 and
// c < 16*n16 (strides in bytes).
TEXT ·bertQK4(SB), NOSPLIT, $0-64
	MOVQ q+0(FP), SI
	MOVQ qstride+8(FP), BX
	MOVQ hd+16(FP), CX
	MOVQ kt+24(FP), DI
	MOVQ ldk+32(FP), R9
	MOVQ n16+40(FP), DX
	MOVQ s+48(FP), R8
	MOVQ lds+56(FP), R11
	LEAQ (BX)(BX*2), R10
	LEAQ (R11)(R11*2), R12

qk64:
	CMPQ   DX, $4
	JLT    qk16
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
	MOVQ   SI, AX
	MOVQ   DI, R13
	MOVQ   CX, R14

qk64d:
	VMOVUPS      (R13), Z16
	VMOVUPS      64(R13), Z17
	VMOVUPS      128(R13), Z18
	VMOVUPS      192(R13), Z19
	VBROADCASTSS (AX), Z20
	VBROADCASTSS (AX)(BX*1), Z21
	VBROADCASTSS (AX)(BX*2), Z22
	VBROADCASTSS (AX)(R10*1), Z23
	VFMADD231PS  Z20, Z16, Z0
	VFMADD231PS  Z20, Z17, Z1
	VFMADD231PS  Z20, Z18, Z2
	VFMADD231PS  Z20, Z19, Z3
	VFMADD231PS  Z21, Z16, Z4
	VFMADD231PS  Z21, Z17, Z5
	VFMADD231PS  Z21, Z18, Z6
	VFMADD231PS  Z21, Z19, Z7
	VFMADD231PS  Z22, Z16, Z8
	VFMADD231PS  Z22, Z17, Z9
	VFMADD231PS  Z22, Z18, Z10
	VFMADD231PS  Z22, Z19, Z11
	VFMADD231PS  Z23, Z16, Z12
	VFMADD231PS  Z23, Z17, Z13
	VFMADD231PS  Z23, Z18, Z14
	VFMADD231PS  Z23, Z19, Z15
	ADDQ         $4, AX
	ADDQ         R9, R13
	DECQ         R14
	JNE          qk64d
	VMOVUPS      Z0, (R8)
	VMOVUPS      Z1, 64(R8)
	VMOVUPS      Z2, 128(R8)
	VMOVUPS      Z3, 192(R8)
	VMOVUPS      Z4, (R8)(R11*1)
	VMOVUPS      Z5, 64(R8)(R11*1)
	VMOVUPS      Z6, 128(R8)(R11*1)
	VMOVUPS      Z7, 192(R8)(R11*1)
	VMOVUPS      Z8, (R8)(R11*2)
	VMOVUPS      Z9, 64(R8)(R11*2)
	VMOVUPS      Z10, 128(R8)(R11*2)
	VMOVUPS      Z11, 192(R8)(R11*2)
	VMOVUPS      Z12, (R8)(R12*1)
	VMOVUPS      Z13, 64(R8)(R12*1)
	VMOVUPS      Z14, 128(R8)(R12*1)
	VMOVUPS      Z15, 192(R8)(R12*1)
	ADDQ         $256, DI
	ADDQ         $256, R8
	SUBQ         $4, DX
	JMP          qk64

qk16:
	TESTQ  DX, DX
	JEQ    qkdone
	VPXORD Z0, Z0, Z0
	VPXORD Z4, Z4, Z4
	VPXORD Z8, Z8, Z8
	VPXORD Z12, Z12, Z12
	MOVQ   SI, AX
	MOVQ   DI, R13
	MOVQ   CX, R14

qk16d:
	VMOVUPS     (R13), Z16
	VFMADD231PS.BCST (AX), Z16, Z0
	VFMADD231PS.BCST (AX)(BX*1), Z16, Z4
	VFMADD231PS.BCST (AX)(BX*2), Z16, Z8
	VFMADD231PS.BCST (AX)(R10*1), Z16, Z12
	ADDQ        $4, AX
	ADDQ        R9, R13
	DECQ        R14
	JNE         qk16d
	VMOVUPS     Z0, (R8)
	VMOVUPS     Z4, (R8)(R11*1)
	VMOVUPS     Z8, (R8)(R11*2)
	VMOVUPS     Z12, (R8)(R12*1)
	ADDQ        $64, DI
	ADDQ        $64, R8
	DECQ        DX
	JMP         qk16

qkdone:
	VZEROUPPER
	RET

// func bertPV4(p *float32, lds int, n int, v *float32, ldv int, n32 int, o *float32, ldo int)
// o[i*ldo + c] = sum_{j<n} p[i*lds + j] * v[j*ldv + c] for i < 4 and
// c < 32*n32 (strides in bytes). Two accumulators per row and 32 columns.
TEXT ·bertPV4(SB), NOSPLIT, $0-64
	MOVQ p+0(FP), SI
	MOVQ lds+8(FP), BX
	MOVQ n+16(FP), CX
	MOVQ v+24(FP), DI
	MOVQ ldv+32(FP), R9
	MOVQ n32+40(FP), DX
	MOVQ o+48(FP), R8
	MOVQ ldo+56(FP), R11
	LEAQ (BX)(BX*2), R10
	LEAQ (R11)(R11*2), R12

pv32:
	TESTQ  DX, DX
	JEQ    pvdone
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	MOVQ   SI, AX
	MOVQ   DI, R13
	MOVQ   CX, R14
	TESTQ  R14, R14
	JEQ    pvstore

pvj:
	VMOVUPS      (R13), Z16
	VMOVUPS      64(R13), Z17
	VBROADCASTSS (AX), Z20
	VBROADCASTSS (AX)(BX*1), Z21
	VBROADCASTSS (AX)(BX*2), Z22
	VBROADCASTSS (AX)(R10*1), Z23
	VFMADD231PS  Z20, Z16, Z0
	VFMADD231PS  Z20, Z17, Z1
	VFMADD231PS  Z21, Z16, Z2
	VFMADD231PS  Z21, Z17, Z3
	VFMADD231PS  Z22, Z16, Z4
	VFMADD231PS  Z22, Z17, Z5
	VFMADD231PS  Z23, Z16, Z6
	VFMADD231PS  Z23, Z17, Z7
	ADDQ         $4, AX
	ADDQ         R9, R13
	DECQ         R14
	JNE          pvj

pvstore:
	VMOVUPS Z0, (R8)
	VMOVUPS Z1, 64(R8)
	VMOVUPS Z2, (R8)(R11*1)
	VMOVUPS Z3, 64(R8)(R11*1)
	VMOVUPS Z4, (R8)(R11*2)
	VMOVUPS Z5, 64(R8)(R11*2)
	VMOVUPS Z6, (R8)(R12*1)
	VMOVUPS Z7, 64(R8)(R12*1)
	ADDQ    $128, DI
	ADDQ    $128, R8
	DECQ    DX
	JMP     pv32

pvdone:
	VZEROUPPER
	RET

DATA bertexpc<>+0(SB)/4, $0x3fb8aa3b  // log2(e)
DATA bertexpc<>+4(SB)/4, $0x3f318000  // ln2 high: 0.693359375
DATA bertexpc<>+8(SB)/4, $0xb95e8083  // ln2 low: -2.12194440e-4
DATA bertexpc<>+12(SB)/4, $0x3950696f // p0 1.9875691500e-4
DATA bertexpc<>+16(SB)/4, $0x3ab743ce // p1 1.3981999507e-3
DATA bertexpc<>+20(SB)/4, $0x3c088908 // p2 8.3334519073e-3
DATA bertexpc<>+24(SB)/4, $0x3d2aa9c1 // p3 4.1665795894e-2
DATA bertexpc<>+28(SB)/4, $0x3e2aaaaa // p4 1.6666665459e-1
DATA bertexpc<>+32(SB)/4, $0x3f000000 // p5 5.0000001201e-1
DATA bertexpc<>+36(SB)/4, $0x3f800000 // 1
DATA bertexpc<>+40(SB)/4, $0xc2b00000 // -88: inputs below give 0
DATA bertexpc<>+44(SB)/4, $0xff800000 // -inf
GLOBL bertexpc<>(SB), RODATA|NOPTR, $48

// EXP sets Z4 to exp(Z0) (Cephes expf's polynomial, scaled by VSCALEFPS);
// Z0 >= -88 or the result is 0. Constants in Z16-Z26; Z5, Z6 scratch.
#define EXP \
	VMAXPS      Z26, Z0, Z5; \
	VMULPS      Z16, Z5, Z6; \
	VRNDSCALEPS $0, Z6, Z6; \
	VFNMADD231PS Z17, Z6, Z5; \
	VFNMADD231PS Z18, Z6, Z5; \
	VMOVAPS     Z19, Z4; \
	VFMADD213PS Z20, Z5, Z4; \
	VFMADD213PS Z21, Z5, Z4; \
	VFMADD213PS Z22, Z5, Z4; \
	VFMADD213PS Z23, Z5, Z4; \
	VFMADD213PS Z24, Z5, Z4; \
	VMULPS      Z5, Z5, Z7; \
	VFMADD213PS Z5, Z7, Z4; \
	VADDPS      Z25, Z4, Z4; \
	VSCALEFPS   Z6, Z4, Z4; \
	VCMPPS      $1, Z26, Z0, K2; \
	VXORPS      Z4, Z4, K2, Z4

// func bertSoftmax(s *float32, n int, scale float32)
// s[j] = exp(scale*s[j] - m) / sum, m the largest scale*s[j], for j < n
// (n >= 1).
TEXT ·bertSoftmax(SB), NOSPLIT, $0-20
	MOVQ         s+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS scale+16(FP), Z31
	LEAQ         bertexpc<>(SB), AX
	VBROADCASTSS (AX), Z16
	VBROADCASTSS 4(AX), Z17
	VBROADCASTSS 8(AX), Z18
	VBROADCASTSS 12(AX), Z19
	VBROADCASTSS 16(AX), Z20
	VBROADCASTSS 20(AX), Z21
	VBROADCASTSS 24(AX), Z22
	VBROADCASTSS 28(AX), Z23
	VBROADCASTSS 32(AX), Z24
	VBROADCASTSS 36(AX), Z25
	VBROADCASTSS 40(AX), Z26
	VBROADCASTSS 44(AX), Z27

	// Tail mask K1: the last n%16 values (all 16 when n%16 == 0).
	MOVQ CX, DX
	ANDQ $15, DX
	MOVL $0xffff, BX
	JEQ  smfull
	MOVL $1, BX
	SHLXL DX, BX, BX
	DECL BX
smfull:
	KMOVW BX, K1
	// Full blocks: (n-1)/16; the last (partial or whole) block is masked.
	LEAQ -1(CX), R9
	SHRQ $4, R9

	// Pass 1: the maximum.
	VMOVAPS Z27, Z1
	MOVQ    SI, DI
	MOVQ    R9, R10
	TESTQ   R10, R10
	JEQ     smmaxtail
smmax:
	VMULPS  (DI), Z31, Z0
	VMAXPS  Z0, Z1, Z1
	ADDQ    $64, DI
	DECQ    R10
	JNE     smmax
smmaxtail:
	VMOVAPS Z27, Z0
	VMOVUPS (DI), K1, Z0
	VMULPS  Z0, Z31, Z0
	VMAXPS  Z0, Z1, Z1
	VEXTRACTF32X8 $1, Z1, Y0
	VMAXPS  Y0, Y1, Y1
	VEXTRACTF128 $1, Y1, X0
	VMAXPS  X0, X1, X1
	VPERMILPS $0x4e, X1, X0
	VMAXPS  X0, X1, X1
	VPERMILPS $0xb1, X1, X0
	VMAXPS  X0, X1, X1
	VBROADCASTSS X1, Z30

	// Pass 2: exponentials and their sum.
	VPXORD  Z29, Z29, Z29
	MOVQ    SI, DI
	MOVQ    R9, R10
	TESTQ   R10, R10
	JEQ     smexptail
smexp:
	VMULPS  (DI), Z31, Z0
	VSUBPS  Z30, Z0, Z0
	EXP
	VADDPS  Z4, Z29, Z29
	VMOVUPS Z4, (DI)
	ADDQ    $64, DI
	DECQ    R10
	JNE     smexp
smexptail:
	VMOVUPS.Z (DI), K1, Z0
	VMULPS  Z0, Z31, Z0
	VSUBPS  Z30, Z0, Z0
	EXP
	VADDPS  Z4, Z29, K1, Z29
	VMOVUPS Z4, K1, (DI)
	VEXTRACTF32X8 $1, Z29, Y0
	VADDPS  Y0, Y29, Y29
	VEXTRACTF32X4 $1, Y29, X0
	VADDPS  X0, X29, X29
	VPERMILPS $0x4e, X29, X0
	VADDPS  X0, X29, X29
	VPERMILPS $0xb1, X29, X0
	VADDPS  X0, X29, X29
	VDIVSS  X29, X25, X29
	VBROADCASTSS X29, Z29

	// Pass 3: normalise.
	MOVQ    SI, DI
	MOVQ    R9, R10
	TESTQ   R10, R10
	JEQ     smnormtail
smnorm:
	VMULPS  (DI), Z29, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, DI
	DECQ    R10
	JNE     smnorm
smnormtail:
	VMOVUPS.Z (DI), K1, Z0
	VMULPS  Z0, Z29, Z0
	VMOVUPS Z0, K1, (DI)
	VZEROUPPER
	RET

// func bertGELU(x *float32, n int, table *float32)
// x[i] = table[f16 bits of x[i]] for -10 < x[i] < 10, 0 at or below -10,
// x[i] at or above 10; n a multiple of 16.
TEXT ·bertGELU(SB), NOSPLIT, $0-24
	MOVQ         x+0(FP), DI
	MOVQ         n+8(FP), CX
	MOVQ         table+16(FP), SI
	MOVL         $0x41200000, AX
	VPBROADCASTD AX, Z30
	MOVL         $0xc1200000, AX
	VPBROADCASTD AX, Z31
	SHRQ         $4, CX
	JEQ          gdone
gloop:
	VMOVUPS      (DI), Z0
	VCVTPS2PH    $0, Z0, Y1
	VPMOVZXWD    Y1, Z1
	KXNORW       K0, K0, K1
	VGATHERDPS   (SI)(Z1*4), K1, Z2
	VCMPPS       $0x1d, Z30, Z0, K2
	VMOVAPS      Z0, K2, Z2
	VCMPPS       $2, Z31, Z0, K3
	VXORPS       Z2, Z2, K3, Z2
	VMOVUPS      Z2, (DI)
	ADDQ         $64, DI
	DECQ         CX
	JNE          gloop
gdone:
	VZEROUPPER
	RET

#define REDUCE_PD(z, y, x) \
	VEXTRACTF64X4 $1, z, Y7; \
	VADDPD        Y7, y, y; \
	VEXTRACTF128  $1, y, X7; \
	VADDPD        X7, x, x; \
	VPERMILPD     $1, x, X7; \
	VADDSD        X7, x, x

DATA bertone<>+0(SB)/8, $1.0
GLOBL bertone<>(SB), RODATA|NOPTR, $8

// func bertLayerNorm(dst, src, w, b *float32, n int, nf float64, eps float32)
// dst = (src - mean) * scale * w + b (b may be nil) with mean and variance
// summed in float64, scale = 1/sqrt(var + eps) as ggml_norm computes them;
// n a multiple of 16 (nf = n).
TEXT ·bertLayerNorm(SB), NOSPLIT, $0-52
	MOVQ   dst+0(FP), DI
	MOVQ   src+8(FP), SI
	MOVQ   w+16(FP), R8
	MOVQ   b+24(FP), R9
	MOVQ   n+32(FP), CX
	SHRQ   $4, CX
	JEQ    lndone
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
	MOVQ   SI, AX
	MOVQ   CX, DX
ln1:
	VMOVUPS       (AX), Z2
	VCVTPS2PD     Y2, Z3
	VEXTRACTF32X8 $1, Z2, Y4
	VCVTPS2PD     Y4, Z4
	VADDPD        Z3, Z0, Z0
	VADDPD        Z4, Z1, Z1
	ADDQ          $64, AX
	DECQ          DX
	JNE           ln1
	VADDPD        Z1, Z0, Z0
	REDUCE_PD(Z0, Y0, X0)
	VDIVSD        nf+40(FP), X0, X0
	VCVTSD2SS     X0, X0, X0
	VBROADCASTSS  X0, Z5

	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
	MOVQ   SI, AX
	MOVQ   CX, DX
ln2:
	VMOVUPS       (AX), Z2
	VSUBPS        Z5, Z2, Z2
	VMULPS        Z2, Z2, Z2
	VCVTPS2PD     Y2, Z3
	VEXTRACTF32X8 $1, Z2, Y4
	VCVTPS2PD     Y4, Z4
	VADDPD        Z3, Z0, Z0
	VADDPD        Z4, Z1, Z1
	ADDQ          $64, AX
	DECQ          DX
	JNE           ln2
	VADDPD        Z1, Z0, Z0
	REDUCE_PD(Z0, Y0, X0)
	VDIVSD        nf+40(FP), X0, X0
	VCVTSD2SS     X0, X0, X0
	VADDSS        eps+48(FP), X0, X0
	VCVTSS2SD     X0, X0, X0
	VSQRTSD       X0, X0, X0
	VMOVSD        bertone<>(SB), X1
	VDIVSD        X0, X1, X0
	VCVTSD2SS     X0, X0, X0
	VBROADCASTSS  X0, Z6

	TESTQ R9, R9
	JEQ   ln3nob
ln3:
	VMOVUPS (SI), Z2
	VSUBPS  Z5, Z2, Z2
	VMULPS  Z6, Z2, Z2
	VMULPS  (R8), Z2, Z2
	VADDPS  (R9), Z2, Z2
	VMOVUPS Z2, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	ADDQ    $64, R8
	ADDQ    $64, R9
	DECQ    CX
	JNE     ln3
	JMP     lndone
ln3nob:
	VMOVUPS (SI), Z2
	VSUBPS  Z5, Z2, Z2
	VMULPS  Z6, Z2, Z2
	VMULPS  (R8), Z2, Z2
	VMOVUPS Z2, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	ADDQ    $64, R8
	DECQ    CX
	JNE     ln3nob
lndone:
	VZEROUPPER
	RET
