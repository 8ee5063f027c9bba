/* helpers.h — shared by the engine's tests: loading the clang-built guest,
 * the host functions it imports, and small call wrappers. */
#ifndef HEARTH_TEST_WASM_HELPERS_H
#define HEARTH_TEST_WASM_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/wasm.h"
#include "test.h"

#define GUEST_PATH HEARTH_BINARY_DIR "/guests/wasm_test_guest.wasm"

static inline uint8_t *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	ASSERT_MSG(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ASSERT(buf);
	ASSERT_EQ(fread(buf, 1, (size_t)n, f), n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static inline hw_module *load_guest(const hw_module_opts *opts)
{
	size_t len;
	uint8_t *bytes = read_all(GUEST_PATH, &len);
	hw_module *m = NULL;
	hw_error err;
	int rc = hw_module_new(bytes, len, opts, &m, &err);

	ASSERT_MSG(rc == 0, "guest: %s", err.message);
	free(bytes);
	return m;
}

static inline hw_module *module_of(const uint8_t *bytes, size_t len)
{
	hw_module *m = NULL;
	hw_error err;
	int rc = hw_module_new(bytes, len, NULL, &m, &err);

	ASSERT_MSG(rc == 0, "module: %s", err.message);
	return m;
}

/* The guest's host imports: test.host_add (a + b) and test.wait (which
 * suspends; env, if not NULL, counts the calls). */
static inline int host_add(hw_hostcall *hc, void *env, const hw_val *a,
			   hw_val *r)
{
	r[0].i32 = a[0].i32 + a[1].i32;
	return HW_HOST_OK;
}

static inline int host_wait(hw_hostcall *hc, void *env, const hw_val *a,
			    hw_val *r)
{
	if (env)
		(*(int *)env)++;
	return HW_HOST_SUSPEND;
}

typedef struct guest_env {
	hw_func *add, *wait;
	int waits;
} guest_env;

static inline void guest_env_init(guest_env *g)
{
	static const hw_valtype ii[] = {HW_I32, HW_I32}, i[] = {HW_I32};

	memset(g, 0, sizeof *g);
	ASSERT_OK(hw_func_new(ii, 2, i, 1, host_add, NULL, &g->add));
	ASSERT_OK(hw_func_new(i, 1, i, 1, host_wait, &g->waits, &g->wait));
}

static inline void guest_env_deinit(guest_env *g)
{
	hw_func_free(g->add);
	hw_func_free(g->wait);
}

/* Instantiate the guest, binding its imports by name. */
static inline hw_instance *guest_instance(hw_module *m, guest_env *g,
					  const hw_instance_opts *opts)
{
	uint32_t n = hw_module_import_count(m);
	hw_extern ext[8];
	hw_instance *inst = NULL;
	hw_error err;

	ASSERT(n <= 8);
	for (uint32_t i = 0; i < n; i++) {
		hw_extern_info info;

		ASSERT_OK(hw_module_import(m, i, &info));
		ext[i].kind = HW_EXTERN_FUNC;
		ext[i].u.func = !strcmp(info.name, "host_add") ? g->add
				: !strcmp(info.name, "wait")   ? g->wait
							       : NULL;
	}
	ASSERT_MSG(hw_instance_new(m, ext, n, opts, &inst, &err) == 0,
		   "instantiate: %s", err.message);
	return inst;
}

/* Call export `name` with i32 arguments. OUT: *result (if one). */
static inline int call_i32(hw_instance *inst, const char *name,
			   const uint32_t *args, uint32_t nargs,
			   uint32_t *result)
{
	hw_func *f = hw_instance_func(inst, name);
	hw_val a[8], r[1];
	uint32_t nr;
	int rc;

	ASSERT_MSG(f, "no export %s", name);
	ASSERT(nargs <= 8);
	memset(a, 0, sizeof a);
	for (uint32_t i = 0; i < nargs; i++)
		a[i].i32 = args[i];
	hw_func_results(f, &nr);
	rc = hw_instance_call(inst, f, a, nargs, r, nr);
	if (rc == HW_DONE && nr && result)
		*result = r[0].i32;
	return rc;
}

#endif
