/* test_fuse.c — binary operators fused with the load of one operand
 * (F64_ADD_M, I32_SUB_M, ...): the right results for a loaded right
 * operand, a loaded left operand (fused only where the operator
 * commutes), an address computed by another load, and the bounds trap. */
#include "helpers.h"
#include "wb.h"

enum { F64_LOAD = 0x2b, F32_LOAD = 0x2a, I32_LOAD = 0x28, I64_LOAD = 0x29 };

/* body: (op (local.get 0) (load offset=8 (local.get 1))) or, left, the
 * load first. */
static uint32_t add_fn(wb *b, uint32_t type, uint8_t load, uint8_t align,
		       uint8_t opc, bool left)
{
	uint8_t body[16];
	size_t n = 0;

	if (left) {
		body[n++] = 0x20, body[n++] = 1;
		body[n++] = load, body[n++] = align, body[n++] = 8;
		body[n++] = 0x20, body[n++] = 0;
	} else {
		body[n++] = 0x20, body[n++] = 0;
		body[n++] = 0x20, body[n++] = 1;
		body[n++] = load, body[n++] = align, body[n++] = 8;
	}
	body[n++] = opc;
	return wb_func(b, type, "", body, n);
}

static hw_module *fuse_module(void)
{
	/* memory: f64 1.5 @8, f64 0.25 @16, i32 7 @24 (as a pointer too),
	 * f32 2.5 @32, i64 5e9 @40 */
	static const uint8_t chase[] = {
		/* x + f64.load offset=8 (i32.load offset=16 (p)) */
		0x20, 0, 0x20, 1, I32_LOAD, 2, 16, F64_LOAD, 3, 8, 0xa0};
	uint8_t data[48] = {0};
	double d1 = 1.5, d2 = 0.25;
	float f = 2.5f;
	uint32_t seven = 7;
	uint64_t big = 5000000000ull;
	wb b;
	uint32_t td, tf, ti, tl;
	size_t len;
	uint8_t *bytes;
	hw_module *m;

	memcpy(data + 8, &d1, 8);
	memcpy(data + 16, &d2, 8);
	memcpy(data + 24, &seven, 4);
	memcpy(data + 32, &f, 4);
	memcpy(data + 40, &big, 8);
	wb_init(&b);
	td = wb_type(&b, "di", "d");
	tf = wb_type(&b, "fi", "f");
	ti = wb_type(&b, "ii", "i");
	tl = wb_type(&b, "li", "l");
	wb_memory(&b, 1, 1);
	wb_export(&b, "f64_add_r", 0, add_fn(&b, td, F64_LOAD, 3, 0xa0, false));
	wb_export(&b, "f64_add_l", 0, add_fn(&b, td, F64_LOAD, 3, 0xa0, true));
	wb_export(&b, "f64_sub_r", 0, add_fn(&b, td, F64_LOAD, 3, 0xa1, false));
	wb_export(&b, "f64_sub_l", 0, add_fn(&b, td, F64_LOAD, 3, 0xa1, true));
	wb_export(&b, "f64_mul_l", 0, add_fn(&b, td, F64_LOAD, 3, 0xa2, true));
	wb_export(&b, "f32_mul_r", 0, add_fn(&b, tf, F32_LOAD, 2, 0x94, false));
	wb_export(&b, "f32_sub_l", 0, add_fn(&b, tf, F32_LOAD, 2, 0x93, true));
	wb_export(&b, "i32_sub_r", 0, add_fn(&b, ti, I32_LOAD, 2, 0x6b, false));
	wb_export(&b, "i32_sub_l", 0, add_fn(&b, ti, I32_LOAD, 2, 0x6b, true));
	wb_export(&b, "i32_xor_l", 0, add_fn(&b, ti, I32_LOAD, 2, 0x73, true));
	wb_export(&b, "i64_add_r", 0, add_fn(&b, tl, I64_LOAD, 3, 0x7c, false));
	wb_export(&b, "i64_sub_l", 0, add_fn(&b, tl, I64_LOAD, 3, 0x7d, true));
	wb_export(&b, "chase", 0, wb_func(&b, td, "", chase, sizeof chase));
	wb_data(&b, 0, data, sizeof data);
	bytes = wb_finish(&b, &len);
	wb_deinit(&b);
	m = module_of(bytes, len);
	free(bytes);
	return m;
}

