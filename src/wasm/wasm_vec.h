/* wasm_vec.h — v128 lane types for the SIMD handlers (wasm_interp_simd.inc):
 * GCC/clang vector extensions, which compile lane-wise arithmetic, bitwise
 * operations, compares and shifts to the host's vector instructions where
 * it has them and to exact scalar code elsewhere. Only operations whose C
 * meaning is exactly Wasm's are written as vector expressions (wrapping
 * integer arithmetic on unsigned lanes, IEEE add/sub/mul/div, compares,
 * shifts by a masked count); the rest are lane loops over wasm_num.h. */
#ifndef HEARTH_WASM_VEC_H
#define HEARTH_WASM_VEC_H

#include <stdint.h>

#include "wasm_num.h"

#define HW__VEC __attribute__((vector_size(16)))
typedef int8_t hw_i8x16 HW__VEC;
typedef uint8_t hw_u8x16 HW__VEC;
typedef int16_t hw_i16x8 HW__VEC;
typedef uint16_t hw_u16x8 HW__VEC;
typedef int32_t hw_i32x4 HW__VEC;
typedef uint32_t hw_u32x4 HW__VEC;
typedef int64_t hw_i64x2 HW__VEC;
typedef uint64_t hw_u64x2 HW__VEC;
typedef float hw_f32x4 HW__VEC;
typedef double hw_f64x2 HW__VEC;
#undef HW__VEC

/* Lane maps, r[k] = expr over a[k] (and b[k]) for k < N; lanes from N
 * on are zero. (Lane loops live in functions: GCC 12 reports false
 * "may be used uninitialized" for them inside the big dispatch function.) */
#define HW__MAP(name, VR, VA, N, expr)                                         \
	static inline VR name(VA a)                                            \
	{                                                                      \
		VR r = {0};                                                    \
		for (int k = 0; k < (N); k++)                                  \
			r[k] = (expr);                                         \
		return r;                                                      \
	}
#define HW__MAP2(name, VR, VA, N, expr)                                        \
	static inline VR name(VA a, VA b)                                      \
	{                                                                      \
		VR r = {0};                                                    \
		for (int k = 0; k < (N); k++)                                  \
			r[k] = (expr);                                         \
		return r;                                                      \
	}

