/* wasm_decode.c — the binary decoder: sections, instructions and constant
 * expressions into a hw_module. Reports only malformed input (and caps);
 * whether indices and types make sense is wasm_validate.c's job, so that a
 * module that is both malformed and invalid is reported malformed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/error.h"
#include "wasm_int.h"
#include "wasm_opcodes.h"

/* ---- errors ---- */

static const char *section_name(int id)
{
	static const char *const names[] = {
		"custom", "type",   "import",	 "function", "table",
		"memory", "global", "export",	 "start",    "element",
		"code",	  "data",   "data count"};
	if (id < 0 || id > 12)
		return NULL;
	return names[id];
}

int hw__error(hw_error *err, int code, int section, size_t offset,
	      const char *reason, const char *fmt, ...)
{
	char detail[160] = "";
	const char *sec = section_name(section);
	va_list ap;

	if (!err)
		return code;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(detail, sizeof detail, fmt, ap);
		va_end(ap);
	}
	err->code = code;
	err->section = sec ? section : -1;
	err->offset = offset;
	snprintf(err->reason, sizeof err->reason, "%s", reason);
	if (sec)
		snprintf(err->message, sizeof err->message,
			 "%s section, offset %zu (0x%zx): %s%s%s", sec, offset,
			 offset, reason, *detail ? ": " : "", detail);
	else
		snprintf(err->message, sizeof err->message,
			 "offset %zu (0x%zx): %s%s%s", offset, offset, reason,
			 *detail ? ": " : "", detail);
	return code;
}

/* ---- arena ---- */

