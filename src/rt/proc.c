/* proc.c — the process store (generation-checked, type-stable slots),
 * spawn, kill, the exit path, console snapshots and the log ring. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rt_int.h"

/* ---- slots ---- */

hr_proc *hr__slot(hr_rt *rt, uint32_t index)
{
	hr_proc *seg;

	if (index >= rt->nsegs_max * HR_SEG)
		return NULL;
	seg = atomic_load_explicit(&rt->segs[index >> HR_SEG_SHIFT],
				   memory_order_acquire);
	return seg ? &seg[index & (HR_SEG - 1)] : NULL;
}

hr_proc *hr__pid_proc(hr_rt *rt, hr_pid pid)
{
	return hr__slot(rt, (uint32_t)pid);
}

static int slot_alloc(hr_rt *rt, hr_proc **out)
{
	hr_proc *p, *seg;
	uint32_t idx, i;

	hr__lock(&rt->slot_lock);
	if (rt->slot_free != HR_NONE32) {
		p = hr__slot(rt, rt->slot_free);
		rt->slot_free = p->free_next;
		hr__unlock(&rt->slot_lock);
		*out = p;
		return 0;
	}
	idx = rt->slot_hw;
	if (idx >= rt->cfg.max_procs) {
		hr__unlock(&rt->slot_lock);
		return HB_ELIMIT;
	}
	if (!atomic_load_explicit(&rt->segs[idx >> HR_SEG_SHIFT],
				  memory_order_relaxed)) {
		seg = hr__alloc_aligned(rt, HR_SEG * sizeof *seg,
					&rt->seg_base[idx >> HR_SEG_SHIFT]);
		if (!seg) {
			hr__unlock(&rt->slot_lock);
			return HB_ENOMEM;
		}
		memset(seg, 0, HR_SEG * sizeof *seg);
		for (i = 0; i < HR_SEG; i++) {
			seg[i].index = (idx & ~(HR_SEG - 1)) + i;
			seg[i].rt = rt;
			atomic_init(&seg[i].gen, 1);
			seg[i].state = HR_PS_FREE;
		}
		atomic_store_explicit(&rt->segs[idx >> HR_SEG_SHIFT], seg,
				      memory_order_release);
	}
	rt->slot_hw++;
	atomic_store(&rt->slot_top, rt->slot_hw);
	p = hr__slot(rt, idx);
	hr__unlock(&rt->slot_lock);
	*out = p;
	return 0;
}

static void slot_release(hr_rt *rt, hr_proc *p)
{
	hr__lock(&rt->slot_lock);
	p->free_next = rt->slot_free;
	rt->slot_free = p->index;
	hr__unlock(&rt->slot_lock);
}

/* Reset the owner and lock sections of a free slot for a new process. */
static void proc_reset(hr_proc *p)
{
	p->trap_exits = 0;
	p->wait_any = 0;
	p->timed_out = 0;
	p->poked = 0;
	p->is_host = 0;
	atomic_store(&p->kill_pending, false);
	p->kill_code = 0;
	p->kill_text = NULL;
	p->wait_tmr = 0;
	p->wait_epoch = 1;
	hr__mailboxes_init(p);
	p->mon_head = NULL;
	p->nmon_on = 0;
	p->links = NULL;
	p->nlinks = p->links_cap = 0;
	p->link_reserve = NULL;
	p->q_msgs = p->q_bytes = p->hwm = 0;
	p->log = NULL;
	p->log_cap = p->log_head = p->log_n = 0;
	p->name[0] = 0;
	p->kind = NULL;
	p->ustate = NULL;
	p->sched = NULL;
	p->mslots = NULL;
	p->nmslots = p->nmons = 0;
	p->mslot_free = HR_NONE32;
	p->consumed = 0;
	p->consumed_b = 0;
	p->reds = 0;
	p->slice_budget = 0;
	p->sleep_ns = 0;
	p->inited = p->want_exit = p->terminated = 0;
	p->exit_code = 0;
	p->exit_text = NULL;
	p->parent = 0;
	atomic_store_explicit(&p->sent, 0, memory_order_relaxed);
	atomic_store_explicit(&p->received, 0, memory_order_relaxed);
	atomic_store_explicit(&p->reds_total, 0, memory_order_relaxed);
	atomic_store_explicit(&p->nhandles, 0, memory_order_relaxed);
	p->rq_next = NULL;
	atomic_store_explicit(&p->home, NULL, memory_order_relaxed);
	atomic_store_explicit(&p->affine, false, memory_order_relaxed);
	p->tslots = NULL;
	p->ntslots = p->ntimers = 0;
	p->tslot_free = HR_NONE32;
	p->timed = 0;
}