HW__MAP(hw_v_popcnt, hw_u8x16, hw_u8x16, 16, (uint8_t)__builtin_popcount(a[k]))
/* float lanes with wasm_num.h's NaN and signed-zero rules */
HW__MAP2(hw_v_fmin32, hw_f32x4, hw_f32x4, 4, hw_fminf(a[k], b[k]))
HW__MAP2(hw_v_fmax32, hw_f32x4, hw_f32x4, 4, hw_fmaxf(a[k], b[k]))
HW__MAP2(hw_v_fmin64, hw_f64x2, hw_f64x2, 2, hw_fmin(a[k], b[k]))
HW__MAP2(hw_v_fmax64, hw_f64x2, hw_f64x2, 2, hw_fmax(a[k], b[k]))
HW__MAP(hw_v_sqrt32, hw_f32x4, hw_f32x4, 4, sqrtf(a[k]))
HW__MAP(hw_v_sqrt64, hw_f64x2, hw_f64x2, 2, sqrt(a[k]))
HW__MAP(hw_v_ceil32, hw_f32x4, hw_f32x4, 4, hw_ceilf(a[k]))
HW__MAP(hw_v_floor32, hw_f32x4, hw_f32x4, 4, hw_floorf(a[k]))
HW__MAP(hw_v_trunc32, hw_f32x4, hw_f32x4, 4, hw_truncf(a[k]))
HW__MAP(hw_v_nearest32, hw_f32x4, hw_f32x4, 4, hw_nearestf(a[k]))
HW__MAP(hw_v_ceil64, hw_f64x2, hw_f64x2, 2, hw_ceil(a[k]))
HW__MAP(hw_v_floor64, hw_f64x2, hw_f64x2, 2, hw_floor(a[k]))
HW__MAP(hw_v_trunc64, hw_f64x2, hw_f64x2, 2, hw_trunc(a[k]))
HW__MAP(hw_v_nearest64, hw_f64x2, hw_f64x2, 2, hw_nearest(a[k]))
/* conversions: C's conversions round to nearest; float-to-int saturates */
HW__MAP(hw_v_demote, hw_f32x4, hw_f64x2, 2, (float)a[k])
HW__MAP(hw_v_promote, hw_f64x2, hw_f32x4, 2, (double)a[k])
HW__MAP(hw_v_trunc_sat_s32, hw_i32x4, hw_f32x4, 4, hw_sat_i32_f64(a[k]))
HW__MAP(hw_v_trunc_sat_u32, hw_u32x4, hw_f32x4, 4, hw_sat_u32_f64(a[k]))
HW__MAP(hw_v_trunc_sat_s64z, hw_i32x4, hw_f64x2, 2, hw_sat_i32_f64(a[k]))
HW__MAP(hw_v_trunc_sat_u64z, hw_u32x4, hw_f64x2, 2, hw_sat_u32_f64(a[k]))
HW__MAP(hw_v_convert_s32, hw_f32x4, hw_i32x4, 4, (float)a[k])
HW__MAP(hw_v_convert_u32, hw_f32x4, hw_u32x4, 4, (float)a[k])
HW__MAP(hw_v_convert_lo_s32, hw_f64x2, hw_i32x4, 2, (double)a[k])
HW__MAP(hw_v_convert_lo_u32, hw_f64x2, hw_u32x4, 2, (double)a[k])
/* splats: every lane = lane 0 of a */
HW__MAP(hw_v_splat8, hw_u8x16, hw_u8x16, 16, a[0])
HW__MAP(hw_v_splat16, hw_u16x8, hw_u16x8, 8, a[0])
HW__MAP(hw_v_splat32, hw_u32x4, hw_u32x4, 4, a[0])
HW__MAP(hw_v_splat64, hw_u64x2, hw_u64x2, 2, a[0])
#undef HW__MAP
#undef HW__MAP2

/* Lane-wise select: bits of x where m is set, of y elsewhere. */
#define HW_VSEL(m, x, y) (((x) & (m)) | ((y) & ~(m)))

/* 1 if no bit of v is set. */
static inline uint32_t hw_v_none(hw_u64x2 v)
{
	return (v[0] | v[1]) == 0;
}

/* i8x16.swizzle: lanes of a picked by s; an index past 15 gives 0. */
static inline hw_u8x16 hw_v_swizzle(hw_u8x16 a, hw_u8x16 s)
{
	hw_u8x16 r = {0};

	for (int k = 0; k < 16; k++)
		r[k] = s[k] < 16 ? a[s[k] & 15] : 0;
	return r;
}

/* Saturating add/sub: computed in 32 bits, clamped to the lane's range. */
#define HW__SATOP(name, VT, N, ET, lo, hi, OP)                                 \
	static inline VT name(VT a, VT b)                                      \
	{                                                                      \
		VT r = {0};                                                    \
		for (int k = 0; k < (N); k++) {                                \
			int32_t v = (int32_t)a[k] OP (int32_t)b[k];           \
			r[k] = (ET)(v < (lo) ? (lo) : v > (hi) ? (hi) : v);    \
		}                                                              \
		return r;                                                      \
	}
HW__SATOP(hw_v_add_sat_s8, hw_i8x16, 16, int8_t, -128, 127, +)
HW__SATOP(hw_v_add_sat_u8, hw_u8x16, 16, uint8_t, 0, 255, +)
HW__SATOP(hw_v_sub_sat_s8, hw_i8x16, 16, int8_t, -128, 127, -)
HW__SATOP(hw_v_sub_sat_u8, hw_u8x16, 16, uint8_t, 0, 255, -)
HW__SATOP(hw_v_add_sat_s16, hw_i16x8, 8, int16_t, -32768, 32767, +)
HW__SATOP(hw_v_add_sat_u16, hw_u16x8, 8, uint16_t, 0, 65535, +)
HW__SATOP(hw_v_sub_sat_s16, hw_i16x8, 8, int16_t, -32768, 32767, -)
HW__SATOP(hw_v_sub_sat_u16, hw_u16x8, 8, uint16_t, 0, 65535, -)
#undef HW__SATOP

