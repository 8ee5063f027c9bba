/* wasm_simd.h — the SIMD (v128) part of the internal instruction set,
 * listed by operand shape. wasm_compile_simd.inc emits these rows,
 * wasm_interp_simd.inc holds their handlers. Every Wasm SIMD instruction
 * has an internal instruction of the same name; a few have extra forms
 * (NAME_I: a constant operand taken as an immediate).
 *
 * A v128 takes two adjacent 8-byte slots; an operand naming a v128 names
 * the first. Operand words (after the two handler words):
 *   LOAD      d a off          v128.loadNxM_s/u, splats, zero loads;
 *             V128_LOAD_A d a b off, V128_LOAD_AI d a I off: the address
 *             is a fused i32.add, (u32)(a + b|I), as for scalar loads
 *   LOADLANE  d a v off lane   d = v with lane replaced from memory
 *   STORE     a off v
 *   STORELANE a off v lane
 *   SPLAT     d a              a: the scalar
 *   EXTRACT   d a lane         d: the scalar
 *   REPLACE   d a b lane       b: the scalar
 *   UNOP      d a              v:v
 *   TEST      d a              v:i (any_true, all_true, bitmask)
 *   BINOP     d a b            vv:v
 *   SHIFT     d a b            b: the i32 count; SHIFT_I: d a I
 *   V128_CONST      d + 4 words (16 bytes)
 *   I8X16_SHUFFLE   d a b + 4 words (16 lane indices)
 *   V128_BITSELECT  d a b c
 * A handler reads all its operands before writing d (d may be any input's
 * slot, or overlap one: a result slot is the first input's home). */
#ifndef HEARTH_WASM_SIMD_H
#define HEARTH_WASM_SIMD_H

/* clang-format off */
#define HW_SIMD_LOADS(M, X)                                                    \
	M(X, V128_LOAD) M(X, V128_LOAD8X8_S) M(X, V128_LOAD8X8_U)              \
	M(X, V128_LOAD16X4_S) M(X, V128_LOAD16X4_U) M(X, V128_LOAD32X2_S)      \
	M(X, V128_LOAD32X2_U) M(X, V128_LOAD8_SPLAT) M(X, V128_LOAD16_SPLAT)   \
	M(X, V128_LOAD32_SPLAT) M(X, V128_LOAD64_SPLAT) M(X, V128_LOAD32_ZERO) \
	M(X, V128_LOAD64_ZERO)

#define HW_SIMD_LOADLANES(M, X)                                                \
	M(X, V128_LOAD8_LANE) M(X, V128_LOAD16_LANE) M(X, V128_LOAD32_LANE)    \
	M(X, V128_LOAD64_LANE)

#define HW_SIMD_STORELANES(M, X)                                               \
	M(X, V128_STORE8_LANE) M(X, V128_STORE16_LANE)                         \
	M(X, V128_STORE32_LANE) M(X, V128_STORE64_LANE)

#define HW_SIMD_SPLATS(M, X)                                                   \
	M(X, I8X16_SPLAT) M(X, I16X8_SPLAT) M(X, I32X4_SPLAT) M(X, I64X2_SPLAT) \
	M(X, F32X4_SPLAT) M(X, F64X2_SPLAT)

#define HW_SIMD_EXTRACTS(M, X)                                                 \
	M(X, I8X16_EXTRACT_LANE_S) M(X, I8X16_EXTRACT_LANE_U)                  \
	M(X, I16X8_EXTRACT_LANE_S) M(X, I16X8_EXTRACT_LANE_U)                  \
	M(X, I32X4_EXTRACT_LANE) M(X, I64X2_EXTRACT_LANE)                      \
	M(X, F32X4_EXTRACT_LANE) M(X, F64X2_EXTRACT_LANE)

#define HW_SIMD_REPLACES(M, X)                                                 \
	M(X, I8X16_REPLACE_LANE) M(X, I16X8_REPLACE_LANE)                      \
	M(X, I32X4_REPLACE_LANE) M(X, I64X2_REPLACE_LANE)                      \
	M(X, F32X4_REPLACE_LANE) M(X, F64X2_REPLACE_LANE)

