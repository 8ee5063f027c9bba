/* sdk_test.c — unit tests of the guest SDK, run inside the real runtime:
 * each HT_TEST is spawned as its own process by hearth-test-guest. They
 * cover MessagePack in the guest, messages and capabilities, mailboxes,
 * signals, timers, lumps, request/response (reply, timeout, dead service),
 * the registry client and spawning. Supervisor tests: sup_test.c. The
 * helper processes the tests spawn are entry points of this module. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth_test.h"

/* ---- helpers ---- */

static hearth_cap spawner(void)
{
	hearth_cap s = HEARTH_CAP_NONE;

	HT_ASSERT_OK(hearth_spawner(HEARTH_REGISTRY, &s));
	return s;
}

/* Spawn entry of this module with caps [registry, extra...]. */
static hearth_cap spawn_self(const char *entry, const hearth_cap *extra,
			     uint32_t nextra, bool link)
{
	hearth_cap caps[8] = {HEARTH_REGISTRY}, sp = spawner(), child;
	hearth_spawn_opts o = {.entry = entry,
			       .caps = caps,
			       .ncaps = 1 + nextra,
			       .link = link};
	char why[128];
	int rc;

	HT_ASSERT(nextra < 8);
	memcpy(caps + 1, extra, nextra * sizeof *extra);
	rc = hearth_spawn(sp, &o, &child, why, sizeof why);
	HT_ASSERT_MSG(rc == 0, "spawn %s: %s: %s", entry, hb_errname(rc), why);
	hearth_cap_unref(sp);
	return child;
}

/* Wait for the down of ref on mailbox mb, skipping other signals. */
static void await_down(uint32_t mb, uint64_t ref, hearth_msg *m)
{
	for (;;) {
		HT_ASSERT_OK(hearth_recv(mb, 20 * HEARTH_SEC, m));
		if (m->kind == HEARTH_SIG_DOWN && m->ref == ref)
			return;
		hearth_msg_free(m);
	}
}

static hearth_cap self_cap(unsigned perms)
{
	hearth_cap c = HEARTH_CAP_NONE;

	HT_ASSERT_OK(hearth_self(perms, &c));
	return c;
}

/* ---- helper processes (entry points) ---- */

/* echo: answers every request with ["ok", <the request's bytes as bin>] */
HEARTH_ENTRY(echo_service)
{
	hearth_msg m;

	while (hearth_recv(0, HEARTH_FOREVER, &m) == 0) {
		hb_buf b;

		hb_buf_init(&b);
		hearth_put_ok(&b, 1);
		hb_mp_put_bin(&b, m.data, m.len);
		hearth_reply_buf(&m, &b, NULL, 0);
		hb_buf_deinit(&b);
		hearth_msg_free(&m);
	}
}

/* never answers */
HEARTH_ENTRY(silent_service)
{
	hearth_msg m;

	while (hearth_recv(0, HEARTH_FOREVER, &m) == 0)
		hearth_msg_free(&m);
}

/* dies, abnormally, on its first request */
HEARTH_ENTRY(dies_on_request)
{
	hearth_msg m;

	if (hearth_recv(0, HEARTH_FOREVER, &m) == 0)
		hearth_exit(HEARTH_EXIT_ERROR, "asked to die");
}

/* answers every request with ["err", HB_EBUSY, "busy now"] */
HEARTH_ENTRY(refuses)
{
	hearth_msg m;

	while (hearth_recv(0, HEARTH_FOREVER, &m) == 0) {
		hearth_reply_err(&m, HB_EBUSY, "busy now");
		hearth_msg_free(&m);
	}
}

/* The next three wait for a first message, so that the test can monitor
 * them before they end (a monitor set after the end says only noproc). */
static void await_go(void)
{
	hearth_msg m;

	if (hearth_recv(0, HEARTH_FOREVER, &m) == 0)
		hearth_msg_free(&m);
}

HEARTH_ENTRY(exits_user)
{
	await_go();
	hearth_exit(HEARTH_EXIT_USER + 1, "bye for now");
}

HEARTH_ENTRY(traps)
{
	await_go();
	__builtin_trap();
}

HEARTH_ENTRY(returns)
{
	await_go();
}

/* sends ["hello"] to handle 1, then returns */
HEARTH_ENTRY(says_hello)
{
	hearth_send(1, "\x91\xa5hello", 7, NULL, 0);
}

