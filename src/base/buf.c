/* buf.c — growable byte buffer with a sticky error (see hearth/buf.h). */
#include "hearth/buf.h"

#include <stdlib.h>
#include <string.h>

#include "hearth/error.h"

void hb_buf_init(hb_buf *b)
{
	memset(b, 0, sizeof *b);
}

void hb_buf_deinit(hb_buf *b)
{
	free(b->data);
	hb_buf_init(b);
}

int hb_buf_reserve(hb_buf *b, size_t n)
{
	size_t limit = b->max ? b->max : SIZE_MAX / 2;
	size_t need, cap;
	uint8_t *p;

	if (b->err)
		return b->err;
	if (n > limit || b->len > limit - n)
		return b->err = HB_ELIMIT;
	need = b->len + n;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > limit / 2 ? limit : cap * 2;
	if (cap > limit)
		cap = limit; /* so that len < cap implies len < limit */
	p = realloc(b->data, cap);
	if (!p)
		return b->err = HB_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int hb_buf_append(hb_buf *b, const void *p, size_t n)
{
	if (hb_buf_reserve(b, n))
		return b->err;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

int hb_buf_push(hb_buf *b, uint8_t byte)
{
	if (b->len < b->cap && !b->err) {
		b->data[b->len++] = byte;
		return 0;
	}
	return hb_buf_append(b, &byte, 1);
}

void hb_buf_reset(hb_buf *b)
{
	b->len = 0;
	b->err = 0;
}

uint8_t *hb_buf_steal(hb_buf *b, size_t *len)
{
	uint8_t *p = b->data;

	*len = b->len;
	if (!b->len) {
		hb_buf_deinit(b);
		return NULL;
	}
	b->data = NULL;
	b->len = b->cap = 0;
	b->err = 0;
	return p;
}
