/* rt_test.h — helpers shared by the runtime's tests: a runtime with small
 * spins (the test machine is shared), host inboxes, and a few stock
 * process kinds (echo, forwarder, sink). */
#ifndef HEARTH_RT_TEST_H
#define HEARTH_RT_TEST_H

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "hearth/rt.h"
#include "test.h"

#define WAIT_NS (20ll * 1000 * 1000 * 1000) /* generous: loaded machines */

static inline hr_rt *rt_start(unsigned nsched)
{
	hr_config c;
	hr_rt *rt = NULL;

	hr_config_init(&c);
	c.schedulers = nsched;
	c.spin_us = 20;
	ASSERT_OK(hr_rt_new(&c, &rt));
	return rt;
}

static inline hr_rt *rt_start_cfg(hr_config *c)
{
	hr_rt *rt = NULL;

	ASSERT_OK(hr_rt_new(c, &rt));
	return rt;
}

/* A new host mailbox and a SEND capability to it. */
static inline hr_handle host_inbox(hr_rt *rt, uint32_t *mb)
{
	hr_handle h;

	ASSERT_OK(hr_host_mailbox_new(rt, mb));
	ASSERT_OK(hr_host_mailbox_cap(rt, *mb, HR_PERM_SEND, &h));
	return h;
}

/* Receive on host mailbox mb or fail the test. */
static inline void expect_msg(hr_rt *rt, uint32_t mb, hr_msg *m)
{
	int rc = hr_host_recv(rt, mb, WAIT_NS, m);

	ASSERT_MSG(rc == 0, "no message on host mailbox %u: %s", mb,
		   hb_errname(rc));
}

/* True if nothing arrives on mb within ms milliseconds. */
static inline bool quiet_for(hr_rt *rt, uint32_t mb, int ms)
{
	hr_msg m;
	int rc = hr_host_recv(rt, mb, (int64_t)ms * 1000000, &m);

	if (rc == 0) {
		hr_host_msg_free(rt, &m);
		return false;
	}
	return true;
}

static inline uint64_t msg_u64(const hr_msg *m)
{
	uint64_t v = 0;

	ASSERT_EQ(m->len, sizeof v);
	memcpy(&v, m->data, sizeof v);
	return v;
}

static inline void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/* ---- stock kinds ---- */

/* echo: replies to caps[0] with the same bytes; drops what it got. */
static inline void echo_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	uint32_t i;

	(void)st;
	if (m->kind == HR_MSG_DATA && m->ncaps >= 1)
		hr_reply(cx, m, m->data, m->len, NULL, 0);
	for (i = 0; i < m->ncaps; i++)
		if (m->caps[i] >= 0)
			hr_ref_dec(cx, m->caps[i]);
}
static const hr_kind echo_kind = {.name = "echo", .on_message = echo_msg};

/* forward: sends every message's bytes to its handle 0. */
static inline void fwd_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	(void)st;
	hr_send(cx, 0, m->data, m->len, NULL, 0);
}
static const hr_kind fwd_kind = {.name = "forward", .on_message = fwd_msg};

/* idle: does nothing with messages (they are freed). */
static inline void idle_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	(void)cx;
	(void)st;
	(void)m;
}
static const hr_kind idle_kind = {.name = "idle", .on_message = idle_msg};

static inline hr_handle spawn_kind(hr_rt *rt, const hr_kind *k, void *st,
				   const hr_handle *caps, uint32_t ncaps)
{
	hr_spawn_opts o = {.kind = k,
			   .state = st,
			   .name = k->name,
			   .caps = caps,
			   .ncaps = ncaps};
	hr_handle h;

	ASSERT_OK(hr_host_spawn(rt, &o, &h));
	return h;
}

/* Monitor h from the host into mailbox mb and wait for its DOWN. */
static inline void await_down(hr_rt *rt, uint32_t mb, uint64_t ref, hr_msg *m)
{
	for (;;) {
		expect_msg(rt, mb, m);
		if (m->kind == HR_MSG_DOWN && m->ref == ref)
			return;
		hr_host_msg_free(rt, m);
	}
}

/* ---- agent: a native process scripted by text commands ----
 * Commands (caps[0] where a target is needed); every command answers a
 * line of text to handle 0:
 *   ping                 -> "pong"
 *   link | unlink | kill -> "<rc>"   (on caps[0]; it is kept as "ref")
 *   monitor              -> "<rc> <ref>" (on caps[0], DOWN to mailbox 0)
 *   demonitor <ref>      -> "<rc>"
 *   trap <0|1>           -> "<old>"
 *   exit <code> [text]   -> exits with that reason, answers nothing
 *   sleep <ms>           -> "ok", then sleeps
 * DOWN/EXIT messages are reported as "DOWN <ref> <code> <text> <same>" and
 * "EXIT <code> <text> <same>" (same: caps[0] names the kept "ref"). */
