/* wasm_opcodes.h — every WebAssembly 2.0 instruction as X-macro rows:
 * X(code, ID, "text name", immediate kind, signature, arg).
 * The signature is "pops:pushes" with i=i32 l=i64 f=f32 d=f64 v=v128, or
 * NULL when the validator handles the instruction by hand. arg: for memory
 * instructions the log2 of the natural alignment; for lane instructions
 * the lane count. Used by the decoder (immediates), the validator (types)
 * and the compiler (dispatch). */
#ifndef HEARTH_WASM_OPCODES_H
#define HEARTH_WASM_OPCODES_H

/* clang-format off */
/* Immediate kinds. */
enum {
	HW_IMM_NONE,
	HW_IMM_BLOCK,     /* blocktype */
	HW_IMM_LABEL,     /* labelidx */
	HW_IMM_BRTABLE,   /* vec(labelidx) labelidx */
	HW_IMM_FUNC,      /* funcidx */
	HW_IMM_CALLIND,   /* typeidx tableidx */
	HW_IMM_LOCAL,     /* localidx */
	HW_IMM_GLOBAL,    /* globalidx */
	HW_IMM_TABLE,     /* tableidx */
	HW_IMM_MEMARG,    /* align offset */
	HW_IMM_MEM0,      /* a zero byte (memory index) */
	HW_IMM_I32,       /* s32 */
	HW_IMM_I64,       /* s64 */
	HW_IMM_F32,       /* 4 bytes */
	HW_IMM_F64,       /* 8 bytes */
	HW_IMM_REFTYPE,   /* reftype byte */
	HW_IMM_SELECTT,   /* vec(valtype) */
	HW_IMM_MEMINIT,   /* dataidx, zero byte */
	HW_IMM_DATA,      /* dataidx */
	HW_IMM_MEMCOPY,   /* two zero bytes */
	HW_IMM_TABLEINIT, /* elemidx tableidx */
	HW_IMM_ELEM,      /* elemidx */
	HW_IMM_TABLECOPY, /* tableidx tableidx */
	HW_IMM_V128,      /* 16 bytes */
	HW_IMM_SHUFFLE,   /* 16 lane bytes */
	HW_IMM_LANE,      /* one lane byte */
	HW_IMM_MEMLANE    /* memarg, lane byte */
};

