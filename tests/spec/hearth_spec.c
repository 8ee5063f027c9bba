/* hearth_spec.c — the WebAssembly spec-suite runner: executes every command
 * of wast2json output (../shared/wasm-testsuite/json) against the hw_
 * engine and prints per-file counts and a closing total.
 *
 *   hearth-spec [-q] [-v] [-n] [-s SLICE] [-x PREFIX]... DIR|FILE.json...
 *
 * -q: print only files with failures; -v: print every command; -n: compile
 * modules without fuel metering; -s SLICE:
 * run every call with SLICE fuel at a time, resuming after each
 * HW_OUT_OF_FUEL (exercises suspension on the whole suite); -x PREFIX:
 * skip files whose name starts with PREFIX. Text-format modules are
 * skipped (the engine reads binaries only). Exit status 1 on any failure. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hearth/error.h"
#include "hearth/wasm.h"
#include "json.h"

#define MAX_VALS  64
#define CALL_FUEL 50000000000LL /* a runaway test fails instead of hanging */

typedef struct opts {
	bool quiet, verbose, no_fuel;
	int64_t slice;
	const char **exclude;
	size_t nexclude;
} opts;

typedef struct binding {
	char *name;
	size_t len;
	hw_instance *inst;
} binding;

/* The spectest module every script may import from. */
typedef struct spectest {
	hw_func *print, *print_i32, *print_i64, *print_f32, *print_f64,
		*print_i32_f32, *print_f64_f64;
	hw_global *g_i32, *g_i64, *g_f32, *g_f64;
	hw_table *table;
	hw_memory *memory;
} spectest;

typedef struct file {
	const opts *o;
	const char *path, *dir, *name;
	hw_instance **insts;
	size_t ninsts;
	binding *named, *registered;
	size_t nnamed, nregistered;
	hw_instance *cur;
	spectest st;
	long line;
	unsigned passed, failed, skipped;
	bool header_done;
} file;

/* ---- reporting ---- */

