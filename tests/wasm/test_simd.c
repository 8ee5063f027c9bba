/* test_simd.c — SIMD execution with a real guest (guest_simd.c, clang
 * -msimd128): each lane kernel's results, computed by the engine from
 * pseudo-random and special inputs, are checked against the same
 * computation written in scalar C here; then v128 values live in frames
 * across suspensions (host calls and fuel), through recursion, through a
 * host function and through the embedding API. The spec suite checks each
 * instruction in isolation; this checks them as compiled C uses them. */
#include <math.h>
#include <stdint.h>

#include "helpers.h"
#include "wb.h"

#define SIMD_GUEST_PATH HEARTH_BINARY_DIR "/guests/wasm_simd_guest.wasm"
#define NBLK		64 /* 16-byte blocks per kernel call */
#define OFF_A		0
#define OFF_B		2048
#define OFF_OUT		4096

/* ---- the guest ---- */

/* test.vhost(v, k): i32 lanes v[j] * k + j. */
static int host_vhost(hw_hostcall *hc, void *env, const hw_val *a, hw_val *r)
{
	for (int j = 0; j < 4; j++) {
		uint32_t x;

		memcpy(&x, a[0].v128 + 4 * j, 4);
		x = x * a[1].i32 + (uint32_t)j;
		memcpy(r[0].v128 + 4 * j, &x, 4);
	}
	return HW_HOST_OK;
}

typedef struct sguest {
	hw_module *m;
	hw_instance *inst;
	hw_func *wait, *vhost;
	int waits;
	uint8_t *base; /* the arena in guest memory */
	uint32_t arena;
} sguest;

static void sguest_open(sguest *g, bool metered)
{
	static const hw_valtype i[] = {HW_I32}, vi[] = {HW_V128, HW_I32},
				v[] = {HW_V128};
	hw_module_opts mo = {.no_fuel = !metered};
	size_t len;
	uint8_t *bytes = read_all(SIMD_GUEST_PATH, &len);
	hw_extern ext[2];
	hw_error err;
	uint32_t n;
	uint64_t size;
	int rc;

	memset(g, 0, sizeof *g);
	rc = hw_module_new(bytes, len, &mo, &g->m, &err);
	ASSERT_MSG(rc == 0, "simd guest: %s", err.message);
	free(bytes);
	ASSERT_OK(hw_func_new(i, 1, i, 1, host_wait, &g->waits, &g->wait));
	ASSERT_OK(hw_func_new(vi, 2, v, 1, host_vhost, NULL, &g->vhost));
	n = hw_module_import_count(g->m);
	ASSERT(n <= 2);
	for (uint32_t k = 0; k < n; k++) {
		hw_extern_info info;

		ASSERT_OK(hw_module_import(g->m, k, &info));
		ext[k].kind = HW_EXTERN_FUNC;
		ext[k].u.func = !strcmp(info.name, "wait") ? g->wait : g->vhost;
	}
	rc = hw_instance_new(g->m, ext, n, NULL, &g->inst, &err);
	ASSERT_MSG(rc == 0, "instantiate: %s", err.message);
	ASSERT_EQ(call_i32(g->inst, "arena", NULL, 0, &g->arena), HW_DONE);
	g->base = hw_memory_data(hw_instance_memory(g->inst), &size);
	ASSERT(g->arena + 65536 <= size);
	g->base += g->arena;
}

static void sguest_close(sguest *g)
{
	hw_instance_free(g->inst);
	hw_module_free(g->m);
	hw_func_free(g->wait);
	hw_func_free(g->vhost);
}

/* Run kernel `name`(out, a, b, NBLK) (or (out, a, NBLK) when !with_b). */
static uint32_t run_kernel(sguest *g, const char *name, bool with_b)
{
	uint32_t args[4] = {g->arena + OFF_OUT, g->arena + OFF_A,
			    with_b ? g->arena + OFF_B : NBLK, NBLK};
	uint32_t r = 0;
	int rc = call_i32(g->inst, name, args, with_b ? 4 : 3, &r);

	ASSERT_MSG(rc == HW_DONE, "%s: status %d", name, rc);
	return r;
}

