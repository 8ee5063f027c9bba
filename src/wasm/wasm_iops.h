/* wasm_iops.h — the internal instruction set that wasm_compile.c emits and
 * wasm_interp.c executes. Code is an array of 32-bit words; an instruction
 * is its handler's address (two words, direct threading) followed by its
 * operand words. Operand conventions (docs/wasm-engine.md):
 *   d, a, b, c, v, n, i  frame slot indices (fp-relative, 8-byte slots);
 *                        the result slot d is always operand 0
 *   I                    32-bit immediate; L: 64-bit immediate (2 words)
 *   T                    branch offset in words, relative to the start of
 *                        the instruction (signed)
 *   W                    fuel charged when the branch is taken (back-edges)
 * X(NAME, operand words) — -1 for br_table (variable). */
#ifndef HEARTH_WASM_IOPS_H
#define HEARTH_WASM_IOPS_H

/* clang-format off */
/* i32/i64 binary operators that also exist with an immediate right-hand
 * side (NAME_I: d a I for i32, d a L for i64). */
#define HW_BINI(M, X)                                                            \
	M(X, ADD) M(X, SUB) M(X, MUL) M(X, AND) M(X, OR) M(X, XOR) M(X, SHL) M(X, SHR_S) M(X, SHR_U)     \
	M(X, ROTL) M(X, ROTR) M(X, EQ) M(X, NE) M(X, LT_S) M(X, LT_U) M(X, GT_S) M(X, GT_U) M(X, LE_S)   \
	M(X, LE_U) M(X, GE_S) M(X, GE_U)

/* Integer comparisons (fusable with br_if / if). */
#define HW_CMPS(M, X)                                                            \
	M(X, EQ) M(X, NE) M(X, LT_S) M(X, LT_U) M(X, GT_S) M(X, GT_U) M(X, LE_S) M(X, LE_U) M(X, GE_S)   \
	M(X, GE_U)

/* i32/i64 binary operators without an immediate form. */
#define HW_BIN_NOIMM(M, X) M(X, DIV_S) M(X, DIV_U) M(X, REM_S) M(X, REM_U)

/* Float binary operators (d a b), per width. */
#define HW_FBIN(M, X)                                                            \
	M(X, ADD) M(X, SUB) M(X, MUL) M(X, DIV) M(X, MIN) M(X, MAX) M(X, COPYSIGN) M(X, EQ) M(X, NE)     \
	M(X, LT) M(X, GT) M(X, LE) M(X, GE)

/* Unary operators (d a): same names as the Wasm opcodes. */
#define HW_UNOPS(M, X)                                                           \
	M(X, I32_EQZ) M(X, I32_CLZ) M(X, I32_CTZ) M(X, I32_POPCNT) M(X, I32_EXTEND8_S)       \
	M(X, I32_EXTEND16_S) M(X, I64_EQZ) M(X, I64_CLZ) M(X, I64_CTZ) M(X, I64_POPCNT)      \
	M(X, I64_EXTEND8_S) M(X, I64_EXTEND16_S) M(X, I64_EXTEND32_S) M(X, F32_ABS)       \
	M(X, F32_NEG) M(X, F32_CEIL) M(X, F32_FLOOR) M(X, F32_TRUNC) M(X, F32_NEAREST)       \
	M(X, F32_SQRT) M(X, F64_ABS) M(X, F64_NEG) M(X, F64_CEIL) M(X, F64_FLOOR)            \
	M(X, F64_TRUNC) M(X, F64_NEAREST) M(X, F64_SQRT) M(X, I32_TRUNC_F32_S)            \
	M(X, I32_TRUNC_F32_U) M(X, I32_TRUNC_F64_S) M(X, I32_TRUNC_F64_U)              \
	M(X, I64_EXTEND_I32_S) M(X, I64_EXTEND_I32_U) M(X, I64_TRUNC_F32_S)            \
	M(X, I64_TRUNC_F32_U) M(X, I64_TRUNC_F64_S) M(X, I64_TRUNC_F64_U)              \
	M(X, F32_CONVERT_I32_S) M(X, F32_CONVERT_I32_U) M(X, F32_CONVERT_I64_S)        \
	M(X, F32_CONVERT_I64_U) M(X, F32_DEMOTE_F64) M(X, F64_CONVERT_I32_S)           \
	M(X, F64_CONVERT_I32_U) M(X, F64_CONVERT_I64_S) M(X, F64_CONVERT_I64_U)        \
	M(X, F64_PROMOTE_F32) M(X, I32_TRUNC_SAT_F32_S) M(X, I32_TRUNC_SAT_F32_U)      \
	M(X, I32_TRUNC_SAT_F64_S) M(X, I32_TRUNC_SAT_F64_U) M(X, I64_TRUNC_SAT_F32_S)  \
	M(X, I64_TRUNC_SAT_F32_U) M(X, I64_TRUNC_SAT_F64_S) M(X, I64_TRUNC_SAT_F64_U)

