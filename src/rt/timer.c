/* timer.c — one binary heap of timers for the whole runtime: wait
 * timeouts of parked processes, sleeps, and send-after deliveries.
 * Schedulers fire due timers between slices (one at a time, so timers
 * are acted on in deadline order) and sleep until the next deadline when
 * idle. All heap state is under rt->timer_mtx; firing acts
 * on expired timers after releasing it (so timer_mtx is never held while
 * a process lock is taken: the order is process lock -> timer_mtx). */
#include <string.h>

#include "rt_int.h"

int hr__timers_init(hr_rt *rt)
{
	pthread_mutex_init(&rt->timer_mtx, NULL);
	rt->heap = NULL;
	rt->nheap = rt->heap_cap = 0;
	atomic_store(&rt->next_deadline, UINT64_MAX);
	atomic_store(&rt->armed, 0);
	atomic_store(&rt->wait_ids, 0);
	return 0;
}

static void timer_free(hr_rt *rt, hr_sched *s, hr_timer *t)
{
	if (t->node)
		hr__node_free(rt, s, t->node);
	hr__free(rt, t);
}

void hr__timers_deinit(hr_rt *rt)
{
	uint32_t i;

	for (i = 0; i < rt->nheap; i++)
		timer_free(rt, NULL, rt->heap[i]);
	hr__free(rt, rt->heap);
	rt->heap = NULL;
	rt->nheap = rt->heap_cap = 0;
	pthread_mutex_destroy(&rt->timer_mtx);
}

/* ---- heap (timer_mtx held) ---- */

static void heap_set(hr_rt *rt, uint32_t i, hr_timer *t)
{
	rt->heap[i] = t;
	t->heap_idx = i;
}

static void sift_up(hr_rt *rt, uint32_t i)
{
	hr_timer *t = rt->heap[i];

	while (i > 0) {
		uint32_t up = (i - 1) / 2;

		if (rt->heap[up]->deadline <= t->deadline)
			break;
		heap_set(rt, i, rt->heap[up]);
		i = up;
	}
	heap_set(rt, i, t);
}

static void sift_down(hr_rt *rt, uint32_t i)
{
	hr_timer *t = rt->heap[i];

	for (;;) {
		uint32_t l = 2 * i + 1, m = i;
		hr_timer *best = t;

		if (l < rt->nheap && rt->heap[l]->deadline < best->deadline) {
			m = l;
			best = rt->heap[l];
		}
		if (l + 1 < rt->nheap &&
		    rt->heap[l + 1]->deadline < best->deadline)
			m = l + 1;
		if (m == i)
			break;
		heap_set(rt, i, rt->heap[m]);
		i = m;
	}
	heap_set(rt, i, t);
}

static void publish(hr_rt *rt)
{
	atomic_store(&rt->next_deadline,
		     rt->nheap ? rt->heap[0]->deadline : UINT64_MAX);
	atomic_store(&rt->armed, rt->nheap);
}

static int heap_add(hr_rt *rt, hr_timer *t)
{
	if (rt->nheap == rt->heap_cap) {
		uint32_t n = rt->heap_cap ? rt->heap_cap * 2 : 64;
		hr_timer **nh = hr__realloc(rt, rt->heap, n * sizeof *nh);

		if (!nh)
			return HB_ENOMEM;
		rt->heap = nh;
		rt->heap_cap = n;
	}
	heap_set(rt, rt->nheap++, t);
	sift_up(rt, t->heap_idx);
	publish(rt);
	return 0;
}

static void heap_del(hr_rt *rt, hr_timer *t)
{
	uint32_t i = t->heap_idx;
	hr_timer *last = rt->heap[--rt->nheap];

	if (i < rt->nheap) {
		heap_set(rt, i, last);
		sift_down(rt, i);
		sift_up(rt, last->heap_idx);
	}
	publish(rt);
}

/* ---- wait timeouts ---- */

