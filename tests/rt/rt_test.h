/* rt_test.h — helpers shared by the runtime's tests: a runtime with small
 * spins (the test machine is shared), host inboxes, and a few stock
 * process kinds (echo, forwarder, sink). */
#ifndef HEARTH_RT_TEST_H
#define HEARTH_RT_TEST_H

#include <pthread.h>
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
	hr_spawn_opts o = {.kind = k, .state = st, .name = k->name,
			   .caps = caps, .ncaps = ncaps};
	hr_handle h;

	ASSERT_OK(hr_host_spawn(rt, &o, &h));
	return h;
}

/* Monitor h from the host into mailbox mb and wait for its DOWN. */
static inline void await_down(hr_rt *rt, uint32_t mb, uint64_t ref,
			      hr_msg *m)
{
	for (;;) {
		expect_msg(rt, mb, m);
		if (m->kind == HR_MSG_DOWN && m->ref == ref)
			return;
		hr_host_msg_free(rt, m);
	}
}

#endif
