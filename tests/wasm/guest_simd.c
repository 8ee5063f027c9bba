/* guest_simd.c — a Wasm guest written with clang's wasm_simd128.h
 * intrinsics (-msimd128), for the engine's SIMD tests (test_simd.c): lane
 * kernels over buffers the host fills, whose results the host checks
 * against the same computation in scalar C; byte search, a 4x4 transpose;
 * v128 values kept in locals across suspending host calls and passed
 * through recursive calls and to a host function. */
#include <stdint.h>
#include <wasm_simd128.h>

#define IMPORT(name) __attribute__((import_module("test"), import_name(name)))
#define EXPORT(name) __attribute__((export_name(name)))

IMPORT("wait") int wait_for(int token);
IMPORT("vhost") v128_t vhost(v128_t v, int k);

/* The host writes inputs here and reads results back (offset from
 * arena()). */
static _Alignas(16) unsigned char buf[1 << 16];

EXPORT("arena") unsigned char *arena(void)
{
	return buf;
}

#define LD(p, i)    wasm_v128_load((p) + 16 * (i))
#define ST(p, i, v) wasm_v128_store((p) + 16 * (i), (v))

/* Byte lanes: 20 results per input block (see test_simd.c, ref_i8). */
EXPORT("ops_i8")
uint32_t ops_i8(unsigned char *out, const unsigned char *a,
		const unsigned char *b, int n)
{
	uint32_t acc = 0;

	for (int i = 0; i < n; i++) {
		v128_t x = LD(a, i), y = LD(b, i);
		unsigned char *o = out + 20 * 16 * i;

		ST(o, 0, wasm_i8x16_add(x, y));
		ST(o, 1, wasm_i8x16_sub(x, y));
		ST(o, 2, wasm_u8x16_add_sat(x, y));
		ST(o, 3, wasm_u8x16_sub_sat(x, y));
		ST(o, 4, wasm_i8x16_add_sat(x, y));
		ST(o, 5, wasm_i8x16_sub_sat(x, y));
		ST(o, 6, wasm_u8x16_avgr(x, y));
		ST(o, 7, wasm_u8x16_min(x, y));
		ST(o, 8, wasm_i8x16_max(x, y));
		ST(o, 9, wasm_i8x16_abs(x));
		ST(o, 10, wasm_i8x16_popcnt(x));
		ST(o, 11, wasm_i8x16_lt(x, y));
		ST(o, 12, wasm_u8x16_ge(x, y));
		ST(o, 13, wasm_i8x16_shl(x, (uint32_t)i));
		ST(o, 14, wasm_i8x16_shr(x, (uint32_t)i));
		ST(o, 15, wasm_u8x16_shr(x, (uint32_t)i));
		ST(o, 16,
		   wasm_i8x16_swizzle(
			   x, wasm_v128_and(y, wasm_i8x16_splat(0x1F))));
		ST(o, 17, wasm_u8x16_narrow_i16x8(x, y));
		ST(o, 18, wasm_i8x16_narrow_i16x8(x, y));
		ST(o, 19, wasm_v128_bitselect(x, y, wasm_v128_xor(x, y)));
		acc = acc * 31 + (uint32_t)wasm_i8x16_bitmask(x) +
		      7 * (uint32_t)wasm_i8x16_all_true(y) +
		      3 * (uint32_t)wasm_v128_any_true(wasm_v128_and(x, y));
	}
	return acc;
}

/* 16-bit lanes: 18 results per block (ref_i16). */
EXPORT("ops_i16")
uint32_t ops_i16(unsigned char *out, const unsigned char *a,
		 const unsigned char *b, int n)
{
	uint32_t acc = 0;

	for (int i = 0; i < n; i++) {
		v128_t x = LD(a, i), y = LD(b, i);
		unsigned char *o = out + 18 * 16 * i;

		ST(o, 0, wasm_i16x8_mul(x, y));
		ST(o, 1, wasm_i16x8_q15mulr_sat(x, y));
		ST(o, 2, wasm_i16x8_add_sat(x, y));
		ST(o, 3, wasm_u16x8_sub_sat(x, y));
		ST(o, 4, wasm_i16x8_extmul_low_i8x16(x, y));
		ST(o, 5, wasm_u16x8_extmul_high_u8x16(x, y));
		ST(o, 6, wasm_i16x8_extadd_pairwise_i8x16(x));
		ST(o, 7, wasm_u16x8_extadd_pairwise_u8x16(y));
		ST(o, 8, wasm_i16x8_extend_high_i8x16(x));
		ST(o, 9, wasm_u16x8_extend_low_u8x16(y));
		ST(o, 10, wasm_u16x8_narrow_i32x4(x, y));
		ST(o, 11, wasm_i16x8_narrow_i32x4(x, y));
		ST(o, 12, wasm_u16x8_avgr(x, y));
		ST(o, 13, wasm_u16x8_max(x, y));
		ST(o, 14, wasm_i16x8_min(x, y));
		ST(o, 15, wasm_i16x8_shr(x, (uint32_t)i));
		ST(o, 16, wasm_i32x4_dot_i16x8(x, y));
		ST(o, 17, wasm_u16x8_gt(x, y));
		acc = acc * 31 + (uint32_t)wasm_i16x8_bitmask(x) +
		      5 * (uint32_t)wasm_i16x8_all_true(x);
	}
	return acc;
}