static void set_name(hr_proc *p, const char *name)
{
	size_t n = name ? strnlen(name, HR_MAX_NAME - 1) : 0;

	memcpy(p->name, name ? name : "", n);
	p->name[n] = 0;
}

/* ---- spawn ---- */

int hr__spawn(hr_rt *rt, hr_proc *parent, hr_sched *s, const hr_spawn_opts *o,
	      hr_handle *child)
{
	hr_capref stack[16], *caps = stack, self, lw = {0};
	hr_limits lim;
	hr_proc *p = NULL;
	hr_handle ph = HR_HANDLE_NONE;
	uint32_t i, gen;
	bool monitored = false;
	int rc;

	if (child)
		*child = HR_HANDLE_NONE;
	if (!o || !o->kind || !o->kind->on_message == !o->kind->run)
		return HB_EINVAL;
	if ((o->ncaps && !o->caps) ||
	    (o->link && parent->is_host && !o->link_with))
		return HB_EINVAL;
	if (o->link && o->link_with) {
		hr_cent *e = hr__ctab_get(&parent->ctab, *o->link_with);

		if (!e)
			return HB_EBADH;
		if (!(e->c.perms & HR_PERM_LINK))
			return HB_EPERM;
		if (e->c.p->is_host)
			return HB_EINVAL;
		lw = e->c;
	}
	if (atomic_load(&rt->closing))
		return HB_ECLOSED;
	rc = hr__limits_merge(rt, o->limits, &lim);
	if (rc)
		return rc;
	if (o->ncaps > lim.handles || o->ncaps > HR_MAX_MSG_CAPS)
		return HB_ELIMIT;
	if (o->ncaps > 16) {
		caps = hr__alloc(rt, o->ncaps * sizeof *caps);
		if (!caps)
			return HB_ENOMEM;
	}
	rc = hr__collect_caps(parent, o->caps, o->ncaps, caps);
	if (rc)
		goto out;
	rc = slot_alloc(rt, &p);
	if (rc)
		goto out;
	proc_reset(p);
	gen = atomic_load(&p->gen);
	p->kind = o->kind;
	p->ustate = o->state;
	p->lim = lim;
	p->parent = hr__pid(parent, atomic_load(&parent->gen));
	set_name(p, o->name);
	rc = hr__ctab_init(rt, &p->ctab, o->ncaps, p->ctab0);
	if (rc)
		goto fail_slot;
	for (i = 0; i < o->ncaps; i++) {
		hr_handle h;

		rc = hr__ctab_put(rt, &p->ctab, lim.handles, &caps[i], &h);
		if (!rc && h != (hr_handle)i)
			rc = HB_EINVAL; /* duplicate (target, perms) */
		if (rc)
			goto fail_slot;
	}
	atomic_store_explicit(&p->nhandles, p->ctab.count,
			      memory_order_relaxed);
	if (child) {
		self = (hr_capref){.p = p,
				   .gen = gen,
				   .mb = 0,
				   .mbgen = 0,
				   .perms = HR_PERM_ALL};
		rc = hr__ctab_put(rt, &parent->ctab, parent->lim.handles, &self,
				  &ph);
		if (rc)
			goto fail_slot;
		atomic_store_explicit(&parent->nhandles, parent->ctab.count,
				      memory_order_relaxed);
	}
	/* Counted before it is alive, then the closing flag is checked again:
	 * hr_rt_shutdown sets closing and then waits for nprocs to reach 0,
	 * so either it waits for (and kills) this one, or we see closing. */
	atomic_fetch_add(&rt->nprocs, 1);
	if (atomic_load(&rt->closing)) {
		hr__uncount(rt);
		rc = HB_ECLOSED;
		goto fail_slot;
	}
	hr__lock(&p->lock);
	p->state = HR_PS_RUNNABLE;
	hr__unlock(&p->lock);
	if (o->monitor) {
		self = (hr_capref){
			.p = p, .gen = gen, .mb = 0, .mbgen = 0, .perms = 0};
		rc = hr__monitor_ref(parent, s, &self, o->monitor_mailbox,
				     o->monitor);
		if (rc)
			goto fail_alive;
		monitored = true;
	}
	if (o->link) {
		/* The child has not run yet, so linking now is atomic with the
		 * spawn. On failure it exits at once without its terminate
		 * hook: the caller keeps its state. */
		if (o->link_with)
			rc = hr__link_procs(
				rt, s, lw.p, lw.gen, p, gen,
				hr__pid(parent, atomic_load(&parent->gen)));
		else
			rc = hr__link_procs(
				rt, s, parent, atomic_load(&parent->gen), p,
				gen,
				hr__pid(parent, atomic_load(&parent->gen)));
		if (rc)
			goto fail_alive;
	}
	hr__enqueue(rt, s, p);
	if (child)
		*child = ph;
	rc = 0;
	goto out;

fail_alive:
	/* Alive but never run: it exits at once, without its terminate
	 * hook (the caller keeps its state). */
	if (monitored)
		hr__demonitor(parent, s, *o->monitor);
	p->terminated = 1;
	hr__kill(rt, s, p, gen, HR_EXIT_ERROR, "spawn failed", false, 0);
	hr__enqueue(rt, s, p);
	if (ph != HR_HANDLE_NONE) {
		hr__ctab_dec(rt, &parent->ctab, ph);
		atomic_store_explicit(&parent->nhandles, parent->ctab.count,
				      memory_order_relaxed);
	}
	goto out;

fail_slot:
	if (ph != HR_HANDLE_NONE) {
		hr__ctab_dec(rt, &parent->ctab, ph);
		atomic_store_explicit(&parent->nhandles, parent->ctab.count,
				      memory_order_relaxed);
	}
	hr__ctab_deinit(rt, &p->ctab);
	atomic_fetch_add(&p->gen, 1);
	slot_release(rt, p);
out:
	if (caps != stack)
		hr__free(rt, caps);
	return rc;
}