/* One-byte opcodes. */
#define HW_OPS_MAIN(X)                                                        \
	X(0x00, UNREACHABLE, "unreachable", HW_IMM_NONE, NULL, 0)             \
	X(0x01, NOP, "nop", HW_IMM_NONE, ":", 0)                              \
	X(0x02, BLOCK, "block", HW_IMM_BLOCK, NULL, 0)                        \
	X(0x03, LOOP, "loop", HW_IMM_BLOCK, NULL, 0)                          \
	X(0x04, IF, "if", HW_IMM_BLOCK, NULL, 0)                              \
	X(0x05, ELSE, "else", HW_IMM_NONE, NULL, 0)                           \
	X(0x0B, END, "end", HW_IMM_NONE, NULL, 0)                             \
	X(0x0C, BR, "br", HW_IMM_LABEL, NULL, 0)                              \
	X(0x0D, BR_IF, "br_if", HW_IMM_LABEL, NULL, 0)                        \
	X(0x0E, BR_TABLE, "br_table", HW_IMM_BRTABLE, NULL, 0)                \
	X(0x0F, RETURN, "return", HW_IMM_NONE, NULL, 0)                       \
	X(0x10, CALL, "call", HW_IMM_FUNC, NULL, 0)                           \
	X(0x11, CALL_INDIRECT, "call_indirect", HW_IMM_CALLIND, NULL, 0)      \
	X(0x1A, DROP, "drop", HW_IMM_NONE, NULL, 0)                           \
	X(0x1B, SELECT, "select", HW_IMM_NONE, NULL, 0)                       \
	X(0x1C, SELECT_T, "select", HW_IMM_SELECTT, NULL, 0)                  \
	X(0x20, LOCAL_GET, "local.get", HW_IMM_LOCAL, NULL, 0)                \
	X(0x21, LOCAL_SET, "local.set", HW_IMM_LOCAL, NULL, 0)                \
	X(0x22, LOCAL_TEE, "local.tee", HW_IMM_LOCAL, NULL, 0)                \
	X(0x23, GLOBAL_GET, "global.get", HW_IMM_GLOBAL, NULL, 0)             \
	X(0x24, GLOBAL_SET, "global.set", HW_IMM_GLOBAL, NULL, 0)             \
	X(0x25, TABLE_GET, "table.get", HW_IMM_TABLE, NULL, 0)                \
	X(0x26, TABLE_SET, "table.set", HW_IMM_TABLE, NULL, 0)                \
	X(0x28, I32_LOAD, "i32.load", HW_IMM_MEMARG, "i:i", 2)                \
	X(0x29, I64_LOAD, "i64.load", HW_IMM_MEMARG, "i:l", 3)                \
	X(0x2A, F32_LOAD, "f32.load", HW_IMM_MEMARG, "i:f", 2)                \
	X(0x2B, F64_LOAD, "f64.load", HW_IMM_MEMARG, "i:d", 3)                \
	X(0x2C, I32_LOAD8_S, "i32.load8_s", HW_IMM_MEMARG, "i:i", 0)          \
	X(0x2D, I32_LOAD8_U, "i32.load8_u", HW_IMM_MEMARG, "i:i", 0)          \
	X(0x2E, I32_LOAD16_S, "i32.load16_s", HW_IMM_MEMARG, "i:i", 1)        \
	X(0x2F, I32_LOAD16_U, "i32.load16_u", HW_IMM_MEMARG, "i:i", 1)        \
	X(0x30, I64_LOAD8_S, "i64.load8_s", HW_IMM_MEMARG, "i:l", 0)          \
	X(0x31, I64_LOAD8_U, "i64.load8_u", HW_IMM_MEMARG, "i:l", 0)          \
	X(0x32, I64_LOAD16_S, "i64.load16_s", HW_IMM_MEMARG, "i:l", 1)        \
	X(0x33, I64_LOAD16_U, "i64.load16_u", HW_IMM_MEMARG, "i:l", 1)        \
	X(0x34, I64_LOAD32_S, "i64.load32_s", HW_IMM_MEMARG, "i:l", 2)        \
	X(0x35, I64_LOAD32_U, "i64.load32_u", HW_IMM_MEMARG, "i:l", 2)        \
	X(0x36, I32_STORE, "i32.store", HW_IMM_MEMARG, "ii:", 2)              \
	X(0x37, I64_STORE, "i64.store", HW_IMM_MEMARG, "il:", 3)              \
	X(0x38, F32_STORE, "f32.store", HW_IMM_MEMARG, "if:", 2)              \
	X(0x39, F64_STORE, "f64.store", HW_IMM_MEMARG, "id:", 3)              \
	X(0x3A, I32_STORE8, "i32.store8", HW_IMM_MEMARG, "ii:", 0)            \
	X(0x3B, I32_STORE16, "i32.store16", HW_IMM_MEMARG, "ii:", 1)          \
	X(0x3C, I64_STORE8, "i64.store8", HW_IMM_MEMARG, "il:", 0)            \
	X(0x3D, I64_STORE16, "i64.store16", HW_IMM_MEMARG, "il:", 1)          \
	X(0x3E, I64_STORE32, "i64.store32", HW_IMM_MEMARG, "il:", 2)          \
	X(0x3F, MEMORY_SIZE, "memory.size", HW_IMM_MEM0, ":i", 0)             \
	X(0x40, MEMORY_GROW, "memory.grow", HW_IMM_MEM0, "i:i", 0)            \
	X(0x41, I32_CONST, "i32.const", HW_IMM_I32, ":i", 0)                  \
	X(0x42, I64_CONST, "i64.const", HW_IMM_I64, ":l", 0)                  \
	X(0x43, F32_CONST, "f32.const", HW_IMM_F32, ":f", 0)                  \
	X(0x44, F64_CONST, "f64.const", HW_IMM_F64, ":d", 0)                  \
	X(0x45, I32_EQZ, "i32.eqz", HW_IMM_NONE, "i:i", 0)                    \
	X(0x46, I32_EQ, "i32.eq", HW_IMM_NONE, "ii:i", 0)                     \
	X(0x47, I32_NE, "i32.ne", HW_IMM_NONE, "ii:i", 0)                     \
	X(0x48, I32_LT_S, "i32.lt_s", HW_IMM_NONE, "ii:i", 0)                 \
	X(0x49, I32_LT_U, "i32.lt_u", HW_IMM_NONE, "ii:i", 0)                 \
	X(0x4A, I32_GT_S, "i32.gt_s", HW_IMM_NONE, "ii:i", 0)                 \
	X(0x4B, I32_GT_U, "i32.gt_u", HW_IMM_NONE, "ii:i", 0)                 \
	X(0x4C, I32_LE_S, "i32.le_s", HW_IMM_NONE, "ii:i", 0)                 \
	X(0x4D, I32_LE_U, "i32.le_u", HW_IMM_NONE, "ii:i", 0)                 \
	X(0x4E, I32_GE_S, "i32.ge_s", HW_IMM_NONE, "ii:i", 0)                 \
	X(0x4F, I32_GE_U, "i32.ge_u", HW_IMM_NONE, "ii:i", 0)                 \
	X(0x50, I64_EQZ, "i64.eqz", HW_IMM_NONE, "l:i", 0)                    \
	X(0x51, I64_EQ, "i64.eq", HW_IMM_NONE, "ll:i", 0)                     \
	X(0x52, I64_NE, "i64.ne", HW_IMM_NONE, "ll:i", 0)                     \
	X(0x53, I64_LT_S, "i64.lt_s", HW_IMM_NONE, "ll:i", 0)                 \
	X(0x54, I64_LT_U, "i64.lt_u", HW_IMM_NONE, "ll:i", 0)                 \
	X(0x55, I64_GT_S, "i64.gt_s", HW_IMM_NONE, "ll:i", 0)                 \
	X(0x56, I64_GT_U, "i64.gt_u", HW_IMM_NONE, "ll:i", 0)                 \
	X(0x57, I64_LE_S, "i64.le_s", HW_IMM_NONE, "ll:i", 0)                 \
	X(0x58, I64_LE_U, "i64.le_u", HW_IMM_NONE, "ll:i", 0)                 \
	X(0x59, I64_GE_S, "i64.ge_s", HW_IMM_NONE, "ll:i", 0)                 \
	X(0x5A, I64_GE_U, "i64.ge_u", HW_IMM_NONE, "ll:i", 0)                 \
	X(0x5B, F32_EQ, "f32.eq", HW_IMM_NONE, "ff:i", 0)                     \
	X(0x5C, F32_NE, "f32.ne", HW_IMM_NONE, "ff:i", 0)                     \
	X(0x5D, F32_LT, "f32.lt", HW_IMM_NONE, "ff:i", 0)                     \
	X(0x5E, F32_GT, "f32.gt", HW_IMM_NONE, "ff:i", 0)                     \
	X(0x5F, F32_LE, "f32.le", HW_IMM_NONE, "ff:i", 0)                     \
	X(0x60, F32_GE, "f32.ge", HW_IMM_NONE, "ff:i", 0)                     \
	X(0x61, F64_EQ, "f64.eq", HW_IMM_NONE, "dd:i", 0)                     \
	X(0x62, F64_NE, "f64.ne", HW_IMM_NONE, "dd:i", 0)                     \
	X(0x63, F64_LT, "f64.lt", HW_IMM_NONE, "dd:i", 0)                     \
	X(0x64, F64_GT, "f64.gt", HW_IMM_NONE, "dd:i", 0)                     \
	X(0x65, F64_LE, "f64.le", HW_IMM_NONE, "dd:i", 0)                     \
	X(0x66, F64_GE, "f64.ge", HW_IMM_NONE, "dd:i", 0)                     \
	X(0x67, I32_CLZ, "i32.clz", HW_IMM_NONE, "i:i", 0)                    \
	X(0x68, I32_CTZ, "i32.ctz", HW_IMM_NONE, "i:i", 0)                    \
	X(0x69, I32_POPCNT, "i32.popcnt", HW_IMM_NONE, "i:i", 0)              \
	X(0x6A, I32_ADD, "i32.add", HW_IMM_NONE, "ii:i", 0)                   \
	X(0x6B, I32_SUB, "i32.sub", HW_IMM_NONE, "ii:i", 0)                   \
	X(0x6C, I32_MUL, "i32.mul", HW_IMM_NONE, "ii:i", 0)                   \
	X(0x6D, I32_DIV_S, "i32.div_s", HW_IMM_NONE, "ii:i", 0)               \
	X(0x6E, I32_DIV_U, "i32.div_u", HW_IMM_NONE, "ii:i", 0)               \
	X(0x6F, I32_REM_S, "i32.rem_s", HW_IMM_NONE, "ii:i", 0)               \
	X(0x70, I32_REM_U, "i32.rem_u", HW_IMM_NONE, "ii:i", 0)               \
	X(0x71, I32_AND, "i32.and", HW_IMM_NONE, "ii:i", 0)                   \
	X(0x72, I32_OR, "i32.or", HW_IMM_NONE, "ii:i", 0)                     \
	X(0x73, I32_XOR, "i32.xor", HW_IMM_NONE, "ii:i", 0)                   \
	X(0x74, I32_SHL, "i32.shl", HW_IMM_NONE, "ii:i", 0)                   \
	X(0x75, I32_SHR_S, "i32.shr_s", HW_IMM_NONE, "ii:i", 0)               \
	X(0x76, I32_SHR_U, "i32.shr_u", HW_IMM_NONE, "ii:i", 0)               \
	X(0x77, I32_ROTL, "i32.rotl", HW_IMM_NONE, "ii:i", 0)                 \
	X(0x78, I32_ROTR, "i32.rotr", HW_IMM_NONE, "ii:i", 0)                 \
	X(0x79, I64_CLZ, "i64.clz", HW_IMM_NONE, "l:l", 0)                    \
	X(0x7A, I64_CTZ, "i64.ctz", HW_IMM_NONE, "l:l", 0)                    \
	X(0x7B, I64_POPCNT, "i64.popcnt", HW_IMM_NONE, "l:l", 0)              \
	X(0x7C, I64_ADD, "i64.add", HW_IMM_NONE, "ll:l", 0)                   \
	X(0x7D, I64_SUB, "i64.sub", HW_IMM_NONE, "ll:l", 0)                   \
	X(0x7E, I64_MUL, "i64.mul", HW_IMM_NONE, "ll:l", 0)                   \
	X(0x7F, I64_DIV_S, "i64.div_s", HW_IMM_NONE, "ll:l", 0)               \
	X(0x80, I64_DIV_U, "i64.div_u", HW_IMM_NONE, "ll:l", 0)               \
	X(0x81, I64_REM_S, "i64.rem_s", HW_IMM_NONE, "ll:l", 0)               \
	X(0x82, I64_REM_U, "i64.rem_u", HW_IMM_NONE, "ll:l", 0)               \
	X(0x83, I64_AND, "i64.and", HW_IMM_NONE, "ll:l", 0)                   \
	X(0x84, I64_OR, "i64.or", HW_IMM_NONE, "ll:l", 0)                     \
	X(0x85, I64_XOR, "i64.xor", HW_IMM_NONE, "ll:l", 0)                   \
	X(0x86, I64_SHL, "i64.shl", HW_IMM_NONE, "ll:l", 0)                   \
	X(0x87, I64_SHR_S, "i64.shr_s", HW_IMM_NONE, "ll:l", 0)               \
	X(0x88, I64_SHR_U, "i64.shr_u", HW_IMM_NONE, "ll:l", 0)               \
	X(0x89, I64_ROTL, "i64.rotl", HW_IMM_NONE, "ll:l", 0)                 \
	X(0x8A, I64_ROTR, "i64.rotr", HW_IMM_NONE, "ll:l", 0)                 \
	X(0x8B, F32_ABS, "f32.abs", HW_IMM_NONE, "f:f", 0)                    \
	X(0x8C, F32_NEG, "f32.neg", HW_IMM_NONE, "f:f", 0)                    \
	X(0x8D, F32_CEIL, "f32.ceil", HW_IMM_NONE, "f:f", 0)                  \
	X(0x8E, F32_FLOOR, "f32.floor", HW_IMM_NONE, "f:f", 0)                \
	X(0x8F, F32_TRUNC, "f32.trunc", HW_IMM_NONE, "f:f", 0)                \
	X(0x90, F32_NEAREST, "f32.nearest", HW_IMM_NONE, "f:f", 0)            \
	X(0x91, F32_SQRT, "f32.sqrt", HW_IMM_NONE, "f:f", 0)                  \
	X(0x92, F32_ADD, "f32.add", HW_IMM_NONE, "ff:f", 0)                   \
	X(0x93, F32_SUB, "f32.sub", HW_IMM_NONE, "ff:f", 0)                   \
	X(0x94, F32_MUL, "f32.mul", HW_IMM_NONE, "ff:f", 0)                   \
	X(0x95, F32_DIV, "f32.div", HW_IMM_NONE, "ff:f", 0)                   \
	X(0x96, F32_MIN, "f32.min", HW_IMM_NONE, "ff:f", 0)                   \
	X(0x97, F32_MAX, "f32.max", HW_IMM_NONE, "ff:f", 0)                   \
	X(0x98, F32_COPYSIGN, "f32.copysign", HW_IMM_NONE, "ff:f", 0)         \
	X(0x99, F64_ABS, "f64.abs", HW_IMM_NONE, "d:d", 0)                    \
	X(0x9A, F64_NEG, "f64.neg", HW_IMM_NONE, "d:d", 0)                    \
	X(0x9B, F64_CEIL, "f64.ceil", HW_IMM_NONE, "d:d", 0)                  \
	X(0x9C, F64_FLOOR, "f64.floor", HW_IMM_NONE, "d:d", 0)                \
	X(0x9D, F64_TRUNC, "f64.trunc", HW_IMM_NONE, "d:d", 0)                \
	X(0x9E, F64_NEAREST, "f64.nearest", HW_IMM_NONE, "d:d", 0)            \
	X(0x9F, F64_SQRT, "f64.sqrt", HW_IMM_NONE, "d:d", 0)                  \
	X(0xA0, F64_ADD, "f64.add", HW_IMM_NONE, "dd:d", 0)                   \
	X(0xA1, F64_SUB, "f64.sub", HW_IMM_NONE, "dd:d", 0)                   \
	X(0xA2, F64_MUL, "f64.mul", HW_IMM_NONE, "dd:d", 0)                   \
	X(0xA3, F64_DIV, "f64.div", HW_IMM_NONE, "dd:d", 0)                   \
	X(0xA4, F64_MIN, "f64.min", HW_IMM_NONE, "dd:d", 0)                   \
	X(0xA5, F64_MAX, "f64.max", HW_IMM_NONE, "dd:d", 0)                   \
	X(0xA6, F64_COPYSIGN, "f64.copysign", HW_IMM_NONE, "dd:d", 0)         \
	X(0xA7, I32_WRAP_I64, "i32.wrap_i64", HW_IMM_NONE, "l:i", 0)          \
	X(0xA8, I32_TRUNC_F32_S, "i32.trunc_f32_s", HW_IMM_NONE, "f:i", 0)    \
	X(0xA9, I32_TRUNC_F32_U, "i32.trunc_f32_u", HW_IMM_NONE, "f:i", 0)    \
	X(0xAA, I32_TRUNC_F64_S, "i32.trunc_f64_s", HW_IMM_NONE, "d:i", 0)    \
	X(0xAB, I32_TRUNC_F64_U, "i32.trunc_f64_u", HW_IMM_NONE, "d:i", 0)    \
	X(0xAC, I64_EXTEND_I32_S, "i64.extend_i32_s", HW_IMM_NONE, "i:l", 0)  \
	X(0xAD, I64_EXTEND_I32_U, "i64.extend_i32_u", HW_IMM_NONE, "i:l", 0)  \
	X(0xAE, I64_TRUNC_F32_S, "i64.trunc_f32_s", HW_IMM_NONE, "f:l", 0)    \
	X(0xAF, I64_TRUNC_F32_U, "i64.trunc_f32_u", HW_IMM_NONE, "f:l", 0)    \
	X(0xB0, I64_TRUNC_F64_S, "i64.trunc_f64_s", HW_IMM_NONE, "d:l", 0)    \
	X(0xB1, I64_TRUNC_F64_U, "i64.trunc_f64_u", HW_IMM_NONE, "d:l", 0)    \
	X(0xB2, F32_CONVERT_I32_S, "f32.convert_i32_s", HW_IMM_NONE, "i:f", 0) \
	X(0xB3, F32_CONVERT_I32_U, "f32.convert_i32_u", HW_IMM_NONE, "i:f", 0) \
	X(0xB4, F32_CONVERT_I64_S, "f32.convert_i64_s", HW_IMM_NONE, "l:f", 0) \
	X(0xB5, F32_CONVERT_I64_U, "f32.convert_i64_u", HW_IMM_NONE, "l:f", 0) \
	X(0xB6, F32_DEMOTE_F64, "f32.demote_f64", HW_IMM_NONE, "d:f", 0)      \
	X(0xB7, F64_CONVERT_I32_S, "f64.convert_i32_s", HW_IMM_NONE, "i:d", 0) \
	X(0xB8, F64_CONVERT_I32_U, "f64.convert_i32_u", HW_IMM_NONE, "i:d", 0) \
	X(0xB9, F64_CONVERT_I64_S, "f64.convert_i64_s", HW_IMM_NONE, "l:d", 0) \
	X(0xBA, F64_CONVERT_I64_U, "f64.convert_i64_u", HW_IMM_NONE, "l:d", 0) \
	X(0xBB, F64_PROMOTE_F32, "f64.promote_f32", HW_IMM_NONE, "f:d", 0)    \
	X(0xBC, I32_REINTERPRET_F32, "i32.reinterpret_f32", HW_IMM_NONE, "f:i", 0) \
	X(0xBD, I64_REINTERPRET_F64, "i64.reinterpret_f64", HW_IMM_NONE, "d:l", 0) \
	X(0xBE, F32_REINTERPRET_I32, "f32.reinterpret_i32", HW_IMM_NONE, "i:f", 0) \
	X(0xBF, F64_REINTERPRET_I64, "f64.reinterpret_i64", HW_IMM_NONE, "l:d", 0) \
	X(0xC0, I32_EXTEND8_S, "i32.extend8_s", HW_IMM_NONE, "i:i", 0)        \
	X(0xC1, I32_EXTEND16_S, "i32.extend16_s", HW_IMM_NONE, "i:i", 0)      \
	X(0xC2, I64_EXTEND8_S, "i64.extend8_s", HW_IMM_NONE, "l:l", 0)        \
	X(0xC3, I64_EXTEND16_S, "i64.extend16_s", HW_IMM_NONE, "l:l", 0)      \
	X(0xC4, I64_EXTEND32_S, "i64.extend32_s", HW_IMM_NONE, "l:l", 0)      \
	X(0xD0, REF_NULL, "ref.null", HW_IMM_REFTYPE, NULL, 0)                \
	X(0xD1, REF_IS_NULL, "ref.is_null", HW_IMM_NONE, NULL, 0)             \
	X(0xD2, REF_FUNC, "ref.func", HW_IMM_FUNC, NULL, 0)

