/* msgpack.h — MessagePack encoder and zero-copy decoder, the format of every
 * service message in Hearth (docs/msgpack.md lists what we accept). */
#ifndef HEARTH_MSGPACK_H
#define HEARTH_MSGPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hearth/buf.h"

/* ---- Encoding: each call appends one item to b; check b->err at the end.
 * Integers use the shortest encoding; strings must be at most 4 GiB. */
void hb_mp_put_nil(hb_buf *b);
void hb_mp_put_bool(hb_buf *b, bool v);
void hb_mp_put_int(hb_buf *b, int64_t v);
void hb_mp_put_uint(hb_buf *b, uint64_t v);
void hb_mp_put_float(hb_buf *b, float v);
void hb_mp_put_double(hb_buf *b, double v);
void hb_mp_put_str(hb_buf *b, const char *s, size_t len);
void hb_mp_put_cstr(hb_buf *b, const char *s);
void hb_mp_put_bin(hb_buf *b, const void *p, size_t len);
/* Container headers: the caller then puts n items (2n for a map). */
void hb_mp_put_array(hb_buf *b, uint32_t n);
void hb_mp_put_map(hb_buf *b, uint32_t n);
void hb_mp_put_ext(hb_buf *b, int8_t type, const void *p, size_t len);

/* ---- Decoding. A reader walks a byte range it does not own. Errors are
 * sticky in r->err: HB_EMALFORMED for bad or truncated input, HB_EINVAL for a
 * type mismatch in a typed getter, HB_ERANGE for a number that does not fit.
 * Strings and binaries point into the input (not NUL-terminated). */
typedef enum hb_mp_type {
	HB_MP_NIL,
	HB_MP_BOOL,
	HB_MP_INT,	/* any integer; v.i (negative) or v.u (non-negative) */
	HB_MP_FLOAT,	/* float32 or float64, widened into v.d */
	HB_MP_STR,
	HB_MP_BIN,
	HB_MP_ARRAY,	/* v.n items follow */
	HB_MP_MAP,	/* v.n key/value pairs follow */
	HB_MP_EXT
} hb_mp_type;

typedef struct hb_mp_item {
	hb_mp_type type;
	bool neg;	/* HB_MP_INT: v.i holds a negative value */
	int8_t ext;	/* HB_MP_EXT: the extension type */
	union {
		bool b;
		int64_t i;
		uint64_t u;
		double d;
		uint32_t n;
		struct {
			const uint8_t *p;
			uint32_t len;
		} s;	/* STR, BIN, EXT payload */
	} v;
} hb_mp_item;

typedef struct hb_mp_reader {
	const uint8_t *p;
	const uint8_t *end;
	int err;
} hb_mp_reader;

void hb_mp_reader_init(hb_mp_reader *r, const void *data, size_t len);

/* True when the whole input has been consumed without error. */
bool hb_mp_done(const hb_mp_reader *r);

/* Read one item (a container yields only its header). Returns 0 or r->err. */
int hb_mp_next(hb_mp_reader *r, hb_mp_item *out);

/* Type of the next item without consuming it; returns -1 at end or on error. */
int hb_mp_peek(const hb_mp_reader *r);

/* Skip one whole value, containers included, without recursion. */
int hb_mp_skip(hb_mp_reader *r);

/* Typed getters: on mismatch they set r->err and leave *out untouched. */
int hb_mp_get_nil(hb_mp_reader *r);
int hb_mp_get_bool(hb_mp_reader *r, bool *out);
int hb_mp_get_int(hb_mp_reader *r, int64_t *out);
int hb_mp_get_uint(hb_mp_reader *r, uint64_t *out);
int hb_mp_get_u32(hb_mp_reader *r, uint32_t *out);
int hb_mp_get_double(hb_mp_reader *r, double *out); /* floats and integers */
int hb_mp_get_str(hb_mp_reader *r, const char **s, uint32_t *len);
int hb_mp_get_bin(hb_mp_reader *r, const uint8_t **p, uint32_t *len);
int hb_mp_get_array(hb_mp_reader *r, uint32_t *n);
int hb_mp_get_map(hb_mp_reader *r, uint32_t *n);

/* True if the item is a string equal to the NUL-terminated s. */
bool hb_mp_str_eq(const hb_mp_item *it, const char *s);

/* Append a JSON-like rendering of one value (for logs, hearth-ctl) to out,
 * bounded by max_depth; binaries print as hex. Returns 0 or an error. */
int hb_mp_to_text(hb_mp_reader *r, hb_buf *out);

#endif
