/* test.h — Hearth's tiny test harness: TEST() registers a test, typed
 * ASSERT_*() macros report file:line and both values, and the runner
 * (test_main.c) runs each test in its own process with a timeout. */
#ifndef HEARTH_TEST_H
#define HEARTH_TEST_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/error.h"

typedef struct ht_test {
	const char *name;
	const char *file;
	void (*fn)(void);
	int timeout_s; /* 0: the runner's default */
	struct ht_test *next;
} ht_test;

void ht__register(ht_test *t);
/* The test running now (in its child), so that tests registered at run
 * time (from a constructor, with ht__register) can tell which one runs. */
const ht_test *ht_current(void);
void ht__fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

/* Directory of the source tree (set by CMake), e.g. to find ../shared. */
#ifndef HEARTH_SOURCE_DIR
#define HEARTH_SOURCE_DIR "."
#endif
/* Directory of the build tree (set by CMake), e.g. to find built guests. */
#ifndef HEARTH_BINARY_DIR
#define HEARTH_BINARY_DIR "."
#endif

/* Make a fresh directory under $TMPDIR (or /tmp) for this test; the runner
 * removes it when the test ends (an atexit handler: a process the test forks
 * must leave with _exit()). OUT: the path (static storage per call). */
const char *ht_tmpdir(void);

/* Remove a directory tree (best effort). */
void ht_rmtree(const char *path);

#define TEST_TIMEOUT(name, seconds)                                           \
	static void ht_fn_##name(void);                                       \
	static ht_test ht_t_##name = {#name, __FILE__, ht_fn_##name, seconds, \
				      NULL};                                  \
	__attribute__((constructor)) static void ht_reg_##name(void)          \
	{                                                                     \
		ht__register(&ht_t_##name);                                   \
	}                                                                     \
	static void ht_fn_##name(void)

#define TEST(name) TEST_TIMEOUT(name, 0)

#define ASSERT(cond)                                                          \
	do {                                                                  \
		if (!(cond))                                                  \
			ht__fail(__FILE__, __LINE__, "%s", #cond);            \
	} while (0)

#define ASSERT_MSG(cond, ...)                                                 \
	do {                                                                  \
		if (!(cond))                                                  \
			ht__fail(__FILE__, __LINE__, __VA_ARGS__);            \
	} while (0)

#define HT__CMP(T, FMT, a, op, b)                                             \
	do {                                                                  \
		T ht_a_ = (T)(a);                                             \
		T ht_b_ = (T)(b);                                             \
		if (!(ht_a_ op ht_b_))                                        \
			ht__fail(__FILE__, __LINE__,                          \
				 "%s %s %s (%" FMT " vs %" FMT ")", #a, #op,  \
				 #b, ht_a_, ht_b_);                           \
	} while (0)

#define ASSERT_EQ(a, b) HT__CMP(int64_t, PRId64, a, ==, b)
#define ASSERT_NE(a, b) HT__CMP(int64_t, PRId64, a, !=, b)
#define ASSERT_LT(a, b) HT__CMP(int64_t, PRId64, a, <, b)
#define ASSERT_LE(a, b) HT__CMP(int64_t, PRId64, a, <=, b)
#define ASSERT_GT(a, b) HT__CMP(int64_t, PRId64, a, >, b)
#define ASSERT_GE(a, b) HT__CMP(int64_t, PRId64, a, >=, b)
#define ASSERT_UEQ(a, b) HT__CMP(uint64_t, PRIu64, a, ==, b)
#define ASSERT_DEQ(a, b) HT__CMP(double, "g", a, ==, b)
#define ASSERT_PTR_EQ(a, b) HT__CMP(const void *, "p", a, ==, b)
#define ASSERT_NULL(a) HT__CMP(const void *, "p", a, ==, NULL)
#define ASSERT_NOT_NULL(a) HT__CMP(const void *, "p", a, !=, NULL)

/* rc must be 0 (HB_OK); prints the error's name otherwise. */
#define ASSERT_OK(rc)                                                         \
	do {                                                                  \
		int ht_rc_ = (int)(rc);                                       \
		if (ht_rc_ != 0)                                              \
			ht__fail(__FILE__, __LINE__, "%s = %s (%s)", #rc,     \
				 hb_errname(ht_rc_), hb_strerror(ht_rc_));    \
	} while (0)

/* rc must be the error code err. */
#define ASSERT_ERR(rc, err)                                                   \
	do {                                                                  \
		int ht_rc_ = (int)(rc), ht_e_ = (int)(err);                   \
		if (ht_rc_ != ht_e_)                                          \
			ht__fail(__FILE__, __LINE__, "%s = %s, want %s", #rc, \
				 hb_errname(ht_rc_), hb_errname(ht_e_));      \
	} while (0)

#define ASSERT_STREQ(a, b)                                                    \
	do {                                                                  \
		const char *ht_a_ = (a), *ht_b_ = (b);                        \
		if (!ht_a_ || !ht_b_ || strcmp(ht_a_, ht_b_) != 0)            \
			ht__fail(__FILE__, __LINE__, "%s == %s (\"%s\" vs \"%s\")", \
				 #a, #b, ht_a_ ? ht_a_ : "(null)",            \
				 ht_b_ ? ht_b_ : "(null)");                   \
	} while (0)

#define ASSERT_MEMEQ(a, b, n)                                                 \
	do {                                                                  \
		if (memcmp((a), (b), (n)) != 0)                               \
			ht__fail(__FILE__, __LINE__, "%s == %s (%zu bytes)",  \
				 #a, #b, (size_t)(n));                        \
	} while (0)

#endif