/* 0xFC prefix (sub-opcode as u32 LEB). Codes are 0xFC00 | sub. */
#define HW_OPS_FC(X)                                                          \
	X(0xFC00, I32_TRUNC_SAT_F32_S, "i32.trunc_sat_f32_s", HW_IMM_NONE, "f:i", 0) \
	X(0xFC01, I32_TRUNC_SAT_F32_U, "i32.trunc_sat_f32_u", HW_IMM_NONE, "f:i", 0) \
	X(0xFC02, I32_TRUNC_SAT_F64_S, "i32.trunc_sat_f64_s", HW_IMM_NONE, "d:i", 0) \
	X(0xFC03, I32_TRUNC_SAT_F64_U, "i32.trunc_sat_f64_u", HW_IMM_NONE, "d:i", 0) \
	X(0xFC04, I64_TRUNC_SAT_F32_S, "i64.trunc_sat_f32_s", HW_IMM_NONE, "f:l", 0) \
	X(0xFC05, I64_TRUNC_SAT_F32_U, "i64.trunc_sat_f32_u", HW_IMM_NONE, "f:l", 0) \
	X(0xFC06, I64_TRUNC_SAT_F64_S, "i64.trunc_sat_f64_s", HW_IMM_NONE, "d:l", 0) \
	X(0xFC07, I64_TRUNC_SAT_F64_U, "i64.trunc_sat_f64_u", HW_IMM_NONE, "d:l", 0) \
	X(0xFC08, MEMORY_INIT, "memory.init", HW_IMM_MEMINIT, NULL, 0)        \
	X(0xFC09, DATA_DROP, "data.drop", HW_IMM_DATA, NULL, 0)               \
	X(0xFC0A, MEMORY_COPY, "memory.copy", HW_IMM_MEMCOPY, NULL, 0)        \
	X(0xFC0B, MEMORY_FILL, "memory.fill", HW_IMM_MEM0, NULL, 0)           \
	X(0xFC0C, TABLE_INIT, "table.init", HW_IMM_TABLEINIT, NULL, 0)        \
	X(0xFC0D, ELEM_DROP, "elem.drop", HW_IMM_ELEM, NULL, 0)               \
	X(0xFC0E, TABLE_COPY, "table.copy", HW_IMM_TABLECOPY, NULL, 0)        \
	X(0xFC0F, TABLE_GROW, "table.grow", HW_IMM_TABLE, NULL, 0)            \
	X(0xFC10, TABLE_SIZE, "table.size", HW_IMM_TABLE, NULL, 0)            \
	X(0xFC11, TABLE_FILL, "table.fill", HW_IMM_TABLE, NULL, 0)

