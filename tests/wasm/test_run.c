/* test_run.c — running real guest code: results, traps as values, fuel
 * and its resumption, host functions (ok, trap, suspend), call-stack
 * exhaustion and per-instance limits. */
#include "helpers.h"

/* Native references for the guest's functions. */
static uint32_t ref_fib(uint32_t n)
{
	return n < 2 ? n : ref_fib(n - 1) + ref_fib(n - 2);
}

static uint32_t ref_spin(uint32_t n)
{
	uint32_t h = 2166136261u;

	for (uint32_t i = 0; i < n; i++) {
		h ^= i;
		h *= 16777619u;
		h = (h << 7) | (h >> 25);
	}
	return h;
}

TEST(guest_computes)
{
	hw_module *m = load_guest(NULL);
	guest_env g;
	hw_instance *inst;
	uint32_t r = 0, args[2];

	guest_env_init(&g);
	inst = guest_instance(m, &g, NULL);
	for (uint32_t n = 0; n < 25; n += 3) {
		args[0] = n;
		ASSERT_EQ(call_i32(inst, "fib", args, 1, &r), HW_DONE);
		ASSERT_EQ(r, ref_fib(n));
	}
	args[0] = 100000;
	ASSERT_EQ(call_i32(inst, "spin", args, 1, &r), HW_DONE);
	ASSERT_UEQ(r, ref_spin(100000));
	args[0] = 1000;
	ASSERT_EQ(call_i32(inst, "deep", args, 1, &r), HW_DONE);
	ASSERT_EQ(r, 1000);
	args[0] = 40;
	args[1] = 2;
	ASSERT_EQ(call_i32(inst, "add_via_host", args, 2, &r), HW_DONE);
	ASSERT_EQ(r, 43);
	hw_instance_free(inst);
	hw_module_free(m);
	guest_env_deinit(&g);
}

TEST(call_checks_arguments)
{
	hw_module *m = load_guest(NULL);
	guest_env g;
	hw_instance *inst;
	hw_func *fib;
	hw_val a[2], r[1];

	guest_env_init(&g);
	inst = guest_instance(m, &g, NULL);
	fib = hw_instance_func(inst, "fib");
	ASSERT_NOT_NULL(fib);
	ASSERT_NULL(hw_instance_func(inst, "no_such_export"));
	memset(a, 0, sizeof a);
	ASSERT_ERR(hw_instance_call(inst, fib, a, 2, r, 1), HB_EINVAL);
	ASSERT_ERR(hw_instance_call(inst, fib, a, 1, r, 0), HB_EINVAL);
	ASSERT_ERR(hw_instance_call(inst, NULL, a, 1, r, 1), HB_EINVAL);
	a[0].i32 = 10;
	ASSERT_EQ(hw_instance_call(inst, fib, a, 1, r, 1), HW_DONE);
	ASSERT_EQ(r[0].i32, 55);
	hw_instance_free(inst);
	hw_module_free(m);
	guest_env_deinit(&g);
}

TEST(traps_are_values)
{
	hw_module *m = load_guest(NULL);
	guest_env g;
	hw_instance *inst;
	uint32_t r = 0, args[2] = {7, 0};
	const char *msg = NULL;

	guest_env_init(&g);
	inst = guest_instance(m, &g, NULL);
	ASSERT_EQ(call_i32(inst, "div", args, 2, &r), HW_TRAPPED);
	ASSERT_EQ(hw_instance_trap(inst, &msg), HW_TRAP_DIV_ZERO);
	ASSERT_STREQ(msg, "integer divide by zero");
	args[0] = 0x80000000u;
	args[1] = (uint32_t)-1;
	ASSERT_EQ(call_i32(inst, "div", args, 2, &r), HW_TRAPPED);
	ASSERT_EQ(hw_instance_trap(inst, NULL), HW_TRAP_INT_OVERFLOW);
	/* memory is bounds-checked explicitly: past the end traps */
	args[0] = 0xFFFFFFFCu;
	ASSERT_EQ(call_i32(inst, "load", args, 1, &r), HW_TRAPPED);
	ASSERT_EQ(hw_instance_trap(inst, &msg), HW_TRAP_MEMORY_OOB);
	ASSERT_STREQ(msg, "out of bounds memory access");
	ASSERT_EQ(call_i32(inst, "unreachable", NULL, 0, NULL), HW_TRAPPED);
	ASSERT_EQ(hw_instance_trap(inst, NULL), HW_TRAP_UNREACHABLE);
	/* the instance stays usable */
	args[0] = 84;
	args[1] = 2;
	ASSERT_EQ(call_i32(inst, "div", args, 2, &r), HW_DONE);
	ASSERT_EQ(r, 42);
	ASSERT_EQ(hw_instance_trap(inst, NULL), HW_TRAP_NONE);
	hw_instance_free(inst);
	hw_module_free(m);
	guest_env_deinit(&g);
}

