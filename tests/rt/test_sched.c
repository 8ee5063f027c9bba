/* test_sched.c — the scheduler: many ping-pong pairs across schedulers,
 * preemption of busy processes (they never starve a ping-pong pair),
 * resumable processes that yield, wait on mailbox sets, time out and
 * sleep, spawn storms spread by work stealing. */
#include "rt_test.h"

/* pinger: on "go" plays rounds of ping-pong with handle 1 (an echo),
 * then reports "done" to handle 0 and exits. */
typedef struct pinger {
	uint32_t rounds, n;
	hr_handle me;
} pinger;

static int pinger_init(hr_ctx *cx, void *st)
{
	pinger *p = st;

	return hr_mailbox_cap(cx, 0, HR_PERM_SEND, &p->me);
}

static void pinger_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	pinger *p = st;

	(void)m;
	if (p->n++ == p->rounds) {
		hr_send(cx, 0, "done", 4, NULL, 0);
		hr_exit(cx, HR_EXIT_NORMAL, NULL);
		return;
	}
	ASSERT_OK(hr_send(cx, 1, "ping", 4, &p->me, 1));
}

static void pinger_end(hr_ctx *cx, void *st, const hr_reason *why)
{
	(void)cx;
	(void)why;
	free(st);
}

static const hr_kind pinger_kind = {.name = "pinger",
				    .init = pinger_init,
				    .on_message = pinger_msg,
				    .terminate = pinger_end};

static hr_handle spawn_pair(hr_rt *rt, hr_handle report, uint32_t rounds)
{
	pinger *p = calloc(1, sizeof *p);
	hr_handle echo = spawn_kind(rt, &echo_kind, NULL, NULL, 0), es;

	p->rounds = rounds;
	ASSERT_OK(hr_host_demote(rt, echo, HR_PERM_SEND, &es));
	return spawn_kind(rt, &pinger_kind, p, (hr_handle[]){report, es}, 2);
}

static void play_pairs(unsigned nsched, int pairs, uint32_t rounds)
{
	hr_rt *rt = rt_start(nsched);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), *pg = malloc(pairs * sizeof *pg);
	hr_msg m;
	int i;

	for (i = 0; i < pairs; i++)
		pg[i] = spawn_pair(rt, in, rounds);
	for (i = 0; i < pairs; i++)
		ASSERT_OK(hr_host_send(rt, pg[i], "go", 2, NULL, 0));
	for (i = 0; i < pairs; i++) {
		expect_msg(rt, mb, &m);
		ASSERT_EQ(m.len, 4);
		ASSERT_MEMEQ(m.data, "done", 4);
		hr_host_msg_free(rt, &m);
	}
	/* the pingers exited; the echoes remain */
	while (hr_rt_nprocs(rt) != (uint32_t)pairs)
		sleep_ms(1);
	free(pg);
	hr_rt_free(rt);
}

TEST(sched_ping_pong_one_scheduler)
{
	play_pairs(1, 20, 1000);
}

TEST(sched_ping_pong_many_pairs_many_schedulers)
{
	play_pairs(4, 100, 500);
}

/* busy: never waits; counts its slices */
typedef struct busy {
	atomic_ulong slices;
	uint64_t x;
} busy;

static hr_run busy_run(hr_ctx *cx, void *st, hr_slice *sl)
{
	busy *b = st;
	uint32_t i;

	(void)cx;
	for (i = 0; i < sl->budget; i++)
		b->x = b->x * 6364136223846793005ull + 1442695040888963407ull;
	sl->used = sl->budget;
	atomic_fetch_add(&b->slices, 1);
	return HR_RUN_YIELD;
}

static const hr_kind busy_kind = {.name = "busy", .run = busy_run};

TEST(sched_busy_processes_never_starve_ping_pong)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), pg, bh[4];
	busy b[4];
	hr_msg m;
	uint64_t ref;
	int i;

	memset(b, 0, sizeof b);
	for (i = 0; i < 4; i++)
		bh[i] = spawn_kind(rt, &busy_kind, &b[i], NULL, 0);
	/* wait until every busy loop has been preempted and resumed */
	for (i = 0; i < 4; i++)
		while (atomic_load(&b[i].slices) < 3)
			sleep_ms(1);
	pg = spawn_pair(rt, in, 2000);
	ASSERT_OK(hr_host_send(rt, pg, "go", 2, NULL, 0));
	expect_msg(rt, mb, &m); /* the test's timeout catches starvation */
	ASSERT_MEMEQ(m.data, "done", 4);
	hr_host_msg_free(rt, &m);
	/* a busy process is killed at its next slice boundary */
	ASSERT_OK(hr_host_monitor(rt, bh[0], mb, &ref));
	ASSERT_OK(hr_host_kill(rt, bh[0]));
	await_down(rt, mb, ref, &m);
	ASSERT_EQ(m.reason.code, HR_EXIT_KILLED);
	hr_host_msg_free(rt, &m);
	hr_rt_free(rt);
}

