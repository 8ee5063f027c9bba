/* test.c — the guest side of the test framework (hearth_test.h): failures
 * and notes travel to the runner's reporter as MessagePack. */
#include <stdio.h>
#include <string.h>

#include "hearth_test.h"
#include "sdk_int.h"

static void report(const char *kind, const char *file, int line,
		   const char *text)
{
	hb_buf b;

	hb_buf_init(&b);
	hb_mp_put_array(&b, file ? 4 : 2);
	hb_mp_put_cstr(&b, kind);
	if (file) {
		hb_mp_put_cstr(&b, file);
		hb_mp_put_int(&b, line);
	}
	hb_mp_put_cstr(&b, text);
	/* best effort: a test run outside the runner has no reporter */
	hearth_send_buf(HT_REPORTER, &b, NULL, 0);
	hb_buf_deinit(&b);
}

_Noreturn void ht_fail(const char *file, int line, const char *fmt, ...)
{
	char text[400], why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	snprintf(why, sizeof why, "%s:%d: assertion failed: %s", file, line,
		 text);
	hearth_log_str(HEARTH_LOG_ERROR, why, strlen(why));
	report("fail", file, line, text);
	hearth_exit(HEARTH_EXIT_ERROR, why);
}

void ht_note(const char *fmt, ...)
{
	char text[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	report("note", NULL, 0, text);
}
