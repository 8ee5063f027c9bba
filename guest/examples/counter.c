/* counter.c — example: a counter service speaking request/response.
 *
 *   ["add", n]  -> ["ok", value]     (n may be negative)
 *   ["get"]     -> ["ok", value]
 *   ["reset"]   -> ["ok", 0]
 *   anything else -> ["err", HB_EMALFORMED, text]
 *
 * `counter` is the service. `main` spawns one, adds 1..100 itself, then
 * spawns CLIENTS `client` processes that each add 1 a hundred times at
 * the same time, waits for them to report, and checks the total. */
#include <string.h>

#include "hearth.h"

#define CLIENTS	    4
#define CLIENT_ADDS 100

static void answer_value(const hearth_msg *req, int64_t v)
{
	hb_buf b;

	hb_buf_init(&b);
	hearth_put_ok(&b, 1);
	hb_mp_put_int(&b, v);
	if (hearth_reply_buf(req, &b, NULL, 0))
		hearth_warn("counter: reply failed");
	hb_buf_deinit(&b);
}

HEARTH_ENTRY(counter)
{
	int64_t value = 0, n;
	hearth_msg m;

	hearth_set_description("counter service: add, get, reset");
	while (hearth_recv(0, HEARTH_FOREVER, &m) == 0) {
		hb_mp_reader r;
		hb_mp_item op;
		uint32_t items;

		if (m.kind != HEARTH_SIG_MESSAGE || hearth_msg_cap(&m, 0) < 0)
			goto next; /* no reply address: nothing to do */
		hearth_msg_reader(&m, &r);
		if (hb_mp_get_array(&r, &items) || items < 1 ||
		    hb_mp_next(&r, &op)) {
			hearth_reply_err(&m, HB_EMALFORMED, "not a request");
		} else if (hb_mp_str_eq(&op, "add") && items == 2 &&
			   hb_mp_get_int(&r, &n) == 0) {
			value += n;
			answer_value(&m, value);
		} else if (hb_mp_str_eq(&op, "get") && items == 1) {
			answer_value(&m, value);
		} else if (hb_mp_str_eq(&op, "reset") && items == 1) {
			value = 0;
			answer_value(&m, value);
		} else {
			hearth_reply_err(&m, HB_EMALFORMED, "unknown request");
		}
	next:
		hearth_msg_free(&m);
	}
}

/* One request to the counter; returns its value or fails the process. */
static int64_t call(hearth_cap counter, const char *op, int64_t arg)
{
	hearth_msg reply;
	hb_mp_reader r;
	uint32_t n;
	int64_t v = 0;
	char why[64];
	hb_buf b;
	int rc;

	hb_buf_init(&b);
	hb_mp_put_array(&b, strcmp(op, "add") == 0 ? 2 : 1);
	hb_mp_put_cstr(&b, op);
	if (strcmp(op, "add") == 0)
		hb_mp_put_int(&b, arg);
	rc = hearth_request_buf(counter, &b, NULL, 0, 5 * HEARTH_SEC, &reply);
	hb_buf_deinit(&b);
	if (rc)
		hearth_fail("counter %s: %s", op, hb_strerror(rc));
	rc = hearth_reply_status(&reply, &r, &n, why, sizeof why);
	if (rc || n != 1 || hb_mp_get_int(&r, &v))
		hearth_fail("counter %s: bad reply (%s %s)", op,
			    hb_strerror(rc), why);
	hearth_msg_free(&reply);
	return v;
}

/* client: initial capabilities [registry, counter, parent]; tells the
 * parent ["done"] when its adds are in. */
HEARTH_ENTRY(client)
{
	for (int i = 0; i < CLIENT_ADDS; i++)
		call(1, "add", 1);
	if (hearth_send(2,
			"\x91\xa4"
			"done",
			6, NULL, 0))
		hearth_fail("client: cannot report");
}