/* ---- kill and exit ---- */

bool hr__kill_locked(hr_proc *p, int32_t code, char *text)
{
	if (atomic_load_explicit(&p->kill_pending, memory_order_relaxed)) {
		return false; /* the first kill wins; caller frees text */
	}
	p->kill_code = code;
	p->kill_text = text;
	atomic_store_explicit(&p->kill_pending, true, memory_order_release);
	if (p->state == HR_PS_WAITING) {
		p->state = HR_PS_RUNNABLE;
		return true;
	}
	return false;
}

int hr__kill(hr_rt *rt, hr_sched *s, hr_proc *p, uint32_t gen, int32_t code,
	     const char *text, bool intercept, hr_pid from)
{
	char *t = hr__strdup(rt, text, HR_MAX_REASON_TEXT);
	bool wake;

	hr__lock(&p->lock);
	if (!hr__alive(p, gen)) {
		hr__unlock(&p->lock);
		hr__free(rt, t);
		return HB_EDEAD;
	}
	if (p->is_host) {
		hr__unlock(&p->lock);
		hr__free(rt, t);
		return HB_EPERM;
	}
	if (intercept && p->kind->intercept) {
		hr_icpt ic = {.op = HR_ICPT_KILL, .from = from};

		if (p->kind->intercept(p->ustate, &ic) == HR_CONSUMED) {
			hr__unlock(&p->lock);
			hr__free(rt, t);
			return 0;
		}
	}
	if (atomic_load_explicit(&p->kill_pending, memory_order_relaxed)) {
		hr__unlock(&p->lock);
		hr__free(rt, t);
		return 0;
	}
	wake = hr__kill_locked(p, code, t);
	hr__unlock(&p->lock);
	if (wake)
		hr__wake(rt, s, p);
	return 0;
}

