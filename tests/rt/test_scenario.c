/* test_scenario.c — scenarios with many processes: a supervisor
 * restarting crashing workers, backpressure through bounded mailboxes,
 * a monitored crowd partly killed, a proxy-like kind intercepting kill,
 * monitor, link and delivery. */
#include "rt_test.h"

/* ---- supervisor ---- */

typedef struct worker {
	uint32_t delay_us;
} worker;

static int worker_init(hr_ctx *cx, void *st)
{
	worker *w = st;
	hr_handle me;
	uint64_t t;
	int rc;

	rc = hr_mailbox_cap(cx, 0, HR_PERM_SEND, &me);
	if (!rc)
		rc = hr_send_after(cx, (uint64_t)w->delay_us * 1000, me,
				   "crash", 5, NULL, 0, &t);
	return rc;
}

static void worker_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	(void)st;
	if (m->len == 5 && !memcmp(m->data, "crash", 5))
		hr_exit(cx, HR_EXIT_USER, "crashed");
}

static void worker_end(hr_ctx *cx, void *st, const hr_reason *why)
{
	(void)cx;
	(void)why;
	free(st);
}

static const hr_kind worker_kind = {.name = "worker",
				    .init = worker_init,
				    .on_message = worker_msg,
				    .terminate = worker_end};

typedef struct sup {
	int restarts, exits, live;
	uint64_t seed;
} sup;

static int sup_start(hr_ctx *cx, sup *s)
{
	worker *w = malloc(sizeof *w);
	hr_spawn_opts o = {.kind = &worker_kind,
			   .state = w,
			   .link = true,
			   .name = "worker"};
	int rc;

	s->seed = s->seed * 6364136223846793005ull + 1;
	w->delay_us = (uint32_t)(s->seed >> 33) % 2000;
	rc = hr_spawn(cx, &o, NULL);
	if (rc)
		free(w);
	else
		s->live++;
	return rc;
}

static int sup_init(hr_ctx *cx, void *st)
{
	int i, rc = 0;

	hr_trap_exits(cx, true);
	for (i = 0; i < 10 && !rc; i++)
		rc = sup_start(cx, st);
	return rc;
}

static void sup_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	sup *s = st;

	if (m->kind != HR_MSG_EXIT)
		return;
	ASSERT_EQ(m->reason.code, HR_EXIT_USER);
	ASSERT_STREQ(m->reason.text, "crashed");
	hr_ref_dec(cx, m->caps[0]);
	s->exits++;
	s->live--;
	if (s->restarts < 500) {
		ASSERT_OK(sup_start(cx, s));
		s->restarts++;
	}
	if (s->live == 0) {
		int64_t v[2] = {s->restarts, s->exits};

		hr_send(cx, 0, v, sizeof v, NULL, 0);
	}
}

static const hr_kind sup_kind = {
	.name = "supervisor", .init = sup_init, .on_message = sup_msg};

TEST(scenario_supervisor_restarts_crashing_workers)
{
	hr_rt *rt = rt_start(3);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb);
	sup s = {.seed = 42};
	hr_proc_info pi;
	hr_handle sh;
	hr_pid pid;
	int64_t v[2];
	hr_msg m;

	sh = spawn_kind(rt, &sup_kind, &s, &in, 1);
	expect_msg(rt, mb, &m);
	memcpy(v, m.data, sizeof v);
	hr_host_msg_free(rt, &m);
	ASSERT_EQ(v[0], 500);
	ASSERT_EQ(v[1], 510);
	/* the supervisor survived every crash, and holds no links now */
	ASSERT_OK(hr_host_target_pid(rt, sh, &pid));
	ASSERT_OK(hr_rt_proc_info(rt, pid, &pi));
	ASSERT_EQ(pi.links, 0);
	ASSERT(pi.trap_exits);
	while (hr_rt_nprocs(rt) != 1)
		sleep_ms(1);
	hr_rt_free(rt);
}

/* ---- backpressure ---- */

/* producer: sends 0..n-1 to handle 1; on HB_EFULL waits 1 ms, retries */
typedef struct producer {
	uint64_t next, n, full;
} producer;

