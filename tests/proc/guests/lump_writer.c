/* lump_writer.c — a guest for the server crash test: writes lumps of
 * varied sizes without end and logs "ack <n> <id>" after each lump_new
 * returns (the lump is durable then). Lump n's bytes are lump_bytes(n),
 * which the test regenerates to check what it finds after a kill -9. */
#include "gt.h"

#define MAX_LUMP 200000

static uint8_t buf[MAX_LUMP];

/* The bytes of lump n (the test has the same function). */
static uint32_t lump_bytes(uint32_t n, uint8_t *out)
{
	uint32_t len = 64 + (n * 7919u) % (MAX_LUMP - 64), x = n * 2654435761u;

	for (uint32_t k = 0; k < len; k++) {
		x = x * 1664525u + 1013904223u;
		out[k] = (uint8_t)(x >> 24);
	}
	return len;
}

EXPORT("main") void writer(void)
{
	static const char hexd[] = "0123456789abcdef";
	uint32_t n;

	/* a fresh range each run, so a restarted server writes new lumps */
	hearth_v1_random(&n, sizeof n);
	n &= 0x7fffffff;
	for (;;) {
		uint8_t id[32];
		char line[128];
		size_t k = 0;
		uint32_t len = lump_bytes(n, buf);
		int32_t l = hearth_v1_lump_new(buf, len, id);

		if (l < 0) {
			gt_str(line, &k, "lump_new failed ");
			gt_num(line, &k, l);
			hearth_v1_log(HEARTH_LOG_ERROR, line, (uint32_t)k);
			hearth_v1_exit(HEARTH_EXIT_ERROR, line, (uint32_t)k);
		}
		hearth_v1_lump_free(l);
		gt_str(line, &k, "ack ");
		gt_num(line, &k, n);
		gt_str(line, &k, " ");
		for (int i = 0; i < 32; i++) {
			line[k++] = hexd[id[i] >> 4];
			line[k++] = hexd[id[i] & 15];
		}
		hearth_v1_log(HEARTH_LOG_INFO, line, (uint32_t)k);
		n = (n + 1) & 0x7fffffff;
	}
}

/* For --init tests: traps at once. */
EXPORT("crash") void crash(void)
{
	__builtin_trap();
}

/* For --init tests: logs and returns. */
EXPORT("quick") void quick(void)
{
	hearth_v1_log(HEARTH_LOG_INFO, "init done", 9);
}