void hr__set_exit(hr_proc *p, int32_t code, const char *text)
{
	if (p->want_exit)
		return;
	p->want_exit = 1;
	p->exit_code = code;
	p->exit_text = hr__strdup(p->rt, text, HR_MAX_REASON_TEXT);
}

void hr__exit_proc(hr_sched *s, hr_proc *p)
{
	hr_rt *rt = p->rt;
	hr_reason why;
	char *text, *extra;
	hr_mon *mons, *m;
	hr_peer *peers;
	hr_node *reserve, *queued;
	uint32_t gen, npeers;
	uint64_t wt;

	hr__lock(&p->lock);
	if (atomic_load_explicit(&p->kill_pending, memory_order_acquire)) {
		why.code = p->kill_code;
		text = p->kill_text;
		extra = p->exit_text;
	} else {
		why.code = p->exit_code;
		text = p->exit_text;
		extra = p->kill_text;
	}
	p->kill_text = NULL;
	p->exit_text = NULL;
	p->state = HR_PS_RUNNING;
	hr__unlock(&p->lock);
	hr__free(rt, extra);
	why.text = text;

	/* Still alive here: terminate may send its last words. */
	p->sched = s;
	if (p->kind->terminate && !p->terminated) {
		p->terminated = 1;
		p->kind->terminate(p, p->ustate, &why);
	}
	p->terminated = 1;

	hr__lock(&p->lock);
	gen = atomic_load_explicit(&p->gen, memory_order_relaxed);
	atomic_store_explicit(&p->gen, gen + 1, memory_order_release);
	p->state = HR_PS_EXITING;
	mons = p->mon_head;
	p->mon_head = NULL;
	p->nmon_on = 0;
	for (m = mons; m; m = m->tnext)
		m->state = HR_MON_FIRED;
	peers = p->links;
	npeers = p->nlinks;
	reserve = p->link_reserve;
	p->links = NULL;
	p->nlinks = p->links_cap = 0;
	p->link_reserve = NULL;
	queued = hr__mailboxes_take(p);
	wt = p->wait_tmr;
	p->wait_tmr = 0;
	hr__unlock(&p->lock);

	(void)wt;
	hr__timers_drop_owner(rt, s, p);
	hr__node_list_free(rt, s, queued);
	hr__release_monitors(p, s);
	hr__fire_monitors(rt, s, mons, &why);
	hr__signal_links(rt, s, p, gen, peers, npeers, reserve, &why);
	hr__free(rt, peers);

	hr__ctab_deinit(rt, &p->ctab);
	hr__free(rt, p->mslots);
	p->mslots = NULL;
	p->nmslots = 0;
	hr__free(rt, text);

	hr__lock(&p->lock);
	if (p->mbox != &p->mbox0)
		hr__free(rt, p->mbox);
	if (p->pbox != &p->pbox0)
		hr__free(rt, p->pbox);
	hr__mailboxes_init(p);
	hr__log_free(rt, p);
	p->state = HR_PS_FREE;
	p->kind = NULL;
	p->ustate = NULL;
	hr__unlock(&p->lock);
	p->sched = NULL;

	slot_release(rt, p);
	hr__uncount(rt);
}

void hr__uncount(hr_rt *rt)
{
	if (atomic_fetch_sub(&rt->nprocs, 1) == 1 &&
	    atomic_load(&rt->closing)) {
		pthread_mutex_lock(&rt->exit_mtx);
		pthread_cond_broadcast(&rt->exit_cv);
		pthread_mutex_unlock(&rt->exit_mtx);
	}
}