/* SIMD instructions slot in here (wasm_simd.h); empty until SIMD
 * execution exists. */
#include "wasm_simd.h"

/* Loads and stores, which also exist with their address computed by an
 * i32.add: NAME_A (address = (u32)(a + b)) and NAME_AI ((u32)(a + I)),
 * then + offset. Operands: loads d a b|I offset; stores a b|I offset v. */
#define HW_MEMOPS(M, X)                                                       \
	M(X, LD8S) M(X, LD8U) M(X, LD16S) M(X, LD16U) M(X, LD32) M(X, LD32S)  \
	M(X, LD64) M(X, ST8) M(X, ST16) M(X, ST32) M(X, ST64)

/* Binary operators that also exist with their right operand loaded from
 * memory (NAME_M: d a p offset; d = a OP mem[p + offset]), fused from a
 * plain load followed by the operator; the load's width is the type's. */
#define HW_MEMBIN(M, X)                                                       \
	M(X, F32_ADD) M(X, F32_SUB) M(X, F32_MUL) M(X, F64_ADD) M(X, F64_SUB)  \
	M(X, F64_MUL) M(X, I32_ADD) M(X, I32_SUB) M(X, I32_AND) M(X, I32_OR)   \
	M(X, I32_XOR) M(X, I64_ADD) M(X, I64_SUB) M(X, I64_AND) M(X, I64_OR)   \
	M(X, I64_XOR)

/* The lists take (M, X) and expand to M(X, NAME) so that X can be passed
 * through to the row macros below. */