/* ---- MessagePack in the guest (src/base/msgpack.c built for wasm32) ---- */

HT_TEST(msgpack_roundtrip)
{
	static const uint8_t blob[3] = {1, 2, 3};
	hb_buf b;
	hb_mp_reader r;
	hb_mp_item it;
	uint32_t n;
	int64_t i;
	uint64_t u;
	double d;
	bool t;
	const char *s;
	const uint8_t *p;
	uint32_t len;

	hb_buf_init(&b);
	hb_mp_put_array(&b, 9);
	hb_mp_put_int(&b, -1);
	hb_mp_put_int(&b, INT64_MIN);
	hb_mp_put_uint(&b, UINT64_MAX);
	hb_mp_put_double(&b, 2.5);
	hb_mp_put_bool(&b, true);
	hb_mp_put_cstr(&b, "hearth");
	hb_mp_put_bin(&b, blob, sizeof blob);
	hb_mp_put_nil(&b);
	hb_mp_put_map(&b, 1);
	hb_mp_put_cstr(&b, "k");
	hb_mp_put_int(&b, 300);
	HT_ASSERT_OK(b.err);

	hb_mp_reader_init(&r, b.data, b.len);
	HT_ASSERT_OK(hb_mp_get_array(&r, &n));
	HT_ASSERT_EQ(n, 9);
	HT_ASSERT_OK(hb_mp_get_int(&r, &i));
	HT_ASSERT_EQ(i, -1);
	HT_ASSERT_OK(hb_mp_get_int(&r, &i));
	HT_ASSERT(i == INT64_MIN);
	HT_ASSERT_OK(hb_mp_get_uint(&r, &u));
	HT_ASSERT(u == UINT64_MAX);
	HT_ASSERT_OK(hb_mp_get_double(&r, &d));
	HT_ASSERT(d == 2.5);
	HT_ASSERT_OK(hb_mp_get_bool(&r, &t));
	HT_ASSERT(t);
	HT_ASSERT_OK(hb_mp_get_str(&r, &s, &len));
	HT_ASSERT_STRNEQ(s, len, "hearth");
	HT_ASSERT_OK(hb_mp_get_bin(&r, &p, &len));
	HT_ASSERT_EQ(len, 3);
	HT_ASSERT_MEMEQ(p, blob, 3);
	HT_ASSERT_OK(hb_mp_get_nil(&r));
	HT_ASSERT_OK(hb_mp_get_map(&r, &n));
	HT_ASSERT_EQ(n, 1);
	HT_ASSERT_OK(hb_mp_next(&r, &it));
	HT_ASSERT(hb_mp_str_eq(&it, "k"));
	HT_ASSERT_OK(hb_mp_get_int(&r, &i));
	HT_ASSERT_EQ(i, 300);
	HT_ASSERT(hb_mp_done(&r));
	hb_buf_deinit(&b);
}

HT_TEST(msgpack_bad_input)
{
	/* an array of 3 that holds 1 item; a str8 longer than the input */
	static const uint8_t trunc[] = {0x93, 0x01};
	static const uint8_t str8[] = {0xd9, 0x20, 'a'};
	static const uint8_t wrong[] = {0xa1, 'x'};
	hb_mp_reader r;
	int64_t i;

	hb_mp_reader_init(&r, trunc, sizeof trunc);
	HT_ASSERT_ERR(hb_mp_skip(&r), HB_EMALFORMED);
	hb_mp_reader_init(&r, str8, sizeof str8);
	HT_ASSERT_ERR(hb_mp_skip(&r), HB_EMALFORMED);
	hb_mp_reader_init(&r, wrong, sizeof wrong);
	HT_ASSERT_ERR(hb_mp_get_int(&r, &i), HB_EINVAL);
}

HT_TEST(msgpack_to_text)
{
	hb_buf b, out;
	hb_mp_reader r;

	hb_buf_init(&b);
	hb_buf_init(&out);
	hb_mp_put_map(&b, 2);
	hb_mp_put_cstr(&b, "a");
	hb_mp_put_array(&b, 2);
	hb_mp_put_int(&b, -7);
	hb_mp_put_bool(&b, false);
	hb_mp_put_cstr(&b, "b");
	hb_mp_put_double(&b, 0.5);
	hb_mp_reader_init(&r, b.data, b.len);
	HT_ASSERT_OK(hb_mp_to_text(&r, &out));
	HT_ASSERT_STRNEQ(out.data, out.len, "{\"a\":[-7,false],\"b\":0.5}");
	hb_buf_deinit(&out);
	hb_buf_deinit(&b);
}