/* ---- inputs ---- */

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void fill_random(uint8_t *p, size_t n, uint64_t seed)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t r = rnd(&seed);

		/* a quarter of the bytes extreme, so saturation happens */
		p[i] = (r >> 8) % 4 == 0
			       ? (uint8_t)((r & 1) ? 0x7F + (r >> 16) % 3
						   : 0xFF - (r >> 16) % 3)
			       : (uint8_t)(r >> 24);
	}
}

static const uint32_t f32_special[] = {
	0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000,
	0xFFC00000, 0x7FA00001, 0x00000001, 0x80000001, 0x3F800000,
	0xBF800000, 0x3FC00000, 0x40200000, 0xC0200000, 0x3EFFFFFF,
	0x4F800000, 0x4F7FFFFF, 0xCF000000, 0xCF000001, 0x4F000000,
	0x5F800000, 0x3F000000, 0xBF000000, 0x7F7FFFFF, 0x4B000001,
};
static const uint64_t f64_special[] = {
	0,
	0x8000000000000000ull,
	0x7FF0000000000000ull,
	0xFFF0000000000000ull,
	0x7FF8000000000000ull,
	0x7FF4000000000001ull,
	0x0000000000000001ull,
	0x3FF0000000000000ull,
	0xBFF8000000000000ull,
	0x4004000000000000ull,
	0x41DFFFFFFFC00000ull,
	0xC1E0000000200000ull,
	0x41F0000000000000ull,
	0x36A0000000000000ull,
	0x47EFFFFFE0000000ull,
	0x3FE0000000000000ull,
	0x4330000000000001ull,
};