#define HW__IOP_BINI(X, n) X(I32_##n, 3) X(I32_##n##_I, 3) X(I64_##n, 3) X(I64_##n##_I, 4)
#define HW__IOP_NOIMM(X, n) X(I32_##n, 3) X(I64_##n, 3)
#define HW__IOP_FBIN(X, n) X(F32_##n, 3) X(F64_##n, 3)
#define HW__IOP_UN(X, n) X(n, 2)
#define HW__IOP_MEMFUSED(X, n) X(n##_A, 4) X(n##_AI, 4)
#define HW__IOP_MEMBIN(X, n) X(n##_M, 4)
#define HW__IOP_BRCMP(X, n)                                                   \
	X(BR_I32_##n, 3) X(BR_I32_##n##_F, 4) X(BR_I32_##n##_I, 3)            \
	X(BR_I32_##n##_I_F, 4) X(BR_I64_##n, 3) X(BR_I64_##n##_F, 4)          \
	X(BR_I64_##n##_I, 4) X(BR_I64_##n##_I_F, 5)

/* The list. */
#define HW_IOPS(X)                                                            \
	X(UNREACHABLE, 0)    /* trap */                                       \
	X(ENTER, 3)          /* zero_from nzero frame_slots */                \
	X(ENTER_F, 3)        /* ENTER, then charge 1 fuel */                  \
	X(BR, 1)             /* T */                                          \
	X(BR_F, 2)           /* T W */                                        \
	X(BR_NZ, 2)          /* c T: branch if c != 0 */                      \
	X(BR_NZ_F, 3)        /* c T W */                                      \
	X(BR_Z, 2)           /* c T: branch if c == 0 */                      \
	X(BR_Z_F, 3)         /* c T W */                                      \
	X(BR_TABLE, -1)      /* i n T0..Tn (Tn: default) */                   \
	X(CALL, 2)           /* code_offset argbase */                        \
	X(CALL_IMPORT, 2)    /* import_index argbase */                       \
	X(CALL_INDIRECT, 4)  /* table type argbase i */                       \
	X(RET0, 0)                                                            \
	X(RET1, 1)           /* a: one-slot result */                         \
	X(RET, 2)            /* a nslots: results from slots a.. */           \
	X(MOV, 2)            /* d a */                                        \
	X(MOV2, 2)           /* d a: two slots (v128) */                      \
	X(CONST32, 2)        /* d I */                                        \
	X(CONST64, 3)        /* d L */                                        \
	X(SELECT, 4)         /* d a b c: d = c ? a : b */                     \
	X(SELECT2, 4)        /* two-slot select */                            \
	X(GLOBAL_GET, 2)     /* d g */                                        \
	X(GLOBAL_SET, 2)     /* g a */                                        \
	X(GLOBAL_GET2, 2)                                                     \
	X(GLOBAL_SET2, 2)                                                     \
	X(REF_FUNC, 2)       /* d refslot */                                  \
	X(REF_FUNC_IMPORT, 2) /* d import_index */                            \
	X(REF_IS_NULL, 2)    /* d a */                                        \
	X(TABLE_GET, 3)      /* d t i */                                      \
	X(TABLE_SET, 3)      /* t i v */                                      \
	X(TABLE_SIZE, 2)     /* d t */                                        \
	X(TABLE_GROW, 4)     /* d t v n */                                    \
	X(TABLE_FILL, 4)     /* t i v n */                                    \
	X(TABLE_COPY, 5)     /* dst_t src_t d s n */                          \
	X(TABLE_INIT, 5)     /* t seg d s n */                                \
	X(ELEM_DROP, 1)      /* seg */                                        \
	X(MEMORY_SIZE, 1)    /* d */                                          \
	X(MEMORY_GROW, 2)    /* d n */                                        \
	X(MEMORY_FILL, 3)    /* d v n */                                      \
	X(MEMORY_COPY, 3)    /* d s n */                                      \
	X(MEMORY_INIT, 4)    /* seg d s n */                                  \
	X(DATA_DROP, 1)      /* seg */                                        \
	X(LD8S, 3)           /* d a offset: loads sign/zero-extend to 64 */   \
	X(LD8U, 3)                                                            \
	X(LD16S, 3)                                                           \
	X(LD16U, 3)                                                           \
	X(LD32, 3)           /* i32/f32.load, i64.load32_u */                 \
	X(LD32S, 3)                                                           \
	X(LD64, 3)                                                            \
	X(ST8, 3)            /* a offset v */                                 \
	X(ST16, 3)                                                            \
	X(ST32, 3)                                                            \
	X(ST64, 3)                                                            \
	HW_MEMOPS(HW__IOP_MEMFUSED, X)                                        \
	HW_MEMBIN(HW__IOP_MEMBIN, X)                                          \
	HW_BINI(HW__IOP_BINI, X)                                              \
	HW_BIN_NOIMM(HW__IOP_NOIMM, X)                                        \
	HW_FBIN(HW__IOP_FBIN, X)                                              \
	HW_UNOPS(HW__IOP_UN, X)                                               \
	HW_CMPS(HW__IOP_BRCMP, X)                                             \
	HW_IOPS_SIMD(X)

enum {
#define HW__IOP_ENUM(name, n) HW_I_##name,
	HW_IOPS(HW__IOP_ENUM)
#undef HW__IOP_ENUM
	HW_I__COUNT
};

/* clang-format on */

#endif
