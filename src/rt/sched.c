/* sched.c — the M:N scheduler: one thread per scheduler, a run queue each,
 * a runnext slot for the process woken last (same-scheduler ping-pong
 * never touches a queue or another thread), work stealing, idle spinning
 * then parking, preemption by reduction budget. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "rt_int.h"

#define STALE_RUNNEXT_NS 3000 /* runnext stuck this long may be stolen */

/* ---- run queues ---- */

static void rq_push(hr_sched *s, hr_proc *p)
{
	unsigned n;

	p->rq_next = NULL;
	hr__lock(&s->rq_lock);
	if (s->rq_tail)
		s->rq_tail->rq_next = p;
	else
		s->rq_head = p;
	s->rq_tail = p;
	n = atomic_load_explicit(&s->rq_len, memory_order_relaxed) + 1;
	atomic_store(&s->rq_len, n);
	hr__unlock(&s->rq_lock);
}

static hr_proc *rq_pop(hr_sched *s)
{
	hr_proc *p;

	if (!atomic_load_explicit(&s->rq_len, memory_order_relaxed))
		return NULL;
	hr__lock(&s->rq_lock);
	p = s->rq_head;
	if (p) {
		s->rq_head = p->rq_next;
		if (!s->rq_head)
			s->rq_tail = NULL;
		atomic_store(
			&s->rq_len,
			atomic_load_explicit(&s->rq_len, memory_order_relaxed) -
				1);
	}
	hr__unlock(&s->rq_lock);
	return p;
}

/* Take the older half of v's queue; run the first, queue the rest. */
static hr_proc *steal_from(hr_sched *s, hr_sched *v)
{
	hr_proc *first, *last;
	unsigned n, k, i;

	hr__lock(&v->rq_lock);
	n = atomic_load_explicit(&v->rq_len, memory_order_relaxed);
	if (!n) {
		hr__unlock(&v->rq_lock);
		return NULL;
	}
	k = (n + 1) / 2;
	first = last = v->rq_head;
	for (i = 1; i < k; i++)
		last = last->rq_next;
	v->rq_head = last->rq_next;
	if (!v->rq_head)
		v->rq_tail = NULL;
	atomic_store(&v->rq_len, n - k);
	hr__unlock(&v->rq_lock);
	last->rq_next = NULL;
	if (k > 1) {
		hr_proc *rest = first->rq_next;

		hr__lock(&s->rq_lock);
		if (s->rq_tail)
			s->rq_tail->rq_next = rest;
		else
			s->rq_head = rest;
		s->rq_tail = last;
		atomic_store(
			&s->rq_len,
			atomic_load_explicit(&s->rq_len, memory_order_relaxed) +
				k - 1);
		hr__unlock(&s->rq_lock);
	}
	first->rq_next = NULL;
	return first;
}

static uint64_t rng_next(hr_sched *s)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return s->rng;
}

static hr_proc *steal(hr_sched *s)
{
	hr_rt *rt = s->rt;
	unsigned n = rt->nsched, start, i;

	if (n < 2)
		return NULL;
	start = (unsigned)(rng_next(s) % n);
	for (i = 0; i < n; i++) {
		hr_sched *v = &rt->sched[(start + i) % n];
		hr_proc *p;

		if (v == s ||
		    !atomic_load_explicit(&v->rq_len, memory_order_relaxed))
			continue;
		p = steal_from(s, v);
		if (p)
			return p;
	}
	return NULL;
}

/* A runnext that has waited behind one long slice for STALE_RUNNEXT_NS
 * is taken by an idle (spinning) scheduler, so a consumer woken by a busy
 * producer runs in parallel instead of after the producer's slice. */
static hr_proc *steal_runnext(hr_sched *s, uint64_t now)
{
	hr_rt *rt = s->rt;
	unsigned i;

	for (i = 0; i < rt->nsched; i++) {
		hr_sched *v = &rt->sched[i];
		hr_proc *rn;
		uint64_t sw;

		if (v == s)
			continue;
		rn = atomic_load_explicit(&v->runnext, memory_order_relaxed);
		if (!rn) {
			s->obs_t[i] = 0;
			continue;
		}
		sw = atomic_load_explicit(&v->switches, memory_order_relaxed);
		if (!s->obs_t[i] || s->obs_sw[i] != sw) {
			s->obs_sw[i] = sw;
			s->obs_t[i] = now;
			continue;
		}
		if (now - s->obs_t[i] >= STALE_RUNNEXT_NS &&
		    atomic_compare_exchange_strong(&v->runnext, &rn, NULL)) {
			s->obs_t[i] = 0;
			atomic_store_explicit(&rn->affine, true,
					      memory_order_relaxed);
			return rn;
		}
	}
	return NULL;
}

