/* test_oom.c — allocation failure: an hw_allocator that fails its Nth
 * call, for every N, while a module is decoded, validated and compiled,
 * while it is instantiated, and while a call grows its stacks; each
 * failure must give HB_ENOMEM (or the out-of-memory trap, or -1 from
 * table.grow), leave nothing allocated behind, and leave the instance
 * usable. */
#include "helpers.h"
#include "wb.h"

#define SIMD_GUEST_PATH HEARTH_BINARY_DIR "/guests/wasm_simd_guest.wasm"

/* Fails call number fail_at (counting allocations, not frees), or every
 * call from fail_at on when persist; counts the blocks alive. */
typedef struct failing {
	long calls, fail_at, live;
	bool persist;
	hw_allocator al;
} failing;

static void *failing_fn(void *ctx, void *p, size_t n)
{
	failing *f = ctx;
	void *q;

	if (n == 0) {
		f->live--;
		free(p);
		return NULL;
	}
	f->calls++;
	if (f->fail_at &&
	    (f->calls == f->fail_at || (f->persist && f->calls > f->fail_at)))
		return NULL;
	q = realloc(p, n);
	if (q && !p)
		f->live++;
	return q;
}

static void failing_init(failing *f, long fail_at, bool persist)
{
	memset(f, 0, sizeof *f);
	f->fail_at = fail_at;
	f->persist = persist;
	f->al.fn = failing_fn;
	f->al.ctx = f;
}

/* Build a module from bytes with allocation N failing, for N = 1, 2, ...
 * until it succeeds; each failure is HB_ENOMEM with nothing left
 * allocated. Returns how many allocations a successful build makes. */
static long build_under_failures(const uint8_t *bytes, size_t len, bool persist)
{
	for (long n = 1;; n++) {
		failing f;
		hw_module_opts o = {.alloc = &f.al};
		hw_module *m = NULL;
		hw_error err;
		int rc;

		failing_init(&f, n, persist);
		rc = hw_module_new(bytes, len, &o, &m, &err);
		if (rc == 0) {
			ASSERT_LT(f.calls,
				  n); /* the failure was never reached */
			ASSERT_GT(f.live, 0);
			hw_module_free(m);
			ASSERT_EQ(f.live, 0);
			return n - 1;
		}
		ASSERT_MSG(rc == HB_ENOMEM, "allocation %ld: %s (%s)", n,
			   hb_strerror(rc), err.message);
		ASSERT_EQ(err.code, HB_ENOMEM);
		ASSERT_STREQ(err.reason, "out of memory");
		ASSERT_NULL(m);
		ASSERT_MSG(f.live == 0,
			   "allocation %ld failed: %ld blocks left", n, f.live);
	}
}

TEST_TIMEOUT(module_build_fails_cleanly_at_every_allocation, 120)
{
	static const char *const paths[] = {GUEST_PATH, SIMD_GUEST_PATH};

	for (size_t i = 0; i < 2; i++) {
		size_t len;
		uint8_t *bytes = read_all(paths[i], &len);
		long steps = build_under_failures(bytes, len, false);

		/* decode, validate, canonicalise, compile: many steps */
		ASSERT_GT(steps, 20);
		ASSERT_EQ(build_under_failures(bytes, len, true), steps);
		free(bytes);
	}
}

/* A module built through an allocator works like any other, and its
 * instances use their own allocator. */
TEST(module_and_instance_use_their_allocators)
{
	failing fm, fi;
	hw_module_opts mo = {.alloc = &fm.al};
	hw_instance_opts io = {.alloc = &fi.al};
	size_t len;
	uint8_t *bytes = read_all(GUEST_PATH, &len);
	guest_env g;
	hw_module *m = NULL;
	hw_instance *inst;
	hw_error err;
	uint32_t r = 0, a[1] = {20};
	long after_new;

	failing_init(&fm, 0, false);
	failing_init(&fi, 0, false);
	guest_env_init(&g);
	ASSERT_OK(hw_module_new(bytes, len, &mo, &m, &err));
	free(bytes);
	after_new = fm.calls;
	inst = guest_instance(m, &g, &io);
	ASSERT_EQ(call_i32(inst, "fib", a, 1, &r), HW_DONE);
	ASSERT_EQ(r, 6765);
	ASSERT_EQ(fm.calls, after_new); /* nothing more from the module's */
	ASSERT_GT(fi.calls, 0);
	ASSERT_GT(fi.live, 0);
	hw_instance_free(inst);
	ASSERT_EQ(fi.live, 0);
	ASSERT_GT(fm.live, 0);
	hw_module_free(m);
	ASSERT_EQ(fm.live, 0);
	guest_env_deinit(&g);
}

