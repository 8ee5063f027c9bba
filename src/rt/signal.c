/* signal.c — monitors (DOWN messages) and links (exit propagation, EXIT
 * messages for processes that trap exits). Every record a death needs is
 * allocated when the monitor or link is made, so a process can always
 * die, and every watcher gets its DOWN, without allocating. */
#include <string.h>

#include "hearth/msgpack.h"
#include "rt_int.h"

/* ---- signal payloads ---- */

/* Longest prefix of s (at most max bytes) that does not split a UTF-8
 * sequence. */
static size_t utf8_prefix(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);

	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

void hr__encode_signal(hr_node *n, uint8_t *buf, size_t cap, bool down,
		       uint64_t ref, const hr_reason *why)
{
	hb_buf b = {.data = buf, .len = 0, .cap = cap - 1, .max = cap - 1};
	size_t tl = why->text ? utf8_prefix(why->text, HR_MAX_SIGNAL_TEXT) : 0;

	hb_mp_put_array(&b, down ? 4 : 3);
	hb_mp_put_cstr(&b, down ? "down" : "exit");
	if (down)
		hb_mp_put_uint(&b, ref);
	hb_mp_put_int(&b, why->code);
	if (why->text)
		hb_mp_put_str(&b, why->text, tl);
	else
		hb_mp_put_nil(&b);
	/* sized so that it always fits (see HR_MAX_SIGNAL_TEXT) */
	buf[b.len] = 0;
	n->data = buf;
	n->len = (uint32_t)b.len;
	n->kind = down ? HR_MSG_DOWN : HR_MSG_EXIT;
	n->ref = ref;
	n->reason_code = why->code;
	n->reason_text = why->text ? (const char *)buf + b.len - tl : NULL;
}

_Static_assert(HR_MON_PAYLOAD >= sizeof(hr_capref) + 24 + HR_MAX_SIGNAL_TEXT,
	       "DOWN payload does not fit a monitor record");
_Static_assert(HR_SIG_INLINE >= sizeof(hr_capref) + 16 + HR_MAX_SIGNAL_TEXT,
	       "EXIT payload does not fit a signal node");

/* Point a monitor record's caps/data at its inline payload. */
static void mon_layout(hr_mon *m)
{
	uint8_t *base = (uint8_t *)(m + 1);

	m->n.caps = (hr_capref *)base;
	m->n.data = base + sizeof(hr_capref);
	m->n.ncaps = 1;
	m->n.caps[0] = m->tref;
}

/* ---- monitors ---- */

static int mslot_get(hr_proc *self, uint32_t *out)
{
	hr_mslot *ns;
	uint32_t n, i;

	if (self->mslot_free == HR_NONE32) {
		n = self->nmslots ? self->nmslots * 2 : 8;
		ns = hr__realloc(self->rt, self->mslots, n * sizeof *ns);
		if (!ns)
			return HB_ENOMEM;
		for (i = n; i-- > self->nmslots;) {
			ns[i].m = NULL;
			ns[i].gen = 1;
			ns[i].next_free = self->mslot_free;
			self->mslot_free = i;
		}
		self->mslots = ns;
		self->nmslots = n;
	}
	i = self->mslot_free;
	self->mslot_free = self->mslots[i].next_free;
	*out = i;
	return 0;
}

static void mslot_put(hr_proc *self, uint32_t i)
{
	hr_mslot *sl = &self->mslots[i];

	sl->m = NULL;
	sl->gen++;
	sl->next_free = self->mslot_free;
	self->mslot_free = i;
	self->nmons--;
}

int hr__monitor(hr_proc *self, hr_sched *s, hr_handle h, uint32_t mb,
		uint64_t *ref)
{
	hr_cent *e = hr__ctab_get(&self->ctab, h);

	if (!e)
		return HB_EBADH;
	if (!(e->c.perms & HR_PERM_MONITOR))
		return HB_EPERM;
	return hr__monitor_ref(self, s, &e->c, mb, ref);
}

