/* abi.c — the hearth_v1 host functions (docs/guest-abi.md): thin,
 * bounds-checked adapters from guest arguments to the runtime's in-process
 * API, the lump store and the clocks. Errors a correct program can meet
 * are returned as HB_E* codes; contract violations trap with a message
 * naming the function and the argument. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proc_int.h"

#define HOSTFN(name)                                                           \
	static int h_##name(hw_hostcall *hc, void *env, const hw_val *a,       \
			    hw_val *r)

/* Set the i32 result. */
#define RET32(v)                                                               \
	do {                                                                   \
		r[0].i32 = (uint32_t)(int32_t)(v);                             \
		return HW_HOST_OK;                                             \
	} while (0)

#define ARG_I(k) ((int32_t)a[k].i32)
#define ARG_U(k) (a[k].i32)
#define ARG_L(k) ((int64_t)a[k].i64)

/* Fuel charged per byte a host call copies: one unit per 64 bytes. */
#define BYTES_FUEL(n) ((int64_t)((n) >> 6))

static int oob(hw_hostcall *hc, const char *fn)
{
	return hw_hostcall_trap(hc, "%s: out of bounds pointer", fn);
}

static int bad_cap(hw_hostcall *hc, const char *fn, int32_t h)
{
	return hw_hostcall_trap(hc, "%s: bad capability handle %d", fn, h);
}

/* A pointer to [ptr, ptr+len) of the guest's memory, or NULL. A zero
 * length is always in bounds (a non-NULL dummy is returned). */
static void *gmem(hw_hostcall *hc, uint32_t ptr, uint64_t len)
{
	static const uint8_t none[1];

	if (len == 0)
		return (void *)none;
	return hw_hostcall_mem(hc, ptr, len);
}

static hp_proc *begin(hw_hostcall *hc)
{
	hp_proc *p = hp__proc_of(hc);

	hp__charge(p, HP_HOSTCALL_FUEL);
	return p;
}

/* Copy ncaps handles from guest memory at ptr into out (room for
 * HR_MAX_MSG_CAPS). Returns 0, HB_ELIMIT (too many: nothing read), or
 * HW_HOST_TRAP (out of bounds; trap set) as 1. */
static int read_caps(hw_hostcall *hc, const char *fn, uint32_t ptr,
		     uint32_t ncaps, hr_handle *out)
{
	const uint8_t *src;

	if (ncaps > HR_MAX_MSG_CAPS)
		return HB_ELIMIT;
	src = gmem(hc, ptr, (uint64_t)ncaps * 4);
	if (!src)
		return oob(hc, fn);
	memcpy(out, src, (size_t)ncaps * 4); /* both little-endian int32 */
	return 0;
}

/* After a send failed with HB_EBADH: trap naming the bad handle. */
static int send_badh(hw_hostcall *hc, hp_proc *p, const char *fn, int32_t cap,
		     const hr_handle *caps, uint32_t ncaps)
{
	uint32_t i;

	if (hr_perms(p->cx, cap) < 0)
		return bad_cap(hc, fn, cap);
	for (i = 0; i < ncaps; i++)
		if (hr_perms(p->cx, caps[i]) < 0)
			return hw_hostcall_trap(
				hc, "%s: bad capability handle %d in caps[%u]",
				fn, caps[i], i);
	return bad_cap(hc, fn, cap);
}

/* ---------------------------------------------------------------------
 * Capabilities
 * --------------------------------------------------------------------- */

HOSTFN(cap_perms)
{
	hp_proc *p = begin(hc);
	int rc = hr_perms(p->cx, ARG_I(0));

	if (rc == HB_EBADH)
		return bad_cap(hc, "cap_perms", ARG_I(0));
	RET32(rc);
}

HOSTFN(cap_demote)
{
	hp_proc *p = begin(hc);
	hr_handle out;
	int rc;

	if (ARG_U(1) & ~(uint32_t)HR_PERM_ALL)
		return hw_hostcall_trap(hc,
					"cap_demote: unknown permission "
					"bits 0x%x",
					ARG_U(1));
	rc = hr_demote(p->cx, ARG_I(0), ARG_U(1), &out);
	if (rc == HB_EBADH)
		return bad_cap(hc, "cap_demote", ARG_I(0));
	RET32(rc ? rc : out);
}

