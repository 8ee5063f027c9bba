/* msg.c — message nodes, delivery into bounded mailboxes, receiving and
 * capability import, mailbox management. The send path is the runtime's
 * hottest: no allocation for small messages, one lock of the target. */
#include <string.h>

#include "rt_int.h"

/* ---- nodes ---- */

hr_node *hr__node_new(hr_rt *rt, hr_sched *s, size_t len, uint32_t ncaps)
{
	size_t need = (size_t)ncaps * sizeof(hr_capref) + len;
	uint8_t *base;
	hr_node *n;

	if (need <= HR_NODE_INLINE) {
		n = hr__obj_alloc(rt, s, HR_CLS_MSG);
		if (!n)
			return NULL;
		n->flags = HR_NF_SMALL;
	} else if (need <= HR_SIG_INLINE) {
		n = hr__obj_alloc(rt, s, HR_CLS_SIG);
		if (!n)
			return NULL;
		n->flags = HR_NF_SIG;
	} else {
		n = hr__alloc(rt, sizeof *n + need);
		if (!n)
			return NULL;
		n->flags = 0;
	}
	base = (uint8_t *)(n + 1);
	n->next = NULL;
	n->caps = (hr_capref *)base;
	n->data = base + (size_t)ncaps * sizeof(hr_capref);
	n->len = (uint32_t)len;
	n->ncaps = (uint16_t)ncaps;
	n->kind = HR_MSG_DATA;
	n->mb = 0;
	n->reason_code = 0;
	n->ref = 0;
	n->reason_text = NULL;
	return n;
}

void hr__node_free(hr_rt *rt, hr_sched *s, hr_node *n)
{
	if (n->flags & HR_NF_MON) {
		hr_mon *m = (hr_mon *)n;

		if (atomic_fetch_sub_explicit(&m->refs, 1,
					      memory_order_acq_rel) != 1)
			return;
		hr__obj_free(rt, s, n, HR_CLS_SIG);
	} else if (n->flags & HR_NF_SMALL) {
		hr__obj_free(rt, s, n, HR_CLS_MSG);
	} else if (n->flags & HR_NF_SIG) {
		hr__obj_free(rt, s, n, HR_CLS_SIG);
	} else {
		hr__free(rt, n);
	}
}

void hr__node_list_free(hr_rt *rt, hr_sched *s, hr_node *n)
{
	while (n) {
		hr_node *next = n->next;

		hr__node_free(rt, s, n);
		n = next;
	}
}

/* ---- delivery ---- */

bool hr__push_locked(hr_proc *p, uint32_t i, hr_node *n)
{
	hr_mbox *mb = &p->mbox[i];
	hr_node **r = &mb->recent[mb->nq % HR_AHEAD];
	bool wake;

	n->mb = i;
	n->next = NULL;
	if (n->kind == HR_MSG_DATA)
		n->ahead = NULL;
	if (mb->tail)
		mb->tail->next = n;
	else
		mb->head = n;
	mb->tail = n;
	if (mb->nq >= HR_AHEAD && (*r)->kind == HR_MSG_DATA)
		(*r)->ahead = n;
	*r = n;
	mb->nq++;
	if (!mb->ready) {
		mb->ready = 1;
		mb->next = p->ready;
		p->ready = i;
	}
	p->q_msgs++;
	p->q_bytes += n->len;
	if (p->q_msgs > p->hwm)
		p->hwm = p->q_msgs;
	atomic_store_explicit(
		&p->mail,
		atomic_load_explicit(&p->mail, memory_order_relaxed) + 1,
		memory_order_release);
	wake = p->state == HR_PS_WAITING &&
	       (p->wait_any || mb->wait_epoch == p->wait_epoch);
	if (wake)
		p->state = HR_PS_RUNNABLE;
	return wake;
}

int hr__deliver(hr_rt *rt, hr_sched *s, const hr_capref *d, hr_node *n,
		bool bounded, hr_pid from)
{
	hr_proc *p = d->p;
	bool wake, host;

	hr__lock(&p->lock);
	if (!hr__alive(p, d->gen)) {
		hr__unlock(&p->lock);
		return HB_EDEAD;
	}
	if (d->mb >= p->nmbox || !p->mbox[d->mb].alive ||
	    p->mbox[d->mb].gen != d->mbgen) {
		hr__unlock(&p->lock);
		return HB_ECLOSED;
	}
	if (bounded && (p->q_msgs + 1 > p->lim.queue_msgs ||
			p->q_bytes + n->len > p->lim.queue_bytes)) {
		hr__unlock(&p->lock);
		return HB_EFULL;
	}
	if (p->kind->intercept) {
		hr_icpt ic = {.op = HR_ICPT_DELIVER,
			      .mailbox = d->mb,
			      .data = n->data,
			      .len = n->len,
			      .ncaps = n->ncaps,
			      .from = from};

		if (p->kind->intercept(p->ustate, &ic) == HR_CONSUMED) {
			hr__unlock(&p->lock);
			hr__node_free(rt, s, n);
			return 0;
		}
	}
	wake = hr__push_locked(p, d->mb, n);
	host = p->is_host;
	hr__unlock(&p->lock);
	if (wake)
		hr__wake(rt, s, p);
	else if (host)
		hr__host_signal(rt);
	return 0;
}

