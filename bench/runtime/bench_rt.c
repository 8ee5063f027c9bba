/* bench_rt.c — native-process benchmarks of the runtime, the same six
 * figures bench_rt.erl measures on BEAM: spawn+exit, ping-pong round
 * trip, 1..4 senders to one receiver, ring hops, monitor+demonitor, and
 * ping-pong p99 beside busy loops. Prints "name value unit" lines. */
#include <getopt.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearth/error.h"
#include "hearth/rt.h"

static unsigned nsched = 2;
static uint32_t queue_msgs; /* 0: the runtime default */

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_rt: %s: %s\n", what, hb_strerror(rc));
	exit(1);
}

#define CHECK(expr)                                                            \
	do {                                                                   \
		int rc_ = (expr);                                              \
		if (rc_)                                                       \
			die(#expr, rc_);                                       \
	} while (0)

static hr_rt *mk(void)
{
	hr_config c;
	hr_rt *rt;

	hr_config_init(&c);
	c.schedulers = nsched;
	if (queue_msgs)
		c.defaults.queue_msgs = queue_msgs;
	CHECK(hr_rt_new(&c, &rt));
	return rt;
}

static hr_handle inbox(hr_rt *rt, uint32_t *mb)
{
	hr_handle h;

	CHECK(hr_host_mailbox_new(rt, mb));
	CHECK(hr_host_mailbox_cap(rt, *mb, HR_PERM_SEND, &h));
	return h;
}

static hr_handle spawn(hr_rt *rt, const hr_kind *k, void *st,
		       const hr_handle *caps, uint32_t n)
{
	hr_spawn_opts o = {.kind = k, .state = st, .caps = caps, .ncaps = n};
	hr_handle h;

	CHECK(hr_host_spawn(rt, &o, &h));
	return h;
}

/* Wait for one message on mb and return its first 8 bytes. */
static uint64_t result(hr_rt *rt, uint32_t mb)
{
	hr_msg m;
	uint64_t v = 0;

	CHECK(hr_host_recv(rt, mb, -1, &m));
	memcpy(&v, m.data, m.len < sizeof v ? m.len : sizeof v);
	hr_host_msg_free(rt, &m);
	return v;
}

static void idle_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	(void)cx;
	(void)st;
	(void)m;
}

/* ---- 1. spawn + exit ---- */

static int exit_init(hr_ctx *cx, void *st)
{
	(void)st;
	hr_exit(cx, HR_EXIT_NORMAL, NULL);
	return 0;
}
static const hr_kind exiter = {
	.name = "exiter", .init = exit_init, .on_message = idle_msg};

typedef struct spawner {
	long n, done;
	uint64_t t0;
} spawner;

static hr_run spawner_run(hr_ctx *cx, void *st, hr_slice *sl)
{
	spawner *s = st;
	hr_spawn_opts o = {.kind = &exiter};

	sl->used = 0;
	if (!s->t0)
		s->t0 = hr_now_ns();
	while (s->done < s->n && sl->used < sl->budget) {
		CHECK(hr_spawn(cx, &o, NULL));
		s->done++;
		sl->used += 1;
	}
	if (s->done < s->n)
		return HR_RUN_YIELD;
	sl->used = sl->used ? sl->used : 1;
	if (hr_rt_nprocs(hr_ctx_rt(cx)) > 1)
		return HR_RUN_YIELD; /* children still running */
	{
		uint64_t dt = hr_now_ns() - s->t0;

		hr_send(cx, 0, &dt, sizeof dt, NULL, 0);
	}
	return HR_RUN_EXIT;
}
static const hr_kind spawner_kind = {.name = "spawner", .run = spawner_run};

static double bench_spawn(long n)
{
	hr_rt *rt = mk();
	uint32_t mb;
	hr_handle in = inbox(rt, &mb);
	spawner s = {.n = n};
	double ns;

	spawn(rt, &spawner_kind, &s, &in, 1);
	ns = (double)result(rt, mb) / (double)n;
	hr_rt_free(rt);
	return ns;
}

/* ---- 2. ping-pong round trip (and 6. its p99 beside busy loops) ---- */

typedef struct pp {
	long n, i;
	hr_handle peer; /* pong: learnt from the hello */
	uint64_t t0, last;
	uint32_t *lat; /* ns per round trip, if measuring */
} pp;