static hr_run producer_run(hr_ctx *cx, void *st, hr_slice *sl)
{
	producer *p = st;

	sl->used = 0;
	while (p->next < p->n && sl->used < sl->budget) {
		int rc = hr_send(cx, 1, &p->next, sizeof p->next, NULL, 0);

		sl->used++;
		if (rc == HB_EFULL) {
			p->full++;
			sl->wait_timeout_ns = 1000000;
			return HR_RUN_WAIT; /* a sleep */
		}
		ASSERT_OK(rc);
		p->next++;
	}
	if (p->next < p->n)
		return HR_RUN_YIELD;
	hr_send(cx, 0, &p->full, sizeof p->full, NULL, 0);
	return HR_RUN_EXIT;
}
static const hr_kind producer_kind = {.name = "producer", .run = producer_run};

/* consumer: checks order, naps 1 ms every 500, reports at the end */
typedef struct consumer {
	uint64_t expect, n;
} consumer;

static void consumer_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	consumer *c = st;

	ASSERT_UEQ(msg_u64(m), c->expect);
	c->expect++;
	if (c->expect % 500 == 0)
		hr_sleep(cx, 1000000);
	if (c->expect == c->n)
		hr_send(cx, 0, "all", 3, NULL, 0);
}
static const hr_kind consumer_kind = {.name = "consumer",
				      .on_message = consumer_msg};

TEST(scenario_backpressure_through_bounded_mailboxes)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), ch, cs;
	hr_limits lim = {.queue_msgs = 50};
	consumer c = {.n = 20000};
	producer p = {.n = 20000};
	hr_spawn_opts o = {.kind = &consumer_kind,
			   .state = &c,
			   .caps = &in,
			   .ncaps = 1,
			   .limits = &lim};
	hr_proc_info pi;
	hr_pid pid;
	hr_msg m;
	int got = 0;

	ASSERT_OK(hr_host_spawn(rt, &o, &ch));
	ASSERT_OK(hr_host_demote(rt, ch, HR_PERM_SEND, &cs));
	spawn_kind(rt, &producer_kind, &p, (hr_handle[]){in, cs}, 2);
	while (got < 2) {
		expect_msg(rt, mb, &m);
		if (m.len == 3)
			got++;
		else {
			ASSERT_GT(msg_u64(&m), 0); /* it did hit the bound */
			got++;
		}
		hr_host_msg_free(rt, &m);
	}
	ASSERT_OK(hr_host_target_pid(rt, ch, &pid));
	ASSERT_OK(hr_rt_proc_info(rt, pid, &pi));
	ASSERT_LE(pi.hwm_msgs, 50); /* never past the bound */
	ASSERT_UEQ(c.expect, 20000);
	hr_rt_free(rt);
}

/* ---- a monitored crowd ---- */

typedef struct node {
	hr_handle next;
} node;

/* node: monitors handle 1 (if any) and reports DOWNs to handle 0 */
static int node_init(hr_ctx *cx, void *st)
{
	uint64_t ref;

	(void)st;
	if (hr_perms(cx, 1) >= 0)
		return hr_monitor(cx, 1, 0, &ref);
	return 0;
}

static void node_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	(void)st;
	if (m->kind == HR_MSG_DOWN)
		hr_send(cx, 0, &m->reason.code, sizeof m->reason.code, NULL, 0);
}

static const hr_kind node_kind = {
	.name = "node", .init = node_init, .on_message = node_msg};

