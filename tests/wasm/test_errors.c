/* test_errors.c — malformed and invalid modules are rejected with the
 * right category, section, byte offset and reason; caps from limits.h;
 * SIMD validates but does not compile yet. */
#include "hearth/limits.h"
#include "helpers.h"
#include "wb.h"

static int check(const uint8_t *bytes, size_t len, hw_error *err)
{
	hw_module *m = NULL;
	int rc = hw_module_new(bytes, len, NULL, &m, err);

	hw_module_free(m);
	return rc;
}

TEST(header_errors)
{
	static const uint8_t bad_magic[] = {0, 'a', 's', 'n', 1, 0, 0, 0};
	static const uint8_t bad_version[] = {0, 'a', 's', 'm', 2, 0, 0, 0};
	static const uint8_t short_[] = {0, 'a', 's'};
	hw_error err;

	ASSERT_ERR(check(bad_magic, sizeof bad_magic, &err), HB_EMALFORMED);
	ASSERT_STREQ(err.reason, "magic header not detected");
	ASSERT_EQ(err.offset, 0);
	ASSERT_EQ(err.section, -1);
	ASSERT_ERR(check(bad_version, sizeof bad_version, &err), HB_EMALFORMED);
	ASSERT_STREQ(err.reason, "unknown binary version");
	ASSERT_EQ(err.offset, 4);
	ASSERT_ERR(check(short_, sizeof short_, &err), HB_EMALFORMED);
	ASSERT_STREQ(err.reason, "unexpected end");
	ASSERT_ERR(check(NULL, 0, &err), HB_EMALFORMED);
}

TEST(section_errors_name_section_and_offset)
{
	/* a type section whose size runs past the end of the input */
	static const uint8_t overlong[] = {0, 'a', 's', 'm', 1,	   0, 0,
					   0, 1,   9,	1,   0x60, 0, 0};
	/* a bad value type at offset 13 of the type section */
	static const uint8_t badtype[] = {0, 'a', 's', 'm',  1, 0,    0, 0,
					  1, 5,	  1,   0x60, 1, 0x55, 0};
	/* section id 13 does not exist */
	static const uint8_t badid[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 13, 0};
	/* two type sections */
	static const uint8_t twice[] = {0, 'a', 's', 'm', 1, 0, 0,
					0, 1,	1,   0,	  1, 1, 0};
	hw_error err;

	ASSERT_ERR(check(overlong, sizeof overlong, &err), HB_EMALFORMED);
	ASSERT_EQ(err.section, 1);
	ASSERT_STREQ(err.reason, "length out of bounds");
	ASSERT_ERR(check(badtype, sizeof badtype, &err), HB_EMALFORMED);
	ASSERT_EQ(err.section, 1);
	ASSERT_EQ(err.offset, 13);
	ASSERT(strstr(err.message, "type section"));
	ASSERT(strstr(err.message, "offset 13"));
	ASSERT_ERR(check(badid, sizeof badid, &err), HB_EMALFORMED);
	ASSERT_STREQ(err.reason, "malformed section id");
	ASSERT_EQ(err.offset, 8);
	ASSERT_ERR(check(twice, sizeof twice, &err), HB_EMALFORMED);
	ASSERT_EQ(err.offset, 11);
}

TEST(invalid_code_points_at_the_instruction)
{
	wb b;
	uint8_t *bytes;
	size_t len;
	hw_error err;
	/* i32.const 1; f64.const 0; i32.add */
	static const uint8_t body[] = {0x41, 1, 0x44, 0, 0, 0,
				       0,    0, 0,    0, 0, 0x6A};

	wb_init(&b);
	wb_func(&b, wb_type(&b, "", "i"), "", body, sizeof body);
	bytes = wb_finish(&b, &len);
	ASSERT_ERR(check(bytes, len, &err), HB_EINVALID);
	ASSERT_EQ(err.section, 10);
	ASSERT_STREQ(err.reason, "type mismatch");
	/* the i32.add is the last byte before `end` */
	ASSERT_EQ(err.offset, len - 2);
	ASSERT_EQ(bytes[err.offset], 0x6A);
	ASSERT(strstr(err.message, "code section"));
	ASSERT(strstr(err.message, "function 0"));
	/* hw_module_validate says the same */
	ASSERT_ERR(hw_module_validate(bytes, len, &err), HB_EINVALID);
	free(bytes);
	wb_deinit(&b);
}

