/* test_oom.c — allocation failure: with an allocator that fails exactly
 * its Nth call, for every N, each operation returns 0 or HB_ENOMEM, the
 * runtime stays usable, and nothing leaks (LSan in the asan build). */
#include "rt_test.h"

typedef struct failer {
	atomic_long calls;
	atomic_long fail_at;
	atomic_long failed;
} failer;

static void *fail_alloc(void *ud, void *p, size_t n)
{
	failer *f = ud;

	if (n == 0) {
		free(p);
		return NULL;
	}
	if (atomic_fetch_add(&f->calls, 1) + 1 == f->fail_at) {
		atomic_fetch_add(&f->failed, 1);
		return NULL; /* like realloc: p stays valid */
	}
	return realloc(p, n);
}

#define OK_OR_NOMEM(expr)                                                      \
	do {                                                                   \
		int rc_ = (expr);                                              \
		ASSERT_MSG(rc_ == 0 || rc_ == HB_ENOMEM, "%s = %s", #expr,     \
			   hb_errname(rc_));                                   \
		if (rc_)                                                       \
			nomem++;                                               \
	} while (0)

/* Host-side operations: every failure comes back to the caller. Returns
 * how many came back as HB_ENOMEM. */
static int host_scenario(failer *f)
{
	hr_config c;
	hr_rt *rt = NULL;
	uint32_t mb = 0, mb2 = 0;
	hr_handle in = HR_HANDLE_NONE, a = HR_HANDLE_NONE, r = HR_HANDLE_NONE;
	hr_handle d;
	hr_registry_entry e;
	uint64_t ref, mref = 0;
	char big[600] = {0};
	hr_spawn_opts o = {.kind = &echo_kind, .name = "e"};
	int nomem = 0, rc, i;
	hr_msg m;

	hr_config_init(&c);
	c.schedulers = 2;
	c.spin_us = 5;
	c.alloc.fn = fail_alloc;
	c.alloc.ud = f;
	rc = hr_rt_new(&c, &rt);
	if (rc) {
		ASSERT_ERR(rc, HB_ENOMEM);
		ASSERT_NULL(rt);
		return 1;
	}
	OK_OR_NOMEM(hr_host_mailbox_new(rt, &mb));
	if (mb)
		OK_OR_NOMEM(hr_host_mailbox_cap(rt, mb, HR_PERM_SEND, &in));
	OK_OR_NOMEM(hr_host_mailbox_new(rt, &mb2));
	o.monitor = &mref;
	o.monitor_mailbox = mb2;
	if (in >= 0) {
		o.caps = &in;
		o.ncaps = 1;
	}
	rc = hr_host_spawn(rt, &o, &a);
	OK_OR_NOMEM(rc);
	if (rc)
		ASSERT_EQ(a, HR_HANDLE_NONE);
	if (a >= 0) {
		for (i = 0; i < 4; i++) {
			OK_OR_NOMEM(hr_host_send(rt, a, "hi", 2, NULL, 0));
			OK_OR_NOMEM(hr_host_send(rt, a, big, sizeof big,
						 in >= 0 ? &in : NULL,
						 in >= 0 ? 1 : 0));
		}
		OK_OR_NOMEM(hr_host_monitor(rt, a, 0, &ref));
		OK_OR_NOMEM(hr_host_demote(rt, a, HR_PERM_SEND, &d));
		e = (hr_registry_entry){"echo", a};
		OK_OR_NOMEM(hr_host_registry_spawn(rt, &e, 1, true, &r));
		OK_OR_NOMEM(hr_host_kill(rt, a));
	}
	/* the runtime still works: drain what arrived */
	while (hr_host_recv(rt, UINT32_MAX, 1000000, &m) == 0)
		hr_host_msg_free(rt, &m);
	hr_rt_free(rt);
	return nomem;
}

