/* wb.c — the test module writer (see wb.h). */
#include "wb.h"

#include <stdlib.h>
#include <string.h>

size_t wb_uleb(uint8_t *out, uint64_t v)
{
	size_t n = 0;

	do {
		uint8_t byte = v & 0x7F;

		v >>= 7;
		out[n++] = byte | (v ? 0x80 : 0);
	} while (v);
	return n;
}

size_t wb_sleb(uint8_t *out, int64_t v)
{
	size_t n = 0;
	int more = 1;

	while (more) {
		uint8_t byte = v & 0x7F;

		v >>= 7;
		if ((v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40)))
			more = 0;
		else
			byte |= 0x80;
		out[n++] = byte;
	}
	return n;
}

static void put_u(hb_buf *s, uint64_t v)
{
	uint8_t tmp[10];

	hb_buf_append(s, tmp, wb_uleb(tmp, v));
}

static void put_name(hb_buf *s, const char *name)
{
	size_t n = strlen(name);

	put_u(s, n);
	hb_buf_append(s, name, n);
}

static uint8_t code_of(char c)
{
	switch (c) {
	case 'i':
		return 0x7F;
	case 'l':
		return 0x7E;
	case 'f':
		return 0x7D;
	case 'd':
		return 0x7C;
	case 'v':
		return 0x7B;
	case 'r':
		return 0x70;
	default:
		return 0x6F;
	}
}

static void put_limits(hb_buf *s, uint32_t min, int64_t max)
{
	hb_buf_push(s, max < 0 ? 0 : 1);
	put_u(s, min);
	if (max >= 0)
		put_u(s, (uint64_t)max);
}

void wb_init(wb *b)
{
	memset(b, 0, sizeof *b);
	for (int i = 0; i < 13; i++)
		hb_buf_init(&b->sec[i]);
}

void wb_deinit(wb *b)
{
	for (int i = 0; i < 13; i++)
		hb_buf_deinit(&b->sec[i]);
}

uint32_t wb_type(wb *b, const char *params, const char *results)
{
	hb_buf *s = &b->sec[1];

	hb_buf_push(s, 0x60);
	put_u(s, strlen(params));
	for (const char *p = params; *p; p++)
		hb_buf_push(s, code_of(*p));
	put_u(s, strlen(results));
	for (const char *p = results; *p; p++)
		hb_buf_push(s, code_of(*p));
	return b->count[1]++;
}

uint32_t wb_import_func(wb *b, const char *mod, const char *name, uint32_t type)
{
	hb_buf *s = &b->sec[2];

	put_name(s, mod);
	put_name(s, name);
	hb_buf_push(s, 0);
	put_u(s, type);
	b->count[2]++;
	return b->nfunc_imports++;
}

void wb_import_memory(wb *b, const char *mod, const char *name, uint32_t min,
		      int64_t max)
{
	hb_buf *s = &b->sec[2];

	put_name(s, mod);
	put_name(s, name);
	hb_buf_push(s, 2);
	put_limits(s, min, max);
	b->count[2]++;
}

void wb_import_table(wb *b, const char *mod, const char *name, uint32_t min,
		     int64_t max)
{
	hb_buf *s = &b->sec[2];

	put_name(s, mod);
	put_name(s, name);
	hb_buf_push(s, 1);
	hb_buf_push(s, 0x70);
	put_limits(s, min, max);
	b->count[2]++;
}

void wb_import_global(wb *b, const char *mod, const char *name, char type,
		      int mut)
{
	hb_buf *s = &b->sec[2];

	put_name(s, mod);
	put_name(s, name);
	hb_buf_push(s, 3);
	hb_buf_push(s, code_of(type));
	hb_buf_push(s, mut ? 1 : 0);
	b->count[2]++;
	b->nglobals++;
}

uint32_t wb_func(wb *b, uint32_t type, const char *locals, const uint8_t *body,
		 size_t len)
{
	hb_buf fn;
	size_t nl = strlen(locals);

	put_u(&b->sec[3], type);
	b->count[3]++;
	hb_buf_init(&fn);
	put_u(&fn, nl);
	for (size_t i = 0; i < nl; i++) {
		put_u(&fn, 1);
		hb_buf_push(&fn, code_of(locals[i]));
	}
	hb_buf_append(&fn, body, len);
	hb_buf_push(&fn, 0x0B);
	put_u(&b->sec[10], fn.len);
	hb_buf_append(&b->sec[10], fn.data, fn.len);
	b->count[10]++;
	hb_buf_deinit(&fn);
	return b->nfunc_imports + b->nfuncs++;
}

void wb_memory(wb *b, uint32_t min, int64_t max)
{
	put_limits(&b->sec[5], min, max);
	b->count[5]++;
}

void wb_table(wb *b, uint32_t min, int64_t max)
{
	hb_buf_push(&b->sec[4], 0x70);
	put_limits(&b->sec[4], min, max);
	b->count[4]++;
}

uint32_t wb_global(wb *b, char type, int mut, int64_t init)
{
	hb_buf *s = &b->sec[6];
	uint8_t tmp[10];

	hb_buf_push(s, code_of(type));
	hb_buf_push(s, mut ? 1 : 0);
	hb_buf_push(s, type == 'l' ? 0x42 : 0x41);
	hb_buf_append(s, tmp, wb_sleb(tmp, init));
	hb_buf_push(s, 0x0B);
	b->count[6]++;
	return b->nglobals++;
}

void wb_export(wb *b, const char *name, uint8_t kind, uint32_t index)
{
	put_name(&b->sec[7], name);
	hb_buf_push(&b->sec[7], kind);
	put_u(&b->sec[7], index);
	b->count[7]++;
}

void wb_start(wb *b, uint32_t func)
{
	put_u(&b->sec[8], func);
	b->count[8] = 1;
}

void wb_elem(wb *b, uint32_t at, const uint32_t *funcs, uint32_t n)
{
	hb_buf *s = &b->sec[9];
	uint8_t tmp[10];

	hb_buf_push(s, 0);
	hb_buf_push(s, 0x41);
	hb_buf_append(s, tmp, wb_sleb(tmp, (int32_t)at));
	hb_buf_push(s, 0x0B);
	put_u(s, n);
	for (uint32_t i = 0; i < n; i++)
		put_u(s, funcs[i]);
	b->count[9]++;
}

void wb_data(wb *b, uint32_t at, const void *bytes, size_t len)
{
	hb_buf *s = &b->sec[11];
	uint8_t tmp[10];

	hb_buf_push(s, 0);
	hb_buf_push(s, 0x41);
	hb_buf_append(s, tmp, wb_sleb(tmp, (int32_t)at));
	hb_buf_push(s, 0x0B);
	put_u(s, len);
	hb_buf_append(s, bytes, len);
	b->count[11]++;
}

uint8_t *wb_finish(wb *b, size_t *len)
{
	static const uint8_t order[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
	static const uint8_t head[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
	hb_buf out;

	hb_buf_init(&out);
	hb_buf_append(&out, head, sizeof head);
	for (size_t k = 0; k < sizeof order; k++) {
		uint8_t id = order[k];
		hb_buf body;

		if (!b->count[id])
			continue;
		hb_buf_init(&body);
		if (id != 8)
			put_u(&body, b->count[id]);
		hb_buf_append(&body, b->sec[id].data, b->sec[id].len);
		hb_buf_push(&out, id);
		put_u(&out, body.len);
		hb_buf_append(&out, body.data, body.len);
		hb_buf_deinit(&body);
	}
	return hb_buf_steal(&out, len);
}