/* ---- messages, capabilities, mailboxes ---- */

HT_TEST(send_to_self)
{
	hearth_cap self = self_cap(HEARTH_PERM_SEND);
	hearth_msg m;

	HT_ASSERT_OK(hearth_send(self, "hi", 2, NULL, 0));
	HT_ASSERT_OK(hearth_recv(0, 5 * HEARTH_SEC, &m));
	HT_ASSERT_EQ(m.kind, HEARTH_SIG_MESSAGE);
	HT_ASSERT_EQ(m.mailbox, 0);
	HT_ASSERT_STRNEQ(m.data, m.len, "hi");
	HT_ASSERT_EQ(m.ncaps, 0);
	hearth_msg_free(&m);
	hearth_cap_unref(self);
}

/* A capability sent to oneself comes back as the same handle (same
 * target and permissions); the message holds one reference to it. */
HT_TEST(caps_travel_and_dedupe)
{
	hearth_cap self = self_cap(HEARTH_PERM_SEND | HEARTH_PERM_MONITOR);
	hearth_cap weak, got;
	hearth_msg m;

	HT_ASSERT_OK(hearth_cap_demote(self, HEARTH_PERM_SEND, &weak));
	HT_ASSERT_NE(weak, self);
	HT_ASSERT_EQ(hearth_cap_perms(weak), HEARTH_PERM_SEND);
	HT_ASSERT(hearth_same_target(weak, self));
	HT_ASSERT_ERR(hearth_cap_demote(weak, HEARTH_PERM_KILL, &got),
		      HB_EPERM);

	HT_ASSERT_OK(hearth_send(weak, "c", 1, &self, 1));
	HT_ASSERT_OK(hearth_recv(0, 5 * HEARTH_SEC, &m));
	HT_ASSERT_EQ(m.ncaps, 1);
	HT_ASSERT_EQ(hearth_msg_cap(&m, 0), self);
	got = hearth_msg_take_cap(&m, 0);
	HT_ASSERT_EQ(got, self);
	HT_ASSERT_EQ(hearth_msg_take_cap(&m, 0), HEARTH_CAP_NONE);
	hearth_msg_free(&m);
	/* two references now (ours and the one taken): both drop cleanly */
	HT_ASSERT_OK(hearth_cap_unref(got));
	HT_ASSERT_EQ(hearth_cap_perms(self),
		     HEARTH_PERM_SEND | HEARTH_PERM_MONITOR);
	HT_ASSERT_OK(hearth_cap_unref(self));
	HT_ASSERT_OK(hearth_cap_unref(weak));
}

/* Large payloads and many capabilities take the SDK's heap path. */
HT_TEST(big_message_many_caps)
{
	enum { LEN = 5000, NCAPS = 20 };
	hearth_cap self = self_cap(HEARTH_PERM_SEND), caps[NCAPS];
	uint8_t *data = malloc(LEN);
	hearth_msg m;
	uint32_t mbs[NCAPS];
	int i;

	HT_ASSERT(data != NULL);
	for (i = 0; i < LEN; i++)
		data[i] = (uint8_t)(i * 7);
	for (i = 0; i < NCAPS; i++) {
		HT_ASSERT_OK(hearth_mailbox_new(&mbs[i]));
		HT_ASSERT_OK(
			hearth_mailbox_cap(mbs[i], HEARTH_PERM_SEND, &caps[i]));
	}
	HT_ASSERT_OK(hearth_send(self, data, LEN, caps, NCAPS));
	HT_ASSERT_OK(hearth_recv(0, 5 * HEARTH_SEC, &m));
	HT_ASSERT_EQ(m.len, LEN);
	HT_ASSERT_MEMEQ(m.data, data, LEN);
	HT_ASSERT_EQ(m.ncaps, NCAPS);
	for (i = 0; i < NCAPS; i++)
		HT_ASSERT_EQ(m.caps[i], caps[i]);
	hearth_msg_free(&m);
	/* each cap still works after the message released its references */
	for (i = 0; i < NCAPS; i++) {
		HT_ASSERT_OK(hearth_send(caps[i], "x", 1, NULL, 0));
		HT_ASSERT_OK(hearth_recv(mbs[i], 5 * HEARTH_SEC, &m));
		HT_ASSERT_EQ(m.mailbox, mbs[i]);
		hearth_msg_free(&m);
		hearth_cap_unref(caps[i]);
		HT_ASSERT_OK(hearth_mailbox_free(mbs[i]));
	}
	free(data);
	hearth_cap_unref(self);
}

