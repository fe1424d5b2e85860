//go:build !purego

#include "textflag.h"

// AVX2 twins of the kernels in attn_amd64.s (bit-identical results).

DATA attnc<>+0(SB)/8, $0x4b4000004b400000
DATA attnc<>+8(SB)/8, $0x4b4000004b400000
DATA attnc<>+16(SB)/8, $0x4b4000004b400000
DATA attnc<>+24(SB)/8, $0x4b4000004b400000
DATA attnc<>+32(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA attnc<>+40(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA attnc<>+48(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA attnc<>+56(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA attnc<>+64(SB)/8, $0x3f3172003f317200
DATA attnc<>+72(SB)/8, $0x3f3172003f317200
DATA attnc<>+80(SB)/8, $0x3f3172003f317200
DATA attnc<>+88(SB)/8, $0x3f3172003f317200
DATA attnc<>+96(SB)/8, $0x35bfbe8e35bfbe8e
DATA attnc<>+104(SB)/8, $0x35bfbe8e35bfbe8e
DATA attnc<>+112(SB)/8, $0x35bfbe8e35bfbe8e
DATA attnc<>+120(SB)/8, $0x35bfbe8e35bfbe8e
DATA attnc<>+128(SB)/8, $0x3c0720103c072010
DATA attnc<>+136(SB)/8, $0x3c0720103c072010
DATA attnc<>+144(SB)/8, $0x3c0720103c072010
DATA attnc<>+152(SB)/8, $0x3c0720103c072010
DATA attnc<>+160(SB)/8, $0x3d2b9f173d2b9f17
DATA attnc<>+168(SB)/8, $0x3d2b9f173d2b9f17
DATA attnc<>+176(SB)/8, $0x3d2b9f173d2b9f17
DATA attnc<>+184(SB)/8, $0x3d2b9f173d2b9f17
DATA attnc<>+192(SB)/8, $0x3e2aaf333e2aaf33
DATA attnc<>+200(SB)/8, $0x3e2aaf333e2aaf33
DATA attnc<>+208(SB)/8, $0x3e2aaf333e2aaf33
DATA attnc<>+216(SB)/8, $0x3e2aaf333e2aaf33
DATA attnc<>+224(SB)/8, $0x3efffedb3efffedb
DATA attnc<>+232(SB)/8, $0x3efffedb3efffedb
DATA attnc<>+240(SB)/8, $0x3efffedb3efffedb
DATA attnc<>+248(SB)/8, $0x3efffedb3efffedb
DATA attnc<>+256(SB)/8, $0x3f7ffff63f7ffff6
DATA attnc<>+264(SB)/8, $0x3f7ffff63f7ffff6
DATA attnc<>+272(SB)/8, $0x3f7ffff63f7ffff6
DATA attnc<>+280(SB)/8, $0x3f7ffff63f7ffff6
DATA attnc<>+288(SB)/8, $0x3f8000003f800000
DATA attnc<>+296(SB)/8, $0x3f8000003f800000
DATA attnc<>+304(SB)/8, $0x3f8000003f800000
DATA attnc<>+312(SB)/8, $0x3f8000003f800000
DATA attnc<>+320(SB)/8, $0x4340000043400000
DATA attnc<>+328(SB)/8, $0x4340000043400000
DATA attnc<>+336(SB)/8, $0x4340000043400000
DATA attnc<>+344(SB)/8, $0x4340000043400000
DATA attnc<>+352(SB)/8, $0xc3400000c3400000
DATA attnc<>+360(SB)/8, $0xc3400000c3400000
DATA attnc<>+368(SB)/8, $0xc3400000c3400000
DATA attnc<>+376(SB)/8, $0xc3400000c3400000
DATA attnc<>+384(SB)/8, $0x7f8000007f800000
DATA attnc<>+392(SB)/8, $0x7f8000007f800000
DATA attnc<>+400(SB)/8, $0x7f8000007f800000
DATA attnc<>+408(SB)/8, $0x7f8000007f800000
DATA attnc<>+416(SB)/8, $0xc2fa0000c2fa0000
DATA attnc<>+424(SB)/8, $0xc2fa0000c2fa0000
DATA attnc<>+432(SB)/8, $0xc2fa0000c2fa0000
DATA attnc<>+440(SB)/8, $0xc2fa0000c2fa0000
DATA attnc<>+448(SB)/8, $0x42fe000042fe0000
DATA attnc<>+456(SB)/8, $0x42fe000042fe0000
DATA attnc<>+464(SB)/8, $0x42fe000042fe0000
DATA attnc<>+472(SB)/8, $0x42fe000042fe0000
DATA attnc<>+480(SB)/8, $0x0000007f0000007f
DATA attnc<>+488(SB)/8, $0x0000007f0000007f
DATA attnc<>+496(SB)/8, $0x0000007f0000007f
DATA attnc<>+504(SB)/8, $0x0000007f0000007f
DATA attnc<>+512(SB)/8, $0xff800000ff800000
DATA attnc<>+520(SB)/8, $0xff800000ff800000
DATA attnc<>+528(SB)/8, $0xff800000ff800000
DATA attnc<>+536(SB)/8, $0xff800000ff800000
DATA attnc<>+544(SB)/8, $0x0000000800000008
DATA attnc<>+552(SB)/8, $0x0000000800000008
DATA attnc<>+560(SB)/8, $0x0000000800000008
DATA attnc<>+568(SB)/8, $0x0000000800000008
DATA attnc<>+576(SB)/8, $0x8000000080000000
DATA attnc<>+584(SB)/8, $0x8000000080000000
DATA attnc<>+592(SB)/8, $0x8000000080000000
DATA attnc<>+600(SB)/8, $0x8000000080000000
DATA attnc<>+608(SB)/8, $0x0000000100000000
DATA attnc<>+616(SB)/8, $0x0000000300000002
DATA attnc<>+624(SB)/8, $0x0000000500000004
DATA attnc<>+632(SB)/8, $0x0000000700000006
GLOBL attnc<>(SB), RODATA|NOPTR, $640

#define C_R attnc<>+0(SB)
#define C_L2E attnc<>+32(SB)
#define C_C0 attnc<>+64(SB)
#define C_C1 attnc<>+96(SB)
#define C_P0 attnc<>+128(SB)
#define C_P1 attnc<>+160(SB)
#define C_P2 attnc<>+192(SB)
#define C_P3 attnc<>+224(SB)
#define C_P4 attnc<>+256(SB)
#define C_ONE attnc<>+288(SB)
#define C_K192 attnc<>+320(SB)
#define C_KM192 attnc<>+352(SB)
#define C_INF attnc<>+384(SB)
#define C_M125 attnc<>+416(SB)
#define C_K127 attnc<>+448(SB)
#define C_I127 attnc<>+480(SB)
#define C_NINF attnc<>+512(SB)
#define C_I8 attnc<>+544(SB)
#define C_SIGN attnc<>+576(SB)
#define C_IOTA attnc<>+608(SB)

// vexpf of Y0 into Y7 (ggml's AVX-512 expf, with VSCALEFPS done as two
// multiplications by powers of two, the first exact); Y1..Y6 scratch.
#define VEXPF_Y0_Y7 \
	VMOVUPS      C_R, Y1; \
	VFMADD231PS  C_L2E, Y0, Y1; \
	VSUBPS       C_R, Y1, Y1; \
	VMOVAPS      Y0, Y2; \
	VFNMADD231PS C_C0, Y1, Y2; \
	VFNMADD231PS C_C1, Y1, Y2; \
	VMULPS       Y2, Y2, Y3; \
	VMOVUPS      C_P1, Y4; \
	VFMADD231PS  C_P0, Y2, Y4; \
	VMOVUPS      C_P3, Y5; \
	VFMADD231PS  C_P2, Y2, Y5; \
	VFMADD231PS  Y3, Y4, Y5; \
	VMOVUPS      C_ONE, Y6; \
	VFMADD231PS  C_P4, Y2, Y6; \
	VFMADD231PS  Y3, Y5, Y6; \
	VMAXPS       C_M125, Y1, Y4; \
	VMINPS       C_K127, Y4, Y4; \
	VSUBPS       Y4, Y1, Y5; \
	VCVTTPS2DQ   Y4, Y4; \
	VCVTTPS2DQ   Y5, Y5; \
	VPADDD       C_I127, Y4, Y4; \
	VPADDD       C_I127, Y5, Y5; \
	VPSLLD       $23, Y4, Y4; \
	VPSLLD       $23, Y5, Y5; \
	VMULPS       Y4, Y6, Y6; \
	VMULPS       Y5, Y6, Y7; \
	VCMPPS       $0x1e, C_K192, Y1, Y4; \
	VBLENDVPS    Y4, C_INF, Y7, Y7; \
	VCMPPS       $0x11, C_KM192, Y1, Y4; \
	VANDNPS      Y7, Y4, Y7

// func attnScores1AVX2(kt *float32, q *float32, hd int, scale float32, nt int, kq *float32) float32
//
// attnScores2AVX512 for one query with AVX2.
TEXT ·attnScores1AVX2(SB), NOSPLIT, $0-52
	MOVQ   kt+0(FP), AX
	MOVQ   q+8(FP), BX
	MOVQ   hd+16(FP), DX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

s1loop:
	VBROADCASTSS (BX), Y8
	VFMADD231PS  (AX), Y8, Y0
	VFMADD231PS  32(AX), Y8, Y1
	VFMADD231PS  64(AX), Y8, Y2
	VFMADD231PS  96(AX), Y8, Y3
	VFMADD231PS  128(AX), Y8, Y4
	VFMADD231PS  160(AX), Y8, Y5
	VFMADD231PS  192(AX), Y8, Y6
	VFMADD231PS  224(AX), Y8, Y7
	ADDQ         $256, AX
	ADDQ         $4, BX
	DECQ         DX
	JNZ          s1loop

	VBROADCASTSS scale+24(FP), Y13
	VMULPS       Y13, Y0, Y0
	VMULPS       Y13, Y1, Y1
	VMULPS       Y13, Y2, Y2
	VMULPS       Y13, Y3, Y3
	VMULPS       Y13, Y4, Y4
	VMULPS       Y13, Y5, Y5
	VMULPS       Y13, Y6, Y6
	VMULPS       Y13, Y7, Y7
	VMOVUPS      C_NINF, Y8
	VMOVUPS      C_IOTA, Y9
	MOVQ         nt+32(FP), AX
	VMOVD        AX, X10
	VPBROADCASTD X10, Y10
	VMOVUPS      C_I8, Y11
	MOVQ         kq+40(FP), DI

#define MASKST(A, OFF) \
	VPCMPGTD  Y9, Y10, Y12; \
	VBLENDVPS Y12, A, Y8, A; \
	VPSUBD    Y11, Y10, Y10; \
	VMOVUPS   A, OFF(DI)

	MASKST(Y0, 0)
	MASKST(Y1, 32)
	MASKST(Y2, 64)
	MASKST(Y3, 96)
	MASKST(Y4, 128)
	MASKST(Y5, 160)
	MASKST(Y6, 192)
	MASKST(Y7, 224)
	VCMPPS  $3, Y0, Y0, Y12
	VCMPPS  $3, Y1, Y1, Y13
	VORPS   Y13, Y12, Y12
	VCMPPS  $3, Y2, Y2, Y13
	VORPS   Y13, Y12, Y12
	VCMPPS  $3, Y3, Y3, Y13
	VORPS   Y13, Y12, Y12
	VCMPPS  $3, Y4, Y4, Y13
	VORPS   Y13, Y12, Y12
	VCMPPS  $3, Y5, Y5, Y13
	VORPS   Y13, Y12, Y12
	VCMPPS  $3, Y6, Y6, Y13
	VORPS   Y13, Y12, Y12
	VCMPPS  $3, Y7, Y7, Y13
	VORPS   Y13, Y12, Y12
	VMAXPS  Y1, Y0, Y13
	VMAXPS  Y2, Y13, Y13
	VMAXPS  Y3, Y13, Y13
	VMAXPS  Y4, Y13, Y13
	VMAXPS  Y5, Y13, Y13
	VMAXPS  Y6, Y13, Y13
	VMAXPS  Y7, Y13, Y13
	VEXTRACTF128 $1, Y13, X14
	VMAXPS  X14, X13, X13
	VPERMILPS $0x4E, X13, X14
	VMAXPS  X14, X13, X13
	VPERMILPS $0xB1, X13, X14
	VMAXPS  X14, X13, X13
	VMOVSS  X13, ret+48(FP)
	VMOVMSKPS Y12, AX
	TESTL   AX, AX
	JZ      s1done
	MOVL    $0x7fc00000, R8
	MOVL    R8, ret+48(FP)

s1done:
	VZEROUPPER
	RET

// func attnExpAccAVX2(kq *float32, mnew, ms float32, nt int, out *float32, hdv int, v *uint16, vstride int) float64
//
// attnExpAccAVX512 with AVX2.
TEXT ·attnExpAccAVX2(SB), NOSPLIT, $0-64
	MOVQ         kq+0(FP), DI
	VBROADCASTSS mnew+8(FP), Y15
	VXORPD       X14, X14, X14
	MOVQ         $4, CX

x2loop:
	VMOVUPS      (DI), Y0
	VSUBPS       Y15, Y0, Y0
	VEXPF_Y0_Y7
	VMOVUPS      Y7, (DI)
	VMOVAPS      Y7, Y8
	VMOVUPS      32(DI), Y0
	VSUBPS       Y15, Y0, Y0
	VEXPF_Y0_Y7
	VMOVUPS      Y7, 32(DI)
	VADDPS       Y8, Y7, Y9
	VEXTRACTF128 $1, Y9, X10
	VADDPS       X9, X10, X10
	VPERMILPS    $0x0e, X10, X11
	VADDPS       X10, X11, X11
	VMOVSHDUP    X11, X12
	VADDSS       X12, X11, X11
	VCVTSS2SD    X11, X11, X11
	VADDSD       X11, X14, X14
	ADDQ         $64, DI
	DECQ         CX
	JNZ          x2loop
	VMOVSD       X14, ret+56(FP)

	VBROADCASTSS ms+12(FP), Y15
	MOVQ kq+0(FP), R12
	MOVQ nt+16(FP), R11
	MOVQ out+24(FP), SI
	MOVQ hdv+32(FP), CX
	MOVQ v+40(FP), R9
	MOVQ vstride+48(FP), R10
	SHLQ $1, R10

w2chunk64:
	CMPQ    CX, $64
	JLT     w2chunk16
	VMULPS  (SI), Y15, Y0
	VMULPS  32(SI), Y15, Y1
	VMULPS  64(SI), Y15, Y2
	VMULPS  96(SI), Y15, Y3
	VMULPS  128(SI), Y15, Y4
	VMULPS  160(SI), Y15, Y5
	VMULPS  192(SI), Y15, Y6
	VMULPS  224(SI), Y15, Y7
	MOVQ    R12, AX
	MOVQ    R9, BX
	MOVQ    R11, DX

w2loop64:
	VBROADCASTSS (AX), Y8
	VCVTPH2PS    (BX), Y9
	VCVTPH2PS    16(BX), Y10
	VCVTPH2PS    32(BX), Y11
	VCVTPH2PS    48(BX), Y12
	VFMADD231PS  Y9, Y8, Y0
	VFMADD231PS  Y10, Y8, Y1
	VFMADD231PS  Y11, Y8, Y2
	VFMADD231PS  Y12, Y8, Y3
	VCVTPH2PS    64(BX), Y9
	VCVTPH2PS    80(BX), Y10
	VCVTPH2PS    96(BX), Y11
	VCVTPH2PS    112(BX), Y12
	VFMADD231PS  Y9, Y8, Y4
	VFMADD231PS  Y10, Y8, Y5
	VFMADD231PS  Y11, Y8, Y6
	VFMADD231PS  Y12, Y8, Y7
	ADDQ         $4, AX
	ADDQ         R10, BX
	DECQ         DX
	JNZ          w2loop64
	VMOVUPS Y0, (SI)
	VMOVUPS Y1, 32(SI)
	VMOVUPS Y2, 64(SI)
	VMOVUPS Y3, 96(SI)
	VMOVUPS Y4, 128(SI)
	VMOVUPS Y5, 160(SI)
	VMOVUPS Y6, 192(SI)
	VMOVUPS Y7, 224(SI)
	ADDQ    $256, SI
	ADDQ    $128, R9
	SUBQ    $64, CX
	JMP     w2chunk64

w2chunk16:
	CMPQ    CX, $16
	JLT     w2done
	VMULPS  (SI), Y15, Y0
	VMULPS  32(SI), Y15, Y1
	MOVQ    R12, AX
	MOVQ    R9, BX
	MOVQ    R11, DX

w2loop16:
	VBROADCASTSS (AX), Y8
	VCVTPH2PS    (BX), Y9
	VCVTPH2PS    16(BX), Y10
	VFMADD231PS  Y9, Y8, Y0
	VFMADD231PS  Y10, Y8, Y1
	ADDQ         $4, AX
	ADDQ         R10, BX
	DECQ         DX
	JNZ          w2loop16
	VMOVUPS Y0, (SI)
	VMOVUPS Y1, 32(SI)
	ADDQ    $64, SI
	ADDQ    $32, R9
	SUBQ    $16, CX
	JMP     w2chunk16

w2done:
	VZEROUPPER
	RET

// func siluMulAVX2(x, y *float32, n int)
//
// siluMulAVX512 with AVX2 (n a multiple of 8, > 0).
TEXT ·siluMulAVX2(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), DI
	MOVQ y+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX

silu2loop:
	VMOVUPS  (DI), Y8
	VXORPS   C_SIGN, Y8, Y0
	VEXPF_Y0_Y7
	VADDPS   C_ONE, Y7, Y7
	VDIVPS   Y7, Y8, Y8
	VMULPS   (SI), Y8, Y8
	VMOVUPS  Y8, (DI)
	ADDQ     $32, DI
	ADDQ     $32, SI
	DECQ     CX
	JNZ      silu2loop
	VZEROUPPER
	RET