TEST(scenario_crowd_of_monitors_partly_killed)
{
	enum { N = 3000 };
	hr_rt *rt = rt_start(3);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), *h = malloc(N * sizeof *h);
	hr_spawn_opts o = {.kind = &node_kind};
	hr_msg m;
	int i, downs = 0;

	/* node i monitors node i-1 */
	for (i = 0; i < N; i++) {
		o.caps = i ? (hr_handle[]){in, h[i - 1]} : &in;
		o.ncaps = i ? 2 : 1;
		ASSERT_OK(hr_host_spawn(rt, &o, &h[i]));
	}
	/* wait until every monitor is in place: each node has run init */
	for (;;) {
		hr_proc_info pi;
		hr_pid pid;

		ASSERT_OK(hr_host_target_pid(rt, h[N - 1], &pid));
		ASSERT_OK(hr_rt_proc_info(rt, pid, &pi));
		if (pi.reductions > 0)
			break;
		sleep_ms(1);
	}
	for (i = 0; i < N; i += 10)
		ASSERT_OK(hr_host_kill(rt, h[i]));
	/* node i+1 (alive: i+1 is never a multiple of 10) hears of node i */
	while (downs < N / 10) {
		int32_t code;

		expect_msg(rt, mb, &m);
		memcpy(&code, m.data, sizeof code);
		/* killed, or noproc if the victim died before the watcher's
		 * init monitored it */
		ASSERT(code == HR_EXIT_KILLED || code == HR_EXIT_NOPROC);
		downs++;
		hr_host_msg_free(rt, &m);
	}
	while (hr_rt_nprocs(rt) != N - N / 10) /* slots free after DOWNs */
		sleep_ms(1);
	free(h);
	hr_rt_free(rt);
}

/* ---- interception (the remote proxy's hooks) ---- */

typedef struct proxy {
	atomic_int delivers, kills, monitors, links;
} proxy;

static int proxy_icpt(void *st, const hr_icpt *op)
{
	proxy *p = st;

	switch (op->op) {
	case HR_ICPT_DELIVER:
		atomic_fetch_add(&p->delivers, 1);
		/* "forward" anything that starts with '>' */
		return op->len && op->data[0] == '>' ? HR_CONSUMED : HR_PASS;
	case HR_ICPT_KILL:
		atomic_fetch_add(&p->kills, 1);
		return HR_CONSUMED; /* a proxy forwards kills, stays up */
	case HR_ICPT_MONITOR:
		atomic_fetch_add(&p->monitors, 1);
		return HR_PASS;
	case HR_ICPT_LINK:
		atomic_fetch_add(&p->links, 1);
		return HR_PASS;
	}
	return HR_PASS;
}

static void proxy_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	(void)st;
	hr_send(cx, 0, m->data, m->len, NULL, 0);
}

static const hr_kind proxy_kind = {
	.name = "proxy", .on_message = proxy_msg, .intercept = proxy_icpt};

TEST(scenario_intercepting_kind)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), px, ag = spawn_agent(rt, in);
	proxy p;
	char line[64];
	uint64_t ref;
	hr_pid pid;

	memset(&p, 0, sizeof p);
	px = spawn_kind(rt, &proxy_kind, &p, &in, 1);
	ASSERT_OK(hr_host_send(rt, px, ">away", 5, NULL, 0));
	ASSERT_OK(hr_host_send(rt, px, "local", 5, NULL, 0));
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "local");
	ASSERT_EQ(atomic_load(&p.delivers), 2);
	ASSERT_OK(hr_host_kill(rt, px));
	ASSERT_EQ(atomic_load(&p.kills), 1);
	ASSERT_OK(hr_host_monitor(rt, px, mb, &ref));
	ASSERT_EQ(atomic_load(&p.monitors), 1);
	agent_cmd(rt, ag, mb, "link", px, line, sizeof line);
	ASSERT_STREQ(line, "0");
	ASSERT_EQ(atomic_load(&p.links), 1);
	/* still alive: killing by pid is not interceptable */
	ASSERT_OK(hr_host_send(rt, px, "still", 5, NULL, 0));
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "still");
	ASSERT_OK(hr_host_target_pid(rt, px, &pid));
	ASSERT_OK(hr_rt_kill_pid(rt, pid, HR_EXIT_KILLED, NULL));
	for (;;) {
		hr_msg m;

		expect_msg(rt, mb, &m);
		if (m.kind == HR_MSG_DOWN) {
			ASSERT_UEQ(m.ref, ref);
			hr_host_msg_free(rt, &m);
			break;
		}
		hr_host_msg_free(rt, &m);
	}
	hr_rt_free(rt);
}
