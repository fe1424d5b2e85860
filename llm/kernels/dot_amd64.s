//go:build !purego

#include "textflag.h"

// AVX2 + FMA + F16C dot kernels. Each mirrors the pure-Go kernel of the same
// name in dot.go lane for lane (a 16-lane accumulator of the Go code is two
// YMM registers here), so the results are bit-identical; see simd_test.go.

// reduce8 of Y0 into X0 as llamafile's hsum(__m256): t = hi+lo, then
// (t0+t2)+(t1+t3).
#define REDUCE8_Y0 \
	VEXTRACTF128 $1, Y0, X1; \
	VADDPS       X0, X1, X0; \
	VMOVHLPS     X0, X0, X1; \
	VADDPS       X1, X0, X0; \
	VMOVSHDUP    X0, X1; \
	VADDSS       X1, X0, X0

// func dotQ8_0AVX2(row *byte, q *int8, d *float32, nb int) float32
TEXT ·dotQ8_0AVX2(SB), NOSPLIT, $0-36
	MOVQ   row+0(FP), SI
	MOVQ   q+8(FP), DI
	MOVQ   d+16(FP), DX
	MOVQ   nb+24(FP), CX
	VXORPS Y0, Y0, Y0
	MOVL   $0x00010001, AX
	VMOVD  AX, X7
	VPBROADCASTD X7, Y7
	TESTQ  CX, CX
	JEQ    q80done

q80loop:
	MOVWLZX      (SI), AX
	VMOVD        AX, X1
	VCVTPH2PS    X1, X1
	VMULSS       (DX), X1, X1
	VBROADCASTSS X1, Y1
	VMOVDQU      2(SI), Y2
	VMOVDQU      (DI), Y3
	VPSIGNB      Y2, Y3, Y3
	VPABSB       Y2, Y2
	VPMADDUBSW   Y3, Y2, Y2
	VPMADDWD     Y7, Y2, Y2
	VCVTDQ2PS    Y2, Y2
	VFMADD231PS  Y2, Y1, Y0
	ADDQ         $34, SI
	ADDQ         $32, DI
	ADDQ         $4, DX
	DECQ         CX
	JNE          q80loop

q80done:
	REDUCE8_Y0
	VZEROUPPER
	MOVSS X0, ret+32(FP)
	RET

// func dotF16x64AVX2(row *byte, x *float32, n int) float32
// n is a multiple of 64: ggml_vec_dot_f16's four 16-lane accumulators,
// folded (a0+a2)+(a1+a3) and reduced as reduce16.
TEXT ·dotF16x64AVX2(SB), NOSPLIT, $0-28
	MOVQ   row+0(FP), SI
	MOVQ   x+8(FP), DI
	MOVQ   n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	SHRQ   $6, CX
	JEQ    f64fold

f64loop:
	VCVTPH2PS   (SI), Y8
	VCVTPH2PS   16(SI), Y9
	VCVTPH2PS   32(SI), Y10
	VCVTPH2PS   48(SI), Y11
	VCVTPH2PS   64(SI), Y12
	VCVTPH2PS   80(SI), Y13
	VCVTPH2PS   96(SI), Y14
	VCVTPH2PS   112(SI), Y15
	VFMADD231PS (DI), Y8, Y0
	VFMADD231PS 32(DI), Y9, Y1
	VFMADD231PS 64(DI), Y10, Y2
	VFMADD231PS 96(DI), Y11, Y3
	VFMADD231PS 128(DI), Y12, Y4
	VFMADD231PS 160(DI), Y13, Y5
	VFMADD231PS 192(DI), Y14, Y6
	VFMADD231PS 224(DI), Y15, Y7
	ADDQ        $128, SI
	ADDQ        $256, DI
	DECQ        CX
	JNE         f64loop

f64fold:
	VADDPS Y4, Y0, Y0
	VADDPS Y6, Y2, Y2
	VADDPS Y2, Y0, Y0
	VADDPS Y5, Y1, Y1
	VADDPS Y7, Y3, Y3
	VADDPS Y3, Y1, Y1
	VADDPS Y1, Y0, Y0
	REDUCE8_Y0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func dotF16x16AVX2(row *byte, x *float32, n int) float32