static void fail(file *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(file *f, const char *fmt, ...)
{
	va_list ap;

	f->failed++;
	fprintf(stdout, "  FAIL %s.json:%ld: ", f->name, f->line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static void pass(file *f, const char *what)
{
	f->passed++;
	if (f->o->verbose)
		printf("  ok   %s.json:%ld: %s\n", f->name, f->line, what);
}

/* ---- spectest ---- */

static int print_fn(hw_hostcall *hc, void *env, const hw_val *args,
		    hw_val *results)
{
	return HW_HOST_OK;
}

static int spectest_init(spectest *st)
{
	static const hw_valtype i32[] = {HW_I32}, i64[] = {HW_I64},
				f32[] = {HW_F32}, f64[] = {HW_F64},
				i32f32[] = {HW_I32, HW_F32},
				f64f64[] = {HW_F64, HW_F64};
	hw_val v;
	int rc = 0;

	rc |= hw_func_new(NULL, 0, NULL, 0, print_fn, NULL, &st->print);
	rc |= hw_func_new(i32, 1, NULL, 0, print_fn, NULL, &st->print_i32);
	rc |= hw_func_new(i64, 1, NULL, 0, print_fn, NULL, &st->print_i64);
	rc |= hw_func_new(f32, 1, NULL, 0, print_fn, NULL, &st->print_f32);
	rc |= hw_func_new(f64, 1, NULL, 0, print_fn, NULL, &st->print_f64);
	rc |= hw_func_new(i32f32, 2, NULL, 0, print_fn, NULL,
			  &st->print_i32_f32);
	rc |= hw_func_new(f64f64, 2, NULL, 0, print_fn, NULL,
			  &st->print_f64_f64);
	memset(&v, 0, sizeof v);
	v.i32 = 666;
	rc |= hw_global_new(HW_I32, false, v, &st->g_i32);
	memset(&v, 0, sizeof v);
	v.i64 = 666;
	rc |= hw_global_new(HW_I64, false, v, &st->g_i64);
	memset(&v, 0, sizeof v);
	v.f32 = 666.6f;
	rc |= hw_global_new(HW_F32, false, v, &st->g_f32);
	memset(&v, 0, sizeof v);
	v.f64 = 666.6;
	rc |= hw_global_new(HW_F64, false, v, &st->g_f64);
	memset(&v, 0, sizeof v);
	rc |= hw_table_new(HW_FUNCREF, 10, 20, true, v, &st->table);
	rc |= hw_memory_new(1, 2, true, &st->memory);
	return rc;
}

static void spectest_free(spectest *st)
{
	hw_func_free(st->print);
	hw_func_free(st->print_i32);
	hw_func_free(st->print_i64);
	hw_func_free(st->print_f32);
	hw_func_free(st->print_f64);
	hw_func_free(st->print_i32_f32);
	hw_func_free(st->print_f64_f64);
	hw_global_free(st->g_i32);
	hw_global_free(st->g_i64);
	hw_global_free(st->g_f32);
	hw_global_free(st->g_f64);
	hw_table_free(st->table);
	hw_memory_free(st->memory);
}

static bool name_is(const char *s, uint32_t len, const char *want)
{
	return strlen(want) == len && memcmp(s, want, len) == 0;
}

static hw_extern spectest_lookup(spectest *st, const char *name, uint32_t len)
{
	hw_extern e = {HW_EXTERN_FUNC, {NULL}};
	static const char *const fnames[] = {
		"print",     "print_i32",     "print_i64",    "print_f32",
		"print_f64", "print_i32_f32", "print_f64_f64"};
	hw_func *fns[] = {st->print,	    st->print_i32, st->print_i64,
			  st->print_f32,    st->print_f64, st->print_i32_f32,
			  st->print_f64_f64};

	for (size_t i = 0; i < sizeof fnames / sizeof *fnames; i++)
		if (name_is(name, len, fnames[i]))
			e.u.func = fns[i];
	if (name_is(name, len, "global_i32"))
		e = (hw_extern){HW_EXTERN_GLOBAL, {.global = st->g_i32}};
	if (name_is(name, len, "global_i64"))
		e = (hw_extern){HW_EXTERN_GLOBAL, {.global = st->g_i64}};
	if (name_is(name, len, "global_f32"))
		e = (hw_extern){HW_EXTERN_GLOBAL, {.global = st->g_f32}};
	if (name_is(name, len, "global_f64"))
		e = (hw_extern){HW_EXTERN_GLOBAL, {.global = st->g_f64}};
	if (name_is(name, len, "table"))
		e = (hw_extern){HW_EXTERN_TABLE, {.table = st->table}};
	if (name_is(name, len, "memory"))
		e = (hw_extern){HW_EXTERN_MEMORY, {.memory = st->memory}};
	return e;
}

/* ---- modules ---- */

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0) {
		buf = malloc(n ? (size_t)n : 1);
		if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(fp);
	return buf;
}

static hw_instance *find_named(file *f, const char *name)
{
	if (!name)
		return f->cur;
	for (size_t i = f->nnamed; i-- > 0;)
		if (strcmp(f->named[i].name, name) == 0)
			return f->named[i].inst;
	return NULL;
}

static int add_binding(binding **arr, size_t *n, const char *name, size_t len,
		       hw_instance *inst)
{
	binding *p = realloc(*arr, (*n + 1) * sizeof *p);

	if (!p)
		return -1;
	*arr = p;
	p[*n].name = malloc(len + 1);
	if (!p[*n].name)
		return -1;
	memcpy(p[*n].name, name, len);
	p[*n].name[len] = 0;
	p[*n].len = len;
	p[*n].inst = inst;
	(*n)++;
	return 0;
}

/* Load and validate/compile a module file. OUT: *m. Returns an HB_E*. */
static int load_module(file *f, const char *filename, hw_module **m,
		       hw_error *err)
{
	hw_module_opts mo = {.no_fuel = f->o->no_fuel};
	char path[4096];
	uint8_t *bytes;
	size_t len = 0;
	int rc;

	snprintf(path, sizeof path, "%s/%s", f->dir, filename);
	bytes = read_file(path, &len);
	if (!bytes) {
		snprintf(err->message, sizeof err->message,
			 "cannot read %.200s", filename);
		return HB_EIO;
	}
	rc = hw_module_new(bytes, len, &mo, m, err);
	free(bytes);
	return rc;
}

/* Resolve m's imports from spectest and the registered instances. */
static hw_extern *resolve(file *f, hw_module *m)
{
	uint32_t n = hw_module_import_count(m);
	hw_extern *ext = calloc(n ? n : 1, sizeof *ext);

	if (!ext)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		hw_extern_info info;

		hw_module_import(m, i, &info);
		ext[i].kind = info.kind;
		ext[i].u.any = NULL;
		if (name_is(info.module, info.module_len, "spectest")) {
			ext[i] = spectest_lookup(&f->st, info.name,
						 info.name_len);
			continue;
		}
		for (size_t k = f->nregistered; k-- > 0;) {
			binding *b = &f->registered[k];

			if (b->len == info.module_len &&
			    memcmp(b->name, info.module, b->len) == 0) {
				if (hw_instance_export_n(b->inst, info.name,
							 info.name_len,
							 &ext[i]))
					ext[i].u.any = NULL;
				break;
			}
		}
	}
	return ext;
}

/* Run a call with the runner's fuel policy. */
static int call(file *f, hw_instance *inst, hw_func *fn, const hw_val *args,
		uint32_t nargs, hw_val *res, uint32_t nres)
{
	int64_t budget = CALL_FUEL;
	int rc;

	hw_instance_set_fuel(inst, f->o->slice ? f->o->slice : budget);
	if (fn)
		rc = hw_instance_call(inst, fn, args, nargs, res, nres);
	else
		rc = hw_instance_start(inst);
	while (rc == HW_OUT_OF_FUEL && f->o->slice && budget > 0) {
		budget -= f->o->slice;
		hw_instance_set_fuel(inst, f->o->slice);
		rc = hw_instance_resume(inst, NULL, 0, res, nres);
	}
	return rc;
}

static int keep(file *f, hw_instance *inst)
{
	hw_instance **p = realloc(f->insts, (f->ninsts + 1) * sizeof *p);

	if (!p)
		return -1;
	f->insts = p;
	f->insts[f->ninsts++] = inst;
	return 0;
}

/* Instantiate and start. OUT: *inst. Returns 0, HB_EUNLINKABLE, HB_ETRAP
 * (segments or start; *why says which trap). */
static int instantiate(file *f, hw_module *m, hw_instance **inst, hw_error *err,
		       const char **why)
{
	hw_extern *ext = resolve(f, m);
	int rc;

	*why = NULL;
	if (!ext)
		return HB_ENOMEM;
	rc = hw_instance_new(m, ext, hw_module_import_count(m), NULL, inst,
			     err);
	free(ext);
	if (rc) {
		*why = err->reason;
		if (rc == HB_ETRAP && *inst) {
			/* its functions may sit in shared tables now */
			keep(f, *inst);
			*inst = NULL;
		}
		return rc;
	}
	rc = call(f, *inst, NULL, NULL, 0, NULL, 0);
	if (rc != HW_DONE) {
		hw_instance_trap(*inst, why);
		if (rc != HW_TRAPPED)
			*why = "start function did not finish";
		/* keep it alive: its segments may be visible elsewhere */
		keep(f, *inst);
		*inst = NULL;
		return HB_ETRAP;
	}
	return 0;
}

/* ---- values ---- */

static uint64_t num(const char *s)
{
	if (s[0] == '-')
		return (uint64_t)strtoll(s, NULL, 10);
	return strtoull(s, NULL, 10);
}

static int lane_bits(const char *lt)
{
	if (!strcmp(lt, "i8"))
		return 8;
	if (!strcmp(lt, "i16"))
		return 16;
	if (!strcmp(lt, "i32") || !strcmp(lt, "f32"))
		return 32;
	return 64;
}

static uint8_t type_code(const char *t)
{
	if (!strcmp(t, "i32"))
		return HW_I32;
	if (!strcmp(t, "i64"))
		return HW_I64;
	if (!strcmp(t, "f32"))
		return HW_F32;
	if (!strcmp(t, "f64"))
		return HW_F64;
	if (!strcmp(t, "v128"))
		return HW_V128;
	if (!strcmp(t, "funcref"))
		return HW_FUNCREF;
	if (!strcmp(t, "externref"))
		return HW_EXTERNREF;
	return 0;
}

static int parse_arg(const js *a, hw_val *out)
{
	const char *t = js_str(a, "type");
	const js *v = js_get(a, "value");

	memset(out, 0, sizeof *out);
	if (!t || !v)
		return -1;
	switch (type_code(t)) {
	case HW_I32:
	case HW_F32:
		out->i32 = (uint32_t)num(v->str);
		return 0;
	case HW_I64:
	case HW_F64:
		out->i64 = num(v->str);
		return 0;
	case HW_EXTERNREF:
		if (strcmp(v->str, "null") != 0)
			out->ext = (void *)(uintptr_t)(num(v->str) + 1);
		return 0;
	case HW_FUNCREF:
		return strcmp(v->str, "null") == 0 ? 0 : -1;
	case HW_V128: {
		const char *lt = js_str(a, "lane_type");
		int bits = lt ? lane_bits(lt) : 0;

		if (!bits || v->kind != JS_ARR || v->n * (size_t)bits != 128)
			return -1;
		for (size_t i = 0; i < v->n; i++) {
			uint64_t x = num(v->items[i]->str);

			memcpy(out->v128 + i * (size_t)bits / 8, &x,
			       (size_t)bits / 8);
		}
		return 0;
	}
	}
	return -1;
}

/* Check one float against an expected value string (bits or NaN class). */
static bool float_ok(const char *want, uint64_t got, int bits)
{
	uint64_t exp_mask = bits == 32 ? 0x7F800000u : 0x7FF0000000000000ull;
	uint64_t quiet = bits == 32 ? 0x00400000u : 0x0008000000000000ull;
	uint64_t frac = bits == 32 ? 0x007FFFFFu : 0x000FFFFFFFFFFFFFull;

	if (!strcmp(want, "nan:canonical"))
		return (got & exp_mask) == exp_mask && (got & frac) == quiet;
	if (!strcmp(want, "nan:arithmetic"))
		return (got & exp_mask) == exp_mask && (got & quiet);
	return got == num(want);
}

static bool check_result(const js *e, const hw_val *got, char *why, size_t n)
{
	const char *t = js_str(e, "type");
	const js *v = js_get(e, "value");

	if (!t)
		return false;
	switch (type_code(t)) {
	case HW_I32:
		if (v && got->i32 == (uint32_t)num(v->str))
			return true;
		snprintf(why, n, "got i32 %" PRIu32 ", want %s", got->i32,
			 v ? v->str : "?");
		return false;
	case HW_I64:
		if (v && got->i64 == num(v->str))
			return true;
		snprintf(why, n, "got i64 %" PRIu64 ", want %s", got->i64,
			 v ? v->str : "?");
		return false;
	case HW_F32:
		if (v && float_ok(v->str, got->i32, 32))
			return true;
		snprintf(why, n, "got f32 bits 0x%08" PRIx32 ", want %s",
			 got->i32, v ? v->str : "?");
		return false;
	case HW_F64:
		if (v && float_ok(v->str, got->i64, 64))
			return true;
		snprintf(why, n, "got f64 bits 0x%016" PRIx64 ", want %s",
			 got->i64, v ? v->str : "?");
		return false;
	case HW_EXTERNREF:
		if (!v) /* any non-null reference */
			return got->ext != NULL;
		if (!strcmp(v->str, "null")
			    ? got->ext == NULL
			    : got->ext == (void *)(uintptr_t)(num(v->str) + 1))
			return true;
		snprintf(why, n, "got externref %p, want %s", got->ext, v->str);
		return false;
	case HW_FUNCREF:
		if (!v)
			return got->func != NULL;
		if (!strcmp(v->str, "null") && got->func == NULL)
			return true;
		snprintf(why, n, "got funcref %p, want %s", (void *)got->func,
			 v->str);
		return false;
	case HW_V128: {
		const char *lt = js_str(e, "lane_type");
		int bits = lt ? lane_bits(lt) : 0;

		if (!bits || !v || v->kind != JS_ARR ||
		    v->n * (size_t)bits != 128)
			return false;
		for (size_t i = 0; i < v->n; i++) {
			uint64_t x = 0;
			bool ok;

			memcpy(&x, got->v128 + i * (size_t)bits / 8,
			       (size_t)bits / 8);
			if (lt[0] == 'f')
				ok = float_ok(v->items[i]->str, x, bits);
			else
				ok = x == (num(v->items[i]->str) &
					   (bits == 64 ? ~0ull
						       : (1ull << bits) - 1));
			if (!ok) {
				snprintf(why, n,
					 "v128 lane %zu (%s): got 0x%" PRIx64
					 ", want %s",
					 i, lt, x, v->items[i]->str);
				return false;
			}
		}
		return true;
	}
	}
	snprintf(why, n, "unknown result type %s", t);
	return false;
}

/* ---- actions ---- */

enum { ACT_OK, ACT_TRAP, ACT_ERROR };

/* Perform an invoke or get. OUT: results, *nres, *trap, *why. */
static int act(file *f, const js *a, hw_val *res, uint32_t *nres,
	       hw_trap_code *trap, char *why, size_t whylen)
{
	const char *type = js_str(a, "type");
	const js *field = js_get(a, "field");
	hw_instance *inst = find_named(f, js_str(a, "module"));
	hw_extern ext;

	*nres = 0;
	*trap = HW_TRAP_NONE;
	if (!inst || !field || field->kind != JS_STR) {
		snprintf(why, whylen, "no such module");
		return ACT_ERROR;
	}
	if (hw_instance_export_n(inst, field->str, field->len, &ext)) {
		snprintf(why, whylen, "no export \"%s\"", field->str);
		return ACT_ERROR;
	}
	if (!strcmp(type, "get")) {
		if (ext.kind != HW_EXTERN_GLOBAL) {
			snprintf(why, whylen, "\"%s\" is not a global",
				 field->str);
			return ACT_ERROR;
		}
		res[0] = hw_global_get(ext.u.global);
		*nres = 1;
		return ACT_OK;
	}
	if (!strcmp(type, "invoke")) {
		const js *args = js_get(a, "args");
		hw_val argv[MAX_VALS];
		uint32_t nargs = args ? (uint32_t)args->n : 0, nr;
		const char *msg;
		int rc;

		if (ext.kind != HW_EXTERN_FUNC || nargs > MAX_VALS) {
			snprintf(why, whylen, "\"%s\" is not a function",
				 field->str);
			return ACT_ERROR;
		}
		for (uint32_t i = 0; i < nargs; i++) {
			if (parse_arg(args->items[i], &argv[i])) {
				snprintf(why, whylen, "bad argument %u", i);
				return ACT_ERROR;
			}
		}
		hw_func_results(ext.u.func, &nr);
		if (nr > MAX_VALS) {
			snprintf(why, whylen, "too many results");
			return ACT_ERROR;
		}
		rc = call(f, inst, ext.u.func, argv, nargs, res, nr);
		if (rc == HW_DONE) {
			*nres = nr;
			return ACT_OK;
		}
		if (rc == HW_TRAPPED) {
			*trap = hw_instance_trap(inst, &msg);
			snprintf(why, whylen, "%s", msg);
			return ACT_TRAP;
		}
		if (hw_instance_suspended(inst))
			hw_instance_abort(inst);
		snprintf(why, whylen, "call returned %d (%s)", rc,
			 rc == HW_OUT_OF_FUEL ? "out of fuel"
			 : rc < 0	      ? hb_strerror(rc)
					      : "suspended");
		return ACT_ERROR;
	}
	snprintf(why, whylen, "unknown action %s", type ? type : "?");
	return ACT_ERROR;
}

/* ---- commands ---- */

static const char *field_of(const js *cmd)
{
	const char *s = js_str(js_get(cmd, "action"), "field");

	return s ? s : "?";
}

static void cmd_module(file *f, const js *cmd)
{
	const char *fn = js_str(cmd, "filename"), *name = js_str(cmd, "name");
	hw_module *m = NULL;
	hw_instance *inst = NULL;
	hw_error err;
	const char *why;
	int rc;

	if ((rc = load_module(f, fn, &m, &err))) {
		fail(f, "module %s: %s (%s)", fn, hb_errname(rc), err.message);
		f->cur = NULL;
		return;
	}
	rc = instantiate(f, m, &inst, &err, &why);
	hw_module_free(m);
	if (rc) {
		fail(f, "module %s: %s (%s)", fn, hb_errname(rc),
		     rc == HB_ETRAP ? why : err.message);
		f->cur = NULL;
		return;
	}
	keep(f, inst);
	f->cur = inst;
	if (name)
		add_binding(&f->named, &f->nnamed, name, strlen(name), inst);
	pass(f, "module");
}

static void cmd_register(file *f, const js *cmd)
{
	const js *as = js_get(cmd, "as");
	hw_instance *inst = find_named(f, js_str(cmd, "name"));

	if (!inst || !as || as->kind != JS_STR) {
		fail(f, "register: no module");
		return;
	}
	add_binding(&f->registered, &f->nregistered, as->str, as->len, inst);
	pass(f, "register");
}

static void cmd_action(file *f, const js *cmd, bool check)
{
	const js *exp = js_get(cmd, "expected");
	hw_val res[MAX_VALS];
	uint32_t nres;
	hw_trap_code trap;
	char why[256];
	int r = act(f, js_get(cmd, "action"), res, &nres, &trap, why,
		    sizeof why);

	if (r != ACT_OK) {
		fail(f, "%s \"%s\": %s", check ? "assert_return" : "action",
		     field_of(cmd), why);
		return;
	}
	if (check) {
		if (!exp || exp->n != nres) {
			fail(f, "assert_return \"%s\": %u results, want %zu",
			     field_of(cmd), nres, exp ? exp->n : 0);
			return;
		}
		for (uint32_t i = 0; i < nres; i++) {
			if (!check_result(exp->items[i], &res[i], why,
					  sizeof why)) {
				fail(f, "assert_return \"%s\" result %u: %s",
				     field_of(cmd), i, why);
				return;
			}
		}
	}
	pass(f, check ? "assert_return" : "action");
}

/* Our trap message must be a prefix of the expected text (the suite
 * sometimes appends detail, e.g. "uninitialized element 2"). */
static bool text_ok(const char *ours, const char *want)
{
	return ours && want && strncmp(want, ours, strlen(ours)) == 0;
}

static void cmd_trap(file *f, const js *cmd, bool exhaustion)
{
	const char *text = js_str(cmd, "text");
	hw_val res[MAX_VALS];
	uint32_t nres;
	hw_trap_code trap;
	char why[256];
	int r = act(f, js_get(cmd, "action"), res, &nres, &trap, why,
		    sizeof why);
	const char *kind = exhaustion ? "assert_exhaustion" : "assert_trap";

	if (r == ACT_OK) {
		fail(f, "%s \"%s\": returned, want trap \"%s\"", kind,
		     field_of(cmd), text);
		return;
	}
	if (r == ACT_ERROR) {
		fail(f, "%s \"%s\": %s", kind, field_of(cmd), why);
		return;
	}
	if (exhaustion ? trap != HW_TRAP_STACK_EXHAUSTED
		       : !text_ok(why, text)) {
		fail(f, "%s \"%s\": trapped with \"%s\", want \"%s\"", kind,
		     field_of(cmd), why, text);
		return;
	}
	pass(f, kind);
}

static void cmd_bad_module(file *f, const js *cmd, int want)
{
	const char *fn = js_str(cmd, "filename");
	const char *type = js_str(cmd, "module_type");
	const char *kind =
		want == HB_EMALFORMED ? "assert_malformed" : "assert_invalid";
	char path[4096];
	uint8_t *bytes;
	size_t len = 0;
	hw_error err;
	int rc;

	if (type && strcmp(type, "binary") != 0) {
		f->skipped++;
		return;
	}
	snprintf(path, sizeof path, "%s/%s", f->dir, fn);
	bytes = read_file(path, &len);
	if (!bytes) {
		fail(f, "%s: cannot read %s", kind, path);
		return;
	}
	rc = hw_module_validate(bytes, len, &err);
	free(bytes);
	if (rc != want) {
		fail(f, "%s %s: got %s (%s), want %s \"%s\"", kind, fn,
		     hb_errname(rc), rc ? err.message : "accepted",
		     hb_errname(want), js_str(cmd, "text"));
		return;
	}
	if (f->o->verbose && strcmp(err.reason, js_str(cmd, "text")) != 0)
		printf("  note %s.json:%ld: reason \"%s\", suite says \"%s\"\n",
		       f->name, f->line, err.reason, js_str(cmd, "text"));
	pass(f, kind);
}

static void cmd_link_fail(file *f, const js *cmd, bool unlinkable)
{
	const char *fn = js_str(cmd, "filename"), *text = js_str(cmd, "text");
	const char *kind =
		unlinkable ? "assert_unlinkable" : "assert_uninstantiable";
	hw_module *m = NULL;
	hw_instance *inst = NULL;
	hw_error err;
	const char *why;
	int rc;

	if ((rc = load_module(f, fn, &m, &err))) {
		fail(f, "%s %s: %s (%s)", kind, fn, hb_errname(rc),
		     err.message);
		return;
	}
	rc = instantiate(f, m, &inst, &err, &why);
	hw_module_free(m);
	if (rc == 0) {
		keep(f, inst);
		fail(f, "%s %s: instantiated", kind, fn);
		return;
	}
	if (rc != (unlinkable ? HB_EUNLINKABLE : HB_ETRAP) ||
	    !text_ok(why, text)) {
		fail(f, "%s %s: %s \"%s\", want \"%s\"", kind, fn,
		     hb_errname(rc), why ? why : "", text);
		return;
	}
	pass(f, kind);
}

static void run_command(file *f, const js *cmd)
{
	const char *type = js_str(cmd, "type");
	const js *line = js_get(cmd, "line");

	f->line = line && line->str ? atol(line->str) : 0;
	if (!type) {
		fail(f, "command without a type");
	} else if (!strcmp(type, "module")) {
		cmd_module(f, cmd);
	} else if (!strcmp(type, "register")) {
		cmd_register(f, cmd);
	} else if (!strcmp(type, "action")) {
		cmd_action(f, cmd, false);
	} else if (!strcmp(type, "assert_return")) {
		cmd_action(f, cmd, true);
	} else if (!strcmp(type, "assert_trap")) {
		cmd_trap(f, cmd, false);
	} else if (!strcmp(type, "assert_exhaustion")) {
		cmd_trap(f, cmd, true);
	} else if (!strcmp(type, "assert_malformed")) {
		cmd_bad_module(f, cmd, HB_EMALFORMED);
	} else if (!strcmp(type, "assert_invalid")) {
		cmd_bad_module(f, cmd, HB_EINVALID);
	} else if (!strcmp(type, "assert_unlinkable")) {
		cmd_link_fail(f, cmd, true);
	} else if (!strcmp(type, "assert_uninstantiable")) {
		cmd_link_fail(f, cmd, false);
	} else {
		fail(f, "unknown command %s", type);
	}
}

/* Run one NAME.json. Adds to the totals. */
static void run_file(const opts *o, const char *path, unsigned *tp,
		     unsigned *tf, unsigned *ts)
{
	file f = {0};
	char dir[4096], name[256];
	const char *slash = strrchr(path, '/'),
		   *base = slash ? slash + 1 : path;
	size_t len = 0, errpos = 0;
	char *text;
	js *root;
	const js *cmds;

	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1,
		 slash ? path : ".");
	snprintf(name, sizeof name, "%.*s", (int)strcspn(base, "."), base);
	f.o = o;
	f.path = path;
	f.dir = dir;
	f.name = name;
	text = (char *)read_file(path, &len);
	if (!text) {
		printf("%s: cannot read %s\n", name, path);
		(*tf)++;
		return;
	}
	root = js_parse(text, len, &errpos);
	free(text);
	cmds = js_get(root, "commands");
	if (!cmds || cmds->kind != JS_ARR) {
		printf("%s: bad JSON near byte %zu\n", name, errpos);
		js_free(root);
		(*tf)++;
		return;
	}
	if (spectest_init(&f.st)) {
		printf("%s: cannot make the spectest module\n", name);
		(*tf)++;
		js_free(root);
		return;
	}
	for (size_t i = 0; i < cmds->n; i++)
		run_command(&f, cmds->items[i]);
	if (!o->quiet || f.failed)
		printf("%s: %u passed, %u failed, %u skipped\n", name, f.passed,
		       f.failed, f.skipped);
	*tp += f.passed;
	*tf += f.failed;
	*ts += f.skipped;
	for (size_t i = f.ninsts; i-- > 0;)
		hw_instance_free(f.insts[i]);
	free(f.insts);
	for (size_t i = 0; i < f.nnamed; i++)
		free(f.named[i].name);
	for (size_t i = 0; i < f.nregistered; i++)
		free(f.registered[i].name);
	free(f.named);
	free(f.registered);
	spectest_free(&f.st);
	js_free(root);
}