HT_TEST(mailboxes_timeout_poll_close)
{
	uint32_t a, b, list[2];
	hearth_cap ca, cb;
	hearth_msg m;
	int64_t t0;

	HT_ASSERT_OK(hearth_mailbox_new(&a));
	HT_ASSERT_OK(hearth_mailbox_new(&b));
	HT_ASSERT_NE(a, 0);
	HT_ASSERT_NE(a, b);
	HT_ASSERT_OK(hearth_mailbox_cap(a, HEARTH_PERM_SEND, &ca));
	HT_ASSERT_OK(hearth_mailbox_cap(b, HEARTH_PERM_SEND, &cb));

	HT_ASSERT_ERR(hearth_try_recv(a, &m), HB_EAGAIN);
	HT_ASSERT_ERR(hearth_recv(a, 0, &m), HB_ETIMEDOUT);
	t0 = hearth_now();
	HT_ASSERT_ERR(hearth_recv(a, 30 * HEARTH_MS, &m), HB_ETIMEDOUT);
	HT_ASSERT_GE(hearth_now() - t0, 30 * HEARTH_MS);

	/* mail to b does not show up on a; poll finds it at index 1 */
	HT_ASSERT_OK(hearth_send(cb, "to b", 4, NULL, 0));
	HT_ASSERT_ERR(hearth_try_recv(a, &m), HB_EAGAIN);
	list[0] = a;
	list[1] = b;
	HT_ASSERT_OK(hearth_poll(list, 2, 5 * HEARTH_SEC, &m));
	HT_ASSERT_EQ(m.index, 1);
	HT_ASSERT_EQ(m.mailbox, b);
	HT_ASSERT_STRNEQ(m.data, m.len, "to b");
	hearth_msg_free(&m);
	HT_ASSERT_ERR(hearth_poll(list, 2, 10 * HEARTH_MS, &m), HB_ETIMEDOUT);

	/* a destroyed mailbox refuses mail; mailbox 0 cannot be destroyed */
	HT_ASSERT_OK(hearth_mailbox_free(a));
	HT_ASSERT_ERR(hearth_send(ca, "late", 4, NULL, 0), HB_ECLOSED);
	HT_ASSERT_ERR(hearth_mailbox_free(0), HB_EPERM);
	hearth_cap_unref(ca);
	hearth_cap_unref(cb);
	HT_ASSERT_OK(hearth_mailbox_free(b));
}

HT_TEST(msg_free_releases_caps)
{
	/* a capability received and not taken is released by msg_free:
	 * sending it and receiving it 1000 times leaves one reference */
	hearth_cap self = self_cap(HEARTH_PERM_SEND);
	uint32_t mb;
	hearth_cap c;
	hearth_msg m;
	int i;

	HT_ASSERT_OK(hearth_mailbox_new(&mb));
	HT_ASSERT_OK(hearth_mailbox_cap(mb, HEARTH_PERM_SEND, &c));
	for (i = 0; i < 1000; i++) {
		HT_ASSERT_OK(hearth_send(self, "", 0, &c, 1));
		HT_ASSERT_OK(hearth_recv(0, 5 * HEARTH_SEC, &m));
		HT_ASSERT_EQ(m.caps[0], c);
		hearth_msg_free(&m);
	}
	HT_ASSERT_OK(hearth_cap_unref(c)); /* the last reference */
	/* now a new capability to the same mailbox is a fresh entry that
	 * works: the old one was not leaked nor over-released */
	HT_ASSERT_OK(hearth_mailbox_cap(mb, HEARTH_PERM_SEND, &c));
	HT_ASSERT_OK(hearth_send(c, "ok", 2, NULL, 0));
	HT_ASSERT_OK(hearth_recv(mb, 5 * HEARTH_SEC, &m));
	hearth_msg_free(&m);
	hearth_cap_unref(c);
	hearth_cap_unref(self);
}

/* ---- processes: spawn, monitor, link, exit reasons ---- */