/* 32- and 64-bit lanes: 16 results per block (ref_i32). */
EXPORT("ops_i32")
uint32_t ops_i32(unsigned char *out, const unsigned char *a,
		 const unsigned char *b, int n)
{
	uint32_t acc = 0;

	for (int i = 0; i < n; i++) {
		v128_t x = LD(a, i), y = LD(b, i);
		unsigned char *o = out + 16 * 16 * i;

		ST(o, 0, wasm_i32x4_mul(x, y));
		ST(o, 1, wasm_u32x4_min(x, y));
		ST(o, 2, wasm_i32x4_max(x, y));
		ST(o, 3, wasm_i32x4_abs(x));
		ST(o, 4, wasm_i32x4_shl(x, (uint32_t)i));
		ST(o, 5, wasm_u32x4_shr(y, (uint32_t)i));
		ST(o, 6, wasm_i32x4_extmul_high_i16x8(x, y));
		ST(o, 7, wasm_u32x4_extend_low_u16x8(x));
		ST(o, 8, wasm_i64x2_mul(x, y));
		ST(o, 9, wasm_i64x2_shr(x, (uint32_t)i));
		ST(o, 10, wasm_i64x2_neg(y));
		ST(o, 11, wasm_i64x2_gt(x, y));
		ST(o, 12, wasm_u64x2_extmul_low_u32x4(x, y));
		ST(o, 13, wasm_i64x2_extend_high_i32x4(y));
		ST(o, 14, wasm_i64x2_abs(x));
		ST(o, 15, wasm_i32x4_le(x, y));
		acc = acc * 31 + (uint32_t)wasm_i32x4_bitmask(x) +
		      3 * (uint32_t)wasm_i64x2_bitmask(y) +
		      11 * (uint32_t)wasm_i64x2_all_true(x);
	}
	return acc;
}

/* Float lanes: 24 results per block (ref_f). Inputs hold NaNs,
 * infinities, zeros of both signs, subnormals and halves. */
EXPORT("ops_f")
void ops_f(unsigned char *out, const unsigned char *a, const unsigned char *b,
	   int n)
{
	for (int i = 0; i < n; i++) {
		v128_t x = LD(a, i), y = LD(b, i);
		unsigned char *o = out + 24 * 16 * i;

		ST(o, 0, wasm_f32x4_add(x, y));
		ST(o, 1, wasm_f32x4_mul(x, y));
		ST(o, 2, wasm_f32x4_div(x, y));
		ST(o, 3, wasm_f32x4_min(x, y));
		ST(o, 4, wasm_f32x4_max(x, y));
		ST(o, 5, wasm_f32x4_pmin(x, y));
		ST(o, 6, wasm_f32x4_pmax(x, y));
		ST(o, 7, wasm_f32x4_sqrt(x));
		ST(o, 8, wasm_f32x4_nearest(x));
		ST(o, 9, wasm_f32x4_floor(y));
		ST(o, 10, wasm_f32x4_lt(x, y));
		ST(o, 11, wasm_i32x4_trunc_sat_f32x4(x));
		ST(o, 12, wasm_u32x4_trunc_sat_f32x4(y));
		ST(o, 13, wasm_f32x4_convert_u32x4(x));
		ST(o, 14, wasm_f64x2_promote_low_f32x4(x));
		ST(o, 15, wasm_f32x4_demote_f64x2_zero(y));
		ST(o, 16, wasm_f64x2_sub(x, y));
		ST(o, 17, wasm_f64x2_div(x, y));
		ST(o, 18, wasm_f64x2_min(x, y));
		ST(o, 19, wasm_f64x2_sqrt(y));
		ST(o, 20, wasm_f64x2_ceil(x));
		ST(o, 21, wasm_i32x4_trunc_sat_f64x2_zero(x));
		ST(o, 22, wasm_f64x2_convert_low_i32x4(y));
		ST(o, 23, wasm_f64x2_ne(x, y));
	}
}

