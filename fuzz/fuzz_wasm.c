/* fuzz_wasm.c — the Wasm engine end to end: decode → validate → compile →
 * instantiate (every import satisfied by a host object of the right type)
 * → start → call every exported function with a fuel limit, resuming after
 * fuel runs out and after host suspensions a bounded number of times.
 * Nothing may crash, hang or grow memory without bound; the decoder and
 * the validator-only path must agree. For a quarter of the inputs (by a
 * hash) the module is first built with one allocation failing, and the
 * instance runs with an allocator that fails one allocation: that must
 * give HB_ENOMEM (or the out-of-memory trap) and leave nothing behind. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/error.h"
#include "hearth/wasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	MAX_PAGES = 256, /* 16 MiB per memory */
	MAX_TABLE = 100000,
	MAX_CALLS = 16,
	FUEL = 200000,
	RESUMES = 3
};

/* An allocator failing its call number fail_at (0: none); counts the
 * blocks alive. */
typedef struct failing {
	unsigned long calls, fail_at;
	long live;
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
	if (++f->calls == f->fail_at)
		return NULL;
	q = realloc(p, n);
	if (q && !p)
		f->live++;
	return q;
}

static uint32_t hash(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

/* Build the module with allocation k failing: HB_ENOMEM or the module's
 * usual outcome, and no block left once it is freed. */
static void build_failing(const uint8_t *data, size_t size, unsigned long k)
{
	failing f = {0, k, 0};
	hw_allocator al = {failing_fn, &f};
	hw_module_opts mo = {.alloc = &al};
	hw_module *m = NULL;
	hw_error err;
	int rc = hw_module_new(data, size, &mo, &m, &err);

	if (rc && m)
		abort();
	if (rc == HB_ENOMEM && strcmp(err.reason, "out of memory") != 0)
		abort();
	hw_module_free(m);
	if (f.live != 0)
		abort();
}

/* Host functions: return zeros; every third call suspends instead. */
static int host_fn(hw_hostcall *hc, void *env, const hw_val *args,
		   hw_val *results)
{
	unsigned *calls = env;

	(void)hw_hostcall_mem(hc, 0, 4);
	if (++*calls % 3 == 0)
		return HW_HOST_SUSPEND;
	if (*calls % 7 == 0)
		return hw_hostcall_trap(hc, "host trap %u", *calls);
	return HW_HOST_OK;
}

/* Make a host object matching import info. Returns 0 or -1. */
static int make_import(const hw_extern_info *in, hw_extern *out,
		       unsigned *calls)
{
	hw_val zero;
	const uint8_t *ts = in->params;

	memset(&zero, 0, sizeof zero);
	out->kind = in->kind;
	switch (in->kind) {
	case HW_EXTERN_FUNC: {
		hw_valtype p[1000], r[1000];

		for (uint32_t i = 0; i < in->nparams; i++)
			p[i] = (hw_valtype)ts[i];
		for (uint32_t i = 0; i < in->nresults; i++)
			r[i] = (hw_valtype)in->results[i];
		return hw_func_new(p, in->nparams, r, in->nresults, host_fn,
				   calls, &out->u.func)
			       ? -1
			       : 0;
	}
	case HW_EXTERN_MEMORY: {
		uint32_t max = in->has_max && in->max < MAX_PAGES ? in->max
								  : MAX_PAGES;

		if (in->min > max)
			return -1;
		return hw_memory_new(in->min, max, true, &out->u.memory) ? -1
									 : 0;
	}
	case HW_EXTERN_TABLE:
		if (in->min > MAX_TABLE)
			return -1;
		return hw_table_new(in->type, in->min, in->max, in->has_max,
				    zero, &out->u.table)
			       ? -1
			       : 0;
	default:
		return hw_global_new(in->type, in->mut, zero, &out->u.global)
			       ? -1
			       : 0;
	}
}

static void free_import(hw_extern *e)
{
	if (!e->u.any)
		return;
	switch (e->kind) {
	case HW_EXTERN_FUNC:
		hw_func_free(e->u.func);
		break;
	case HW_EXTERN_MEMORY:
		hw_memory_free(e->u.memory);
		break;
	case HW_EXTERN_TABLE:
		hw_table_free(e->u.table);
		break;
	default:
		hw_global_free(e->u.global);
		break;
	}
}

/* Drive a started execution on, a bounded number of times: more fuel
 * after HW_OUT_OF_FUEL, results (zeros) after HW_SUSPENDED. */
static void finish(hw_instance *inst, int rc, hw_val *res, uint32_t nres,
		   const uint8_t *data, size_t size)
{
	static hw_val hr[1000];

	for (int i = 0; i < RESUMES; i++) {
		if (rc == HW_OUT_OF_FUEL) {
			hw_instance_set_fuel(
				inst, FUEL / 4 + (size ? data[i % size] : 0));
			rc = hw_instance_resume(inst, NULL, 0, res, nres);
		} else if (rc == HW_SUSPENDED) {
			/* the suspended host function's result count is not
			 * known here: a wrong count is refused, harmlessly */
			rc = HB_EINVAL;
			for (uint32_t n = 0; n <= 1000 && rc == HB_EINVAL; n++)
				rc = hw_instance_resume(inst, hr, n, res, nres);
			if (rc == HB_EINVAL)
				abort();
		} else {
			break;
		}
	}
	if (hw_instance_suspended(inst) && hw_instance_abort(inst))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hw_module *m = NULL;
	hw_instance *inst = NULL;
	hw_error err, err2;
	hw_extern *ext = NULL;
	hw_instance_opts o = {.max_memory_pages = MAX_PAGES,
			      .max_table_elems = MAX_TABLE,
			      .max_stack_slots = 1 << 16,
			      .max_call_depth = 500};
	uint32_t nimp, nexp, h = hash(data, size);
	unsigned calls = 0;
	failing fi = {0, 0, 0};
	hw_allocator ial = {failing_fn, &fi};
	int rc;

	if (h % 4 == 0) {
		build_failing(data, size, (h >> 2) % 256 + 1);
		fi.fail_at = (h >> 10) % 64 + 1;
		o.alloc = &ial;
	}
	rc = hw_module_new(data, size, NULL, &m, &err);
	if (rc) {
		/* the validate-only path agrees (it never compiles, and every
		 * valid module compiles: no HB_ENOSYS) */
		int rc2 = hw_module_validate(data, size, &err2);

		if (!err.reason[0] || !err.message[0])
			abort();
		if (rc2 != rc)
			abort();
		return 0;
	}
	nimp = hw_module_import_count(m);
	ext = calloc(nimp ? nimp : 1, sizeof *ext);
	if (!ext)
		goto out;
	for (uint32_t i = 0; i < nimp; i++) {
		hw_extern_info info;

		if (hw_module_import(m, i, &info) ||
		    make_import(&info, &ext[i], &calls))
			goto out;
	}
	rc = hw_instance_new(m, ext, nimp, &o, &inst, &err);
	if (rc) {
		if (!err.reason[0])
			abort();
		goto out;
	}
	hw_instance_set_fuel(inst, FUEL);
	rc = hw_instance_start(inst);
	finish(inst, rc, NULL, 0, data, size);
	nexp = hw_module_export_count(m);
	for (uint32_t i = 0, ncalls = 0; i < nexp && ncalls < MAX_CALLS; i++) {
		hw_extern_info info;
		hw_extern e;
		hw_val args[1000], res[1000];

		if (hw_module_export(m, i, &info) ||
		    info.kind != HW_EXTERN_FUNC)
			continue;
		if (hw_instance_export_n(inst, info.name, info.name_len, &e))
			abort();
		memset(args, 0, sizeof args);
		for (uint32_t k = 0; k < info.nparams && size; k++)
			args[k].i64 = (uint64_t)data[(k * 7 + i) % size] *
				      0x01010101u;
		ncalls++;
		hw_instance_set_fuel(inst, FUEL);
		rc = hw_instance_call(inst, e.u.func, args, info.nparams, res,
				      info.nresults);
		finish(inst, rc, res, info.nresults, data, size);
	}
out:
	hw_instance_free(inst);
	for (uint32_t i = 0; ext && i < nimp; i++)
		free_import(&ext[i]);
	free(ext);
	hw_module_free(m);
	if (fi.live != 0) /* the instance's allocations all came back */
		abort();
	return 0;
}