TEST_TIMEOUT(oom_every_host_allocation, 240)
{
	long n, total = 0, clean = 0;

	for (n = 1; n < 2000 && clean < 20; n++) {
		failer f = {.calls = 0};
		int nomem;

		atomic_store(&f.fail_at, n);
		nomem = host_scenario(&f);

		if (atomic_load(&f.failed) == 0)
			clean++; /* past the end: the scenario took fewer */
		else
			total += nomem;
	}
	ASSERT_GT(total, 10); /* failures did come back as HB_ENOMEM */
	if (getenv("HEARTH_TEST_VERBOSE"))
		printf("  %ld runs, %ld HB_ENOMEM returned\n", n, total);
}

/* In a process: spawn, mailbox, monitor, send, timers; the process
 * reports each result, retrying the report (only one call fails). */
static void ops_msg(hr_ctx *cx, void *st, const hr_msg *msg)
{
	hr_spawn_opts o = {.kind = &idle_kind, .link = true};
	int64_t rc[7];
	hr_handle c = HR_HANDLE_NONE;
	uint32_t mb;
	uint64_t ref, t;
	char big[300] = {0};
	int i;

	(void)st;
	(void)msg;
	rc[0] = hr_spawn(cx, &o, &c);
	rc[1] = hr_mailbox_new(cx, &mb);
	rc[2] = c >= 0 ? hr_monitor(cx, c, 0, &ref) : 0;
	rc[3] = hr_send(cx, 0, big, sizeof big, NULL, 0);
	rc[4] = hr_send_after(cx, 1000000, 0, "t", 1, NULL, 0, &t);
	rc[5] = c >= 0 ? hr_kill(cx, c) : 0;
	rc[6] = hr_mailbox_cap(cx, 0, HR_PERM_SEND, &c);
	for (i = 0; i < 5; i++)
		if (hr_send(cx, 0, rc, sizeof rc, NULL, 0) == 0)
			break;
	hr_exit(cx, HR_EXIT_NORMAL, NULL);
}
static const hr_kind ops_kind = {.name = "ops", .on_message = ops_msg};

TEST_TIMEOUT(oom_inside_a_process, 240)
{
	long n, clean = 0, seen = 0;

	for (n = 1; n < 2000 && clean < 20; n++) {
		failer f = {.calls = 0};
		hr_config c;
		hr_rt *rt;
		uint32_t mb;
		hr_handle in, p;
		hr_msg m;
		int i;

		hr_config_init(&c);
		c.schedulers = 1;
		c.spin_us = 5;
		c.alloc.fn = fail_alloc;
		c.alloc.ud = &f;
		rt = rt_start_cfg(&c);
		in = host_inbox(rt, &mb);
		p = spawn_kind(rt, &ops_kind, NULL, &in, 1);
		/* arm the failure at the Nth call from now */
		atomic_store(&f.fail_at, atomic_load(&f.calls) + n);
		ASSERT_OK(hr_host_send(rt, p, "go", 2, NULL, 0) == HB_ENOMEM
				  ? hr_host_send(rt, p, "go", 2, NULL, 0)
				  : 0);
		for (;;) {
			int64_t rc[7];

			expect_msg(rt, mb, &m);
			if (m.len != sizeof rc) { /* the big one, or "t" */
				hr_host_msg_free(rt, &m);
				continue;
			}
			memcpy(rc, m.data, sizeof rc);
			for (i = 0; i < 7; i++) {
				ASSERT_MSG(rc[i] == 0 || rc[i] == HB_ENOMEM,
					   "op %d: %s", i,
					   hb_errname((int)rc[i]));
				seen += rc[i] != 0;
			}
			hr_host_msg_free(rt, &m);
			break;
		}
		if (atomic_load(&f.failed) == 0)
			clean++;
		hr_rt_free(rt);
	}
	ASSERT_GT(seen, 3);
	if (getenv("HEARTH_TEST_VERBOSE"))
		printf("  %ld runs, %ld HB_ENOMEM returned\n", n, seen);
}
