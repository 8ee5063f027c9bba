/* test_shutdown.c — clean shutdown: every process gets its exit (its
 * terminate hook runs once), every monitor its DOWN, nothing leaks
 * (LSan), whatever the processes were doing. */
#include "rt_test.h"

typedef struct counted {
	atomic_int *terms;
	int mode; /* 0 idle, 1 busy, 2 waiter with a long timeout */
	uint64_t x;
} counted;

static void counted_end(hr_ctx *cx, void *st, const hr_reason *why)
{
	counted *c = st;

	(void)cx;
	ASSERT_EQ(why->code, HR_EXIT_SHUTDOWN);
	atomic_fetch_add(c->terms, 1);
	free(c);
}

static hr_run counted_run(hr_ctx *cx, void *st, hr_slice *sl)
{
	counted *c = st;
	uint32_t i;

	(void)cx;
	if (c->mode == 2) {
		sl->wait_any = true;
		sl->wait_timeout_ns = 3600ll * 1000000000;
		sl->used = 1;
		return HR_RUN_WAIT;
	}
	for (i = 0; i < sl->budget; i++)
		c->x = c->x * 31 + i;
	sl->used = sl->budget;
	return HR_RUN_YIELD;
}

static const hr_kind counted_native = {
	.name = "counted", .on_message = idle_msg, .terminate = counted_end};
static const hr_kind counted_resumable = {
	.name = "counted-r", .run = counted_run, .terminate = counted_end};

TEST(shutdown_everyone_exits_and_every_monitor_hears)
{
	hr_rt *rt = rt_start(3);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), h[300], ag[20];
	atomic_int terms = 0;
	char line[64];
	uint64_t ref;
	hr_msg m;
	int i, downs = 0;

	for (i = 0; i < 300; i++) {
		counted *c = calloc(1, sizeof *c);

		c->terms = &terms;
		c->mode = i % 3;
		h[i] = spawn_kind(
			rt, c->mode ? &counted_resumable : &counted_native, c,
			NULL, 0);
		if (i % 6 == 0)
			ASSERT_OK(hr_host_monitor(rt, h[i], mb, &ref));
	}
	/* agents that link and monitor across the crowd */
	for (i = 0; i < 20; i++) {
		ag[i] = spawn_agent(rt, in);
		agent_cmd(rt, ag[i], mb, i % 2 ? "link" : "monitor", h[i * 7],
			  line, sizeof line);
		ASSERT_EQ(line[0], '0');
		if (i % 4 == 0)
			agent_cmd(rt, ag[i], mb, "trap 1", HR_HANDLE_NONE, line,
				  sizeof line);
	}
	ASSERT_OK(hr_rt_shutdown(rt));
	ASSERT_EQ(hr_rt_nprocs(rt), 0);
	ASSERT_EQ(atomic_load(&terms), 300);
	/* the host's mailboxes stay readable: 50 DOWNs, and whatever the
	 * agents said before they went */
	while (hr_host_recv(rt, mb, 0, &m) == 0) {
		if (m.kind == HR_MSG_DOWN) {
			ASSERT_EQ(m.reason.code, HR_EXIT_SHUTDOWN);
			downs++;
		}
		hr_host_msg_free(rt, &m);
	}
	ASSERT_EQ(downs, 50);
	ASSERT_OK(hr_rt_shutdown(rt)); /* idempotent */
	hr_rt_free(rt);
}

static void stopper_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	int64_t rc = hr_rt_shutdown(hr_ctx_rt(cx));

	(void)st;
	(void)m;
	hr_send(cx, 0, &rc, sizeof rc, NULL, 0);
}
static const hr_kind stopper_kind = {.name = "stopper",
				     .on_message = stopper_msg};

TEST(shutdown_not_from_a_scheduler_thread)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), p;
	int64_t rc;
	hr_msg m;

	p = spawn_kind(rt, &stopper_kind, NULL, &in, 1);
	ASSERT_OK(hr_host_send(rt, p, "x", 1, NULL, 0));
	expect_msg(rt, mb, &m);
	memcpy(&rc, m.data, sizeof rc);
	ASSERT_EQ(rc, HB_EBUSY);
	hr_host_msg_free(rt, &m);
	hr_rt_free(rt);
}

TEST(shutdown_with_messages_in_flight)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), f[50];
	uint64_t i;
	int k;

	for (k = 0; k < 50; k++)
		f[k] = spawn_kind(rt, &fwd_kind, NULL, &in, 1);
	for (i = 0; i < 20000; i++)
		hr_host_send(rt, f[i % 50], &i, sizeof i, &in, 1);
	hr_rt_free(rt); /* queued messages and their caps are freed */
}

typedef struct racer {
	hr_rt *rt;
	atomic_int *terms;
	int spawned;
} racer;

static void *spawn_until_closed(void *arg)
{
	racer *r = arg;

	for (;;) {
		counted *c = calloc(1, sizeof *c);
		hr_spawn_opts o = {.kind = &counted_native, .state = c};
		int rc;

		c->terms = r->terms;
		rc = hr_host_spawn(r->rt, &o, NULL);
		if (rc) {
			free(c);
			ASSERT_ERR(rc, HB_ECLOSED);
			return NULL;
		}
		r->spawned++;
	}
}

TEST(shutdown_races_spawning_threads)
{
	hr_rt *rt = rt_start(2);
	atomic_int terms = 0;
	racer r[2] = {{rt, &terms, 0}, {rt, &terms, 0}};
	pthread_t t[2];
	int i;

	for (i = 0; i < 2; i++)
		ASSERT_EQ(
			pthread_create(&t[i], NULL, spawn_until_closed, &r[i]),
			0);
	sleep_ms(20);
	ASSERT_OK(hr_rt_shutdown(rt));
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	ASSERT_EQ(hr_rt_nprocs(rt), 0);
	/* every process that was spawned got its exit */
	ASSERT_EQ(atomic_load(&terms), r[0].spawned + r[1].spawned);
	ASSERT_GT(r[0].spawned + r[1].spawned, 0);
	hr_rt_free(rt);
}