#define HW_SIMD_UNOPS(M, X)                                                    \
	M(X, V128_NOT) M(X, F32X4_DEMOTE_F64X2_ZERO) M(X, F64X2_PROMOTE_LOW_F32X4) \
	M(X, I8X16_ABS) M(X, I8X16_NEG) M(X, I8X16_POPCNT) M(X, F32X4_CEIL)    \
	M(X, F32X4_FLOOR) M(X, F32X4_TRUNC) M(X, F32X4_NEAREST) M(X, F64X2_CEIL) \
	M(X, F64X2_FLOOR) M(X, F64X2_TRUNC) M(X, F64X2_NEAREST)                \
	M(X, I16X8_EXTADD_PAIRWISE_I8X16_S) M(X, I16X8_EXTADD_PAIRWISE_I8X16_U) \
	M(X, I32X4_EXTADD_PAIRWISE_I16X8_S) M(X, I32X4_EXTADD_PAIRWISE_I16X8_U) \
	M(X, I16X8_ABS) M(X, I16X8_NEG) M(X, I16X8_EXTEND_LOW_I8X16_S)         \
	M(X, I16X8_EXTEND_HIGH_I8X16_S) M(X, I16X8_EXTEND_LOW_I8X16_U)         \
	M(X, I16X8_EXTEND_HIGH_I8X16_U) M(X, I32X4_ABS) M(X, I32X4_NEG)        \
	M(X, I32X4_EXTEND_LOW_I16X8_S) M(X, I32X4_EXTEND_HIGH_I16X8_S)         \
	M(X, I32X4_EXTEND_LOW_I16X8_U) M(X, I32X4_EXTEND_HIGH_I16X8_U)         \
	M(X, I64X2_ABS) M(X, I64X2_NEG) M(X, I64X2_EXTEND_LOW_I32X4_S)         \
	M(X, I64X2_EXTEND_HIGH_I32X4_S) M(X, I64X2_EXTEND_LOW_I32X4_U)         \
	M(X, I64X2_EXTEND_HIGH_I32X4_U) M(X, F32X4_ABS) M(X, F32X4_NEG)        \
	M(X, F32X4_SQRT) M(X, F64X2_ABS) M(X, F64X2_NEG) M(X, F64X2_SQRT)      \
	M(X, I32X4_TRUNC_SAT_F32X4_S) M(X, I32X4_TRUNC_SAT_F32X4_U)            \
	M(X, F32X4_CONVERT_I32X4_S) M(X, F32X4_CONVERT_I32X4_U)                \
	M(X, I32X4_TRUNC_SAT_F64X2_S_ZERO) M(X, I32X4_TRUNC_SAT_F64X2_U_ZERO)  \
	M(X, F64X2_CONVERT_LOW_I32X4_S) M(X, F64X2_CONVERT_LOW_I32X4_U)

#define HW_SIMD_TESTS(M, X)                                                    \
	M(X, V128_ANY_TRUE) M(X, I8X16_ALL_TRUE) M(X, I8X16_BITMASK)           \
	M(X, I16X8_ALL_TRUE) M(X, I16X8_BITMASK) M(X, I32X4_ALL_TRUE)          \
	M(X, I32X4_BITMASK) M(X, I64X2_ALL_TRUE) M(X, I64X2_BITMASK)

#define HW_SIMD_SHIFTS(M, X)                                                   \
	M(X, I8X16_SHL) M(X, I8X16_SHR_S) M(X, I8X16_SHR_U) M(X, I16X8_SHL)    \
	M(X, I16X8_SHR_S) M(X, I16X8_SHR_U) M(X, I32X4_SHL) M(X, I32X4_SHR_S)  \
	M(X, I32X4_SHR_U) M(X, I64X2_SHL) M(X, I64X2_SHR_S) M(X, I64X2_SHR_U)

