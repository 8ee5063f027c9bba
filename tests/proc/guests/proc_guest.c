/* proc_guest.c — the Wasm guest of the proc tests: one module, many entry
 * points (so it also shows a module spawning its own functions). Each
 * entry exercises a part of the hearth_v1 ABI and reports to handle 0, a
 * host inbox, with "ok" or "FAIL <line>: ..." (gt.h). */
#include "gt.h"

static volatile uint32_t sink;

static int eq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* ---- basics ---- */

EXPORT("hello") void hello(void)
{
	static const char msg[] = "hello from wasm";

	hearth_v1_log(HEARTH_LOG_INFO, msg, sizeof msg - 1);
	gt_send(INBOX, "hello");
}

/* Returns at once. */
EXPORT("nothing") void nothing(void)
{
}

/* Not an entry point: it takes an argument. */
EXPORT("takes_arg") int takes_arg(int x)
{
	return x + 1;
}

EXPORT("caps") void caps(void)
{
	int32_t none, self, s2, r, c[2];
	char buf[8];

	CHECK_EQ(hearth_v1_cap_perms(INBOX), HEARTH_PERM_SEND);
	none = hearth_v1_cap_demote(INBOX, 0);
	CHECK(none > INBOX);
	CHECK_EQ(hearth_v1_cap_perms(none), 0);
	CHECK_EQ(hearth_v1_cap_same_target(INBOX, none), 1);
	/* the same (target, permissions) pair is the same handle */
	CHECK_EQ(hearth_v1_cap_demote(INBOX, 0), none);
	CHECK_EQ(hearth_v1_cap_demote(INBOX,
				      HEARTH_PERM_SEND | HEARTH_PERM_KILL),
		 HEARTH_EPERM);
	CHECK_EQ(hearth_v1_cap_send(none, "x", 1, NULL, 0), HEARTH_EPERM);
	/* two references now: inc makes three, three decs free it */
	CHECK_EQ(hearth_v1_cap_inc_ref(none), 0);
	CHECK_EQ(hearth_v1_cap_dec_ref(none), 0);
	CHECK_EQ(hearth_v1_cap_dec_ref(none), 0);
	CHECK_EQ(hearth_v1_cap_dec_ref(none), 0);

	self = hearth_v1_mb_cap(0, HEARTH_PERM_ALL);
	CHECK(self >= 0);
	CHECK_EQ(hearth_v1_cap_perms(self), HEARTH_PERM_ALL);
	CHECK_EQ(hearth_v1_cap_same_target(self, INBOX), 0);
	s2 = hearth_v1_cap_demote(self, HEARTH_PERM_SEND);
	CHECK(s2 >= 0 && s2 != self);
	CHECK_EQ(hearth_v1_cap_same_target(self, s2), 1);
	CHECK_EQ(hearth_v1_cap_kill(s2), HEARTH_EPERM);
	CHECK_EQ(hearth_v1_cap_link(s2), HEARTH_EPERM);
	/* a message to itself carrying two capabilities */
	c[0] = INBOX;
	c[1] = s2;
	CHECK_EQ(hearth_v1_cap_send(s2, "me", 2, c, 2), 0);
	r = hearth_v1_mb_try_recv(0);
	CHECK(r >= 0);
	CHECK_EQ(hearth_v1_sig_kind(r), HEARTH_SIG_MESSAGE);
	CHECK_EQ(hearth_v1_sig_len(r), 2);
	CHECK_EQ(hearth_v1_sig_read(r, 0, buf, sizeof buf), 2);
	CHECK(buf[0] == 'm' && buf[1] == 'e');
	CHECK_EQ(hearth_v1_sig_read(r, 1, buf, sizeof buf), 1);
	CHECK_EQ(hearth_v1_sig_read(r, 5, buf, sizeof buf), 0);
	CHECK_EQ(hearth_v1_sig_ncaps(r), 2);
	c[0] = c[1] = -5;
	CHECK_EQ(hearth_v1_sig_caps(r, c, 1), 1);
	CHECK_EQ(c[0], INBOX); /* imported: the same pair, the same handle */
	CHECK_EQ(c[1], -5);
	CHECK_EQ(hearth_v1_sig_caps(r, c, 2), 2);
	CHECK_EQ(c[1], s2);
	CHECK_EQ(hearth_v1_sig_reason(r), HEARTH_EINVAL);
	CHECK_EQ(hearth_v1_sig_free(r), 0);
	/* each received capability brought one reference */
	CHECK_EQ(hearth_v1_cap_dec_ref(INBOX), 0);
	CHECK_EQ(hearth_v1_cap_dec_ref(s2), 0);
	gt_send(INBOX, "ok");
}

