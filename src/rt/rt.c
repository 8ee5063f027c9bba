/* rt.c — the runtime object: configuration, allocation through the hook,
 * the small-object caches, start-up and clean shutdown (hearth/rt.h). */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rt_int.h"

/* ---- spin lock slow path ---- */

void hr__lock_slow(hr_lock *l)
{
	unsigned i;

	for (i = 0;; i++) {
		if (atomic_load_explicit(&l->v, memory_order_relaxed) == 0 &&
		    atomic_exchange_explicit(&l->v, 1, memory_order_acquire) ==
			    0)
			return;
		if (i < 128)
			hr__relax();
		else
			sched_yield();
	}
}

uint64_t hr_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *hr_exit_name(int32_t code)
{
	switch (code) {
	case HR_EXIT_NORMAL:
		return "normal";
	case HR_EXIT_KILLED:
		return "killed";
	case HR_EXIT_TRAP:
		return "trap";
	case HR_EXIT_OOM:
		return "oom";
	case HR_EXIT_ERROR:
		return "error";
	case HR_EXIT_SHUTDOWN:
		return "shutdown";
	case HR_EXIT_LIMIT:
		return "limit";
	case HR_EXIT_NOPROC:
		return "noproc";
	default:
		return "user";
	}
}

const char *hr_pstate_name(hr_pstate s)
{
	switch (s) {
	case HR_PS_FREE:
		return "free";
	case HR_PS_RUNNABLE:
		return "runnable";
	case HR_PS_RUNNING:
		return "running";
	case HR_PS_WAITING:
		return "waiting";
	case HR_PS_EXITING:
		return "exiting";
	case HR_PS_HOST:
		return "host";
	}
	return "?";
}

/* ---- configuration ---- */

void hr_config_init(hr_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->budget = HR_DEF_BUDGET;
	cfg->spin_us = 50;
	cfg->max_procs = HR_DEF_MAX_PROCS;
	cfg->defaults = (hr_limits){
		.msg_bytes = HR_DEF_MSG_BYTES,
		.msg_caps = HR_DEF_MSG_CAPS,
		.mailboxes = HR_DEF_MAILBOXES,
		.handles = HR_DEF_HANDLES,
		.queue_msgs = HR_DEF_QUEUE_MSGS,
		.queue_bytes = HR_DEF_QUEUE_BYTES,
		.monitors = HR_DEF_MONITORS,
		.links = HR_DEF_LINKS,
		.timers = HR_DEF_TIMERS,
		.log_lines = HR_DEF_LOG_LINES,
	};
	cfg->max = (hr_limits){
		.msg_bytes = HR_MAX_MSG_BYTES,
		.msg_caps = HR_MAX_MSG_CAPS,
		.mailboxes = HR_MAX_MAILBOXES,
		.handles = HR_MAX_HANDLES,
		.queue_msgs = HR_MAX_QUEUE_MSGS,
		.queue_bytes = HR_MAX_QUEUE_BYTES,
		.monitors = HR_MAX_MONITORS,
		.links = HR_MAX_LINKS,
		.timers = HR_MAX_TIMERS,
		.log_lines = HR_MAX_LOG_LINES,
	};
}

#define LIMIT_FIELDS(X)                                                        \
	X(msg_bytes, HR_MAX_MSG_BYTES)                                         \
	X(msg_caps, HR_MAX_MSG_CAPS)                                           \
	X(mailboxes, HR_MAX_MAILBOXES)                                         \
	X(handles, HR_MAX_HANDLES)                                             \
	X(queue_msgs, HR_MAX_QUEUE_MSGS)                                       \
	X(queue_bytes, HR_MAX_QUEUE_BYTES)                                     \
	X(monitors, HR_MAX_MONITORS)                                           \
	X(links, HR_MAX_LINKS)                                                 \
	X(timers, HR_MAX_TIMERS)                                               \
	X(log_lines, HR_MAX_LOG_LINES)

/* The config's maxima must be within limits.h, its defaults within its
 * maxima, and nothing may be zero except log_lines. */