/* Narrowing: a's lanes then b's, each clamped to the narrow lane's
 * (signed or unsigned) range. */
#define HW__NARROW(name, VR, VA, N, ET, lo, hi)                                \
	static inline VR name(VA a, VA b)                                      \
	{                                                                      \
		VR r = {0};                                                    \
		for (int k = 0; k < (N); k++) {                                \
			int32_t v = k < (N) / 2 ? a[k] : b[k - (N) / 2];       \
			r[k] = (ET)(v < (lo) ? (lo) : v > (hi) ? (hi) : v);    \
		}                                                              \
		return r;                                                      \
	}
HW__NARROW(hw_v_narrow_s8, hw_i8x16, hw_i16x8, 16, int8_t, -128, 127)
HW__NARROW(hw_v_narrow_u8, hw_u8x16, hw_i16x8, 16, uint8_t, 0, 255)
HW__NARROW(hw_v_narrow_s16, hw_i16x8, hw_i32x4, 8, int16_t, -32768, 32767)
HW__NARROW(hw_v_narrow_u16, hw_u16x8, hw_i32x4, 8, uint16_t, 0, 65535)
#undef HW__NARROW

/* Extending multiply of the low (off 0) or high half: WT is wide enough
 * for the exact product and has the signedness of the lanes. */
#define HW__EXTMUL(name, VR, VA, N, off, WT)                                   \
	static inline VR name(VA a, VA b)                                      \
	{                                                                      \
		VR r = {0};                                                    \
		for (int k = 0; k < (N); k++)                                  \
			r[k] = (WT)a[k + (off)] * (WT)b[k + (off)];            \
		return r;                                                      \
	}
HW__EXTMUL(hw_v_extmul_lo_s8, hw_i16x8, hw_i8x16, 8, 0, int16_t)
HW__EXTMUL(hw_v_extmul_hi_s8, hw_i16x8, hw_i8x16, 8, 8, int16_t)
HW__EXTMUL(hw_v_extmul_lo_u8, hw_u16x8, hw_u8x16, 8, 0, uint16_t)
HW__EXTMUL(hw_v_extmul_hi_u8, hw_u16x8, hw_u8x16, 8, 8, uint16_t)
HW__EXTMUL(hw_v_extmul_lo_s16, hw_i32x4, hw_i16x8, 4, 0, int32_t)
HW__EXTMUL(hw_v_extmul_hi_s16, hw_i32x4, hw_i16x8, 4, 4, int32_t)
HW__EXTMUL(hw_v_extmul_lo_u16, hw_u32x4, hw_u16x8, 4, 0, uint32_t)
HW__EXTMUL(hw_v_extmul_hi_u16, hw_u32x4, hw_u16x8, 4, 4, uint32_t)
HW__EXTMUL(hw_v_extmul_lo_s32, hw_i64x2, hw_i32x4, 2, 0, int64_t)
HW__EXTMUL(hw_v_extmul_hi_s32, hw_i64x2, hw_i32x4, 2, 2, int64_t)
HW__EXTMUL(hw_v_extmul_lo_u32, hw_u64x2, hw_u32x4, 2, 0, uint64_t)
HW__EXTMUL(hw_v_extmul_hi_u32, hw_u64x2, hw_u32x4, 2, 2, uint64_t)
#undef HW__EXTMUL

/* Widening of the low (off 0) or high half, keeping the lanes' sign. */
#define HW__EXTEND(name, VR, VA, N, off)                                       \
	static inline VR name(VA a)                                            \
	{                                                                      \
		VR r = {0};                                                    \
		for (int k = 0; k < (N); k++)                                  \
			r[k] = a[k + (off)];                                   \
		return r;                                                      \
	}