EXPORT("mailboxes") void mailboxes(void)
{
	int32_t m1, c1, s, list[2], idx = -1;
	char buf[8];

	m1 = hearth_v1_mb_new();
	CHECK(m1 > 0);
	c1 = hearth_v1_mb_cap(m1, HEARTH_PERM_SEND);
	CHECK(c1 >= 0);
	CHECK_EQ(hearth_v1_cap_send(c1, "a", 1, NULL, 0), 0);
	CHECK_EQ(hearth_v1_mb_try_recv(0), HEARTH_EAGAIN);
	s = hearth_v1_mb_try_recv(m1);
	CHECK(s >= 0);
	CHECK_EQ(hearth_v1_sig_mailbox(s), m1);
	CHECK_EQ(hearth_v1_sig_read(s, 0, buf, 8), 1);
	CHECK(buf[0] == 'a');
	hearth_v1_sig_free(s);
	list[0] = 0;
	list[1] = m1;
	CHECK_EQ(hearth_v1_mb_poll(list, 2, 0, &idx), HEARTH_ETIMEDOUT);
	CHECK_EQ(idx, -1);
	CHECK_EQ(hearth_v1_mb_recv(m1, 0), HEARTH_ETIMEDOUT);
	CHECK_EQ(hearth_v1_cap_send(c1, "b", 1, NULL, 0), 0);
	s = hearth_v1_mb_poll(list, 2, -1, &idx);
	CHECK(s >= 0);
	CHECK_EQ(idx, 1);
	hearth_v1_sig_free(s);
	/* a blocking poll woken by a message to its second mailbox: the
	 * test sends "wake" to the capability we hand it */
	CHECK_EQ(hearth_v1_cap_send(INBOX, "cap", 3, &c1, 1), 0);
	s = hearth_v1_mb_poll(list, 2, -1, &idx);
	CHECK(s >= 0);
	CHECK_EQ(idx, 1);
	CHECK_EQ(hearth_v1_sig_read(s, 0, buf, 8), 4);
	hearth_v1_sig_free(s);
	CHECK_EQ(hearth_v1_mb_free(m1), 0);
	CHECK_EQ(hearth_v1_cap_send(c1, "c", 1, NULL, 0), HEARTH_ECLOSED);
	CHECK_EQ(hearth_v1_mb_free(0), HEARTH_EPERM);
	gt_send(INBOX, "ok");
}

EXPORT("recv_into") void recv_into(void)
{
	int32_t self = hearth_v1_mb_cap(0, HEARTH_PERM_SEND), m1, c1, caps[2];
	int32_t list[2];
	char buf[8], big[100];
	hearth_rx rx = {0};
	uint64_t ref;

	memset(big, 'b', sizeof big);
	m1 = hearth_v1_mb_new();
	c1 = hearth_v1_mb_cap(m1, HEARTH_PERM_SEND);
	list[0] = 0;
	list[1] = m1;
	rx.buf = buf;
	rx.buf_cap = sizeof buf;
	rx.caps = caps;
	rx.caps_cap = 2;
	/* nothing there */
	CHECK_EQ(hearth_v1_mb_recv_into(list, 2, 0, &rx), HEARTH_ETIMEDOUT);
	/* a message that fits, on the second mailbox: freed at once */
	CHECK_EQ(hearth_v1_cap_send(c1, "hi", 2, &self, 1), 0);
	CHECK_EQ(hearth_v1_mb_recv_into(list, 2, -1, &rx), 0);
	CHECK_EQ(rx.sig, -1);
	CHECK_EQ(rx.kind, HEARTH_SIG_MESSAGE);
	CHECK_EQ(rx.mailbox, m1);
	CHECK_EQ(rx.index, 1);
	CHECK_EQ(rx.len, 2);
	CHECK(buf[0] == 'h' && buf[1] == 'i');
	CHECK_EQ(rx.ncaps, 1);
	CHECK_EQ(caps[0], self);
	CHECK_EQ(rx.code, 0);
	CHECK_EQ(hearth_v1_cap_dec_ref(self), 0); /* the one it brought */
	/* one that does not fit: kept, the rest readable */
	CHECK_EQ(hearth_v1_cap_send(self, big, sizeof big, NULL, 0), 0);
	CHECK_EQ(hearth_v1_mb_recv_into(list, 1, -1, &rx), 0);
	CHECK(rx.sig >= 0);
	CHECK_EQ(rx.len, sizeof big);
	CHECK_EQ(hearth_v1_sig_read(rx.sig, 8, big, sizeof big), 92);
	CHECK_EQ(hearth_v1_sig_free(rx.sig), 0);
	/* KEEP keeps even what fits */
	rx.flags = HEARTH_RX_KEEP;
	CHECK_EQ(hearth_v1_cap_send(self, "k", 1, NULL, 0), 0);
	CHECK_EQ(hearth_v1_mb_recv_into(list, 1, -1, &rx), 0);
	CHECK(rx.sig >= 0);
	CHECK_EQ(hearth_v1_sig_free(rx.sig), 0);
	rx.flags = 0;
	/* a down: kept, with its code and reference (handle 1: a victim the
	 * test kills after we say "watching") */
	CHECK_EQ(hearth_v1_cap_monitor(1, m1, &ref), 0);
	gt_send(INBOX, "watching");
	CHECK_EQ(hearth_v1_mb_recv_into(&m1, 1, -1, &rx), 0);
	CHECK_EQ(rx.kind, HEARTH_SIG_DOWN);
	CHECK(rx.sig >= 0);
	CHECK_EQ(rx.code, HEARTH_EXIT_KILLED);
	CHECK(rx.ref == ref);
	CHECK_EQ(hearth_v1_sig_free(rx.sig), 0);
	gt_send(INBOX, "ok");
}

EXPORT("trap_rx_oob") void trap_rx_oob(void)
{
	hearth_rx rx = {0};
	int32_t mb = 0;

	rx.buf = (void *)0xfffff000u;
	rx.buf_cap = 0x2000;
	hearth_v1_mb_recv_into(&mb, 1, 0, &rx);
	gt_send(INBOX, "not trapped");
}