int hr__monitor_ref(hr_proc *self, hr_sched *s, const hr_capref *target,
		    uint32_t mb, uint64_t *ref)
{
	hr_rt *rt = self->rt;
	hr_proc *t;
	hr_mon *m;
	uint32_t slot;
	bool linked = false;
	int rc;

	if (mb >= self->nmbox || !self->mbox[mb].alive)
		return HB_ENOENT;
	if (self->nmons >= self->lim.monitors)
		return HB_ELIMIT;
	m = hr__obj_alloc(rt, s, HR_CLS_SIG);
	if (!m)
		return HB_ENOMEM;
	rc = mslot_get(self, &slot);
	if (rc) {
		hr__obj_free(rt, s, m, HR_CLS_SIG);
		return rc;
	}
	memset(m, 0, sizeof *m);
	m->n.flags = HR_NF_SIG | HR_NF_MON;
	m->n.kind = HR_MSG_DOWN;
	m->n.ref = ((uint64_t)self->mslots[slot].gen << 32) | slot;
	m->wdest = (hr_capref){
		.p = self,
		.gen = atomic_load_explicit(&self->gen, memory_order_relaxed),
		.mb = mb,
		.mbgen = self->mbox[mb].gen,
		.perms = HR_PERM_SEND};
	m->tref = *target;
	m->tref.perms = 0;
	atomic_init(&m->refs, 2);
	mon_layout(m);
	self->mslots[slot].m = m;
	self->nmons++;
	*ref = m->n.ref;

	t = m->tref.p;
	hr__lock(&t->lock);
	if (hr__alive(t, m->tref.gen)) {
		if (t->kind->intercept) {
			hr_icpt ic = {.op = HR_ICPT_MONITOR,
				      .from = hr__pid(self, m->wdest.gen)};

			t->kind->intercept(t->ustate, &ic);
		}
		m->state = HR_MON_LINKED;
		m->tprev = NULL;
		m->tnext = t->mon_head;
		if (t->mon_head)
			t->mon_head->tprev = m;
		t->mon_head = m;
		t->nmon_on++;
		linked = true;
	}
	hr__unlock(&t->lock);
	if (!linked) {
		hr_reason why = {.code = HR_EXIT_NOPROC, .text = NULL};

		m->state = HR_MON_FIRED;
		hr__encode_signal(&m->n, m->n.data,
				  HR_MON_PAYLOAD - sizeof(hr_capref), true,
				  m->n.ref, &why);
		if (hr__deliver(rt, s, &m->wdest, &m->n, false, 0))
			hr__node_free(rt, s, &m->n);
	}
	return 0;
}

/* Drop the watcher's hold on slot i's record. */
static void mon_drop(hr_proc *self, hr_sched *s, uint32_t i)
{
	hr_mon *m = self->mslots[i].m;
	hr_proc *t = m->tref.p;
	bool unlinked = false;

	hr__lock(&t->lock);
	if (m->state == HR_MON_LINKED) {
		if (m->tprev)
			m->tprev->tnext = m->tnext;
		else
			t->mon_head = m->tnext;
		if (m->tnext)
			m->tnext->tprev = m->tprev;
		t->nmon_on--;
		m->state = 0;
		unlinked = true;
	}
	hr__unlock(&t->lock);
	mslot_put(self, i);
	if (unlinked) {
		/* both references were ours */
		hr__obj_free(self->rt, s, m, HR_CLS_SIG);
	} else if (atomic_fetch_sub_explicit(&m->refs, 1,
					     memory_order_acq_rel) == 1) {
		hr__obj_free(self->rt, s, m, HR_CLS_SIG);
	}
}

int hr__demonitor(hr_proc *self, hr_sched *s, uint64_t ref)
{
	uint32_t i = (uint32_t)ref, gen = (uint32_t)(ref >> 32);

	if (i >= self->nmslots || !self->mslots[i].m ||
	    self->mslots[i].gen != gen)
		return HB_ENOENT;
	mon_drop(self, s, i);
	return 0;
}