/* Loads and stores of parts of vectors; lanes in and out. */
EXPORT("ops_mem")
uint32_t ops_mem(unsigned char *out, const unsigned char *a, int n)
{
	uint32_t acc = 0;

	for (int i = 0; i < n; i++) {
		const unsigned char *p = a + 3 * i; /* unaligned */
		unsigned char *o = out + 8 * 16 * i;
		v128_t v = wasm_v128_load8_splat(p);

		ST(o, 0, v);
		ST(o, 1, wasm_v128_load16_splat(p + 1));
		ST(o, 2, wasm_v128_load64_zero(p + 2));
		ST(o, 3, wasm_i16x8_load8x8(p + 3));
		ST(o, 4, wasm_u32x4_load16x4(p + 4));
		ST(o, 5, wasm_v128_load32_lane(p + 5, LD(a, 0), 2));
		v = wasm_i16x8_replace_lane(wasm_v128_load(p), 5,
					    (int16_t)(i * 1000));
		ST(o, 6,
		   wasm_i8x16_shuffle(v, LD(a, 1), 0, 17, 2, 19, 4, 21, 6, 23,
				      31, 30, 29, 28, 3, 3, 3, 3));
		wasm_v128_store(o + 16 * 7, wasm_i64x2_splat(0));
		wasm_v128_store16_lane(o + 16 * 7 + (i % 8) * 2, v, 5);
		acc += (uint32_t)wasm_u8x16_extract_lane(v, 15) +
		       (uint32_t)wasm_i16x8_extract_lane(v, 5);
	}
	return acc;
}

/* The index of the first byte equal to c in p[0..n), or -1; reads whole
 * 16-byte blocks (the host leaves slack after the string). */
EXPORT("find_byte") int find_byte(const unsigned char *p, int n, int c)
{
	v128_t want = wasm_i8x16_splat((int8_t)c);

	for (int i = 0; i < n; i += 16) {
		uint32_t m = (uint32_t)wasm_i8x16_bitmask(
			wasm_i8x16_eq(wasm_v128_load(p + i), want));

		if (m) {
			int k = i + __builtin_ctz(m);

			return k < n ? k : -1;
		}
	}
	return -1;
}

/* Transposes the 4x4 i32 matrix at m in place, with shuffles. */
EXPORT("transpose4") void transpose4(int32_t *m)
{
	v128_t r0 = wasm_v128_load(m), r1 = wasm_v128_load(m + 4);
	v128_t r2 = wasm_v128_load(m + 8), r3 = wasm_v128_load(m + 12);
	v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
	v128_t t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
	v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
	v128_t t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);

	wasm_v128_store(m, wasm_i64x2_shuffle(t0, t1, 0, 2));
	wasm_v128_store(m + 4, wasm_i64x2_shuffle(t0, t1, 1, 3));
	wasm_v128_store(m + 8, wasm_i64x2_shuffle(t2, t3, 0, 2));
	wasm_v128_store(m + 12, wasm_i64x2_shuffle(t2, t3, 1, 3));
}

/* v128 state held in locals across n host calls that may suspend: the
 * host resumes each wait with a value t; acc = acc * 3 + splat(t), with
 * a second vector that only changes between the calls. Returns a hash of
 * the final lanes. */
EXPORT("simd_waits") uint32_t simd_waits(int n)
{
	v128_t acc = wasm_i32x4_make(1, 2, 3, 4);
	v128_t f = wasm_f64x2_make(0.5, 1.25);

	for (int i = 0; i < n; i++) {
		int t = wait_for(i);

		acc = wasm_i32x4_add(wasm_i32x4_mul(acc, wasm_i32x4_splat(3)),
				     wasm_i32x4_splat(t));
		f = wasm_f64x2_add(f, wasm_f64x2_splat(1.0));
	}
	return (uint32_t)wasm_i32x4_extract_lane(acc, 0) * 1u +
	       (uint32_t)wasm_i32x4_extract_lane(acc, 1) * 3u +
	       (uint32_t)wasm_i32x4_extract_lane(acc, 2) * 5u +
	       (uint32_t)wasm_i32x4_extract_lane(acc, 3) * 7u +
	       (uint32_t)(wasm_f64x2_extract_lane(f, 0) * 4.0) * 11u +
	       (uint32_t)(wasm_f64x2_extract_lane(f, 1) * 4.0) * 13u;
}

/* v128 parameters and results through n recursive calls (not inlined),
 * each frame keeping its own vector live across the call. */
__attribute__((noinline)) static v128_t vrec(v128_t v, int n)
{
	v128_t mine = wasm_i16x8_add(v, wasm_i16x8_splat((int16_t)n));

	if (n == 0)
		return mine;
	return wasm_v128_xor(vrec(wasm_i16x8_shl(mine, 1), n - 1), mine);
}

EXPORT("vrec") v128_t vrec_export(v128_t v, int n)
{
	return vrec(v, n);
}

/* A host function taking and returning v128. */
EXPORT("via_host") v128_t via_host(v128_t v)
{
	return wasm_i32x4_add(vhost(v, 3), vhost(v, 4));
}