HT_TEST(monitor_sees_exit_reasons)
{
	static const struct {
		const char *entry;
		int32_t code;
		const char *text; /* a substring of the reason text */
	} cases[] = {
		{"returns", HEARTH_EXIT_NORMAL, ""},
		{"exits_user", HEARTH_EXIT_USER + 1, "bye for now"},
		{"traps", HEARTH_EXIT_TRAP, "unreachable"},
	};
	unsigned i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		hearth_cap child = spawn_self(cases[i].entry, NULL, 0, false);
		hearth_msg m;
		uint64_t ref;

		HT_ASSERT_OK(hearth_monitor(child, 0, &ref));
		HT_ASSERT_OK(hearth_send(child, "go", 2, NULL, 0));
		await_down(0, ref, &m);
		HT_ASSERT_MSG(m.reason == cases[i].code, "%s: reason %s (%s)",
			      cases[i].entry, hearth_exit_name(m.reason),
			      m.reason_text);
		HT_ASSERT_MSG(strstr(m.reason_text, cases[i].text),
			      "%s: text '%s'", cases[i].entry, m.reason_text);
		HT_ASSERT(hearth_same_target(m.caps[0], child));
		HT_ASSERT_EQ(hearth_cap_perms(m.caps[0]), 0);
		hearth_msg_free(&m);
		/* monitoring the dead gives noproc at once */
		HT_ASSERT_OK(hearth_monitor(child, 0, &ref));
		await_down(0, ref, &m);
		HT_ASSERT_EQ(m.reason, HEARTH_EXIT_NOPROC);
		hearth_msg_free(&m);
		hearth_cap_unref(child);
	}
}

HT_TEST(kill_and_demonitor)
{
	hearth_cap child = spawn_self("silent_service", NULL, 0, false);
	hearth_msg m;
	uint64_t r1, r2;

	HT_ASSERT_OK(hearth_monitor(child, 0, &r1));
	HT_ASSERT_OK(hearth_monitor(child, 0, &r2));
	HT_ASSERT_NE(r1, r2);
	HT_ASSERT_OK(hearth_demonitor(r2));
	HT_ASSERT_OK(hearth_kill(child));
	await_down(0, r1, &m);
	HT_ASSERT_EQ(m.reason, HEARTH_EXIT_KILLED);
	hearth_msg_free(&m);
	/* the demonitored ref never shows up */
	HT_ASSERT_ERR(hearth_recv(0, 50 * HEARTH_MS, &m), HB_ETIMEDOUT);
	HT_ASSERT_ERR(hearth_send(child, "x", 1, NULL, 0), HB_EDEAD);
	HT_ASSERT_ERR(hearth_kill(child), HB_EDEAD);
	hearth_cap_unref(child);
}

HT_TEST(link_trap_exits)
{
	hearth_cap child;
	hearth_msg m;
	bool was;

	was = hearth_trap_exits(true);
	HT_ASSERT(!was);
	child = spawn_self("exits_user", NULL, 0, true);
	HT_ASSERT_OK(hearth_send(child, "go", 2, NULL, 0));
	HT_ASSERT_OK(hearth_recv(0, 20 * HEARTH_SEC, &m));
	HT_ASSERT_EQ(m.kind, HEARTH_SIG_EXIT);
	HT_ASSERT_EQ(m.reason, HEARTH_EXIT_USER + 1);
	HT_ASSERT_STREQ(m.reason_text, "bye for now");
	HT_ASSERT(hearth_same_target(m.caps[0], child));
	hearth_msg_free(&m);
	HT_ASSERT(hearth_trap_exits(false));
	hearth_cap_unref(child);
}

/* ---- request / response ---- */

HT_TEST(request_reply)
{
	hearth_cap svc = spawn_self("echo_service", NULL, 0, true);
	hearth_msg reply;
	hb_mp_reader r;
	const uint8_t *p;
	uint32_t n, len;
	int i;

	for (i = 0; i < 50; i++) {
		char req[16];

		snprintf(req, sizeof req, "req %d", i);
		HT_ASSERT_OK(hearth_request(svc, req, strlen(req), NULL, 0,
					    5 * HEARTH_SEC, &reply));
		HT_ASSERT_OK(hearth_reply_status(&reply, &r, &n, NULL, 0));
		HT_ASSERT_EQ(n, 1);
		HT_ASSERT_OK(hb_mp_get_bin(&r, &p, &len));
		HT_ASSERT_STRNEQ(p, len, req);
		hearth_msg_free(&reply);
	}
	hearth_kill(svc);
	hearth_cap_unref(svc);
}