/* ---- files ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *excluded_by(const opts *o, const char *name)
{
	for (size_t i = 0; i < o->nexclude; i++)
		if (strncmp(name, o->exclude[i], strlen(o->exclude[i])) == 0)
			return o->exclude[i];
	return NULL;
}

static const char *why_excluded(const char *prefix)
{
	(void)prefix;
	return "excluded on the command line";
}

/* Collect the JSON files named by arg (a file, or a directory holding
 * NAME/NAME.json or *.json). */
static int collect(const char *arg, char ***files, size_t *n)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (stat(arg, &st) != 0) {
		fprintf(stderr, "hearth-spec: %s: %s\n", arg, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*files = realloc(*files, (*n + 1) * sizeof **files);
		(*files)[(*n)++] = strdup(arg);
		return 0;
	}
	d = opendir(arg);
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s/%s.json", arg, e->d_name,
			 e->d_name);
		if (stat(path, &st) != 0) {
			if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
				continue;
			snprintf(path, sizeof path, "%s/%s", arg, e->d_name);
		}
		*files = realloc(*files, (*n + 1) * sizeof **files);
		(*files)[(*n)++] = strdup(path);
	}
	closedir(d);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: hearth-spec [-q] [-v] [-n] [-s SLICE] [-x PREFIX]... "
		"DIR|FILE.json...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	opts o = {0};
	char **files = NULL;
	size_t nfiles = 0;
	unsigned passed = 0, failed = 0, skipped = 0, nexcl = 0;
	const char *last_prefix = NULL;

	o.exclude = calloc((size_t)argc, sizeof *o.exclude);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-q")) {
			o.quiet = true;
		} else if (!strcmp(argv[i], "-v")) {
			o.verbose = true;
		} else if (!strcmp(argv[i], "-n")) {
			o.no_fuel = true;
		} else if (!strcmp(argv[i], "-s") && i + 1 < argc) {
			o.slice = atoll(argv[++i]);
			if (o.slice <= 0)
				usage();
		} else if (!strcmp(argv[i], "-x") && i + 1 < argc) {
			o.exclude[o.nexclude++] = argv[++i];
		} else if (argv[i][0] == '-') {
			usage();
		} else if (collect(argv[i], &files, &nfiles)) {
			failed++;
		}
	}
	if (!nfiles && !failed)
		usage();
	qsort(files, nfiles, sizeof *files, cmp_str);
	for (size_t i = 0; i < nfiles; i++) {
		const char *base = strrchr(files[i], '/');
		const char *prefix;

		base = base ? base + 1 : files[i];
		prefix = excluded_by(&o, base);
		if (prefix) {
			if (!last_prefix || strcmp(last_prefix, prefix) != 0)
				printf("hearth-spec: excluding files named "
				       "%s*: %s\n",
				       prefix, why_excluded(prefix));
			last_prefix = prefix;
			if (!o.quiet)
				printf("  excluded %s\n", base);
			nexcl++;
			continue;
		}
		run_file(&o, files[i], &passed, &failed, &skipped);
	}
	if (nexcl)
		printf("hearth-spec: %u files excluded\n", nexcl);
	printf("hearth-spec: %u passed, %u failed, %u skipped\n", passed,
	       failed, skipped);
	if (skipped)
		printf("hearth-spec: the %u skipped commands are "
		       "assert_malformed"
		       "/assert_invalid on text-format modules (the engine "
		       "reads binaries only)\n",
		       skipped);
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	free(o.exclude);
	return failed ? 1 : 0;
}