static hw_val call2(hw_instance *inst, const char *name, hw_val x, uint32_t p,
		    int *st)
{
	hw_val a[2] = {x, {.i32 = p}}, r[1] = {{0}};

	*st = hw_instance_call(inst, hw_instance_func(inst, name), a, 2, r, 1);
	return r[0];
}

TEST(loads_fused_into_operators_compute_the_same)
{
	hw_module *m = fuse_module();
	hw_instance *inst;
	hw_error err;
	int st;

	ASSERT_OK(hw_instance_new(m, NULL, 0, NULL, &inst, &err));
	/* p = 0: the f64 at 8 (1.5); p = 8: the f64 at 16 (0.25) */
	ASSERT_DEQ(call2(inst, "f64_add_r", (hw_val){.f64 = 10}, 0, &st).f64,
		   11.5);
	ASSERT_DEQ(call2(inst, "f64_add_l", (hw_val){.f64 = 10}, 8, &st).f64,
		   10.25);
	ASSERT_DEQ(call2(inst, "f64_sub_r", (hw_val){.f64 = 10}, 0, &st).f64,
		   8.5);
	ASSERT_DEQ(call2(inst, "f64_sub_l", (hw_val){.f64 = 10}, 0, &st).f64,
		   -8.5);
	ASSERT_DEQ(call2(inst, "f64_mul_l", (hw_val){.f64 = 10}, 8, &st).f64,
		   2.5);
	ASSERT_DEQ(call2(inst, "f32_mul_r", (hw_val){.f32 = 4}, 24, &st).f32,
		   10);
	ASSERT_DEQ(call2(inst, "f32_sub_l", (hw_val){.f32 = 4}, 24, &st).f32,
		   -1.5);
	ASSERT_EQ(call2(inst, "i32_sub_r", (hw_val){.i32 = 10}, 16, &st).i32,
		  3);
	ASSERT_EQ(
		(int32_t)call2(inst, "i32_sub_l", (hw_val){.i32 = 10}, 16, &st)
			.i32,
		-3);
	ASSERT_EQ(call2(inst, "i32_xor_l", (hw_val){.i32 = 5}, 16, &st).i32, 2);
	ASSERT_UEQ(call2(inst, "i64_add_r", (hw_val){.i64 = 1}, 32, &st).i64,
		   5000000001ull);
	ASSERT_EQ((int64_t)call2(inst, "i64_sub_l", (hw_val){.i64 = 1}, 32, &st)
			  .i64,
		  4999999999ll);
	ASSERT_EQ(st, HW_DONE);
	/* the address from another load: x + f64 at (i32 at p + 16) + 8;
	 * with p = 0 the i32 at 16 is the low half of 0.25, which is 0, so
	 * the f64 read is the 1.5 at 8 */
	ASSERT_DEQ(call2(inst, "chase", (hw_val){.f64 = 3}, 0, &st).f64, 4.5);
	/* out of bounds: the fused load traps like the load alone */
	call2(inst, "f64_add_r", (hw_val){.f64 = 1}, 65536 - 8, &st);
	ASSERT_EQ(st, HW_TRAPPED);
	ASSERT_EQ(hw_instance_trap(inst, NULL), HW_TRAP_MEMORY_OOB);
	call2(inst, "i32_sub_l", (hw_val){.i32 = 1}, 65536 - 11, &st);
	ASSERT_EQ(st, HW_TRAPPED);
	ASSERT_EQ(call2(inst, "i32_sub_l", (hw_val){.i32 = 1}, 65536 - 12, &st)
			  .i32,
		  (uint32_t)-1);
	ASSERT_EQ(st, HW_DONE);
	hw_instance_free(inst);
	hw_module_free(m);
}