/* ---- waking ---- */

static bool unpark(hr_sched *t)
{
	bool was;

	pthread_mutex_lock(&t->park_mtx);
	was = !t->wakeup;
	t->wakeup = true;
	pthread_cond_signal(&t->park_cv);
	pthread_mutex_unlock(&t->park_mtx);
	return was;
}

/* There is new work on pref's queue: make sure some scheduler looks. */
static void notify(hr_rt *rt, hr_sched *pref)
{
	unsigned i, n = rt->nsched;

	if (atomic_load(&rt->nparked) == 0 || atomic_load(&rt->nspinning) > 0)
		return;
	if (pref && atomic_load(&pref->parked) && unpark(pref))
		return;
	for (i = 0; i < n; i++) {
		hr_sched *t = &rt->sched[i];

		if (atomic_load(&t->parked) && unpark(t))
			return;
	}
}

void hr__enqueue(hr_rt *rt, hr_sched *s, hr_proc *p)
{
	if (!s) {
		s = atomic_load_explicit(&p->home, memory_order_relaxed);
		if (!s)
			s = &rt->sched[atomic_fetch_add_explicit(
					       &rt->rr, 1,
					       memory_order_relaxed) %
				       rt->nsched];
	}
	rq_push(s, p);
	notify(rt, s);
}

void hr__wake(hr_rt *rt, hr_sched *s, hr_proc *p)
{
	hr_proc *old;

	if (!s) {
		hr__enqueue(rt, NULL, p);
		return;
	}
	if (atomic_load_explicit(&p->affine, memory_order_relaxed)) {
		hr_sched *h =
			atomic_load_explicit(&p->home, memory_order_relaxed);

		if (h && h != s &&
		    (atomic_load(&h->spinning) || atomic_load(&h->parked))) {
			rq_push(h, p);
			if (atomic_load(&h->parked))
				unpark(h);
			return;
		}
	}
	old = atomic_exchange(&s->runnext, p);
	if (old) {
		rq_push(s, old);
		notify(rt, s);
	}
}

bool hr__on_scheduler(hr_rt *rt)
{
	unsigned i;

	for (i = 0; i < rt->nsched; i++)
		if (rt->sched[i].started &&
		    pthread_equal(rt->sched[i].thr, pthread_self()))
			return true;
	return false;
}

/* ---- running a process ---- */

/* Book the slice's reductions (before p can be seen by another thread). */
static void account(hr_sched *s, hr_proc *p, uint32_t budget)
{
	hr__bump(&p->reds_total, p->reds);
	s->inherit_used += p->reds < budget ? p->reds : budget;
}

/* A parallel consumer (affine) on a scheduler with nothing else to do
 * waits for mail by spinning for a while instead of parking: its
 * producers then push without waking it, and it drains in batches. It
 * looks at its mail counter only every SPIN_POLL pauses (about a
 * microsecond) and lets a batch build up (SPIN_BATCH messages, or
 * SPIN_LAG looks after the first one) before it takes the lock: each look
 * and each grab pulls the senders' cache line away from them, and in a
 * stream between two cores that transfer, not the work, is what a
 * message costs. Returns true if mail showed up; false when it should
 * park (spun spin_us, other work, a kill or a due timer). A consumer
 * that is not in a stream (its last grab found fewer than SPIN_STREAM
 * messages: request and reply) looks at every pause and takes its mail at
 * once, so a round trip between cores does not wait.
 *
 * A consumer faster than its producers finds mail waiting each time it
 * drains its queue, a few messages a time: grabbing them at once made it
 * take the lock every three messages or so, each time pulling the lock
 * line from a sender mid-push. After SPIN_HOT drains in a row found mail
 * waiting, run_native spins for a batch before each grab as well. */
#define SPIN_POLL 48
#define SPIN_BATCH 64
#define SPIN_LAG 3
#define SPIN_STREAM 8
#define SPIN_HOT 2