int hr__timer_wait(hr_rt *rt, hr_proc *p, uint64_t id, uint64_t deadline)
{
	hr_timer *t = hr__alloc(rt, sizeof *t), *old;
	int rc;

	if (!t)
		return HB_ENOMEM;
	memset(t, 0, sizeof *t);
	t->kind = HR_TM_WAIT;
	t->id = id;
	t->deadline = deadline;
	t->owner = p;
	t->owner_gen = atomic_load_explicit(&p->gen, memory_order_relaxed);
	p->timed = 1;
	pthread_mutex_lock(&rt->timer_mtx);
	old = p->wait_rec;
	if (old) {
		heap_del(rt, old);
		p->wait_rec = NULL;
	}
	rc = heap_add(rt, t);
	if (!rc)
		p->wait_rec = t;
	pthread_mutex_unlock(&rt->timer_mtx);
	if (old)
		hr__free(rt, old);
	if (rc)
		hr__free(rt, t);
	return rc;
}

void hr__timer_wait_cancel(hr_rt *rt, hr_proc *p, uint64_t id)
{
	hr_timer *t;

	pthread_mutex_lock(&rt->timer_mtx);
	t = p->wait_rec;
	if (t && t->id == id) {
		heap_del(rt, t);
		p->wait_rec = NULL;
	} else {
		t = NULL;
	}
	pthread_mutex_unlock(&rt->timer_mtx);
	hr__free(rt, t);
}

/* ---- send-after ---- */

static int tslot_get(hr_rt *rt, hr_proc *p, uint32_t *out)
{
	uint32_t n, i;

	if (p->tslot_free == HR_NONE32) {
		hr_tslot *ns;

		n = p->ntslots ? p->ntslots * 2 : 8;
		ns = hr__realloc(rt, p->tslots, n * sizeof *ns);
		if (!ns)
			return HB_ENOMEM;
		for (i = n; i-- > p->ntslots;) {
			ns[i].t = NULL;
			ns[i].gen = 1;
			ns[i].next_free = p->tslot_free;
			p->tslot_free = i;
		}
		p->tslots = ns;
		p->ntslots = n;
	}
	i = p->tslot_free;
	p->tslot_free = p->tslots[i].next_free;
	*out = i;
	return 0;
}

static void tslot_put(hr_proc *p, uint32_t i)
{
	hr_tslot *sl = &p->tslots[i];

	sl->t = NULL;
	sl->gen++;
	sl->next_free = p->tslot_free;
	p->tslot_free = i;
	p->ntimers--;
}

int hr__send_after(hr_proc *self, hr_sched *s, uint64_t delay_ns, hr_handle h,
		   const void *data, size_t len, const hr_handle *caps,
		   uint32_t ncaps, uint64_t *id)
{
	hr_rt *rt = self->rt;
	hr_cent *e = hr__ctab_get(&self->ctab, h);
	hr_timer *t;
	hr_node *n;
	uint32_t slot;
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
	if (delay_ns > UINT64_MAX / 4)
		return HB_ERANGE;
	n = hr__node_new(rt, s, len, ncaps);
	if (!n)
		return HB_ENOMEM;
	rc = hr__collect_caps(self, caps, ncaps, n->caps);
	if (rc) {
		hr__node_free(rt, s, n);
		return rc;
	}
	if (len)
		memcpy(n->data, data, len);
	n->flags |= HR_NF_TIMER;
	t = hr__alloc(rt, sizeof *t);
	if (!t) {
		hr__node_free(rt, s, n);
		return HB_ENOMEM;
	}
	memset(t, 0, sizeof *t);
	t->kind = HR_TM_SEND;
	t->deadline = hr_now_ns() + delay_ns;
	t->owner = self;
	t->owner_gen = atomic_load_explicit(&self->gen, memory_order_relaxed);
	t->node = n;
	t->dest = e->c;
	self->timed = 1;
	pthread_mutex_lock(&rt->timer_mtx);
	if (self->ntimers >= self->lim.timers) {
		rc = HB_ELIMIT;
	} else if ((rc = tslot_get(rt, self, &slot)) == 0) {
		t->slot = slot;
		rc = heap_add(rt, t);
		if (rc) {
			self->ntimers++; /* tslot_put decrements */
			tslot_put(self, slot);
		} else {
			self->tslots[slot].t = t;
			self->ntimers++;
			*id = ((uint64_t)self->tslots[slot].gen << 32) | slot;
		}
	}
	pthread_mutex_unlock(&rt->timer_mtx);
	if (rc)
		timer_free(rt, s, t);
	return rc;
}