HW__EXTEND(hw_v_extend_lo_s8, hw_i16x8, hw_i8x16, 8, 0)
HW__EXTEND(hw_v_extend_hi_s8, hw_i16x8, hw_i8x16, 8, 8)
HW__EXTEND(hw_v_extend_lo_u8, hw_u16x8, hw_u8x16, 8, 0)
HW__EXTEND(hw_v_extend_hi_u8, hw_u16x8, hw_u8x16, 8, 8)
HW__EXTEND(hw_v_extend_lo_s16, hw_i32x4, hw_i16x8, 4, 0)
HW__EXTEND(hw_v_extend_hi_s16, hw_i32x4, hw_i16x8, 4, 4)
HW__EXTEND(hw_v_extend_lo_u16, hw_u32x4, hw_u16x8, 4, 0)
HW__EXTEND(hw_v_extend_hi_u16, hw_u32x4, hw_u16x8, 4, 4)
HW__EXTEND(hw_v_extend_lo_s32, hw_i64x2, hw_i32x4, 2, 0)
HW__EXTEND(hw_v_extend_hi_s32, hw_i64x2, hw_i32x4, 2, 2)
HW__EXTEND(hw_v_extend_lo_u32, hw_u64x2, hw_u32x4, 2, 0)
HW__EXTEND(hw_v_extend_hi_u32, hw_u64x2, hw_u32x4, 2, 2)
#undef HW__EXTEND

/* Pairwise widening add: r[k] = a[2k] + a[2k+1] (exact in the wide lane). */
#define HW__EXTADD(name, VR, VA, N)                                            \
	static inline VR name(VA a)                                            \
	{                                                                      \
		VR r = {0};                                                    \
		for (int k = 0; k < (N); k++)                                  \
			r[k] = a[2 * k] + a[2 * k + 1];                        \
		return r;                                                      \
	}
HW__EXTADD(hw_v_extadd_s8, hw_i16x8, hw_i8x16, 8)
HW__EXTADD(hw_v_extadd_u8, hw_u16x8, hw_u8x16, 8)
HW__EXTADD(hw_v_extadd_s16, hw_i32x4, hw_i16x8, 4)
HW__EXTADD(hw_v_extadd_u16, hw_u32x4, hw_u16x8, 4)
#undef HW__EXTADD

/* i16x8.q15mulr_sat_s: (a * b + 2^14) >> 15, saturated (only
 * -32768 * -32768 overflows). */
static inline hw_i16x8 hw_v_q15mulr(hw_i16x8 a, hw_i16x8 b)
{
	hw_i16x8 r = {0};

	for (int k = 0; k < 8; k++) {
		int32_t v = ((int32_t)a[k] * b[k] + 0x4000) >> 15;

		r[k] = (int16_t)(v > 32767 ? 32767 : v);
	}
	return r;
}

/* i32x4.dot_i16x8_s: sums of adjacent products; the one sum that does
 * not fit (2 * 2^30) wraps, as the spec says. */
static inline hw_u32x4 hw_v_dot(hw_i16x8 a, hw_i16x8 b)
{
	hw_u32x4 r = {0};

	for (int k = 0; k < 4; k++)
		r[k] = (uint32_t)((int64_t)a[2 * k] * b[2 * k] +
				  (int64_t)a[2 * k + 1] * b[2 * k + 1]);
	return r;
}

/* Bitmasks: bit k is lane k's top bit. */
static inline uint32_t hw_v_bitmask8(hw_u8x16 a)
{
	uint32_t r = 0;

	for (int k = 0; k < 16; k++)
		r |= (uint32_t)(a[k] >> 7) << k;
	return r;
}

static inline uint32_t hw_v_bitmask16(hw_u16x8 a)
{
	uint32_t r = 0;

	for (int k = 0; k < 8; k++)
		r |= (uint32_t)(a[k] >> 15) << k;
	return r;
}

static inline uint32_t hw_v_bitmask32(hw_u32x4 a)
{
	uint32_t r = 0;

	for (int k = 0; k < 4; k++)
		r |= (a[k] >> 31) << k;
	return r;
}

static inline uint32_t hw_v_bitmask64(hw_u64x2 a)
{
	return (uint32_t)(a[0] >> 63) | (uint32_t)(a[1] >> 63) << 1;
}

#endif
