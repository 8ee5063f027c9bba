/* test_buf.c — growable buffer: growth, sticky error, bound, steal. */
#include "test.h"

#include "hearth/buf.h"

TEST(buf_append_grows_and_keeps_bytes)
{
	hb_buf b;
	size_t n;
	uint8_t *p;

	hb_buf_init(&b);
	for (int i = 0; i < 1000; i++)
		ASSERT_OK(hb_buf_push(&b, (uint8_t)i));
	ASSERT_EQ(b.len, 1000);
	for (int i = 0; i < 1000; i++)
		ASSERT_EQ(b.data[i], (uint8_t)i);
	p = hb_buf_steal(&b, &n);
	ASSERT_EQ(n, 1000);
	ASSERT_EQ(p[999], (uint8_t)999);
	ASSERT_EQ(b.len, 0);
	ASSERT_NULL(b.data);
	free(p);
	hb_buf_deinit(&b);
}

TEST(buf_bound_is_sticky)
{
	hb_buf b;

	hb_buf_init(&b);
	b.max = 10;
	ASSERT_OK(hb_buf_append(&b, "0123456789", 10));
	ASSERT_ERR(hb_buf_push(&b, 'x'), HB_ELIMIT);
	ASSERT_ERR(hb_buf_append(&b, "", 0), HB_ELIMIT);
	ASSERT_EQ(b.len, 10);
	hb_buf_reset(&b);
	ASSERT_OK(hb_buf_append(&b, "ab", 2));
	ASSERT_EQ(b.len, 2);
	hb_buf_deinit(&b);
}
