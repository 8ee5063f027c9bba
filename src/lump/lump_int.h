/* lump_int.h — the lump object, shared by lump.c and store.c only. */
#ifndef HEARTH_LUMP_INT_H
#define HEARTH_LUMP_INT_H

#include <stdatomic.h>

#include "hearth/lump.h"

/* A lump is one allocation: header, then its bytes. Immutable after
 * creation; refs is the only mutable field. The store's LRU links are owned
 * by the store and touched only under its lock. */
struct hl_lump {
	atomic_size_t refs;
	hl_id id;
	size_t len;
	struct hl_lump *hnext;		  /* store hash chain */
	struct hl_lump *lru_prev, *lru_next; /* store LRU, newest at head */
	uint8_t data[];
};

/* A lump with refs = 1 holding a copy of len bytes and their id (computed
 * by the caller). NULL on allocation failure. */
hl_lump *hl__lump_new(const hl_id *id, const void *data, size_t len);

/* Like hl__lump_new but the bytes are filled in by the caller (data is
 * left uninitialised) and the id is set later. */
hl_lump *hl__lump_alloc(size_t len);

#endif