/* Answers every message (first capability: the reply address) with the
 * same bytes; "quit" ends it. */
EXPORT("echo") void echo(void)
{
	char buf[256];
	int32_t caps[4];

	for (;;) {
		int32_t s = gt_recv(0, buf, sizeof buf, -1), n;

		CHECK(s >= 0);
		if (hearth_v1_sig_kind(s) != HEARTH_SIG_MESSAGE) {
			hearth_v1_sig_free(s);
			continue;
		}
		if (eq(buf, "quit"))
			return;
		n = hearth_v1_sig_caps(s, caps, 4);
		if (n >= 1)
			hearth_v1_cap_send(caps[0], buf,
					   (uint32_t)hearth_v1_sig_len(s), NULL,
					   0);
		for (int32_t i = 0; i < n; i++)
			hearth_v1_cap_dec_ref(caps[i]);
		hearth_v1_sig_free(s);
	}
}

/* Handle 1: an echo. N round trips, then "pinged N" to the inbox. */
EXPORT("pinger") void pinger(void)
{
	int32_t self = hearth_v1_mb_cap(0, HEARTH_PERM_SEND);
	char buf[16];
	size_t n = 0;
	int i;

	for (i = 0; i < 2000; i++) {
		int32_t s;

		CHECK_EQ(hearth_v1_cap_send(1, "ping", 4, &self, 1), 0);
		s = gt_recv(0, buf, sizeof buf, -1);
		CHECK(s >= 0);
		CHECK(eq(buf, "ping"));
		hearth_v1_sig_free(s);
	}
	gt_str(buf, &n, "pinged ");
	gt_num(buf, &n, i);
	gt_send(INBOX, buf);
}

/* Like echo, receiving with mb_recv_into (one host call). */
EXPORT("echo_rx") void echo_rx(void)
{
	char buf[256];
	int32_t caps[4], mb = 0;
	hearth_rx rx = {
		.buf = buf, .buf_cap = sizeof buf, .caps = caps, .caps_cap = 4};

	for (;;) {
		CHECK_EQ(hearth_v1_mb_recv_into(&mb, 1, -1, &rx), 0);
		if (rx.sig >= 0)
			hearth_v1_sig_free(rx.sig);
		if (rx.len == 4 && memcmp(buf, "quit", 4) == 0)
			return;
		if (rx.ncaps >= 1)
			hearth_v1_cap_send(caps[0], buf, rx.len, NULL, 0);
		for (uint32_t i = 0; i < rx.ncaps && i < 4; i++)
			hearth_v1_cap_dec_ref(caps[i]);
	}
}

/* bench_pingpong with mb_recv_into. */
EXPORT("bench_pingpong_rx") void bench_pingpong_rx(void)
{
	int32_t self = hearth_v1_mb_cap(0, HEARTH_PERM_SEND), mb = 0;
	uint32_t count = 0;
	int64_t t0;
	char buf[32];
	size_t n = 0;
	hearth_rx rx = {.buf = buf, .buf_cap = sizeof buf};

	hearth_v1_mb_recv_into(&mb, 1, -1, &rx);
	memcpy(&count, buf, 4);
	t0 = hearth_v1_time_now();
	for (uint32_t i = 0; i < count; i++) {
		hearth_v1_cap_send(1, "p", 1, &self, 1);
		hearth_v1_mb_recv_into(&mb, 1, -1, &rx);
	}
	n = 0;
	gt_num(buf, &n, (hearth_v1_time_now() - t0) / (count ? count : 1));
	gt_send(INBOX, buf);
}

/* Handle 1: an echo. Round trips until the first message on mailbox 0
 * says how many; reports "<ns per round trip>". (For measurements.) */
EXPORT("bench_pingpong") void bench_pingpong(void)
{
	int32_t self = hearth_v1_mb_cap(0, HEARTH_PERM_SEND), s;
	uint32_t count = 0;
	int64_t t0;
	char buf[32];
	size_t n = 0;

	s = hearth_v1_mb_recv(0, -1);
	hearth_v1_sig_read(s, 0, &count, 4);
	hearth_v1_sig_free(s);
	t0 = hearth_v1_time_now();
	for (uint32_t i = 0; i < count; i++) {
		hearth_v1_cap_send(1, "p", 1, &self, 1);
		s = hearth_v1_mb_recv(0, -1);
		hearth_v1_sig_free(s);
	}
	gt_num(buf, &n, (hearth_v1_time_now() - t0) / (count ? count : 1));
	gt_send(INBOX, buf);
}

/* Sends "up" to its handle 0 at once, then returns. */
EXPORT("up") void up(void)
{
	hearth_v1_cap_send(INBOX, "up", 2, NULL, 0);
}

EXPORT("recv_timeout") void recv_timeout(void)
{
	int64_t t0 = hearth_v1_time_now(), dt;
	int32_t m = hearth_v1_mb_new();

	CHECK_EQ(hearth_v1_mb_recv(m, 50000000), HEARTH_ETIMEDOUT);
	dt = hearth_v1_time_now() - t0;
	CHECK(dt >= 50000000);
	/* a poll with a timeout too */
	t0 = hearth_v1_time_now();
	CHECK_EQ(hearth_v1_mb_poll(&m, 1, 20000000, &m), HEARTH_ETIMEDOUT);
	CHECK(hearth_v1_time_now() - t0 >= 20000000);
	gt_send(INBOX, "ok");
}

