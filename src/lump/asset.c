/* asset.c — the asset cache: typed host objects built from lumps by
 * registered loaders, cached by (type, lump id), reference counted, and
 * reaped when unused and over budget (see hearth/lump.h).
 *
 * Locking: one mutex guards loaders, the cache list and each entry's state.
 * A loader runs outside the lock; other threads asking for the same asset
 * meanwhile wait on the condition variable, so a loader runs once. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/error.h"
#include "hearth/limits.h"
#include "hearth/lump.h"

typedef struct loader {
	hl_asset_loader l;
	char type[HL_MAX_ASSET_TYPE];
	struct loader *next;
} loader;

/* An asset. The cache holds one reference while the asset is listed; the
 * object is freed with the loader's free() when the last one goes. */
struct hl_asset {
	atomic_size_t refs;
	const loader *ld; /* loaders live until hl_assets_free; see free_asset */
	void (*free_fn)(void *ctx, void *obj);
	void *ctx;
	void *obj;
	size_t size;
	hl_lump *lump;
	hl_id id;
	bool loading; /* a thread is running the loader (obj not yet set) */
	struct hl_asset *prev, *next; /* cache list, most recent at head */
};

struct hl_assets {
	pthread_mutex_t mu;
	pthread_cond_t loaded;
	hl_store *store;
	size_t budget;
	loader *loaders;
	hl_asset *head, *tail;
	size_t count, bytes;
};

static void list_unlink(hl_assets *a, hl_asset *x)
{
	if (x->prev)
		x->prev->next = x->next;
	else
		a->head = x->next;
	if (x->next)
		x->next->prev = x->prev;
	else
		a->tail = x->prev;
	x->prev = x->next = NULL;
}

static void list_push(hl_assets *a, hl_asset *x)
{
	x->prev = NULL;
	x->next = a->head;
	if (a->head)
		a->head->prev = x;
	a->head = x;
	if (!a->tail)
		a->tail = x;
}

static void free_asset(hl_asset *x)
{
	if (x->obj && x->free_fn)
		x->free_fn(x->ctx, x->obj);
	hl_lump_unref(x->lump);
	free(x);
}

static const loader *find_loader(hl_assets *a, const char *type)
{
	const loader *l;

	for (l = a->loaders; l; l = l->next)
		if (strcmp(l->type, type) == 0)
			return l;
	return NULL;
}

static hl_asset *find_asset(hl_assets *a, const loader *ld, const hl_id *id)
{
	hl_asset *x;

	for (x = a->head; x; x = x->next)
		if (x->ld == ld && hl_id_eq(&x->id, id))
			return x;
	return NULL;
}

/* Caller holds mu. Remove x from the cache and drop the cache's ref. */
static void evict(hl_assets *a, hl_asset *x)
{
	list_unlink(a, x);
	a->count--;
	a->bytes -= x->size;
	hl_asset_unref(x);
}

static size_t reap_locked(hl_assets *a, size_t budget)
{
	hl_asset *x = a->tail, *prev;
	size_t n = 0;

	while (x && (a->bytes > budget || budget == 0)) {
		prev = x->prev;
		if (!x->loading &&
		    atomic_load_explicit(&x->refs, memory_order_acquire) == 1) {
			evict(a, x);
			n++;
		}
		x = prev;
	}
	return n;
}

int hl_assets_new(hl_store *store, size_t budget_bytes, hl_assets **out)
{
	hl_assets *a = calloc(1, sizeof *a);

	if (!a)
		return HB_ENOMEM;
	if (pthread_mutex_init(&a->mu, NULL) != 0) {
		free(a);
		return HB_ENOMEM;
	}
	if (pthread_cond_init(&a->loaded, NULL) != 0) {
		pthread_mutex_destroy(&a->mu);
		free(a);
		return HB_ENOMEM;
	}
	a->store = store;
	a->budget = budget_bytes ? budget_bytes : HL_DEFAULT_ASSET_BYTES;
	*out = a;
	return 0;
}

