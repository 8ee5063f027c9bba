/* test_link.c — instances importing each other's functions, memory, table
 * and globals: imported code runs with its own instance's globals, memory
 * is shared both ways, and exporters stay alive while importers need them. */
#include "helpers.h"
#include "wb.h"

/* Module A: a private global (1000), an exported mutable global "g"
 * (100), memory "mem" (1..10 pages), table "tab" holding get_priv. */
static uint8_t *module_a(size_t *len)
{
	static const uint8_t get_priv[] = {0x23, 0};
	static const uint8_t bump[] = {0x23, 0, 0x20, 0, 0x6A,
				       0x24, 0, 0x23, 0};
	static const uint8_t load16[] = {0x41, 16, 0x28, 2, 0};
	static const uint8_t get_shared[] = {0x23, 1};
	static const uint8_t pages[] = {0x3F, 0};
	wb b;
	uint32_t t0, t1, f0;
	uint8_t *out;

	wb_init(&b);
	t0 = wb_type(&b, "", "i");
	t1 = wb_type(&b, "i", "i");
	wb_global(&b, 'i', 1, 1000);
	wb_global(&b, 'i', 1, 100);
	wb_memory(&b, 1, 10);
	wb_table(&b, 4, -1);
	f0 = wb_func(&b, t0, "", get_priv, sizeof get_priv);
	wb_export(&b, "get_priv", 0, f0);
	wb_export(&b, "bump", 0, wb_func(&b, t1, "", bump, sizeof bump));
	wb_export(&b, "load16", 0, wb_func(&b, t0, "", load16, sizeof load16));
	wb_export(&b, "get_shared", 0,
		  wb_func(&b, t0, "", get_shared, sizeof get_shared));
	wb_export(&b, "pages", 0, wb_func(&b, t0, "", pages, sizeof pages));
	wb_export(&b, "g", HW_EXTERN_GLOBAL, 1);
	wb_export(&b, "mem", HW_EXTERN_MEMORY, 0);
	wb_export(&b, "tab", HW_EXTERN_TABLE, 0);
	wb_elem(&b, 0, &f0, 1);
	out = wb_finish(&b, len);
	wb_deinit(&b);
	return out;
}

/* Module B imports a.bump, a.mem (max: mem_max, -1 none), a.tab, a.g. */
static uint8_t *module_b(size_t *len, int64_t mem_max)
{
	static const uint8_t store[] = {0x20, 0, 0x20, 1, 0x36, 2, 0};
	static const uint8_t call_bump[] = {0x20, 0, 0x10, 0};
	static const uint8_t indirect[] = {0x20, 0, 0x11, 0, 0};
	static const uint8_t set_shared[] = {0x20, 0, 0x24, 0};
	static const uint8_t grow[] = {0x20, 0, 0x40, 0};
	wb b;
	uint32_t t0, t1, t2, t3;
	uint8_t *out;

	wb_init(&b);
	t0 = wb_type(&b, "", "i");
	t1 = wb_type(&b, "i", "i");
	t2 = wb_type(&b, "ii", "");
	t3 = wb_type(&b, "i", "");
	wb_import_func(&b, "a", "bump", t1);
	wb_import_memory(&b, "a", "mem", 1, mem_max);
	wb_import_table(&b, "a", "tab", 4, -1);
	wb_import_global(&b, "a", "g", 'i', 1);
	wb_global(&b, 'i', 1, 7);
	wb_export(&b, "store", 0, wb_func(&b, t2, "", store, sizeof store));
	wb_export(&b, "call_bump", 0,
		  wb_func(&b, t1, "", call_bump, sizeof call_bump));
	wb_export(&b, "indirect", 0,
		  wb_func(&b, t1, "", indirect, sizeof indirect));
	wb_export(&b, "set_shared", 0,
		  wb_func(&b, t3, "", set_shared, sizeof set_shared));
	wb_export(&b, "grow", 0, wb_func(&b, t1, "", grow, sizeof grow));
	(void)t0;
	out = wb_finish(&b, len);
	wb_deinit(&b);
	return out;
}