HT_TEST(request_error_reply)
{
	hearth_cap svc = spawn_self("refuses", NULL, 0, true);
	hearth_msg reply;
	char why[32];

	HT_ASSERT_OK(
		hearth_request(svc, "?", 1, NULL, 0, 5 * HEARTH_SEC, &reply));
	HT_ASSERT_ERR(hearth_reply_status(&reply, NULL, NULL, why, sizeof why),
		      HB_EBUSY);
	HT_ASSERT_STREQ(why, "busy now");
	hearth_msg_free(&reply);
	hearth_kill(svc);
	hearth_cap_unref(svc);
}

HT_TEST(request_timeout)
{
	hearth_cap svc = spawn_self("silent_service", NULL, 0, true);
	hearth_msg reply;
	int64_t t0 = hearth_now();

	HT_ASSERT_ERR(
		hearth_request(svc, "?", 1, NULL, 0, 50 * HEARTH_MS, &reply),
		HB_ETIMEDOUT);
	HT_ASSERT_GE(hearth_now() - t0, 50 * HEARTH_MS);
	/* the reply mailbox and monitor are gone: nothing arrives later */
	HT_ASSERT_ERR(hearth_recv(0, 20 * HEARTH_MS, &reply), HB_ETIMEDOUT);
	hearth_kill(svc);
	hearth_cap_unref(svc);
}

HT_TEST(request_to_dying_service)
{
	hearth_cap svc = spawn_self("dies_on_request", NULL, 0, false);
	hearth_msg reply;
	int64_t t0 = hearth_now();

	/* the monitor, not the (long) timeout, ends the wait */
	HT_ASSERT_ERR(
		hearth_request(svc, "?", 1, NULL, 0, 60 * HEARTH_SEC, &reply),
		HB_EDEAD);
	HT_ASSERT_LT(hearth_now() - t0, 30 * HEARTH_SEC);
	/* a dead service refuses at once */
	HT_ASSERT_ERR(
		hearth_request(svc, "?", 1, NULL, 0, 60 * HEARTH_SEC, &reply),
		HB_EDEAD);
	hearth_cap_unref(svc);
}

/* ---- the registry client ---- */

HT_TEST(registry_client)
{
	hearth_names names;
	hearth_cap c;
	bool found = false;
	uint32_t i;

	HT_ASSERT_OK(hearth_registry_get(HEARTH_REGISTRY, "wasm-spawner", &c));
	HT_ASSERT(hearth_cap_perms(c) & HEARTH_PERM_SEND);
	HT_ASSERT(!(hearth_cap_perms(c) & HEARTH_PERM_KILL));
	hearth_cap_unref(c);
	HT_ASSERT_ERR(
		hearth_registry_get(HEARTH_REGISTRY, "no-such-service", &c),
		HB_ENOENT);
	HT_ASSERT_OK(hearth_registry_list(HEARTH_REGISTRY, &names));
	for (i = 0; i < names.n; i++) {
		found |= strcmp(names.names[i], "wasm-spawner") == 0;
		if (i > 0)
			HT_ASSERT(strcmp(names.names[i - 1], names.names[i]) <
				  0);
	}
	HT_ASSERT(found);
	hearth_names_free(&names);
	/* the test registry is immutable */
	c = self_cap(HEARTH_PERM_SEND);
	HT_ASSERT_ERR(hearth_registry_register(HEARTH_REGISTRY, "me", c),
		      HB_EPERM);
	hearth_cap_unref(c);
}

/* A guest can serve the registry protocol; hearth_registry_parse
 * decodes its requests, the client talks to it like to any registry. */
HEARTH_ENTRY(toy_registry)
{
	hearth_cap entry = HEARTH_CAP_NONE;
	hearth_msg m;

	while (hearth_recv(0, HEARTH_FOREVER, &m) == 0) {
		const char *name;
		uint32_t len;
		int op, rc = hearth_registry_parse(&m, &op, &name, &len);

		if (rc)
			hearth_reply_err(&m, rc, NULL);
		else if (op == HEARTH_REG_REGISTER && entry >= 0)
			hearth_reply_err(&m, HB_EEXIST, NULL);
		else if (op == HEARTH_REG_REGISTER &&
			 (entry = hearth_msg_take_cap(&m, 1)) >= 0)
			hearth_reply_ok(&m, NULL, 0);
		else if (op == HEARTH_REG_GET && entry >= 0 && len == 3 &&
			 memcmp(name, "one", 3) == 0)
			hearth_reply_ok(&m, &entry, 1);
		else if (op == HEARTH_REG_LIST)
			hearth_reply(&m, "\x92\xa2ok\x91\xa3one", 9, NULL, 0);
		else
			hearth_reply_err(&m, HB_ENOENT, NULL);
		hearth_msg_free(&m);
	}
}