TEST(stack_exhaustion_traps)
{
	hw_module *m = load_guest(NULL);
	guest_env g;
	hw_instance_opts o = {.max_call_depth = 100};
	hw_instance *inst, *small;
	uint32_t r = 0, args[1] = {10000000};

	guest_env_init(&g);
	inst = guest_instance(m, &g, NULL);
	ASSERT_EQ(call_i32(inst, "deep", args, 1, &r), HW_TRAPPED);
	ASSERT_EQ(hw_instance_trap(inst, NULL), HW_TRAP_STACK_EXHAUSTED);
	args[0] = 5000;
	ASSERT_EQ(call_i32(inst, "deep", args, 1, &r), HW_DONE);
	ASSERT_EQ(r, 5000);
	/* a per-instance depth limit */
	small = guest_instance(m, &g, &o);
	args[0] = 90;
	ASSERT_EQ(call_i32(small, "deep", args, 1, &r), HW_DONE);
	ASSERT_EQ(r, 90);
	args[0] = 150;
	ASSERT_EQ(call_i32(small, "deep", args, 1, &r), HW_TRAPPED);
	ASSERT_EQ(hw_instance_trap(small, NULL), HW_TRAP_STACK_EXHAUSTED);
	hw_instance_free(small);
	/* and a value-stack limit */
	o = (hw_instance_opts){.max_stack_slots = 1000};
	small = guest_instance(m, &g, &o);
	args[0] = 10;
	ASSERT_EQ(call_i32(small, "deep", args, 1, &r), HW_DONE);
	args[0] = 5000;
	ASSERT_EQ(call_i32(small, "deep", args, 1, &r), HW_TRAPPED);
	ASSERT_EQ(hw_instance_trap(small, NULL), HW_TRAP_STACK_EXHAUSTED);
	hw_instance_free(small);
	hw_instance_free(inst);
	hw_module_free(m);
	guest_env_deinit(&g);
}

TEST(fuel_suspends_and_resumes)
{
	hw_module *m = load_guest(NULL);
	guest_env g;
	hw_instance *inst;
	hw_func *spin;
	hw_val a[1], r[1];
	int rc, stops = 0;

	guest_env_init(&g);
	inst = guest_instance(m, &g, NULL);
	spin = hw_instance_func(inst, "spin");
	ASSERT_EQ(hw_instance_fuel(inst), INT64_MAX);
	memset(a, 0, sizeof a);
	a[0].i32 = 200000;
	hw_instance_set_fuel(inst, 10000);
	rc = hw_instance_call(inst, spin, a, 1, r, 1);
	while (rc == HW_OUT_OF_FUEL) {
		stops++;
		ASSERT(hw_instance_suspended(inst));
		ASSERT_LT(hw_instance_fuel(inst), 0);
		/* a new call is refused while suspended */
		ASSERT_ERR(hw_instance_call(inst, spin, a, 1, r, 1), HB_EBUSY);
		hw_instance_set_fuel(inst, 10000);
		rc = hw_instance_resume(inst, NULL, 0, r, 1);
	}
	ASSERT_EQ(rc, HW_DONE);
	ASSERT_UEQ(r[0].i32, ref_spin(200000));
	/* each loop iteration costs several units: 200000 iterations do
	 * not fit in 10 slices of 10000 */
	ASSERT_GT(stops, 10);
	ASSERT(!hw_instance_suspended(inst));
	ASSERT_ERR(hw_instance_resume(inst, NULL, 0, r, 1), HB_EINVAL);
	hw_instance_free(inst);
	hw_module_free(m);
	guest_env_deinit(&g);
}

TEST(fuel_can_trap)
{
	hw_module *m = load_guest(NULL);
	guest_env g;
	hw_instance_opts o = {.fuel_traps = true};
	hw_instance *inst;
	uint32_t r = 0, args[1] = {1000000};
	const char *msg;

	guest_env_init(&g);
	inst = guest_instance(m, &g, &o);
	hw_instance_set_fuel(inst, 5000);
	ASSERT_EQ(call_i32(inst, "spin", args, 1, &r), HW_TRAPPED);
	ASSERT_EQ(hw_instance_trap(inst, &msg), HW_TRAP_OUT_OF_FUEL);
	ASSERT_STREQ(msg, "out of fuel");
	ASSERT(!hw_instance_suspended(inst));
	hw_instance_free(inst);
	hw_module_free(m);
	guest_env_deinit(&g);
}