int hr__timer_cancel(hr_proc *self, hr_sched *s, uint64_t id)
{
	hr_rt *rt = self->rt;
	uint32_t i = (uint32_t)id, gen = (uint32_t)(id >> 32);
	hr_timer *t = NULL;

	pthread_mutex_lock(&rt->timer_mtx);
	if (i < self->ntslots && self->tslots[i].t &&
	    self->tslots[i].gen == gen) {
		t = self->tslots[i].t;
		heap_del(rt, t);
		tslot_put(self, i);
	}
	pthread_mutex_unlock(&rt->timer_mtx);
	if (!t)
		return HB_ENOENT;
	timer_free(rt, s, t);
	return 0;
}

void hr__timers_drop_owner(hr_rt *rt, hr_sched *s, hr_proc *p)
{
	hr_timer *list = NULL, *t;
	uint32_t i;

	if (!p->timed)
		return; /* never armed one: spare every exit the mutex */
	p->timed = 0;
	pthread_mutex_lock(&rt->timer_mtx);
	if (p->wait_rec) {
		t = p->wait_rec;
		heap_del(rt, t);
		t->next = list;
		list = t;
		p->wait_rec = NULL;
	}
	for (i = 0; i < p->ntslots; i++) {
		t = p->tslots[i].t;
		if (!t)
			continue;
		heap_del(rt, t);
		t->next = list;
		list = t;
	}
	hr__free(rt, p->tslots);
	p->tslots = NULL;
	p->ntslots = p->ntimers = 0;
	p->tslot_free = HR_NONE32;
	pthread_mutex_unlock(&rt->timer_mtx);
	while (list) {
		t = list;
		list = t->next;
		timer_free(rt, s, t);
	}
}

/* ---- firing ---- */

unsigned hr__timers_fire(hr_rt *rt, hr_sched *s)
{
	hr_timer *list = NULL, **tail = &list, *t;
	uint64_t now = hr_now_ns();
	unsigned n = 0;

	/* One scheduler fires at a time, so timers are acted on in deadline
	 * order (two firers could deliver their batches interleaved). */
	if (atomic_exchange(&rt->firing, true))
		return 0;
	pthread_mutex_lock(&rt->timer_mtx);
	while (rt->nheap && rt->heap[0]->deadline <= now) {
		t = rt->heap[0];
		heap_del(rt, t);
		if (t->kind == HR_TM_WAIT) {
			if (t->owner->wait_rec == t)
				t->owner->wait_rec = NULL;
		} else {
			tslot_put(t->owner, t->slot);
		}
		t->next = NULL;
		*tail = t;
		tail = &t->next;
	}
	pthread_mutex_unlock(&rt->timer_mtx);
	while (list) {
		t = list;
		list = t->next;
		n++;
		if (t->kind == HR_TM_WAIT) {
			hr_proc *p = t->owner;
			bool wake = false;

			hr__lock(&p->lock);
			if (hr__alive(p, t->owner_gen) &&
			    p->state == HR_PS_WAITING && p->wait_tmr == t->id) {
				p->state = HR_PS_RUNNABLE;
				p->timed_out = 1;
				p->wait_tmr = 0;
				wake = true;
			}
			hr__unlock(&p->lock);
			if (wake)
				hr__wake(rt, s, p);
		} else {
			hr_node *node = t->node;

			t->node = NULL;
			if (hr__deliver(rt, s, &t->dest, node, false,
					hr__pid(t->owner, t->owner_gen)))
				hr__node_free(rt, s, node);
		}
		hr__free(rt, t);
	}
	atomic_store(&rt->firing, false);
	return n;
}