// n is a multiple of 16: tinyBLAS's one 16-lane accumulator, reduce16.
TEXT ·dotF16x16AVX2(SB), NOSPLIT, $0-28
	MOVQ   row+0(FP), SI
	MOVQ   x+8(FP), DI
	MOVQ   n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	SHRQ   $4, CX
	JEQ    f16fold

f16loop:
	VCVTPH2PS   (SI), Y8
	VCVTPH2PS   16(SI), Y9
	VFMADD231PS (DI), Y8, Y0
	VFMADD231PS 32(DI), Y9, Y1
	ADDQ        $32, SI
	ADDQ        $64, DI
	DECQ        CX
	JNE         f16loop

f16fold:
	VADDPS Y1, Y0, Y0
	REDUCE8_Y0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func dotF32x16AVX2(row *byte, x *float32, n int) float32
TEXT ·dotF32x16AVX2(SB), NOSPLIT, $0-28
	MOVQ   row+0(FP), SI
	MOVQ   x+8(FP), DI
	MOVQ   n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	SHRQ   $4, CX
	JEQ    f32fold

f32loop:
	VMOVUPS     (SI), Y8
	VMOVUPS     32(SI), Y9
	VFMADD231PS (DI), Y8, Y0
	VFMADD231PS 32(DI), Y9, Y1
	ADDQ        $64, SI
	ADDQ        $64, DI
	DECQ        CX
	JNE         f32loop

f32fold:
	VADDPS Y1, Y0, Y0
	REDUCE8_Y0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// reduce8 of Y(acc) as REDUCE8_Y0 does, stored as float32 at off(R8).
#define REDUCE8_STORE(acc, xacc, off) \
	VEXTRACTF128 $1, acc, X9; \
	VADDPS       xacc, X9, X9; \
	VMOVHLPS     X9, X9, X10; \
	VADDPS       X10, X9, X9; \
	VMOVSHDUP    X9, X10; \
	VADDSS       X10, X9, X9; \
	MOVSS        X9, off(R8)

// One Q8_0 block of one activation vector for dotQ8_0x4AVX2: X4 = the
// weight scale, Y5 = weights, Y6 = |weights|, Y15 = int16 ones.
#define Q80VEC(qaddr, daddr, acc) \
	VMULSS       daddr, X4, X7; \
	VBROADCASTSS X7, Y7; \
	VMOVDQU      qaddr, Y8; \
	VPSIGNB      Y5, Y8, Y8; \
	VPMADDUBSW   Y8, Y6, Y8; \
	VPMADDWD     Y15, Y8, Y8; \
	VCVTDQ2PS    Y8, Y8; \
	VFMADD231PS  Y8, Y7, acc

// func dotQ8_0x4AVX2(row *byte, q *int8, d *float32, nb int, out *float32)
// dotQ8_0 of one row against four consecutive activation vectors (each
// nb*32 values, nb scales), out[0..3]; the per-vector arithmetic is exactly
// dotQ8_0AVX2's, only interleaved.
TEXT ·dotQ8_0x4AVX2(SB), NOSPLIT, $0-40
	MOVQ         row+0(FP), SI
	MOVQ         q+8(FP), DI
	MOVQ         d+16(FP), DX
	MOVQ         nb+24(FP), CX
	MOVQ         out+32(FP), R8
	MOVQ         CX, R9
	SHLQ         $5, R9
	LEAQ         (R9)(R9*2), R11
	MOVQ         CX, R10
	SHLQ         $2, R10
	LEAQ         (R10)(R10*2), R12
	VXORPS       Y0, Y0, Y0
	VXORPS       Y1, Y1, Y1
	VXORPS       Y2, Y2, Y2
	VXORPS       Y3, Y3, Y3
	MOVL         $0x00010001, AX
	VMOVD        AX, X15
	VPBROADCASTD X15, Y15
	TESTQ        CX, CX
	JEQ          q84done