/* Instantiation, then a deep call (its stacks grow several times) with
 * allocation N failing once: instantiation fails with HB_ENOMEM, or the
 * call fails (HB_ENOMEM or the out-of-memory trap) and the next call
 * succeeds with the right result; nothing is left allocated. */
TEST_TIMEOUT(instance_and_calls_fail_cleanly_at_every_allocation, 120)
{
	hw_module *m = load_guest(NULL);
	guest_env g;
	long n, failed_calls = 0;

	guest_env_init(&g);
	for (n = 1;; n++) {
		failing f;
		hw_instance_opts o = {.alloc = &f.al};
		hw_extern ext[2];
		hw_instance *inst = NULL;
		hw_error err;
		uint32_t r = 0, a[1] = {3000};
		int rc;

		failing_init(&f, n, false);
		for (uint32_t i = 0; i < hw_module_import_count(m); i++) {
			hw_extern_info info;

			ASSERT_OK(hw_module_import(m, i, &info));
			ext[i].kind = HW_EXTERN_FUNC;
			ext[i].u.func =
				!strcmp(info.name, "wait") ? g.wait : g.add;
		}
		rc = hw_instance_new(m, ext, hw_module_import_count(m), &o,
				     &inst, &err);
		if (rc) {
			ASSERT_EQ(rc, HB_ENOMEM);
			ASSERT_STREQ(err.reason, "out of memory");
			ASSERT_EQ(f.live, 0);
			continue;
		}
		rc = call_i32(inst, "deep", a, 1, &r);
		if (rc != HW_DONE) {
			const char *why = NULL;

			failed_calls++;
			if (rc == HW_TRAPPED) {
				ASSERT_EQ(hw_instance_trap(inst, &why),
					  HW_TRAP_NOMEM);
				ASSERT_STREQ(why, "out of memory");
			} else {
				ASSERT_EQ(rc, HB_ENOMEM);
			}
			ASSERT_EQ(call_i32(inst, "deep", a, 1, &r), HW_DONE);
		}
		ASSERT_EQ(r, 3000);
		hw_instance_free(inst);
		ASSERT_EQ(f.live, 0);
		if (f.calls < n)
			break; /* the failure was never reached */
	}
	ASSERT_GE(failed_calls, 3); /* first stack, growths of both stacks */
	ASSERT_GT(n, failed_calls + 1);
	hw_module_free(m);
	guest_env_deinit(&g);
}

/* table.grow returns -1 when its elements cannot be reallocated, and
 * works again afterwards. */
TEST(table_grow_fails_with_minus_one)
{
	/* grow(n): table.grow 0 (ref.null func, n); size: table.size 0 */
	static const uint8_t grow[] = {0xD0, 0x70, 0x20, 0, 0xFC, 0x0F, 0};
	static const uint8_t size[] = {0xFC, 0x10, 0};
	failing f;
	hw_instance_opts o = {.alloc = &f.al};
	wb b;
	uint8_t *bytes;
	size_t len;
	hw_module *m;
	hw_instance *inst;
	hw_error err;
	uint32_t r = 0, a[1] = {100};

	wb_init(&b);
	wb_table(&b, 1, -1);
	wb_export(&b, "grow", HW_EXTERN_FUNC,
		  wb_func(&b, wb_type(&b, "i", "i"), "", grow, sizeof grow));
	wb_export(&b, "size", HW_EXTERN_FUNC,
		  wb_func(&b, wb_type(&b, "", "i"), "", size, sizeof size));
	bytes = wb_finish(&b, &len);
	m = module_of(bytes, len);
	failing_init(&f, 0, false);
	ASSERT_OK(hw_instance_new(m, NULL, 0, &o, &inst, &err));
	ASSERT_EQ(call_i32(inst, "size", NULL, 0, &r), HW_DONE); /* stacks */
	ASSERT_EQ(r, 1);
	f.fail_at = f.calls + 1;
	ASSERT_EQ(call_i32(inst, "grow", a, 1, &r), HW_DONE);
	ASSERT_EQ((int32_t)r, -1);
	ASSERT_EQ(call_i32(inst, "size", NULL, 0, &r), HW_DONE);
	ASSERT_EQ(r, 1);
	ASSERT_EQ(call_i32(inst, "grow", a, 1, &r), HW_DONE);
	ASSERT_EQ(r, 1);
	ASSERT_EQ(call_i32(inst, "size", NULL, 0, &r), HW_DONE);
	ASSERT_EQ(r, 101);
	hw_instance_free(inst);
	ASSERT_EQ(f.live, 0);
	hw_module_free(m);
	free(bytes);
	wb_deinit(&b);
}