/* Sleeps 50 ms while the test sends it "x": the message waits, and is
 * there afterwards. */
EXPORT("sleeper") void sleeper(void)
{
	int64_t t0 = hearth_v1_time_now();
	char buf[8];
	int32_t s;

	gt_send(INBOX, "sleeping");
	CHECK_EQ(hearth_v1_sleep(50000000), 0);
	CHECK(hearth_v1_time_now() - t0 >= 50000000);
	CHECK_EQ(hearth_v1_sleep(0), 0); /* a yield */
	s = hearth_v1_mb_try_recv(0);
	CHECK(s >= 0);
	hearth_v1_sig_read(s, 0, buf, 8);
	CHECK(buf[0] == 'x');
	gt_send(INBOX, "ok");
}

/* A busy loop that never ends. */
EXPORT("spin") void spin(void)
{
	for (;;)
		sink++;
}

/* Busy for a while, then reports. */
EXPORT("spin_then_report") void spin_then_report(void)
{
	for (uint32_t i = 0; i < 20000000; i++)
		sink += i;
	gt_send(INBOX, "spun");
}

/* Blocks on an empty mailbox forever (for kill tests). */
EXPORT("block") void block(void)
{
	int32_t m = hearth_v1_mb_new();

	gt_send(INBOX, "blocking");
	hearth_v1_mb_recv(m, -1);
	gt_send(INBOX, "woke up?");
}

EXPORT("sleep_long") void sleep_long(void)
{
	gt_send(INBOX, "sleeping");
	hearth_v1_sleep(60000000000ll);
	gt_send(INBOX, "woke up?");
}

/* ---- traps and exits ---- */

EXPORT("trap_unreachable") void trap_unreachable(void)
{
	static const char msg[] = "about to trap";

	hearth_v1_log(HEARTH_LOG_WARN, msg, sizeof msg - 1);
	__builtin_trap();
}

EXPORT("trap_div") void trap_div(void)
{
	volatile int zero = 0;

	sink = 7 / zero;
}

EXPORT("trap_badcap") void trap_badcap(void)
{
	hearth_v1_cap_send(99, "x", 1, NULL, 0);
	gt_send(INBOX, "not trapped");
}

EXPORT("trap_badcap_list") void trap_badcap_list(void)
{
	int32_t c = 1234;

	hearth_v1_cap_send(INBOX, "x", 1, &c, 1);
	gt_send(INBOX, "not trapped");
}

EXPORT("trap_oob") void trap_oob(void)
{
	hearth_v1_cap_send(INBOX, (const void *)0xfffffff0u, 100, NULL, 0);
	gt_send(INBOX, "not trapped");
}

EXPORT("trap_oob_read") void trap_oob_read(void)
{
	int32_t s;

	hearth_v1_cap_send(hearth_v1_mb_cap(0, HEARTH_PERM_SEND), "abc", 3,
			   NULL, 0);
	s = hearth_v1_mb_recv(0, -1);
	hearth_v1_sig_read(s, 0, (void *)0x7ffffff0u, 3);
	gt_send(INBOX, "not trapped");
}

EXPORT("trap_badsig") void trap_badsig(void)
{
	hearth_v1_sig_len(42);
	gt_send(INBOX, "not trapped");
}

EXPORT("trap_badmb") void trap_badmb(void)
{
	hearth_v1_mb_recv(17, 0);
	gt_send(INBOX, "not trapped");
}

/* A mailbox list naming a mailbox it does not own: the inline list (2)
 * and an allocated one (3). */
EXPORT("trap_badmb_poll") void trap_badmb_poll(void)
{
	int32_t mbs[2] = {0, 17}, idx;

	hearth_v1_mb_poll(mbs, 2, 0, &idx);
	gt_send(INBOX, "not trapped");
}

EXPORT("trap_badmb_rx") void trap_badmb_rx(void)
{
	static char buf[8];
	static int32_t caps[1];
	int32_t mbs[3] = {0, 0, 23};
	hearth_rx rx = {.buf = buf, .buf_cap = sizeof buf, .caps = caps,
			.caps_cap = 1};

	hearth_v1_mb_recv_into(mbs, 3, 0, &rx);
	gt_send(INBOX, "not trapped");
}

EXPORT("trap_badlump") void trap_badlump(void)
{
	hearth_v1_lump_len(3);
	gt_send(INBOX, "not trapped");
}

EXPORT("trap_badperm") void trap_badperm(void)
{
	hearth_v1_cap_demote(INBOX, 0x100);
	gt_send(INBOX, "not trapped");
}

EXPORT("trap_badlevel") void trap_badlevel(void)
{
	hearth_v1_log(9, "x", 1);
	gt_send(INBOX, "not trapped");
}

/* Deep recursion that keeps nothing on the C stack in memory: it runs
 * out of Wasm call depth. */
__attribute__((noinline)) static int deep(int n)
{
	int r;

	if (n <= 0)
		return 0;
	r = deep(n - 1);
	sink = (uint32_t)r;
	return r + 1;
}

EXPORT("trap_stack") void trap_stack(void)
{
	sink = (uint32_t)deep(1 << 30);
}

/* Deep recursion with locals in memory: the C stack (in linear memory)
 * overflows first. */
