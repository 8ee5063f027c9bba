/* wasm_pool.c — memory pools: released instance memories kept, zeroed,
 * for the next instances (see hw_mempool_new in hearth/wasm.h).
 *
 * Zeroing: the pages the previous owner touched are found in
 * /proc/self/pagemap (present bit) and zeroed with memset; untouched
 * pages are still the kernel's zero pages. A swapped-out page could hold
 * old data that this cannot reach cheaply, so such a memory is not
 * pooled.
 *
 * Hot memories: a small memory (up to MEMSET_MAX bytes) that has come
 * back HOT_USES times is made wholly resident once (its untouched pages
 * faulted in); from then on it is zeroed whole with one memset and no
 * system call. Whole memories hold several times the resident bytes and
 * faulting in costs, so at most FULL_MAX are made: enough for a module
 * whose processes come and go one after another, while a burst of
 * thousands keeps to the page-by-page way and fits the budget. */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hearth/error.h"
#include "wasm_int.h"

#define PM_PRESENT (1ull << 63)
#define PM_SWAPPED (1ull << 62)
#define PM_BATCH   256 /* pagemap entries read at once */
#define MEMSET_MAX (256u << 10)
#define HOT_USES   4
#define FULL_MAX   64

typedef struct pooled {
	uint8_t *base;
	size_t mapped;
	size_t resident; /* bytes of zeroed pages it holds */
	uint32_t uses;	 /* times it came back (HW_POOL_FULL: wholly
			    resident) */
} pooled;

struct hw_mempool {
	atomic_uint refs; /* the creator + each memory using it */
	atomic_flag lock; /* guards items, n, cap, resident, reused */
	int pagemap;	  /* fd, or -1: nothing is pooled */
	size_t page;
	size_t max_bytes; /* largest mapping kept */
	size_t budget;	  /* most resident bytes kept in all */
	size_t resident;
	uint32_t n, cap;
	uint32_t nfull; /* wholly resident memories, kept or in use */
	uint64_t reused;
	pooled *items;
};

static void lock(hw_mempool *p)
{
	hw__spin_lock(&p->lock);
}

static void unlock(hw_mempool *p)
{
	hw__spin_unlock(&p->lock);
}

int hw_mempool_new(size_t max_bytes, size_t budget, hw_mempool **out)
{
	hw_mempool *p;

	*out = NULL;
	if (!max_bytes || !budget)
		return HB_EINVAL;
	p = calloc(1, sizeof *p);
	if (!p)
		return HB_ENOMEM;
	atomic_init(&p->refs, 1);
	atomic_flag_clear(&p->lock);
	p->page = (size_t)sysconf(_SC_PAGESIZE);
	p->pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	p->max_bytes = max_bytes;
	p->budget = budget;
	*out = p;
	return 0;
}

void hw__pool_ref(hw_mempool *p)
{
	atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
}

void hw__pool_unref(hw_mempool *p)
{
	if (atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (uint32_t i = 0; i < p->n; i++)
		munmap(p->items[i].base, p->items[i].mapped);
	if (p->pagemap >= 0)
		close(p->pagemap);
	free(p->items);
	free(p);
}

void hw_mempool_free(hw_mempool *p)
{
	if (p)
		hw__pool_unref(p);
}

void hw_mempool_stats(hw_mempool *p, uint32_t *kept, size_t *resident,
		      uint64_t *reused)
{
	lock(p);
	if (kept)
		*kept = p->n;
	if (resident)
		*resident = p->resident;
	if (reused)
		*reused = p->reused;
	unlock(p);
}

bool hw__pool_get(hw_mempool *p, size_t bytes, uint8_t **base, size_t *mapped,
		  uint32_t *uses)
{
	bool got = false;

	lock(p);
	for (uint32_t i = p->n; i-- > 0;) {
		if (p->items[i].mapped < bytes)
			continue;
		*base = p->items[i].base;
		*mapped = p->items[i].mapped;
		*uses = p->items[i].uses;
		p->resident -= p->items[i].resident;
		p->items[i] = p->items[--p->n];
		p->reused++;
		got = true;
		break;
	}
	unlock(p);
	return got;
}

/* Zero the pages of [base, base+size) that are present; false if one is
 * swapped out or pagemap cannot be read. OUT: *resident, their bytes. */
static bool scrub(hw_mempool *p, uint8_t *base, size_t size, size_t *resident)
{
	uint64_t ent[PM_BATCH];
	size_t npages = size / p->page, i = 0;

	if (p->pagemap < 0)
		return false;
	while (i < npages) {
		size_t k = npages - i < PM_BATCH ? npages - i : PM_BATCH;
		off_t off = (off_t)(((uintptr_t)base / p->page + i) * 8);
		uint8_t *pg = base + i * p->page;

		if (pread(p->pagemap, ent, k * 8, off) != (ssize_t)(k * 8))
			return false;
		for (size_t j = 0; j < k; j++, pg += p->page) {
			if (ent[j] & PM_SWAPPED)
				return false;
			if (ent[j] & PM_PRESENT) {
				memset(pg, 0, p->page);
				*resident += p->page;
			}
		}
		i += k;
	}
	return true;
}

/* One wholly resident memory less (it is unmapped, or grew). */
static void full_gone(hw_mempool *p)
{
	lock(p);
	p->nfull--;
	unlock(p);
}

bool hw__pool_put(hw_mempool *p, uint8_t *base, size_t size, size_t mapped,
		  uint32_t uses)
{
	size_t resident = 0;
	bool ok, full = uses & HW_POOL_FULL;

	if (full && mapped > MEMSET_MAX) { /* it grew: page by page again */
		full_gone(p);
		full = false;
		uses = HOT_USES;
	}
	lock(p);
	ok = p->resident < p->budget && mapped <= p->max_bytes &&
	     !(size % p->page);
	unlock(p);
	if (ok && full) {
		/* memset reaches every page, swapped out or not */
		memset(base, 0, mapped);
		resident = mapped;
	} else if (!ok || !scrub(p, base, size, &resident)) {
		if (full)
			full_gone(p);
		return false;
	} else if (++uses >= HOT_USES && mapped <= MEMSET_MAX &&
		   size == mapped) {
		lock(p);
		full = p->nfull < FULL_MAX;
		p->nfull += full;
		unlock(p);
		if (full) {
			memset(base, 0, mapped); /* fault the rest in, once */
			resident = mapped;
			uses = HW_POOL_FULL;
		}
	}
	lock(p);
	ok = p->resident + resident <= p->budget;
	if (ok && p->n == p->cap) {
		uint32_t nc = p->cap ? p->cap * 2 : 64;
		pooled *ni = realloc(p->items, nc * sizeof *ni);

		if (ni) {
			p->items = ni;
			p->cap = nc;
		} else {
			ok = false;
		}
	}
	if (ok) {
		p->items[p->n++] = (pooled){base, mapped, resident, uses};
		p->resident += resident;
	} else if (full) {
		p->nfull--;
	}
	unlock(p);
	return ok;
}