void *hw__arena_alloc(hw_arena *a, size_t n)
{
	hw_arena_chunk *c = a->head;
	size_t need = (n + 15) & ~(size_t)15;
	void *p;

	if (n > SIZE_MAX / 2)
		return NULL;
	if (!c || c->cap - c->used < need) {
		size_t cap = need > 16384 ? need : 16384;

		c = hw__calloc(a->al, 1, sizeof *c + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->used;
	c->used += need;
	return p;
}

void hw__arena_free(hw_arena *a)
{
	hw_arena_chunk *c = a->head, *next;

	while (c) {
		next = c->next;
		hw__free(a->al, c);
		c = next;
	}
	a->head = NULL;
}

/* ---- opcode descriptions ---- */

#define HW__OPI(code, id, name, imm, sig, arg)                                 \
	[(code)&0xFF] = {name, sig, imm, arg},
static const hw_opinfo main_ops[256] = {HW_OPS_MAIN(HW__OPI)};
static const hw_opinfo fc_ops[256] = {HW_OPS_FC(HW__OPI)};
static const hw_opinfo simd_ops[256] = {HW_OPS_SIMD(HW__OPI)};
#undef HW__OPI

const hw_opinfo *hw__opinfo(uint32_t op)
{
	static const hw_opinfo none = {NULL, NULL, 0, 0};

	if (op < 0x100)
		return &main_ops[op];
	if ((op & ~0xFFu) == 0xFC00)
		return &fc_ops[op & 0xFF];
	if ((op & ~0xFFu) == 0xFD00)
		return &simd_ops[op & 0xFF];
	return &none;
}

const char *hw__typename(uint8_t t)
{
	switch (t) {
	case HW_I32:
		return "i32";
	case HW_I64:
		return "i64";
	case HW_F32:
		return "f32";
	case HW_F64:
		return "f64";
	case HW_V128:
		return "v128";
	case HW_FUNCREF:
		return "funcref";
	case HW_EXTERNREF:
		return "externref";
	}
	return "?";
}

/* ---- primitive readers ---- */

int hw__rd_fail(hw_rd *r, const char *reason)
{
	return hw__error(r->err, HB_EMALFORMED, r->section,
			 (size_t)(r->p - r->base), reason, NULL);
}

static int rd_eof(hw_rd *r)
{
	return hw__rd_fail(r, r->in_section
				      ? "unexpected end of section or function"
				      : "unexpected end");
}

int hw__rd_byte(hw_rd *r, uint8_t *out)
{
	*out = 0;
	if (r->p >= r->end)
		return rd_eof(r);
	*out = *r->p++;
	return 0;
}

/* Unsigned LEB128 of at most `bits` bits. */
static int rd_uleb(hw_rd *r, unsigned bits, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;
	unsigned maxbytes = (bits + 6) / 7;

	*out = 0;
	for (unsigned i = 0;; i++) {
		uint8_t b;

		if (r->p >= r->end)
			return rd_eof(r);
		b = *r->p++;
		if (i == maxbytes - 1) {
			/* last byte: no continuation, unused bits zero */
			if (b & 0x80)
				return hw__rd_fail(
					r, "integer representation too long");
			if (bits % 7 && (b >> (bits % 7)) != 0)
				return hw__rd_fail(r, "integer too large");
			v |= (uint64_t)b << shift;
			break;
		}
		v |= (uint64_t)(b & 0x7F) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	*out = v;
	return 0;
}

/* Signed LEB128 of at most `bits` bits, sign-extended to 64. */
static int rd_sleb(hw_rd *r, unsigned bits, int64_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;
	unsigned maxbytes = (bits + 6) / 7;
	uint8_t b = 0;

	*out = 0;
	for (unsigned i = 0;; i++) {
		if (r->p >= r->end)
			return rd_eof(r);
		b = *r->p++;
		if (i == maxbytes - 1) {
			if (b & 0x80)
				return hw__rd_fail(
					r, "integer representation too long");
			/* the unused high bits must all equal the sign bit */
			unsigned used = bits - 7 * i; /* bits in this byte */
			if (used < 7) {
				int sign = (b >> (used - 1)) & 1;
				uint8_t rest = (uint8_t)((b & 0x7F) >> used);
				uint8_t want =
					sign ? (uint8_t)(0x7F >> used) : 0;

				if (rest != want)
					return hw__rd_fail(r,
							   "integer too large");
			}
			v |= (uint64_t)(b & 0x7F) << shift;
			shift += 7;
			break;
		}
		v |= (uint64_t)(b & 0x7F) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	if (shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	*out = (int64_t)v;
	return 0;
}

int hw__rd_u32(hw_rd *r, uint32_t *out)
{
	uint64_t v;
	int rc = rd_uleb(r, 32, &v);

	*out = (uint32_t)v;
	return rc;
}

uint32_t hw__leb_next(const uint8_t **p)
{
	uint32_t v = 0;
	unsigned shift = 0;
	uint8_t b;

	do {
		b = *(*p)++;
		if (shift < 32)
			v |= (uint32_t)(b & 0x7F) << shift;
		shift += 7;
	} while (b & 0x80);
	return v;
}

static int rd_bytes(hw_rd *r, size_t n, const uint8_t **out)
{
	*out = NULL;
	if ((size_t)(r->end - r->p) < n)
		return hw__rd_fail(r, r->in_section ? "length out of bounds"
						    : "unexpected end");
	*out = r->p;
	r->p += n;
	return 0;
}

/* A count of items each taking at least min_bytes: must fit in what is
 * left (so allocation is bounded by the input) and under cap. */
static int rd_count(hw_rd *r, uint32_t cap, size_t min_bytes, uint32_t *out)
{
	size_t at = (size_t)(r->p - r->base);
	int rc = hw__rd_u32(r, out);

	if (rc)
		return rc;
	if (*out > cap)
		return hw__error(r->err, HB_ELIMIT, r->section, at,
				 "too many items", "%u > limit %u", *out, cap);
	if (min_bytes && (uint64_t)*out * min_bytes > (uint64_t)(r->end - r->p))
		return hw__error(r->err, HB_EMALFORMED, r->section, at,
				 "length out of bounds", "%u items", *out);
	return 0;
}

static bool utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = s[i];
		uint32_t cp;
		size_t len;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

/* Decoder state for one module. */
typedef struct dctx {
	hw_module *m;
	hw_error *err;
	hw_rd r; /* the current section */
} dctx;

static int rd_name(dctx *d, hw_name *out)
{
	hw_rd *r = &d->r;
	size_t at = (size_t)(r->p - r->base);
	uint32_t n;
	const uint8_t *s;
	char *copy;
	int rc;

	if ((rc = hw__rd_u32(r, &n)))
		return rc;
	if (n > HW_MAX_NAME_BYTES)
		return hw__error(d->err, HB_ELIMIT, r->section, at,
				 "name too long", "%u bytes", n);
	if ((rc = rd_bytes(r, n, &s)))
		return rc;
	if (!utf8_valid(s, n))
		return hw__error(d->err, HB_EMALFORMED, r->section, at,
				 "malformed UTF-8 encoding", NULL);
	copy = hw__arena_alloc(&d->m->arena, (size_t)n + 1);
	if (!copy)
		return HB_ENOMEM;
	memcpy(copy, s, n);
	copy[n] = 0;
	out->s = copy;
	out->len = n;
	return 0;
}

static int rd_valtype(hw_rd *r, uint8_t *out)
{
	int rc = hw__rd_byte(r, out);

	if (rc)
		return rc;
	if (!hw__is_valtype(*out)) {
		*out = 0;
		r->p--;
		return hw__rd_fail(r, "malformed value type");
	}
	return 0;
}

static int rd_reftype(hw_rd *r, uint8_t *out)
{
	int rc = hw__rd_byte(r, out);

	if (rc)
		return rc;
	if (!hw__is_reftype(*out)) {
		r->p--;
		return hw__rd_fail(r, "malformed reference type");
	}
	return 0;
}

static int rd_limits(hw_rd *r, hw_limits *lim)
{
	uint8_t flag;
	int rc;

	if ((rc = hw__rd_byte(r, &flag)))
		return rc;
	if (flag > 1) {
		r->p--;
		return hw__rd_fail(r, "integer too large");
	}
	if ((rc = hw__rd_u32(r, &lim->min)))
		return rc;
	lim->has_max = flag == 1;
	lim->max = 0;
	if (lim->has_max && (rc = hw__rd_u32(r, &lim->max)))
		return rc;
	return 0;
}

static int rd_tabletype(hw_rd *r, hw_tabletype *t)
{
	int rc = rd_reftype(r, &t->elem);

	return rc ? rc : rd_limits(r, &t->lim);
}

static int rd_globaltype(hw_rd *r, hw_globaltype *g)
{
	uint8_t mut;
	int rc = rd_valtype(r, &g->type);

	if (rc || (rc = hw__rd_byte(r, &mut)))
		return rc;
	if (mut > 1) {
		r->p--;
		return hw__rd_fail(r, "malformed mutability");
	}
	g->mut = mut == 1;
	return 0;
}

/* ---- instructions ---- */

static int rd_zero(hw_rd *r)
{
	uint8_t b;
	int rc = hw__rd_byte(r, &b);

	if (rc)
		return rc;
	if (b != 0) {
		r->p--;
		return hw__rd_fail(r, "zero byte expected");
	}
	return 0;
}

static int rd_memarg(hw_rd *r, hw_instr *in)
{
	uint64_t off;
	int rc = hw__rd_u32(r, &in->a);

	if (rc)
		return rc;
	if (in->a >= 32)
		return hw__rd_fail(r, "malformed memop flags");
	if ((rc = rd_uleb(r, 32, &off)))
		return rc;
	in->imm = off;
	return 0;
}

int hw__read_instr(hw_rd *r, hw_instr *in)
{
	const hw_opinfo *info;
	uint8_t b;
	int rc;

	memset(in, 0, sizeof *in);
	in->pos = (size_t)(r->p - r->base);
	if ((rc = hw__rd_byte(r, &b)))
		return rc;
	in->op = b;
	if (b == 0xFC || b == 0xFD) {
		uint32_t sub;

		if ((rc = hw__rd_u32(r, &sub)))
			return rc;
		if (sub > 0xFF) {
			r->p = r->base + in->pos;
			return hw__rd_fail(r, "illegal opcode");
		}
		in->op = ((uint32_t)b << 8) | sub;
	}
	info = hw__opinfo(in->op);
	if (!info->name) {
		r->p = r->base + in->pos;
		return hw__rd_fail(r, "illegal opcode");
	}
	switch (info->imm) {
	case HW_IMM_NONE:
		return 0;
	case HW_IMM_BLOCK: {
		int64_t v;

		if (r->p >= r->end)
			return rd_eof(r);
		b = *r->p;
		if (b == 0x40) {
			r->p++;
			in->bt = 0;
			return 0;
		}
		if (hw__is_valtype(b)) {
			r->p++;
			in->bt = 1;
			in->a = b;
			return 0;
		}
		if ((rc = rd_sleb(r, 33, &v)))
			return rc;
		if (v < 0)
			return hw__rd_fail(r, "malformed block type");
		if (v > UINT32_MAX)
			return hw__rd_fail(r, "integer too large");
		in->bt = 2;
		in->a = (uint32_t)v;
		return 0;
	}
	case HW_IMM_LABEL:
	case HW_IMM_FUNC:
	case HW_IMM_LOCAL:
	case HW_IMM_GLOBAL:
	case HW_IMM_TABLE:
	case HW_IMM_DATA:
	case HW_IMM_ELEM:
		return hw__rd_u32(r, &in->a);
	case HW_IMM_BRTABLE: {
		size_t at = (size_t)(r->p - r->base);

		if ((rc = hw__rd_u32(r, &in->n)))
			return rc;
		if (in->n > HW_MAX_BR_TABLE)
			return hw__error(r->err, HB_ELIMIT, r->section, at,
					 "br_table too large", "%u targets",
					 in->n);
		in->vec = r->p;
		for (uint32_t i = 0; i < in->n; i++) {
			uint32_t t;

			if ((rc = hw__rd_u32(r, &t)))
				return rc;
		}
		return hw__rd_u32(r, &in->a); /* default */
	}
	case HW_IMM_CALLIND:
		if ((rc = hw__rd_u32(r, &in->a)))
			return rc;
		return hw__rd_u32(r, &in->b);
	case HW_IMM_MEMARG:
		return rd_memarg(r, in);
	case HW_IMM_MEM0:
		return rd_zero(r);
	case HW_IMM_I32: {
		int64_t v;

		if ((rc = rd_sleb(r, 32, &v)))
			return rc;
		in->imm = (uint32_t)v;
		return 0;
	}
	case HW_IMM_I64: {
		int64_t v;

		if ((rc = rd_sleb(r, 64, &v)))
			return rc;
		in->imm = (uint64_t)v;
		return 0;
	}
	case HW_IMM_F32: {
		const uint8_t *p;
		uint32_t v;

		if ((rc = rd_bytes(r, 4, &p)))
			return rc;
		memcpy(&v, p, 4);
		in->imm = v;
		return 0;
	}
	case HW_IMM_F64: {
		const uint8_t *p;

		if ((rc = rd_bytes(r, 8, &p)))
			return rc;
		memcpy(&in->imm, p, 8);
		return 0;
	}
	case HW_IMM_REFTYPE: {
		uint8_t t;

		if ((rc = rd_reftype(r, &t)))
			return rc;
		in->a = t;
		return 0;
	}
	case HW_IMM_SELECTT: {
		if ((rc = hw__rd_u32(r, &in->n)))
			return rc;
		if (in->n > (uint32_t)(r->end - r->p))
			return hw__rd_fail(r, "unexpected end");
		in->vec = r->p;
		for (uint32_t i = 0; i < in->n; i++) {
			uint8_t t;

			if ((rc = rd_valtype(r, &t)))
				return rc;
		}
		return 0;
	}
	case HW_IMM_MEMINIT:
		if ((rc = hw__rd_u32(r, &in->a)))
			return rc;
		return rd_zero(r);
	case HW_IMM_MEMCOPY:
		if ((rc = rd_zero(r)))
			return rc;
		return rd_zero(r);
	case HW_IMM_TABLEINIT: /* elemidx tableidx */
	case HW_IMM_TABLECOPY: /* dst src */
		if ((rc = hw__rd_u32(r, &in->a)))
			return rc;
		return hw__rd_u32(r, &in->b);
	case HW_IMM_V128:
	case HW_IMM_SHUFFLE:
		return rd_bytes(r, 16, &in->vec);
	case HW_IMM_LANE:
		if ((rc = hw__rd_byte(r, &b)))
			return rc;
		in->b = b;
		return 0;
	case HW_IMM_MEMLANE:
		if ((rc = rd_memarg(r, in)) || (rc = hw__rd_byte(r, &b)))
			return rc;
		in->b = b;
		return 0;
	}
	return hw__rd_fail(r, "illegal opcode");
}

/* Read an expression's instructions up to its final `end` (syntax only).
 * OUT: *uses_data (memory.init or data.drop seen). */
static int skip_expr(hw_rd *r, bool *uses_data)
{
	uint32_t depth = 0;
	hw_instr in;
	int rc;

	for (;;) {
		if (r->p >= r->end) {
			/* a body that stops without its `end` */
			return hw__rd_fail(r, r->in_section
						      ? "unexpected end of "
							"section or function"
						      : "END opcode expected");
		}
		if ((rc = hw__read_instr(r, &in)))
			return rc;
		switch (in.op) {
		case HW_OP_BLOCK:
		case HW_OP_LOOP:
		case HW_OP_IF:
			if (++depth > HW_MAX_NESTING)
				return hw__error(r->err, HB_ELIMIT, r->section,
						 in.pos, "nesting too deep",
						 NULL);
			break;
		case HW_OP_END:
			if (depth == 0)
				return 0;
			depth--;
			break;
		case HW_OP_MEMORY_INIT:
		case HW_OP_DATA_DROP:
			*uses_data = true;
			break;
		}
	}
}

/* A constant expression: decoded as any expression; constness is checked
 * by the validator, which sees kind/index/type of the single instruction
 * or HW_CX_GLOBAL with index UINT32_MAX for "not constant". */
enum { CX_BAD_NONCONST = 0xFE, CX_BAD_ARITY = 0xFF };

static int rd_constexpr(dctx *d, hw_constexpr *cx)
{
	hw_rd *r = &d->r;
	hw_instr in;
	uint32_t count = 0;
	bool nonconst = false, dummy = false;
	int rc;

	memset(cx, 0, sizeof *cx);
	cx->offset = (size_t)(r->p - r->base);
	for (;;) {
		const uint8_t *at = r->p;

		if ((rc = hw__read_instr(r, &in)))
			return rc;
		if (in.op == HW_OP_END)
			break;
		count++;
		switch (in.op) {
		case HW_OP_I32_CONST:
			cx->kind = HW_CX_CONST;
			cx->type = HW_I32;
			cx->val.i32 = (uint32_t)in.imm;
			break;
		case HW_OP_I64_CONST:
			cx->kind = HW_CX_CONST;
			cx->type = HW_I64;
			cx->val.i64 = in.imm;
			break;
		case HW_OP_F32_CONST:
			cx->kind = HW_CX_CONST;
			cx->type = HW_F32;
			cx->val.i32 = (uint32_t)in.imm;
			break;
		case HW_OP_F64_CONST:
			cx->kind = HW_CX_CONST;
			cx->type = HW_F64;
			cx->val.i64 = in.imm;
			break;
		case HW_OP_V128_CONST:
			cx->kind = HW_CX_CONST;
			cx->type = HW_V128;
			memcpy(cx->val.v128, in.vec, 16);
			break;
		case HW_OP_REF_NULL:
			cx->kind = HW_CX_REF_NULL;
			cx->type = (uint8_t)in.a;
			break;
		case HW_OP_REF_FUNC:
			cx->kind = HW_CX_REF_FUNC;
			cx->type = HW_FUNCREF;
			cx->index = in.a;
			break;
		case HW_OP_GLOBAL_GET:
			cx->kind = HW_CX_GLOBAL;
			cx->index = in.a;
			break;
		default:
			if (!nonconst)
				cx->offset = (size_t)(at - r->base);
			nonconst = true;
			/* skip a nested block's body too */
			if (in.op == HW_OP_BLOCK || in.op == HW_OP_LOOP ||
			    in.op == HW_OP_IF) {
				if ((rc = skip_expr(r, &dummy)))
					return rc;
			}
			break;
		}
	}
	if (nonconst)
		cx->kind = CX_BAD_NONCONST;
	else if (count != 1)
		cx->kind = CX_BAD_ARITY;
	return 0;
}

/* ---- sections ---- */

static int sec_type(dctx *d)
{
	hw_module *m = d->m;
	hw_rd *r = &d->r;
	uint32_t n;
	int rc;

	if ((rc = rd_count(r, HW_MAX_TYPES, 3, &n)))
		return rc;
	m->types = hw__arena_alloc(&m->arena, (size_t)n * sizeof *m->types);
	if (n && !m->types)
		return HB_ENOMEM;
	m->ntypes = n;
	for (uint32_t i = 0; i < n; i++) {
		hw_functype *ft = &m->types[i];
		uint32_t np, nr;
		size_t at;
		uint8_t form, *ts;

		if ((rc = hw__rd_byte(r, &form)))
			return rc;
		if (form != 0x60) {
			r->p--;
			return hw__rd_fail(r, "malformed functype");
		}
		at = (size_t)(r->p - r->base);
		if ((rc = hw__rd_u32(r, &np)))
			return rc;
		if (np > HW_MAX_PARAMS)
			return hw__error(d->err, HB_ELIMIT, r->section, at,
					 "too many parameters", "%u", np);
		if (np > (size_t)(r->end - r->p))
			return rd_eof(r);
		/* read params into a temporary spot, then results */
		ts = hw__arena_alloc(&m->arena, (size_t)np + HW_MAX_RESULTS);
		if (!ts)
			return HB_ENOMEM;
		for (uint32_t k = 0; k < np; k++)
			if ((rc = rd_valtype(r, &ts[k])))
				return rc;
		at = (size_t)(r->p - r->base);
		if ((rc = hw__rd_u32(r, &nr)))
			return rc;
		if (nr > HW_MAX_RESULTS)
			return hw__error(d->err, HB_ELIMIT, r->section, at,
					 "too many results", "%u", nr);
		for (uint32_t k = 0; k < nr; k++)
			if ((rc = rd_valtype(r, &ts[np + k])))
				return rc;
		ft->nparams = np;
		ft->nresults = nr;
		ft->params = ts;
		ft->results = ts + np;
		for (uint32_t k = 0; k < np; k++)
			ft->param_slots += hw__slots(ts[k]);
		for (uint32_t k = 0; k < nr; k++)
			ft->result_slots += hw__slots(ts[np + k]);
	}
	return 0;
}

static int sec_import(dctx *d)
{
	hw_module *m = d->m;
	hw_rd *r = &d->r;
	uint32_t n;
	int rc;

	if ((rc = rd_count(r, HW_MAX_IMPORTS, 4, &n)))
		return rc;
	m->imports = hw__arena_alloc(&m->arena, (size_t)n * sizeof *m->imports);
	if (n && !m->imports)
		return HB_ENOMEM;
	/* Imports come first in each index space. A function import keeps
	 * its type index in im->index until hw__decode renumbers it. */
	m->nimports = n;
	for (uint32_t i = 0; i < n; i++) {
		hw_import *im = &m->imports[i];
		uint8_t kind;

		im->offset = (size_t)(r->p - r->base);
		if ((rc = rd_name(d, &im->module)) ||
		    (rc = rd_name(d, &im->name)) ||
		    (rc = hw__rd_byte(r, &kind)))
			return rc;
		im->kind = kind;
		switch (kind) {
		case HW_EXTERN_FUNC: {
			uint32_t t;

			if ((rc = hw__rd_u32(r, &t)))
				return rc;
			im->index = t; /* its type index, for now */
			m->nfunc_imports++;
			break;
		}
		case HW_EXTERN_TABLE:
			if (!m->tables) {
				m->tables = hw__arena_alloc(
					&m->arena,
					(size_t)n * sizeof *m->tables);
				m->table_offsets = hw__arena_alloc(
					&m->arena, (size_t)n * sizeof(size_t));
				if (!m->tables || !m->table_offsets)
					return HB_ENOMEM;
			}
			im->index = m->ntable_imports++;
			m->table_offsets[im->index] = im->offset;
			if ((rc = rd_tabletype(r, &m->tables[im->index])))
				return rc;
			break;
		case HW_EXTERN_MEMORY:
			if (!m->mems) {
				m->mems = hw__arena_alloc(
					&m->arena, (size_t)n * sizeof *m->mems);
				m->mem_offsets = hw__arena_alloc(
					&m->arena, (size_t)n * sizeof(size_t));
				if (!m->mems || !m->mem_offsets)
					return HB_ENOMEM;
			}
			im->index = m->nmem_imports++;
			m->mem_offsets[im->index] = im->offset;
			if ((rc = rd_limits(r, &m->mems[im->index])))
				return rc;
			break;
		case HW_EXTERN_GLOBAL: {
			if (!m->globals) {
				m->globals = hw__arena_alloc(
					&m->arena,
					(size_t)n * sizeof *m->globals);
				if (!m->globals)
					return HB_ENOMEM;
			}
			im->index = m->nglobal_imports++;
			if ((rc = rd_globaltype(r, &m->globals[im->index])))
				return rc;
			break;
		}
		default:
			r->p--;
			return hw__rd_fail(r, "malformed import kind");
		}
	}
	return 0;
}

/* Grow an index space to hold `imports + n` entries, keeping the imports
 * read by sec_import. */
static void *grow_space(hw_module *m, void *old, size_t nold, size_t nnew,
			size_t elem)
{
	void *p = hw__arena_alloc(&m->arena, nnew * elem);

	if (p && old && nold)
		memcpy(p, old, nold * elem);
	return p;
}

static int sec_function(dctx *d)
{
	hw_module *m = d->m;
	hw_rd *r = &d->r;
	uint32_t n, nimp = m->nfunc_imports;
	hw_funcdecl *f;
	int rc;

	if ((rc = rd_count(r, HW_MAX_FUNCS, 1, &n)))
		return rc;
	if ((uint64_t)n + nimp > HW_MAX_FUNCS)
		return hw__error(d->err, HB_ELIMIT, r->section,
				 (size_t)(r->p - r->base), "too many functions",
				 NULL);
	f = grow_space(m, m->funcs, nimp, (size_t)nimp + n, sizeof *f);
	if (!f && nimp + n)
		return HB_ENOMEM;
	m->funcs = f;
	m->nfuncs = nimp + n;
	for (uint32_t i = 0; i < n; i++) {
		f[nimp + i].type_offset = (size_t)(r->p - r->base);
		if ((rc = hw__rd_u32(r, &f[nimp + i].type)))
			return rc;
	}
	return 0;
}

static int sec_table(dctx *d)
{
	hw_module *m = d->m;
	hw_rd *r = &d->r;
	uint32_t n, nimp = m->ntable_imports;
	int rc;

	if ((rc = rd_count(r, HW_MAX_TABLES, 3, &n)))
		return rc;
	if ((uint64_t)n + nimp > HW_MAX_TABLES)
		return hw__error(d->err, HB_ELIMIT, r->section,
				 (size_t)(r->p - r->base), "too many tables",
				 NULL);
	m->tables = grow_space(m, m->tables, nimp, (size_t)nimp + n,
			       sizeof *m->tables);
	m->table_offsets = grow_space(m, m->table_offsets, nimp,
				      (size_t)nimp + n, sizeof(size_t));
	if ((!m->tables || !m->table_offsets) && nimp + n)
		return HB_ENOMEM;
	m->ntables = nimp + n;
	for (uint32_t i = 0; i < n; i++) {
		m->table_offsets[nimp + i] = (size_t)(r->p - r->base);
		if ((rc = rd_tabletype(r, &m->tables[nimp + i])))
			return rc;
	}
	return 0;
}

static int sec_memory(dctx *d)
{
	hw_module *m = d->m;
	hw_rd *r = &d->r;
	uint32_t n, nimp = m->nmem_imports;
	int rc;

	if ((rc = rd_count(r, HW_MAX_TABLES, 2, &n)))
		return rc;
	m->mems =
		grow_space(m, m->mems, nimp, (size_t)nimp + n, sizeof *m->mems);
	m->mem_offsets = grow_space(m, m->mem_offsets, nimp, (size_t)nimp + n,
				    sizeof(size_t));
	if ((!m->mems || !m->mem_offsets) && nimp + n)
		return HB_ENOMEM;
	m->nmems = nimp + n;
	for (uint32_t i = 0; i < n; i++) {
		m->mem_offsets[nimp + i] = (size_t)(r->p - r->base);
		if ((rc = rd_limits(r, &m->mems[nimp + i])))
			return rc;
	}
	return 0;
}

static int sec_global(dctx *d)
{
	hw_module *m = d->m;
	hw_rd *r = &d->r;
	uint32_t n, nimp = m->nglobal_imports;
	int rc;

	if ((rc = rd_count(r, HW_MAX_GLOBALS, 3, &n)))
		return rc;
	if ((uint64_t)n + nimp > HW_MAX_GLOBALS)
		return hw__error(d->err, HB_ELIMIT, r->section,
				 (size_t)(r->p - r->base), "too many globals",
				 NULL);
	m->globals = grow_space(m, m->globals, nimp, (size_t)nimp + n,
				sizeof *m->globals);
	m->global_init = hw__arena_alloc(
		&m->arena, ((size_t)nimp + n) * sizeof *m->global_init);
	if ((!m->globals || !m->global_init) && nimp + n)
		return HB_ENOMEM;
	m->nglobals = nimp + n;
	for (uint32_t i = 0; i < n; i++) {
		if ((rc = rd_globaltype(r, &m->globals[nimp + i])) ||
		    (rc = rd_constexpr(d, &m->global_init[nimp + i])))
			return rc;
	}
	return 0;
}

static int sec_export(dctx *d)
{
	hw_module *m = d->m;
	hw_rd *r = &d->r;
	uint32_t n;
	int rc;

	if ((rc = rd_count(r, HW_MAX_EXPORTS, 3, &n)))
		return rc;
	m->exports = hw__arena_alloc(&m->arena, (size_t)n * sizeof *m->exports);
	if (n && !m->exports)
		return HB_ENOMEM;
	m->nexports = n;
	for (uint32_t i = 0; i < n; i++) {
		hw_export *e = &m->exports[i];
		uint8_t kind;

		e->offset = (size_t)(r->p - r->base);
		if ((rc = rd_name(d, &e->name)) || (rc = hw__rd_byte(r, &kind)))
			return rc;
		if (kind > HW_EXTERN_GLOBAL) {
			r->p--;
			return hw__rd_fail(r, "malformed export kind");
		}
		e->kind = kind;
		if ((rc = hw__rd_u32(r, &e->index)))
			return rc;
	}
	return 0;
}

static int sec_start(dctx *d)
{
	d->m->has_start = true;
	d->m->start_offset = (size_t)(d->r.p - d->r.base);
	return hw__rd_u32(&d->r, &d->m->start);
}

static int sec_element(dctx *d)
{
	hw_module *m = d->m;
	hw_rd *r = &d->r;
	uint32_t n;
	int rc;

	if ((rc = rd_count(r, HW_MAX_ELEM_SEGMENTS, 1, &n)))
		return rc;
	m->elems = hw__arena_alloc(&m->arena, (size_t)n * sizeof *m->elems);
	if (n && !m->elems)
		return HB_ENOMEM;
	m->nelems = n;
	for (uint32_t i = 0; i < n; i++) {
		hw_elemseg *e = &m->elems[i];
		uint32_t flags, cnt;
		bool exprs;

		e->pos = (size_t)(r->p - r->base);
		if ((rc = hw__rd_u32(r, &flags)))
			return rc;
		if (flags > 7)
			return hw__rd_fail(r,
					   "malformed elements segment kind");
		exprs = flags & 4;
		e->type = HW_FUNCREF;
		if (flags & 1)
			e->mode = (flags & 2) ? HW_SEG_DECLARATIVE
					      : HW_SEG_PASSIVE;
		else
			e->mode = HW_SEG_ACTIVE;
		if (e->mode == HW_SEG_ACTIVE) {
			if ((flags & 2) && (rc = hw__rd_u32(r, &e->table)))
				return rc;
			if ((rc = rd_constexpr(d, &e->offset)))
				return rc;
		}
		if (flags & 3) {
			/* elemkind (0x00 = funcref) or reftype */
			if (exprs) {
				if ((rc = rd_reftype(r, &e->type)))
					return rc;
			} else {
				uint8_t k;

				if ((rc = hw__rd_byte(r, &k)))
					return rc;
				if (k != 0) {
					r->p--;
					return hw__rd_fail(
						r, "malformed element kind");
				}
			}
		}
		if ((rc = rd_count(r, HW_MAX_ELEM_ITEMS, 1, &cnt)))
			return rc;
		e->count = cnt;
		e->items = hw__arena_alloc(&m->arena,
					   (size_t)cnt * sizeof *e->items);
		if (cnt && !e->items)
			return HB_ENOMEM;
		for (uint32_t k = 0; k < cnt; k++) {
			if (exprs) {
				if ((rc = rd_constexpr(d, &e->items[k])))
					return rc;
			} else {
				e->items[k].offset = (size_t)(r->p - r->base);
				e->items[k].kind = HW_CX_REF_FUNC;
				e->items[k].type = HW_FUNCREF;
				if ((rc = hw__rd_u32(r, &e->items[k].index)))
					return rc;
			}
		}
	}
	return 0;
}

static int sec_datacount(dctx *d)
{
	d->m->has_datacount = true;
	return hw__rd_u32(&d->r, &d->m->datacount);
}

static int sec_code(dctx *d)
{
	hw_module *m = d->m;
	hw_rd *r = &d->r;
	uint32_t n, nimp = m->nfunc_imports;
	int rc;

	m->code_seen = true;
	m->code_sec_offset = (size_t)(r->p - r->base);
	if ((rc = rd_count(r, HW_MAX_FUNCS, 2, &n)))
		return rc;
	m->ncode = n;
	if (n != m->nfuncs - nimp)
		return hw__error(
			d->err, HB_EMALFORMED, r->section, m->code_sec_offset,
			"function and code section have inconsistent lengths",
			"%u bodies for %u functions", n, m->nfuncs - nimp);
	for (uint32_t i = 0; i < n; i++) {
		hw_funcdecl *f = &m->funcs[nimp + i];
		size_t at = (size_t)(r->p - r->base);
		uint32_t size;
		const uint8_t *body;

		if ((rc = hw__rd_u32(r, &size)))
			return rc;
		if (size > HW_MAX_BODY_BYTES)
			return hw__error(d->err, HB_ELIMIT, r->section, at,
					 "function body too large", "%u bytes",
					 size);
		if ((rc = rd_bytes(r, size, &body)))
			return rc;
		f->body = body;
		f->body_end = body + size;
	}
	return 0;
}

static int sec_data(dctx *d)
{
	hw_module *m = d->m;
	hw_rd *r = &d->r;
	uint32_t n;
	int rc;

	if ((rc = rd_count(r, HW_MAX_DATA_SEGMENTS, 1, &n)))
		return rc;
	if (m->has_datacount && n != m->datacount)
		return hw__error(
			d->err, HB_EMALFORMED, r->section,
			(size_t)(r->p - r->base),
			"data count and data section have inconsistent lengths",
			NULL);
	m->datas = hw__arena_alloc(&m->arena, (size_t)n * sizeof *m->datas);
	if (n && !m->datas)
		return HB_ENOMEM;
	m->ndatas = n;
	for (uint32_t i = 0; i < n; i++) {
		hw_dataseg *s = &m->datas[i];
		uint32_t flags, len;

		s->pos = (size_t)(r->p - r->base);
		if ((rc = hw__rd_u32(r, &flags)))
			return rc;
		if (flags > 2)
			return hw__rd_fail(r, "malformed data segment kind");
		s->mode = flags == 1 ? HW_SEG_PASSIVE : HW_SEG_ACTIVE;
		if (flags == 2 && (rc = hw__rd_u32(r, &s->mem)))
			return rc;
		if (s->mode == HW_SEG_ACTIVE &&
		    (rc = rd_constexpr(d, &s->offset)))
			return rc;
		if ((rc = hw__rd_u32(r, &len)) ||
		    (rc = rd_bytes(r, len, &s->bytes)))
			return rc;
		s->len = len;
	}
	return 0;
}

int hw__read_locals(hw_rd *r, const hw_allocator *al, uint32_t *nlocals,
		    uint8_t **types, uint32_t nparams, const uint8_t *params)
{
	const uint8_t *start = r->p;
	uint32_t ngroups;
	uint64_t total = 0;
	uint8_t *ts = NULL;
	int rc;

	if ((rc = hw__rd_u32(r, &ngroups)))
		return rc;
	for (uint32_t g = 0; g < ngroups; g++) {
		uint32_t cnt;
		uint8_t t;

		if ((rc = hw__rd_u32(r, &cnt)) || (rc = rd_valtype(r, &t)))
			return rc;
		total += cnt;
		if (total > UINT32_MAX)
			return hw__rd_fail(r, "too many locals");
	}
	if (total > HW_MAX_LOCALS)
		return hw__error(r->err, HB_ELIMIT, r->section,
				 (size_t)(start - r->base), "too many locals",
				 "%llu > limit %u", (unsigned long long)total,
				 HW_MAX_LOCALS);
	*nlocals = nparams + (uint32_t)total;
	if (!types)
		return 0;
	ts = hw__malloc(al, (size_t)*nlocals + 1);
	if (!ts)
		return HB_ENOMEM;
	memcpy(ts, params, nparams);
	r->p = start;
	hw__rd_u32(r, &ngroups);
	total = nparams;
	for (uint32_t g = 0; g < ngroups; g++) {
		uint32_t cnt;
		uint8_t t;

		hw__rd_u32(r, &cnt);
		hw__rd_byte(r, &t);
		memset(ts + total, t, cnt);
		total += cnt;
	}
	*types = ts;
	return 0;
}

/* Check each body's locals and instruction syntax. */
static int check_bodies(dctx *d)
{
	hw_module *m = d->m;
	bool uses_data = false;
	int rc;

	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
		hw_funcdecl *f = &m->funcs[i];
		hw_rd r = {m->bytes, f->body,	  f->body_end,
			   d->err,   HW_SEC_CODE, true};
		uint32_t nl;

		if ((rc = hw__read_locals(&r, &m->al, &nl, NULL, 0, NULL)))
			return rc;
		r.in_section = false; /* "END opcode expected" */
		if (f->body_end == m->bytes + m->len || i + 1 == m->nfuncs)
			r.in_section = true;
		if ((rc = skip_expr(&r, &uses_data)))
			return rc;
		if (r.p != r.end)
			return hw__error(d->err, HB_EMALFORMED, HW_SEC_CODE,
					 (size_t)(r.p - m->bytes),
					 "section size mismatch",
					 "bytes after the end of function %u",
					 i);
	}
	/* a data index in code needs the data count section, unless there
	 * are no data segments at all (then validation says "unknown data
	 * segment") */
	if (uses_data && !m->has_datacount && m->ndatas)
		return hw__error(d->err, HB_EMALFORMED, HW_SEC_CODE,
				 m->code_sec_offset,
				 "data count section required", NULL);
	return 0;
}

/* Section order rank (custom sections are not ranked). */
static int rank(uint8_t id)
{
	static const int8_t order[13] = {0, 1, 2, 3,  4,  5, 6,
					 7, 8, 9, 11, 12, 10};
	return order[id];
}

int hw__decode(hw_module *m, hw_error *err)
{
	dctx d = {m,
		  err,
		  {m->bytes, m->bytes, m->bytes + m->len, err, -1, false}};
	hw_rd *top = &d.r;
	static const uint8_t magic[4] = {0, 'a', 's', 'm'};
	static const uint8_t version[4] = {1, 0, 0, 0};
	int last = 0, rc;

	if (m->len < 4)
		return hw__error(err, HB_EMALFORMED, -1, m->len,
				 "unexpected end", NULL);
	if (memcmp(m->bytes, magic, 4) != 0)
		return hw__error(err, HB_EMALFORMED, -1, 0,
				 "magic header not detected", NULL);
	if (m->len < 8)
		return hw__error(err, HB_EMALFORMED, -1, m->len,
				 "unexpected end", NULL);
	if (memcmp(m->bytes + 4, version, 4) != 0)
		return hw__error(err, HB_EMALFORMED, -1, 4,
				 "unknown binary version", NULL);
	top->p = m->bytes + 8;
	while (top->p < top->end) {
		const uint8_t *sec_at = top->p;
		uint8_t id;
		uint32_t size;
		const uint8_t *body;
		hw_rd saved;

		top->section = -1;
		top->in_section = false;
		if ((rc = hw__rd_byte(top, &id)))
			return rc;
		if (id > 12) {
			top->p--;
			return hw__rd_fail(top, "malformed section id");
		}
		top->section = id;
		if ((rc = hw__rd_u32(top, &size)))
			return rc;
		if ((size_t)(top->end - top->p) < size)
			return hw__rd_fail(top, "length out of bounds");
		body = top->p;
		top->p += size;
		if (id != HW_SEC_CUSTOM) {
			if (rank(id) <= last)
				return hw__error(
					err, HB_EMALFORMED, id,
					(size_t)(sec_at - m->bytes),
					"unexpected content after last section",
					"section out of order or repeated");
			last = rank(id);
		}
		saved = *top;
		d.r = (hw_rd){m->bytes, body, body + size, err, id, true};
		switch (id) {
		case HW_SEC_CUSTOM: {
			hw_name name;

			rc = rd_name(&d, &name);
			d.r.p = d.r.end;
			break;
		}
		case HW_SEC_TYPE:
			rc = sec_type(&d);
			break;
		case HW_SEC_IMPORT:
			rc = sec_import(&d);
			break;
		case HW_SEC_FUNCTION:
			rc = sec_function(&d);
			break;
		case HW_SEC_TABLE:
			rc = sec_table(&d);
			break;
		case HW_SEC_MEMORY:
			rc = sec_memory(&d);
			break;
		case HW_SEC_GLOBAL:
			rc = sec_global(&d);
			break;
		case HW_SEC_EXPORT:
			rc = sec_export(&d);
			break;
		case HW_SEC_START:
			rc = sec_start(&d);
			break;
		case HW_SEC_ELEMENT:
			rc = sec_element(&d);
			break;
		case HW_SEC_CODE:
			rc = sec_code(&d);
			break;
		case HW_SEC_DATA:
			rc = sec_data(&d);
			break;
		case HW_SEC_DATACOUNT:
			rc = sec_datacount(&d);
			break;
		default:
			rc = 0;
			break;
		}
		if (rc)
			return rc;
		if (d.r.p != d.r.end)
			return hw__error(err, HB_EMALFORMED, id,
					 (size_t)(d.r.p - m->bytes),
					 "section size mismatch", NULL);
		*top = saved;
	}
	if (m->nfuncs < m->nfunc_imports)
		m->nfuncs = m->nfunc_imports;
	if (!m->code_seen && m->nfuncs != m->nfunc_imports)
		return hw__error(
			err, HB_EMALFORMED, -1, m->len,
			"function and code section have inconsistent lengths",
			"%u functions without bodies",
			m->nfuncs - m->nfunc_imports);
	if (m->has_datacount && m->datacount != m->ndatas)
		return hw__error(
			err, HB_EMALFORMED, -1, m->len,
			"data count and data section have inconsistent lengths",
			NULL);
	/* index spaces with only imports */
	if (!m->funcs && m->nfunc_imports) {
		m->funcs = hw__arena_alloc(&m->arena, (size_t)m->nfunc_imports *
							      sizeof *m->funcs);
		if (!m->funcs)
			return HB_ENOMEM;
	}
	if (m->ntables < m->ntable_imports)
		m->ntables = m->ntable_imports;
	if (m->nmems < m->nmem_imports)
		m->nmems = m->nmem_imports;
	if (m->nglobals < m->nglobal_imports)
		m->nglobals = m->nglobal_imports;
	if (!m->global_init && m->nglobals) {
		m->global_init = hw__arena_alloc(
			&m->arena,
			(size_t)m->nglobals * sizeof *m->global_init);
		if (!m->global_init)
			return HB_ENOMEM;
	}
	if (!m->mem_offsets && m->nmems) {
		m->mem_offsets = hw__arena_alloc(
			&m->arena, (size_t)m->nmems * sizeof(size_t));
		if (!m->mem_offsets)
			return HB_ENOMEM;
	}
	if (!m->table_offsets && m->ntables) {
		m->table_offsets = hw__arena_alloc(
			&m->arena, (size_t)m->ntables * sizeof(size_t));
		if (!m->table_offsets)
			return HB_ENOMEM;
	}
	/* function imports: type index recorded on the import */
	for (uint32_t i = 0, fi = 0; i < m->nimports; i++) {
		hw_import *im = &m->imports[i];

		if (im->kind != HW_EXTERN_FUNC)
			continue;
		m->funcs[fi].type = im->index;
		m->funcs[fi].type_offset = im->offset;
		m->funcs[fi].refslot = UINT32_MAX;
		im->index = fi++;
	}
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++)
		m->funcs[i].refslot = UINT32_MAX;
	return check_bodies(&d);
}
