/* pingpong.c — example: a process spawns its own `pong` entry point from
 * its own lump and plays ping-pong with it. `main` plays ROUNDS round trips,
 * checks every answer, logs the average and exits normally (any mismatch
 * ends it with an error); `demo` does a burst every second, for ever. */
#include <string.h>

#include "hearth.h"

#define ROUNDS 1000

/* pong: answers "ping" with "pong" to the capability that came with it;
 * returns (exits normally) on "stop". */
HEARTH_ENTRY(pong)
{
	hearth_msg m;

	while (hearth_recv(0, HEARTH_FOREVER, &m) == 0) {
		bool stop = m.len == 4 && memcmp(m.data, "stop", 4) == 0;

		if (m.kind == HEARTH_SIG_MESSAGE && m.len == 4 &&
		    memcmp(m.data, "ping", 4) == 0)
			hearth_reply(&m, "pong", 4, NULL, 0);
		hearth_msg_free(&m);
		if (stop)
			return;
	}
}

/* Spawn a pong linked to us: if either fails, both go. */
static hearth_cap start_pong(void)
{
	hearth_spawn_opts o = {.entry = "pong", .link = true};
	hearth_cap spawner, child;
	char why[128];
	int rc;

	rc = hearth_spawner(HEARTH_REGISTRY, &spawner);
	if (rc)
		hearth_fail("no spawner: %s", hb_strerror(rc));
	rc = hearth_spawn(spawner, &o, &child, why, sizeof why);
	if (rc)
		hearth_fail("spawn pong: %s: %s", hb_strerror(rc), why);
	hearth_cap_unref(spawner);
	return child;
}

/* n round trips with pong; returns the average in ns. */
static int64_t rounds(hearth_cap pong_cap, hearth_cap self, int n)
{
	int64_t t0 = hearth_now();
	hearth_msg m;
	int i, rc;

	for (i = 0; i < n; i++) {
		rc = hearth_send(pong_cap, "ping", 4, &self, 1);
		if (rc)
			hearth_fail("send ping: %s", hb_strerror(rc));
		rc = hearth_recv(0, 5 * HEARTH_SEC, &m);
		if (rc)
			hearth_fail("round %d: %s", i, hb_strerror(rc));
		if (m.kind != HEARTH_SIG_MESSAGE || m.len != 4 ||
		    memcmp(m.data, "pong", 4) != 0)
			hearth_fail("round %d: unexpected answer", i);
		hearth_msg_free(&m);
	}
	return (hearth_now() - t0) / n;
}

HEARTH_ENTRY(main)
{
	hearth_cap pong_cap = start_pong(), self;
	int64_t avg;

	hearth_set_description("ping-pong example: request and reply");
	if (hearth_self(HEARTH_PERM_SEND, &self))
		hearth_fail("no self capability");
	avg = rounds(pong_cap, self, ROUNDS);
	hearth_info("ping-pong: %d round trips, %lld ns each", ROUNDS,
		    (long long)avg);
	hearth_send(pong_cap, "stop", 4, NULL, 0);
	hearth_cap_unref(self);
	hearth_cap_unref(pong_cap);
}

HEARTH_ENTRY(demo)
{
	hearth_cap pong_cap = start_pong(), self;

	hearth_set_description("ping-pong demo: 100 round trips a second");
	if (hearth_self(HEARTH_PERM_SEND, &self))
		hearth_fail("no self capability");
	for (unsigned burst = 1;; burst++) {
		int64_t avg = rounds(pong_cap, self, 100);

		if (burst % 10 == 1)
			hearth_info("ping-pong: burst %u, %lld ns a round trip",
				    burst, (long long)avg);
		hearth_sleep(HEARTH_SEC);
	}
}
