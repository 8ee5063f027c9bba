/* gt.h — helpers for the proc tests' guests: report to the test through
 * handle 0 (a host inbox), check conditions and report failures with the
 * line, without libc's stdio (so the guests import nothing but hearth_v1). */
#ifndef GT_H
#define GT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hearth_abi.h"

#define EXPORT(name) __attribute__((export_name(name)))
#define INBOX	     0

static inline void gt_send(int32_t cap, const char *s)
{
	hearth_v1_cap_send(cap, s, (uint32_t)strlen(s), NULL, 0);
}

/* Append the decimal of v to buf at *n. */
static inline void gt_num(char *buf, size_t *n, int64_t v)
{
	char tmp[24];
	int k = 0;
	uint64_t u = v < 0 ? (uint64_t)-v : (uint64_t)v;

	if (v < 0)
		buf[(*n)++] = '-';
	do {
		tmp[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (k)
		buf[(*n)++] = tmp[--k];
	buf[*n] = 0;
}

static inline void gt_str(char *buf, size_t *n, const char *s)
{
	while (*s)
		buf[(*n)++] = *s++;
	buf[*n] = 0;
}

/* Report "FAIL <line>: <what> (got <v>)" and exit with code 64. */
static inline void gt_fail(int line, const char *what, int64_t got)
{
	char buf[256];
	size_t n = 0;

	gt_str(buf, &n, "FAIL ");
	gt_num(buf, &n, line);
	gt_str(buf, &n, ": ");
	if (strlen(what) < 180)
		gt_str(buf, &n, what);
	gt_str(buf, &n, " (got ");
	gt_num(buf, &n, got);
	gt_str(buf, &n, ")");
	hearth_v1_cap_send(INBOX, buf, (uint32_t)n, NULL, 0);
	hearth_v1_exit(64, buf, (uint32_t)n);
}

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			gt_fail(__LINE__, #cond, 0);                           \
	} while (0)

/* CHECK_EQ(a, b): report the value of a when it differs. */
#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		int64_t gt_a = (int64_t)(a);                                   \
		if (gt_a != (int64_t)(b))                                      \
			gt_fail(__LINE__, #a " == " #b, gt_a);                 \
	} while (0)

/* Receive a signal on mb (blocking) and copy its data into buf (NUL
 * terminated). Returns the signal handle (caller frees). */
static inline int32_t gt_recv(int32_t mb, char *buf, uint32_t cap,
			      int64_t timeout)
{
	int32_t s = hearth_v1_mb_recv(mb, timeout);
	int32_t n;

	if (s < 0)
		return s;
	n = hearth_v1_sig_read(s, 0, buf, cap - 1);
	buf[n < 0 ? 0 : n] = 0;
	return s;
}

#endif