HOSTFN(cap_inc_ref)
{
	hp_proc *p = begin(hc);
	int rc = hr_ref_inc(p->cx, ARG_I(0));

	if (rc == HB_EBADH)
		return bad_cap(hc, "cap_inc_ref", ARG_I(0));
	RET32(rc);
}

HOSTFN(cap_dec_ref)
{
	hp_proc *p = begin(hc);
	int rc = hr_ref_dec(p->cx, ARG_I(0));

	if (rc == HB_EBADH)
		return bad_cap(hc, "cap_dec_ref", ARG_I(0));
	RET32(rc);
}

HOSTFN(cap_send)
{
	hp_proc *p = begin(hc);
	hr_handle caps[HR_MAX_MSG_CAPS];
	uint32_t len = ARG_U(2), ncaps = ARG_U(4);
	const void *data = gmem(hc, ARG_U(1), len);
	int rc;

	if (!data)
		return oob(hc, "cap_send");
	rc = read_caps(hc, "cap_send", ARG_U(3), ncaps, caps);
	if (rc)
		return rc == HB_ELIMIT ? (r[0].i32 = (uint32_t)rc, HW_HOST_OK)
				       : rc;
	hp__charge(p, BYTES_FUEL(len));
	rc = hr_send(p->cx, ARG_I(0), data, len, caps, ncaps);
	if (rc == HB_EBADH)
		return send_badh(hc, p, "cap_send", ARG_I(0), caps, ncaps);
	RET32(rc);
}

HOSTFN(cap_kill)
{
	hp_proc *p = begin(hc);
	int rc = hr_kill(p->cx, ARG_I(0));

	if (rc == HB_EBADH)
		return bad_cap(hc, "cap_kill", ARG_I(0));
	RET32(rc);
}

HOSTFN(cap_monitor)
{
	hp_proc *p = begin(hc);
	uint8_t *out = gmem(hc, ARG_U(2), 8);
	uint64_t ref;
	int rc;

	if (!out)
		return oob(hc, "cap_monitor");
	if (!hp__mb_owned(p, ARG_U(1)))
		return hw_hostcall_trap(hc, "cap_monitor: unknown mailbox %u",
					ARG_U(1));
	rc = hr_monitor(p->cx, ARG_I(0), ARG_U(1), &ref);
	if (rc == HB_EBADH)
		return bad_cap(hc, "cap_monitor", ARG_I(0));
	if (!rc)
		memcpy(out, &ref, 8);
	RET32(rc);
}

HOSTFN(cap_demonitor)
{
	hp_proc *p = begin(hc);

	RET32(hr_demonitor(p->cx, a[0].i64));
}

HOSTFN(cap_link)
{
	hp_proc *p = begin(hc);
	hr_pid pid;
	int rc = hr_target_pid(p->cx, ARG_I(0), &pid);

	if (rc == HB_EBADH)
		return bad_cap(hc, "cap_link", ARG_I(0));
	if (pid == hr_self(p->cx)) /* with itself: a no-op, as in Erlang */
		RET32((hr_perms(p->cx, ARG_I(0)) & HR_PERM_LINK) ? 0
								 : HB_EPERM);
	RET32(hr_link(p->cx, ARG_I(0)));
}

HOSTFN(cap_unlink)
{
	hp_proc *p = begin(hc);
	int rc = hr_unlink(p->cx, ARG_I(0));

	if (rc == HB_EBADH)
		return bad_cap(hc, "cap_unlink", ARG_I(0));
	RET32(rc);
}

HOSTFN(cap_same_target)
{
	hp_proc *p = begin(hc);
	int rc = hr_same_target(p->cx, ARG_I(0), ARG_I(1));

	if (rc == HB_EBADH)
		return bad_cap(hc, "cap_same_target",
			       hr_perms(p->cx, ARG_I(0)) < 0 ? ARG_I(0)
							     : ARG_I(1));
	RET32(rc);
}

/* ---------------------------------------------------------------------
 * Mailboxes
 * --------------------------------------------------------------------- */

static int bad_mb(hw_hostcall *hc, const char *fn, uint32_t mb)
{
	return hw_hostcall_trap(hc, "%s: unknown mailbox %u", fn, mb);
}

HOSTFN(mb_new)
{
	hp_proc *p = begin(hc);
	uint32_t id;
	int rc = hr_mailbox_new(p->cx, &id);

	if (rc)
		RET32(rc);
	rc = hp__mb_mark(p, id, true);
	if (rc) {
		hr_mailbox_free(p->cx, id);
		RET32(rc);
	}
	RET32(id);
}