/* A moderate value: k/8 - 125, so halves and other fractions occur. */
static uint32_t mid_f32(uint64_t r)
{
	float f = (float)((int)(r % 2000) - 1000) / 8.0f;
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static uint64_t mid_f64(uint64_t r)
{
	double d = (double)((int)(r % 2000) - 1000) / 8.0;
	uint64_t u;

	memcpy(&u, &d, 8);
	return u;
}

/* Float inputs: even blocks hold f32 lanes, odd blocks f64 lanes, each
 * a special value or a random one of moderate size. */
static void fill_floats(uint8_t *p, uint64_t seed)
{
	for (int blk = 0; blk < NBLK; blk++) {
		for (int k = 0; k < (blk & 1 ? 2 : 4); k++) {
			uint64_t r = rnd(&seed);
			uint8_t *q = p + 16 * blk + (blk & 1 ? 8 : 4) * k;

			if (blk & 1) {
				uint64_t v = r % 3 ? f64_special[r % 17]
						   : mid_f64(r >> 32);
				memcpy(q, &v, 8);
			} else {
				uint32_t v = r % 3 ? f32_special[r % 25]
						   : mid_f32(r >> 32);
				memcpy(q, &v, 4);
			}
		}
	}
}

/* ---- lanes of a 16-byte vector ---- */

static uint16_t g16(const uint8_t *v, int k)
{
	uint16_t x;

	memcpy(&x, v + 2 * k, 2);
	return x;
}

static uint32_t g32(const uint8_t *v, int k)
{
	uint32_t x;

	memcpy(&x, v + 4 * k, 4);
	return x;
}

static uint64_t g64(const uint8_t *v, int k)
{
	uint64_t x;

	memcpy(&x, v + 8 * k, 8);
	return x;
}

static float gf(const uint8_t *v, int k)
{
	float x;

	memcpy(&x, v + 4 * k, 4);
	return x;
}

static double gd(const uint8_t *v, int k)
{
	double x;

	memcpy(&x, v + 8 * k, 8);
	return x;
}

static void p16(uint8_t *v, int k, uint32_t x)
{
	uint16_t y = (uint16_t)x;

	memcpy(v + 2 * k, &y, 2);
}

static void p32(uint8_t *v, int k, uint32_t x)
{
	memcpy(v + 4 * k, &x, 4);
}

static void p64(uint8_t *v, int k, uint64_t x)
{
	memcpy(v + 8 * k, &x, 8);
}

static void pf(uint8_t *v, int k, float x)
{
	memcpy(v + 4 * k, &x, 4);
}

static void pd(uint8_t *v, int k, double x)
{
	memcpy(v + 8 * k, &x, 8);
}

static int32_t clamp(int64_t v, int64_t lo, int64_t hi)
{
	return (int32_t)(v < lo ? lo : v > hi ? hi : v);
}

/* Compare one result vector; kind: 'i' bytes, 'f' f32 lanes, 'd' f64
 * lanes (a NaN expected: any quiet NaN accepted, as the spec allows). */
static void check_vec(const char *kernel, int blk, int op, char kind,
		      const uint8_t *want, const uint8_t *got)
{
	for (int k = 0; k < 16; k++) {
		bool ok;

		if (kind == 'f' && k % 4 == 0 && isnan(gf(want, k / 4))) {
			uint32_t g = g32(got, k / 4);

			ASSERT_MSG((g & 0x7FC00000u) == 0x7FC00000u,
				   "%s block %d op %d lane %d: want NaN, got "
				   "0x%08x",
				   kernel, blk, op, k / 4, g);
			k += 3;
			continue;
		}
		if (kind == 'd' && k % 8 == 0 && isnan(gd(want, k / 8))) {
			uint64_t g = g64(got, k / 8);

			ASSERT_MSG((g & 0x7FF8000000000000ull) ==
					   0x7FF8000000000000ull,
				   "%s block %d op %d lane %d: want NaN, got "
				   "0x%016llx",
				   kernel, blk, op, k / 8,
				   (unsigned long long)g);
			k += 7;
			continue;
		}
		ok = want[k] == got[k];
		ASSERT_MSG(ok,
			   "%s block %d op %d byte %d: want 0x%02x, got 0x%02x",
			   kernel, blk, op, k, want[k], got[k]);
	}
}

/* ---- the scalar twins of the guest's kernels ---- */

static uint32_t ref_i8(const uint8_t *x, const uint8_t *y, int i,
		       uint8_t o[][16], uint32_t acc)
{
	int sh = i & 7;
	uint32_t bm = 0, all = 1, any = 0;

	for (int k = 0; k < 16; k++) {
		int sx = (int8_t)x[k], sy = (int8_t)y[k];
		int ix = y[k] & 0x1F;
		int n16 = k < 8 ? (int16_t)g16(x, k) : (int16_t)g16(y, k - 8);
		uint8_t m = x[k] ^ y[k];

		o[0][k] = (uint8_t)(x[k] + y[k]);
		o[1][k] = (uint8_t)(x[k] - y[k]);
		o[2][k] = (uint8_t)clamp(x[k] + y[k], 0, 255);
		o[3][k] = (uint8_t)clamp(x[k] - y[k], 0, 255);
		o[4][k] = (uint8_t)clamp(sx + sy, -128, 127);
		o[5][k] = (uint8_t)clamp(sx - sy, -128, 127);
		o[6][k] = (uint8_t)((x[k] + y[k] + 1) >> 1);
		o[7][k] = x[k] < y[k] ? x[k] : y[k];
		o[8][k] = (uint8_t)(sx > sy ? sx : sy);
		o[9][k] = (uint8_t)(sx < 0 ? -sx : sx);
		o[10][k] = (uint8_t)__builtin_popcount(x[k]);
		o[11][k] = sx < sy ? 0xFF : 0;
		o[12][k] = x[k] >= y[k] ? 0xFF : 0;
		o[13][k] = (uint8_t)(x[k] << sh);
		o[14][k] = (uint8_t)(sx >> sh);
		o[15][k] = (uint8_t)(x[k] >> sh);
		o[16][k] = ix < 16 ? x[ix] : 0;
		o[17][k] = (uint8_t)clamp(n16, 0, 255);
		o[18][k] = (uint8_t)clamp(n16, -128, 127);
		o[19][k] = (uint8_t)((x[k] & m) | (y[k] & ~m));
		bm |= (uint32_t)(x[k] >> 7) << k;
		all &= y[k] != 0;
		any |= (x[k] & y[k]) != 0;
	}
	return acc * 31 + bm + 7 * all + 3 * any;
}

static uint32_t ref_i16(const uint8_t *x, const uint8_t *y, int i,
			uint8_t o[][16], uint32_t acc)
{
	uint32_t bm = 0, all = 1;

	for (int k = 0; k < 8; k++) {
		int sx = (int16_t)g16(x, k), sy = (int16_t)g16(y, k);
		uint32_t ux = g16(x, k), uy = g16(y, k);
		int64_t n32 =
			k < 4 ? (int32_t)g32(x, k) : (int32_t)g32(y, k - 4);

		p16(o[0], k, ux * uy);
		p16(o[1], k,
		    (uint32_t)clamp((sx * sy + 0x4000) >> 15, -32768, 32767));
		p16(o[2], k, (uint32_t)clamp(sx + sy, -32768, 32767));
		p16(o[3], k, (uint32_t)clamp((int64_t)ux - uy, 0, 65535));
		p16(o[4], k, (uint32_t)((int8_t)x[k] * (int8_t)y[k]));
		p16(o[5], k, (uint32_t)x[8 + k] * y[8 + k]);
		p16(o[6], k,
		    (uint32_t)((int8_t)x[2 * k] + (int8_t)x[2 * k + 1]));
		p16(o[7], k, (uint32_t)y[2 * k] + y[2 * k + 1]);
		p16(o[8], k, (uint32_t)(int8_t)x[8 + k]);
		p16(o[9], k, y[k]);
		p16(o[10], k, (uint32_t)clamp(n32, 0, 65535));
		p16(o[11], k, (uint32_t)clamp(n32, -32768, 32767));
		p16(o[12], k, (ux + uy + 1) >> 1);
		p16(o[13], k, ux > uy ? ux : uy);
		p16(o[14], k, (uint32_t)(sx < sy ? sx : sy));
		p16(o[15], k, (uint32_t)(sx >> (i & 15)));
		p16(o[17], k, ux > uy ? 0xFFFF : 0);
		bm |= (ux >> 15) << k;
		all &= ux != 0;
	}
	for (int k = 0; k < 4; k++)
		p32(o[16], k,
		    (uint32_t)((int64_t)(int16_t)g16(x, 2 * k) *
				       (int16_t)g16(y, 2 * k) +
			       (int64_t)(int16_t)g16(x, 2 * k + 1) *
				       (int16_t)g16(y, 2 * k + 1)));
	return acc * 31 + bm + 5 * all;
}

static uint32_t ref_i32(const uint8_t *x, const uint8_t *y, int i,
			uint8_t o[][16], uint32_t acc)
{
	uint32_t bm = 0, bm64 = 0, all = 1;

	for (int k = 0; k < 4; k++) {
		uint32_t ux = g32(x, k), uy = g32(y, k);
		int32_t sx = (int32_t)ux, sy = (int32_t)uy;

		p32(o[0], k, ux * uy);
		p32(o[1], k, ux < uy ? ux : uy);
		p32(o[2], k, (uint32_t)(sx > sy ? sx : sy));
		p32(o[3], k, sx < 0 ? 0u - ux : ux);
		p32(o[4], k, ux << (i & 31));
		p32(o[5], k, uy >> (i & 31));
		p32(o[6], k,
		    (uint32_t)((int32_t)(int16_t)g16(x, 4 + k) *
			       (int16_t)g16(y, 4 + k)));
		p32(o[7], k, g16(x, k));
		p32(o[15], k, sx <= sy ? ~0u : 0);
		bm |= (ux >> 31) << k;
	}
	for (int k = 0; k < 2; k++) {
		uint64_t ux = g64(x, k), uy = g64(y, k);
		int64_t sx = (int64_t)ux, sy = (int64_t)uy;

		p64(o[8], k, ux * uy);
		p64(o[9], k, (uint64_t)(sx >> (i & 63)));
		p64(o[10], k, 0 - uy);
		p64(o[11], k, sx > sy ? ~0ull : 0);
		p64(o[12], k, (uint64_t)g32(x, k) * g32(y, k));
		p64(o[13], k, (uint64_t)(int64_t)(int32_t)g32(y, 2 + k));
		p64(o[14], k, sx < 0 ? 0 - ux : ux);
		bm64 |= (uint32_t)(uy >> 63) << k;
		all &= ux != 0;
	}
	return acc * 31 + bm + 3 * bm64 + 11 * all;
}

/* Wasm's min/max: NaN if either is, -0 below +0. */
static double wmin(double a, double b)
{
	if (isnan(a) || isnan(b))
		return NAN;
	if (a == b)
		return signbit(a) ? a : b;
	return a < b ? a : b;
}

static double wmax(double a, double b)
{
	if (isnan(a) || isnan(b))
		return NAN;
	if (a == b)
		return signbit(a) ? b : a;
	return a > b ? a : b;
}

static int64_t sat(double v, double lo, double hi)
{
	if (isnan(v))
		return 0;
	if (v <= lo)
		return (int64_t)lo;
	if (v >= hi)
		return (int64_t)hi;
	return (int64_t)v;
}

/* Result kinds of ops_f, for check_vec (pmin/pmax select: exact). */
static const char kinds_f[] = "fffffiifffiiifdfdddddidi";

static void ref_f(const uint8_t *x, const uint8_t *y, uint8_t o[][16])
{
	memset(o, 0, 24 * 16);
	for (int k = 0; k < 4; k++) {
		float a = gf(x, k), b = gf(y, k);

		pf(o[0], k, a + b);
		pf(o[1], k, a * b);
		pf(o[2], k, a / b);
		pf(o[3], k, (float)wmin(a, b));
		pf(o[4], k, (float)wmax(a, b));
		p32(o[5], k, b < a ? g32(y, k) : g32(x, k));
		p32(o[6], k, a < b ? g32(y, k) : g32(x, k));
		pf(o[7], k, sqrtf(a));
		pf(o[8], k, nearbyintf(a));
		pf(o[9], k, floorf(b));
		p32(o[10], k, a < b ? ~0u : 0);
		p32(o[11], k, (uint32_t)sat(a, -2147483648.0, 2147483647.0));
		p32(o[12], k, (uint32_t)sat(b, 0, 4294967295.0));
		pf(o[13], k, (float)g32(x, k));
	}
	for (int k = 0; k < 2; k++) {
		double a = gd(x, k), b = gd(y, k);

		pd(o[14], k, (double)gf(x, k));
		pf(o[15], k, (float)b);
		pd(o[16], k, a - b);
		pd(o[17], k, a / b);
		pd(o[18], k, wmin(a, b));
		pd(o[19], k, sqrt(b));
		pd(o[20], k, ceil(a));
		p32(o[21], k, (uint32_t)sat(a, -2147483648.0, 2147483647.0));
		pd(o[22], k, (double)(int32_t)g32(y, k));
		p64(o[23], k, a != b ? ~0ull : 0);
	}
}

static uint32_t ref_mem(const uint8_t *a, int i, uint8_t o[][16], uint32_t acc)
{
	const uint8_t *p = a + 3 * i;
	uint8_t v[16], cat[32];
	static const int shuf[16] = {0,	 17, 2,	 19, 4, 21, 6, 23,
				     31, 30, 29, 28, 3, 3,  3, 3};

	memset(o, 0, 8 * 16);
	memset(o[0], p[0], 16);
	for (int k = 0; k < 8; k++) {
		memcpy(o[1] + 2 * k, p + 1, 2);
		p16(o[3], k, (uint32_t)(int8_t)p[3 + k]);
	}
	memcpy(o[2], p + 2, 8);
	for (int k = 0; k < 4; k++)
		p32(o[4], k, g16(p + 4, k));
	memcpy(o[5], a, 16);
	memcpy(o[5] + 8, p + 5, 4);
	memcpy(v, p, 16);
	p16(v, 5, (uint32_t)(i * 1000));
	memcpy(cat, v, 16);
	memcpy(cat + 16, a + 16, 16);
	for (int k = 0; k < 16; k++)
		o[6][k] = cat[shuf[k]];
	memcpy(o[7] + (i % 8) * 2, v + 10, 2);
	return acc + v[15] + (uint32_t)(int32_t)(int16_t)g16(v, 5);
}

/* ---- tests ---- */

typedef uint32_t (*ref_fn)(const uint8_t *, const uint8_t *, int,
			   uint8_t (*)[16], uint32_t);

/* Run an integer kernel on NBLK blocks of seeded inputs and compare every
 * result vector and the returned accumulator with the scalar twin. */
static void check_int_kernel(sguest *g, const char *name, int nops, ref_fn ref,
			     uint64_t seed)
{
	uint8_t want[24][16];
	uint32_t acc = 0, got;

	fill_random(g->base + OFF_A, 16 * NBLK + 64, seed);
	fill_random(g->base + OFF_B, 16 * NBLK + 64, seed * 7 + 3);
	got = run_kernel(g, name, true);
	for (int i = 0; i < NBLK; i++) {
		acc = ref(g->base + OFF_A + 16 * i, g->base + OFF_B + 16 * i, i,
			  want, acc);
		for (int op = 0; op < nops; op++)
			check_vec(name, i, op, 'i', want[op],
				  g->base + OFF_OUT + 16 * (nops * i + op));
	}
	ASSERT_MSG(got == acc, "%s: accumulator %u, want %u", name, got, acc);
}

TEST(simd_integer_kernels_match_scalar_c)
{
	for (int metered = 0; metered < 2; metered++) {
		sguest g;

		sguest_open(&g, metered);
		for (uint64_t seed = 1; seed <= 4; seed++) {
			check_int_kernel(&g, "ops_i8", 20, ref_i8, seed);
			check_int_kernel(&g, "ops_i16", 18, ref_i16, seed + 10);
			check_int_kernel(&g, "ops_i32", 16, ref_i32, seed + 20);
		}
		sguest_close(&g);
	}
}

TEST(simd_float_kernels_match_scalar_c)
{
	sguest g;
	uint8_t want[24][16];

	sguest_open(&g, true);
	for (uint64_t seed = 1; seed <= 6; seed++) {
		fill_floats(g.base + OFF_A, seed);
		fill_floats(g.base + OFF_B, seed * 5 + 1);
		run_kernel(&g, "ops_f", true);
		for (int i = 0; i < NBLK; i++) {
			ref_f(g.base + OFF_A + 16 * i, g.base + OFF_B + 16 * i,
			      want);
			for (int op = 0; op < 24; op++)
				check_vec("ops_f", i, op, kinds_f[op], want[op],
					  g.base + OFF_OUT +
						  16 * (24 * i + op));
		}
	}
	sguest_close(&g);
}

TEST(simd_memory_kernels_match_scalar_c)
{
	sguest g;
	uint8_t want[8][16];
	uint32_t acc = 0, got, r = 0;
	uint64_t size;
	int32_t mtx[16];

	sguest_open(&g, true);
	fill_random(g.base + OFF_A, 16 * NBLK, 99);
	got = run_kernel(&g, "ops_mem", false);
	for (int i = 0; i < NBLK; i++) {
		acc = ref_mem(g.base + OFF_A, i, want, acc);
		for (int op = 0; op < 8; op++)
			check_vec("ops_mem", i, op, 'i', want[op],
				  g.base + OFF_OUT + 16 * (8 * i + op));
	}
	ASSERT_EQ(got, acc);

	/* byte search: hits in the first and later blocks, at block edges,
	 * past the end (not found), absent */
	memset(g.base + OFF_A, 'a', 512);
	g.base[OFF_A + 0] = 'x';
	g.base[OFF_A + 31] = 'y';
	g.base[OFF_A + 32] = 'z';
	g.base[OFF_A + 200] = 'w';
	{
		static const struct {
			int c, n, want;
		} q[] = {{'x', 300, 0},	  {'y', 300, 31}, {'z', 300, 32},
			 {'w', 300, 200}, {'w', 200, -1}, {'w', 201, 200},
			 {'q', 300, -1},  {'a', 300, 1},  {'z', 32, -1}};

		for (size_t k = 0; k < sizeof q / sizeof q[0]; k++) {
			uint32_t args[3] = {g.arena + OFF_A, (uint32_t)q[k].n,
					    (uint32_t)q[k].c};

			ASSERT_EQ(call_i32(g.inst, "find_byte", args, 3, &r),
				  HW_DONE);
			ASSERT_MSG((int32_t)r == q[k].want,
				   "find_byte('%c', %d) = %d, want %d", q[k].c,
				   q[k].n, (int32_t)r, q[k].want);
		}
	}

	/* a 16-byte load that ends past the memory traps; one that ends
	 * exactly at its end does not */
	memset(hw_memory_data(hw_instance_memory(g.inst), &size) + size - 32,
	       'a', 32);
	{
		uint32_t args[3] = {(uint32_t)size - 16, 16, 'Q'};
		const char *why = NULL;

		ASSERT_EQ(call_i32(g.inst, "find_byte", args, 3, &r), HW_DONE);
		ASSERT_EQ((int32_t)r, -1);
		args[0] = (uint32_t)size - 15;
		ASSERT_EQ(call_i32(g.inst, "find_byte", args, 3, &r),
			  HW_TRAPPED);
		ASSERT_EQ(hw_instance_trap(g.inst, &why), HW_TRAP_MEMORY_OOB);
		ASSERT_STREQ(why, "out of bounds memory access");
	}

	/* shuffles: a 4x4 transpose in place */
	for (int k = 0; k < 16; k++)
		mtx[k] = k * 1000 - 7;
	memcpy(g.base + OFF_A, mtx, sizeof mtx);
	{
		uint32_t args[1] = {g.arena + OFF_A};

		ASSERT_EQ(call_i32(g.inst, "transpose4", args, 1, NULL),
			  HW_DONE);
	}
	for (int row = 0; row < 4; row++)
		for (int col = 0; col < 4; col++)
			ASSERT_EQ((int32_t)g32(g.base + OFF_A, 4 * row + col),
				  mtx[4 * col + row]);
	sguest_close(&g);
}

/* The guest's simd_waits(n) computed here: what it returns when the host
 * resumes wait i with 7 * i + 1. */
static uint32_t simd_waits_ref(int n)
{
	uint32_t acc[4] = {1, 2, 3, 4};
	double f0 = 0.5, f1 = 1.25;

	for (int i = 0; i < n; i++) {
		for (int k = 0; k < 4; k++)
			acc[k] = acc[k] * 3 + (uint32_t)(7 * i + 1);
		f0 += 1.0;
		f1 += 1.0;
	}
	return acc[0] + acc[1] * 3 + acc[2] * 5 + acc[3] * 7 +
	       (uint32_t)(f0 * 4.0) * 11u + (uint32_t)(f1 * 4.0) * 13u;
}

/* v128 locals live across every suspension: the host's (each wait) and
 * the fuel's (slices of 3 fuel stop the loop at most back-edges). */
TEST(simd_values_survive_suspension)
{
	for (int slice = 0; slice < 2; slice++) {
		sguest g;
		hw_func *f;
		hw_val arg = {.i32 = 40}, res;
		int rc, waits = 0, fuel_stops = 0;

		sguest_open(&g, true);
		f = hw_instance_func(g.inst, "simd_waits");
		ASSERT_NOT_NULL(f);
		if (slice)
			hw_instance_set_fuel(g.inst, 3);
		rc = hw_instance_call(g.inst, f, &arg, 1, &res, 1);
		while (rc == HW_SUSPENDED || rc == HW_OUT_OF_FUEL) {
			hw_val t = {.i32 = (uint32_t)(7 * waits + 1)};

			if (slice)
				hw_instance_set_fuel(g.inst, 3);
			if (rc == HW_SUSPENDED) {
				waits++;
				rc = hw_instance_resume(g.inst, &t, 1, &res, 1);
			} else {
				fuel_stops++;
				rc = hw_instance_resume(g.inst, NULL, 0, &res,
							1);
			}
		}
		ASSERT_EQ(rc, HW_DONE);
		ASSERT_EQ(waits, 40);
		ASSERT_EQ(g.waits, 40);
		if (slice)
			ASSERT_GE(fuel_stops, 39); /* one per back-edge */
		ASSERT_UEQ(res.i32, simd_waits_ref(40));
		sguest_close(&g);
	}
}

/* Kernels stopped by fuel at every few back-edges give the same bytes. */
TEST(simd_kernels_survive_fuel_slicing)
{
	sguest g;
	hw_func *f;
	uint8_t *whole = malloc(24 * 16 * NBLK);
	uint32_t acc_whole, stops = 0;
	hw_val args[4], res;
	int rc;

	ASSERT_NOT_NULL(whole);
	sguest_open(&g, true);
	fill_random(g.base + OFF_A, 16 * NBLK + 64, 5);
	fill_random(g.base + OFF_B, 16 * NBLK + 64, 6);
	acc_whole = run_kernel(&g, "ops_i16", true);
	memcpy(whole, g.base + OFF_OUT, 18 * 16 * NBLK);
	memset(g.base + OFF_OUT, 0, 18 * 16 * NBLK);
	f = hw_instance_func(g.inst, "ops_i16");
	args[0].i32 = g.arena + OFF_OUT;
	args[1].i32 = g.arena + OFF_A;
	args[2].i32 = g.arena + OFF_B;
	args[3].i32 = NBLK;
	hw_instance_set_fuel(g.inst, 20);
	rc = hw_instance_call(g.inst, f, args, 4, &res, 1);
	while (rc == HW_OUT_OF_FUEL) {
		stops++;
		hw_instance_set_fuel(g.inst, 20);
		rc = hw_instance_resume(g.inst, NULL, 0, &res, 1);
	}
	ASSERT_EQ(rc, HW_DONE);
	ASSERT_GE(stops, NBLK / 2);
	ASSERT_UEQ(res.i32, acc_whole);
	ASSERT_MEMEQ(g.base + OFF_OUT, whole, 18 * 16 * NBLK);
	free(whole);
	sguest_close(&g);
}

/* v128 arguments and results through the API, recursion and a host
 * function. */
TEST(simd_values_cross_calls_and_host)
{
	sguest g;
	hw_val args[2], res;
	uint16_t lanes[8], want[8];

	sguest_open(&g, true);
	/* vrec(v, n): mine = v + n; n ? vrec(mine << 1, n - 1) ^ mine : mine */
	for (int k = 0; k < 8; k++)
		lanes[k] = (uint16_t)(k * 4099 + 1);
	memcpy(args[0].v128, lanes, 16);
	args[1].i32 = 30;
	ASSERT_EQ(hw_instance_call(g.inst, hw_instance_func(g.inst, "vrec"),
				   args, 2, &res, 1),
		  HW_DONE);
	for (int k = 0; k < 8; k++) {
		uint16_t mine[31], v = lanes[k], r;

		for (int n = 30; n >= 0; n--) {
			mine[n] = (uint16_t)(v + n);
			v = (uint16_t)(mine[n] << 1);
		}
		r = mine[0];
		for (int n = 1; n <= 30; n++)
			r ^= mine[n];
		want[k] = r;
	}
	ASSERT_MEMEQ(res.v128, want, 16);

	/* via_host(v) = vhost(v, 3) + vhost(v, 4) = 7 v + 2 j per i32 lane */
	for (int k = 0; k < 4; k++) {
		uint32_t x = 0x10000001u * (uint32_t)(k + 1);

		memcpy(args[0].v128 + 4 * k, &x, 4);
	}
	ASSERT_EQ(hw_instance_call(g.inst, hw_instance_func(g.inst, "via_host"),
				   args, 1, &res, 1),
		  HW_DONE);
	for (int k = 0; k < 4; k++)
		ASSERT_UEQ(g32(res.v128, k),
			   0x10000001u * (uint32_t)(k + 1) * 7 +
				   2u * (uint32_t)k);
	sguest_close(&g);
}

/* A host-made v128 global, read and written by Wasm code. */
TEST(simd_global_shared_with_host)
{
	wb b;
	uint8_t *bytes, body[64];
	size_t len, n = 0;
	hw_global *gl;
	hw_val v;
	hw_module *m;
	hw_instance *inst;
	hw_extern ext;
	hw_error err;

	/* global.get 0; v128.const i32x4 1 2 3 4; i32x4.mul; global.set 0 */
	body[n++] = 0x23;
	body[n++] = 0;
	body[n++] = 0xFD;
	body[n++] = 0x0C;
	for (uint32_t k = 1; k <= 4; k++) {
		memcpy(body + n, &k, 4);
		n += 4;
	}
	body[n++] = 0xFD;
	body[n++] = 0xB5;
	body[n++] = 0x01;
	body[n++] = 0x24;
	body[n++] = 0;
	wb_init(&b);
	wb_import_global(&b, "env", "g", 'v', 1);
	wb_export(&b, "mul", HW_EXTERN_FUNC,
		  wb_func(&b, wb_type(&b, "", ""), "", body, n));
	bytes = wb_finish(&b, &len);
	m = module_of(bytes, len);
	for (uint32_t k = 0; k < 4; k++) {
		uint32_t x = 10 + k;

		memcpy(v.v128 + 4 * k, &x, 4);
	}
	ASSERT_OK(hw_global_new(HW_V128, true, v, &gl));
	ext.kind = HW_EXTERN_GLOBAL;
	ext.u.global = gl;
	ASSERT_OK(hw_instance_new(m, &ext, 1, NULL, &inst, &err));
	for (int round = 0; round < 2; round++)
		ASSERT_EQ(hw_instance_call(inst, hw_instance_func(inst, "mul"),
					   NULL, 0, NULL, 0),
			  HW_DONE);
	v = hw_global_get(gl);
	for (uint32_t k = 0; k < 4; k++)
		ASSERT_UEQ(g32(v.v128, (int)k), (10 + k) * (k + 1) * (k + 1));
	hw_instance_free(inst);
	hw_module_free(m);
	hw_global_free(gl);
	free(bytes);
	wb_deinit(&b);
}