TEST(unmetered_module_ignores_fuel)
{
	hw_module_opts mo = {.no_fuel = true};
	hw_module *m = load_guest(&mo);
	guest_env g;
	hw_instance *inst;
	uint32_t r = 0, args[1] = {300000};

	guest_env_init(&g);
	inst = guest_instance(m, &g, NULL);
	hw_instance_set_fuel(inst, 1);
	ASSERT_EQ(call_i32(inst, "spin", args, 1, &r), HW_DONE);
	ASSERT_UEQ(r, ref_spin(300000));
	hw_instance_free(inst);
	hw_module_free(m);
	guest_env_deinit(&g);
}

TEST(fuel_counts_work)
{
	hw_module *m = load_guest(NULL);
	guest_env g;
	hw_instance *inst;
	uint32_t r = 0, args[1];
	int64_t used_small, used_big;

	guest_env_init(&g);
	inst = guest_instance(m, &g, NULL);
	hw_instance_set_fuel(inst, 1000000000);
	args[0] = 1000;
	ASSERT_EQ(call_i32(inst, "spin", args, 1, &r), HW_DONE);
	used_small = 1000000000 - hw_instance_fuel(inst);
	hw_instance_set_fuel(inst, 1000000000);
	args[0] = 100000;
	ASSERT_EQ(call_i32(inst, "spin", args, 1, &r), HW_DONE);
	used_big = 1000000000 - hw_instance_fuel(inst);
	/* fuel grows with the work done: about 100 times more */
	ASSERT_GT(used_small, 1000);
	ASSERT_GT(used_big, 50 * used_small);
	ASSERT_LT(used_big, 200 * used_small);
	hw_instance_free(inst);
	hw_module_free(m);
	guest_env_deinit(&g);
}

TEST(host_suspends_and_resumes_with_results)
{
	hw_module *m = load_guest(NULL);
	guest_env g;
	hw_instance *inst;
	hw_func *f;
	hw_val a[1], r[1], hr[1];
	int rc, n = 0;

	guest_env_init(&g);
	inst = guest_instance(m, &g, NULL);
	f = hw_instance_func(inst, "sum_waits");
	memset(a, 0, sizeof a);
	a[0].i32 = 5;
	rc = hw_instance_call(inst, f, a, 1, r, 1);
	while (rc == HW_SUSPENDED) {
		ASSERT(hw_instance_suspended(inst));
		ASSERT_EQ(g.waits, n + 1);
		/* wrong result count is refused; the execution waits on */
		ASSERT_ERR(hw_instance_resume(inst, hr, 0, r, 1), HB_EINVAL);
		memset(hr, 0, sizeof hr);
		hr[0].i32 = (uint32_t)(10 * ++n);
		rc = hw_instance_resume(inst, hr, 1, r, 1);
	}
	ASSERT_EQ(rc, HW_DONE);
	ASSERT_EQ(n, 5);
	ASSERT_EQ(r[0].i32, 10 + 20 + 30 + 40 + 50);
	/* abort a suspended execution */
	rc = hw_instance_call(inst, f, a, 1, r, 1);
	ASSERT_EQ(rc, HW_SUSPENDED);
	ASSERT_OK(hw_instance_abort(inst));
	ASSERT_EQ(hw_instance_trap(inst, NULL), HW_TRAP_ABORTED);
	ASSERT(!hw_instance_suspended(inst));
	ASSERT_ERR(hw_instance_abort(inst), HB_EINVAL);
	a[0].i32 = 0;
	ASSERT_EQ(hw_instance_call(inst, f, a, 1, r, 1), HW_DONE);
	ASSERT_EQ(r[0].i32, 0);
	hw_instance_free(inst);
	hw_module_free(m);
	guest_env_deinit(&g);
}

static int host_trap(hw_hostcall *hc, void *env, const hw_val *a, hw_val *r)
{
	return hw_hostcall_trap(hc, "bad input %u", a[0].i32);
}