/* waiter: a state machine standing in for a Wasm guest (see steps). */
typedef struct waiter {
	int step;
	uint32_t mb1, list[1];
} waiter;

static void say(hr_ctx *cx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(hr_ctx *cx, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	hr_send(cx, 0, buf, (size_t)n, NULL, 0);
}

static hr_run waiter_run(hr_ctx *cx, void *st, hr_slice *sl)
{
	waiter *w = st;
	hr_msg m;

	sl->used = 1;
	switch (w->step++) {
	case 0: /* wait on mailbox 0 for 20 ms */
		sl->wait_any = true;
		sl->wait_timeout_ns = 20 * 1000 * 1000;
		return HR_RUN_WAIT;
	case 1:
		say(cx, "1 %d", sl->timed_out);
		/* poll: a zero timeout comes straight back */
		sl->wait_any = true;
		sl->wait_timeout_ns = 0;
		return HR_RUN_WAIT;
	case 2:
		say(cx, "2 %d", sl->timed_out);
		sl->wait_any = true;
		sl->wait_timeout_ns = 60ll * 1000 * 1000 * 1000;
		return HR_RUN_WAIT;
	case 3:
		ASSERT_OK(hr_recv(cx, NULL, 0, &m));
		say(cx, "3 %d %.*s", sl->timed_out, (int)m.len,
		    (const char *)m.data);
		hr_msg_free(cx, &m);
		/* sleep: no mailbox, a timeout */
		sl->wait_timeout_ns = 10 * 1000 * 1000;
		return HR_RUN_WAIT;
	case 4:
		say(cx, "4 %d", sl->timed_out);
		/* wait on mailbox 1 only */
		ASSERT_OK(hr_mailbox_new(cx, &w->mb1));
		w->list[0] = w->mb1;
		{
			hr_handle c;

			ASSERT_OK(hr_mailbox_cap(cx, w->mb1, HR_PERM_SEND, &c));
			hr_send(cx, 0, "cap", 3, &c, 1);
		}
		sl->wait_mailboxes = w->list;
		sl->wait_n = 1;
		return HR_RUN_WAIT;
	case 5: {
		int on0, on1;

		on1 = hr_recv(cx, w->list, 1, &m) == 0;
		hr_msg_free(cx, &m);
		on0 = hr_recv(cx, NULL, 0, &m) == 0;
		hr_msg_free(cx, &m);
		say(cx, "5 %d %d %d", sl->timed_out, on1, on0);
		return HR_RUN_EXIT;
	}
	}
	return HR_RUN_EXIT;
}

static const hr_kind waiter_kind = {.name = "waiter", .run = waiter_run};

TEST(sched_resumable_waits_timeouts_and_sleeps)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), p, c;
	waiter w = {0};
	hr_proc_info pi;
	uint64_t reds;
	hr_pid pid;
	char line[64];
	hr_msg m;

	p = spawn_kind(rt, &waiter_kind, &w, &in, 1);
	ASSERT_OK(hr_host_target_pid(rt, p, &pid));
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "1 1");
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "2 1");
	ASSERT_OK(hr_host_send(rt, p, "hello", 5, NULL, 0));
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "3 0 hello");
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "4 1");
	expect_msg(rt, mb, &m);
	ASSERT_EQ(m.ncaps, 1);
	c = m.caps[0];
	hr_host_msg_free(rt, &m);
	/* mail to mailbox 0 does not wake a process waiting on mailbox 1 */
	for (;;) {
		ASSERT_OK(hr_rt_proc_info(rt, pid, &pi));
		if (pi.state == HR_PS_WAITING)
			break;
		sleep_ms(1);
	}
	reds = pi.reductions;
	ASSERT_OK(hr_host_send(rt, p, "not now", 7, NULL, 0));
	sleep_ms(50);
	ASSERT_OK(hr_rt_proc_info(rt, pid, &pi));
	ASSERT_EQ(pi.reductions, reds);
	ASSERT_EQ(pi.state, HR_PS_WAITING);
	ASSERT_EQ(pi.queued_msgs, 1);
	ASSERT_OK(hr_host_send(rt, c, "now", 3, NULL, 0));
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "5 0 1 1");
	hr_rt_free(rt);
}

/* storm: spawns n children that each say hi to handle 0 and exit. */
static int hi_init(hr_ctx *cx, void *st)
{
	(void)st;
	hr_send(cx, 0, "hi", 2, NULL, 0);
	hr_exit(cx, HR_EXIT_NORMAL, NULL);
	return 0;
}
static const hr_kind hi_kind = {
	.name = "hi", .init = hi_init, .on_message = idle_msg};

