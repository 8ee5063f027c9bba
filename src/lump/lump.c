/* lump.c — lump ids (BLAKE2b-256 through libsodium) and lump objects. */
#include "lump_int.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/error.h"

void hl_id_of(const void *data, size_t len, hl_id *out)
{
	crypto_generichash(out->b, HL_ID_BYTES, data, len, NULL, 0);
}

void hl_id_to_hex(const hl_id *id, char out[HL_ID_HEX])
{
	sodium_bin2hex(out, HL_ID_HEX, id->b, HL_ID_BYTES);
}

int hl_id_from_hex(const char *hex, size_t len, hl_id *out)
{
	size_t got = 0;
	const char *end = NULL;

	if (len != 2 * HL_ID_BYTES)
		return HB_EINVAL;
	if (sodium_hex2bin(out->b, HL_ID_BYTES, hex, len, NULL, &got, &end) ||
	    got != HL_ID_BYTES || end != hex + len)
		return HB_EINVAL;
	return 0;
}

bool hl_id_eq(const hl_id *a, const hl_id *b)
{
	return memcmp(a->b, b->b, HL_ID_BYTES) == 0;
}

hl_lump *hl__lump_alloc(size_t len)
{
	hl_lump *l = malloc(sizeof *l + len);

	if (!l)
		return NULL;
	atomic_init(&l->refs, 1);
	l->len = len;
	l->hnext = l->lru_prev = l->lru_next = NULL;
	return l;
}

hl_lump *hl__lump_new(const hl_id *id, const void *data, size_t len)
{
	hl_lump *l = hl__lump_alloc(len);

	if (!l)
		return NULL;
	l->id = *id;
	if (len)
		memcpy(l->data, data, len);
	return l;
}

const hl_id *hl_lump_id(const hl_lump *l)
{
	return &l->id;
}

const uint8_t *hl_lump_data(const hl_lump *l)
{
	return l->data;
}

size_t hl_lump_len(const hl_lump *l)
{
	return l->len;
}

hl_lump *hl_lump_ref(hl_lump *l)
{
	atomic_fetch_add_explicit(&l->refs, 1, memory_order_relaxed);
	return l;
}

void hl_lump_unref(hl_lump *l)
{
	if (l && atomic_fetch_sub_explicit(&l->refs, 1, memory_order_acq_rel) == 1)
		free(l);
}
