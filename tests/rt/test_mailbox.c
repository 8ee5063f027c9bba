/* test_mailbox.c — mailboxes: FIFO delivery, bounded queues that refuse
 * with HB_EFULL, size limits, several mailboxes per process, destroyed
 * mailboxes, per-process counters. */
#include "rt_test.h"

TEST(mailbox_fifo_through_a_forwarder)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), f;
	uint64_t i;
	hr_msg m;

	f = spawn_kind(rt, &fwd_kind, NULL, &in, 1);
	for (i = 0; i < 5000; i++)
		ASSERT_OK(hr_host_send(rt, f, &i, sizeof i, NULL, 0));
	for (i = 0; i < 5000; i++) {
		expect_msg(rt, mb, &m);
		ASSERT_UEQ(msg_u64(&m), i);
		hr_host_msg_free(rt, &m);
	}
	hr_rt_free(rt);
}

/* napper: sleeps an hour from its start, so messages stay queued */
static int napper_init(hr_ctx *cx, void *st)
{
	(void)st;
	return hr_sleep(cx, 3600ull * 1000000000);
}
static const hr_kind napper_kind = {
	.name = "napper", .init = napper_init, .on_message = idle_msg};

static hr_handle spawn_napper(hr_rt *rt, const hr_limits *lim)
{
	hr_spawn_opts o = {
		.kind = &napper_kind, .name = "napper", .limits = lim};
	hr_handle h;

	ASSERT_OK(hr_host_spawn(rt, &o, &h));
	return h;
}

TEST(mailbox_full_refuses_with_clear_error)
{
	hr_rt *rt = rt_start(2);
	hr_limits l1 = {.queue_msgs = 10}, l2 = {.queue_bytes = 100};
	hr_handle a = spawn_napper(rt, &l1), b = spawn_napper(rt, &l2);
	hr_proc_info pi;
	hr_pid pid;
	uint64_t v = 7;
	char big[60] = {0};
	int i;

	for (i = 0; i < 10; i++)
		ASSERT_OK(hr_host_send(rt, a, &v, sizeof v, NULL, 0));
	for (i = 0; i < 3; i++)
		ASSERT_ERR(hr_host_send(rt, a, &v, sizeof v, NULL, 0),
			   HB_EFULL);
	ASSERT_OK(hr_host_target_pid(rt, a, &pid));
	ASSERT_OK(hr_rt_proc_info(rt, pid, &pi));
	ASSERT_EQ(pi.queued_msgs, 10);
	ASSERT_EQ(pi.queued_bytes, 80);
	ASSERT_EQ(pi.hwm_msgs, 10);
	ASSERT_EQ(pi.received, 0);
	/* the byte bound */
	ASSERT_OK(hr_host_send(rt, b, big, 60, NULL, 0));
	ASSERT_ERR(hr_host_send(rt, b, big, 60, NULL, 0), HB_EFULL);
	ASSERT_OK(hr_host_send(rt, b, big, 40, NULL, 0));
	ASSERT_ERR(hr_host_send(rt, b, big, 1, NULL, 0), HB_EFULL);
	ASSERT_OK(hr_host_send(rt, b, big, 0, NULL, 0));
	hr_rt_free(rt);
}

/* try_send: on {handle, len, ncaps} sends len bytes and ncaps copies of
 * its handle 0 to handle, and reports the result to handle 0. */
typedef struct try_req {
	int32_t h;
	uint32_t len, ncaps;
} try_req;

static void try_send_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	static const char zeros[256];
	hr_handle caps[8] = {0};
	try_req q;
	int64_t rc;

	(void)st;
	memcpy(&q, m->data, sizeof q);
	rc = hr_send(cx, q.h, zeros, q.len, caps, q.ncaps);
	hr_send(cx, 0, &rc, sizeof rc, NULL, 0);
}
static const hr_kind try_send_kind = {.name = "try_send",
				      .on_message = try_send_msg};

static int64_t try_send(hr_rt *rt, hr_handle p, uint32_t mb, try_req q)
{
	hr_msg m;
	int64_t rc;

	ASSERT_OK(hr_host_send(rt, p, &q, sizeof q, NULL, 0));
	expect_msg(rt, mb, &m);
	memcpy(&rc, m.data, sizeof rc);
	hr_host_msg_free(rt, &m);
	return rc;
}

TEST(mailbox_message_size_and_caps_limits)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), p, sink;
	hr_limits lim = {.msg_bytes = 16, .msg_caps = 2};
	hr_spawn_opts o = {.kind = &try_send_kind,
			   .caps = (hr_handle[2]){0},
			   .ncaps = 2,
			   .limits = &lim};
	static char huge[1];
	uint32_t mb2;
	hr_handle in2 = host_inbox(rt, &mb2);
	hr_msg m;

	sink = spawn_kind(rt, &fwd_kind, NULL, &in2, 1);
	o.caps = (hr_handle[]){in, sink};
	ASSERT_OK(hr_host_spawn(rt, &o, &p));
	ASSERT_EQ(try_send(rt, p, mb, (try_req){1, 16, 2}), 0);
	ASSERT_EQ(try_send(rt, p, mb, (try_req){1, 17, 0}), HB_ETOOBIG);
	ASSERT_EQ(try_send(rt, p, mb, (try_req){1, 1, 3}), HB_ELIMIT);
	expect_msg(rt, mb2, &m); /* only the one that fit went through */
	ASSERT_EQ(m.len, 16);
	hr_host_msg_free(rt, &m);
	ASSERT(quiet_for(rt, mb2, 20));
	ASSERT_EQ(try_send(rt, p, mb, (try_req){5, 1, 0}), HB_EBADH);
	/* the host is bounded by the runtime maxima */
	ASSERT_ERR(hr_host_send(rt, p, huge, (size_t)HR_MAX_MSG_BYTES + 1, NULL,
				0),
		   HB_ETOOBIG);
	hr_rt_free(rt);
}