#define HW_SIMD_BINOPS(M, X)                                                   \
	M(X, I8X16_SWIZZLE) M(X, I8X16_EQ) M(X, I8X16_NE) M(X, I8X16_LT_S)     \
	M(X, I8X16_LT_U) M(X, I8X16_GT_S) M(X, I8X16_GT_U) M(X, I8X16_LE_S)    \
	M(X, I8X16_LE_U) M(X, I8X16_GE_S) M(X, I8X16_GE_U) M(X, I16X8_EQ)      \
	M(X, I16X8_NE) M(X, I16X8_LT_S) M(X, I16X8_LT_U) M(X, I16X8_GT_S)      \
	M(X, I16X8_GT_U) M(X, I16X8_LE_S) M(X, I16X8_LE_U) M(X, I16X8_GE_S)    \
	M(X, I16X8_GE_U) M(X, I32X4_EQ) M(X, I32X4_NE) M(X, I32X4_LT_S)        \
	M(X, I32X4_LT_U) M(X, I32X4_GT_S) M(X, I32X4_GT_U) M(X, I32X4_LE_S)    \
	M(X, I32X4_LE_U) M(X, I32X4_GE_S) M(X, I32X4_GE_U) M(X, F32X4_EQ)      \
	M(X, F32X4_NE) M(X, F32X4_LT) M(X, F32X4_GT) M(X, F32X4_LE)            \
	M(X, F32X4_GE) M(X, F64X2_EQ) M(X, F64X2_NE) M(X, F64X2_LT)            \
	M(X, F64X2_GT) M(X, F64X2_LE) M(X, F64X2_GE) M(X, V128_AND)            \
	M(X, V128_ANDNOT) M(X, V128_OR) M(X, V128_XOR)                         \
	M(X, I8X16_NARROW_I16X8_S) M(X, I8X16_NARROW_I16X8_U) M(X, I8X16_ADD)  \
	M(X, I8X16_ADD_SAT_S) M(X, I8X16_ADD_SAT_U) M(X, I8X16_SUB)            \
	M(X, I8X16_SUB_SAT_S) M(X, I8X16_SUB_SAT_U) M(X, I8X16_MIN_S)          \
	M(X, I8X16_MIN_U) M(X, I8X16_MAX_S) M(X, I8X16_MAX_U)                  \
	M(X, I8X16_AVGR_U) M(X, I16X8_Q15MULR_SAT_S) M(X, I16X8_NARROW_I32X4_S) \
	M(X, I16X8_NARROW_I32X4_U) M(X, I16X8_ADD) M(X, I16X8_ADD_SAT_S)       \
	M(X, I16X8_ADD_SAT_U) M(X, I16X8_SUB) M(X, I16X8_SUB_SAT_S)            \
	M(X, I16X8_SUB_SAT_U) M(X, I16X8_MUL) M(X, I16X8_MIN_S)                \
	M(X, I16X8_MIN_U) M(X, I16X8_MAX_S) M(X, I16X8_MAX_U)                  \
	M(X, I16X8_AVGR_U) M(X, I16X8_EXTMUL_LOW_I8X16_S)                      \
	M(X, I16X8_EXTMUL_HIGH_I8X16_S) M(X, I16X8_EXTMUL_LOW_I8X16_U)         \
	M(X, I16X8_EXTMUL_HIGH_I8X16_U) M(X, I32X4_ADD) M(X, I32X4_SUB)        \
	M(X, I32X4_MUL) M(X, I32X4_MIN_S) M(X, I32X4_MIN_U) M(X, I32X4_MAX_S)  \
	M(X, I32X4_MAX_U) M(X, I32X4_DOT_I16X8_S)                              \
	M(X, I32X4_EXTMUL_LOW_I16X8_S) M(X, I32X4_EXTMUL_HIGH_I16X8_S)         \
	M(X, I32X4_EXTMUL_LOW_I16X8_U) M(X, I32X4_EXTMUL_HIGH_I16X8_U)         \
	M(X, I64X2_ADD) M(X, I64X2_SUB) M(X, I64X2_MUL) M(X, I64X2_EQ)         \
	M(X, I64X2_NE) M(X, I64X2_LT_S) M(X, I64X2_GT_S) M(X, I64X2_LE_S)      \
	M(X, I64X2_GE_S) M(X, I64X2_EXTMUL_LOW_I32X4_S)                        \
	M(X, I64X2_EXTMUL_HIGH_I32X4_S) M(X, I64X2_EXTMUL_LOW_I32X4_U)         \
	M(X, I64X2_EXTMUL_HIGH_I32X4_U) M(X, F32X4_ADD) M(X, F32X4_SUB)        \
	M(X, F32X4_MUL) M(X, F32X4_DIV) M(X, F32X4_MIN) M(X, F32X4_MAX)        \
	M(X, F32X4_PMIN) M(X, F32X4_PMAX) M(X, F64X2_ADD) M(X, F64X2_SUB)      \
	M(X, F64X2_MUL) M(X, F64X2_DIV) M(X, F64X2_MIN) M(X, F64X2_MAX)        \
	M(X, F64X2_PMIN) M(X, F64X2_PMAX)

#define HW__SIMD_W2(X, n) X(n, 2)
#define HW__SIMD_W3(X, n) X(n, 3)
#define HW__SIMD_W4(X, n) X(n, 4)
#define HW__SIMD_W5(X, n) X(n, 5)
#define HW__SIMD_SH(X, n) X(n, 3) X(n##_I, 3)

/* The rows for wasm_iops.h. */
#define HW_IOPS_SIMD(X)                                                        \
	HW_SIMD_LOADS(HW__SIMD_W3, X)                                          \
	X(V128_LOAD_A, 4)                                                      \
	X(V128_LOAD_AI, 4)                                                     \
	HW_SIMD_LOADLANES(HW__SIMD_W5, X)                                      \
	X(V128_STORE, 3)                                                       \
	HW_SIMD_STORELANES(HW__SIMD_W4, X)                                     \
	X(V128_CONST, 5)                                                       \
	X(I8X16_SHUFFLE, 7)                                                    \
	HW_SIMD_SPLATS(HW__SIMD_W2, X)                                         \
	HW_SIMD_EXTRACTS(HW__SIMD_W3, X)                                       \
	HW_SIMD_REPLACES(HW__SIMD_W4, X)                                       \
	HW_SIMD_UNOPS(HW__SIMD_W2, X)                                          \
	HW_SIMD_TESTS(HW__SIMD_W2, X)                                          \
	HW_SIMD_SHIFTS(HW__SIMD_SH, X)                                         \
	HW_SIMD_BINOPS(HW__SIMD_W3, X)                                         \
	X(V128_BITSELECT, 4)
/* clang-format on */

#endif