static int link_b(hw_module *mb, hw_instance *a, hw_instance **b, hw_error *err)
{
	hw_extern ext[4];

	ASSERT_OK(hw_instance_export(a, "bump", &ext[0]));
	ASSERT_OK(hw_instance_export(a, "mem", &ext[1]));
	ASSERT_OK(hw_instance_export(a, "tab", &ext[2]));
	ASSERT_OK(hw_instance_export(a, "g", &ext[3]));
	return hw_instance_new(mb, ext, 4, NULL, b, err);
}

static uint32_t call1(hw_instance *inst, const char *name, uint32_t arg)
{
	uint32_t r = 0;

	ASSERT_EQ(call_i32(inst, name, &arg, 1, &r), HW_DONE);
	return r;
}

static uint32_t call0(hw_instance *inst, const char *name)
{
	uint32_t r = 0;

	ASSERT_EQ(call_i32(inst, name, NULL, 0, &r), HW_DONE);
	return r;
}

TEST(instances_share_memory_table_globals)
{
	size_t la, lb;
	uint8_t *ba = module_a(&la), *bb = module_b(&lb, -1);
	hw_module *ma = module_of(ba, la), *mb = module_of(bb, lb);
	hw_instance *a = NULL, *b = NULL;
	hw_error err;
	hw_extern g;
	uint32_t args[2] = {16, 42};

	ASSERT_OK(hw_instance_new(ma, NULL, 0, NULL, &a, &err));
	ASSERT_OK(link_b(mb, a, &b, &err));
	/* memory: B writes, A reads */
	ASSERT_EQ(call_i32(b, "store", args, 2, NULL), HW_DONE);
	ASSERT_EQ(call0(a, "load16"), 42);
	/* A's code called from B uses A's globals (its private one) */
	ASSERT_EQ(call1(b, "call_bump", 5), 1005);
	ASSERT_EQ(call0(a, "get_priv"), 1005);
	/* the same through the shared table */
	ASSERT_EQ(call1(b, "indirect", 0), 1005);
	/* an out-of-range or empty table slot traps in B */
	ASSERT_EQ(call_i32(b, "indirect", (uint32_t[]){1}, 1, NULL),
		  HW_TRAPPED);
	ASSERT_EQ(hw_instance_trap(b, NULL), HW_TRAP_UNINIT_ELEM);
	ASSERT_EQ(call_i32(b, "indirect", (uint32_t[]){9}, 1, NULL),
		  HW_TRAPPED);
	ASSERT_EQ(hw_instance_trap(b, NULL), HW_TRAP_UNDEFINED_ELEM);
	/* the global is one object */
	ASSERT_EQ(call_i32(b, "set_shared", (uint32_t[]){77}, 1, NULL),
		  HW_DONE);
	ASSERT_EQ(call0(a, "get_shared"), 77);
	ASSERT_OK(hw_instance_export(a, "g", &g));
	ASSERT_EQ(hw_global_get(g.u.global).i32, 77);
	/* growing in B is seen by A */
	ASSERT_EQ(call1(b, "grow", 2), 1);
	ASSERT_EQ(call0(a, "pages"), 3);
	ASSERT_EQ(call1(b, "grow", 100), (uint32_t)-1);
	/* A's embedder reference goes; B keeps A's objects alive */
	hw_instance_free(a);
	ASSERT_EQ(call1(b, "call_bump", 1), 1006);
	ASSERT_EQ(call1(b, "indirect", 0), 1006);
	hw_instance_free(b);
	hw_module_free(ma);
	hw_module_free(mb);
	free(ba);
	free(bb);
}