HEARTH_ENTRY(main)
{
	hearth_spawn_opts o = {.entry = "counter", .link = true};
	hearth_cap spawner, counter, self, clients[CLIENTS];
	int64_t v = 0;
	char why[128];
	int i, rc, done = 0;

	hearth_set_description("counter example: a service and its clients");
	rc = hearth_spawner(HEARTH_REGISTRY, &spawner);
	if (!rc)
		rc = hearth_spawn(spawner, &o, &counter, why, sizeof why);
	if (rc)
		hearth_fail("spawn counter: %s %s", hb_strerror(rc), why);
	for (i = 1; i <= 100; i++)
		v = call(counter, "add", i);
	if (v != 5050)
		hearth_fail("counter: 1 + ... + 100 = %lld", (long long)v);

	/* CLIENTS processes at once, each with the counter at handle 1 and
	 * us at 2; linked, so that a client that fails takes us along */
	if (hearth_self(HEARTH_PERM_SEND, &self))
		hearth_fail("no self capability");
	for (i = 0; i < CLIENTS; i++) {
		hearth_cap caps[3] = {HEARTH_REGISTRY, HEARTH_CAP_NONE, self};
		hearth_spawn_opts c = {.entry = "client",
				       .caps = caps,
				       .ncaps = 3,
				       .link = true};

		if (hearth_cap_demote(counter,
				      HEARTH_PERM_SEND | HEARTH_PERM_MONITOR,
				      &caps[1]))
			hearth_fail("demote");
		rc = hearth_spawn(spawner, &c, &clients[i], why, sizeof why);
		if (rc)
			hearth_fail("spawn client: %s %s", hb_strerror(rc),
				    why);
		hearth_cap_unref(caps[1]);
	}
	while (done < CLIENTS) {
		hearth_msg m;

		if (hearth_recv(0, 30 * HEARTH_SEC, &m))
			hearth_fail("clients did not finish");
		if (m.kind == HEARTH_SIG_MESSAGE && m.len == 6 &&
		    memcmp(m.data,
			   "\x91\xa4"
			   "done",
			   6) == 0)
			done++;
		hearth_msg_free(&m);
	}
	v = call(counter, "get", 0);
	if (v != 5050 + CLIENTS * CLIENT_ADDS)
		hearth_fail("counter: %lld after the clients", (long long)v);
	hearth_info("counter: %lld after %d clients x %d adds", (long long)v,
		    CLIENTS, CLIENT_ADDS);
	for (i = 0; i < CLIENTS; i++)
		hearth_cap_unref(clients[i]);
	/* a normal exit does not take linked processes along: stop it */
	hearth_kill(counter);
	hearth_cap_unref(counter);
	hearth_cap_unref(self);
	hearth_cap_unref(spawner);
}

/* demo: the endless client the init guest runs: every 2 s it finds
 * "counter" in its registry (handle 0) and adds 1; it logs the first and every
 * 10th value. A restarted counter starts again from 0. */
HEARTH_ENTRY(demo)
{
	hearth_set_description("counter demo client: +1 every 2 s");
	for (;;) {
		hearth_cap counter;
		hearth_msg reply;
		hb_mp_reader r;
		uint32_t n;
		int64_t v;

		hearth_sleep(2 * HEARTH_SEC);
		if (hearth_registry_get(HEARTH_REGISTRY, "counter", &counter))
			continue; /* not (yet) there */
		if (hearth_request(counter,
				   "\x92\xa3"
				   "add\x01",
				   6, NULL, 0, 5 * HEARTH_SEC, &reply) == 0) {
			if (hearth_reply_status(&reply, &r, &n, NULL, 0) == 0 &&
			    n == 1 && hb_mp_get_int(&r, &v) == 0 &&
			    (v == 1 || v % 10 == 0))
				hearth_info("counter demo: the counter is at "
					    "%lld",
					    (long long)v);
			hearth_msg_free(&reply);
		}
		hearth_cap_unref(counter);
	}
}