HOSTFN(mb_free)
{
	hp_proc *p = begin(hc);
	uint32_t mb = ARG_U(0);
	int rc;

	if (mb == 0)
		RET32(HB_EPERM);
	if (!hp__mb_owned(p, mb))
		return bad_mb(hc, "mb_free", mb);
	rc = hr_mailbox_free(p->cx, mb);
	if (!rc)
		hp__mb_mark(p, mb, false);
	RET32(rc);
}

HOSTFN(mb_cap)
{
	hp_proc *p = begin(hc);
	hr_handle h;
	int rc;

	if (!hp__mb_owned(p, ARG_U(0)))
		return bad_mb(hc, "mb_cap", ARG_U(0));
	if (ARG_U(1) & ~(uint32_t)HR_PERM_ALL)
		return hw_hostcall_trap(
			hc, "mb_cap: unknown permission bits 0x%x", ARG_U(1));
	rc = hr_mailbox_cap(p->cx, ARG_U(0), ARG_U(1), &h);
	RET32(rc ? rc : h);
}

/* Suspend the process until a signal arrives on one of p->wmb, or the
 * timeout passes. */
static int suspend_recv(hp_proc *p, int64_t timeout)
{
	p->wait = HP_W_RECV;
	p->deadline = timeout > 0 ? hr_now_ns() + (uint64_t)timeout : 0;
	return HW_HOST_SUSPEND;
}

HOSTFN(mb_recv)
{
	hp_proc *p = begin(hc);
	uint32_t mb = ARG_U(0);
	int rc;

	if (!hp__mb_owned(p, mb))
		return bad_mb(hc, "mb_recv", mb);
	rc = hp__take_signal(p, &mb, 1, NULL);
	if (rc != HB_EAGAIN)
		RET32(rc);
	if (ARG_L(1) == 0)
		RET32(HB_ETIMEDOUT);
	p->wmb = p->wmb_inline;
	p->wmb[0] = mb;
	p->nwmb = 1;
	p->is_poll = 0;
	return suspend_recv(p, ARG_L(1));
}

HOSTFN(mb_try_recv)
{
	hp_proc *p = begin(hc);
	uint32_t mb = ARG_U(0);

	if (!hp__mb_owned(p, mb))
		return bad_mb(hc, "mb_try_recv", mb);
	RET32(hp__take_signal(p, &mb, 1, NULL));
}

static void wait_list_free(hp_proc *p, uint32_t *list)
{
	if (list != p->wmb_inline)
		free(list);
}

/* Copy the n mailbox ids at src (n checked by the caller) into a wait
 * list: p->wmb_inline for up to 2, else allocated. NULL when memory ran
 * out (the call returns HB_ENOMEM) or an id is not one of p's mailboxes
 * (the call traps): *ret is then what the host function returns. */
static uint32_t *wait_list(hw_hostcall *hc, hp_proc *p, const char *fn,
			   const uint8_t *src, uint32_t n, hw_val *r, int *ret)
{
	uint32_t *list = n <= 2 ? p->wmb_inline : malloc(n * sizeof *list);
	uint32_t i;

	if (!list) {
		r[0].i32 = (uint32_t)(int32_t)HB_ENOMEM;
		*ret = HW_HOST_OK;
		return NULL;
	}
	memcpy(list, src, n * 4);
	for (i = 0; i < n; i++) {
		if (!hp__mb_owned(p, list[i])) {
			uint32_t bad = list[i];

			wait_list_free(p, list);
			*ret = hw_hostcall_trap(
				hc, "%s: unknown mailbox %u in mbs[%u]", fn,
				bad, i);
			return NULL;
		}
	}
	return list;
}