static int host_reenter(hw_hostcall *hc, void *env, const hw_val *a, hw_val *r)
{
	hw_instance *self = hw_hostcall_instance(hc);
	hw_val x[1] = {{.i32 = 3}}, y[1];

	/* the calling instance's execution is busy */
	r[0].i32 = (uint32_t)hw_instance_call(
		self, hw_instance_func(self, "fib"), x, 1, y, 1);
	return HW_HOST_OK;
}

TEST(host_traps_and_reentry)
{
	static const hw_valtype ii[] = {HW_I32, HW_I32}, i[] = {HW_I32};
	hw_module *m = load_guest(NULL);
	guest_env g;
	hw_instance *inst;
	uint32_t r = 0, args[2] = {5, 6};
	const char *msg;

	guest_env_init(&g);
	hw_func_free(g.add);
	ASSERT_OK(hw_func_new(ii, 2, i, 1, host_trap, NULL, &g.add));
	inst = guest_instance(m, &g, NULL);
	ASSERT_EQ(call_i32(inst, "add_via_host", args, 2, &r), HW_TRAPPED);
	ASSERT_EQ(hw_instance_trap(inst, &msg), HW_TRAP_HOST);
	ASSERT_STREQ(msg, "bad input 5");
	hw_instance_free(inst);
	hw_func_free(g.add);
	ASSERT_OK(hw_func_new(ii, 2, i, 1, host_reenter, NULL, &g.add));
	inst = guest_instance(m, &g, NULL);
	ASSERT_EQ(call_i32(inst, "add_via_host", args, 2, &r), HW_DONE);
	ASSERT_EQ((int32_t)r, HB_EBUSY + 1);
	hw_instance_free(inst);
	hw_module_free(m);
	guest_env_deinit(&g);
}

static int host_checksum(hw_hostcall *hc, void *env, const hw_val *a, hw_val *r)
{
	const uint8_t *p = hw_hostcall_mem(hc, a[0].i32, a[1].i32);
	uint32_t s = 0;

	if (!p)
		return hw_hostcall_trap(hc, "range out of bounds");
	for (uint32_t i = 0; i < a[1].i32; i++)
		s = s * 31 + p[i];
	r[0].i32 = s;
	return HW_HOST_OK;
}

TEST(host_reads_guest_memory)
{
	static const hw_valtype ii[] = {HW_I32, HW_I32}, i[] = {HW_I32};
	hw_module *m = load_guest(NULL);
	guest_env g;
	hw_instance *inst;
	uint32_t buf = 0, r = 0, want = 0, args[2] = {3, 0};
	hw_val a[2], res[1];
	uint64_t size;

	guest_env_init(&g);
	hw_func_free(g.add);
	ASSERT_OK(hw_func_new(ii, 2, i, 1, host_checksum, NULL, &g.add));
	inst = guest_instance(m, &g, NULL);
	ASSERT_EQ(call_i32(inst, "fill", args, 1, &buf), HW_DONE);
	ASSERT_NE(buf, 0);
	args[0] = buf;
	args[1] = 4096;
	ASSERT_EQ(call_i32(inst, "checksum", args, 2, &want), HW_DONE);
	ASSERT_EQ(call_i32(inst, "add_via_host", args, 2, &r), HW_DONE);
	ASSERT_EQ(r, want + 1);
	/* the memory is the instance's: the host sees the same bytes */
	ASSERT_NOT_NULL(hw_instance_memory(inst));
	ASSERT_EQ(hw_memory_data(hw_instance_memory(inst), &size)[buf + 5], 15);
	ASSERT_EQ(size % 65536, 0);
	/* out of bounds for the host too */
	args[0] = (uint32_t)size - 10;
	args[1] = 11;
	ASSERT_EQ(call_i32(inst, "add_via_host", args, 2, &r), HW_TRAPPED);
	ASSERT_EQ(hw_instance_trap(inst, NULL), HW_TRAP_HOST);
	/* a host function can also be called directly */
	memset(a, 0, sizeof a);
	a[0].i32 = 2;
	a[1].i32 = 40;
	ASSERT_EQ(hw_instance_call(inst, g.add, a, 2, res, 1), HW_DONE);
	args[0] = 2;
	args[1] = 40;
	ASSERT_EQ(call_i32(inst, "checksum", args, 2, &want), HW_DONE);
	ASSERT_EQ(res[0].i32, want);
	hw_instance_free(inst);
	hw_module_free(m);
	guest_env_deinit(&g);
}

