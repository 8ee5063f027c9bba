/* bench_guest.c — the Wasm side of `make bench-procs`: entry points built
 * with the guest SDK that hearth-bench-procs spawns as processes. Handle 0
 * is always where results go (the harness's inbox or driver). */
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

/* Send a result ["name", value] to handle 0. */
static void report(const char *name, int64_t value)
{
	uint8_t buf[64];
	hb_buf b;

	hb_buf_init(&b);
	hb_mp_put_array(&b, 2);
	hb_mp_put_cstr(&b, name);
	hb_mp_put_int(&b, value);
	if (!b.err && b.len <= sizeof buf)
		hearth_send(0, b.data, b.len, NULL, 0);
	hb_buf_deinit(&b);
}

static int64_t await_go(void);
#define await_go_early await_go

/* ---- spawn -> first instruction: the first thing it does is a send ---- */
HEARTH_ENTRY(first)
{
	hearth_v1_cap_send(0, "", 0, NULL, 0);
}

/* The same through the spawner service, as a guest spawns: handles
 * [parent, registry]; on ["go", n] it spawns n `first` children of its
 * own module with hearth_spawn (each given a capability to it), waits for
 * their n messages and reports ["spawn_total_ns", t]. */
HEARTH_ENTRY(spawn_many)
{
	int64_t n = await_go_early(), i, t0, got = 0;
	hearth_cap spawner, self, child;
	hearth_spawn_opts o = {.entry = "first", .ncaps = 1};
	hearth_msg m;
	char why[128];
	int rc;

	if (hearth_spawner(1, &spawner) || hearth_self(HEARTH_PERM_SEND, &self))
		hearth_fail("no spawner");
	o.caps = &self;
	t0 = hearth_now();
	for (i = 0; i < n; i++) {
		rc = hearth_spawn(spawner, &o, &child, why, sizeof why);
		if (rc)
			hearth_fail("spawn: %s %s", hb_strerror(rc), why);
		hearth_cap_unref(child);
		while (hearth_try_recv(0, &m) == 0) {
			got++;
			hearth_msg_free(&m);
		}
	}
	while (got < n) {
		if (hearth_recv(0, 60 * HEARTH_SEC, &m))
			hearth_fail("children missing");
		got++;
		hearth_msg_free(&m);
	}
	report("spawn_total_ns", hearth_now() - t0);
}

/* ---- ping-pong. pong: handles [parent]; its first message carries the
 * ping's capability; then it answers every message to it. ---- */
HEARTH_ENTRY(pong)
{
	hearth_cap ping = HEARTH_CAP_NONE;
	hearth_msg m;

	while (hearth_recv(0, HEARTH_FOREVER, &m) == 0) {
		if (ping < 0)
			ping = hearth_msg_take_cap(&m, 0);
		else
			hearth_send(ping, "o", 1, NULL, 0);
		hearth_msg_free(&m);
	}
}

/* The ping side: handles [parent, pong]; waits for ["go", n] from the
 * parent, introduces itself to pong, plays n round trips (SDK sends and
 * receives), reports ["rtt_total_ns", t]. With lat, it keeps every round
 * trip's time and reports ["p99_ns", p99] instead. */
static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int64_t await_go(void)
{
	hearth_msg m;
	hb_mp_reader r;
	uint32_t n;
	int64_t v = 0;
	const char *s;
	uint32_t len;

	if (hearth_recv(0, HEARTH_FOREVER, &m))
		hearth_fail("no go");
	hearth_msg_reader(&m, &r);
	if (hb_mp_get_array(&r, &n) || n != 2 || hb_mp_get_str(&r, &s, &len) ||
	    hb_mp_get_int(&r, &v))
		hearth_fail("bad go");
	hearth_msg_free(&m);
	return v;
}

static void ping_common(bool lat)
{
	int64_t n = await_go(), i, t0, last, *lats = NULL;
	hearth_cap self;
	hearth_msg m;

	if (hearth_self(HEARTH_PERM_SEND, &self))
		hearth_fail("self");
	if (lat && !(lats = malloc((size_t)n * sizeof *lats)))
		hearth_fail("no memory for %lld latencies", (long long)n);
	hearth_send(1, "", 0, &self, 1);
	t0 = last = hearth_now();
	for (i = 0; i < n; i++) {
		hearth_send(1, "i", 1, NULL, 0);
		if (hearth_recv(0, HEARTH_FOREVER, &m))
			hearth_fail("recv");
		hearth_msg_free(&m);
		if (lat) {
			int64_t now = hearth_now();

			lats[i] = now - last;
			last = now;
		}
	}
	if (!lat) {
		report("rtt_total_ns", hearth_now() - t0);
		return;
	}
	qsort(lats, (size_t)n, sizeof *lats, cmp64);
	report("p99_ns", lats[(size_t)(n * 99 / 100)]);
	free(lats);
}