__attribute__((noinline)) static int deep_mem(int n)
{
	volatile int pad[16];

	pad[0] = n;
	return n <= 0 ? 0 : deep_mem(n - 1) + pad[0];
}

EXPORT("trap_cstack") void trap_cstack(void)
{
	sink = (uint32_t)deep_mem(1 << 30);
}

EXPORT("exiter") void exiter(void)
{
	hearth_v1_exit(70, "bye now", 7);
}

EXPORT("exit_normal") void exit_normal(void)
{
	hearth_v1_exit(0, NULL, 0);
}

EXPORT("exit_reserved") void exit_reserved(void)
{
	hearth_v1_exit(HEARTH_EXIT_KILLED, "fake", 4);
}

/* ---- monitors and links between Wasm processes ---- */

/* Traps when it receives any message. */
EXPORT("trap_on_message") void trap_on_message(void)
{
	volatile int zero = 0;

	hearth_v1_mb_recv(0, -1);
	sink = 7 / zero;
}

static void report_signal(const char *what, int32_t s)
{
	char buf[160], text[80];
	size_t n = 0;
	int32_t tl = hearth_v1_sig_reason_text(s, text, sizeof text - 1);

	text[tl < 0 ? 0 : (tl > 79 ? 79 : tl)] = 0;
	gt_str(buf, &n, what);
	gt_str(buf, &n, " ");
	gt_num(buf, &n, hearth_v1_sig_reason(s));
	gt_str(buf, &n, " ");
	gt_str(buf, &n, text);
	gt_send(INBOX, buf);
}

/* Handle 1: a process to monitor. Reports "down <code> <text>". */
EXPORT("watcher") void watcher(void)
{
	uint64_t ref = 0, ref2 = 1;
	int32_t m = hearth_v1_mb_new(), s, c;

	CHECK_EQ(hearth_v1_cap_monitor(1, m, &ref), 0);
	gt_send(INBOX, "watching");
	s = hearth_v1_mb_recv(m, -1);
	CHECK(s >= 0);
	CHECK_EQ(hearth_v1_sig_kind(s), HEARTH_SIG_DOWN);
	CHECK_EQ(hearth_v1_sig_monitor_ref(s, &ref2), 0);
	CHECK(ref == ref2);
	CHECK_EQ(hearth_v1_sig_ncaps(s), 1);
	CHECK_EQ(hearth_v1_sig_caps(s, &c, 1), 1);
	CHECK_EQ(hearth_v1_cap_same_target(c, 1), 1);
	CHECK_EQ(hearth_v1_cap_perms(c), 0);
	CHECK_EQ(hearth_v1_cap_demonitor(ref), HEARTH_ENOENT);
	report_signal("down", s);
}

/* Handle 1: a process to link with (LINK). Traps exits, links, reports
 * "linked", then "exit <code> <text>" when the other side dies. */
EXPORT("linker") void linker(void)
{
	int32_t s;

	CHECK_EQ(hearth_v1_proc_trap_exits(1), 0);
	CHECK_EQ(hearth_v1_proc_trap_exits(1), 1);
	CHECK_EQ(hearth_v1_cap_link(1), 0);
	gt_send(INBOX, "linked");
	s = hearth_v1_mb_recv(0, -1);
	CHECK(s >= 0);
	CHECK_EQ(hearth_v1_sig_kind(s), HEARTH_SIG_EXIT);
	CHECK_EQ(hearth_v1_sig_monitor_ref(s, NULL), HEARTH_EINVAL);
	report_signal("exit", s);
}

/* Handle 1: a process to link with; does not trap exits, so it dies with
 * the other's reason. */
EXPORT("linked_dies") void linked_dies(void)
{
	CHECK_EQ(hearth_v1_cap_link(1), 0);
	gt_send(INBOX, "linked");
	hearth_v1_mb_recv(0, -1);
	gt_send(INBOX, "survived?");
}

/* Handle 1: a process with MONITOR|KILL|LINK. Links and unlinks,
 * monitors and demonitors, then kills it: no down, no exit, it lives on
 * to report "ok". */
EXPORT("unlinker") void unlinker(void)
{
	uint64_t ref;
	int32_t m = hearth_v1_mb_new(), dm = hearth_v1_mb_new();

	CHECK_EQ(hearth_v1_cap_link(1), 0);
	CHECK_EQ(hearth_v1_cap_unlink(1), 0);
	CHECK_EQ(hearth_v1_cap_unlink(1), 0); /* no link: nothing happens */
	CHECK_EQ(hearth_v1_cap_monitor(1, m, &ref), 0);
	CHECK_EQ(hearth_v1_cap_demonitor(ref), 0);
	CHECK_EQ(hearth_v1_cap_demonitor(ref), HEARTH_ENOENT);
	/* a second monitor, to know when it is dead */
	CHECK_EQ(hearth_v1_cap_monitor(1, dm, &ref), 0);
	CHECK_EQ(hearth_v1_cap_kill(1), 0);
	CHECK(hearth_v1_mb_recv(dm, 10000000000ll) >= 0);
	CHECK_EQ(hearth_v1_mb_recv(m, 30000000), HEARTH_ETIMEDOUT);
	CHECK_EQ(hearth_v1_mb_try_recv(0), HEARTH_EAGAIN);
	gt_send(INBOX, "ok");
}

