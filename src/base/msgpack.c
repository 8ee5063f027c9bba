/* msgpack.c — MessagePack encoder and zero-copy decoder (hearth/msgpack.h).
 * Big-endian per the spec; the decoder never reads past r->end. */
#include "hearth/msgpack.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hearth/error.h"
#include "hearth/limits.h"

/* ---- encoding ---- */

static void put_be(hb_buf *b, uint8_t tag, uint64_t v, int nbytes)
{
	uint8_t tmp[9];
	int i;

	tmp[0] = tag;
	for (i = 0; i < nbytes; i++)
		tmp[1 + i] = (uint8_t)(v >> (8 * (nbytes - 1 - i)));
	hb_buf_append(b, tmp, (size_t)nbytes + 1);
}

void hb_mp_put_nil(hb_buf *b)
{
	hb_buf_push(b, 0xc0);
}

void hb_mp_put_bool(hb_buf *b, bool v)
{
	hb_buf_push(b, v ? 0xc3 : 0xc2);
}

void hb_mp_put_uint(hb_buf *b, uint64_t v)
{
	if (v < 0x80)
		hb_buf_push(b, (uint8_t)v);
	else if (v <= UINT8_MAX)
		put_be(b, 0xcc, v, 1);
	else if (v <= UINT16_MAX)
		put_be(b, 0xcd, v, 2);
	else if (v <= UINT32_MAX)
		put_be(b, 0xce, v, 4);
	else
		put_be(b, 0xcf, v, 8);
}

void hb_mp_put_int(hb_buf *b, int64_t v)
{
	if (v >= 0)
		hb_mp_put_uint(b, (uint64_t)v);
	else if (v >= -32)
		hb_buf_push(b, (uint8_t)(int8_t)v);
	else if (v >= INT8_MIN)
		put_be(b, 0xd0, (uint64_t)v & 0xff, 1);
	else if (v >= INT16_MIN)
		put_be(b, 0xd1, (uint64_t)v & 0xffff, 2);
	else if (v >= INT32_MIN)
		put_be(b, 0xd2, (uint64_t)v & 0xffffffff, 4);
	else
		put_be(b, 0xd3, (uint64_t)v, 8);
}

void hb_mp_put_float(hb_buf *b, float v)
{
	uint32_t bits;

	memcpy(&bits, &v, 4);
	put_be(b, 0xca, bits, 4);
}

void hb_mp_put_double(hb_buf *b, double v)
{
	uint64_t bits;

	memcpy(&bits, &v, 8);
	put_be(b, 0xcb, bits, 8);
}

/* Header for str/bin/ext-like families: fix form (if any), then 8/16/32. */
static int put_len(hb_buf *b, size_t len, uint8_t t8, uint8_t t16, uint8_t t32)
{
	if (len > UINT32_MAX) {
		if (!b->err)
			b->err = HB_ELIMIT;
		return -1;
	}
	if (len <= UINT8_MAX && t8)
		put_be(b, t8, len, 1);
	else if (len <= UINT16_MAX)
		put_be(b, t16, len, 2);
	else
		put_be(b, t32, len, 4);
	return 0;
}

void hb_mp_put_str(hb_buf *b, const char *s, size_t len)
{
	if (len < 32)
		hb_buf_push(b, (uint8_t)(0xa0 | len));
	else if (put_len(b, len, 0xd9, 0xda, 0xdb))
		return;
	hb_buf_append(b, s, len);
}

void hb_mp_put_cstr(hb_buf *b, const char *s)
{
	hb_mp_put_str(b, s, strlen(s));
}

void hb_mp_put_bin(hb_buf *b, const void *p, size_t len)
{
	if (put_len(b, len, 0xc4, 0xc5, 0xc6))
		return;
	hb_buf_append(b, p, len);
}

void hb_mp_put_array(hb_buf *b, uint32_t n)
{
	if (n < 16)
		hb_buf_push(b, (uint8_t)(0x90 | n));
	else
		put_len(b, n, 0, 0xdc, 0xdd);
}

void hb_mp_put_map(hb_buf *b, uint32_t n)
{
	if (n < 16)
		hb_buf_push(b, (uint8_t)(0x80 | n));
	else
		put_len(b, n, 0, 0xde, 0xdf);
}

