/* wasm_num.h — Wasm numeric semantics that C does not give directly:
 * NaN-propagating min/max with signed zeros, round-to-nearest-even,
 * bit-exact abs/neg/copysign, and range checks for float-to-int
 * truncation (trapping and saturating). Used by the interpreter and by
 * the SIMD handlers. Build with -ffp-contract=off. */
#ifndef HEARTH_WASM_NUM_H
#define HEARTH_WASM_NUM_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t hw_f32_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static inline float hw_bits_f32(uint32_t u)
{
	float f;

	memcpy(&f, &u, 4);
	return f;
}

static inline uint64_t hw_f64_bits(double d)
{
	uint64_t u;

	memcpy(&u, &d, 8);
	return u;
}

static inline double hw_bits_f64(uint64_t u)
{
	double d;

	memcpy(&d, &u, 8);
	return d;
}

/* min/max: a NaN operand gives a NaN (the sum quiets it and keeps its
 * payload: canonical stays canonical); -0 < +0. */
static inline float hw_fminf(float a, float b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return hw_bits_f32(hw_f32_bits(a) | hw_f32_bits(b));
	return a < b ? a : b;
}

static inline float hw_fmaxf(float a, float b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return hw_bits_f32(hw_f32_bits(a) & hw_f32_bits(b));
	return a > b ? a : b;
}

static inline double hw_fmin(double a, double b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return hw_bits_f64(hw_f64_bits(a) | hw_f64_bits(b));
	return a < b ? a : b;
}

static inline double hw_fmax(double a, double b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return hw_bits_f64(hw_f64_bits(a) & hw_f64_bits(b));
	return a > b ? a : b;
}

/* Rounding. libm passes a signalling NaN through unquieted; Wasm wants
 * an arithmetic (quiet) NaN, which a + a gives. nearest: ties to even. */
static inline float hw_ceilf(float a)
{
	return a != a ? a + a : ceilf(a);
}
static inline float hw_floorf(float a)
{
	return a != a ? a + a : floorf(a);
}
static inline float hw_truncf(float a)
{
	return a != a ? a + a : truncf(a);
}
static inline float hw_nearestf(float a)
{
	return a != a ? a + a : nearbyintf(a);
}
static inline double hw_ceil(double a)
{
	return a != a ? a + a : ceil(a);
}
static inline double hw_floor(double a)
{
	return a != a ? a + a : floor(a);
}
static inline double hw_trunc(double a)
{
	return a != a ? a + a : trunc(a);
}
static inline double hw_nearest(double a)
{
	return a != a ? a + a : nearbyint(a);
}

/* Truncation: 0 = ok, 1 = NaN (invalid conversion), 2 = out of range
 * (integer overflow). OUT: *out. */
static inline int hw_trunc_i32_f32(float f, int32_t *out)
{
	if (f != f)
		return 1;
	if (!(f >= -2147483648.0f && f < 2147483648.0f))
		return 2;
	*out = (int32_t)f;
	return 0;
}

static inline int hw_trunc_u32_f32(float f, uint32_t *out)
{
	if (f != f)
		return 1;
	if (!(f > -1.0f && f < 4294967296.0f))
		return 2;
	*out = (uint32_t)f;
	return 0;
}

static inline int hw_trunc_i32_f64(double f, int32_t *out)
{
	if (f != f)
		return 1;
	if (!(f > -2147483649.0 && f < 2147483648.0))
		return 2;
	*out = (int32_t)f;
	return 0;
}

static inline int hw_trunc_u32_f64(double f, uint32_t *out)
{
	if (f != f)
		return 1;
	if (!(f > -1.0 && f < 4294967296.0))
		return 2;
	*out = (uint32_t)f;
	return 0;
}

static inline int hw_trunc_i64_f32(float f, int64_t *out)
{
	if (f != f)
		return 1;
	if (!(f >= -9223372036854775808.0f && f < 9223372036854775808.0f))
		return 2;
	*out = (int64_t)f;
	return 0;
}

static inline int hw_trunc_u64_f32(float f, uint64_t *out)
{
	if (f != f)
		return 1;
	if (!(f > -1.0f && f < 18446744073709551616.0f))
		return 2;
	*out = (uint64_t)f;
	return 0;
}

static inline int hw_trunc_i64_f64(double f, int64_t *out)
{
	if (f != f)
		return 1;
	if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0))
		return 2;
	*out = (int64_t)f;
	return 0;
}

static inline int hw_trunc_u64_f64(double f, uint64_t *out)
{
	if (f != f)
		return 1;
	if (!(f > -1.0 && f < 18446744073709551616.0))
		return 2;
	*out = (uint64_t)f;
	return 0;
}

/* Saturating truncation: NaN gives 0, out of range the nearest bound. */
static inline int32_t hw_sat_i32_f64(double f)
{
	if (f != f)
		return 0;
	if (f <= -2147483649.0)
		return INT32_MIN;
	if (f >= 2147483648.0)
		return INT32_MAX;
	return (int32_t)f;
}

static inline uint32_t hw_sat_u32_f64(double f)
{
	if (f != f || f <= -1.0)
		return 0;
	if (f >= 4294967296.0)
		return UINT32_MAX;
	return (uint32_t)f;
}

static inline int64_t hw_sat_i64_f64(double f)
{
	if (f != f)
		return 0;
	if (f < -9223372036854775808.0)
		return INT64_MIN;
	if (f >= 9223372036854775808.0)
		return INT64_MAX;
	return (int64_t)f;
}

static inline uint64_t hw_sat_u64_f64(double f)
{
	if (f != f || f <= -1.0)
		return 0;
	if (f >= 18446744073709551616.0)
		return UINT64_MAX;
	return (uint64_t)f;
}

static inline uint32_t hw_rotl32(uint32_t a, uint32_t b)
{
	b &= 31;
	return (a << b) | (a >> ((32 - b) & 31));
}

static inline uint32_t hw_rotr32(uint32_t a, uint32_t b)
{
	b &= 31;
	return (a >> b) | (a << ((32 - b) & 31));
}

static inline uint64_t hw_rotl64(uint64_t a, uint64_t b)
{
	b &= 63;
	return (a << b) | (a >> ((64 - b) & 63));
}

static inline uint64_t hw_rotr64(uint64_t a, uint64_t b)
{
	b &= 63;
	return (a >> b) | (a << ((64 - b) & 63));
}

#endif