static int ping_init(hr_ctx *cx, void *st)
{
	hr_handle me;
	int rc = hr_mailbox_cap(cx, 0, HR_PERM_SEND, &me);

	(void)st;
	/* handle 1 is pong: tell it who we are */
	return rc ? rc : hr_send(cx, 1, "hello", 5, &me, 1);
}

static void ping_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	pp *p = st;
	uint64_t now;

	(void)m;
	if (p->i == 0) {
		p->t0 = p->last = hr_now_ns();
	} else if (p->lat) {
		now = hr_now_ns();
		p->lat[p->i - 1] = (uint32_t)(now - p->last);
		p->last = now;
	}
	if (p->i++ == p->n) {
		uint64_t dt = hr_now_ns() - p->t0;

		hr_send(cx, 0, &dt, sizeof dt, NULL, 0);
		return;
	}
	hr_send(cx, 1, "ping", 4, NULL, 0);
}
static const hr_kind ping_kind = {
	.name = "ping", .init = ping_init, .on_message = ping_msg};

static void pong_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	pp *p = st;

	if (m->ncaps) { /* hello */
		p->peer = m->caps[0];
		hr_send(cx, 0, "ready", 5, NULL, 0);
		return;
	}
	hr_send(cx, p->peer, "pong", 4, NULL, 0);
}
static const hr_kind pong_kind = {.name = "pong", .on_message = pong_msg};

typedef struct busy {
	uint64_t x;
} busy;

/* One reduction = one step of a 64-bit LCG (about a nanosecond). */
static hr_run busy_run(hr_ctx *cx, void *st, hr_slice *sl)
{
	busy *b = st;
	uint32_t i;

	(void)cx;
	for (i = 0; i < sl->budget; i++)
		b->x = b->x * 6364136223846793005ull + 1442695040888963407ull;
	__asm__ __volatile__("" : : "r"(b->x));
	sl->used = sl->budget;
	return HR_RUN_YIELD;
}
static const hr_kind busy_kind = {.name = "busy", .run = busy_run};

/* How long one busy slice lasts: one busy process alone for ~200 ms. */
typedef struct slicer {
	uint64_t x, t0, slices;
} slicer;

static hr_run slicer_run(hr_ctx *cx, void *st, hr_slice *sl)
{
	slicer *b = st;
	uint32_t i;

	if (!b->t0)
		b->t0 = hr_now_ns();
	for (i = 0; i < sl->budget; i++)
		b->x = b->x * 6364136223846793005ull + 1442695040888963407ull;
	__asm__ __volatile__("" : : "r"(b->x));
	sl->used = sl->budget;
	b->slices++;
	if (hr_now_ns() - b->t0 < 200000000ull)
		return HR_RUN_YIELD;
	{
		uint64_t per = (hr_now_ns() - b->t0) / b->slices;

		hr_send(cx, 0, &per, sizeof per, NULL, 0);
	}
	return HR_RUN_EXIT;
}
static const hr_kind slicer_kind = {.name = "slicer", .run = slicer_run};

static double bench_slice(void)
{
	hr_rt *rt = mk();
	uint32_t mb;
	hr_handle in = inbox(rt, &mb);
	slicer b = {0};
	double ns;

	spawn(rt, &slicer_kind, &b, &in, 1);
	ns = (double)result(rt, mb);
	hr_rt_free(rt);
	return ns;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Returns ns per round trip; with nbusy busy loops, the p99 in ns. */
static double bench_pingpong(long n, int nbusy)
{
	hr_rt *rt = mk();
	uint32_t mb;
	hr_handle in = inbox(rt, &mb), pong, ping;
	pp ps = {.n = n}, qs = {0};
	busy b[8];
	double out;
	int i;

	memset(b, 0, sizeof b);
	for (i = 0; i < nbusy && i < 8; i++)
		spawn(rt, &busy_kind, &b[i], NULL, 0);
	if (nbusy)
		ps.lat = calloc((size_t)n, sizeof *ps.lat);
	pong = spawn(rt, &pong_kind, &qs, &in, 1);
	ping = spawn(rt, &ping_kind, &ps, (hr_handle[]){in, pong}, 2);
	result(rt, mb); /* pong is ready */
	CHECK(hr_host_send(rt, ping, "go", 2, NULL, 0));
	out = (double)result(rt, mb) / (double)n;
	if (nbusy) {
		qsort(ps.lat, (size_t)n, sizeof *ps.lat, cmp_u32);
		out = ps.lat[(size_t)((double)n * 0.99)];
		free(ps.lat);
	}
	hr_rt_free(rt);
	return out;
}

/* ---- 3. senders -> one receiver ---- */

typedef struct recv_st {
	_Alignas(64) long total, got;
	uint64_t *t0;
} recv_st;

static void recv_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	recv_st *r = st;

	(void)m;
	if (++r->got == r->total) {
		uint64_t dt = hr_now_ns() - *r->t0;

		hr_send(cx, 0, &dt, sizeof dt, NULL, 0);
	}
}
static const hr_kind recv_kind = {.name = "receiver", .on_message = recv_msg};