HOSTFN(mb_poll)
{
	hp_proc *p = begin(hc);
	uint32_t n = ARG_U(1), idx, *list;
	const uint8_t *src;
	uint8_t *iout;
	int rc;

	if (n == 0 || n > HP_MAX_POLL)
		return hw_hostcall_trap(hc,
					"mb_poll: %u mailboxes (want 1..%u)", n,
					HP_MAX_POLL);
	src = gmem(hc, ARG_U(0), (uint64_t)n * 4);
	iout = gmem(hc, ARG_U(3), 4);
	if (!src || !iout)
		return oob(hc, "mb_poll");
	list = wait_list(hc, p, "mb_poll", src, n, r, &rc);
	if (!list)
		return rc;
	rc = hp__take_signal(p, list, n, &idx);
	if (rc != HB_EAGAIN || ARG_L(2) == 0) {
		wait_list_free(p, list);
		if (rc >= 0)
			memcpy(iout, &idx, 4);
		RET32(rc == HB_EAGAIN ? HB_ETIMEDOUT : rc);
	}
	p->wmb = list;
	p->nwmb = n;
	p->is_poll = 1;
	p->index_out = ARG_U(3);
	return suspend_recv(p, ARG_L(2));
}

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void sig_release(hp_proc *p, int32_t sig)
{
	hr_msg_free(p->cx, &p->sigs[sig].m);
	p->sigs[sig].m.node_ = NULL;
	p->sigs[sig].next_free = p->sig_free;
	p->sig_free = sig;
	p->sig_live--;
}

void hp__rx_fill(hp_proc *p, uint32_t rx, int32_t sig, uint32_t idx)
{
	uint64_t size;
	uint8_t *base = hw_memory_data(hw_instance_memory(p->inst), &size);
	uint8_t *r = base + rx;
	hr_msg *m = &p->sigs[sig].m;
	uint32_t buf = rd32(r), cap = rd32(r + 4), caps = rd32(r + 8);
	uint32_t ccap = rd32(r + 12), flags = rd32(r + 16);
	uint32_t n = m->len < cap ? (uint32_t)m->len : cap;
	uint32_t nc = m->ncaps < ccap ? m->ncaps : ccap;
	uint64_t ref = m->kind == HR_MSG_DOWN ? m->ref : 0;

	if (n)
		memcpy(base + buf, m->data, n);
	if (nc)
		memcpy(base + caps, m->caps, (size_t)nc * 4);
	hp__charge(p, BYTES_FUEL(n));
	wr32(r + 24, m->kind);
	wr32(r + 28, m->mailbox);
	wr32(r + 32, idx);
	wr32(r + 36, (uint32_t)m->len);
	wr32(r + 40, m->ncaps);
	wr32(r + 44, m->kind == HR_MSG_DATA ? 0 : (uint32_t)m->reason.code);
	memcpy(r + 48, &ref, 8);
	if (!(flags & HP_RX_KEEP) && m->kind == HR_MSG_DATA && n == m->len &&
	    nc == m->ncaps) {
		sig_release(p, sig);
		sig = -1;
	}
	wr32(r + 20, (uint32_t)sig);
	(void)size;
}

HOSTFN(mb_recv_into)
{
	hp_proc *p = begin(hc);
	uint32_t n = ARG_U(1), idx, *list, rxa = ARG_U(3);
	const uint8_t *src = gmem(hc, ARG_U(0), (uint64_t)n * 4);
	uint8_t *rx = gmem(hc, rxa, HP_RX_BYTES);
	int rc;

	if (n == 0 || n > HP_MAX_POLL)
		return hw_hostcall_trap(
			hc, "mb_recv_into: %u mailboxes (want 1..%u)", n,
			HP_MAX_POLL);
	if (!src || !rx || !gmem(hc, rd32(rx), rd32(rx + 4)) ||
	    !gmem(hc, rd32(rx + 8), (uint64_t)rd32(rx + 12) * 4))
		return oob(hc, "mb_recv_into");
	if (rd32(rx + 16) & ~HP_RX_KEEP)
		return hw_hostcall_trap(hc, "mb_recv_into: unknown flags 0x%x",
					rd32(rx + 16));
	list = wait_list(hc, p, "mb_recv_into", src, n, r, &rc);
	if (!list)
		return rc;
	rc = hp__take_signal(p, list, n, &idx);
	if (rc != HB_EAGAIN || ARG_L(2) == 0) {
		wait_list_free(p, list);
		if (rc >= 0) {
			hp__rx_fill(p, rxa, rc, idx);
			rc = 0;
		}
		RET32(rc == HB_EAGAIN ? HB_ETIMEDOUT : rc);
	}
	p->wmb = list;
	p->nwmb = n;
	p->is_poll = 2;
	p->index_out = rxa;
	return suspend_recv(p, ARG_L(2));
}

