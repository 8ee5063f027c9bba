/* test_stress.c — chaos: many processes performing random operations on
 * each other (send with capabilities, spawn, kill, monitor, demonitor,
 * link, unlink, trap, mailboxes, timers, exits) on several schedulers.
 * Whatever happens, nothing crashes, races (TSan) or leaks (LSan), and
 * every spawned process gets exactly one terminate. */
#include "rt_test.h"

typedef struct world {
	atomic_long ops, spawned, terms;
	long max_ops, max_spawns;
} world;

typedef struct chaos {
	world *w;
	uint64_t rng;
	hr_handle self;
	hr_handle known[16];
	int nknown;
	uint64_t refs[8];
	int nrefs;
	uint32_t mbs[4];
	int nmbs;
} chaos;

static uint64_t rnd(chaos *c)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return c->rng;
}

static hr_handle pick(chaos *c)
{
	return c->nknown ? c->known[rnd(c) % (uint64_t)c->nknown]
			 : HR_HANDLE_NONE;
}

static void learn(hr_ctx *cx, chaos *c, hr_handle h)
{
	int i;

	if (h < 0)
		return;
	for (i = 0; i < c->nknown; i++) {
		if (c->known[i] == h) {
			hr_ref_dec(cx, h); /* one reference is enough */
			return;
		}
	}
	if (c->nknown < 16) {
		c->known[c->nknown++] = h;
	} else {
		i = (int)(rnd(c) % 16);
		hr_ref_dec(cx, c->known[i]);
		c->known[i] = h;
	}
}

static const hr_kind chaos_kind;

static void chaos_spawn(hr_ctx *cx, chaos *c)
{
	chaos *k;
	hr_handle caps[2], h;
	hr_spawn_opts o = {.kind = &chaos_kind, .name = "chaos"};
	uint32_t n = 0;
	int rc;

	if (atomic_fetch_add(&c->w->spawned, 1) >= c->w->max_spawns) {
		atomic_fetch_sub(&c->w->spawned, 1);
		return;
	}
	k = calloc(1, sizeof *k);
	k->w = c->w;
	k->rng = rnd(c) | 1;
	if (c->nknown)
		caps[n++] = pick(c);
	o.state = k;
	o.caps = caps;
	o.ncaps = n;
	o.link = rnd(c) % 4 == 0;
	rc = hr_spawn(cx, &o, &h);
	if (rc) {
		ASSERT(rc == HB_ELIMIT || rc == HB_ECLOSED);
		atomic_fetch_sub(&c->w->spawned, 1);
		free(k);
		return;
	}
	learn(cx, c, h);
	hr_send(cx, h, "tick", 4, NULL, 0);
}

static void chaos_op(hr_ctx *cx, chaos *c)
{
	hr_handle h = pick(c), d;
	uint64_t ref, t;
	static const uint8_t junk[300];
	int rc;

	switch (rnd(c) % 16) {
	case 0:
	case 1:
	case 2:
		if (h >= 0) {
			hr_handle caps[2] = {c->self, h};

			rc = hr_send(cx, h, junk, rnd(c) % sizeof junk, caps,
				     (uint32_t)(rnd(c) % 3));
			ASSERT(rc == 0 || rc == HB_EDEAD || rc == HB_ECLOSED ||
			       rc == HB_EFULL || rc == HB_EPERM);
		}
		break;
	case 3:
		chaos_spawn(cx, c);
		break;
	case 4:
		if (h >= 0 && rnd(c) % 4 == 0)
			hr_kill(cx, h);
		break;
	case 5:
		if (h >= 0 && c->nrefs < 8 &&
		    hr_monitor(cx, h, c->nmbs ? c->mbs[0] : 0, &ref) == 0)
			c->refs[c->nrefs++] = ref;
		break;
	case 6:
		if (c->nrefs) {
			int i = (int)(rnd(c) % (uint64_t)c->nrefs);

			rc = hr_demonitor(cx, c->refs[i]);
			ASSERT(rc == 0 || rc == HB_ENOENT);
			c->refs[i] = c->refs[--c->nrefs];
		}
		break;
	case 7:
		if (h >= 0)
			hr_link(cx, h);
		break;
	case 8:
		if (h >= 0)
			hr_unlink(cx, h);
		break;
	case 9:
		hr_trap_exits(cx, rnd(c) % 2);
		break;
	case 10:
		if (c->nmbs < 4 && hr_mailbox_new(cx, &c->mbs[c->nmbs]) == 0) {
			if (hr_mailbox_cap(cx, c->mbs[c->nmbs], HR_PERM_SEND,
					   &d) == 0)
				learn(cx, c, d);
			c->nmbs++;
		} else if (c->nmbs) {
			ASSERT_OK(hr_mailbox_free(cx, c->mbs[--c->nmbs]));
		}
		break;
	case 11:
		if (h >= 0 && hr_send_after(cx, rnd(c) % 2000000, h, "late", 4,
					    NULL, 0, &t) == 0 &&
		    rnd(c) % 2)
			hr_timer_cancel(cx, t);
		break;
	case 12:
		if (h >= 0 && hr_demote(cx, h, HR_PERM_SEND, &d) == 0)
			learn(cx, c, d);
		break;
	case 13:
		if (rnd(c) % 8 == 0)
			hr_exit(cx, rnd(c) % 2 ? 0 : HR_EXIT_USER, "chaos");
		break;
	default:
		if (c->nknown && rnd(c) % 4 == 0) {
			int i = (int)(rnd(c) % (uint64_t)c->nknown);

			hr_ref_dec(cx, c->known[i]);
			c->known[i] = c->known[--c->nknown];
		}
		break;
	}
}