static void storm_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	hr_spawn_opts o = {
		.kind = &hi_kind, .caps = (hr_handle[]){0}, .ncaps = 1};
	int i;

	(void)st;
	(void)m;
	for (i = 0; i < 2000; i++)
		ASSERT_OK(hr_spawn(cx, &o, NULL));
}
static const hr_kind storm_kind = {.name = "storm", .on_message = storm_msg};

TEST(sched_spawn_storm_spreads_and_finishes)
{
	hr_rt *rt = rt_start(3);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), s;
	hr_msg m;
	int i;

	s = spawn_kind(rt, &storm_kind, NULL, &in, 1);
	ASSERT_OK(hr_host_send(rt, s, "go", 2, NULL, 0));
	for (i = 0; i < 2000; i++) {
		expect_msg(rt, mb, &m);
		ASSERT_MEMEQ(m.data, "hi", 2);
		hr_host_msg_free(rt, &m);
	}
	while (hr_rt_nprocs(rt) != 1)
		sleep_ms(1);
	hr_rt_free(rt);
}

/* greedy: waits on a list longer than it may have mailboxes */
static hr_run greedy_run(hr_ctx *cx, void *st, hr_slice *sl)
{
	static const uint32_t list[8] = {0};

	(void)cx;
	(void)st;
	sl->used = 1;
	sl->wait_mailboxes = list;
	sl->wait_n = 8;
	return HR_RUN_WAIT;
}
static const hr_kind greedy_kind = {.name = "greedy", .run = greedy_run};

TEST(sched_wait_list_is_bounded)
{
	hr_rt *rt = rt_start(1);
	uint32_t mb;
	hr_limits lim = {.mailboxes = 4};
	uint64_t ref = 0;
	hr_spawn_opts o = {.kind = &greedy_kind, .limits = &lim,
			   .monitor = &ref};
	hr_handle h;
	hr_msg m;

	host_inbox(rt, &mb);
	o.monitor_mailbox = mb;
	ASSERT_OK(hr_host_spawn(rt, &o, &h));
	await_down(rt, mb, ref, &m);
	ASSERT_EQ(m.reason.code, HR_EXIT_LIMIT);
	ASSERT_STREQ(m.reason.text, "wait list too long");
	hr_host_msg_free(rt, &m);
	hr_rt_free(rt);
}

/* hr_poke: a process waiting for nothing runs again only when poked (not
 * timed out); a poke while it runs makes its next wait return at once,
 * and is used up by it; the host and the dead cannot be poked. */
typedef struct poked_st {
	int step;
	atomic_int go;
} poked_st;

static hr_run poked_run(hr_ctx *cx, void *st, hr_slice *sl)
{
	poked_st *p = st;
	hr_pid me = hr_self(cx);
	char line[32];

	sl->used = 1;
	switch (p->step++) {
	case 0:
		hr_send(cx, 0, &me, sizeof me, NULL, 0);
		return HR_RUN_WAIT; /* no mailbox, no timeout */
	case 1:
		snprintf(line, sizeof line, "woke %d", sl->timed_out);
		hr_send(cx, 0, line, strlen(line), NULL, 0);
		while (!atomic_load(&p->go)) /* poked meanwhile */
			sched_yield();
		return HR_RUN_WAIT;
	default:
		hr_send(cx, 0, "again", 5, NULL, 0);
		return HR_RUN_WAIT;
	}
}
static const hr_kind poked_kind = {.name = "poked", .run = poked_run};

TEST(sched_poke_wakes_a_waiter_and_is_not_lost)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), h;
	poked_st st = {0};
	char line[32];
	hr_pid pid;
	hr_msg m;

	h = spawn_kind(rt, &poked_kind, &st, &in, 1);
	expect_msg(rt, mb, &m);
	ASSERT_UEQ(m.len, sizeof pid);
	memcpy(&pid, m.data, sizeof pid);
	hr_host_msg_free(rt, &m);
	ASSERT(quiet_for(rt, mb, 50)); /* nothing wakes it but a poke */
	ASSERT_OK(hr_poke(rt, pid));
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "woke 0");
	ASSERT_OK(hr_poke(rt, pid)); /* it is running: its wait ends */
	atomic_store(&st.go, 1);
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "again");
	ASSERT(quiet_for(rt, mb, 50)); /* the poke was used up */
	ASSERT_ERR(hr_poke(rt, (hr_pid)1 << 32), HB_EPERM); /* the host */
	ASSERT_OK(hr_host_kill(rt, h));
	while (hr_rt_nprocs(rt) != 0)
		sleep_ms(1);
	ASSERT_ERR(hr_poke(rt, pid), HB_EDEAD);
	hr_rt_free(rt);
}