HOSTFN(proc_trap_exits)
{
	hp_proc *p = begin(hc);

	RET32(hr_trap_exits(p->cx, ARG_U(0) != 0) ? 1 : 0);
}

/* ---------------------------------------------------------------------
 * Signals
 * --------------------------------------------------------------------- */

static hr_msg *sig_get(hp_proc *p, int32_t sig)
{
	if (sig < 0 || (uint32_t)sig >= p->nsigs || !p->sigs[sig].m.node_)
		return NULL;
	return &p->sigs[sig].m;
}

#define SIG_OR_TRAP(m, fn)                                                     \
	hr_msg *m = sig_get(p, ARG_I(0));                                      \
	if (!m)                                                                \
	return hw_hostcall_trap(hc, fn ": unknown signal %d", ARG_I(0))

HOSTFN(sig_kind)
{
	hp_proc *p = begin(hc);
	SIG_OR_TRAP(m, "sig_kind");
	RET32(m->kind);
}

HOSTFN(sig_mailbox)
{
	hp_proc *p = begin(hc);
	SIG_OR_TRAP(m, "sig_mailbox");
	RET32(m->mailbox);
}

HOSTFN(sig_len)
{
	hp_proc *p = begin(hc);
	SIG_OR_TRAP(m, "sig_len");
	RET32(m->len);
}

HOSTFN(sig_read)
{
	hp_proc *p = begin(hc);
	uint32_t off = ARG_U(1), len = ARG_U(3), n;
	uint8_t *dst;
	SIG_OR_TRAP(m, "sig_read");

	dst = gmem(hc, ARG_U(2), len);
	if (!dst)
		return oob(hc, "sig_read");
	n = off >= m->len ? 0 : (uint32_t)(m->len - off);
	if (n > len)
		n = len;
	if (n)
		memcpy(dst, m->data + off, n);
	hp__charge(p, BYTES_FUEL(n));
	RET32(n);
}

HOSTFN(sig_ncaps)
{
	hp_proc *p = begin(hc);
	SIG_OR_TRAP(m, "sig_ncaps");
	RET32(m->ncaps);
}

HOSTFN(sig_caps)
{
	hp_proc *p = begin(hc);
	uint32_t n;
	uint8_t *dst;
	SIG_OR_TRAP(m, "sig_caps");

	n = ARG_U(2) < m->ncaps ? ARG_U(2) : m->ncaps;
	dst = gmem(hc, ARG_U(1), (uint64_t)n * 4);
	if (!dst)
		return oob(hc, "sig_caps");
	if (n)
		memcpy(dst, m->caps, (size_t)n * 4);
	RET32(n);
}

HOSTFN(sig_reason)
{
	hp_proc *p = begin(hc);
	SIG_OR_TRAP(m, "sig_reason");
	RET32(m->kind == HR_MSG_DATA ? HB_EINVAL : m->reason.code);
}

HOSTFN(sig_reason_text)
{
	hp_proc *p = begin(hc);
	uint32_t tl, n;
	uint8_t *dst;
	SIG_OR_TRAP(m, "sig_reason_text");

	if (m->kind == HR_MSG_DATA)
		RET32(HB_EINVAL);
	tl = m->reason.text ? (uint32_t)strlen(m->reason.text) : 0;
	n = ARG_U(2) < tl ? ARG_U(2) : tl;
	dst = gmem(hc, ARG_U(1), n);
	if (!dst)
		return oob(hc, "sig_reason_text");
	if (n)
		memcpy(dst, m->reason.text, n);
	RET32(tl);
}

HOSTFN(sig_monitor_ref)
{
	hp_proc *p = begin(hc);
	uint8_t *dst;
	SIG_OR_TRAP(m, "sig_monitor_ref");

	dst = gmem(hc, ARG_U(1), 8);
	if (!dst)
		return oob(hc, "sig_monitor_ref");
	if (m->kind != HR_MSG_DOWN)
		RET32(HB_EINVAL);
	memcpy(dst, &m->ref, 8);
	RET32(0);
}

HOSTFN(sig_free)
{
	hp_proc *p = begin(hc);
	SIG_OR_TRAP(m, "sig_free");

	(void)m;
	sig_release(p, ARG_I(0));
	RET32(0);
}

/* ---------------------------------------------------------------------
 * Time
 * --------------------------------------------------------------------- */