static int chaos_init(hr_ctx *cx, void *st)
{
	chaos *c = st;

	if (hr_perms(cx, 0) >= 0)
		c->known[c->nknown++] = 0;
	return hr_mailbox_cap(cx, 0, HR_PERM_SEND, &c->self);
}

static void chaos_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	chaos *c = st;
	uint32_t i;

	for (i = 0; i < m->ncaps; i++)
		if (m->caps[i] >= 0 && rnd(c) % 2)
			learn(cx, c, m->caps[i]);
		else if (m->caps[i] >= 0)
			hr_ref_dec(cx, m->caps[i]);
	if (m->kind != HR_MSG_DATA || m->len != 4 ||
	    memcmp(m->data, "tick", 4))
		return;
	if (atomic_fetch_add(&c->w->ops, 1) >= c->w->max_ops)
		return;
	chaos_op(cx, c);
	hr_send(cx, c->self, "tick", 4, NULL, 0);
}

static void chaos_end(hr_ctx *cx, void *st, const hr_reason *why)
{
	chaos *c = st;

	(void)cx;
	(void)why;
	atomic_fetch_add(&c->w->terms, 1);
	free(c);
}

static const hr_kind chaos_kind = {.name = "chaos",
				   .init = chaos_init,
				   .on_message = chaos_msg,
				   .terminate = chaos_end};

static void run_chaos(unsigned nsched, long ops, long spawns, int seeds)
{
	hr_config cfg;
	hr_rt *rt;
	world w = {.max_ops = ops, .max_spawns = spawns};
	hr_handle first = HR_HANDLE_NONE;
	int i;

	hr_config_init(&cfg);
	cfg.schedulers = nsched;
	cfg.spin_us = 10;
	cfg.defaults.queue_msgs = 64; /* full mailboxes happen */
	cfg.defaults.handles = 64;    /* so do full tables */
	rt = rt_start_cfg(&cfg);
	for (i = 0; i < seeds; i++) {
		chaos *c = calloc(1, sizeof *c);
		hr_spawn_opts o = {.kind = &chaos_kind, .state = c,
				   .name = "seed"};
		hr_handle h;

		c->w = &w;
		c->rng = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1);
		if (first >= 0) {
			o.caps = &first;
			o.ncaps = 1;
		}
		atomic_fetch_add(&w.spawned, 1);
		ASSERT_OK(hr_host_spawn(rt, &o, &h));
		if (first < 0)
			first = h;
		ASSERT_OK(hr_host_send(rt, h, "tick", 4, NULL, 0));
	}
	/* until the operations are spent or everyone is gone */
	while (atomic_load(&w.ops) < w.max_ops && hr_rt_nprocs(rt) > 0)
		sleep_ms(5);
	if (getenv("HEARTH_TEST_VERBOSE"))
		printf("  %ld ops, %ld spawned, %u alive at shutdown\n",
		       atomic_load(&w.ops), atomic_load(&w.spawned),
		       hr_rt_nprocs(rt));
	ASSERT_OK(hr_rt_shutdown(rt));
	ASSERT_EQ(hr_rt_nprocs(rt), 0);
	ASSERT_EQ(atomic_load(&w.terms), atomic_load(&w.spawned));
	hr_rt_free(rt);
}

TEST_TIMEOUT(stress_chaos_two_schedulers, 120)
{
	run_chaos(2, 300000, 8000, 40);
}

TEST_TIMEOUT(stress_chaos_four_schedulers, 120)
{
	run_chaos(4, 300000, 8000, 40);
}
