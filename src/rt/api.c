/* api.c — the in-process API (hearth/rt.h): what a running process calls
 * with its own ctx on its scheduler thread. Thin checks over the
 * runtime's internals. */
#include <string.h>

#include "rt_int.h"

static void sync_handles(hr_ctx *cx)
{
	atomic_store_explicit(&cx->nhandles, cx->ctab.count,
			      memory_order_relaxed);
}

static uint32_t self_gen(hr_ctx *cx)
{
	return atomic_load_explicit(&cx->gen, memory_order_relaxed);
}

int hr_send(hr_ctx *cx, hr_handle h, const void *data, size_t len,
	    const hr_handle *caps, uint32_t ncaps)
{
	return hr__send(cx, cx->sched, h, data, len, caps, ncaps);
}

int hr_reply(hr_ctx *cx, const hr_msg *m, const void *data, size_t len,
	     const hr_handle *caps, uint32_t ncaps)
{
	if (!m || m->ncaps < 1 || m->caps[0] < 0)
		return HB_EINVAL;
	return hr__send(cx, cx->sched, m->caps[0], data, len, caps, ncaps);
}

int hr_recv(hr_ctx *cx, const uint32_t *mailboxes, uint32_t n, hr_msg *out)
{
	hr_node *node;

	if (n && !mailboxes)
		return HB_EINVAL;
	for (;;) {
		node = hr__pop_from(cx, mailboxes, n);
		if (!node)
			return HB_EAGAIN;
		if (hr__open(cx, cx->sched, node, out))
			return 0;
	}
}

void hr_msg_free(hr_ctx *cx, hr_msg *m)
{
	if (m && m->node_) {
		hr__node_free(cx->rt, cx->sched, m->node_);
		m->node_ = NULL;
	}
}

int hr_mailbox_new(hr_ctx *cx, uint32_t *id)
{
	return hr__mailbox_new(cx, id);
}

int hr_mailbox_free(hr_ctx *cx, uint32_t id)
{
	return hr__mailbox_free(cx, cx->sched, id);
}

int hr_mailbox_cap(hr_ctx *cx, uint32_t id, unsigned perms, hr_handle *h)
{
	return hr__mailbox_cap(cx, id, perms, h);
}

int hr_perms(hr_ctx *cx, hr_handle h)
{
	hr_cent *e = hr__ctab_get(&cx->ctab, h);

	return e ? (int)e->c.perms : HB_EBADH;
}

int hr_demote(hr_ctx *cx, hr_handle h, unsigned perms, hr_handle *out)
{
	hr_cent *e = hr__ctab_get(&cx->ctab, h);
	hr_capref c;
	int rc;

	if (!e)
		return HB_EBADH;
	if (perms & ~e->c.perms)
		return HB_EPERM;
	c = e->c;
	c.perms = perms;
	rc = hr__ctab_put(cx->rt, &cx->ctab, cx->lim.handles, &c, out);
	sync_handles(cx);
	return rc;
}

int hr_ref_inc(hr_ctx *cx, hr_handle h)
{
	hr_cent *e = hr__ctab_get(&cx->ctab, h);

	if (!e)
		return HB_EBADH;
	if (e->refs == UINT32_MAX)
		return HB_ELIMIT;
	e->refs++;
	return 0;
}

int hr_ref_dec(hr_ctx *cx, hr_handle h)
{
	int rc = hr__ctab_dec(cx->rt, &cx->ctab, h);

	sync_handles(cx);
	return rc;
}

int hr_same_target(hr_ctx *cx, hr_handle a, hr_handle b)
{
	hr_cent *ea = hr__ctab_get(&cx->ctab, a);
	hr_cent *eb = hr__ctab_get(&cx->ctab, b);

	if (!ea || !eb)
		return HB_EBADH;
	return ea->c.p == eb->c.p && ea->c.gen == eb->c.gen &&
	       ea->c.mb == eb->c.mb && ea->c.mbgen == eb->c.mbgen;
}