/* ---- console ---- */

void hr__proc_info(hr_proc *p, hr_proc_info *out)
{
	memset(out, 0, sizeof *out);
	out->pid =
		hr__pid(p, atomic_load_explicit(&p->gen, memory_order_relaxed));
	out->parent = p->parent;
	memcpy(out->name, p->name, sizeof out->name);
	out->kind = p->kind ? p->kind->name : "?";
	out->state = (hr_pstate)p->state;
	out->trap_exits = p->trap_exits;
	out->mailboxes = p->mb_live;
	out->handles = atomic_load_explicit(&p->nhandles, memory_order_relaxed);
	out->monitors = p->nmon_on;
	out->links = p->nlinks;
	out->queued_msgs = p->q_msgs;
	out->queued_bytes = p->q_bytes;
	out->hwm_msgs = p->hwm;
	out->sent = atomic_load_explicit(&p->sent, memory_order_relaxed);
	out->received =
		atomic_load_explicit(&p->received, memory_order_relaxed);
	out->reductions =
		atomic_load_explicit(&p->reds_total, memory_order_relaxed);
}

static bool listed(const hr_proc *p)
{
	return p->state != HR_PS_FREE && p->state != HR_PS_EXITING;
}

int hr_rt_procs(hr_rt *rt, hr_proc_info *out, size_t max, size_t *n)
{
	uint32_t top = atomic_load(&rt->slot_top), i;
	size_t k = 0;

	for (i = 0; i < top; i++) {
		hr_proc *p = hr__slot(rt, i);

		if (!p)
			continue;
		hr__lock(&p->lock);
		if (listed(p)) {
			if (k < max)
				hr__proc_info(p, &out[k]);
			k++;
		}
		hr__unlock(&p->lock);
	}
	*n = k;
	return 0;
}

int hr_rt_proc_info(hr_rt *rt, hr_pid pid, hr_proc_info *out)
{
	hr_proc *p = hr__pid_proc(rt, pid);
	int rc = HB_EDEAD;

	if (!p)
		return HB_EDEAD;
	hr__lock(&p->lock);
	if (listed(p) && atomic_load(&p->gen) == (uint32_t)(pid >> 32)) {
		hr__proc_info(p, out);
		rc = 0;
	}
	hr__unlock(&p->lock);
	return rc;
}

int hr_rt_kill_pid(hr_rt *rt, hr_pid pid, int32_t code, const char *text)
{
	hr_proc *p = hr__pid_proc(rt, pid);

	if (!p || (uint32_t)pid == 0)
		return p ? HB_EPERM : HB_EDEAD;
	return hr__kill(rt, NULL, p, (uint32_t)(pid >> 32), code, text, false,
			hr__pid(rt->host, 1));
}

int hr_poke(hr_rt *rt, hr_pid pid)
{
	hr_proc *p = hr__pid_proc(rt, pid);
	bool wake = false;

	if (!p || (uint32_t)pid == 0) /* the host waits on its own */
		return p ? HB_EPERM : HB_EDEAD;
	hr__lock(&p->lock);
	if (!hr__alive(p, (uint32_t)(pid >> 32))) {
		hr__unlock(&p->lock);
		return HB_EDEAD;
	}
	if (p->state == HR_PS_WAITING) {
		p->state = HR_PS_RUNNABLE;
		wake = true;
	} else {
		p->poked = 1; /* after_slice will not park it */
	}
	hr__unlock(&p->lock);
	if (wake)
		hr__wake(rt, NULL, p);
	return 0;
}

/* ---- log ring ---- */

void hr__log_free(hr_rt *rt, hr_proc *p)
{
	uint32_t i;

	for (i = 0; i < p->log_n; i++)
		hr__free(rt, p->log[(p->log_head + i) % p->log_cap].text);
	hr__free(rt, p->log);
	p->log = NULL;
	p->log_cap = p->log_head = p->log_n = 0;
}