/* Handle 1: a capability to a dead process. */
EXPORT("dead_target") void dead_target(void)
{
	uint64_t ref;
	int32_t s;

	CHECK_EQ(hearth_v1_cap_send(1, "x", 1, NULL, 0), HEARTH_EDEAD);
	CHECK_EQ(hearth_v1_cap_kill(1), HEARTH_EDEAD);
	CHECK_EQ(hearth_v1_cap_link(1), HEARTH_EDEAD);
	CHECK_EQ(hearth_v1_cap_monitor(1, 0, &ref), 0);
	s = hearth_v1_mb_recv(0, 5000000000ll);
	CHECK(s >= 0);
	CHECK_EQ(hearth_v1_sig_kind(s), HEARTH_SIG_DOWN);
	CHECK_EQ(hearth_v1_sig_reason(s), HEARTH_EXIT_NOPROC);
	gt_send(INBOX, "ok");
}

/* Handle 1: a SEND-only capability to a live process. */
EXPORT("wrong_perm") void wrong_perm(void)
{
	uint64_t ref;

	CHECK_EQ(hearth_v1_cap_kill(1), HEARTH_EPERM);
	CHECK_EQ(hearth_v1_cap_link(1), HEARTH_EPERM);
	CHECK_EQ(hearth_v1_cap_monitor(1, 0, &ref), HEARTH_EPERM);
	CHECK_EQ(hearth_v1_cap_demote(1, HEARTH_PERM_SEND | HEARTH_PERM_KILL),
		 HEARTH_EPERM);
	gt_send(INBOX, "ok");
}

/* Handle 1: a process that never reads and has a queue of 5 messages.
 * Reports "full after N". */
EXPORT("fill_up") void fill_up(void)
{
	char buf[32];
	size_t n = 0;
	int i, rc = 0;

	for (i = 0; i < 100; i++) {
		rc = hearth_v1_cap_send(1, "m", 1, NULL, 0);
		if (rc)
			break;
	}
	CHECK_EQ(rc, HEARTH_EFULL);
	gt_str(buf, &n, "full after ");
	gt_num(buf, &n, i);
	gt_send(INBOX, buf);
}

/* Spawned with msg_bytes 100: a 200-byte message is refused. */
EXPORT("too_big") void too_big(void)
{
	static char big[200];

	CHECK_EQ(hearth_v1_cap_send(INBOX, big, sizeof big, NULL, 0),
		 HEARTH_ETOOBIG);
	CHECK_EQ(hearth_v1_cap_send(INBOX, big, 100, NULL, 0), 0);
	gt_send(INBOX, "ok");
}

/* Receives without freeing until the signal limit, then frees one. */
EXPORT("hoarder") void hoarder(void)
{
	char buf[32];
	size_t n = 0;
	int32_t s = 0, first = -1;
	int i;

	for (i = 0; i < 2000; i++) {
		s = hearth_v1_mb_recv(0, 5000000000ll);
		if (s < 0)
			break;
		if (first < 0)
			first = s;
	}
	CHECK_EQ(s, HEARTH_ELIMIT);
	CHECK_EQ(hearth_v1_sig_free(first), 0);
	/* the message that was refused is still there (or on its way: the
	 * host may still be sending it when the limit is reached) */
	s = hearth_v1_mb_recv(0, 5000000000ll);
	CHECK(s >= 0);
	gt_str(buf, &n, "held ");
	gt_num(buf, &n, i);
	gt_send(INBOX, buf);
}

EXPORT("timers") void timers(void)
{
	int32_t self = hearth_v1_mb_cap(0, HEARTH_PERM_SEND);
	uint64_t id1, id2;
	char buf[8];
	int32_t s;

	CHECK_EQ(hearth_v1_timer_send_after(self, 20000000, "t1", 2, NULL, 0,
					    &id1),
		 0);
	CHECK_EQ(hearth_v1_timer_send_after(self, 10000000000ll, "t2", 2, NULL,
					    0, &id2),
		 0);
	CHECK(id1 != id2);
	CHECK_EQ(hearth_v1_timer_cancel(id2), 0);
	CHECK_EQ(hearth_v1_timer_cancel(id2), HEARTH_ENOENT);
	s = gt_recv(0, buf, sizeof buf, 5000000000ll);
	CHECK(s >= 0);
	CHECK(eq(buf, "t1"));
	CHECK_EQ(hearth_v1_timer_cancel(id1), HEARTH_ENOENT);
	gt_send(INBOX, "ok");
}

/* ---- lumps, metadata, randomness ---- */

EXPORT("lumps") void lumps(void)
{
	uint8_t id[32], id2[32], this_id[32], zero[32] = {0};
	char buf[16];
	int32_t l, l2;

	l = hearth_v1_lump_new("lump data", 9, id);
	CHECK(l >= 0);
	CHECK_EQ(hearth_v1_lump_len(l), 9);
	CHECK_EQ(hearth_v1_lump_read(l, 5, buf, sizeof buf), 4);
	CHECK(memcmp(buf, "data", 4) == 0);
	CHECK_EQ(hearth_v1_lump_read(l, 9, buf, sizeof buf), 0);
	CHECK_EQ(hearth_v1_lump_read(l, 0xffffffffu, buf, sizeof buf), 0);
	CHECK_EQ(hearth_v1_lump_id(l, id2), 0);
	CHECK(memcmp(id, id2, 32) == 0);
	l2 = hearth_v1_lump_load(id);
	CHECK(l2 >= 0 && l2 != l);
	CHECK_EQ(hearth_v1_lump_len(l2), 9);
	CHECK_EQ(hearth_v1_lump_free(l), 0);
	CHECK_EQ(hearth_v1_lump_free(l2), 0);
	CHECK_EQ(hearth_v1_lump_load(zero), HEARTH_ENOENT);
	CHECK_EQ(hearth_v1_lump_this(this_id), 0);
	CHECK(memcmp(this_id, zero, 32) != 0);
	/* the module's own lump can be loaded and is a Wasm binary */
	l = hearth_v1_lump_load(this_id);
	CHECK(l >= 0);
	CHECK_EQ(hearth_v1_lump_read(l, 0, buf, 4), 4);
	CHECK(memcmp(buf, "\0asm", 4) == 0);
	hearth_v1_lump_free(l);
	/* send the id so the test can look at it */
	hearth_v1_cap_send(INBOX, id, 32, NULL, 0);
}

