/* test_regress.c — regression tests for engine bugs found from outside
 * the engine's own tests (by the WASI tests, the differential checks). */
#include "helpers.h"
#include "wb.h"

static int count_calls(hw_hostcall *hc, void *env, const hw_val *a, hw_val *r)
{
	++*(int *)env;
	return HW_HOST_OK;
}

/* A module importing env.tick ([] -> []) and exporting "run" with body,
 * and a host function for it counting its calls in *calls. */
static hw_module *tick_module(const uint8_t *body, size_t n, int *calls,
			      hw_func **f)
{
	hw_module *m;
	size_t len;
	uint8_t *bytes;
	wb b;

	wb_init(&b);
	wb_import_func(&b, "env", "tick", wb_type(&b, "", ""));
	wb_export(&b, "run", 0, wb_func(&b, 0, "", body, n));
	bytes = wb_finish(&b, &len);
	wb_deinit(&b);
	m = module_of(bytes, len);
	free(bytes);
	ASSERT_OK(hw_func_new(NULL, 0, NULL, 0, count_calls, calls, f));
	return m;
}

/* A [] -> [] host function as the first host call of an execution: the
 * host-call scratch array was still NULL and was memset (0 bytes, but
 * undefined behaviour, which UBSan reports) — found by hearth-test-wasi
 * under ASan+UBSan. */
TEST(host_function_without_params_or_results)
{
	static const uint8_t body[] = {0x10, 0, 0x10, 0}; /* call 0 twice */
	hw_instance *inst;
	hw_error err;
	hw_func *f;
	hw_extern ext;
	int calls = 0;
	hw_module *m = tick_module(body, sizeof body, &calls, &f);

	ext.kind = HW_EXTERN_FUNC;
	ext.u.func = f;
	ASSERT_OK(hw_instance_new(m, &ext, 1, NULL, &inst, &err));
	ASSERT_EQ(hw_instance_call(inst, hw_instance_func(inst, "run"), NULL, 0,
				   NULL, 0),
		  HW_DONE);
	ASSERT_EQ(calls, 2);
	hw_instance_free(inst);
	hw_func_free(f);
	hw_module_free(m);
}

/* A pinned host function: instances import it without taking references
 * (so the one hw_func_free of its creator frees it, after them), and it
 * works like any other. Under ASan a reference taken or dropped by an
 * instance would show as a leak or a use after free. */
TEST(pinned_host_function_is_imported_without_references)
{
	static const uint8_t body[] = {0x10, 0}; /* call 0 */
	enum { N = 16 };
	hw_instance *inst[N];
	hw_error err;
	hw_func *f;
	hw_extern ext;
	int calls = 0, i;
	hw_module *m = tick_module(body, sizeof body, &calls, &f);

	hw_func_pin(f);
	ext.kind = HW_EXTERN_FUNC;
	ext.u.func = f;
	for (i = 0; i < N; i++)
		ASSERT_OK(hw_instance_new(m, &ext, 1, NULL, &inst[i], &err));
	for (i = 0; i < N; i++)
		ASSERT_EQ(hw_instance_call(inst[i],
					   hw_instance_func(inst[i], "run"),
					   NULL, 0, NULL, 0),
			  HW_DONE);
	ASSERT_EQ(calls, N);
	for (i = 0; i < N; i++)
		hw_instance_free(inst[i]);
	hw_func_free(f);
	hw_module_free(m);
}