q84loop:
	MOVWLZX   (SI), AX
	VMOVD     AX, X4
	VCVTPH2PS X4, X4
	VMOVDQU   2(SI), Y5
	VPABSB    Y5, Y6
	Q80VEC((DI), (DX), Y0)
	Q80VEC((DI)(R9*1), (DX)(R10*1), Y1)
	Q80VEC((DI)(R9*2), (DX)(R10*2), Y2)
	Q80VEC((DI)(R11*1), (DX)(R12*1), Y3)
	ADDQ      $34, SI
	ADDQ      $32, DI
	ADDQ      $4, DX
	DECQ      CX
	JNE       q84loop

q84done:
	REDUCE8_STORE(Y0, X0, 0)
	REDUCE8_STORE(Y1, X1, 4)
	REDUCE8_STORE(Y2, X2, 8)
	REDUCE8_STORE(Y3, X3, 12)
	VZEROUPPER
	RET

// func dotF16x16x4AVX2(row *byte, x *float32, n, stride int, out *float32)
// dotF16x16AVX2 of one row against four activation vectors stride bytes
// apart, out[0..3]. n is a multiple of 16.
TEXT ·dotF16x16x4AVX2(SB), NOSPLIT, $0-40
	MOVQ   row+0(FP), SI
	MOVQ   x+8(FP), DI
	MOVQ   n+16(FP), CX
	MOVQ   stride+24(FP), R9
	MOVQ   out+32(FP), R8
	LEAQ   (R9)(R9*2), R11
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	SHRQ   $4, CX
	JEQ    f164fold

f164loop:
	VCVTPH2PS   (SI), Y8
	VCVTPH2PS   16(SI), Y9
	VFMADD231PS (DI), Y8, Y0
	VFMADD231PS 32(DI), Y9, Y1
	VFMADD231PS (DI)(R9*1), Y8, Y2
	VFMADD231PS 32(DI)(R9*1), Y9, Y3
	VFMADD231PS (DI)(R9*2), Y8, Y4
	VFMADD231PS 32(DI)(R9*2), Y9, Y5
	VFMADD231PS (DI)(R11*1), Y8, Y6
	VFMADD231PS 32(DI)(R11*1), Y9, Y7
	ADDQ        $32, SI
	ADDQ        $64, DI
	DECQ        CX
	JNE         f164loop

f164fold:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y5, Y4, Y4
	VADDPS Y7, Y6, Y6
	REDUCE8_STORE(Y0, X0, 0)
	REDUCE8_STORE(Y2, X2, 4)
	REDUCE8_STORE(Y4, X4, 8)
	REDUCE8_STORE(Y6, X6, 12)
	VZEROUPPER
	RET

// func scaleRoundF16AVX2(x *float32, n int, s float32)
// x[i] = F16-rounded x[i]*s for n (a multiple of 8) values.
TEXT ·scaleRoundF16AVX2(SB), NOSPLIT, $0-20
	MOVQ         x+0(FP), DI
	MOVQ         n+8(FP), CX
	VBROADCASTSS s+16(FP), Y1
	SHRQ         $3, CX
	JEQ          srdone

srloop:
	VMULPS    (DI), Y1, Y0
	VCVTPS2PH $0, Y0, X0
	VCVTPH2PS X0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $32, DI
	DECQ      CX
	JNE       srloop

srdone:
	VZEROUPPER
	RET

// func axpyRoundF16AVX2(x *float32, v *uint16, n int, s float32)
// x[i] = F16-rounded fma(f16 v[i], s, x[i]) for n (a multiple of 8) values.
TEXT ·axpyRoundF16AVX2(SB), NOSPLIT, $0-28
	MOVQ         x+0(FP), DI
	MOVQ         v+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS s+24(FP), Y1
	SHRQ         $3, CX
	JEQ          axdone

axloop:
	VCVTPH2PS   (SI), Y0
	VFMADD213PS (DI), Y1, Y0
	VCVTPS2PH   $0, Y0, X0
	VCVTPH2PS   X0, Y0
	VMOVUPS     Y0, (DI)
	ADDQ        $16, SI
	ADDQ        $32, DI
	DECQ        CX
	JNE         axloop

axdone:
	VZEROUPPER
	RET