TEST(invalid_module_level)
{
	wb b;
	uint8_t *bytes;
	size_t len;
	hw_error err;

	/* export of a function that does not exist */
	wb_init(&b);
	wb_export(&b, "f", HW_EXTERN_FUNC, 3);
	bytes = wb_finish(&b, &len);
	ASSERT_ERR(check(bytes, len, &err), HB_EINVALID);
	ASSERT_EQ(err.section, 7);
	ASSERT_STREQ(err.reason, "unknown function");
	free(bytes);
	wb_deinit(&b);

	/* duplicate export names */
	wb_init(&b);
	wb_memory(&b, 1, -1);
	wb_export(&b, "m", HW_EXTERN_MEMORY, 0);
	wb_export(&b, "m", HW_EXTERN_MEMORY, 0);
	bytes = wb_finish(&b, &len);
	ASSERT_ERR(check(bytes, len, &err), HB_EINVALID);
	ASSERT_STREQ(err.reason, "duplicate export name");
	free(bytes);
	wb_deinit(&b);

	/* memory over 4 GiB */
	wb_init(&b);
	wb_memory(&b, 65537, -1);
	bytes = wb_finish(&b, &len);
	ASSERT_ERR(check(bytes, len, &err), HB_EINVALID);
	ASSERT_EQ(err.section, 5);
	free(bytes);
	wb_deinit(&b);

	/* writing an immutable global */
	wb_init(&b);
	wb_global(&b, 'i', 0, 5);
	{
		static const uint8_t body[] = {0x41, 1, 0x24, 0};

		wb_func(&b, wb_type(&b, "", ""), "", body, sizeof body);
	}
	bytes = wb_finish(&b, &len);
	ASSERT_ERR(check(bytes, len, &err), HB_EINVALID);
	ASSERT_STREQ(err.reason, "global is immutable");
	free(bytes);
	wb_deinit(&b);
}

TEST(caps_from_limits_h)
{
	hw_error err;
	/* one function declaring HW_MAX_LOCALS + 1 locals in one group */
	static uint8_t mod[64] = {0, 'a', 's', 'm',  1, 0, 0, 0,
				  1, 4,	  1,   0x60, 0, 0, /* type () -> () */
				  3, 2,	  1,   0};	   /* one function */
	size_t n = 18, body_at;
	uint8_t tmp[10];
	size_t k;

	mod[n++] = 10; /* code section */
	body_at = n;
	n += 2;	      /* size, count: patched */
	mod[n++] = 0; /* body size, patched */
	mod[n++] = 1; /* one local group */
	k = wb_uleb(tmp, HW_MAX_LOCALS + 1);
	memcpy(mod + n, tmp, k);
	n += k;
	mod[n++] = 0x7F;
	mod[n++] = 0x0B;
	mod[body_at + 2] = (uint8_t)(n - body_at - 3);
	mod[body_at + 1] = 1;
	mod[body_at] = (uint8_t)(n - body_at - 1);
	ASSERT_ERR(check(mod, n, &err), HB_ELIMIT);
	ASSERT_STREQ(err.reason, "too many locals");

	/* a count over the cap, then one the bytes cannot hold */
	{
		uint8_t big[] = {0, 'a', 's',  'm',  1,	   0,	 0,    0,
				 1, 6,	 0xFF, 0xFF, 0xFF, 0x0F, 0x60, 0};

		ASSERT_ERR(check(big, sizeof big, &err), HB_ELIMIT);
		big[10] = 0x7F; /* 127 types in 2 bytes: too few bytes */
		big[9] = 3;
		ASSERT_ERR(check(big, 8 + 2 + 3, &err), HB_EMALFORMED);
	}
}