HOSTFN(time_now)
{
	begin(hc);
	r[0].i64 = hr_now_ns();
	return HW_HOST_OK;
}

HOSTFN(time_wall)
{
	struct timespec ts;

	begin(hc);
	clock_gettime(CLOCK_REALTIME, &ts);
	r[0].i64 = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	return HW_HOST_OK;
}

HOSTFN(sleep)
{
	hp_proc *p = begin(hc);
	int64_t ns = ARG_L(0);

	if (ns <= 0) {
		p->wait = HP_W_YIELD;
		return HW_HOST_SUSPEND;
	}
	p->wait = HP_W_SLEEP;
	p->deadline = hr_now_ns() + (uint64_t)ns;
	if (p->deadline < (uint64_t)ns)
		p->deadline = UINT64_MAX;
	return HW_HOST_SUSPEND;
}

HOSTFN(timer_send_after)
{
	hp_proc *p = begin(hc);
	hr_handle caps[HR_MAX_MSG_CAPS];
	uint32_t len = ARG_U(3), ncaps = ARG_U(5);
	const void *data = gmem(hc, ARG_U(2), len);
	uint8_t *idout = gmem(hc, ARG_U(6), 8);
	int64_t ns = ARG_L(1);
	uint64_t id;
	int rc;

	if (!data || !idout)
		return oob(hc, "timer_send_after");
	rc = read_caps(hc, "timer_send_after", ARG_U(4), ncaps, caps);
	if (rc)
		return rc == HB_ELIMIT ? (r[0].i32 = (uint32_t)rc, HW_HOST_OK)
				       : rc;
	hp__charge(p, BYTES_FUEL(len));
	rc = hr_send_after(p->cx, ns < 0 ? 0 : (uint64_t)ns, ARG_I(0), data,
			   len, caps, ncaps, &id);
	if (rc == HB_EBADH)
		return send_badh(hc, p, "timer_send_after", ARG_I(0), caps,
				 ncaps);
	if (!rc)
		memcpy(idout, &id, 8);
	RET32(rc);
}

HOSTFN(timer_cancel)
{
	hp_proc *p = begin(hc);

	RET32(hr_timer_cancel(p->cx, a[0].i64));
}

/* ---------------------------------------------------------------------
 * Lumps
 * --------------------------------------------------------------------- */

/* A free lump slot (growing the table), or HB_ELIMIT / HB_ENOMEM. */
static int lump_slot(hp_proc *p)
{
	uint32_t i, n;
	hl_lump **t;

	if (p->lump_live >= HP_MAX_LUMPS)
		return HB_ELIMIT;
	for (i = 0; i < p->nlumps; i++)
		if (!p->lumps[i])
			return (int)i;
	n = p->nlumps ? p->nlumps * 2 : 4;
	t = realloc(p->lumps, n * sizeof *t);
	if (!t)
		return HB_ENOMEM;
	memset(t + p->nlumps, 0, (n - p->nlumps) * sizeof *t);
	p->lumps = t;
	i = p->nlumps;
	p->nlumps = n;
	return (int)i;
}

static hl_lump *lump_get(hp_proc *p, int32_t l)
{
	if (l < 0 || (uint32_t)l >= p->nlumps)
		return NULL;
	return p->lumps[l];
}

#define LUMP_OR_TRAP(l, fn)                                                    \
	hl_lump *l = lump_get(p, ARG_I(0));                                    \
	if (!l)                                                                \
	return hw_hostcall_trap(hc, fn ": unknown lump %d", ARG_I(0))

HOSTFN(lump_this)
{
	hp_proc *p = begin(hc);
	uint8_t *dst = gmem(hc, ARG_U(0), HL_ID_BYTES);

	if (!dst)
		return oob(hc, "lump_this");
	memcpy(dst, hl_lump_id(hl_asset_lump(p->asset))->b, HL_ID_BYTES);
	RET32(0);
}

int hp__lump_keep(hp_proc *p, hl_lump *l)
{
	int slot = lump_slot(p);

	if (slot >= 0) {
		p->lumps[slot] = l;
		p->lump_live++;
	}
	return slot;
}

/* Hand a store call to the I/O thread and suspend until it is done. */
static int start_io(hw_hostcall *hc, hp_proc *p, hp_io *j)
{
	int rc;

	j->pid = hr_self(p->cx);
	rc = hp__io_submit(p->host, j);

	if (rc) {
		free(j->bytes);
		free(j);
		return rc;
	}
	p->io = j;
	(void)hc;
	return hp__io_wait(p);
}