TEST(import_limits_are_checked)
{
	size_t la, lb;
	uint8_t *ba = module_a(&la), *bb = module_b(&lb, 5);
	hw_module *ma = module_of(ba, la), *mb = module_of(bb, lb);
	hw_instance *a = NULL, *b = NULL;
	hw_error err;

	ASSERT_OK(hw_instance_new(ma, NULL, 0, NULL, &a, &err));
	/* A's memory may grow to 10 pages; B accepts at most 5 */
	ASSERT_ERR(link_b(mb, a, &b, &err), HB_EUNLINKABLE);
	ASSERT_STREQ(err.reason, "incompatible import type");
	ASSERT_EQ(err.section, 2);
	ASSERT_NULL(b);
	hw_instance_free(a);
	hw_module_free(ma);
	hw_module_free(mb);
	free(ba);
	free(bb);
}

TEST(host_objects_can_be_imported)
{
	size_t lb;
	uint8_t *bb = module_b(&lb, -1);
	hw_module *mb = module_of(bb, lb);
	hw_memory *mem;
	hw_table *tab;
	hw_global *g;
	hw_func *bump;
	hw_instance *b = NULL;
	hw_extern ext[4];
	hw_error err;
	hw_val v;
	static const hw_valtype i[] = {HW_I32};
	uint64_t size;
	uint32_t args[2] = {100, 0x01020304};

	memset(&v, 0, sizeof v);
	ASSERT_OK(hw_memory_new(1, 4, true, &mem));
	ASSERT_OK(hw_table_new(HW_FUNCREF, 4, 0, false, v, &tab));
	v.i32 = 5;
	ASSERT_OK(hw_global_new(HW_I32, true, v, &g));
	ASSERT_OK(hw_func_new(i, 1, i, 1, host_add, NULL, &bump));
	ext[0] = (hw_extern){HW_EXTERN_FUNC, {.func = bump}};
	ext[1] = (hw_extern){HW_EXTERN_MEMORY, {.memory = mem}};
	ext[2] = (hw_extern){HW_EXTERN_TABLE, {.table = tab}};
	ext[3] = (hw_extern){HW_EXTERN_GLOBAL, {.global = g}};
	/* bump's type is (i32) -> i32 but host_add was made (i32) -> i32
	 * here too; kinds swapped must fail */
	ext[1].kind = HW_EXTERN_TABLE;
	ASSERT_ERR(hw_instance_new(mb, ext, 4, NULL, &b, &err), HB_EUNLINKABLE);
	ext[1].kind = HW_EXTERN_MEMORY;
	ASSERT_OK(hw_instance_new(mb, ext, 4, NULL, &b, &err));
	/* the embedder can drop its references: B holds them */
	hw_func_free(bump);
	hw_table_free(tab);
	ASSERT_EQ(call_i32(b, "store", args, 2, NULL), HW_DONE);
	ASSERT_EQ(hw_memory_data(mem, &size)[100], 4);
	ASSERT_EQ(call_i32(b, "set_shared", (uint32_t[]){9}, 1, NULL), HW_DONE);
	ASSERT_EQ(hw_global_get(g).i32, 9);
	v.i32 = 1;
	ASSERT_OK(hw_global_set(g, v));
	ASSERT_EQ(call1(b, "grow", 1), 1);
	ASSERT_EQ(hw_memory_pages(mem), 2);
	hw_memory_free(mem);
	hw_global_free(g);
	hw_instance_free(b);
	hw_module_free(mb);
	free(bb);
}

/* A segment out of bounds fails instantiation with HB_ETRAP after the
 * segments before it were applied to the imported memory, as the spec
 * says; the half-made instance comes back to be freed. */