typedef struct sender {
	_Alignas(64) long n, i;
	bool go;
} sender;

/* Sends until its budget is spent. On a full queue (HB_EFULL: our
 * mailboxes are bounded, BEAM's are not) it backs off: a 20 us wait, so
 * that blocked senders do not hammer the receiver. */
static hr_run sender_run(hr_ctx *cx, void *st, hr_slice *sl)
{
	sender *s = st;
	hr_msg m;

	sl->used = 1;
	if (!s->go) {
		if (hr_recv(cx, NULL, 0, &m) != 0) {
			sl->wait_any = true;
			return HR_RUN_WAIT;
		}
		hr_msg_free(cx, &m);
		s->go = true;
	}
	while (s->i < s->n && sl->used < sl->budget) {
		int rc = hr_send(cx, 1, &s->i, sizeof s->i, NULL, 0);

		sl->used++;
		if (rc == HB_EFULL) {
			sl->wait_timeout_ns = 20000;
			return HR_RUN_WAIT;
		}
		if (rc)
			die("send", rc);
		s->i++;
	}
	return s->i < s->n ? HR_RUN_YIELD : HR_RUN_EXIT;
}
static const hr_kind sender_kind = {.name = "sender", .run = sender_run};

static double bench_senders(int ns, long total)
{
	hr_rt *rt = mk();
	uint32_t mb;
	hr_handle in = inbox(rt, &mb), r, rs, sh[4];
	uint64_t t0 = 0;
	recv_st rst = {.total = total, .t0 = &t0};
	sender s[4];
	double secs;
	int i;

	r = spawn(rt, &recv_kind, &rst, &in, 1);
	CHECK(hr_host_demote(rt, r, HR_PERM_SEND, &rs));
	for (i = 0; i < ns; i++) {
		s[i] = (sender){.n = total / ns};
		sh[i] = spawn(rt, &sender_kind, &s[i], (hr_handle[]){in, rs},
			      2);
	}
	s[0].n += total - (total / ns) * ns;
	t0 = hr_now_ns();
	for (i = 0; i < ns; i++)
		CHECK(hr_host_send(rt, sh[i], "go", 2, NULL, 0));
	secs = (double)result(rt, mb) / 1e9;
	hr_rt_free(rt);
	return (double)total / secs;
}

/* ---- 4. ring ---- */

typedef struct ring_node {
	hr_handle next; /* handle 1, or learnt from "close" */
} ring_node;

static void ring_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	ring_node *r = st;
	uint64_t left;

	if (m->ncaps) { /* close the ring */
		r->next = m->caps[0];
		return;
	}
	memcpy(&left, m->data, sizeof left);
	if (left == 0) {
		hr_send(cx, 0, &left, sizeof left, NULL, 0);
		return;
	}
	left--;
	hr_send(cx, r->next, &left, sizeof left, NULL, 0);
}
static const hr_kind ring_kind = {.name = "ring", .on_message = ring_msg};