HEARTH_ENTRY(ping)
{
	ping_common(false);
}

HEARTH_ENTRY(lat_ping)
{
	ping_common(true);
}

/* The same pair on the raw ABI: no copy of the message into the guest,
 * only receive and free — what the SDK's convenience costs. */
HEARTH_ENTRY(pong_raw)
{
	int32_t ping = -1, sig;

	while ((sig = hearth_v1_mb_recv(0, -1)) >= 0) {
		if (ping < 0)
			hearth_v1_sig_caps(sig, &ping, 1);
		else
			hearth_v1_cap_send(ping, "o", 1, NULL, 0);
		hearth_v1_sig_free(sig);
	}
}

HEARTH_ENTRY(ping_raw)
{
	int64_t n = await_go(), i, t0;
	int32_t self = hearth_v1_mb_cap(0, HEARTH_PERM_SEND), sig;

	hearth_v1_cap_send(1, "", 0, &self, 1);
	t0 = hearth_now();
	for (i = 0; i < n; i++) {
		hearth_v1_cap_send(1, "i", 1, NULL, 0);
		sig = hearth_v1_mb_recv(0, -1);
		if (sig < 0)
			hearth_fail("recv");
		hearth_v1_sig_free(sig);
	}
	report("rtt_total_ns", hearth_now() - t0);
}

/* ---- a ring: a node passes a count (int64, raw bytes) to its next,
 * less one; at 0 it reports ["done", 0]. A message with a capability
 * names its next. ---- */
static void ring(hearth_cap next)
{
	hearth_msg m;
	int64_t left;

	while (hearth_recv(0, HEARTH_FOREVER, &m) == 0) {
		if (m.ncaps == 1) {
			next = hearth_msg_take_cap(&m, 0);
		} else if (m.len == sizeof left) {
			memcpy(&left, m.data, sizeof left);
			if (left == 0) {
				report("done", 0);
			} else {
				left--;
				hearth_send(next, &left, sizeof left, NULL, 0);
			}
		}
		hearth_msg_free(&m);
	}
}

/* handles [parent, next] */
HEARTH_ENTRY(ring_node)
{
	ring(1);
}

/* handles [parent]: the last node, told its next (the first) later */
HEARTH_ENTRY(ring_last)
{
	ring(HEARTH_CAP_NONE);
}

/* The same on the raw ABI (info: what the SDK costs per hop). */
static void ring_raw(int32_t next)
{
	int64_t left;
	int32_t sig;

	while ((sig = hearth_v1_mb_recv(0, -1)) >= 0) {
		if (hearth_v1_sig_caps(sig, &next, 1) == 1) {
			/* the next node */
		} else if (hearth_v1_sig_read(sig, 0, &left, sizeof left) ==
			   sizeof left) {
			if (left == 0) {
				report("done", 0);
			} else {
				left--;
				hearth_v1_cap_send(next, &left, sizeof left,
						   NULL, 0);
			}
		}
		hearth_v1_sig_free(sig);
	}
}

HEARTH_ENTRY(ring_raw_node)
{
	ring_raw(1);
}

HEARTH_ENTRY(ring_raw_last)
{
	ring_raw(-1);
}

/* ---- idle: says it is ready, then waits for ever ---- */
HEARTH_ENTRY(idle)
{
	hearth_msg m;

	hearth_send(0, "", 0, NULL, 0);
	while (hearth_recv(0, HEARTH_FOREVER, &m) == 0)
		hearth_msg_free(&m);
}

/* ---- busy: a loop that never waits (one 64-bit LCG step a turn) ---- */
static volatile uint64_t sink;

HEARTH_ENTRY(busy)
{
	uint64_t x = 1;

	for (;;) {
		for (int i = 0; i < 1000; i++)
			x = x * 6364136223846793005ull + 1442695040888963407ull;
		sink = x;
	}
}