void hb_mp_put_ext(hb_buf *b, int8_t type, const void *p, size_t len)
{
	static const uint8_t fixext[17] = {[1] = 0xd4, [2] = 0xd5, [4] = 0xd6,
					   [8] = 0xd7, [16] = 0xd8};

	if (len <= 16 && fixext[len]) {
		hb_buf_push(b, fixext[len]);
	} else if (put_len(b, len, 0xc7, 0xc8, 0xc9)) {
		return;
	}
	hb_buf_push(b, (uint8_t)type);
	hb_buf_append(b, p, len);
}

/* ---- decoding ---- */

void hb_mp_reader_init(hb_mp_reader *r, const void *data, size_t len)
{
	r->p = data;
	r->end = r->p + len;
	r->err = 0;
}

bool hb_mp_done(const hb_mp_reader *r)
{
	return !r->err && r->p == r->end;
}

static int fail(hb_mp_reader *r, int err)
{
	if (!r->err)
		r->err = err;
	return r->err;
}

/* Read an n-byte big-endian unsigned; 0 on success. */
static int get_be(hb_mp_reader *r, int n, uint64_t *out)
{
	uint64_t v = 0;
	int i;

	if (r->end - r->p < n)
		return fail(r, HB_EMALFORMED);
	for (i = 0; i < n; i++)
		v = v << 8 | r->p[i];
	r->p += n;
	*out = v;
	return 0;
}

static int get_payload(hb_mp_reader *r, uint64_t len, hb_mp_item *out)
{
	if ((uint64_t)(r->end - r->p) < len)
		return fail(r, HB_EMALFORMED);
	out->v.s.p = r->p;
	out->v.s.len = (uint32_t)len;
	r->p += len;
	return 0;
}

static int64_t sign_extend(uint64_t v, int bits)
{
	uint64_t m = (uint64_t)1 << (bits - 1);

	return (int64_t)((v ^ m) - m);
}

int hb_mp_next(hb_mp_reader *r, hb_mp_item *out)
{
	uint64_t v;
	uint8_t c;
	int n;

	if (r->err)
		return r->err;
	if (r->p >= r->end)
		return fail(r, HB_EMALFORMED);
	c = *r->p++;
	memset(out, 0, sizeof *out);

	if (c <= 0x7f) {
		out->type = HB_MP_INT;
		out->v.u = c;
		return 0;
	}
	if (c >= 0xe0) {
		out->type = HB_MP_INT;
		out->neg = true;
		out->v.i = (int8_t)c;
		return 0;
	}
	if ((c & 0xf0) == 0x80 || (c & 0xf0) == 0x90) {
		out->type = (c & 0xf0) == 0x80 ? HB_MP_MAP : HB_MP_ARRAY;
		out->v.n = c & 0x0f;
		return 0;
	}
	if ((c & 0xe0) == 0xa0) {
		out->type = HB_MP_STR;
		return get_payload(r, c & 0x1f, out);
	}
	switch (c) {
	case 0xc0:
		out->type = HB_MP_NIL;
		return 0;
	case 0xc2:
	case 0xc3:
		out->type = HB_MP_BOOL;
		out->v.b = c == 0xc3;
		return 0;
	case 0xc4: case 0xc5: case 0xc6:
		out->type = HB_MP_BIN;
		if (get_be(r, 1 << (c - 0xc4), &v))
			return r->err;
		return get_payload(r, v, out);
	case 0xc7: case 0xc8: case 0xc9:
		out->type = HB_MP_EXT;
		if (get_be(r, 1 << (c - 0xc7), &v) || r->p >= r->end)
			return fail(r, HB_EMALFORMED);
		out->ext = (int8_t)*r->p++;
		return get_payload(r, v, out);
	case 0xca:
	case 0xcb:
		out->type = HB_MP_FLOAT;
		if (get_be(r, c == 0xca ? 4 : 8, &v))
			return r->err;
		if (c == 0xca) {
			uint32_t bits = (uint32_t)v;
			float f;

			memcpy(&f, &bits, 4);
			out->v.d = f;
		} else {
			memcpy(&out->v.d, &v, 8);
		}
		return 0;
	case 0xcc: case 0xcd: case 0xce: case 0xcf:
		out->type = HB_MP_INT;
		return get_be(r, 1 << (c - 0xcc), &out->v.u);
	case 0xd0: case 0xd1: case 0xd2: case 0xd3:
		out->type = HB_MP_INT;
		n = 1 << (c - 0xd0);
		if (get_be(r, n, &v))
			return r->err;
		out->v.i = sign_extend(v, n * 8);
		out->neg = out->v.i < 0;
		return 0;
	case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
		out->type = HB_MP_EXT;
		if (r->p >= r->end)
			return fail(r, HB_EMALFORMED);
		out->ext = (int8_t)*r->p++;
		return get_payload(r, (uint64_t)1 << (c - 0xd4), out);
	case 0xd9: case 0xda: case 0xdb:
		out->type = HB_MP_STR;
		if (get_be(r, 1 << (c - 0xd9), &v))
			return r->err;
		return get_payload(r, v, out);
	case 0xdc: case 0xdd:
		out->type = HB_MP_ARRAY;
		if (get_be(r, c == 0xdc ? 2 : 4, &v))
			return r->err;
		out->v.n = (uint32_t)v;
		return 0;
	case 0xde: case 0xdf:
		out->type = HB_MP_MAP;
		if (get_be(r, c == 0xde ? 2 : 4, &v))
			return r->err;
		out->v.n = (uint32_t)v;
		return 0;
	default: /* 0xc1 is never used */
		return fail(r, HB_EMALFORMED);
	}
}

