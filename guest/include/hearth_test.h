/* hearth_test.h — unit tests written inside a guest. Each HT_TEST(name)
 * becomes an exported entry point "test_<name>"; the host runner
 * (hearth-test-guest, docs/guest-sdk.md) spawns each one as a process in
 * the real runtime and counts it in make test. A test passes when its
 * process exits normally. A failed assertion reports file:line and a
 * message to the runner, then ends the process (reason error).
 *
 * A test process gets two initial capabilities: its registry (handle 0,
 * holding "wasm-spawner" and the runner's services) and the runner's
 * reporter (HT_REPORTER). */
#ifndef HEARTH_TEST_H
#define HEARTH_TEST_H

#include <inttypes.h>
#include <string.h>

#include "hearth.h"

#define HT_REPORTER ((hearth_cap)1)

#define HT_TEST(name)                                                          \
	HEARTH_EXPORT("test_" #name) void ht_test_##name(void);                \
	void ht_test_##name(void)

/* Report a failure (["fail", file, line, text] to HT_REPORTER and the log)
 * and exit with reason error. */
_Noreturn void ht_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Send a note to the runner (["note", text]), printed with the result. */
void ht_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define HT_FAIL(...) ht_fail(__FILE__, __LINE__, __VA_ARGS__)

#define HT_ASSERT(cond)                                                        \
	do {                                                                   \
		if (!(cond))                                                   \
			ht_fail(__FILE__, __LINE__, "%s", #cond);              \
	} while (0)

#define HT_ASSERT_MSG(cond, ...)                                               \
	do {                                                                   \
		if (!(cond))                                                   \
			ht_fail(__FILE__, __LINE__, __VA_ARGS__);              \
	} while (0)

#define HT__CMP(a, op, b)                                                      \
	do {                                                                   \
		int64_t ht_a_ = (int64_t)(a), ht_b_ = (int64_t)(b);            \
		if (!(ht_a_ op ht_b_))                                         \
			ht_fail(__FILE__, __LINE__,                            \
				"%s %s %s (%" PRId64 " vs %" PRId64 ")", #a,   \
				#op, #b, ht_a_, ht_b_);                        \
	} while (0)

#define HT_ASSERT_EQ(a, b) HT__CMP(a, ==, b)
#define HT_ASSERT_NE(a, b) HT__CMP(a, !=, b)
#define HT_ASSERT_LT(a, b) HT__CMP(a, <, b)
#define HT_ASSERT_LE(a, b) HT__CMP(a, <=, b)
#define HT_ASSERT_GT(a, b) HT__CMP(a, >, b)
#define HT_ASSERT_GE(a, b) HT__CMP(a, >=, b)

/* rc must be 0; prints the error's name otherwise. */
#define HT_ASSERT_OK(rc)                                                       \
	do {                                                                   \
		int ht_rc_ = (int)(rc);                                        \
		if (ht_rc_ != 0)                                               \
			ht_fail(__FILE__, __LINE__, "%s = %s (%s)", #rc,       \
				hb_errname(ht_rc_), hb_strerror(ht_rc_));      \
	} while (0)

/* rc must be the error code err. */
#define HT_ASSERT_ERR(rc, err)                                                 \
	do {                                                                   \
		int ht_rc_ = (int)(rc), ht_e_ = (int)(err);                    \
		if (ht_rc_ != ht_e_)                                           \
			ht_fail(__FILE__, __LINE__, "%s = %s, want %s", #rc,   \
				hb_errname(ht_rc_), hb_errname(ht_e_));        \
	} while (0)

#define HT_ASSERT_STREQ(a, b)                                                  \
	do {                                                                   \
		const char *ht_a_ = (a), *ht_b_ = (b);                         \
		if (!ht_a_ || !ht_b_ || strcmp(ht_a_, ht_b_) != 0)             \
			ht_fail(__FILE__, __LINE__,                            \
				"%s == %s (\"%s\" vs \"%s\")", #a, #b,         \
				ht_a_ ? ht_a_ : "(null)",                      \
				ht_b_ ? ht_b_ : "(null)");                     \
	} while (0)

/* A string of len bytes (not NUL-terminated) equals the C string s. */
#define HT_ASSERT_STRNEQ(p, len, s)                                            \
	do {                                                                   \
		const char *ht_p_ = (const char *)(p), *ht_s_ = (s);           \
		size_t ht_n_ = (size_t)(len);                                  \
		if (ht_n_ != strlen(ht_s_) || memcmp(ht_p_, ht_s_, ht_n_))     \
			ht_fail(__FILE__, __LINE__,                            \
				"%s == \"%s\" (got \"%.*s\")", #p, ht_s_,      \
				(int)ht_n_, ht_p_);                            \
	} while (0)

#define HT_ASSERT_MEMEQ(a, b, n)                                               \
	do {                                                                   \
		if (memcmp((a), (b), (n)) != 0)                                \
			ht_fail(__FILE__, __LINE__, "%s == %s (%zu bytes)",    \
				#a, #b, (size_t)(n));                          \
	} while (0)

#endif