TEST(imports_are_type_checked)
{
	static const hw_valtype i[] = {HW_I32};
	hw_module *m = load_guest(NULL);
	guest_env g;
	hw_func *wrong;
	hw_extern ext[2];
	hw_instance *inst = NULL;
	hw_error err;
	uint32_t n = hw_module_import_count(m);

	guest_env_init(&g);
	ASSERT_EQ(n, 2);
	ASSERT_OK(hw_func_new(i, 1, NULL, 0, host_wait, NULL, &wrong));
	for (uint32_t k = 0; k < n; k++) {
		hw_extern_info info;

		ASSERT_OK(hw_module_import(m, k, &info));
		ASSERT_STREQ(info.module, "test");
		ASSERT_EQ(info.kind, HW_EXTERN_FUNC);
		ext[k].kind = HW_EXTERN_FUNC;
		ext[k].u.func = !strcmp(info.name, "wait") ? g.wait : wrong;
	}
	ASSERT_ERR(hw_instance_new(m, ext, n, NULL, &inst, &err),
		   HB_EUNLINKABLE);
	ASSERT_STREQ(err.reason, "incompatible import type");
	ASSERT(strstr(err.message, "host_add"));
	ASSERT_NULL(inst);
	for (uint32_t k = 0; k < n; k++)
		if (ext[k].u.func == wrong)
			ext[k].u.func = NULL;
	ASSERT_ERR(hw_instance_new(m, ext, n, NULL, &inst, &err),
		   HB_EUNLINKABLE);
	ASSERT_STREQ(err.reason, "unknown import");
	ASSERT_ERR(hw_instance_new(m, ext, n - 1, NULL, &inst, &err),
		   HB_EUNLINKABLE);
	hw_func_free(wrong);
	hw_module_free(m);
	guest_env_deinit(&g);
}

TEST(memory_limit_per_instance)
{
	hw_module *m = load_guest(NULL);
	guest_env g;
	hw_instance_opts o = {.max_memory_pages = 1};
	hw_instance *inst = NULL;
	hw_extern ext[2];
	hw_error err;

	guest_env_init(&g);
	/* the guest declares 2 pages (128 KiB) of memory */
	ext[0] = (hw_extern){HW_EXTERN_FUNC, {.func = g.add}};
	ext[1] = (hw_extern){HW_EXTERN_FUNC, {.func = g.wait}};
	{
		hw_extern_info info;

		ASSERT_OK(hw_module_import(m, 0, &info));
		if (strcmp(info.name, "host_add") != 0) {
			ext[0].u.func = g.wait;
			ext[1].u.func = g.add;
		}
	}
	ASSERT_ERR(hw_instance_new(m, ext, 2, &o, &inst, &err), HB_ELIMIT);
	ASSERT_EQ(err.section, 5);
	o.max_memory_pages = 3;
	inst = guest_instance(m, &g, &o);
	ASSERT_EQ(hw_memory_pages(hw_instance_memory(inst)), 2);
	ASSERT_EQ(hw_memory_grow(hw_instance_memory(inst), 1), 2);
	ASSERT_EQ(hw_memory_grow(hw_instance_memory(inst), 1), -1);
	ASSERT_EQ(hw_memory_pages(hw_instance_memory(inst)), 3);
	hw_instance_free(inst);
	hw_module_free(m);
	guest_env_deinit(&g);
}

TEST_TIMEOUT(many_instances_share_a_module, 60)
{
	enum { N = 3000 };
	hw_module *m = load_guest(NULL);
	guest_env g;
	hw_instance **insts = calloc(N, sizeof *insts);
	uint32_t r = 0, args[1];

	guest_env_init(&g);
	for (int i = 0; i < N; i++)
		insts[i] = guest_instance(m, &g, NULL);
	/* each has its own zeroed memory and globals */
	for (int i = 0; i < N; i += 97) {
		args[0] = (uint32_t)i;
		ASSERT_EQ(call_i32(insts[i], "fill", args, 1, &r), HW_DONE);
	}
	for (int i = 1; i < N; i += 97) {
		uint64_t size;
		uint8_t *mem =
			hw_memory_data(hw_instance_memory(insts[i]), &size);

		ASSERT_EQ(mem[r + 1], 0);
	}
	args[0] = 20;
	ASSERT_EQ(call_i32(insts[N - 1], "fib", args, 1, &r), HW_DONE);
	ASSERT_EQ(r, 6765);
	for (int i = 0; i < N; i++)
		hw_instance_free(insts[i]);
	free(insts);
	hw_module_free(m);
	guest_env_deinit(&g);
}