/* multi: a resumable process with mailboxes 1 and 2 (see steps) */
typedef struct multi {
	int step;
	uint32_t mb1, mb2, mb3, waitlist[1];
} multi;

static void multi_say(hr_ctx *cx, const char *s, int64_t v)
{
	char buf[64];
	int n = snprintf(buf, sizeof buf, "%s %lld", s, (long long)v);

	hr_send(cx, 0, buf, (size_t)n, NULL, 0);
}

static hr_run multi_run(hr_ctx *cx, void *st, hr_slice *sl)
{
	multi *p = st;
	hr_handle c[2];
	hr_msg m;

	sl->used = 1;
	switch (p->step) {
	case 0:
		ASSERT_OK(hr_mailbox_new(cx, &p->mb1));
		ASSERT_OK(hr_mailbox_new(cx, &p->mb2));
		ASSERT_OK(hr_mailbox_cap(cx, p->mb1, HR_PERM_SEND, &c[0]));
		ASSERT_OK(hr_mailbox_cap(cx, p->mb2, HR_PERM_SEND, &c[1]));
		multi_say(cx, "free0", hr_mailbox_free(cx, 0));
		hr_send(cx, 0, "caps", 4, c, 2);
		p->step = 1;
		p->waitlist[0] = p->mb1;
		sl->wait_mailboxes = p->waitlist;
		sl->wait_n = 1;
		return HR_RUN_WAIT;
	case 1:
		/* only mailbox 1 woke us, although mailbox 2 had mail first */
		ASSERT_OK(hr_recv(cx, &p->mb1, 1, &m));
		multi_say(cx, (const char *)m.data, m.mailbox);
		hr_msg_free(cx, &m);
		ASSERT_ERR(hr_recv(cx, &p->mb1, 1, &m), HB_EAGAIN);
		ASSERT_OK(hr_recv(cx, &p->mb2, 1, &m));
		multi_say(cx, (const char *)m.data, m.mailbox);
		hr_msg_free(cx, &m);
		multi_say(cx, "free1", hr_mailbox_free(cx, p->mb1));
		multi_say(cx, "freeagain", hr_mailbox_free(cx, p->mb1));
		ASSERT_OK(hr_mailbox_new(cx, &p->mb3));
		multi_say(cx, "new", p->mb3);
		p->step = 2;
		sl->wait_any = true;
		return HR_RUN_WAIT;
	default:
		while (hr_recv(cx, NULL, 0, &m) == 0) {
			multi_say(cx, "any", m.mailbox);
			hr_msg_free(cx, &m);
		}
		sl->wait_any = true;
		return HR_RUN_WAIT;
	}
}

static const hr_kind multi_kind = {.name = "multi", .run = multi_run};

TEST(mailbox_several_per_process)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), p, c1, c2;
	multi st = {0};
	char line[64];
	hr_msg m;

	p = spawn_kind(rt, &multi_kind, &st, &in, 1);
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "free0 -6"); /* HB_EPERM: mailbox 0 stays */
	expect_msg(rt, mb, &m);
	ASSERT_EQ(m.ncaps, 2);
	c1 = m.caps[0];
	c2 = m.caps[1];
	hr_host_msg_free(rt, &m);
	ASSERT_OK(hr_host_send(rt, c2, "two", 4, NULL, 0));
	ASSERT_OK(hr_host_send(rt, c1, "one", 4, NULL, 0));
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "one 1");
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "two 2");
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "free1 0");
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "freeagain -4");
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "new 1"); /* the id is reused ... */
	/* ... but a capability to the destroyed mailbox stays dead */
	ASSERT_ERR(hr_host_send(rt, c1, "x", 1, NULL, 0), HB_ECLOSED);
	ASSERT_OK(hr_host_send(rt, c2, "y", 1, NULL, 0));
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "any 2");
	ASSERT_OK(hr_host_send(rt, p, "z", 1, NULL, 0));
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "any 0");
	hr_rt_free(rt);
}

TEST(mailbox_counters_for_the_console)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), f;
	hr_proc_info pi;
	hr_pid pid;
	uint64_t i;
	hr_msg m;

	f = spawn_kind(rt, &fwd_kind, NULL, &in, 1);
	for (i = 0; i < 100; i++)
		ASSERT_OK(hr_host_send(rt, f, &i, sizeof i, NULL, 0));
	for (i = 0; i <= 100; i++) {
		if (i == 100) /* a last one: the counters of the 100 are in */
			ASSERT_OK(hr_host_send(rt, f, &i, sizeof i, NULL, 0));
		expect_msg(rt, mb, &m);
		hr_host_msg_free(rt, &m);
	}
	ASSERT_OK(hr_host_target_pid(rt, f, &pid));
	/* once it waits again, its counters are settled */
	for (;;) {
		ASSERT_OK(hr_rt_proc_info(rt, pid, &pi));
		if (pi.state == HR_PS_WAITING)
			break;
		sleep_ms(1);
	}
	ASSERT_EQ(pi.received, 101);
	ASSERT_EQ(pi.sent, 101);
	ASSERT_EQ(pi.queued_msgs, 0);
	ASSERT_EQ(pi.queued_bytes, 0);
	ASSERT_GE(pi.hwm_msgs, 1);
	ASSERT_LE(pi.hwm_msgs, 101);
	ASSERT_GE(pi.reductions, 101);
	ASSERT_STREQ(pi.kind, "forward");
	hr_rt_free(rt);
}