int hb_mp_peek(const hb_mp_reader *r)
{
	hb_mp_reader tmp = *r;
	hb_mp_item it;

	if (hb_mp_next(&tmp, &it))
		return -1;
	return (int)it.type;
}

int hb_mp_skip(hb_mp_reader *r)
{
	uint64_t pending = 1;
	hb_mp_item it;

	while (pending > 0) {
		if (hb_mp_next(r, &it))
			return r->err;
		pending--;
		if (it.type == HB_MP_ARRAY)
			pending += it.v.n;
		else if (it.type == HB_MP_MAP)
			pending += 2 * (uint64_t)it.v.n;
		/* Every item takes at least one byte: more pending items than
		 * bytes left means truncated input, so fail now, not later. */
		if (pending > (uint64_t)(r->end - r->p))
			return fail(r, HB_EMALFORMED);
	}
	return 0;
}

static int get_typed(hb_mp_reader *r, hb_mp_type t, hb_mp_item *it)
{
	hb_mp_reader save = *r;

	if (hb_mp_next(r, it))
		return r->err;
	if (it->type != t) {
		*r = save;
		return fail(r, HB_EINVAL);
	}
	return 0;
}

int hb_mp_get_nil(hb_mp_reader *r)
{
	hb_mp_item it;

	return get_typed(r, HB_MP_NIL, &it);
}

int hb_mp_get_bool(hb_mp_reader *r, bool *out)
{
	hb_mp_item it;

	if (get_typed(r, HB_MP_BOOL, &it))
		return r->err;
	*out = it.v.b;
	return 0;
}

int hb_mp_get_int(hb_mp_reader *r, int64_t *out)
{
	hb_mp_item it;

	if (get_typed(r, HB_MP_INT, &it))
		return r->err;
	if (!it.neg && it.v.u > INT64_MAX)
		return fail(r, HB_ERANGE);
	*out = it.v.i;
	return 0;
}

int hb_mp_get_uint(hb_mp_reader *r, uint64_t *out)
{
	hb_mp_item it;

	if (get_typed(r, HB_MP_INT, &it))
		return r->err;
	if (it.neg)
		return fail(r, HB_ERANGE);
	*out = it.v.u;
	return 0;
}

int hb_mp_get_u32(hb_mp_reader *r, uint32_t *out)
{
	uint64_t v;

	if (hb_mp_get_uint(r, &v))
		return r->err;
	if (v > UINT32_MAX)
		return fail(r, HB_ERANGE);
	*out = (uint32_t)v;
	return 0;
}

int hb_mp_get_double(hb_mp_reader *r, double *out)
{
	hb_mp_item it;

	if (hb_mp_next(r, &it))
		return r->err;
	if (it.type == HB_MP_FLOAT)
		*out = it.v.d;
	else if (it.type == HB_MP_INT)
		*out = it.neg ? (double)it.v.i : (double)it.v.u;
	else
		return fail(r, HB_EINVAL);
	return 0;
}

int hb_mp_get_str(hb_mp_reader *r, const char **s, uint32_t *len)
{
	hb_mp_item it;

	if (get_typed(r, HB_MP_STR, &it))
		return r->err;
	*s = (const char *)it.v.s.p;
	*len = it.v.s.len;
	return 0;
}

int hb_mp_get_bin(hb_mp_reader *r, const uint8_t **p, uint32_t *len)
{
	hb_mp_item it;

	if (get_typed(r, HB_MP_BIN, &it))
		return r->err;
	*p = it.v.s.p;
	*len = it.v.s.len;
	return 0;
}

