/* test_host.c — the host side from foreign threads: concurrent
 * injection, enumeration while processes come and go, kill by pid,
 * receive timeouts. */
#include "rt_test.h"

typedef struct counter {
	uint64_t n;
} counter;

static void counter_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	counter *c = st;

	if (m->len == 6 && !memcmp(m->data, "report", 6))
		hr_send(cx, 0, &c->n, sizeof c->n, NULL, 0);
	else
		c->n++;
}
static const hr_kind counter_kind = {.name = "counter",
				     .on_message = counter_msg};

typedef struct injector {
	hr_rt *rt;
	hr_handle to;
	int n;
	int full;
} injector;

static void *inject(void *arg)
{
	injector *in = arg;
	uint64_t i;

	for (i = 0; i < (uint64_t)in->n; i++) {
		int rc;

		while ((rc = hr_host_send(in->rt, in->to, &i, sizeof i, NULL,
					  0)) == HB_EFULL) {
			in->full++;
			sched_yield();
		}
		ASSERT_OK(rc);
	}
	return NULL;
}

TEST(host_threads_inject_concurrently)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), c;
	hr_limits lim = {.queue_msgs = 1000};
	hr_spawn_opts o = {
		.kind = &counter_kind, .caps = &in, .ncaps = 1, .limits = &lim};
	counter st = {0};
	pthread_t t[4];
	injector ij[4];
	hr_msg m;
	int i;

	o.state = &st;
	ASSERT_OK(hr_host_spawn(rt, &o, &c));
	for (i = 0; i < 4; i++) {
		ij[i] = (injector){rt, c, 5000, 0};
		ASSERT_EQ(pthread_create(&t[i], NULL, inject, &ij[i]), 0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	while (hr_host_send(rt, c, "report", 6, NULL, 0) == HB_EFULL)
		sleep_ms(1);
	expect_msg(rt, mb, &m);
	ASSERT_UEQ(msg_u64(&m), 20000); /* none lost, none doubled */
	hr_host_msg_free(rt, &m);
	hr_rt_free(rt);
}

typedef struct watcher {
	hr_rt *rt;
	atomic_bool stop;
	atomic_long rounds;
} watcher;

static void *enumerate(void *arg)
{
	watcher *w = arg;
	hr_proc_info *info = malloc(256 * sizeof *info);

	while (!atomic_load(&w->stop)) {
		size_t n, i;

		ASSERT_OK(hr_rt_procs(w->rt, info, 256, &n));
		ASSERT_GE(n, 1);
		for (i = 0; i < n && i < 256; i++)
			ASSERT(info[i].state != HR_PS_FREE);
		atomic_fetch_add(&w->rounds, 1);
	}
	free(info);
	return NULL;
}

TEST(host_enumerate_while_processes_come_and_go)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb);
	watcher w = {.rt = rt};
	pthread_t t;
	long r0;
	int i;

	ASSERT_EQ(pthread_create(&t, NULL, enumerate, &w), 0);
	while ((r0 = atomic_load(&w.rounds)) == 0)
		sleep_ms(1);
	/* 3000 spawns at least, and at least 3 enumerations among them (the
	 * spawns alone may be over before the watcher's thread runs again) */
	for (i = 0; i < 3000 || (atomic_load(&w.rounds) < r0 + 3 && i < 30000);
	     i++) {
		hr_handle a = spawn_kind(rt, &fwd_kind, NULL, &in, 1);

		if (i % 3)
			ASSERT_OK(hr_host_kill(rt, a));
		ASSERT_OK(hr_host_ref_dec(rt, a));
	}
	atomic_store(&w.stop, true);
	pthread_join(t, NULL);
	ASSERT_GE(atomic_load(&w.rounds), r0 + 3);
	while (hr_rt_nprocs(rt) != (uint32_t)(i + 2) / 3) /* every third lives */
		sleep_ms(1);
	hr_rt_free(rt);
}

TEST(host_kill_by_pid_and_recv_timeout)
{
	hr_rt *rt = rt_start(1);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), a = spawn_agent(rt, in);
	hr_pid pid;
	uint64_t ref;
	hr_msg m;

	ASSERT_ERR(hr_host_recv(rt, mb, 5 * 1000 * 1000, &m), HB_ETIMEDOUT);
	ASSERT_OK(hr_host_target_pid(rt, a, &pid));
	ASSERT_OK(hr_host_monitor(rt, a, mb, &ref));
	ASSERT_OK(hr_rt_kill_pid(rt, pid, HR_EXIT_USER + 1, "by pid"));
	await_down(rt, mb, ref, &m);
	ASSERT_EQ(m.reason.code, HR_EXIT_USER + 1);
	ASSERT_STREQ(m.reason.text, "by pid");
	hr_host_msg_free(rt, &m);
	ASSERT_ERR(hr_rt_kill_pid(rt, pid, 1, NULL), HB_EDEAD);
	ASSERT_ERR(hr_rt_kill_pid(rt, (1ull << 32) | 0, 1, NULL), HB_EPERM);
	ASSERT_ERR(hr_rt_kill_pid(rt, 999999, 1, NULL), HB_EDEAD);
	hr_rt_free(rt);
}