int hr__collect_caps(hr_proc *self, const hr_handle *caps, uint32_t ncaps,
		     hr_capref *out)
{
	uint32_t i;

	for (i = 0; i < ncaps; i++) {
		hr_cent *e = hr__ctab_get(&self->ctab, caps[i]);

		if (!e)
			return HB_EBADH;
		out[i] = e->c;
	}
	return 0;
}

int hr__send(hr_proc *self, hr_sched *s, hr_handle h, const void *data,
	     size_t len, const hr_handle *caps, uint32_t ncaps)
{
	hr_rt *rt = self->rt;
	hr_cent *e = hr__ctab_get(&self->ctab, h);
	hr_capref dest;
	hr_node *n;
	int rc;

	if (!e)
		return HB_EBADH;
	if (!(e->c.perms & HR_PERM_SEND))
		return HB_EPERM;
	if (len > self->lim.msg_bytes)
		return HB_ETOOBIG;
	if (ncaps > self->lim.msg_caps)
		return HB_ELIMIT;
	if ((len && !data) || (ncaps && !caps))
		return HB_EINVAL;
	dest = e->c;
	n = hr__node_new(rt, s, len, ncaps);
	if (!n)
		return HB_ENOMEM;
	if (ncaps) {
		rc = hr__collect_caps(self, caps, ncaps, n->caps);
		if (rc)
			goto fail;
	}
	if (len)
		memcpy(n->data, data, len);
	rc = hr__deliver(rt, s, &dest, n, true, hr__pid(self, self->gen));
	if (rc)
		goto fail;
	hr__bump(&self->sent, 1);
	return 0;
fail:
	hr__node_free(rt, s, n);
	return rc;
}

/* ---- receiving (owner side) ---- */

void hr__sync_consumed(hr_proc *p)
{
	p->q_msgs -= p->consumed;
	p->q_bytes -= p->consumed_b;
	p->consumed = 0;
	p->consumed_b = 0;
}

void hr__grab(hr_proc *p)
{
	hr__lock(&p->lock);
	hr__sync_consumed(p);
	hr__grab_locked(p);
	hr__unlock(&p->lock);
}

void hr__grab_locked(hr_proc *p)
{
	uint32_t i;

	while ((i = p->ready) != HR_NONE32) {
		hr_mbox *mb = &p->mbox[i];
		hr_pbox *pb = &p->pbox[i];

		p->ready = mb->next;
		mb->ready = 0;
		if (!mb->alive) {
			mb->next = p->mb_free;
			p->mb_free = i;
			continue;
		}
		if (!mb->head)
			continue;
		if (pb->tail)
			pb->tail->next = mb->head;
		else
			pb->head = mb->head;
		pb->tail = mb->tail;
		p->pcount += mb->nq;
		mb->head = mb->tail = NULL;
		mb->nq = 0;
		if (!pb->ready) {
			pb->ready = 1;
			pb->next = p->pready;
			p->pready = i;
		}
	}
}

/* Consumed counts reach q_msgs at the next lock; a long private batch
 * publishes them every so often, so senders blocked by the bound see the
 * room as it frees up. */
#define SYNC_EVERY 256

static hr_node *pop_mb(hr_proc *p, hr_pbox *pb)
{
	hr_node *n = pb->head;

	pb->head = n->next;
	if (!pb->head)
		pb->tail = NULL;
	else
		__builtin_prefetch(pb->head);
	if (n->kind == HR_MSG_DATA && n->ahead)
		__builtin_prefetch(n->ahead);
	n->next = NULL;
	p->pcount--;
	p->consumed_b += n->len;
	if (++p->consumed >= SYNC_EVERY) {
		hr__lock(&p->lock);
		hr__sync_consumed(p);
		hr__unlock(&p->lock);
	}
	return n;
}