DATA q5shuf<>+0(SB)/8, $0x0000000000000000
DATA q5shuf<>+8(SB)/8, $0x0101010101010101
DATA q5shuf<>+16(SB)/8, $0x0202020202020202
DATA q5shuf<>+24(SB)/8, $0x0303030303030303
GLOBL q5shuf<>(SB), RODATA|NOPTR, $32
DATA q5bits<>+0(SB)/8, $0x7fbfdfeff7fbfdfe
DATA q5bits<>+8(SB)/8, $0x7fbfdfeff7fbfdfe
DATA q5bits<>+16(SB)/8, $0x7fbfdfeff7fbfdfe
DATA q5bits<>+24(SB)/8, $0x7fbfdfeff7fbfdfe
GLOBL q5bits<>(SB), RODATA|NOPTR, $32

// func dotQ5_0AVX2(row *byte, q *int8, d *float32, nb int) float32
// dotQ5_0: per block the exact integer sum of (q-16)*x, then
// sum += float32(s) * (d_w*d_x) in float32, fused exactly when the Go
// compiler fuses it (GOAMD64=v3 and up), as dot.go's expression is.
TEXT ·dotQ5_0AVX2(SB), NOSPLIT, $0-36
	MOVQ         row+0(FP), SI
	MOVQ         q+8(FP), DI
	MOVQ         d+16(FP), DX
	MOVQ         nb+24(FP), CX
	VXORPS       X0, X0, X0
	MOVL         $0x0f0f0f0f, AX
	VMOVD        AX, X1
	VPBROADCASTD X1, Y1
	MOVL         $0xf0f0f0f0, AX
	VMOVD        AX, X6
	VPBROADCASTD X6, Y6
	MOVL         $0x00010001, AX
	VMOVD        AX, X7
	VPBROADCASTD X7, Y7
	VPCMPEQB     Y8, Y8, Y8
	TESTQ        CX, CX
	JEQ          q50done

q50loop:
	// Nibbles: bytes 0-15 the low ones (elements 0-15), 16-31 the high ones.
	VMOVDQU      6(SI), X2
	VPSRLW       $4, X2, X3
	VINSERTI128  $1, X3, Y2, Y2
	VPAND        Y1, Y2, Y2
	// Fifth bits: byte k = 0xff when bit k of qh is set; q-16 = nibble |
	// (bit ? 0 : 0xf0) as a signed byte.
	VPBROADCASTD 2(SI), Y3
	VPSHUFB      q5shuf<>(SB), Y3, Y3
	VPOR         q5bits<>(SB), Y3, Y3
	VPCMPEQB     Y8, Y3, Y3
	VPANDN       Y6, Y3, Y3
	VPOR         Y3, Y2, Y2
	VMOVDQU      (DI), Y4
	VPSIGNB      Y2, Y4, Y4
	VPABSB       Y2, Y2
	VPMADDUBSW   Y4, Y2, Y2
	VPMADDWD     Y7, Y2, Y2
	VEXTRACTI128 $1, Y2, X4
	VPADDD       X4, X2, X2
	VPSHUFD      $0x4e, X2, X4
	VPADDD       X4, X2, X2
	VPSHUFD      $0xb1, X2, X4
	VPADDD       X4, X2, X2
	VCVTDQ2PS    X2, X2
	MOVWLZX      (SI), AX
	VMOVD        AX, X5
	VCVTPH2PS    X5, X5
	VMULSS       (DX), X5, X5
#ifdef GOAMD64_v3
	VFMADD231SS  X5, X2, X0
#else
#ifdef GOAMD64_v4
	VFMADD231SS  X5, X2, X0
#else
	VMULSS       X5, X2, X2
	VADDSS       X2, X0, X0
#endif
#endif
	ADDQ         $22, SI
	ADDQ         $32, DI
	ADDQ         $4, DX
	DECQ         CX
	JNE          q50loop

q50done:
	VZEROUPPER
	MOVSS        X0, ret+32(FP)
	RET