static bool spin_for_mail(hr_sched *s, hr_proc *p, unsigned seen,
			  bool stream)
{
	hr_rt *rt = s->rt;
	uint64_t start, now;
	unsigned lag = 0, cur, i = 0, j, poll = stream ? SPIN_POLL : 1;

	if (!atomic_load_explicit(&p->affine, memory_order_relaxed))
		return false;
	start = hr_now_ns();
	for (;;) {
		for (j = 0; j < poll; j++)
			hr__relax();
		cur = atomic_load_explicit(&p->mail, memory_order_acquire);
		if (cur != seen && (!stream || cur - seen >= SPIN_BATCH ||
				    ++lag >= SPIN_LAG))
			return true;
		if (atomic_load_explicit(&s->rq_len, memory_order_relaxed) ||
		    atomic_load_explicit(&s->runnext, memory_order_relaxed) ||
		    atomic_load_explicit(&p->kill_pending,
					 memory_order_relaxed))
			return false;
		if (!stream && (++i & 63))
			continue; /* the clock, about every microsecond */
		now = hr_now_ns();
		if (now - start >= (uint64_t)rt->cfg.spin_us * 1000)
			return cur != seen;
		if (atomic_load_explicit(&rt->armed, memory_order_relaxed) &&
		    atomic_load(&rt->next_deadline) <= now)
			return false;
	}
}

/* Native kind: one on_message per message until the budget is spent, the
 * queues are empty, or it exits, is killed or sleeps. Returns true if it
 * parked itself (queues empty) inside the final grab: then it may already
 * be running elsewhere and the caller must not touch it. */
static bool run_native(hr_sched *s, hr_proc *p, uint32_t budget)
{
	hr_msg m;
	hr_node *n;
	bool may_spin = true;
	uint64_t batch = 0; /* messages the last grab found */
	unsigned hot = 0;   /* drains in a row that found mail waiting */
	unsigned seen = 0;  /* mail counter at the last grab */

	while (p->reds < budget) {
		if (p->want_exit || p->sleep_ns ||
		    atomic_load_explicit(&p->kill_pending,
					 memory_order_relaxed))
			return false;
		n = hr__pop_any(p);
		if (!n) {
			bool spun = hot >= SPIN_HOT && may_spin;

			/* in a stream, let a batch build up before the grab */
			if (spun)
				may_spin = spin_for_mail(s, p, seen, true);
			/* grab, or park in the same critical section */
			hr__lock(&p->lock);
			hr__sync_consumed(p);
			if (p->ready != HR_NONE32) {
				seen = atomic_load_explicit(
					&p->mail, memory_order_relaxed);
				hr__grab_locked(p);
				batch = p->pcount;
				hr__unlock(&p->lock);
				/* a stream goes on while each drain finds mail
				 * waiting; a spin that gathered only a trickle
				 * ends it, so sparse mail is not held back */
				if (spun && batch < SPIN_STREAM)
					hot = 0;
				else
					hot += hot < SPIN_HOT;
				continue;
			}
			hot = 0;
			if (atomic_load_explicit(&p->kill_pending,
						 memory_order_relaxed)) {
				hr__unlock(&p->lock);
				return false;
			}
			if (may_spin) {
				seen = atomic_load_explicit(
					&p->mail, memory_order_relaxed);

				hr__unlock(&p->lock);
				/* a parallel consumer spins a while for
				 * mail; anyone else parks at once */
				may_spin = spin_for_mail(s, p, seen,
							 batch >= SPIN_STREAM);
				continue;
			}
			account(s, p, budget);
			p->wait_any = 1;
			p->poked = 0; /* it waits for mail only: nothing to redo */
			p->state = HR_PS_WAITING;
			hr__unlock(&p->lock);
			return true;
		}
		if (!hr__open(p, s, n, &m))
			continue;
		p->kind->on_message(p, p->ustate, &m);
		hr__node_free(s->rt, s, (hr_node *)m.node_);
		p->reds++;
	}
	return false;
}

enum { NEXT_QUEUE, NEXT_PARKED, NEXT_EXIT };