void hl_assets_free(hl_assets *a)
{
	loader *l, *next;

	if (!a)
		return;
	while (a->head)
		evict(a, a->head);
	/* Assets still held by users keep their free function and context,
	 * copied at load time, so loaders can go now. */
	for (l = a->loaders; l; l = next) {
		next = l->next;
		free(l);
	}
	pthread_cond_destroy(&a->loaded);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

int hl_assets_register(hl_assets *a, const hl_asset_loader *ldr)
{
	loader *l;
	int rc = 0;

	if (!ldr || !ldr->type || !ldr->load ||
	    strlen(ldr->type) >= HL_MAX_ASSET_TYPE)
		return HB_EINVAL;
	pthread_mutex_lock(&a->mu);
	if (find_loader(a, ldr->type)) {
		rc = HB_EEXIST;
	} else if (!(l = calloc(1, sizeof *l))) {
		rc = HB_ENOMEM;
	} else {
		l->l = *ldr;
		snprintf(l->type, sizeof l->type, "%s", ldr->type);
		l->l.type = l->type;
		l->next = a->loaders;
		a->loaders = l;
	}
	pthread_mutex_unlock(&a->mu);
	return rc;
}

int hl_assets_load(hl_assets *a, const char *type, const hl_id *id,
		   hl_asset **out, char *err, size_t errlen)
{
	const loader *ld;
	hl_asset *x;
	hl_lump *lump = NULL;
	char tmp[1];
	int rc;

	if (!err || !errlen) {
		err = tmp;
		errlen = sizeof tmp;
	}
	err[0] = 0;
	pthread_mutex_lock(&a->mu);
	ld = find_loader(a, type);
	if (!ld) {
		pthread_mutex_unlock(&a->mu);
		snprintf(err, errlen, "no loader for asset type '%s'", type);
		return HB_ENOENT;
	}
	for (;;) {
		x = find_asset(a, ld, id);
		if (!x)
			break;
		if (!x->loading) {
			list_unlink(a, x);
			list_push(a, x);
			*out = hl_asset_ref(x);
			pthread_mutex_unlock(&a->mu);
			return 0;
		}
		pthread_cond_wait(&a->loaded, &a->mu);
	}
	/* Claim the load with a placeholder that others wait on. */
	x = calloc(1, sizeof *x);
	if (!x) {
		pthread_mutex_unlock(&a->mu);
		return HB_ENOMEM;
	}
	atomic_init(&x->refs, 1);
	x->ld = ld;
	x->free_fn = ld->l.free;
	x->ctx = ld->l.ctx;
	x->id = *id;
	x->loading = true;
	list_push(a, x);
	a->count++;
	pthread_mutex_unlock(&a->mu);

	rc = hl_store_get(a->store, id, &lump);
	if (rc)
		snprintf(err, errlen, "lump: %s", hb_strerror(rc));
	else
		rc = ld->l.load(ld->l.ctx, lump, &x->obj, &x->size, err, errlen);

	pthread_mutex_lock(&a->mu);
	x->loading = false;
	if (rc) {
		evict(a, x); /* frees it: the only reference was the cache's */
		hl_lump_unref(lump);
	} else {
		x->lump = lump;
		a->bytes += x->size;
		*out = hl_asset_ref(x);
		if (a->bytes > a->budget)
			reap_locked(a, a->budget);
	}
	pthread_cond_broadcast(&a->loaded);
	pthread_mutex_unlock(&a->mu);
	return rc;
}

void *hl_asset_object(const hl_asset *x)
{
	return x->obj;
}

const hl_lump *hl_asset_lump(const hl_asset *x)
{
	return x->lump;
}

hl_asset *hl_asset_ref(hl_asset *x)
{
	atomic_fetch_add_explicit(&x->refs, 1, memory_order_relaxed);
	return x;
}

void hl_asset_unref(hl_asset *x)
{
	if (x && atomic_fetch_sub_explicit(&x->refs, 1, memory_order_acq_rel) == 1)
		free_asset(x);
}

size_t hl_assets_reap(hl_assets *a, size_t budget_bytes)
{
	size_t n;

	pthread_mutex_lock(&a->mu);
	n = reap_locked(a, budget_bytes);
	pthread_mutex_unlock(&a->mu);
	return n;
}

void hl_assets_usage(hl_assets *a, size_t *count, size_t *bytes)
{
	pthread_mutex_lock(&a->mu);
	if (count)
		*count = a->count;
	if (bytes)
		*bytes = a->bytes;
	pthread_mutex_unlock(&a->mu);
}