void hr__release_monitors(hr_proc *self, hr_sched *s)
{
	uint32_t i;

	for (i = 0; i < self->nmslots; i++)
		if (self->mslots[i].m)
			mon_drop(self, s, i);
}

void hr__fire_monitors(hr_rt *rt, hr_sched *s, hr_mon *list,
		       const hr_reason *why)
{
	while (list) {
		hr_mon *m = list;

		list = m->tnext;
		hr__encode_signal(&m->n, m->n.data,
				  HR_MON_PAYLOAD - sizeof(hr_capref), true,
				  m->n.ref, why);
		if (hr__deliver(rt, s, &m->wdest, &m->n, false, 0))
			hr__node_free(rt, s, &m->n);
	}
}

/* ---- links ---- */

static int peer_find(const hr_proc *p, const hr_proc *q, uint32_t qgen)
{
	uint32_t i;

	for (i = 0; i < p->nlinks; i++)
		if (p->links[i].p == q && p->links[i].gen == qgen)
			return (int)i;
	return -1;
}

static void peer_remove(hr_proc *p, int i)
{
	p->links[i] = p->links[--p->nlinks];
}

static hr_node *reserve_pop(hr_proc *p)
{
	hr_node *n = p->link_reserve;

	if (n)
		p->link_reserve = n->next;
	return n;
}

static int peer_room(hr_rt *rt, hr_proc *p)
{
	hr_peer *np;
	uint32_t n;

	if (p->nlinks >= p->lim.links)
		return HB_ELIMIT;
	if (p->nlinks < p->links_cap)
		return 0;
	n = p->links_cap ? p->links_cap * 2 : 4;
	np = hr__realloc(rt, p->links, n * sizeof *np);
	if (!np)
		return HB_ENOMEM;
	p->links = np;
	p->links_cap = n;
	return 0;
}

int hr__link_procs(hr_rt *rt, hr_sched *s, hr_proc *a, uint32_t agen,
		   hr_proc *b, uint32_t bgen, hr_pid from)
{
	hr_node *ra, *rb;
	hr_proc *first = a->index < b->index ? a : b;
	hr_proc *second = first == a ? b : a;
	int rc = 0;

	if (a == b) /* itself, or a dead incarnation of its slot */
		return agen == bgen ? HB_EINVAL : HB_EDEAD;
	ra = hr__obj_alloc(rt, s, HR_CLS_SIG);
	rb = hr__obj_alloc(rt, s, HR_CLS_SIG);
	if (!ra || !rb) {
		rc = HB_ENOMEM;
		goto out;
	}
	hr__lock(&first->lock);
	hr__lock(&second->lock);
	if (!hr__alive(a, agen) || !hr__alive(b, bgen)) {
		rc = HB_EDEAD;
	} else if (peer_find(a, b, bgen) >= 0) {
		rc = 0; /* already linked: one link */
	} else if ((rc = peer_room(rt, a)) == 0 &&
		   (rc = peer_room(rt, b)) == 0) {
		bool local = true;

		if (b->kind->intercept) {
			hr_icpt ic = {.op = HR_ICPT_LINK, .from = from};

			local = b->kind->intercept(b->ustate, &ic) !=
				HR_CONSUMED;
		}
		if (local) {
			a->links[a->nlinks++] = (hr_peer){b, bgen};
			b->links[b->nlinks++] = (hr_peer){a, agen};
			ra->next = a->link_reserve;
			a->link_reserve = ra;
			rb->next = b->link_reserve;
			b->link_reserve = rb;
			ra = rb = NULL;
		}
	}
	hr__unlock(&second->lock);
	hr__unlock(&first->lock);
out:
	if (ra)
		hr__obj_free(rt, s, ra, HR_CLS_SIG);
	if (rb)
		hr__obj_free(rt, s, rb, HR_CLS_SIG);
	return rc;
}