int hb_mp_get_array(hb_mp_reader *r, uint32_t *n)
{
	hb_mp_item it;

	if (get_typed(r, HB_MP_ARRAY, &it))
		return r->err;
	*n = it.v.n;
	return 0;
}

int hb_mp_get_map(hb_mp_reader *r, uint32_t *n)
{
	hb_mp_item it;

	if (get_typed(r, HB_MP_MAP, &it))
		return r->err;
	*n = it.v.n;
	return 0;
}

bool hb_mp_str_eq(const hb_mp_item *it, const char *s)
{
	size_t n = strlen(s);

	return it->type == HB_MP_STR && it->v.s.len == n &&
	       memcmp(it->v.s.p, s, n) == 0;
}

/* ---- text rendering ---- */

static void put_text_str(hb_buf *out, const uint8_t *p, uint32_t len)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t i;

	hb_buf_push(out, '"');
	for (i = 0; i < len; i++) {
		uint8_t c = p[i];

		if (c == '"' || c == '\\') {
			hb_buf_push(out, '\\');
			hb_buf_push(out, c);
		} else if (c < 0x20 || c == 0x7f) {
			char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};

			hb_buf_append(out, esc, 6);
		} else {
			hb_buf_push(out, c);
		}
	}
	hb_buf_push(out, '"');
}

int hb_mp_to_text(hb_mp_reader *r, hb_buf *out)
{
	/* Explicit stack of open containers: items printed so far and items in
	 * total (2n for a map, whose odd items are values, after a ':'). */
	uint64_t idx[HB_MP_MAX_TEXT_DEPTH], cnt[HB_MP_MAX_TEXT_DEPTH];
	bool is_map[HB_MP_MAX_TEXT_DEPTH];
	char num[64];
	int depth = 0;
	hb_mp_item it;
	uint32_t i;

	for (;;) {
		if (depth > 0 && idx[depth - 1] > 0)
			hb_buf_push(out, is_map[depth - 1] && idx[depth - 1] % 2
						 ? ':' : ',');
		if (hb_mp_next(r, &it))
			return r->err;
		switch (it.type) {
		case HB_MP_NIL:
			hb_buf_append(out, "null", 4);
			break;
		case HB_MP_BOOL:
			hb_buf_append(out, it.v.b ? "true" : "false", it.v.b ? 4 : 5);
			break;
		case HB_MP_INT:
			if (it.neg)
				snprintf(num, sizeof num, "%" PRId64, it.v.i);
			else
				snprintf(num, sizeof num, "%" PRIu64, it.v.u);
			hb_buf_append(out, num, strlen(num));
			break;
		case HB_MP_FLOAT:
			snprintf(num, sizeof num, "%.17g", it.v.d);
			hb_buf_append(out, num, strlen(num));
			break;
		case HB_MP_STR:
			put_text_str(out, it.v.s.p, it.v.s.len);
			break;
		case HB_MP_BIN:
		case HB_MP_EXT:
			if (it.type == HB_MP_EXT) {
				snprintf(num, sizeof num, "ext(%d,", it.ext);
				hb_buf_append(out, num, strlen(num));
			}
			hb_buf_append(out, "0x", 2);
			for (i = 0; i < it.v.s.len; i++) {
				snprintf(num, sizeof num, "%02x", it.v.s.p[i]);
				hb_buf_append(out, num, 2);
			}
			if (it.type == HB_MP_EXT)
				hb_buf_push(out, ')');
			break;
		case HB_MP_ARRAY:
		case HB_MP_MAP:
			hb_buf_push(out, it.type == HB_MP_MAP ? '{' : '[');
			if (it.v.n == 0) {
				hb_buf_push(out, it.type == HB_MP_MAP ? '}' : ']');
				break;
			}
			if (depth == HB_MP_MAX_TEXT_DEPTH)
				return fail(r, HB_ELIMIT);
			is_map[depth] = it.type == HB_MP_MAP;
			cnt[depth] = is_map[depth] ? 2 * (uint64_t)it.v.n : it.v.n;
			if (cnt[depth] > (uint64_t)(r->end - r->p))
				return fail(r, HB_EMALFORMED);
			idx[depth++] = 0;
			continue; /* its first item comes next */
		}
		/* One item finished: close every container it completes. */
		while (depth > 0 && ++idx[depth - 1] == cnt[depth - 1]) {
			depth--;
			hb_buf_push(out, is_map[depth] ? '}' : ']');
		}
		if (depth == 0)
			return out->err;
	}
}