HT_TEST(registry_served_by_a_guest)
{
	hearth_cap reg = spawn_self("toy_registry", NULL, 0, true);
	hearth_cap self = self_cap(HEARTH_PERM_SEND), got;
	hearth_names names;
	hearth_msg reply;

	HT_ASSERT_ERR(hearth_registry_get(reg, "one", &got), HB_ENOENT);
	HT_ASSERT_OK(hearth_registry_register(reg, "one", self));
	HT_ASSERT_ERR(hearth_registry_register(reg, "one", self), HB_EEXIST);
	HT_ASSERT_OK(hearth_registry_get(reg, "one", &got));
	HT_ASSERT(hearth_same_target(got, self));
	hearth_cap_unref(got);
	HT_ASSERT_OK(hearth_registry_list(reg, &names));
	HT_ASSERT_EQ(names.n, 1);
	HT_ASSERT_STREQ(names.names[0], "one");
	hearth_names_free(&names);
	/* malformed requests get HB_EMALFORMED */
	HT_ASSERT_OK(hearth_request(reg, "\x92\xa3get\x01", 6, NULL, 0,
				    5 * HEARTH_SEC, &reply));
	HT_ASSERT_ERR(hearth_reply_status(&reply, NULL, NULL, NULL, 0),
		      HB_EMALFORMED);
	hearth_msg_free(&reply);
	hearth_kill(reg);
	hearth_cap_unref(reg);
	hearth_cap_unref(self);
}

/* ---- spawning ---- */

HT_TEST(spawn_errors_are_clear)
{
	hearth_cap sp = spawner(), child;
	hearth_spawn_opts o = {.entry = "no_such_entry"};
	hearth_id bogus, junk;
	char why[128];

	HT_ASSERT_ERR(hearth_spawn(sp, &o, &child, why, sizeof why), HB_ENOENT);
	HT_ASSERT_MSG(strstr(why, "no_such_entry"), "why: %s", why);

	memset(&bogus, 0xab, sizeof bogus);
	o.lump = &bogus;
	o.entry = "main";
	HT_ASSERT_ERR(hearth_spawn(sp, &o, &child, why, sizeof why), HB_ENOENT);
	HT_ASSERT_MSG(why[0], "no reason given");

	HT_ASSERT_OK(hearth_lump_new("not a module", 12, &junk, NULL));
	o.lump = &junk;
	HT_ASSERT_ERR(hearth_spawn(sp, &o, &child, why, sizeof why),
		      HB_EMALFORMED);
	HT_ASSERT_MSG(why[0], "no reason given");
	hearth_cap_unref(sp);
}

HT_TEST(spawn_gives_initial_caps)
{
	hearth_cap self = self_cap(HEARTH_PERM_SEND), child;
	hearth_msg m;

	child = spawn_self("says_hello", &self, 1, false);
	HT_ASSERT_OK(hearth_recv(0, 20 * HEARTH_SEC, &m));
	HT_ASSERT_EQ(m.kind, HEARTH_SIG_MESSAGE);
	HT_ASSERT_MEMEQ(m.data, "\x91\xa5hello", 7);
	hearth_msg_free(&m);
	hearth_cap_unref(child);
	hearth_cap_unref(self);
}

/* ---- timers, lumps, randomness, metadata ---- */

HT_TEST(timers)
{
	hearth_cap self = self_cap(HEARTH_PERM_SEND);
	uint64_t id1, id2;
	hearth_msg m;
	int64_t t0 = hearth_now();

	HT_ASSERT_OK(hearth_send_after(self, 40 * HEARTH_MS, "late", 4, NULL, 0,
				       &id1));
	HT_ASSERT_OK(hearth_send_after(self, 10 * HEARTH_MS, "never", 5, NULL,
				       0, &id2));
	HT_ASSERT_OK(hearth_timer_cancel(id2));
	HT_ASSERT_ERR(hearth_timer_cancel(id2), HB_ENOENT);
	HT_ASSERT_OK(hearth_recv(0, 5 * HEARTH_SEC, &m));
	HT_ASSERT_STRNEQ(m.data, m.len, "late");
	HT_ASSERT_GE(hearth_now() - t0, 40 * HEARTH_MS);
	hearth_msg_free(&m);
	HT_ASSERT_ERR(hearth_timer_cancel(id1), HB_ENOENT);
	t0 = hearth_now();
	HT_ASSERT_OK(hearth_sleep(20 * HEARTH_MS));
	HT_ASSERT_GE(hearth_now() - t0, 20 * HEARTH_MS);
	HT_ASSERT_GT(hearth_wall(), 1600000000LL * HEARTH_SEC);
	hearth_cap_unref(self);
}