void hr_log(hr_ctx *cx, int level, const char *fmt, ...)
{
	hr_rt *rt = cx->rt;
	char buf[HR_MAX_LOG_TEXT];
	hr_logent *ring = NULL;
	char *text, *old = NULL;
	va_list ap;

	if (!cx->lim.log_lines)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	text = hr__strdup(rt, buf, sizeof buf - 1);
	if (!text)
		return; /* out of memory: the line is lost */
	/* The owner is the only writer of cx->log, so it may look unlocked. */
	if (!cx->log) {
		ring = hr__alloc(rt, cx->lim.log_lines * sizeof *ring);
		if (!ring) {
			hr__free(rt, text);
			return;
		}
	}
	hr__lock(&cx->lock);
	if (ring) {
		cx->log = ring;
		cx->log_cap = cx->lim.log_lines;
		cx->log_head = cx->log_n = 0;
	}
	if (cx->log_n == cx->log_cap) {
		old = cx->log[cx->log_head].text;
		cx->log_head = (cx->log_head + 1) % cx->log_cap;
		cx->log_n--;
	}
	cx->log[(cx->log_head + cx->log_n) % cx->log_cap] =
		(hr_logent){.t_ns = hr_now_ns(), .level = level, .text = text};
	cx->log_n++;
	hr__unlock(&cx->lock);
	hr__free(rt, old);
}

int hr_rt_log(hr_rt *rt, hr_pid pid,
	      void (*cb)(void *ud, int level, uint64_t t_ns, const char *text),
	      void *ud)
{
	hr_proc *p = hr__pid_proc(rt, pid);
	uint32_t i;

	if (!p)
		return HB_EDEAD;
	hr__lock(&p->lock);
	if (!listed(p) || atomic_load(&p->gen) != (uint32_t)(pid >> 32)) {
		hr__unlock(&p->lock);
		return HB_EDEAD;
	}
	for (i = 0; i < p->log_n; i++) {
		hr_logent *e = &p->log[(p->log_head + i) % p->log_cap];

		cb(ud, e->level, e->t_ns, e->text);
	}
	hr__unlock(&p->lock);
	return 0;
}

/* ---- the host pseudo-process (slot 0) ---- */

static const hr_kind host_kind = {.name = "host"};

int hr__host_init(hr_rt *rt)
{
	pthread_condattr_t ca;
	hr_proc *p;
	int rc;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_destroy(&rt->hcv);
	pthread_cond_init(&rt->hcv, &ca);
	pthread_condattr_destroy(&ca);
	rc = slot_alloc(rt, &p);
	if (rc)
		return rc;
	proc_reset(p);
	hr__ctab_init(rt, &p->ctab, 0, p->ctab0);
	p->is_host = 1;
	p->kind = &host_kind;
	p->lim = rt->cfg.max;
	p->lim.log_lines = rt->cfg.defaults.log_lines;
	set_name(p, "host");
	hr__lock(&p->lock);
	p->state = HR_PS_HOST;
	hr__unlock(&p->lock);
	rt->host = p;
	return 0;
}

void hr__host_deinit(hr_rt *rt)
{
	hr_proc *p = rt->host;
	hr_node *queued;

	if (!p)
		return;
	hr__release_monitors(p, NULL);
	hr__timers_drop_owner(rt, NULL, p);
	hr__lock(&p->lock);
	queued = hr__mailboxes_take(p);
	hr__unlock(&p->lock);
	hr__node_list_free(rt, NULL, queued);
	hr__ctab_deinit(rt, &p->ctab);
	hr__free(rt, p->mslots);
	p->mslots = NULL;
	p->nmslots = 0;
	if (p->mbox != &p->mbox0)
		hr__free(rt, p->mbox);
	if (p->pbox != &p->pbox0)
		hr__free(rt, p->pbox);
	hr__mailboxes_init(p);
	hr__log_free(rt, p);
	rt->host = NULL;
}