hr_node *hr__pop_any(hr_proc *p)
{
	uint32_t i;

	if (!p->pcount)
		return NULL;
	while ((i = p->pready) != HR_NONE32) {
		hr_pbox *pb = &p->pbox[i];

		if (pb->head)
			return pop_mb(p, pb);
		p->pready = pb->next;
		pb->ready = 0;
	}
	return NULL;
}

hr_node *hr__pop_from(hr_proc *p, const uint32_t *mbs, uint32_t n)
{
	int pass;
	uint32_t k;

	if (n == 0) {
		hr_node *x = hr__pop_any(p);

		if (!x) {
			hr__grab(p);
			x = hr__pop_any(p);
		}
		return x;
	}
	for (pass = 0; pass < 2; pass++) {
		for (k = 0; k < n; k++) {
			uint32_t i = mbs[k];

			if (i < p->npbox && p->pbox[i].alive &&
			    p->pbox[i].head)
				return pop_mb(p, &p->pbox[i]);
		}
		if (pass == 0)
			hr__grab(p);
	}
	return NULL;
}

bool hr__has_msgs(hr_proc *p)
{
	return p->pcount > 0 || p->ready != HR_NONE32;
}

/* A DOWN is received only if its monitor slot still refers to it; the
 * slot is released then (the monitor is over). */
static bool down_check(hr_proc *self, hr_node *n)
{
	uint32_t idx = (uint32_t)n->ref, gen = (uint32_t)(n->ref >> 32);
	hr_mslot *sl;
	hr_mon *m = (hr_mon *)n;

	if (idx >= self->nmslots)
		return false;
	sl = &self->mslots[idx];
	if (sl->m != m || sl->gen != gen)
		return false;
	sl->m = NULL;
	sl->gen++;
	sl->next_free = self->mslot_free;
	self->mslot_free = idx;
	self->nmons--;
	/* drop the slot's reference; the message's stays until freed */
	atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel);
	return true;
}

bool hr__open(hr_proc *self, hr_sched *s, hr_node *n, hr_msg *m)
{
	hr_handle *hs = (hr_handle *)n->caps;
	uint32_t i;
	int err = 0;

	if (n->kind == HR_MSG_DOWN && !down_check(self, n)) {
		hr__node_free(self->rt, s, n);
		return false;
	}
	for (i = 0; i < n->ncaps; i++) {
		hr_capref c = n->caps[i];
		hr_handle h;
		int rc = hr__ctab_put(self->rt, &self->ctab, self->lim.handles,
				      &c, &h);

		if (rc) {
			h = HR_HANDLE_NONE;
			err = rc;
		}
		hs[i] = h;
	}
	if (n->ncaps)
		atomic_store_explicit(&self->nhandles, self->ctab.count,
				      memory_order_relaxed);
	m->kind = (hr_msg_kind)n->kind;
	m->mailbox = n->mb;
	m->data = n->data;
	m->len = n->len;
	m->caps = hs;
	m->ncaps = n->ncaps;
	m->err = err;
	m->ref = n->kind == HR_MSG_DOWN ? n->ref : 0;
	m->reason.code = n->reason_code;
	m->reason.text = n->reason_text;
	m->node_ = n;
	hr__bump(&self->received, 1);
	return true;
}

/* ---- mailboxes ---- */

void hr__mailboxes_init(hr_proc *p)
{
	hr_mbox *mb = &p->mbox0;

	memset(mb, 0, sizeof *mb);
	memset(&p->pbox0, 0, sizeof p->pbox0);
	mb->alive = p->pbox0.alive = 1;
	mb->next = p->pbox0.next = HR_NONE32;
	p->mbox = mb;
	p->pbox = &p->pbox0;
	p->nmbox = p->npbox = 1;
	p->mb_live = 1;
	p->mb_free = HR_NONE32;
	p->ready = HR_NONE32;
	p->pready = HR_NONE32;
	p->pcount = 0;
}

hr_node *hr__mailboxes_take(hr_proc *p)
{
	hr_node *list = NULL, **tail = &list;
	uint32_t i;

	for (i = 0; i < p->nmbox; i++) {
		hr_mbox *mb = &p->mbox[i];
		hr_pbox *pb = &p->pbox[i];

		if (pb->head) {
			*tail = pb->head;
			tail = &pb->tail->next;
		}
		if (mb->head) {
			*tail = mb->head;
			tail = &mb->tail->next;
		}
		mb->head = mb->tail = pb->head = pb->tail = NULL;
		mb->nq = 0;
	}
	p->ready = p->pready = HR_NONE32;
	p->pcount = 0;
	p->q_msgs = p->q_bytes = 0;
	p->consumed = 0;
	p->consumed_b = 0;
	return list;
}