HOSTFN(lump_new)
{
	hp_proc *p = begin(hc);
	uint32_t len = ARG_U(1);
	const void *src = gmem(hc, ARG_U(0), len);
	uint8_t *idout = gmem(hc, ARG_U(2), HL_ID_BYTES);
	hp_io *j;
	int rc;

	if (!src || !idout)
		return oob(hc, "lump_new");
	if (p->lump_live >= HP_MAX_LUMPS)
		RET32(HB_ELIMIT);
	if (len > HL_MAX_LUMP_BYTES)
		RET32(HB_ETOOBIG);
	hp__charge(p, BYTES_FUEL(len) * 4);
	j = calloc(1, sizeof *j);
	if (!j || !(j->bytes = malloc(len ? len : 1))) {
		free(j);
		RET32(HB_ENOMEM);
	}
	memcpy(j->bytes, src, len);
	j->len = len;
	j->op = HP_IO_PUT;
	p->io_out = ARG_U(2);
	rc = start_io(hc, p, j);
	if (rc < 0)
		RET32(rc);
	return rc;
}

HOSTFN(lump_load)
{
	hp_proc *p = begin(hc);
	const uint8_t *src = gmem(hc, ARG_U(0), HL_ID_BYTES);
	hp_io *j;
	int rc;

	if (!src)
		return oob(hc, "lump_load");
	if (p->lump_live >= HP_MAX_LUMPS)
		RET32(HB_ELIMIT);
	j = calloc(1, sizeof *j);
	if (!j)
		RET32(HB_ENOMEM);
	memcpy(j->id.b, src, HL_ID_BYTES);
	j->op = HP_IO_GET;
	rc = start_io(hc, p, j);
	if (rc < 0)
		RET32(rc);
	return rc;
}

HOSTFN(lump_len)
{
	hp_proc *p = begin(hc);
	LUMP_OR_TRAP(l, "lump_len");
	RET32(hl_lump_len(l));
}

HOSTFN(lump_read)
{
	hp_proc *p = begin(hc);
	uint32_t off = ARG_U(1), len = ARG_U(3), n;
	size_t ll;
	uint8_t *dst;
	LUMP_OR_TRAP(l, "lump_read");

	dst = gmem(hc, ARG_U(2), len);
	if (!dst)
		return oob(hc, "lump_read");
	ll = hl_lump_len(l);
	n = off >= ll ? 0 : (uint32_t)(ll - off);
	if (n > len)
		n = len;
	if (n)
		memcpy(dst, hl_lump_data(l) + off, n);
	hp__charge(p, BYTES_FUEL(n));
	RET32(n);
}

HOSTFN(lump_id)
{
	hp_proc *p = begin(hc);
	uint8_t *dst;
	LUMP_OR_TRAP(l, "lump_id");

	dst = gmem(hc, ARG_U(1), HL_ID_BYTES);
	if (!dst)
		return oob(hc, "lump_id");
	memcpy(dst, hl_lump_id(l)->b, HL_ID_BYTES);
	RET32(0);
}

HOSTFN(lump_free)
{
	hp_proc *p = begin(hc);
	LUMP_OR_TRAP(l, "lump_free");

	hl_lump_unref(l);
	p->lumps[ARG_I(0)] = NULL;
	p->lump_live--;
	RET32(0);
}

/* ---------------------------------------------------------------------
 * Logging, metadata, randomness, exit
 * --------------------------------------------------------------------- */

HOSTFN(log)
{
	hp_proc *p = begin(hc);
	uint32_t len = ARG_U(2);
	const char *s = gmem(hc, ARG_U(1), len);

	if (ARG_U(0) > HR_LOG_TRACE)
		return hw_hostcall_trap(hc, "log: unknown level %d", ARG_I(0));
	if (!s)
		return oob(hc, "log");
	hp__log(p, (int)ARG_U(0), s, len);
	return HW_HOST_OK;
}

