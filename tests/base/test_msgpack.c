/* test_msgpack.c — MessagePack: shortest encodings byte for byte, round
 * trips at every width boundary, and clear errors on bad input. */
#include "test.h"

#include "hearth/msgpack.h"

static void expect_bytes(hb_buf *b, const char *hex)
{
	char got[512] = "";
	size_t i;

	ASSERT_OK(b->err);
	for (i = 0; i < b->len && 2 * i + 2 < sizeof got; i++)
		snprintf(got + 2 * i, 3, "%02x", b->data[i]);
	ASSERT_STREQ(got, hex);
	hb_buf_reset(b);
}

TEST(msgpack_shortest_integer_encodings)
{
	hb_buf b;

	hb_buf_init(&b);
	hb_mp_put_int(&b, 0);
	expect_bytes(&b, "00");
	hb_mp_put_int(&b, 127);
	expect_bytes(&b, "7f");
	hb_mp_put_int(&b, 128);
	expect_bytes(&b, "cc80");
	hb_mp_put_int(&b, 65535);
	expect_bytes(&b, "cdffff");
	hb_mp_put_int(&b, 65536);
	expect_bytes(&b, "ce00010000");
	hb_mp_put_uint(&b, UINT64_MAX);
	expect_bytes(&b, "cfffffffffffffffff");
	hb_mp_put_int(&b, -1);
	expect_bytes(&b, "ff");
	hb_mp_put_int(&b, -32);
	expect_bytes(&b, "e0");
	hb_mp_put_int(&b, -33);
	expect_bytes(&b, "d0df");
	hb_mp_put_int(&b, -129);
	expect_bytes(&b, "d1ff7f");
	hb_mp_put_int(&b, INT64_MIN);
	expect_bytes(&b, "d38000000000000000");
	hb_buf_deinit(&b);
}

TEST(msgpack_containers_strings_and_floats)
{
	hb_buf b;

	hb_buf_init(&b);
	hb_mp_put_map(&b, 1);
	hb_mp_put_cstr(&b, "a");
	hb_mp_put_array(&b, 2);
	hb_mp_put_bool(&b, true);
	hb_mp_put_nil(&b);
	expect_bytes(&b, "81a16192c3c0");
	hb_mp_put_double(&b, 1.0);
	expect_bytes(&b, "cb3ff0000000000000");
	hb_mp_put_float(&b, 1.0f);
	expect_bytes(&b, "ca3f800000");
	hb_mp_put_bin(&b, "xy", 2);
	expect_bytes(&b, "c4027879");
	hb_mp_put_ext(&b, 5, "abcd", 4);
	expect_bytes(&b, "d60561626364");
	hb_mp_put_array(&b, 16);
	expect_bytes(&b, "dc0010");
	hb_buf_deinit(&b);
}

TEST(msgpack_roundtrip_boundaries)
{
	static const int64_t ints[] = {0, 1, 127, 128, 255, 256, 65535, 65536,
				       INT32_MAX, (int64_t)UINT32_MAX + 1, INT64_MAX,
				       -1, -32, -33, -128, -129, -32768, -32769,
				       INT32_MIN, (int64_t)INT32_MIN - 1, INT64_MIN};
	char big[70000];
	hb_mp_reader r;
	const char *s;
	uint32_t len;
	int64_t v;
	hb_buf b;
	size_t i;

	memset(big, 'q', sizeof big);
	hb_buf_init(&b);
	for (i = 0; i < sizeof ints / sizeof ints[0]; i++)
		hb_mp_put_int(&b, ints[i]);
	hb_mp_put_str(&b, big, 31);
	hb_mp_put_str(&b, big, 32);
	hb_mp_put_str(&b, big, 300);
	hb_mp_put_str(&b, big, sizeof big);
	ASSERT_OK(b.err);

	hb_mp_reader_init(&r, b.data, b.len);
	for (i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		ASSERT_OK(hb_mp_get_int(&r, &v));
		ASSERT_EQ(v, ints[i]);
	}
	ASSERT_OK(hb_mp_get_str(&r, &s, &len));
	ASSERT_EQ(len, 31);
	ASSERT_OK(hb_mp_get_str(&r, &s, &len));
	ASSERT_EQ(len, 32);
	ASSERT_OK(hb_mp_get_str(&r, &s, &len));
	ASSERT_EQ(len, 300);
	ASSERT_OK(hb_mp_get_str(&r, &s, &len));
	ASSERT_EQ(len, sizeof big);
	ASSERT_MEMEQ(s, big, sizeof big);
	ASSERT(hb_mp_done(&r));
	hb_buf_deinit(&b);
}