/* Decide what happens after a slice (p->lock taken here). */
static int after_slice(hr_sched *s, hr_proc *p, hr_run r, const hr_slice *sl)
{
	hr_rt *rt = s->rt;
	int next = NEXT_QUEUE;
	uint64_t deadline = 0, id = 0;
	uint32_t k;
	bool poked;

	hr__lock(&p->lock);
	hr__sync_consumed(p);
	if (atomic_load_explicit(&p->kill_pending, memory_order_relaxed) ||
	    p->want_exit) {
		hr__unlock(&p->lock);
		return NEXT_EXIT;
	}
	poked = p->poked; /* hr_poke while it ran: its wait ends at once */
	p->poked = 0;
	if (p->kind->on_message) {
		if (p->sleep_ns) {
			deadline = hr_now_ns() + p->sleep_ns;
			p->sleep_ns = 0;
			p->wait_any = 0;
			if (!++p->wait_epoch) /* no mailbox matches: 0 is */
				p->wait_epoch = 1; /* never an epoch */
			next = NEXT_PARKED;
		} else if (!hr__has_msgs(p)) { /* mail only: a poke is moot */
			p->wait_any = 1;
			next = NEXT_PARKED;
		}
	} else if (r == HR_RUN_WAIT) {
		bool ready = false;

		if (!sl->wait_any && sl->wait_n &&
		    (sl->wait_n > p->lim.mailboxes || !sl->wait_mailboxes)) {
			/* a guest-controlled list longer than its mailboxes */
			hr__unlock(&p->lock);
			hr__set_exit(p, HR_EXIT_LIMIT, "wait list too long");
			return NEXT_EXIT;
		}
		p->wait_epoch++;
		if (!p->wait_epoch)
			p->wait_epoch = 1;
		p->wait_any = sl->wait_any;
		if (sl->wait_any) {
			ready = hr__has_msgs(p);
		} else {
			for (k = 0; k < sl->wait_n; k++) {
				uint32_t i = sl->wait_mailboxes[k];
				hr_mbox *mb;

				if (i >= p->nmbox || !p->mbox[i].alive)
					continue;
				mb = &p->mbox[i];
				mb->wait_epoch = p->wait_epoch;
				if (p->pbox[i].head || mb->head)
					ready = true;
			}
		}
		if (poked)
			ready = true;
		if (!ready && sl->wait_timeout_ns == 0) {
			p->timed_out = 1;
		} else if (!ready) {
			next = NEXT_PARKED;
			if (sl->wait_timeout_ns > 0)
				deadline = hr_now_ns() +
					   (uint64_t)sl->wait_timeout_ns;
		}
	}
	if (next == NEXT_PARKED) {
		p->state = HR_PS_WAITING;
		if (deadline) {
			id = atomic_fetch_add(&rt->wait_ids, 1) + 1;
			if (hr__timer_wait(rt, p, id, deadline) == 0) {
				p->wait_tmr = id;
			} else {
				/* no memory for the timer: time out now */
				p->state = HR_PS_RUNNABLE;
				p->timed_out = 1;
				next = NEXT_QUEUE;
			}
		}
	} else {
		p->state = HR_PS_RUNNABLE;
	}
	hr__unlock(&p->lock);
	return next;
}

static void run_proc(hr_sched *s, hr_proc *p, uint32_t budget)
{
	hr_rt *rt = s->rt;
	hr_slice sl;
	hr_run r = HR_RUN_YIELD;
	uint64_t tmr;
	bool timed_out, parked = false;
	int next;

	p->sched = s;
	s->current = p;
	atomic_store_explicit(&p->home, s, memory_order_relaxed);
	hr__bump(&s->switches, 1);

	hr__lock(&p->lock);
	if (atomic_load_explicit(&p->kill_pending, memory_order_relaxed)) {
		hr__unlock(&p->lock);
		hr__exit_proc(s, p);
		s->current = NULL;
		return;
	}
	p->state = HR_PS_RUNNING;
	tmr = p->wait_tmr;
	p->wait_tmr = 0;
	timed_out = p->timed_out;
	p->timed_out = 0;
	hr__unlock(&p->lock);
	if (tmr)
		hr__timer_wait_cancel(rt, p, tmr);

	p->reds = 0;
	if (!p->inited) {
		p->inited = 1;
		if (p->kind->init) {
			int rc = p->kind->init(p, p->ustate);

			p->reds++;
			if (rc)
				hr__set_exit(p,
					     rc == HB_ENOMEM ? HR_EXIT_OOM
							     : HR_EXIT_ERROR,
					     hb_strerror(rc));
		}
	}
	if (!p->want_exit) {
		if (p->kind->on_message) {
			parked = run_native(s, p, budget);
		} else {
			memset(&sl, 0, sizeof sl);
			sl.budget = budget;
			sl.timed_out = timed_out;
			sl.wait_timeout_ns = -1;
			r = p->kind->run(p, p->ustate, &sl);
			p->reds += sl.used < budget ? sl.used : budget;
			if (r == HR_RUN_EXIT)
				hr__set_exit(p, HR_EXIT_NORMAL, NULL);
			else if (r != HR_RUN_YIELD && r != HR_RUN_WAIT)
				hr__set_exit(p, HR_EXIT_ERROR,
					     "run returned a bad value");
		}
	}
	if (parked) {
		s->current = NULL;
		return; /* a waker owns it now */
	}
	account(s, p, budget);
	next = after_slice(s, p, r, &sl);
	if (next == NEXT_EXIT) {
		hr__exit_proc(s, p);
	} else if (next == NEXT_QUEUE) {
		rq_push(s, p);
		if (atomic_load_explicit(&s->rq_len, memory_order_relaxed) > 1)
			notify(rt, s);
	}
	/* NEXT_PARKED: a waker owns it now; do not touch it. */
	s->current = NULL;
}