/* Receives lump ids (32-byte messages) and answers "<rc> <len>" for
 * lump_load of each; "quit" ends it. */
EXPORT("load_id") void load_id(void)
{
	for (;;) {
		uint8_t id[33];
		char buf[40];
		size_t n = 0;
		int32_t s = hearth_v1_mb_recv(0, -1), len, l;

		len = hearth_v1_sig_read(s, 0, id, sizeof id);
		hearth_v1_sig_free(s);
		if (len != 32)
			return;
		l = hearth_v1_lump_load(id);
		gt_num(buf, &n, l < 0 ? l : 0);
		gt_str(buf, &n, " ");
		gt_num(buf, &n, l < 0 ? 0 : hearth_v1_lump_len(l));
		if (l >= 0)
			hearth_v1_lump_free(l);
		gt_send(INBOX, buf);
	}
}

/* Writes 64 KiB lumps without end (for kills during lump I/O). */
EXPORT("lump_loop") void lump_loop(void)
{
	static uint8_t big[65536];
	uint8_t id[32];

	gt_send(INBOX, "writing");
	for (uint32_t i = 0;; i++) {
		int32_t l;

		memcpy(big, &i, sizeof i);
		l = hearth_v1_lump_new(big, sizeof big, id);
		CHECK(l >= 0);
		hearth_v1_lump_free(l);
	}
}

EXPORT("misc") void misc(void)
{
	uint8_t r1[32] = {0}, r2[32] = {0};
	char buf[8];
	int32_t s;

	CHECK_EQ(hearth_v1_random(r1, 32), 0);
	CHECK_EQ(hearth_v1_random(r2, 32), 0);
	CHECK(memcmp(r1, r2, 32) != 0);
	CHECK_EQ(hearth_v1_random(0, HEARTH_MAX_RANDOM + 1), HEARTH_ELIMIT);
	CHECK(hearth_v1_time_wall() > 1600000000ll * 1000000000ll);
	CHECK(hearth_v1_time_now() > 0);
	CHECK_EQ(hearth_v1_meta_set(HEARTH_META_NAME, "renamed", 7), 0);
	CHECK_EQ(
		hearth_v1_meta_set(HEARTH_META_DESCRIPTION, "a test guest", 12),
		0);
	CHECK_EQ(hearth_v1_meta_set(HEARTH_META_LICENSE, "MIT", 3), 0);
	for (int lvl = 0; lvl <= 4; lvl++)
		hearth_v1_log(lvl, "level", 5);
	gt_send(INBOX, "ok");
	s = gt_recv(0, buf, sizeof buf, -1); /* "quit" */
	hearth_v1_sig_free(s);
}

/* Spawned with memory_pages 4: growing past the limit fails. */
EXPORT("grow") void grow(void)
{
	size_t pages = __builtin_wasm_memory_size(0);

	CHECK(pages <= 4);
	CHECK_EQ((int)__builtin_wasm_memory_grow(0, 8), -1);
	if (pages < 4)
		CHECK_EQ((int)__builtin_wasm_memory_grow(0, 4 - pages),
			 (int)pages);
	CHECK_EQ((int)__builtin_wasm_memory_grow(0, 1), -1);
	gt_send(INBOX, "ok");
}

/* ---- spawning ---- */

/* MessagePack helpers for the spawn request. */
static size_t mp_str(uint8_t *p, const char *s)
{
	size_t n = strlen(s);

	p[0] = (uint8_t)(0xa0 | n); /* fixstr: < 32 bytes */
	memcpy(p + 1, s, n);
	return n + 1;
}

/* ["spawn", {"lump": bin32, "entry": entry, "link": link}] */
static size_t spawn_req(uint8_t *p, const uint8_t *id, const char *entry,
			int link)
{
	size_t n = 0;

	p[n++] = 0x92;
	n += mp_str(p + n, "spawn");
	p[n++] = (uint8_t)(0x80 | (link ? 3 : 2));
	n += mp_str(p + n, "lump");
	p[n++] = 0xc4;
	p[n++] = 32;
	memcpy(p + n, id, 32);
	n += 32;
	n += mp_str(p + n, "entry");
	n += mp_str(p + n, entry);
	if (link) {
		n += mp_str(p + n, "link");
		p[n++] = 0xc3;
	}
	return n;
}

/* Ask the spawner (handle 1) for a process running entry of lump id,
 * giving it the inbox as its handle 0. Returns the child's handle. */