static int config_check(const hr_config *c)
{
#define CHECK(f, ceiling)                                                      \
	if (c->max.f > (ceiling) || c->defaults.f > c->max.f)                  \
		return HB_ELIMIT;                                              \
	if (c->defaults.f == 0 && strcmp(#f, "log_lines") != 0)                \
		return HB_EINVAL;
	LIMIT_FIELDS(CHECK)
#undef CHECK
	if (c->defaults.mailboxes < 1 || c->defaults.handles < 1)
		return HB_EINVAL;
	if (c->schedulers > HR_MAX_SCHEDULERS)
		return HB_ELIMIT;
	if (c->max_procs < 2 || c->max_procs > HR_MAX_PROCS)
		return HB_ELIMIT;
	if (c->budget == 0)
		return HB_EINVAL;
	return 0;
}

int hr__limits_merge(const hr_rt *rt, const hr_limits *want, hr_limits *out)
{
	*out = rt->cfg.defaults;
	if (!want)
		return 0;
#define MERGE(f, ceiling)                                                      \
	if (want->f) {                                                         \
		if (want->f > rt->cfg.max.f)                                   \
			return HB_ELIMIT;                                      \
		out->f = want->f;                                              \
	}
	LIMIT_FIELDS(MERGE)
#undef MERGE
	return 0;
}

/* ---- allocation ---- */

static void *libc_alloc(void *ud, void *p, size_t n)
{
	(void)ud;
	if (n == 0) {
		free(p);
		return NULL;
	}
	return realloc(p, n);
}

void *hr__alloc(hr_rt *rt, size_t n)
{
	return rt->cfg.alloc.fn(rt->cfg.alloc.ud, NULL, n ? n : 1);
}

void *hr__alloc_aligned(hr_rt *rt, size_t n, void **base)
{
	uint8_t *p = hr__alloc(rt, n + 63);

	*base = p;
	if (!p)
		return NULL;
	return p + ((64 - ((uintptr_t)p & 63)) & 63);
}

void *hr__realloc(hr_rt *rt, void *p, size_t n)
{
	return rt->cfg.alloc.fn(rt->cfg.alloc.ud, p, n ? n : 1);
}

void hr__free(hr_rt *rt, void *p)
{
	if (p)
		rt->cfg.alloc.fn(rt->cfg.alloc.ud, p, 0);
}

char *hr__strdup(hr_rt *rt, const char *s, size_t max)
{
	size_t n;
	char *d;

	if (!s)
		return NULL;
	n = strnlen(s, max);
	d = hr__alloc(rt, n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

/* Cached objects (HR_MSG_OBJ / HR_SIG_OBJ bytes): an array of free ones
 * per scheduler and class. A cache that reaches 2 * MAG hands the MAG it
 * freed last to the runtime's depot as a magazine; an empty cache takes a
 * whole magazine back. Producer/consumer pairs on different threads so
 * recycle memory without the allocator. Taking an object prefetches the
 * one PREFETCH places down for writing: in a stream between two cores
 * each object was last written by the other core, and fetching it one
 * message ahead is not enough to hide that. The host (no cache) takes and
 * gives single objects through the depot. */
#define MAG	   256
#define DEPOT_MAGS 256
#define PREFETCH   8

static const size_t obj_size[HR_NCLS] = {HR_MSG_OBJ, HR_SIG_OBJ};

/* A cached object starts a cache line and fills whole lines. malloc's
 * 16-byte alignment made each object share a line with its neighbour, so
 * a sender writing one node stalled on the line the receiver was still
 * reading in the next, and the node's header and payload often straddled
 * two lines: half the throughput of a stream between two cores. The
 * object keeps the allocator's pointer in the word before it: with
 * glibc a 128-byte object takes 208 bytes of heap instead of 144
 * (aligned_alloc took 256 and was slower). */
static void *obj_new(hr_rt *rt, int cls)
{
	uint8_t *base, *p;

	base = hr__alloc(rt, obj_size[cls] + 63 + sizeof base);
	if (!base)
		return NULL;
	p = (uint8_t *)(((uintptr_t)base + sizeof base + 63) & ~(uintptr_t)63);
	memcpy(p - sizeof base, &base, sizeof base);
	return p;
}

static void obj_release(hr_rt *rt, void *p)
{
	void *base;

	memcpy(&base, (uint8_t *)p - sizeof base, sizeof base);
	hr__free(rt, base);
}

/* Make sure c has room for cap objects (its array is made once). */
static bool cache_room(hr_rt *rt, hr_cache *c, uint32_t cap)
{
	if (!c->v)
		c->v = hr__alloc(rt, cap * sizeof *c->v);
	return c->v != NULL;
}

static void *cache_pop(hr_cache *c)
{
	void *p = c->v[--c->n];

	if (c->n >= PREFETCH)
		hr__prefetch_w(c->v[c->n - PREFETCH]);
	return p;
}

void *hr__obj_alloc(hr_rt *rt, hr_sched *s, int cls)
{
	hr_cache *c = s ? &s->cache[cls] : NULL;
	void *p = NULL;
	uint32_t n, i;

	if (c && c->n)
		return cache_pop(c);
	if (atomic_load_explicit(&rt->nmags[cls], memory_order_relaxed) &&
	    (!c || cache_room(rt, c, 2 * MAG))) {
		pthread_mutex_lock(&rt->depot_mtx);
		n = atomic_load_explicit(&rt->nmags[cls], memory_order_relaxed);
		if (n) {
			hr_cache *m = &rt->mags[cls][n - 1];

			if (c) {
				memcpy(c->v, m->v, m->n * sizeof *m->v);
				c->n = m->n;
				m->n = 0;
			} else {
				p = m->v[--m->n];
			}
			if (!m->n)
				n--;
			atomic_store_explicit(&rt->nmags[cls], n,
					      memory_order_relaxed);
		}
		pthread_mutex_unlock(&rt->depot_mtx);
		if (p)
			return p;
		if (c && c->n) {
			for (i = 1; i <= PREFETCH && i < c->n; i++)
				hr__prefetch_w(c->v[c->n - 1 - i]);
			return cache_pop(c);
		}
	}
	return obj_new(rt, cls);
}

void hr__obj_free(hr_rt *rt, hr_sched *s, void *p, int cls)
{
	hr_cache *c = s ? &s->cache[cls] : NULL, *m;
	void **give = &p;
	uint32_t n, ngive = 1, i;

	if (c && cache_room(rt, c, 2 * MAG)) {
		c->v[c->n++] = p;
		if (c->n < 2 * MAG)
			return;
		/* a magazine of the MAG freed last */
		c->n -= MAG;
		give = c->v + c->n;
		ngive = MAG;
	}
	pthread_mutex_lock(&rt->depot_mtx);
	n = atomic_load_explicit(&rt->nmags[cls], memory_order_relaxed);
	if (ngive == 1 && n && rt->mags[cls][n - 1].n < MAG) {
		/* the host tops up the last magazine */
		m = &rt->mags[cls][n - 1];
		m->v[m->n++] = p;
		ngive = 0;
	} else if (n < DEPOT_MAGS && cache_room(rt, &rt->mags[cls][n], MAG)) {
		m = &rt->mags[cls][n];
		memcpy(m->v, give, ngive * sizeof *give);
		m->n = ngive;
		ngive = 0;
		atomic_store_explicit(&rt->nmags[cls], n + 1,
				      memory_order_relaxed);
	}
	pthread_mutex_unlock(&rt->depot_mtx);
	for (i = 0; i < ngive; i++) /* the depot was full */
		obj_release(rt, give[i]);
}

void hr__cache_drain(hr_rt *rt, hr_cache *c)
{
	uint32_t i;

	for (i = 0; i < c->n; i++)
		obj_release(rt, c->v[i]);
	hr__free(rt, c->v);
	c->v = NULL;
	c->n = 0;
}

/* Free the depots, their magazines and the objects in them. A slot past
 * nmags is empty but may keep its array. */
static void depots_free(hr_rt *rt)
{
	unsigned i, k;

	for (i = 0; i < HR_NCLS; i++) {
		for (k = 0; rt->mags[i] && k < DEPOT_MAGS; k++)
			hr__cache_drain(rt, &rt->mags[i][k]);
		hr__free(rt, rt->mags[i]);
		rt->mags[i] = NULL;
	}
}

/* ---- the runtime ---- */

static void rt_deinit_sync(hr_rt *rt)
{
	pthread_mutex_destroy(&rt->depot_mtx);
	pthread_mutex_destroy(&rt->host_mtx);
	pthread_mutex_destroy(&rt->hcv_mtx);
	pthread_cond_destroy(&rt->hcv);
	pthread_mutex_destroy(&rt->exit_mtx);
	pthread_cond_destroy(&rt->exit_cv);
}

int hr_rt_new(const hr_config *cfg, hr_rt **out)
{
	hr_config c;
	hr_rt *rt;
	uint32_t i;
	int rc;

	*out = NULL;
	if (cfg)
		c = *cfg;
	else
		hr_config_init(&c);
	if (!c.alloc.fn) {
		c.alloc.fn = libc_alloc;
		c.alloc.ud = NULL;
	}
	rc = config_check(&c);
	if (rc)
		return rc;
	if (c.schedulers == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		c.schedulers = n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
	}
	rt = c.alloc.fn(c.alloc.ud, NULL, sizeof *rt);
	if (!rt)
		return HB_ENOMEM;
	memset(rt, 0, sizeof *rt);
	rt->cfg = c;
	pthread_mutex_init(&rt->depot_mtx, NULL);
	pthread_mutex_init(&rt->host_mtx, NULL);
	pthread_mutex_init(&rt->hcv_mtx, NULL);
	pthread_cond_init(&rt->hcv, NULL);
	pthread_mutex_init(&rt->exit_mtx, NULL);
	pthread_cond_init(&rt->exit_cv, NULL);
	rt->registry = HR_HANDLE_NONE;
	rt->nsegs_max = (c.max_procs + HR_SEG - 1) / HR_SEG;
	rt->segs = hr__alloc(rt, rt->nsegs_max * sizeof *rt->segs);
	rt->seg_base = hr__alloc(rt, rt->nsegs_max * sizeof *rt->seg_base);
	if (rt->seg_base)
		memset(rt->seg_base, 0, rt->nsegs_max * sizeof *rt->seg_base);
	if (!rt->segs || !rt->seg_base) {
		rc = HB_ENOMEM;
		goto fail_segs;
	}
	memset((void *)rt->segs, 0, rt->nsegs_max * sizeof *rt->segs);
	rt->slot_free = HR_NONE32;
	for (i = 0; i < HR_NCLS; i++) {
		rt->mags[i] = hr__alloc(rt, DEPOT_MAGS * sizeof *rt->mags[i]);
		if (!rt->mags[i]) {
			rc = HB_ENOMEM;
			goto fail_segs;
		}
		memset(rt->mags[i], 0, DEPOT_MAGS * sizeof *rt->mags[i]);
	}
	rc = hr__timers_init(rt);
	if (rc)
		goto fail_segs;
	rc = hr__host_init(rt);
	if (rc)
		goto fail_timers;
	rc = hr__sched_start(rt);
	if (rc)
		goto fail_host;
	*out = rt;
	return 0;

fail_host:
	hr__host_deinit(rt);
fail_timers:
	hr__timers_deinit(rt);
fail_segs:
	depots_free(rt);
	for (i = 0; rt->seg_base && i < rt->nsegs_max; i++)
		hr__free(rt, rt->seg_base[i]);
	hr__free(rt, rt->seg_base);
	hr__free(rt, (void *)rt->segs);
	rt_deinit_sync(rt);
	c.alloc.fn(c.alloc.ud, rt, 0);
	return rc;
}

unsigned hr_rt_schedulers(const hr_rt *rt)
{
	return rt->nsched;
}

uint32_t hr_rt_nprocs(hr_rt *rt)
{
	return atomic_load(&rt->nprocs);
}

/* Kill every live process (host excluded) with reason shutdown. */
static void kill_all(hr_rt *rt)
{
	uint32_t top = atomic_load(&rt->slot_top), i;

	for (i = 1; i < top; i++) {
		hr_proc *p = hr__slot(rt, i);
		uint32_t gen;

		if (!p)
			continue;
		gen = atomic_load(&p->gen);
		hr__kill(rt, NULL, p, gen, HR_EXIT_SHUTDOWN, NULL, false, 0);
	}
}

int hr_rt_shutdown(hr_rt *rt)
{
	uint32_t i;

	if (hr__on_scheduler(rt))
		return HB_EBUSY;
	pthread_mutex_lock(&rt->exit_mtx);
	if (rt->shut) {
		pthread_mutex_unlock(&rt->exit_mtx);
		return 0;
	}
	rt->shut = true;
	atomic_store(&rt->closing, true);
	/* Kill until none is left: a process mid-spawn may add a child after
	 * a sweep, so sweep again on every wake (and every 100 ms). */
	while (atomic_load(&rt->nprocs) > 0) {
		struct timespec ts;

		pthread_mutex_unlock(&rt->exit_mtx);
		kill_all(rt);
		pthread_mutex_lock(&rt->exit_mtx);
		if (atomic_load(&rt->nprocs) == 0)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&rt->exit_cv, &rt->exit_mtx, &ts);
	}
	pthread_mutex_unlock(&rt->exit_mtx);
	for (i = rt->nplugins; i-- > 0;)
		if (rt->plugins[i].pl.shutdown)
			rt->plugins[i].pl.shutdown(rt, rt->plugins[i].ud);
	hr__sched_stop(rt);
	return 0;
}

void hr_rt_free(hr_rt *rt)
{
	hr_alloc a;
	uint32_t i;

	if (!rt)
		return;
	hr_rt_shutdown(rt);
	hr__host_deinit(rt);
	hr__timers_deinit(rt);
	hr__sched_free(rt);
	depots_free(rt);
	for (i = 0; i < rt->nsegs_max; i++)
		hr__free(rt, rt->seg_base[i]);
	hr__free(rt, rt->seg_base);
	hr__free(rt, (void *)rt->segs);
	for (i = 0; i < rt->nservices; i++)
		hr__free(rt, rt->services[i].name);
	hr__free(rt, rt->services);
	hr__free(rt, rt->plugins);
	rt_deinit_sync(rt);
	a = rt->cfg.alloc;
	a.fn(a.ud, rt, 0);
}