/* ---- the scheduler loop ---- */

static hr_proc *take_local(hr_sched *s, uint32_t *budget)
{
	hr_rt *rt = s->rt;
	uint32_t full = rt->cfg.budget;
	hr_proc *p;

	p = atomic_load_explicit(&s->runnext, memory_order_relaxed)
		    ? atomic_exchange(&s->runnext, NULL)
		    : NULL;
	if (p) {
		atomic_store_explicit(&p->affine, false, memory_order_relaxed);
		if (s->inherit_used < full) {
			*budget = full - s->inherit_used;
			return p;
		}
		/* the inherited slice is spent: to the back of the queue */
		rq_push(s, p);
	}
	p = rq_pop(s);
	s->inherit_used = 0;
	*budget = full;
	return p;
}

static bool work_visible(hr_sched *s)
{
	hr_rt *rt = s->rt;
	unsigned i;

	if (atomic_load(&s->runnext))
		return true;
	for (i = 0; i < rt->nsched; i++)
		if (atomic_load(&rt->sched[i].rq_len))
			return true;
	if (atomic_load(&rt->armed) &&
	    atomic_load(&rt->next_deadline) <= hr_now_ns())
		return true;
	return atomic_load(&rt->stop);
}

static void park(hr_sched *s)
{
	hr_rt *rt = s->rt;
	uint64_t dl;

	atomic_store(&s->parked, 1);
	atomic_fetch_add(&rt->nparked, 1);
	if (!work_visible(s)) {
		pthread_mutex_lock(&s->park_mtx);
		while (!s->wakeup && !atomic_load(&rt->stop)) {
			dl = atomic_load(&rt->armed)
				     ? atomic_load(&rt->next_deadline)
				     : UINT64_MAX;
			if (dl == UINT64_MAX) {
				pthread_cond_wait(&s->park_cv, &s->park_mtx);
			} else {
				struct timespec ts = {
					.tv_sec = (time_t)(dl / 1000000000u),
					.tv_nsec = (long)(dl % 1000000000u)};

				if (pthread_cond_timedwait(&s->park_cv,
							   &s->park_mtx,
							   &ts) == ETIMEDOUT)
					break;
			}
		}
		s->wakeup = false;
		pthread_mutex_unlock(&s->park_mtx);
	}
	atomic_fetch_sub(&rt->nparked, 1);
	atomic_store(&s->parked, 0);
}

/* Spin a while looking for work; returns a stolen runnext, or NULL when
 * there may be work (look again) or after parking. */
static hr_proc *idle(hr_sched *s)
{
	hr_rt *rt = s->rt;
	uint64_t start = hr_now_ns(), now = start;
	uint64_t spin_ns = (uint64_t)rt->cfg.spin_us * 1000;
	unsigned iter = 0;
	hr_proc *p = NULL;

	atomic_fetch_add(&rt->nspinning, 1);
	atomic_store(&s->spinning, 1);
	for (;;) {
		unsigned i;
		bool found = false;

		if (atomic_load_explicit(&s->runnext, memory_order_relaxed) ||
		    atomic_load(&rt->stop))
			break;
		for (i = 0; i < rt->nsched; i++)
			if (atomic_load_explicit(&rt->sched[i].rq_len,
						 memory_order_relaxed))
				found = true;
		if (found)
			break;
		if ((++iter & 15) == 0) {
			now = hr_now_ns();
			if (atomic_load_explicit(&rt->armed,
						 memory_order_relaxed) &&
			    atomic_load(&rt->next_deadline) <= now)
				break;
			if (rt->nsched > 1) {
				p = steal_runnext(s, now);
				if (p)
					break;
			}
			if (now - start >= spin_ns) {
				atomic_store(&s->spinning, 0);
				atomic_fetch_sub(&rt->nspinning, 1);
				park(s);
				return NULL;
			}
		}
		hr__relax();
	}
	atomic_store(&s->spinning, 0);
	atomic_fetch_sub(&rt->nspinning, 1);
	return p;
}