HOSTFN(meta_set)
{
	hp_proc *p = begin(hc);
	uint32_t len = ARG_U(2);
	const char *s = gmem(hc, ARG_U(1), len);
	char name[HR_MAX_NAME];
	int rc;

	if (ARG_U(0) > 3)
		return hw_hostcall_trap(hc, "meta_set: unknown field %d",
					ARG_I(0));
	if (!s)
		return oob(hc, "meta_set");
	if (ARG_U(0) == 0) {
		size_t n = len < sizeof name - 1 ? len : sizeof name - 1;

		memcpy(name, s, n);
		name[n] = 0;
		RET32(hr_set_name(p->cx, name));
	}
	rc = hp__meta_set(p->host, hr_self(p->cx), (int)ARG_U(0), s,
			  len < HP_MAX_META ? len : HP_MAX_META);
	if (!rc)
		p->has_meta = true;
	RET32(rc);
}

HOSTFN(random)
{
	hp_proc *p = begin(hc);
	uint32_t len = ARG_U(1);
	void *dst = gmem(hc, ARG_U(0), len);

	if (!dst)
		return oob(hc, "random");
	if (len > HP_MAX_RANDOM) /* one host call must stay short */
		RET32(HB_ELIMIT);
	hp__charge(p, BYTES_FUEL(len) * 4);
	if (len)
		randombytes_buf(dst, len);
	RET32(0);
}

HOSTFN(exit)
{
	hp_proc *p = begin(hc);
	int32_t code = ARG_I(0);
	uint32_t len = ARG_U(2);
	const char *s = gmem(hc, ARG_U(1), len);

	if (code != HR_EXIT_NORMAL && code != HR_EXIT_ERROR &&
	    code < HR_EXIT_USER)
		return hw_hostcall_trap(hc, "exit: reserved exit code %d",
					code);
	if (!s)
		return oob(hc, "exit");
	p->exit_req = 1;
	p->exit_code = code;
	free(p->exit_text);
	p->exit_text = len ? strndup(s, len < HR_MAX_REASON_TEXT - 1
						? len
						: HR_MAX_REASON_TEXT - 1)
			   : NULL;
	return hw_hostcall_trap(hc, "exit");
}

/* ---------------------------------------------------------------------
 * The table
 * --------------------------------------------------------------------- */

#define ROW(name, type)                                                        \
	{                                                                      \
#name, type, h_##name                                          \
	}

const hp_fndef hp__abi[] = {
	ROW(cap_perms, "i:i"),
	ROW(cap_demote, "ii:i"),
	ROW(cap_inc_ref, "i:i"),
	ROW(cap_dec_ref, "i:i"),
	ROW(cap_send, "iiiii:i"),
	ROW(cap_kill, "i:i"),
	ROW(cap_monitor, "iii:i"),
	ROW(cap_demonitor, "I:i"),
	ROW(cap_link, "i:i"),
	ROW(cap_unlink, "i:i"),
	ROW(cap_same_target, "ii:i"),
	ROW(mb_new, ":i"),
	ROW(mb_free, "i:i"),
	ROW(mb_cap, "ii:i"),
	ROW(mb_recv, "iI:i"),
	ROW(mb_try_recv, "i:i"),
	ROW(mb_poll, "iiIi:i"),
	ROW(mb_recv_into, "iiIi:i"),
	ROW(proc_trap_exits, "i:i"),
	ROW(sig_kind, "i:i"),
	ROW(sig_mailbox, "i:i"),
	ROW(sig_len, "i:i"),
	ROW(sig_read, "iiii:i"),
	ROW(sig_ncaps, "i:i"),
	ROW(sig_caps, "iii:i"),
	ROW(sig_reason, "i:i"),
	ROW(sig_reason_text, "iii:i"),
	ROW(sig_monitor_ref, "ii:i"),
	ROW(sig_free, "i:i"),
	ROW(time_now, ":I"),
	ROW(time_wall, ":I"),
	ROW(sleep, "I:i"),
	ROW(timer_send_after, "iIiiiii:i"),
	ROW(timer_cancel, "I:i"),
	ROW(lump_this, "i:i"),
	ROW(lump_new, "iii:i"),
	ROW(lump_load, "i:i"),
	ROW(lump_len, "i:i"),
	ROW(lump_read, "iiii:i"),
	ROW(lump_id, "ii:i"),
	ROW(lump_free, "i:i"),
	ROW(log, "iii:"),
	ROW(meta_set, "iii:i"),
	ROW(random, "ii:i"),
	ROW(exit, "iii:"),
};

const uint32_t hp__nabi = sizeof hp__abi / sizeof hp__abi[0];