TEST(failed_instantiation_keeps_earlier_segments)
{
	wb b;
	uint8_t *bytes;
	size_t len;
	hw_module *m;
	hw_memory *mem;
	hw_instance *inst = NULL;
	hw_extern ext[1];
	hw_error err;
	uint64_t size;

	wb_init(&b);
	wb_import_memory(&b, "env", "mem", 1, -1);
	wb_data(&b, 10, "hello", 5);
	wb_data(&b, 65534, "xyz", 3); /* one byte past the end */
	bytes = wb_finish(&b, &len);
	m = module_of(bytes, len);
	ASSERT_OK(hw_memory_new(1, 1, true, &mem));
	ext[0] = (hw_extern){HW_EXTERN_MEMORY, {.memory = mem}};
	ASSERT_ERR(hw_instance_new(m, ext, 1, NULL, &inst, &err), HB_ETRAP);
	ASSERT_STREQ(err.reason, "out of bounds memory access");
	ASSERT_EQ(err.section, 11);
	ASSERT_NOT_NULL(inst);
	ASSERT_MEMEQ(hw_memory_data(mem, &size) + 10, "hello", 5);
	ASSERT_EQ(hw_memory_data(mem, &size)[65534], 0);
	hw_instance_free(inst);
	hw_memory_free(mem);
	hw_module_free(m);
	free(bytes);
	wb_deinit(&b);
}

/* The start function runs under hw_instance_start, with fuel, and its
 * trap is a value like any other. */
TEST(start_function_runs_on_request)
{
	static const uint8_t set_g[] = {0x41, 42, 0x24, 0};
	static const uint8_t trap[] = {0x00};
	static const uint8_t spin[] = {0x03, 0x40, 0x0C, 0, 0x0B};
	wb b;
	uint8_t *bytes;
	size_t len;
	hw_module *m;
	hw_instance *inst = NULL;
	hw_error err;
	hw_extern g;

	wb_init(&b);
	wb_global(&b, 'i', 1, 0);
	wb_export(&b, "g", HW_EXTERN_GLOBAL, 0);
	wb_start(&b, wb_func(&b, wb_type(&b, "", ""), "", set_g, sizeof set_g));
	bytes = wb_finish(&b, &len);
	m = module_of(bytes, len);
	ASSERT_OK(hw_instance_new(m, NULL, 0, NULL, &inst, &err));
	ASSERT_OK(hw_instance_export(inst, "g", &g));
	ASSERT_EQ(hw_global_get(g.u.global).i32, 0); /* not run yet */
	ASSERT_EQ(hw_instance_start(inst), HW_DONE);
	ASSERT_EQ(hw_global_get(g.u.global).i32, 42);
	hw_instance_free(inst);
	hw_module_free(m);
	free(bytes);
	wb_deinit(&b);

	wb_init(&b);
	wb_start(&b, wb_func(&b, wb_type(&b, "", ""), "", trap, sizeof trap));
	bytes = wb_finish(&b, &len);
	m = module_of(bytes, len);
	ASSERT_OK(hw_instance_new(m, NULL, 0, NULL, &inst, &err));
	ASSERT_EQ(hw_instance_start(inst), HW_TRAPPED);
	ASSERT_EQ(hw_instance_trap(inst, NULL), HW_TRAP_UNREACHABLE);
	hw_instance_free(inst);
	hw_module_free(m);
	free(bytes);
	wb_deinit(&b);

	/* an endless start function is stopped by fuel */
	wb_init(&b);
	wb_start(&b, wb_func(&b, wb_type(&b, "", ""), "", spin, sizeof spin));
	bytes = wb_finish(&b, &len);
	m = module_of(bytes, len);
	ASSERT_OK(hw_instance_new(m, NULL, 0, NULL, &inst, &err));
	hw_instance_set_fuel(inst, 1000);
	ASSERT_EQ(hw_instance_start(inst), HW_OUT_OF_FUEL);
	hw_instance_set_fuel(inst, 1000);
	ASSERT_EQ(hw_instance_resume(inst, NULL, 0, NULL, 0), HW_OUT_OF_FUEL);
	ASSERT_OK(hw_instance_abort(inst));
	hw_instance_free(inst);
	hw_module_free(m);
	free(bytes);
	wb_deinit(&b);
}