int hr__mailbox_new(hr_proc *p, uint32_t *id)
{
	hr_rt *rt = p->rt;
	hr_mbox *arr = NULL, *old = NULL, *mb;
	hr_pbox *parr = NULL, *pold = NULL;
	uint32_t i, ncap = (p->nmbox + 1) * 2;

	if (p->mb_live >= p->lim.mailboxes)
		return HB_ELIMIT;
	/* Only the owner resizes the arrays, so it may read nmbox and mb_free
	 * unlocked and allocate before taking the lock. */
	if (p->mb_free == HR_NONE32) {
		arr = hr__alloc(rt, (size_t)ncap * sizeof *arr);
		parr = hr__alloc(rt, (size_t)ncap * sizeof *parr);
		if (!arr || !parr) {
			hr__free(rt, arr);
			hr__free(rt, parr);
			return HB_ENOMEM;
		}
		memcpy(parr, p->pbox, p->nmbox * sizeof *parr);
		for (i = p->nmbox; i < ncap; i++) {
			memset(&parr[i], 0, sizeof parr[i]);
			parr[i].next = HR_NONE32;
		}
		if (p->pbox != &p->pbox0)
			pold = p->pbox;
		p->pbox = parr;
	}
	hr__lock(&p->lock);
	if (arr) {
		memcpy(arr, p->mbox, p->nmbox * sizeof *arr);
		/* free list from low to high ids (it was empty) */
		for (i = ncap; i-- > p->nmbox;) {
			memset(&arr[i], 0, sizeof arr[i]);
			arr[i].next = p->mb_free;
			p->mb_free = i;
		}
		if (p->mbox != &p->mbox0)
			old = p->mbox;
		p->mbox = arr;
		p->nmbox = p->npbox = ncap;
	}
	i = p->mb_free;
	mb = &p->mbox[i];
	p->mb_free = mb->next;
	/* private ready-list membership survives reuse (that list is lazy) */
	mb->head = mb->tail = NULL;
	p->pbox[i].head = p->pbox[i].tail = NULL;
	mb->nq = 0;
	mb->alive = p->pbox[i].alive = 1;
	mb->wait_epoch = 0;
	mb->next = HR_NONE32; /* slots on the free list are off the ready list */
	p->mb_live++;
	hr__unlock(&p->lock);
	hr__free(rt, old);
	hr__free(rt, pold);
	*id = i;
	return 0;
}

int hr__mailbox_free(hr_proc *p, hr_sched *s, uint32_t id)
{
	hr_node *shared, *priv, *n;
	hr_mbox *mb;

	if (id == 0)
		return HB_EPERM;
	if (id >= p->nmbox || !p->mbox[id].alive)
		return HB_ENOENT;
	hr__lock(&p->lock);
	mb = &p->mbox[id];
	shared = mb->head;
	priv = p->pbox[id].head;
	for (n = shared; n; n = n->next) {
		p->q_msgs--;
		p->q_bytes -= n->len;
	}
	for (n = priv; n; n = n->next) {
		p->pcount--;
		p->q_msgs--;
		p->q_bytes -= n->len;
	}
	mb->head = mb->tail = NULL;
	p->pbox[id].head = p->pbox[id].tail = NULL;
	mb->nq = 0;
	mb->alive = p->pbox[id].alive = 0;
	mb->gen++;
	p->mb_live--;
	/* A mailbox still on the ready list goes to the free list when the
	 * next grab unlinks it (both lists use mb->next). */
	if (!mb->ready) {
		mb->next = p->mb_free;
		p->mb_free = id;
	}
	hr__unlock(&p->lock);
	hr__node_list_free(p->rt, s, shared);
	hr__node_list_free(p->rt, s, priv);
	return 0;
}

int hr__mailbox_cap(hr_proc *p, uint32_t id, unsigned perms, hr_handle *h)
{
	hr_capref c;
	int rc;

	if (perms & ~(unsigned)HR_PERM_ALL)
		return HB_EINVAL;
	if (id >= p->nmbox || !p->mbox[id].alive)
		return HB_ENOENT;
	c.p = p;
	c.gen = atomic_load_explicit(&p->gen, memory_order_relaxed);
	c.mb = id;
	c.mbgen = p->mbox[id].gen;
	c.perms = perms;
	rc = hr__ctab_put(p->rt, &p->ctab, p->lim.handles, &c, h);
	atomic_store_explicit(&p->nhandles, p->ctab.count,
			      memory_order_relaxed);
	return rc;
}