int hr_target_pid(hr_ctx *cx, hr_handle h, hr_pid *out)
{
	hr_cent *e = hr__ctab_get(&cx->ctab, h);

	if (!e)
		return HB_EBADH;
	*out = hr__pid(e->c.p, e->c.gen);
	return 0;
}

int hr_kill(hr_ctx *cx, hr_handle h)
{
	hr_cent *e = hr__ctab_get(&cx->ctab, h);

	if (!e)
		return HB_EBADH;
	if (!(e->c.perms & HR_PERM_KILL))
		return HB_EPERM;
	return hr__kill(cx->rt, cx->sched, e->c.p, e->c.gen, HR_EXIT_KILLED,
			NULL, true, hr__pid(cx, self_gen(cx)));
}

int hr_monitor(hr_ctx *cx, hr_handle h, uint32_t mb, uint64_t *ref)
{
	return hr__monitor(cx, cx->sched, h, mb, ref);
}

int hr_demonitor(hr_ctx *cx, uint64_t ref)
{
	return hr__demonitor(cx, cx->sched, ref);
}

int hr_link(hr_ctx *cx, hr_handle h)
{
	return hr__link(cx, cx->sched, h);
}

int hr_unlink(hr_ctx *cx, hr_handle h)
{
	return hr__unlink(cx, cx->sched, h);
}

bool hr_trap_exits(hr_ctx *cx, bool on)
{
	bool old;

	hr__lock(&cx->lock);
	old = cx->trap_exits;
	cx->trap_exits = on;
	hr__unlock(&cx->lock);
	return old;
}

int hr_spawn(hr_ctx *cx, const hr_spawn_opts *o, hr_handle *child)
{
	return hr__spawn(cx->rt, cx, cx->sched, o, child);
}

hr_pid hr_self(hr_ctx *cx)
{
	return hr__pid(cx, self_gen(cx));
}

hr_rt *hr_ctx_rt(hr_ctx *cx)
{
	return cx->rt;
}

void *hr_state(hr_ctx *cx)
{
	return cx->ustate;
}

void hr_set_state(hr_ctx *cx, void *state)
{
	/* the kind's intercept hook may read it under the lock */
	hr__lock(&cx->lock);
	cx->ustate = state;
	hr__unlock(&cx->lock);
}

int hr_set_name(hr_ctx *cx, const char *name)
{
	size_t n;

	if (!name)
		return HB_EINVAL;
	n = strnlen(name, HR_MAX_NAME - 1);
	hr__lock(&cx->lock);
	memcpy(cx->name, name, n);
	cx->name[n] = 0;
	hr__unlock(&cx->lock);
	return 0;
}

const char *hr_name(hr_ctx *cx)
{
	return cx->name;
}

void hr_exit(hr_ctx *cx, int32_t code, const char *text)
{
	hr__set_exit(cx, code, text);
}

void hr_charge(hr_ctx *cx, uint32_t reductions)
{
	cx->reds = reductions > UINT32_MAX - cx->reds ? UINT32_MAX
						      : cx->reds + reductions;
}

int hr_send_after(hr_ctx *cx, uint64_t delay_ns, hr_handle h, const void *data,
		  size_t len, const hr_handle *caps, uint32_t ncaps,
		  uint64_t *id)
{
	return hr__send_after(cx, cx->sched, delay_ns, h, data, len, caps,
			      ncaps, id);
}

int hr_timer_cancel(hr_ctx *cx, uint64_t id)
{
	return hr__timer_cancel(cx, cx->sched, id);
}

int hr_sleep(hr_ctx *cx, uint64_t delay_ns)
{
	if (!cx->kind || !cx->kind->on_message || cx->is_host)
		return HB_EINVAL;
	cx->sleep_ns = delay_ns ? delay_ns : 1;
	return 0;
}
