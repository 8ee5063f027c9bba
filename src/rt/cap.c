/* cap.c — capability tables: small integer handles naming (target,
 * permissions) pairs, one handle per pair, reference counted. Owner-only
 * data (see rt_int.h); nothing here locks. */
#include <string.h>

#include "rt_int.h"

static uint32_t cap_hash(const hr_capref *c)
{
	uint64_t h = (uint64_t)(uintptr_t)c->p;

	h ^= ((uint64_t)c->gen << 32) | c->mb;
	h *= 0x9E3779B97F4A7C15ull;
	h ^= ((uint64_t)c->mbgen << 8) | c->perms;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 29;
	return (uint32_t)h;
}

static bool cap_eq(const hr_capref *a, const hr_capref *b)
{
	return a->p == b->p && a->gen == b->gen && a->mb == b->mb &&
	       a->mbgen == b->mbgen && a->perms == b->perms;
}

int hr__ctab_init(hr_rt *rt, hr_ctab *t, uint32_t want, hr_cent *inl)
{
	memset(t, 0, sizeof *t);
	t->free_head = -1;
	t->inl = inl;
	if (inl && want <= HR_CTAB_INLINE) {
		t->e = inl;
		t->cap = HR_CTAB_INLINE;
		return 0;
	}
	if (!want)
		return 0;
	t->e = hr__alloc(rt, want * sizeof *t->e);
	if (!t->e)
		return HB_ENOMEM;
	t->cap = want;
	return 0;
}

void hr__ctab_deinit(hr_rt *rt, hr_ctab *t)
{
	if (t->e != t->inl)
		hr__free(rt, t->e);
	hr__free(rt, t->hash);
	memset(t, 0, sizeof *t);
	t->free_head = -1;
}

hr_cent *hr__ctab_get(hr_ctab *t, hr_handle h)
{
	if (h < 0 || (uint32_t)h >= t->used || !t->e[h].c.p)
		return NULL;
	return &t->e[h];
}

/* Slot in the hash holding handle h, or the empty slot where c would go. */
static uint32_t hash_find(const hr_ctab *t, const hr_capref *c, int32_t *h)
{
	uint32_t i = cap_hash(c) & t->hmask;

	for (;;) {
		int32_t x = t->hash[i];

		if (x < 0 || cap_eq(&t->e[x].c, c)) {
			*h = x;
			return i;
		}
		i = (i + 1) & t->hmask;
	}
}

static int hash_grow(hr_rt *rt, hr_ctab *t)
{
	uint32_t n = t->hash ? (t->hmask + 1) * 2 : 4 * HR_CTAB_LINEAR, i;
	int32_t *nh = hr__alloc(rt, n * sizeof *nh), dummy;

	if (!nh)
		return HB_ENOMEM;
	memset(nh, 0xff, n * sizeof *nh);
	hr__free(rt, t->hash);
	t->hash = nh;
	t->hmask = n - 1;
	for (i = 0; i < t->used; i++)
		if (t->e[i].c.p)
			nh[hash_find(t, &t->e[i].c, &dummy)] = (int32_t)i;
	return 0;
}

static void hash_del(hr_ctab *t, const hr_capref *c)
{
	int32_t x;
	uint32_t i, j;

	if (!t->hash)
		return;
	i = hash_find(t, c, &x);
	j = i;
	if (x < 0)
		return;
	t->hash[i] = -1;
	for (;;) {
		uint32_t k;

		j = (j + 1) & t->hmask;
		if (t->hash[j] < 0)
			return;
		k = cap_hash(&t->e[t->hash[j]].c) & t->hmask;
		/* move j back to i unless its ideal slot lies in (i, j] */
		if ((j > i && (k <= i || k > j)) ||
		    (j < i && (k <= i && k > j))) {
			t->hash[i] = t->hash[j];
			t->hash[j] = -1;
			i = j;
		}
	}
}

/* The handle holding key, or -1. */
static int32_t ctab_find(const hr_ctab *t, const hr_capref *key)
{
	int32_t h;
	uint32_t i;

	if (t->hash) {
		hash_find(t, key, &h);
		return h;
	}
	for (i = 0; i < t->used; i++)
		if (t->e[i].c.p && cap_eq(&t->e[i].c, key))
			return (int32_t)i;
	return -1;
}

int hr__ctab_put(hr_rt *rt, hr_ctab *t, uint32_t max, const hr_capref *c,
		 hr_handle *out)
{
	hr_capref key = *c; /* c may point into t->e, which may move */
	int32_t h;
	int rc;

	h = ctab_find(t, &key);
	if (h >= 0) {
		if (t->e[h].refs == UINT32_MAX)
			return HB_ELIMIT;
		t->e[h].refs++;
		*out = h;
		return 0;
	}
	if (t->count >= max)
		return HB_ELIMIT;
	if (t->hash ? (t->count + 1) * 2 > t->hmask + 1
		    : t->count + 1 > HR_CTAB_LINEAR) {
		rc = hash_grow(rt, t);
		if (rc)
			return rc;
	}
	if (t->free_head < 0 && t->used == t->cap) {
		uint32_t ncap = t->cap ? t->cap * 2 : 8;
		hr_cent *ne;

		if (ncap > max)
			ncap = max;
		if (t->e == t->inl) {
			ne = hr__alloc(rt, ncap * sizeof *ne);
			if (ne)
				memcpy(ne, t->e, t->used * sizeof *ne);
		} else {
			ne = hr__realloc(rt, t->e, ncap * sizeof *ne);
		}
		if (!ne)
			return HB_ENOMEM;
		t->e = ne;
		t->cap = ncap;
	}
	if (t->free_head >= 0) {
		h = t->free_head;
		t->free_head = t->e[h].next_free;
	} else {
		h = (int32_t)t->used++;
	}
	t->e[h].c = key;
	t->e[h].refs = 1;
	t->e[h].next_free = -1;
	if (t->hash)
		t->hash[hash_find(t, &key, &(int32_t){0})] = h;
	t->count++;
	*out = h;
	return 0;
}

int hr__ctab_dec(hr_rt *rt, hr_ctab *t, hr_handle h)
{
	hr_cent *e = hr__ctab_get(t, h);

	(void)rt;
	if (!e)
		return HB_EBADH;
	if (--e->refs)
		return 0;
	hash_del(t, &e->c);
	memset(&e->c, 0, sizeof e->c);
	e->next_free = t->free_head;
	t->free_head = h;
	t->count--;
	return 0;
}