TEST(simd_validates_compiles_and_checks_lanes)
{
	wb b;
	uint8_t *bytes;
	size_t len;
	hw_error err;
	hw_module *m = NULL;
	/* v128.const i8x16 1 4 7 ... 46; i8x16.extract_lane_u 3 */
	uint8_t body[2 + 16 + 3];
	size_t n = 0;

	body[n++] = 0xFD;
	body[n++] = 0x0C;
	for (int i = 0; i < 16; i++)
		body[n++] = (uint8_t)(1 + 3 * i);
	body[n++] = 0xFD;
	body[n++] = 0x16;
	body[n++] = 3;
	wb_init(&b);
	wb_export(&b, "f", HW_EXTERN_FUNC,
		  wb_func(&b, wb_type(&b, "", "i"), "", body, n));
	bytes = wb_finish(&b, &len);
	ASSERT_OK(hw_module_validate(bytes, len, &err));
	ASSERT_OK(hw_module_new(bytes, len, NULL, &m, &err));
	{
		hw_instance *inst = NULL;
		hw_val res[1];

		ASSERT_OK(hw_instance_new(m, NULL, 0, NULL, &inst, &err));
		ASSERT_EQ(hw_instance_call(inst, hw_instance_func(inst, "f"),
					   NULL, 0, res, 1),
			  HW_DONE);
		ASSERT_EQ(res[0].i32, 10);
		hw_instance_free(inst);
	}
	hw_module_free(m);
	/* a lane index out of range is invalid */
	free(bytes);
	wb_deinit(&b);
	body[n - 1] = 16;
	wb_init(&b);
	wb_func(&b, wb_type(&b, "", "i"), "", body, n);
	bytes = wb_finish(&b, &len);
	ASSERT_ERR(hw_module_validate(bytes, len, &err), HB_EINVALID);
	ASSERT_STREQ(err.reason, "invalid lane index");
	free(bytes);
	wb_deinit(&b);
}

TEST(module_describes_imports_and_exports)
{
	wb b;
	uint8_t *bytes;
	size_t len;
	hw_module *m;
	hw_extern_info info;
	static const uint8_t body[] = {0x20, 0, 0x20, 1, 0x6A};

	wb_init(&b);
	wb_import_func(&b, "env", "f", wb_type(&b, "il", "d"));
	wb_import_memory(&b, "env", "mem", 1, 10);
	wb_import_global(&b, "env", "g", 'l', 1);
	wb_export(&b, "add", HW_EXTERN_FUNC,
		  wb_func(&b, wb_type(&b, "ii", "i"), "", body, sizeof body));
	wb_export(&b, "g", HW_EXTERN_GLOBAL, 0);
	bytes = wb_finish(&b, &len);
	m = module_of(bytes, len);
	ASSERT_EQ(hw_module_import_count(m), 3);
	ASSERT_EQ(hw_module_export_count(m), 2);
	ASSERT_OK(hw_module_import(m, 0, &info));
	ASSERT_STREQ(info.module, "env");
	ASSERT_STREQ(info.name, "f");
	ASSERT_EQ(info.nparams, 2);
	ASSERT_EQ(info.params[1], HW_I64);
	ASSERT_EQ(info.results[0], HW_F64);
	ASSERT_OK(hw_module_import(m, 1, &info));
	ASSERT_EQ(info.kind, HW_EXTERN_MEMORY);
	ASSERT_EQ(info.min, 1);
	ASSERT_EQ(info.max, 10);
	ASSERT(info.has_max);
	ASSERT_OK(hw_module_import(m, 2, &info));
	ASSERT_EQ(info.kind, HW_EXTERN_GLOBAL);
	ASSERT_EQ(info.type, HW_I64);
	ASSERT(info.mut);
	ASSERT_OK(hw_module_export(m, 0, &info));
	ASSERT_STREQ(info.name, "add");
	ASSERT_EQ(info.nresults, 1);
	ASSERT_ERR(hw_module_export(m, 2, &info), HB_ERANGE);
	hw_module_free(m);
	free(bytes);
	wb_deinit(&b);
}