TEST(msgpack_typed_getters_report_mismatch_and_range)
{
	static const uint8_t neg[] = {0xff};
	static const uint8_t big[] = {0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t str[] = {0xa1, 'x'};
	hb_mp_reader r;
	uint64_t u = 7;
	int64_t i = 7;
	uint32_t n;

	hb_mp_reader_init(&r, neg, sizeof neg);
	ASSERT_ERR(hb_mp_get_uint(&r, &u), HB_ERANGE);
	ASSERT_EQ(u, 7);
	hb_mp_reader_init(&r, big, sizeof big);
	ASSERT_ERR(hb_mp_get_int(&r, &i), HB_ERANGE);
	hb_mp_reader_init(&r, big, sizeof big);
	ASSERT_ERR(hb_mp_get_u32(&r, &n), HB_ERANGE);
	hb_mp_reader_init(&r, str, sizeof str);
	ASSERT_ERR(hb_mp_get_array(&r, &n), HB_EINVAL);
	/* the mismatch did not consume the string, and the error is sticky */
	ASSERT_EQ(r.p - str, 0);
	ASSERT_ERR(hb_mp_skip(&r), HB_EINVAL);
}

TEST(msgpack_rejects_truncated_and_reserved)
{
	static const uint8_t cases[][6] = {
		{1, 0xc1},		   /* reserved byte */
		{2, 0xa5, 'a'},		   /* fixstr shorter than its length */
		{2, 0xcd, 0x01},	   /* uint16 missing a byte */
		{5, 0xdd, 0xff, 0xff, 0xff, 0xff}, /* array of 4G items, no items */
		{2, 0xc7, 0x01},	   /* ext8 without its type byte */
		{0},			   /* empty input */
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		hb_mp_reader r;

		hb_mp_reader_init(&r, cases[i] + 1, cases[i][0]);
		ASSERT_ERR(hb_mp_skip(&r), HB_EMALFORMED);
	}
}

TEST(msgpack_skip_and_text_of_nested_value)
{
	static const uint8_t v[] = {0x82, 0xa1, 'a', 0x93, 0x01, 0xe0, 0xcb, 0x3f, 0xf8,
				    0, 0, 0, 0, 0, 0, 0xa1, 'b', 0x80};
	hb_mp_reader r;
	hb_buf out;

	hb_mp_reader_init(&r, v, sizeof v);
	ASSERT_OK(hb_mp_skip(&r));
	ASSERT(hb_mp_done(&r));

	hb_buf_init(&out);
	hb_mp_reader_init(&r, v, sizeof v);
	ASSERT_OK(hb_mp_to_text(&r, &out));
	hb_buf_push(&out, 0);
	ASSERT_STREQ((char *)out.data, "{\"a\":[1,-32,1.5],\"b\":{}}");
	hb_buf_deinit(&out);
}

TEST(msgpack_text_depth_is_capped)
{
	uint8_t v[200];
	hb_mp_reader r;
	hb_buf out;

	memset(v, 0x91, sizeof v - 1);
	v[sizeof v - 1] = 0xc0;
	hb_buf_init(&out);
	hb_mp_reader_init(&r, v, sizeof v);
	ASSERT_ERR(hb_mp_to_text(&r, &out), HB_ELIMIT);
	hb_buf_deinit(&out);
	/* skip has no depth limit: it keeps no stack */
	hb_mp_reader_init(&r, v, sizeof v);
	ASSERT_OK(hb_mp_skip(&r));
}