typedef struct agent {
	hr_handle ref;
} agent;

static inline void agent_say(hr_ctx *cx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void agent_say(hr_ctx *cx, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	hr_send(cx, 0, buf, (size_t)n, NULL, 0);
}

static inline void agent_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	agent *a = st;
	char cmd[128];
	size_t n = m->len < sizeof cmd - 1 ? m->len : sizeof cmd - 1;
	long long x = 0;
	char text[64] = "";

	if (m->kind == HR_MSG_DOWN || m->kind == HR_MSG_EXIT) {
		int same = a->ref >= 0 && m->caps[0] >= 0
				   ? hr_same_target(cx, a->ref, m->caps[0])
				   : -1;
		if (m->kind == HR_MSG_DOWN)
			agent_say(cx, "DOWN %llu %d %s %d",
				  (unsigned long long)m->ref, m->reason.code,
				  m->reason.text ? m->reason.text : "-", same);
		else
			agent_say(cx, "EXIT %d %s %d", m->reason.code,
				  m->reason.text ? m->reason.text : "-", same);
		if (m->caps[0] >= 0)
			hr_ref_dec(cx, m->caps[0]);
		return;
	}
	memcpy(cmd, m->data, n);
	cmd[n] = 0;
	if (m->ncaps >= 1 && m->caps[0] >= 0) {
		if (a->ref >= 0)
			hr_ref_dec(cx, a->ref);
		a->ref = m->caps[0];
	}
	if (!strcmp(cmd, "ping")) {
		agent_say(cx, "pong");
	} else if (!strcmp(cmd, "link")) {
		agent_say(cx, "%d", hr_link(cx, a->ref));
	} else if (!strcmp(cmd, "unlink")) {
		agent_say(cx, "%d", hr_unlink(cx, a->ref));
	} else if (!strcmp(cmd, "kill")) {
		agent_say(cx, "%d", hr_kill(cx, a->ref));
	} else if (!strcmp(cmd, "monitor")) {
		uint64_t ref = 0;
		int rc = hr_monitor(cx, a->ref, 0, &ref);

		agent_say(cx, "%d %llu", rc, (unsigned long long)ref);
	} else if (sscanf(cmd, "demonitor %lld", &x) == 1) {
		agent_say(cx, "%d", hr_demonitor(cx, (uint64_t)x));
	} else if (sscanf(cmd, "trap %lld", &x) == 1) {
		agent_say(cx, "%d", hr_trap_exits(cx, x != 0));
	} else if (sscanf(cmd, "exit %lld %63s", &x, text) >= 1) {
		hr_exit(cx, (int32_t)x, text[0] ? text : NULL);
	} else if (sscanf(cmd, "sleep %lld", &x) == 1) {
		agent_say(cx, "ok");
		hr_sleep(cx, (uint64_t)x * 1000000);
	} else {
		agent_say(cx, "unknown");
	}
}

static inline void agent_end(hr_ctx *cx, void *st, const hr_reason *why)
{
	(void)cx;
	(void)why;
	free(st);
}

static const hr_kind agent_kind = {
	.name = "agent", .on_message = agent_msg, .terminate = agent_end};

/* Spawn an agent reporting to host handle report. */
static inline hr_handle spawn_agent(hr_rt *rt, hr_handle report)
{
	agent *a = malloc(sizeof *a);

	a->ref = HR_HANDLE_NONE;
	return spawn_kind(rt, &agent_kind, a, &report, 1);
}

/* Send a command (with an optional cap) and wait for the text answer. */
static inline void agent_cmd(hr_rt *rt, hr_handle ag, uint32_t mb,
			     const char *cmd, hr_handle cap, char *out,
			     size_t outsz)
{
	hr_msg m;
	size_t n;

	ASSERT_OK(hr_host_send(rt, ag, cmd, strlen(cmd), cap >= 0 ? &cap : NULL,
			       cap >= 0 ? 1 : 0));
	expect_msg(rt, mb, &m);
	n = m.len < outsz - 1 ? m.len : outsz - 1;
	memcpy(out, m.data, n);
	out[n] = 0;
	hr_host_msg_free(rt, &m);
}

/* Wait for the next text line on mb. */
static inline void expect_line(hr_rt *rt, uint32_t mb, char *out, size_t outsz)
{
	hr_msg m;
	size_t n;

	expect_msg(rt, mb, &m);
	n = m.len < outsz - 1 ? m.len : outsz - 1;
	memcpy(out, m.data, n);
	out[n] = 0;
	hr_host_msg_free(rt, &m);
}

#endif