static void *sched_main(void *arg)
{
	hr_sched *s = arg;
	hr_rt *rt = s->rt;

	for (;;) {
		uint32_t budget = rt->cfg.budget;
		hr_proc *p;

		if (atomic_load_explicit(&rt->armed, memory_order_relaxed) &&
		    atomic_load(&rt->next_deadline) <= hr_now_ns())
			hr__timers_fire(rt, s);
		p = take_local(s, &budget);
		if (!p) {
			p = steal(s);
			s->inherit_used = 0;
		}
		if (!p) {
			if (atomic_load(&rt->stop))
				break;
			p = idle(s);
			s->inherit_used = 0;
			if (!p)
				continue;
		}
		run_proc(s, p, budget);
	}
	return NULL;
}

int hr__sched_start(hr_rt *rt)
{
	pthread_condattr_t ca;
	sigset_t all, old;
	unsigned i, n = rt->cfg.schedulers;
	void *base;
	int rc = 0;

	rt->sched = hr__alloc_aligned(rt, n * sizeof *rt->sched, &base);
	if (!rt->sched) {
		hr__free(rt, base);
		return HB_ENOMEM;
	}
	memset(rt->sched, 0, n * sizeof *rt->sched);
	rt->sched[0].base = base;
	rt->nsched = n;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	for (i = 0; i < n; i++) {
		hr_sched *s = &rt->sched[i];

		s->rt = rt;
		s->id = i;
		s->rng = 0x9E3779B97F4A7C15ull * (i + 1);
		pthread_mutex_init(&s->park_mtx, NULL);
		pthread_cond_init(&s->park_cv, &ca);
		s->obs_sw = hr__alloc(rt, n * sizeof *s->obs_sw);
		s->obs_t = hr__alloc(rt, n * sizeof *s->obs_t);
		if (!s->obs_sw || !s->obs_t)
			rc = HB_ENOMEM;
		else {
			memset(s->obs_sw, 0, n * sizeof *s->obs_sw);
			memset(s->obs_t, 0, n * sizeof *s->obs_t);
		}
	}
	pthread_condattr_destroy(&ca);
	if (rc) {
		hr__sched_free(rt);
		return rc;
	}
	/* Scheduler threads take no signals: the host handles them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < n; i++) {
		if (pthread_create(&rt->sched[i].thr, NULL, sched_main,
				   &rt->sched[i])) {
			rc = HB_EAGAIN;
			break;
		}
		rt->sched[i].started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		hr__sched_stop(rt);
		hr__sched_free(rt);
	}
	return rc;
}

void hr__sched_free(hr_rt *rt)
{
	unsigned i;

	for (i = 0; i < rt->nsched; i++) {
		hr_sched *s = &rt->sched[i];

		hr__cache_drain(rt, &s->cache[HR_CLS_MSG]);
		hr__cache_drain(rt, &s->cache[HR_CLS_SIG]);
		hr__free(rt, s->obs_sw);
		hr__free(rt, s->obs_t);
		pthread_mutex_destroy(&s->park_mtx);
		pthread_cond_destroy(&s->park_cv);
	}
	if (rt->sched)
		hr__free(rt, rt->sched[0].base);
	rt->sched = NULL;
	rt->nsched = 0;
}

void hr__sched_stop(hr_rt *rt)
{
	unsigned i;

	atomic_store(&rt->stop, true);
	for (i = 0; i < rt->nsched; i++)
		unpark(&rt->sched[i]);
	for (i = 0; i < rt->nsched; i++) {
		if (rt->sched[i].started) {
			pthread_join(rt->sched[i].thr, NULL);
			rt->sched[i].started = false;
		}
	}
}
