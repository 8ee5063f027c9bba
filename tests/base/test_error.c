/* test_error.c — the error table: every code has a distinct name and a
 * message, unknown codes are reported as such. */
#include "test.h"

TEST(error_names_and_messages)
{
	ASSERT_STREQ(hb_errname(HB_OK), "HB_OK");
	ASSERT_STREQ(hb_errname(HB_ENOMEM), "HB_ENOMEM");
	ASSERT_STREQ(hb_strerror(HB_EPERM), "permission denied");
	ASSERT_STREQ(hb_strerror(12345), "unknown error");
	for (int e = -1; e >= HB__ERR_MIN; e--) {
		ASSERT_MSG(strcmp(hb_errname(e), "HB_E?") != 0, "code %d unnamed", e);
		for (int f = e - 1; f >= HB__ERR_MIN; f--)
			ASSERT(strcmp(hb_errname(e), hb_errname(f)) != 0);
	}
	ASSERT_STREQ(hb_errname(HB__ERR_MIN - 1), "HB_E?");
}