/* 0xFD prefix: fixed-width SIMD. Codes are 0xFD00 | sub. */
#define HW_OPS_SIMD(X)                                                        \
	X(0xFD00, V128_LOAD, "v128.load", HW_IMM_MEMARG, "i:v", 4)            \
	X(0xFD01, V128_LOAD8X8_S, "v128.load8x8_s", HW_IMM_MEMARG, "i:v", 3)  \
	X(0xFD02, V128_LOAD8X8_U, "v128.load8x8_u", HW_IMM_MEMARG, "i:v", 3)  \
	X(0xFD03, V128_LOAD16X4_S, "v128.load16x4_s", HW_IMM_MEMARG, "i:v", 3) \
	X(0xFD04, V128_LOAD16X4_U, "v128.load16x4_u", HW_IMM_MEMARG, "i:v", 3) \
	X(0xFD05, V128_LOAD32X2_S, "v128.load32x2_s", HW_IMM_MEMARG, "i:v", 3) \
	X(0xFD06, V128_LOAD32X2_U, "v128.load32x2_u", HW_IMM_MEMARG, "i:v", 3) \
	X(0xFD07, V128_LOAD8_SPLAT, "v128.load8_splat", HW_IMM_MEMARG, "i:v", 0) \
	X(0xFD08, V128_LOAD16_SPLAT, "v128.load16_splat", HW_IMM_MEMARG, "i:v", 1) \
	X(0xFD09, V128_LOAD32_SPLAT, "v128.load32_splat", HW_IMM_MEMARG, "i:v", 2) \
	X(0xFD0A, V128_LOAD64_SPLAT, "v128.load64_splat", HW_IMM_MEMARG, "i:v", 3) \
	X(0xFD0B, V128_STORE, "v128.store", HW_IMM_MEMARG, "iv:", 4)          \
	X(0xFD0C, V128_CONST, "v128.const", HW_IMM_V128, ":v", 0)             \
	X(0xFD0D, I8X16_SHUFFLE, "i8x16.shuffle", HW_IMM_SHUFFLE, "vv:v", 0)  \
	X(0xFD0E, I8X16_SWIZZLE, "i8x16.swizzle", HW_IMM_NONE, "vv:v", 0)     \
	X(0xFD0F, I8X16_SPLAT, "i8x16.splat", HW_IMM_NONE, "i:v", 0)          \
	X(0xFD10, I16X8_SPLAT, "i16x8.splat", HW_IMM_NONE, "i:v", 0)          \
	X(0xFD11, I32X4_SPLAT, "i32x4.splat", HW_IMM_NONE, "i:v", 0)          \
	X(0xFD12, I64X2_SPLAT, "i64x2.splat", HW_IMM_NONE, "l:v", 0)          \
	X(0xFD13, F32X4_SPLAT, "f32x4.splat", HW_IMM_NONE, "f:v", 0)          \
	X(0xFD14, F64X2_SPLAT, "f64x2.splat", HW_IMM_NONE, "d:v", 0)          \
	X(0xFD15, I8X16_EXTRACT_LANE_S, "i8x16.extract_lane_s", HW_IMM_LANE, "v:i", 16) \
	X(0xFD16, I8X16_EXTRACT_LANE_U, "i8x16.extract_lane_u", HW_IMM_LANE, "v:i", 16) \
	X(0xFD17, I8X16_REPLACE_LANE, "i8x16.replace_lane", HW_IMM_LANE, "vi:v", 16) \
	X(0xFD18, I16X8_EXTRACT_LANE_S, "i16x8.extract_lane_s", HW_IMM_LANE, "v:i", 8) \
	X(0xFD19, I16X8_EXTRACT_LANE_U, "i16x8.extract_lane_u", HW_IMM_LANE, "v:i", 8) \
	X(0xFD1A, I16X8_REPLACE_LANE, "i16x8.replace_lane", HW_IMM_LANE, "vi:v", 8) \
	X(0xFD1B, I32X4_EXTRACT_LANE, "i32x4.extract_lane", HW_IMM_LANE, "v:i", 4) \
	X(0xFD1C, I32X4_REPLACE_LANE, "i32x4.replace_lane", HW_IMM_LANE, "vi:v", 4) \
	X(0xFD1D, I64X2_EXTRACT_LANE, "i64x2.extract_lane", HW_IMM_LANE, "v:l", 2) \
	X(0xFD1E, I64X2_REPLACE_LANE, "i64x2.replace_lane", HW_IMM_LANE, "vl:v", 2) \
	X(0xFD1F, F32X4_EXTRACT_LANE, "f32x4.extract_lane", HW_IMM_LANE, "v:f", 4) \
	X(0xFD20, F32X4_REPLACE_LANE, "f32x4.replace_lane", HW_IMM_LANE, "vf:v", 4) \
	X(0xFD21, F64X2_EXTRACT_LANE, "f64x2.extract_lane", HW_IMM_LANE, "v:d", 2) \
	X(0xFD22, F64X2_REPLACE_LANE, "f64x2.replace_lane", HW_IMM_LANE, "vd:v", 2) \
	X(0xFD23, I8X16_EQ, "i8x16.eq", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD24, I8X16_NE, "i8x16.ne", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD25, I8X16_LT_S, "i8x16.lt_s", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD26, I8X16_LT_U, "i8x16.lt_u", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD27, I8X16_GT_S, "i8x16.gt_s", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD28, I8X16_GT_U, "i8x16.gt_u", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD29, I8X16_LE_S, "i8x16.le_s", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD2A, I8X16_LE_U, "i8x16.le_u", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD2B, I8X16_GE_S, "i8x16.ge_s", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD2C, I8X16_GE_U, "i8x16.ge_u", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD2D, I16X8_EQ, "i16x8.eq", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD2E, I16X8_NE, "i16x8.ne", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD2F, I16X8_LT_S, "i16x8.lt_s", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD30, I16X8_LT_U, "i16x8.lt_u", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD31, I16X8_GT_S, "i16x8.gt_s", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD32, I16X8_GT_U, "i16x8.gt_u", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD33, I16X8_LE_S, "i16x8.le_s", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD34, I16X8_LE_U, "i16x8.le_u", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD35, I16X8_GE_S, "i16x8.ge_s", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD36, I16X8_GE_U, "i16x8.ge_u", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD37, I32X4_EQ, "i32x4.eq", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD38, I32X4_NE, "i32x4.ne", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD39, I32X4_LT_S, "i32x4.lt_s", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD3A, I32X4_LT_U, "i32x4.lt_u", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD3B, I32X4_GT_S, "i32x4.gt_s", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD3C, I32X4_GT_U, "i32x4.gt_u", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD3D, I32X4_LE_S, "i32x4.le_s", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD3E, I32X4_LE_U, "i32x4.le_u", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD3F, I32X4_GE_S, "i32x4.ge_s", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD40, I32X4_GE_U, "i32x4.ge_u", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFD41, F32X4_EQ, "f32x4.eq", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD42, F32X4_NE, "f32x4.ne", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD43, F32X4_LT, "f32x4.lt", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD44, F32X4_GT, "f32x4.gt", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD45, F32X4_LE, "f32x4.le", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD46, F32X4_GE, "f32x4.ge", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD47, F64X2_EQ, "f64x2.eq", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD48, F64X2_NE, "f64x2.ne", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD49, F64X2_LT, "f64x2.lt", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD4A, F64X2_GT, "f64x2.gt", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD4B, F64X2_LE, "f64x2.le", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD4C, F64X2_GE, "f64x2.ge", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD4D, V128_NOT, "v128.not", HW_IMM_NONE, "v:v", 0)                \
	X(0xFD4E, V128_AND, "v128.and", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD4F, V128_ANDNOT, "v128.andnot", HW_IMM_NONE, "vv:v", 0)         \
	X(0xFD50, V128_OR, "v128.or", HW_IMM_NONE, "vv:v", 0)                 \
	X(0xFD51, V128_XOR, "v128.xor", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFD52, V128_BITSELECT, "v128.bitselect", HW_IMM_NONE, "vvv:v", 0)  \
	X(0xFD53, V128_ANY_TRUE, "v128.any_true", HW_IMM_NONE, "v:i", 0)      \
	X(0xFD54, V128_LOAD8_LANE, "v128.load8_lane", HW_IMM_MEMLANE, "iv:v", 16) \
	X(0xFD55, V128_LOAD16_LANE, "v128.load16_lane", HW_IMM_MEMLANE, "iv:v", 8) \
	X(0xFD56, V128_LOAD32_LANE, "v128.load32_lane", HW_IMM_MEMLANE, "iv:v", 4) \
	X(0xFD57, V128_LOAD64_LANE, "v128.load64_lane", HW_IMM_MEMLANE, "iv:v", 2) \
	X(0xFD58, V128_STORE8_LANE, "v128.store8_lane", HW_IMM_MEMLANE, "iv:", 16) \
	X(0xFD59, V128_STORE16_LANE, "v128.store16_lane", HW_IMM_MEMLANE, "iv:", 8) \
	X(0xFD5A, V128_STORE32_LANE, "v128.store32_lane", HW_IMM_MEMLANE, "iv:", 4) \
	X(0xFD5B, V128_STORE64_LANE, "v128.store64_lane", HW_IMM_MEMLANE, "iv:", 2) \
	X(0xFD5C, V128_LOAD32_ZERO, "v128.load32_zero", HW_IMM_MEMARG, "i:v", 2) \
	X(0xFD5D, V128_LOAD64_ZERO, "v128.load64_zero", HW_IMM_MEMARG, "i:v", 3) \
	X(0xFD5E, F32X4_DEMOTE_F64X2_ZERO, "f32x4.demote_f64x2_zero", HW_IMM_NONE, "v:v", 0) \
	X(0xFD5F, F64X2_PROMOTE_LOW_F32X4, "f64x2.promote_low_f32x4", HW_IMM_NONE, "v:v", 0) \
	X(0xFD60, I8X16_ABS, "i8x16.abs", HW_IMM_NONE, "v:v", 0)              \
	X(0xFD61, I8X16_NEG, "i8x16.neg", HW_IMM_NONE, "v:v", 0)              \
	X(0xFD62, I8X16_POPCNT, "i8x16.popcnt", HW_IMM_NONE, "v:v", 0)        \
	X(0xFD63, I8X16_ALL_TRUE, "i8x16.all_true", HW_IMM_NONE, "v:i", 0)    \
	X(0xFD64, I8X16_BITMASK, "i8x16.bitmask", HW_IMM_NONE, "v:i", 0)      \
	X(0xFD65, I8X16_NARROW_I16X8_S, "i8x16.narrow_i16x8_s", HW_IMM_NONE, "vv:v", 0) \
	X(0xFD66, I8X16_NARROW_I16X8_U, "i8x16.narrow_i16x8_u", HW_IMM_NONE, "vv:v", 0) \
	X(0xFD67, F32X4_CEIL, "f32x4.ceil", HW_IMM_NONE, "v:v", 0)            \
	X(0xFD68, F32X4_FLOOR, "f32x4.floor", HW_IMM_NONE, "v:v", 0)          \
	X(0xFD69, F32X4_TRUNC, "f32x4.trunc", HW_IMM_NONE, "v:v", 0)          \
	X(0xFD6A, F32X4_NEAREST, "f32x4.nearest", HW_IMM_NONE, "v:v", 0)      \
	X(0xFD6B, I8X16_SHL, "i8x16.shl", HW_IMM_NONE, "vi:v", 0)             \
	X(0xFD6C, I8X16_SHR_S, "i8x16.shr_s", HW_IMM_NONE, "vi:v", 0)         \
	X(0xFD6D, I8X16_SHR_U, "i8x16.shr_u", HW_IMM_NONE, "vi:v", 0)         \
	X(0xFD6E, I8X16_ADD, "i8x16.add", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFD6F, I8X16_ADD_SAT_S, "i8x16.add_sat_s", HW_IMM_NONE, "vv:v", 0) \
	X(0xFD70, I8X16_ADD_SAT_U, "i8x16.add_sat_u", HW_IMM_NONE, "vv:v", 0) \
	X(0xFD71, I8X16_SUB, "i8x16.sub", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFD72, I8X16_SUB_SAT_S, "i8x16.sub_sat_s", HW_IMM_NONE, "vv:v", 0) \
	X(0xFD73, I8X16_SUB_SAT_U, "i8x16.sub_sat_u", HW_IMM_NONE, "vv:v", 0) \
	X(0xFD74, F64X2_CEIL, "f64x2.ceil", HW_IMM_NONE, "v:v", 0)            \
	X(0xFD75, F64X2_FLOOR, "f64x2.floor", HW_IMM_NONE, "v:v", 0)          \
	X(0xFD76, I8X16_MIN_S, "i8x16.min_s", HW_IMM_NONE, "vv:v", 0)         \
	X(0xFD77, I8X16_MIN_U, "i8x16.min_u", HW_IMM_NONE, "vv:v", 0)         \
	X(0xFD78, I8X16_MAX_S, "i8x16.max_s", HW_IMM_NONE, "vv:v", 0)         \
	X(0xFD79, I8X16_MAX_U, "i8x16.max_u", HW_IMM_NONE, "vv:v", 0)         \
	X(0xFD7A, F64X2_TRUNC, "f64x2.trunc", HW_IMM_NONE, "v:v", 0)          \
	X(0xFD7B, I8X16_AVGR_U, "i8x16.avgr_u", HW_IMM_NONE, "vv:v", 0)       \
	X(0xFD7C, I16X8_EXTADD_PAIRWISE_I8X16_S, "i16x8.extadd_pairwise_i8x16_s", HW_IMM_NONE, "v:v", 0) \
	X(0xFD7D, I16X8_EXTADD_PAIRWISE_I8X16_U, "i16x8.extadd_pairwise_i8x16_u", HW_IMM_NONE, "v:v", 0) \
	X(0xFD7E, I32X4_EXTADD_PAIRWISE_I16X8_S, "i32x4.extadd_pairwise_i16x8_s", HW_IMM_NONE, "v:v", 0) \
	X(0xFD7F, I32X4_EXTADD_PAIRWISE_I16X8_U, "i32x4.extadd_pairwise_i16x8_u", HW_IMM_NONE, "v:v", 0) \
	X(0xFD80, I16X8_ABS, "i16x8.abs", HW_IMM_NONE, "v:v", 0)              \
	X(0xFD81, I16X8_NEG, "i16x8.neg", HW_IMM_NONE, "v:v", 0)              \
	X(0xFD82, I16X8_Q15MULR_SAT_S, "i16x8.q15mulr_sat_s", HW_IMM_NONE, "vv:v", 0) \
	X(0xFD83, I16X8_ALL_TRUE, "i16x8.all_true", HW_IMM_NONE, "v:i", 0)    \
	X(0xFD84, I16X8_BITMASK, "i16x8.bitmask", HW_IMM_NONE, "v:i", 0)      \
	X(0xFD85, I16X8_NARROW_I32X4_S, "i16x8.narrow_i32x4_s", HW_IMM_NONE, "vv:v", 0) \
	X(0xFD86, I16X8_NARROW_I32X4_U, "i16x8.narrow_i32x4_u", HW_IMM_NONE, "vv:v", 0) \
	X(0xFD87, I16X8_EXTEND_LOW_I8X16_S, "i16x8.extend_low_i8x16_s", HW_IMM_NONE, "v:v", 0) \
	X(0xFD88, I16X8_EXTEND_HIGH_I8X16_S, "i16x8.extend_high_i8x16_s", HW_IMM_NONE, "v:v", 0) \
	X(0xFD89, I16X8_EXTEND_LOW_I8X16_U, "i16x8.extend_low_i8x16_u", HW_IMM_NONE, "v:v", 0) \
	X(0xFD8A, I16X8_EXTEND_HIGH_I8X16_U, "i16x8.extend_high_i8x16_u", HW_IMM_NONE, "v:v", 0) \
	X(0xFD8B, I16X8_SHL, "i16x8.shl", HW_IMM_NONE, "vi:v", 0)             \
	X(0xFD8C, I16X8_SHR_S, "i16x8.shr_s", HW_IMM_NONE, "vi:v", 0)         \
	X(0xFD8D, I16X8_SHR_U, "i16x8.shr_u", HW_IMM_NONE, "vi:v", 0)         \
	X(0xFD8E, I16X8_ADD, "i16x8.add", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFD8F, I16X8_ADD_SAT_S, "i16x8.add_sat_s", HW_IMM_NONE, "vv:v", 0) \
	X(0xFD90, I16X8_ADD_SAT_U, "i16x8.add_sat_u", HW_IMM_NONE, "vv:v", 0) \
	X(0xFD91, I16X8_SUB, "i16x8.sub", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFD92, I16X8_SUB_SAT_S, "i16x8.sub_sat_s", HW_IMM_NONE, "vv:v", 0) \
	X(0xFD93, I16X8_SUB_SAT_U, "i16x8.sub_sat_u", HW_IMM_NONE, "vv:v", 0) \
	X(0xFD94, F64X2_NEAREST, "f64x2.nearest", HW_IMM_NONE, "v:v", 0)      \
	X(0xFD95, I16X8_MUL, "i16x8.mul", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFD96, I16X8_MIN_S, "i16x8.min_s", HW_IMM_NONE, "vv:v", 0)         \
	X(0xFD97, I16X8_MIN_U, "i16x8.min_u", HW_IMM_NONE, "vv:v", 0)         \
	X(0xFD98, I16X8_MAX_S, "i16x8.max_s", HW_IMM_NONE, "vv:v", 0)         \
	X(0xFD99, I16X8_MAX_U, "i16x8.max_u", HW_IMM_NONE, "vv:v", 0)         \
	X(0xFD9B, I16X8_AVGR_U, "i16x8.avgr_u", HW_IMM_NONE, "vv:v", 0)       \
	X(0xFD9C, I16X8_EXTMUL_LOW_I8X16_S, "i16x8.extmul_low_i8x16_s", HW_IMM_NONE, "vv:v", 0) \
	X(0xFD9D, I16X8_EXTMUL_HIGH_I8X16_S, "i16x8.extmul_high_i8x16_s", HW_IMM_NONE, "vv:v", 0) \
	X(0xFD9E, I16X8_EXTMUL_LOW_I8X16_U, "i16x8.extmul_low_i8x16_u", HW_IMM_NONE, "vv:v", 0) \
	X(0xFD9F, I16X8_EXTMUL_HIGH_I8X16_U, "i16x8.extmul_high_i8x16_u", HW_IMM_NONE, "vv:v", 0) \
	X(0xFDA0, I32X4_ABS, "i32x4.abs", HW_IMM_NONE, "v:v", 0)              \
	X(0xFDA1, I32X4_NEG, "i32x4.neg", HW_IMM_NONE, "v:v", 0)              \
	X(0xFDA3, I32X4_ALL_TRUE, "i32x4.all_true", HW_IMM_NONE, "v:i", 0)    \
	X(0xFDA4, I32X4_BITMASK, "i32x4.bitmask", HW_IMM_NONE, "v:i", 0)      \
	X(0xFDA7, I32X4_EXTEND_LOW_I16X8_S, "i32x4.extend_low_i16x8_s", HW_IMM_NONE, "v:v", 0) \
	X(0xFDA8, I32X4_EXTEND_HIGH_I16X8_S, "i32x4.extend_high_i16x8_s", HW_IMM_NONE, "v:v", 0) \
	X(0xFDA9, I32X4_EXTEND_LOW_I16X8_U, "i32x4.extend_low_i16x8_u", HW_IMM_NONE, "v:v", 0) \
	X(0xFDAA, I32X4_EXTEND_HIGH_I16X8_U, "i32x4.extend_high_i16x8_u", HW_IMM_NONE, "v:v", 0) \
	X(0xFDAB, I32X4_SHL, "i32x4.shl", HW_IMM_NONE, "vi:v", 0)             \
	X(0xFDAC, I32X4_SHR_S, "i32x4.shr_s", HW_IMM_NONE, "vi:v", 0)         \
	X(0xFDAD, I32X4_SHR_U, "i32x4.shr_u", HW_IMM_NONE, "vi:v", 0)         \
	X(0xFDAE, I32X4_ADD, "i32x4.add", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDB1, I32X4_SUB, "i32x4.sub", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDB5, I32X4_MUL, "i32x4.mul", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDB6, I32X4_MIN_S, "i32x4.min_s", HW_IMM_NONE, "vv:v", 0)         \
	X(0xFDB7, I32X4_MIN_U, "i32x4.min_u", HW_IMM_NONE, "vv:v", 0)         \
	X(0xFDB8, I32X4_MAX_S, "i32x4.max_s", HW_IMM_NONE, "vv:v", 0)         \
	X(0xFDB9, I32X4_MAX_U, "i32x4.max_u", HW_IMM_NONE, "vv:v", 0)         \
	X(0xFDBA, I32X4_DOT_I16X8_S, "i32x4.dot_i16x8_s", HW_IMM_NONE, "vv:v", 0) \
	X(0xFDBC, I32X4_EXTMUL_LOW_I16X8_S, "i32x4.extmul_low_i16x8_s", HW_IMM_NONE, "vv:v", 0) \
	X(0xFDBD, I32X4_EXTMUL_HIGH_I16X8_S, "i32x4.extmul_high_i16x8_s", HW_IMM_NONE, "vv:v", 0) \
	X(0xFDBE, I32X4_EXTMUL_LOW_I16X8_U, "i32x4.extmul_low_i16x8_u", HW_IMM_NONE, "vv:v", 0) \
	X(0xFDBF, I32X4_EXTMUL_HIGH_I16X8_U, "i32x4.extmul_high_i16x8_u", HW_IMM_NONE, "vv:v", 0) \
	X(0xFDC0, I64X2_ABS, "i64x2.abs", HW_IMM_NONE, "v:v", 0)              \
	X(0xFDC1, I64X2_NEG, "i64x2.neg", HW_IMM_NONE, "v:v", 0)              \
	X(0xFDC3, I64X2_ALL_TRUE, "i64x2.all_true", HW_IMM_NONE, "v:i", 0)    \
	X(0xFDC4, I64X2_BITMASK, "i64x2.bitmask", HW_IMM_NONE, "v:i", 0)      \
	X(0xFDC7, I64X2_EXTEND_LOW_I32X4_S, "i64x2.extend_low_i32x4_s", HW_IMM_NONE, "v:v", 0) \
	X(0xFDC8, I64X2_EXTEND_HIGH_I32X4_S, "i64x2.extend_high_i32x4_s", HW_IMM_NONE, "v:v", 0) \
	X(0xFDC9, I64X2_EXTEND_LOW_I32X4_U, "i64x2.extend_low_i32x4_u", HW_IMM_NONE, "v:v", 0) \
	X(0xFDCA, I64X2_EXTEND_HIGH_I32X4_U, "i64x2.extend_high_i32x4_u", HW_IMM_NONE, "v:v", 0) \
	X(0xFDCB, I64X2_SHL, "i64x2.shl", HW_IMM_NONE, "vi:v", 0)             \
	X(0xFDCC, I64X2_SHR_S, "i64x2.shr_s", HW_IMM_NONE, "vi:v", 0)         \
	X(0xFDCD, I64X2_SHR_U, "i64x2.shr_u", HW_IMM_NONE, "vi:v", 0)         \
	X(0xFDCE, I64X2_ADD, "i64x2.add", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDD1, I64X2_SUB, "i64x2.sub", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDD5, I64X2_MUL, "i64x2.mul", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDD6, I64X2_EQ, "i64x2.eq", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFDD7, I64X2_NE, "i64x2.ne", HW_IMM_NONE, "vv:v", 0)               \
	X(0xFDD8, I64X2_LT_S, "i64x2.lt_s", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFDD9, I64X2_GT_S, "i64x2.gt_s", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFDDA, I64X2_LE_S, "i64x2.le_s", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFDDB, I64X2_GE_S, "i64x2.ge_s", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFDDC, I64X2_EXTMUL_LOW_I32X4_S, "i64x2.extmul_low_i32x4_s", HW_IMM_NONE, "vv:v", 0) \
	X(0xFDDD, I64X2_EXTMUL_HIGH_I32X4_S, "i64x2.extmul_high_i32x4_s", HW_IMM_NONE, "vv:v", 0) \
	X(0xFDDE, I64X2_EXTMUL_LOW_I32X4_U, "i64x2.extmul_low_i32x4_u", HW_IMM_NONE, "vv:v", 0) \
	X(0xFDDF, I64X2_EXTMUL_HIGH_I32X4_U, "i64x2.extmul_high_i32x4_u", HW_IMM_NONE, "vv:v", 0) \
	X(0xFDE0, F32X4_ABS, "f32x4.abs", HW_IMM_NONE, "v:v", 0)              \
	X(0xFDE1, F32X4_NEG, "f32x4.neg", HW_IMM_NONE, "v:v", 0)              \
	X(0xFDE3, F32X4_SQRT, "f32x4.sqrt", HW_IMM_NONE, "v:v", 0)            \
	X(0xFDE4, F32X4_ADD, "f32x4.add", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDE5, F32X4_SUB, "f32x4.sub", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDE6, F32X4_MUL, "f32x4.mul", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDE7, F32X4_DIV, "f32x4.div", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDE8, F32X4_MIN, "f32x4.min", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDE9, F32X4_MAX, "f32x4.max", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDEA, F32X4_PMIN, "f32x4.pmin", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFDEB, F32X4_PMAX, "f32x4.pmax", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFDEC, F64X2_ABS, "f64x2.abs", HW_IMM_NONE, "v:v", 0)              \
	X(0xFDED, F64X2_NEG, "f64x2.neg", HW_IMM_NONE, "v:v", 0)              \
	X(0xFDEF, F64X2_SQRT, "f64x2.sqrt", HW_IMM_NONE, "v:v", 0)            \
	X(0xFDF0, F64X2_ADD, "f64x2.add", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDF1, F64X2_SUB, "f64x2.sub", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDF2, F64X2_MUL, "f64x2.mul", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDF3, F64X2_DIV, "f64x2.div", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDF4, F64X2_MIN, "f64x2.min", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDF5, F64X2_MAX, "f64x2.max", HW_IMM_NONE, "vv:v", 0)             \
	X(0xFDF6, F64X2_PMIN, "f64x2.pmin", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFDF7, F64X2_PMAX, "f64x2.pmax", HW_IMM_NONE, "vv:v", 0)           \
	X(0xFDF8, I32X4_TRUNC_SAT_F32X4_S, "i32x4.trunc_sat_f32x4_s", HW_IMM_NONE, "v:v", 0) \
	X(0xFDF9, I32X4_TRUNC_SAT_F32X4_U, "i32x4.trunc_sat_f32x4_u", HW_IMM_NONE, "v:v", 0) \
	X(0xFDFA, F32X4_CONVERT_I32X4_S, "f32x4.convert_i32x4_s", HW_IMM_NONE, "v:v", 0) \
	X(0xFDFB, F32X4_CONVERT_I32X4_U, "f32x4.convert_i32x4_u", HW_IMM_NONE, "v:v", 0) \
	X(0xFDFC, I32X4_TRUNC_SAT_F64X2_S_ZERO, "i32x4.trunc_sat_f64x2_s_zero", HW_IMM_NONE, "v:v", 0) \
	X(0xFDFD, I32X4_TRUNC_SAT_F64X2_U_ZERO, "i32x4.trunc_sat_f64x2_u_zero", HW_IMM_NONE, "v:v", 0) \
	X(0xFDFE, F64X2_CONVERT_LOW_I32X4_S, "f64x2.convert_low_i32x4_s", HW_IMM_NONE, "v:v", 0) \
	X(0xFDFF, F64X2_CONVERT_LOW_I32X4_U, "f64x2.convert_low_i32x4_u", HW_IMM_NONE, "v:v", 0)

/* Opcode constants HW_OP_<ID>. */
enum {
#define HW__OPC_ENUM(code, id, name, imm, sig, arg) HW_OP_##id = code,
	HW_OPS_MAIN(HW__OPC_ENUM) HW_OPS_FC(HW__OPC_ENUM)
		HW_OPS_SIMD(HW__OPC_ENUM)
#undef HW__OPC_ENUM
};

/* Static description of an opcode (wasm_decode.c). */
typedef struct hw_opinfo {
	const char *name; /* NULL: not an opcode */
	const char *sig;
	uint8_t imm;
	uint8_t arg;
} hw_opinfo;

/* The description of op (0x00..0xFF, 0xFC00.., 0xFD00..), or one with
 * name == NULL when op is no instruction. */
const hw_opinfo *hw__opinfo(uint32_t op);

/* clang-format on */

#endif