int hr__link(hr_proc *self, hr_sched *s, hr_handle h)
{
	hr_cent *e = hr__ctab_get(&self->ctab, h);

	if (!e)
		return HB_EBADH;
	if (!(e->c.perms & HR_PERM_LINK))
		return HB_EPERM;
	if (self->is_host)
		return HB_ENOSYS;
	return hr__link_procs(
		self->rt, s, self,
		atomic_load_explicit(&self->gen, memory_order_relaxed), e->c.p,
		e->c.gen,
		hr__pid(self, atomic_load_explicit(&self->gen,
						   memory_order_relaxed)));
}

int hr__unlink(hr_proc *self, hr_sched *s, hr_handle h)
{
	hr_cent *e = hr__ctab_get(&self->ctab, h);
	uint32_t sgen = atomic_load_explicit(&self->gen, memory_order_relaxed);
	hr_node *na = NULL, *nb = NULL;
	hr_proc *t;
	uint32_t tgen;
	int i;

	if (!e)
		return HB_EBADH;
	t = e->c.p;
	tgen = e->c.gen;
	if (t == self)
		return 0;
	hr__lock(&self->lock);
	i = peer_find(self, t, tgen);
	if (i >= 0) {
		peer_remove(self, i);
		na = reserve_pop(self);
	}
	hr__unlock(&self->lock);
	if (i < 0)
		return 0;
	hr__lock(&t->lock);
	if (hr__alive(t, tgen)) {
		i = peer_find(t, self, sgen);
		if (i >= 0) {
			peer_remove(t, i);
			nb = reserve_pop(t);
		}
	}
	hr__unlock(&t->lock);
	if (na)
		hr__obj_free(self->rt, s, na, HR_CLS_SIG);
	if (nb)
		hr__obj_free(self->rt, s, nb, HR_CLS_SIG);
	return 0;
}

void hr__signal_links(hr_rt *rt, hr_sched *s, hr_proc *dead, uint32_t deadgen,
		      hr_peer *peers, uint32_t n, hr_node *reserve,
		      const hr_reason *why)
{
	uint32_t k;

	for (k = 0; k < n; k++) {
		hr_proc *p = peers[k].p;
		hr_node *sig = reserve, *spare = NULL;
		char *text = NULL;
		bool wake = false;
		int i;

		if (sig)
			reserve = sig->next;
		if (why->code != HR_EXIT_NORMAL && why->text)
			text = hr__strdup(rt, why->text, HR_MAX_REASON_TEXT);
		hr__lock(&p->lock);
		if (hr__alive(p, peers[k].gen) &&
		    (i = peer_find(p, dead, deadgen)) >= 0) {
			peer_remove(p, i);
			spare = reserve_pop(p);
			if (p->trap_exits && sig) {
				uint8_t *base = (uint8_t *)(sig + 1);

				sig->flags = HR_NF_SIG;
				sig->caps = (hr_capref *)base;
				sig->ncaps = 1;
				sig->caps[0] = (hr_capref){.p = dead,
							   .gen = deadgen,
							   .mb = 0,
							   .mbgen = 0,
							   .perms = 0};
				hr__encode_signal(sig, base + sizeof(hr_capref),
						  HR_SIG_INLINE -
							  sizeof(hr_capref),
						  false, 0, why);
				wake = hr__push_locked(p, 0, sig);
				sig = NULL;
			} else if (why->code != HR_EXIT_NORMAL) {
				wake = hr__kill_locked(p, why->code, text);
				if (atomic_load(&p->kill_pending) &&
				    p->kill_text == text)
					text = NULL;
			}
		}
		hr__unlock(&p->lock);
		if (wake)
			hr__wake(rt, s, p);
		if (p->is_host)
			hr__host_signal(rt);
		hr__free(rt, text);
		if (sig)
			hr__obj_free(rt, s, sig, HR_CLS_SIG);
		if (spare)
			hr__obj_free(rt, s, spare, HR_CLS_SIG);
	}
	while (reserve) {
		hr_node *x = reserve;

		reserve = x->next;
		hr__obj_free(rt, s, x, HR_CLS_SIG);
	}
}