// func dotQ5_0x4AVX2(row *byte, q *int8, d *float32, nb int, out *float32)
// dotQ5_0AVX2 of one row against four consecutive activation vectors (nb
// blocks each), out[0..3]: the four block sums are reduced together into
// lanes 0-3 of X0, and each lane takes exactly the float steps of
// dotQ5_0AVX2.
TEXT ·dotQ5_0x4AVX2(SB), NOSPLIT, $0-40
	MOVQ         row+0(FP), SI
	MOVQ         q+8(FP), DI
	MOVQ         d+16(FP), DX
	MOVQ         nb+24(FP), CX
	MOVQ         CX, R9
	SHLQ         $5, R9
	LEAQ         (R9)(R9*2), R11
	MOVQ         CX, R10
	SHLQ         $2, R10
	LEAQ         (R10)(R10*2), R12
	VXORPS       X0, X0, X0
	MOVL         $0x0f0f0f0f, AX
	VMOVD        AX, X1
	VPBROADCASTD X1, Y1
	MOVL         $0xf0f0f0f0, AX
	VMOVD        AX, X6
	VPBROADCASTD X6, Y6
	MOVL         $0x00010001, AX
	VMOVD        AX, X7
	VPBROADCASTD X7, Y7
	VPCMPEQB     Y8, Y8, Y8
	TESTQ        CX, CX
	JEQ          q54done

q54loop:
	VMOVDQU      6(SI), X2
	VPSRLW       $4, X2, X3
	VINSERTI128  $1, X3, Y2, Y2
	VPAND        Y1, Y2, Y2
	VPBROADCASTD 2(SI), Y3
	VPSHUFB      q5shuf<>(SB), Y3, Y3
	VPOR         q5bits<>(SB), Y3, Y3
	VPCMPEQB     Y8, Y3, Y3
	VPANDN       Y6, Y3, Y3
	VPOR         Y3, Y2, Y2
	VPABSB       Y2, Y3
	VMOVDQU      (DI), Y10
	VPSIGNB      Y2, Y10, Y10
	VPMADDUBSW   Y10, Y3, Y10
	VPMADDWD     Y7, Y10, Y10
	VMOVDQU      (DI)(R9*1), Y11
	VPSIGNB      Y2, Y11, Y11
	VPMADDUBSW   Y11, Y3, Y11
	VPMADDWD     Y7, Y11, Y11
	VMOVDQU      (DI)(R9*2), Y12
	VPSIGNB      Y2, Y12, Y12
	VPMADDUBSW   Y12, Y3, Y12
	VPMADDWD     Y7, Y12, Y12
	VMOVDQU      (DI)(R11*1), Y13
	VPSIGNB      Y2, Y13, Y13
	VPMADDUBSW   Y13, Y3, Y13
	VPMADDWD     Y7, Y13, Y13
	// [s0 s1 s2 s3] in X10
	VPHADDD      Y11, Y10, Y10
	VPHADDD      Y13, Y12, Y12
	VPHADDD      Y12, Y10, Y10
	VEXTRACTI128 $1, Y10, X11
	VPADDD       X11, X10, X10
	VCVTDQ2PS    X10, X10
	// [d_w*d_x0 .. d_w*d_x3] in X5
	MOVWLZX      (SI), AX
	VMOVD        AX, X5
	VCVTPH2PS    X5, X5
	VBROADCASTSS X5, X5
	VMOVSS       (DX), X4
	VINSERTPS    $0x10, (DX)(R10*1), X4, X4
	VINSERTPS    $0x20, (DX)(R10*2), X4, X4
	VINSERTPS    $0x30, (DX)(R12*1), X4, X4
	VMULPS       X4, X5, X5
#ifdef GOAMD64_v3
	VFMADD231PS  X5, X10, X0
#else
#ifdef GOAMD64_v4
	VFMADD231PS  X5, X10, X0
#else
	VMULPS       X5, X10, X10
	VADDPS       X10, X0, X0
#endif
#endif
	ADDQ         $22, SI
	ADDQ         $32, DI
	ADDQ         $4, DX
	DECQ         CX
	JNE          q54loop

q54done:
	MOVQ         out+32(FP), R8
	VMOVUPS      X0, (R8)
	VZEROUPPER
	RET