static double bench_ring(int n, int laps)
{
	hr_rt *rt = mk();
	uint32_t mb;
	hr_handle in = inbox(rt, &mb), *h = malloc((size_t)n * sizeof *h);
	ring_node *st = calloc((size_t)n, sizeof *st);
	uint64_t hops = (uint64_t)n * (uint64_t)laps, t0, dt;
	hr_handle s;
	int i;

	for (i = n - 1; i >= 0; i--) {
		if (i == n - 1) {
			h[i] = spawn(rt, &ring_kind, &st[i], &in, 1);
		} else {
			CHECK(hr_host_demote(rt, h[i + 1], HR_PERM_SEND, &s));
			st[i].next = 1;
			h[i] = spawn(rt, &ring_kind, &st[i],
				     (hr_handle[]){in, s}, 2);
		}
	}
	CHECK(hr_host_demote(rt, h[0], HR_PERM_SEND, &s));
	CHECK(hr_host_send(rt, h[n - 1], "close", 5, &s, 1));
	/* let every node run its first slice before timing */
	while (1) {
		hr_proc_info pi;
		hr_pid pid;

		CHECK(hr_host_target_pid(rt, h[n - 1], &pid));
		CHECK(hr_rt_proc_info(rt, pid, &pi));
		if (pi.received == 1 && pi.state == HR_PS_WAITING)
			break;
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	t0 = hr_now_ns();
	CHECK(hr_host_send(rt, h[0], &hops, sizeof hops, NULL, 0));
	result(rt, mb);
	dt = hr_now_ns() - t0;
	hr_rt_free(rt);
	free(h);
	free(st);
	return (double)dt / (double)hops;
}

/* ---- 5. monitor + demonitor ---- */

typedef struct mon_st {
	long n;
} mon_st;

static void mon_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	mon_st *s = st;
	uint64_t ref, t0 = hr_now_ns(), dt;
	long i;

	(void)m;
	for (i = 0; i < s->n; i++) {
		if (hr_monitor(cx, 1, 0, &ref) || hr_demonitor(cx, ref))
			die("monitor", HB_EINVAL);
	}
	dt = hr_now_ns() - t0;
	hr_send(cx, 0, &dt, sizeof dt, NULL, 0);
}
static const hr_kind mon_kind = {.name = "monitorer", .on_message = mon_msg};

static const hr_kind idle_kind = {.name = "idle", .on_message = idle_msg};

static double bench_monitor(long n)
{
	hr_rt *rt = mk();
	uint32_t mb;
	hr_handle in = inbox(rt, &mb), t, p;
	mon_st s = {.n = n};
	double ns;

	t = spawn(rt, &idle_kind, NULL, NULL, 0);
	p = spawn(rt, &mon_kind, &s, (hr_handle[]){in, t}, 2);
	CHECK(hr_host_send(rt, p, "go", 2, NULL, 0));
	ns = (double)result(rt, mb) / (double)n;
	hr_rt_free(rt);
	return ns;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{"schedulers", required_argument, NULL, 's'},
		{"quick", no_argument, NULL, 'q'},
		{"only", required_argument, NULL, 'o'},
		{"queue", required_argument, NULL, 'Q'},
		{NULL, 0, NULL, 0}};
	const char *only = NULL;
	long scale = 1;
	int c, k;

	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		if (c == 's')
			nsched = (unsigned)atoi(optarg);
		else if (c == 'q')
			scale = 10;
		else if (c == 'o')
			only = optarg;
		else if (c == 'Q')
			queue_msgs = (uint32_t)atoi(optarg);
		else
			return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
#define WANT(name) (!only || strstr(only, name))
	if (WANT("spawn"))
		printf("spawn_exit_ns %.1f\n", bench_spawn(500000 / scale));
	if (WANT("pingpong"))
		printf("pingpong_rtt_ns %.1f\n",
		       bench_pingpong(2000000 / scale, 0));
	for (k = 1; k <= 4; k++) {
		char name[32];

		snprintf(name, sizeof name, "senders_%d", k);
		if (WANT(name))
			printf("senders_%d_msgs_per_s %.0f\n", k,
			       bench_senders(k, 8000000 / scale));
	}
	if (WANT("ring"))
		printf("ring_hop_ns %.1f\n",
		       bench_ring(10000, 200 / (int)scale));
	if (WANT("monitor"))
		printf("monitor_demonitor_ns %.1f\n",
		       bench_monitor(2000000 / scale));
	if (WANT("p99")) {
		printf("pingpong_p99_busy_us %.2f\n",
		       bench_pingpong(200000 / scale, 2) / 1000.0);
		printf("busy_slice_us %.2f\n", bench_slice() / 1000.0);
	}
	return 0;
}