static int32_t spawn_via(const uint8_t *id, const char *entry, int link)
{
	uint8_t req[128], rep[64];
	int32_t caps[2], s, child = -1;

	caps[0] = hearth_v1_mb_cap(0, link ? HEARTH_PERM_SEND | HEARTH_PERM_LINK
					   : HEARTH_PERM_SEND);
	caps[1] = INBOX;
	CHECK_EQ(hearth_v1_cap_send(1, req,
				    (uint32_t)spawn_req(req, id, entry, link),
				    caps, 2),
		 0);
	s = hearth_v1_mb_recv(0, 10000000000ll);
	CHECK(s >= 0);
	hearth_v1_sig_read(s, 0, rep, sizeof rep);
	/* ["ok"] = 0x91 0xa2 'o' 'k' */
	CHECK(rep[0] == 0x91 && rep[1] == 0xa2 && rep[2] == 'o');
	CHECK_EQ(hearth_v1_sig_caps(s, &child, 1), 1);
	hearth_v1_sig_free(s);
	return child;
}

/* Waits for "go" (so that its parent can monitor it first). */
EXPORT("child") void child(void)
{
	char buf[8];
	int32_t s = gt_recv(0, buf, sizeof buf, -1);

	CHECK(s >= 0 && eq(buf, "go"));
	gt_send(INBOX, "child hi");
}

/* Handle 1: the spawner. Spawns its own "child" entry, monitors it,
 * reports "child down <code>". */
EXPORT("spawn_own") void spawn_own(void)
{
	uint8_t id[32];
	uint64_t ref;
	int32_t child_cap, s;
	char buf[32];
	size_t n = 0;

	CHECK_EQ(hearth_v1_lump_this(id), 0);
	child_cap = spawn_via(id, "child", 0);
	CHECK(child_cap >= 0);
	CHECK_EQ(hearth_v1_cap_perms(child_cap), HEARTH_PERM_ALL);
	CHECK_EQ(hearth_v1_cap_monitor(child_cap, 0, &ref), 0);
	CHECK_EQ(hearth_v1_cap_send(child_cap, "go", 2, NULL, 0), 0);
	s = hearth_v1_mb_recv(0, 10000000000ll);
	CHECK(s >= 0);
	CHECK_EQ(hearth_v1_sig_kind(s), HEARTH_SIG_DOWN);
	gt_str(buf, &n, "child down ");
	gt_num(buf, &n, hearth_v1_sig_reason(s));
	gt_send(INBOX, buf);
}

/* Handle 1: the spawner. Spawns its own "trap_div" linked: the link
 * kills this process with the child's reason. */
EXPORT("spawn_linked") void spawn_linked(void)
{
	uint8_t id[32];

	hearth_v1_lump_this(id);
	spawn_via(id, "block_then_trap", 1);
	hearth_v1_mb_recv(0, -1);
	gt_send(INBOX, "survived?");
}

EXPORT("block_then_trap") void block_then_trap(void)
{
	volatile int zero = 0;

	gt_send(INBOX, "child running");
	hearth_v1_sleep(20000000);
	sink = 7 / zero; /* (1 / x needs no division: clang avoids it) */
}

/* A module built by this guest: it imports hearth_v1.cap_send and
 * exports "run", which sends the 15 bytes of its data segment to handle
 * 0. Hand-assembled:
 *   (module
 *     (type (func (param i32 i32 i32 i32 i32) (result i32)))
 *     (type (func))
 *     (import "hearth_v1" "cap_send" (func (type 0)))
 *     (func (type 1) i32.const 0 i32.const 16 i32.const 15 i32.const 0
 *                    i32.const 0 call 0 drop)
 *     (memory 1) (export "run" (func 1))
 *     (data (i32.const 16) "made by a guest")) */
static const uint8_t made[] = {
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	/* type */
	0x01, 0x0d, 0x02, 0x60, 0x05, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f,
	0x60, 0x00, 0x00,
	/* import */
	0x02, 0x16, 0x01, 0x09, 'h', 'e', 'a', 'r', 't', 'h', '_', 'v', '1',
	0x08, 'c', 'a', 'p', '_', 's', 'e', 'n', 'd', 0x00, 0x00,
	/* function */
	0x03, 0x02, 0x01, 0x01,
	/* memory */
	0x05, 0x03, 0x01, 0x00, 0x01,
	/* export */
	0x07, 0x07, 0x01, 0x03, 'r', 'u', 'n', 0x00, 0x01,
	/* code */
	0x0a, 0x11, 0x01, 0x0f, 0x00, 0x41, 0x00, 0x41, 0x10, 0x41, 0x0f, 0x41,
	0x00, 0x41, 0x00, 0x10, 0x00, 0x1a, 0x0b,
	/* data */
	0x0b, 0x15, 0x01, 0x00, 0x41, 0x10, 0x0b, 0x0f, 'm', 'a', 'd', 'e', ' ',
	'b', 'y', ' ', 'a', ' ', 'g', 'u', 'e', 's', 't'};

/* Handle 1: the spawner. Writes `made` into a lump and spawns it. */
EXPORT("self_host") void self_host(void)
{
	uint8_t id[32];
	int32_t l = hearth_v1_lump_new(made, sizeof made, id);

	CHECK(l >= 0);
	CHECK(spawn_via(id, "run", 0) >= 0);
	hearth_v1_lump_free(l);
}