HT_TEST(lumps)
{
	static const char text[] = "a lump written by a guest";
	hearth_id id, id2, this_id;
	char hex[HEARTH_LUMP_HEX], buf[64];
	hearth_lump l;

	HT_ASSERT_OK(hearth_lump_new(text, sizeof text, &id, &l));
	HT_ASSERT_EQ(hearth_lump_len(l), sizeof text);
	HT_ASSERT_EQ(hearth_lump_read(l, 2, buf, sizeof buf), sizeof text - 2);
	HT_ASSERT_MEMEQ(buf, text + 2, sizeof text - 2);
	HT_ASSERT_EQ(hearth_lump_read(l, 1000, buf, sizeof buf), 0);
	HT_ASSERT_OK(hearth_lump_id(l, &id2));
	HT_ASSERT_MEMEQ(&id, &id2, sizeof id);
	HT_ASSERT_OK(hearth_lump_free(l));

	hearth_lump_id_hex(&id, hex);
	HT_ASSERT_EQ(strlen(hex), 64);
	HT_ASSERT_OK(hearth_lump_id_parse(hex, 64, &id2));
	HT_ASSERT_MEMEQ(&id, &id2, sizeof id);
	HT_ASSERT_ERR(hearth_lump_id_parse("xyz", 3, &id2), HB_EINVAL);

	HT_ASSERT_OK(hearth_lump_load(&id, &l));
	HT_ASSERT_EQ(hearth_lump_len(l), sizeof text);
	hearth_lump_free(l);
	/* our own module is a lump too, and starts with the Wasm magic */
	HT_ASSERT_OK(hearth_lump_this(&this_id));
	HT_ASSERT_OK(hearth_lump_load(&this_id, &l));
	HT_ASSERT_EQ(hearth_lump_read(l, 0, buf, 4), 4);
	HT_ASSERT_MEMEQ(buf, "\0asm", 4);
	hearth_lump_free(l);
	memset(&id2, 0x5a, sizeof id2);
	HT_ASSERT_ERR(hearth_lump_load(&id2, &l), HB_ENOENT);
}

HT_TEST(random_and_metadata)
{
	uint8_t a[32] = {0}, b[32] = {0}, zero[32] = {0};

	HT_ASSERT_OK(hearth_random(a, sizeof a));
	HT_ASSERT_OK(hearth_random(b, sizeof b));
	HT_ASSERT(memcmp(a, b, sizeof a) != 0);
	HT_ASSERT(memcmp(a, zero, sizeof a) != 0);
	/* more than the host gives in one call: filled to the last byte */
	{
		enum { BIG = 200000 };
		uint8_t *big = calloc(1, BIG);
		int zeros = 0;

		HT_ASSERT(big != NULL);
		HT_ASSERT_OK(hearth_random(big, BIG));
		for (int i = BIG - 4096; i < BIG; i++)
			zeros += big[i] == 0;
		HT_ASSERT_LT(zeros, 100); /* ~16 expected of 4096 */
		free(big);
	}
	HT_ASSERT_OK(hearth_set_name("sdk-test"));
	HT_ASSERT_OK(hearth_set_description("tests the SDK"));
	HT_ASSERT_OK(hearth_set_authors("Hearth"));
	HT_ASSERT_OK(hearth_set_license("MIT"));
	hearth_info("logging works: %d %s", 42, "too");
}

/* ---- the test framework itself: these must fail (the runner checks the
 * reports); they are exported as xfail_*, not test_*. ---- */

HEARTH_EXPORT("xfail_assert_eq") void xfail_assert_eq(void);
void xfail_assert_eq(void)
{
	int two = 2;

	HT_ASSERT_EQ(two + 2, 5);
}

HEARTH_EXPORT("xfail_trap") void xfail_trap(void);
void xfail_trap(void)
{
	__builtin_trap();
}
