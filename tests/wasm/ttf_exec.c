/* ttf_exec.c — runs a module made by binaryen's `wasm-opt -ttf` the way
 * `wasm-opt --fuzz-exec-before` does (every exported function with zero
 * arguments, the hang limit reset before each call, fuzzing-support log
 * imports printed) and prints the same lines, so the two can be compared
 * (tests/wasm/diff_binaryen.sh). Not a test by itself.
 *
 *   hearth-wasm-ttf MODULE.wasm */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/error.h"
#include "hearth/wasm.h"

enum { LOG_I32, LOG_I64, LOG_F32, LOG_F64, LOG_I64_PAIR, LOG_V128 };

/* A v128 as binaryen prints it: "i32x4" and four hex lanes. */
static void print_v128(const hw_val *v)
{
	printf("i32x4");
	for (int k = 0; k < 4; k++) {
		uint32_t x;

		memcpy(&x, v->v128 + 4 * k, 4);
		printf(" 0x%08" PRIx32, x);
	}
}

static int log_fn(hw_hostcall *hc, void *env, const hw_val *a, hw_val *r)
{
	switch ((intptr_t)env) {
	case LOG_I32:
		printf("[LoggingExternalInterface logging %" PRId32 "]\n",
		       (int32_t)a[0].i32);
		break;
	case LOG_I64: /* binaryen prints the two halves */
		printf("[LoggingExternalInterface logging %" PRId32 " %" PRId32
		       "]\n",
		       (int32_t)a[0].i64, (int32_t)(a[0].i64 >> 32));
		break;
	case LOG_I64_PAIR:
		printf("[LoggingExternalInterface logging %" PRId32 " %" PRId32
		       "]\n",
		       (int32_t)a[0].i32, (int32_t)a[1].i32);
		break;
	case LOG_F32:
		printf("[LoggingExternalInterface logging %.17g]\n",
		       (double)a[0].f32);
		break;
	case LOG_V128:
		printf("[LoggingExternalInterface logging ");
		print_v128(&a[0]);
		printf("]\n");
		break;
	default:
		printf("[LoggingExternalInterface logging %.17g]\n", a[0].f64);
		break;
	}
	return HW_HOST_OK;
}

static void print_val(uint8_t t, hw_val v)
{
	switch (t) {
	case HW_I32:
		printf("%" PRId32, (int32_t)v.i32);
		break;
	case HW_I64:
		printf("%" PRId64, (int64_t)v.i64);
		break;
	case HW_F32:
		printf("%.17g", (double)v.f32);
		break;
	case HW_F64:
		printf("%.17g", v.f64);
		break;
	case HW_V128:
		print_v128(&v);
		break;
	default:
		printf("%s", v.ext ? "ref" : "null");
		break;
	}
}

int main(int argc, char **argv)
{
	static uint8_t buf[1 << 24];
	hw_extern ext[64];
	hw_module *m = NULL;
	hw_instance *inst = NULL;
	hw_func *hang;
	hw_error err;
	uint32_t ni;
	size_t n;
	FILE *f;

	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: hearth-wasm-ttf MODULE.wasm\n");
		return 2;
	}
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	if (hw_module_new(buf, n, NULL, &m, &err)) {
		printf("load failed: %s\n", err.message);
		return 1;
	}
	ni = hw_module_import_count(m);
	if (ni > 64)
		return 1;
	for (uint32_t i = 0; i < ni; i++) {
		hw_extern_info in;
		hw_valtype ps[2];
		intptr_t kind;

		hw_module_import(m, i, &in);
		if (in.kind != HW_EXTERN_FUNC || in.nparams > 2) {
			printf("unexpected import %s\n", in.name);
			return 1;
		}
		kind = !strcmp(in.name, "log-i32") ? LOG_I32
		       : !strcmp(in.name, "log-i64")
			       ? (in.nparams == 2 ? LOG_I64_PAIR : LOG_I64)
		       : !strcmp(in.name, "log-f32")  ? LOG_F32
		       : !strcmp(in.name, "log-v128") ? LOG_V128
						      : LOG_F64;
		for (uint32_t k = 0; k < in.nparams; k++)
			ps[k] = (hw_valtype)in.params[k];
		ext[i].kind = HW_EXTERN_FUNC;
		if (hw_func_new(ps, in.nparams, NULL, 0, log_fn, (void *)kind,
				&ext[i].u.func))
			return 1;
	}
	if (hw_instance_new(m, ext, ni, NULL, &inst, &err)) {
		printf("instantiate failed: %s\n", err.message);
		return 1;
	}
	if (hw_instance_start(inst) == HW_TRAPPED)
		printf("[trap in start]\n");
	hang = hw_instance_func(inst, "hangLimitInitializer");
	for (uint32_t i = 0; i < hw_module_export_count(m); i++) {
		hw_extern_info in;
		hw_val a[1000], r[1000];
		int rc;

		hw_module_export(m, i, &in);
		if (in.kind != HW_EXTERN_FUNC)
			continue;
		printf("[fuzz-exec] calling %s\n", in.name);
		if (hang)
			hw_instance_call(inst, hang, NULL, 0, NULL, 0);
		memset(a, 0, sizeof a);
		rc = hw_instance_call(inst, hw_instance_func(inst, in.name), a,
				      in.nparams, r, in.nresults);
		if (rc == HW_TRAPPED) {
			printf("[trap]\n");
			continue;
		}
		if (rc != HW_DONE || in.nresults == 0)
			continue;
		printf("[fuzz-exec] note result: %s => %s", in.name,
		       in.nresults > 1 ? "(" : "");
		for (uint32_t k = 0; k < in.nresults; k++) {
			if (k)
				printf(", ");
			print_val(in.results[k], r[k]);
		}
		printf("%s\n", in.nresults > 1 ? ")" : "");
	}
	hw_instance_free(inst);
	for (uint32_t i = 0; i < ni; i++)
		hw_func_free(ext[i].u.func);
	hw_module_free(m);
	return 0;
}
