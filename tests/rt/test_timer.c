/* test_timer.c — timers: send-after delivers, cancel prevents, timers
 * die with their owner, native sleep, per-process timer limits. */
#include "rt_test.h"

/* timed: commands "after <ms> <text>" (to handle 0), "cancel <id>",
 * "sleep <ms>", "exit"; answers "<rc> <id>". */
static void timed_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	char cmd[96], text[64] = "", out[128];
	size_t n = m->len < sizeof cmd - 1 ? m->len : sizeof cmd - 1;
	long long ms, id;
	uint64_t tid = 0;
	int rc;

	(void)st;
	memcpy(cmd, m->data, n);
	cmd[n] = 0;
	if (sscanf(cmd, "after %lld %63s", &ms, text) == 2) {
		rc = hr_send_after(cx, (uint64_t)ms * 1000000, 0, text,
				   strlen(text), NULL, 0, &tid);
	} else if (sscanf(cmd, "cancel %lld", &id) == 1) {
		rc = hr_timer_cancel(cx, (uint64_t)id);
	} else if (sscanf(cmd, "sleep %lld", &ms) == 1) {
		rc = hr_sleep(cx, (uint64_t)ms * 1000000);
	} else if (!strcmp(cmd, "exit")) {
		hr_exit(cx, 0, NULL);
		return;
	} else {
		snprintf(out, sizeof out, "got %s", cmd);
		hr_send(cx, 0, out, strlen(out), NULL, 0);
		return;
	}
	n = (size_t)snprintf(out, sizeof out, "%d %llu", rc,
			     (unsigned long long)tid);
	hr_send(cx, 0, out, n, NULL, 0);
}
static const hr_kind timed_kind = {.name = "timed", .on_message = timed_msg};

static void cmd(hr_rt *rt, hr_handle p, uint32_t mb, const char *c, int *rc,
		unsigned long long *id)
{
	char line[96];

	ASSERT_OK(hr_host_send(rt, p, c, strlen(c), NULL, 0));
	expect_line(rt, mb, line, sizeof line);
	ASSERT_EQ(sscanf(line, "%d %llu", rc, id), 2);
}

TEST(timer_send_after_and_cancel)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), p;
	unsigned long long id, id2;
	char line[96], c[64];
	int rc;

	p = spawn_kind(rt, &timed_kind, NULL, &in, 1);
	cmd(rt, p, mb, "after 300 late", &rc, &id);
	ASSERT_EQ(rc, 0);
	snprintf(c, sizeof c, "cancel %llu", id);
	cmd(rt, p, mb, c, &rc, &id2);
	ASSERT_EQ(rc, 0);
	cmd(rt, p, mb, c, &rc, &id2);
	ASSERT_EQ(rc, HB_ENOENT);
	cmd(rt, p, mb, "after 10 soon", &rc, &id);
	ASSERT_EQ(rc, 0);
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "soon");
	/* too late to cancel once fired */
	snprintf(c, sizeof c, "cancel %llu", id);
	cmd(rt, p, mb, c, &rc, &id2);
	ASSERT_EQ(rc, HB_ENOENT);
	cmd(rt, p, mb, "cancel 12345", &rc, &id2);
	ASSERT_EQ(rc, HB_ENOENT);
	ASSERT(quiet_for(rt, mb, 400)); /* "late" never comes */
	hr_rt_free(rt);
}

TEST(timer_order_of_many)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), p;
	unsigned long long id;
	char line[96], c[64];
	int rc, i, last = -1;

	p = spawn_kind(rt, &timed_kind, NULL, &in, 1);
	for (i = 0; i < 40; i++) {
		/* deadlines 200 ms apart from the send order's reverse */
		snprintf(c, sizeof c, "after %d %d", 200 + (39 - i) * 15,
			 39 - i);
		cmd(rt, p, mb, c, &rc, &id);
		ASSERT_EQ(rc, 0);
	}
	for (i = 0; i < 40; i++) {
		int v;

		expect_line(rt, mb, line, sizeof line);
		ASSERT_EQ(sscanf(line, "%d", &v), 1);
		ASSERT_GT(v, last);
		last = v;
	}
	hr_rt_free(rt);
}

TEST(timer_dies_with_its_owner)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), p;
	unsigned long long id;
	uint64_t ref;
	hr_msg m;
	int rc;

	p = spawn_kind(rt, &timed_kind, NULL, &in, 1);
	cmd(rt, p, mb, "after 100 orphan", &rc, &id);
	ASSERT_EQ(rc, 0);
	ASSERT_OK(hr_host_monitor(rt, p, mb, &ref));
	ASSERT_OK(hr_host_send(rt, p, "exit", 4, NULL, 0));
	await_down(rt, mb, ref, &m);
	hr_host_msg_free(rt, &m);
	ASSERT(quiet_for(rt, mb, 300));
	hr_rt_free(rt);
}

TEST(timer_native_sleep_holds_messages)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), p;
	unsigned long long id;
	uint64_t t0;
	char line[96];
	int rc;

	p = spawn_kind(rt, &timed_kind, NULL, &in, 1);
	t0 = hr_now_ns(); /* before: the sleep starts after this */
	cmd(rt, p, mb, "sleep 100", &rc, &id);
	ASSERT_EQ(rc, 0);
	ASSERT_OK(hr_host_send(rt, p, "hello", 5, NULL, 0));
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "got hello");
	/* delivered only after the sleep (a lower bound is never flaky) */
	ASSERT_GE(hr_now_ns() - t0, 100ull * 1000 * 1000);
	hr_rt_free(rt);
}

TEST(timer_limit_per_process)
{
	hr_rt *rt = rt_start(1);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), p;
	hr_limits lim = {.timers = 3};
	hr_spawn_opts o = {
		.kind = &timed_kind, .caps = &in, .ncaps = 1, .limits = &lim};
	unsigned long long id;
	int rc, i;

	ASSERT_OK(hr_host_spawn(rt, &o, &p));
	for (i = 0; i < 3; i++) {
		cmd(rt, p, mb, "after 60000 x", &rc, &id);
		ASSERT_EQ(rc, 0);
	}
	cmd(rt, p, mb, "after 60000 x", &rc, &id);
	ASSERT_EQ(rc, HB_ELIMIT);
	hr_rt_free(rt);
}
