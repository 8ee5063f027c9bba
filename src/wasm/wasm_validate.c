/* wasm_validate.c — the validator: index spaces, limits, constant
 * expressions, exports, segments, and the type checking of every function
 * body (the algorithm of the spec's appendix), SIMD included. Failures are
 * HB_EINVALID with the spec's wording as the reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/error.h"
#include "wasm_int.h"
#include "wasm_opcodes.h"

#define T_UNKNOWN 0 /* the bottom type of unreachable code */

static int invalid(hw_error *err, int section, size_t off, const char *reason)
{
	return hw__error(err, HB_EINVALID, section, off, reason, NULL);
}

/* ---- module-level checks ---- */

static int check_limits(hw_error *err, int sec, size_t off, const hw_limits *l,
			uint64_t bound, bool memory)
{
	if (memory && (l->min > bound || (l->has_max && l->max > bound)))
		return invalid(
			err, sec, off,
			"memory size must be at most 65536 pages (4GiB)");
	if (l->has_max && l->min > l->max)
		return invalid(err, sec, off,
			       "size minimum must not be greater than maximum");
	return 0;
}

/* The type of constant expression cx, checked; OUT: *type. */
static int check_constexpr(hw_module *m, hw_error *err, int sec,
			   const hw_constexpr *cx, uint8_t want)
{
	uint8_t t;

	switch (cx->kind) {
	case HW_CX_CONST:
	case HW_CX_REF_NULL:
		t = cx->type;
		break;
	case HW_CX_REF_FUNC:
		if (cx->index >= m->nfuncs)
			return hw__error(err, HB_EINVALID, sec, cx->offset,
					 "unknown function", "%u", cx->index);
		t = HW_FUNCREF;
		break;
	case HW_CX_GLOBAL:
		if (cx->index >= m->nglobal_imports)
			return hw__error(err, HB_EINVALID, sec, cx->offset,
					 "unknown global", "%u", cx->index);
		if (m->globals[cx->index].mut)
			return invalid(err, sec, cx->offset,
				       "constant expression required");
		t = m->globals[cx->index].type;
		break;
	case 0xFE:
		return invalid(err, sec, cx->offset,
			       "constant expression required");
	default:
		return hw__error(err, HB_EINVALID, sec, cx->offset,
				 "type mismatch",
				 "a constant expression yields one value");
	}
	if (t != want)
		return hw__error(err, HB_EINVALID, sec, cx->offset,
				 "type mismatch", "expected %s, got %s",
				 hw__typename(want), hw__typename(t));
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	const hw_export *x = *(const hw_export *const *)a;
	const hw_export *y = *(const hw_export *const *)b;
	uint32_t n = x->name.len < y->name.len ? x->name.len : y->name.len;
	int c = memcmp(x->name.s, y->name.s, n);

	if (c)
		return c;
	return x->name.len < y->name.len ? -1 : x->name.len > y->name.len;
}

/* Mark function f as referenceable (C.refs). */
static void declare_ref(uint8_t *refs, uint32_t f)
{
	refs[f >> 3] |= (uint8_t)(1u << (f & 7));
}

static bool is_declared(const uint8_t *refs, uint32_t f)
{
	return refs[f >> 3] & (1u << (f & 7));
}

static int check_module(hw_module *m, hw_error *err, uint8_t *refs)
{
	int rc;

	for (uint32_t i = 0; i < m->nfuncs; i++)
		if (m->funcs[i].type >= m->ntypes)
			return hw__error(err, HB_EINVALID,
					 i < m->nfunc_imports ? HW_SEC_IMPORT
							      : HW_SEC_FUNCTION,
					 m->funcs[i].type_offset,
					 "unknown type", "%u",
					 m->funcs[i].type);
	for (uint32_t i = 0; i < m->ntables; i++)
		if ((rc = check_limits(err,
				       i < m->ntable_imports ? HW_SEC_IMPORT
							     : HW_SEC_TABLE,
				       m->table_offsets[i], &m->tables[i].lim,
				       UINT32_MAX, false)))
			return rc;
	for (uint32_t i = 0; i < m->nmems; i++)
		if ((rc = check_limits(err,
				       i < m->nmem_imports ? HW_SEC_IMPORT
							   : HW_SEC_MEMORY,
				       m->mem_offsets[i], &m->mems[i], 65536,
				       true)))
			return rc;
	if (m->nmems > 1)
		return invalid(err,
			       m->nmem_imports > 1 ? HW_SEC_IMPORT
						   : HW_SEC_MEMORY,
			       m->mem_offsets[1], "multiple memories");
	for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
		const hw_constexpr *cx = &m->global_init[i];

		if ((rc = check_constexpr(m, err, HW_SEC_GLOBAL, cx,
					  m->globals[i].type)))
			return rc;
		if (cx->kind == HW_CX_REF_FUNC)
			declare_ref(refs, cx->index);
	}
	/* exports */
	if (m->nexports) {
		const hw_export **sorted =
			hw__malloc(&m->al, m->nexports * sizeof *sorted);

		if (!sorted)
			return HB_ENOMEM;
		for (uint32_t i = 0; i < m->nexports; i++) {
			const hw_export *e = &m->exports[i];
			static const char *const unknown[] = {
				"unknown function", "unknown table",
				"unknown memory", "unknown global"};
			uint32_t bound =
				e->kind == HW_EXTERN_FUNC     ? m->nfuncs
				: e->kind == HW_EXTERN_TABLE  ? m->ntables
				: e->kind == HW_EXTERN_MEMORY ? m->nmems
							      : m->nglobals;

			sorted[i] = e;
			if (e->index >= bound) {
				hw__free(&m->al, sorted);
				return hw__error(err, HB_EINVALID,
						 HW_SEC_EXPORT, e->offset,
						 unknown[e->kind], "%u",
						 e->index);
			}
			if (e->kind == HW_EXTERN_FUNC)
				declare_ref(refs, e->index);
		}
		qsort(sorted, m->nexports, sizeof *sorted, cmp_names);
		for (uint32_t i = 1; i < m->nexports; i++) {
			if (cmp_names(&sorted[i - 1], &sorted[i]) == 0) {
				size_t off = sorted[i]->offset;

				hw__free(&m->al, sorted);
				return invalid(err, HW_SEC_EXPORT, off,
					       "duplicate export name");
			}
		}
		hw__free(&m->al, sorted);
	}
	if (m->has_start) {
		const hw_functype *ft;

		if (m->start >= m->nfuncs)
			return hw__error(err, HB_EINVALID, HW_SEC_START,
					 m->start_offset, "unknown function",
					 "%u", m->start);
		ft = &m->types[m->funcs[m->start].type];
		if (ft->nparams || ft->nresults)
			return invalid(err, HW_SEC_START, m->start_offset,
				       "start function");
	}
	for (uint32_t i = 0; i < m->nelems; i++) {
		hw_elemseg *e = &m->elems[i];

		if (e->mode == HW_SEG_ACTIVE) {
			if (e->table >= m->ntables)
				return hw__error(err, HB_EINVALID,
						 HW_SEC_ELEMENT, e->pos,
						 "unknown table", "%u",
						 e->table);
			if (m->tables[e->table].elem != e->type)
				return hw__error(
					err, HB_EINVALID, HW_SEC_ELEMENT,
					e->pos, "type mismatch",
					"segment of %s for a table of %s",
					hw__typename(e->type),
					hw__typename(m->tables[e->table].elem));
			if ((rc = check_constexpr(m, err, HW_SEC_ELEMENT,
						  &e->offset, HW_I32)))
				return rc;
		}
		for (uint32_t k = 0; k < e->count; k++) {
			if ((rc = check_constexpr(m, err, HW_SEC_ELEMENT,
						  &e->items[k], e->type)))
				return rc;
			if (e->items[k].kind == HW_CX_REF_FUNC)
				declare_ref(refs, e->items[k].index);
		}
	}
	for (uint32_t i = 0; i < m->ndatas; i++) {
		hw_dataseg *s = &m->datas[i];

		if (s->mode != HW_SEG_ACTIVE)
			continue;
		if (s->mem >= m->nmems)
			return hw__error(err, HB_EINVALID, HW_SEC_DATA, s->pos,
					 "unknown memory", "%u", s->mem);
		if ((rc = check_constexpr(m, err, HW_SEC_DATA, &s->offset,
					  HW_I32)))
			return rc;
	}
	return 0;
}

/* ---- function bodies ---- */

typedef struct vctl {
	uint32_t op;	 /* block, loop, if, else; 0 for the body */
	uint32_t height; /* value stack height at entry */
	uint32_t np, nr;
	const uint8_t *params, *results;
	uint8_t single; /* storage for a one-value blocktype */
	bool unreachable;
} vctl;

typedef struct vctx {
	hw_module *m;
	hw_error *err;
	const uint8_t *refs;
	uint32_t func;
	const uint8_t *locals;
	uint32_t nlocals;
	uint8_t *vals;
	uint32_t nvals, capvals;
	vctl *ctls;
	uint32_t nctls, capctls;
	size_t pos; /* current instruction, for errors */
} vctx;

static int verr(vctx *v, const char *reason, const char *detail)
{
	return hw__error(v->err, HB_EINVALID, HW_SEC_CODE, v->pos, reason,
			 "function %u%s%s", v->func, detail ? ": " : "",
			 detail ? detail : "");
}

static int push(vctx *v, uint8_t t)
{
	if (v->nvals == v->capvals) {
		uint32_t cap = v->capvals ? v->capvals * 2 : 64;
		uint8_t *p = hw__realloc(&v->m->al, v->vals, cap);

		if (!p)
			return HB_ENOMEM;
		v->vals = p;
		v->capvals = cap;
	}
	v->vals[v->nvals++] = t;
	return 0;
}

/* Pop one value expected to be `want` (T_UNKNOWN: any). OUT: *got. */
static int pop(vctx *v, uint8_t want, uint8_t *got)
{
	vctl *c = &v->ctls[v->nctls - 1];
	uint8_t t;

	if (v->nvals == c->height) {
		if (c->unreachable) {
			if (got)
				*got = want;
			return 0;
		}
		return verr(v, "type mismatch", "operand stack underflow");
	}
	t = v->vals[--v->nvals];
	if (want != T_UNKNOWN && t != T_UNKNOWN && t != want) {
		char d[64];

		snprintf(d, sizeof d, "expected %s, got %s", hw__typename(want),
			 hw__typename(t));
		return verr(v, "type mismatch", d);
	}
	if (got)
		*got = t == T_UNKNOWN ? want : t;
	return 0;
}

static int pop_vals(vctx *v, const uint8_t *ts, uint32_t n)
{
	int rc;

	for (uint32_t i = n; i-- > 0;)
		if ((rc = pop(v, ts[i], NULL)))
			return rc;
	return 0;
}

static int push_vals(vctx *v, const uint8_t *ts, uint32_t n)
{
	int rc;

	for (uint32_t i = 0; i < n; i++)
		if ((rc = push(v, ts[i])))
			return rc;
	return 0;
}

static int push_ctl(vctx *v, uint32_t op, const uint8_t *params, uint32_t np,
		    const uint8_t *results, uint32_t nr, uint8_t single)
{
	vctl *c;

	if (v->nctls == v->capctls) {
		uint32_t cap = v->capctls ? v->capctls * 2 : 16;
		vctl *p = hw__realloc(&v->m->al, v->ctls, cap * sizeof *p);

		if (!p)
			return HB_ENOMEM;
		v->ctls = p;
		v->capctls = cap;
	}
	c = &v->ctls[v->nctls++];
	c->op = op;
	c->height = v->nvals;
	c->np = np;
	c->nr = nr;
	c->single = single;
	c->params = params;
	c->results = results; /* NULL when single: see ctl_results */
	c->unreachable = false;
	return push_vals(v, params, np);
}

/* A frame's result types (a one-value blocktype is kept in the frame). */
static const uint8_t *ctl_results(const vctl *c)
{
	return c->nr == 1 && c->single ? &c->single : c->results;
}

/* The types a branch to c carries. */
static void label_types(vctl *c, const uint8_t **ts, uint32_t *n)
{
	if (c->op == HW_OP_LOOP) {
		*ts = c->params;
		*n = c->np;
	} else {
		*ts = ctl_results(c);
		*n = c->nr;
	}
}

static void set_unreachable(vctx *v)
{
	vctl *c = &v->ctls[v->nctls - 1];

	v->nvals = c->height;
	c->unreachable = true;
}

/* Blocktype → params/results. */
static int blocktype(vctx *v, const hw_instr *in, const uint8_t **params,
		     uint32_t *np, const uint8_t **results, uint32_t *nr,
		     uint8_t *single)
{
	*single = 0;
	*np = *nr = 0;
	*params = *results = NULL;
	if (in->bt == 1) {
		*single = (uint8_t)in->a;
		*nr = 1;
	} else if (in->bt == 2) {
		const hw_functype *ft;

		if (in->a >= v->m->ntypes)
			return verr(v, "unknown type", NULL);
		ft = &v->m->types[in->a];
		*params = ft->params;
		*np = ft->nparams;
		*results = ft->results;
		*nr = ft->nresults;
	}
	return 0;
}

static int check_sig(vctx *v, const char *sig)
{
	const char *colon = strchr(sig, ':');
	int rc;

	for (const char *p = colon; p-- > sig;) {
		uint8_t t = *p == 'i'	? HW_I32
			    : *p == 'l' ? HW_I64
			    : *p == 'f' ? HW_F32
			    : *p == 'd' ? HW_F64
					: HW_V128;

		if ((rc = pop(v, t, NULL)))
			return rc;
	}
	for (const char *p = colon + 1; *p; p++) {
		uint8_t t = *p == 'i'	? HW_I32
			    : *p == 'l' ? HW_I64
			    : *p == 'f' ? HW_F32
			    : *p == 'd' ? HW_F64
					: HW_V128;

		if ((rc = push(v, t)))
			return rc;
	}
	return 0;
}

static int need_memory(vctx *v)
{
	if (v->m->nmems == 0)
		return verr(v, "unknown memory", "0");
	return 0;
}

static int need_table(vctx *v, uint32_t t)
{
	if (t >= v->m->ntables) {
		char d[32];

		snprintf(d, sizeof d, "%u", t);
		return verr(v, "unknown table", d);
	}
	return 0;
}

static int need_data(vctx *v, uint32_t d)
{
	if (d >= (v->m->has_datacount ? v->m->datacount : v->m->ndatas)) {
		char s[32];

		snprintf(s, sizeof s, "%u", d);
		return verr(v, "unknown data segment", s);
	}
	return 0;
}

static int need_elem(vctx *v, uint32_t e)
{
	if (e >= v->m->nelems) {
		char s[32];

		snprintf(s, sizeof s, "%u", e);
		return verr(v, "unknown elem segment", s);
	}
	return 0;
}

static int validate_instr(vctx *v, const hw_instr *in, bool *done)
{
	hw_module *m = v->m;
	const hw_opinfo *info = hw__opinfo(in->op);
	uint8_t t, t2;
	int rc;

	v->pos = in->pos;
	/* memory access: memory present, alignment within natural */
	if (info->imm == HW_IMM_MEMARG || info->imm == HW_IMM_MEMLANE) {
		uint32_t natural = info->imm == HW_IMM_MEMLANE
					   ? (info->arg == 16  ? 0
					      : info->arg == 8 ? 1
					      : info->arg == 4 ? 2
							       : 3)
					   : info->arg;

		if ((rc = need_memory(v)))
			return rc;
		if (in->a > natural)
			return verr(v,
				    "alignment must not be larger than natural",
				    NULL);
	}
	if (info->imm == HW_IMM_LANE || info->imm == HW_IMM_MEMLANE) {
		if (in->b >= info->arg)
			return verr(v, "invalid lane index", NULL);
	}
	if (info->imm == HW_IMM_SHUFFLE) {
		for (int i = 0; i < 16; i++)
			if (in->vec[i] >= 32)
				return verr(v, "invalid lane index", NULL);
	}
	if (info->imm == HW_IMM_MEM0 && (rc = need_memory(v)))
		return rc;
	if (info->sig)
		return check_sig(v, info->sig);

	switch (in->op) {
	case HW_OP_UNREACHABLE:
		set_unreachable(v);
		return 0;
	case HW_OP_BLOCK:
	case HW_OP_LOOP:
	case HW_OP_IF: {
		const uint8_t *ps, *rs;
		uint32_t np, nr;
		uint8_t single;

		if ((rc = blocktype(v, in, &ps, &np, &rs, &nr, &single)))
			return rc;
		if (in->op == HW_OP_IF && (rc = pop(v, HW_I32, NULL)))
			return rc;
		if ((rc = pop_vals(v, ps, np)))
			return rc;
		return push_ctl(v, in->op, ps, np, rs, nr, single);
	}
	case HW_OP_ELSE: {
		vctl *c = &v->ctls[v->nctls - 1];

		if (c->op != HW_OP_IF)
			return verr(v, "else without if", NULL);
		if ((rc = pop_vals(v, ctl_results(c), c->nr)))
			return rc;
		if (v->nvals != c->height)
			return verr(v, "type mismatch", "values left in block");
		c->op = HW_OP_ELSE;
		c->unreachable = false;
		return push_vals(v, c->params, c->np);
	}
	case HW_OP_END: {
		vctl *c = &v->ctls[v->nctls - 1];
		vctl saved;

		if ((rc = pop_vals(v, ctl_results(c), c->nr)))
			return rc;
		if (v->nvals != c->height)
			return verr(v, "type mismatch", "values left in block");
		/* if without else: the params pass through as results */
		if (c->op == HW_OP_IF) {
			if (c->np != c->nr ||
			    (c->np && memcmp(c->params, ctl_results(c), c->np)))
				return verr(v, "type mismatch",
					    "if without else must not change "
					    "types");
		}
		saved = *c;
		v->nctls--;
		if (v->nctls == 0) {
			*done = true;
			return 0;
		}
		return push_vals(v,
				 saved.nr == 1 && saved.single ? &saved.single
							       : saved.results,
				 saved.nr);
	}
	case HW_OP_BR:
	case HW_OP_BR_IF: {
		const uint8_t *ts;
		uint32_t n;

		if (in->a >= v->nctls)
			return verr(v, "unknown label", NULL);
		if (in->op == HW_OP_BR_IF && (rc = pop(v, HW_I32, NULL)))
			return rc;
		label_types(&v->ctls[v->nctls - 1 - in->a], &ts, &n);
		if ((rc = pop_vals(v, ts, n)))
			return rc;
		if (in->op == HW_OP_BR) {
			set_unreachable(v);
			return 0;
		}
		return push_vals(v, ts, n);
	}
	case HW_OP_BR_TABLE: {
		const uint8_t *p = in->vec, *dts;
		uint32_t dn;

		if ((rc = pop(v, HW_I32, NULL)))
			return rc;
		if (in->a >= v->nctls)
			return verr(v, "unknown label", NULL);
		label_types(&v->ctls[v->nctls - 1 - in->a], &dts, &dn);
		for (uint32_t i = 0; i < in->n; i++) {
			uint32_t l = hw__leb_next(&p);
			const uint8_t *ts;
			uint32_t n;
			uint32_t h = v->nvals;

			if (l >= v->nctls)
				return verr(v, "unknown label", NULL);
			label_types(&v->ctls[v->nctls - 1 - l], &ts, &n);
			if (n != dn)
				return verr(v, "type mismatch",
					    "br_table targets differ in arity");
			/* pop the label's types and put the stack back:
			 * popping does not change the entries */
			if ((rc = pop_vals(v, ts, n)))
				return rc;
			v->nvals = h;
		}
		if ((rc = pop_vals(v, dts, dn)))
			return rc;
		set_unreachable(v);
		return 0;
	}
	case HW_OP_RETURN: {
		vctl *c = &v->ctls[0];

		if ((rc = pop_vals(v, c->results, c->nr)))
			return rc;
		set_unreachable(v);
		return 0;
	}
	case HW_OP_CALL: {
		const hw_functype *ft;

		if (in->a >= m->nfuncs)
			return verr(v, "unknown function", NULL);
		ft = &m->types[m->funcs[in->a].type];
		if ((rc = pop_vals(v, ft->params, ft->nparams)))
			return rc;
		return push_vals(v, ft->results, ft->nresults);
	}
	case HW_OP_CALL_INDIRECT: {
		const hw_functype *ft;

		if ((rc = need_table(v, in->b)))
			return rc;
		if (in->a >= m->ntypes)
			return verr(v, "unknown type", NULL);
		if (m->tables[in->b].elem != HW_FUNCREF)
			return verr(
				v, "type mismatch",
				"call_indirect through a non-funcref table");
		ft = &m->types[in->a];
		if ((rc = pop(v, HW_I32, NULL)) ||
		    (rc = pop_vals(v, ft->params, ft->nparams)))
			return rc;
		return push_vals(v, ft->results, ft->nresults);
	}
	case HW_OP_DROP:
		return pop(v, T_UNKNOWN, NULL);
	case HW_OP_SELECT: {
		if ((rc = pop(v, HW_I32, NULL)) ||
		    (rc = pop(v, T_UNKNOWN, &t)) ||
		    (rc = pop(v, T_UNKNOWN, &t2)))
			return rc;
		if (hw__is_reftype(t) || hw__is_reftype(t2))
			return verr(v, "type mismatch",
				    "select without type on references");
		if (t != T_UNKNOWN && t2 != T_UNKNOWN && t != t2)
			return verr(v, "type mismatch",
				    "select operands differ");
		return push(v, t == T_UNKNOWN ? t2 : t);
	}
	case HW_OP_SELECT_T:
		if (in->n != 1)
			return verr(v, "invalid result arity", NULL);
		t = in->vec[0];
		if ((rc = pop(v, HW_I32, NULL)) || (rc = pop(v, t, NULL)) ||
		    (rc = pop(v, t, NULL)))
			return rc;
		return push(v, t);
	case HW_OP_LOCAL_GET:
	case HW_OP_LOCAL_SET:
	case HW_OP_LOCAL_TEE:
		if (in->a >= v->nlocals)
			return verr(v, "unknown local", NULL);
		t = v->locals[in->a];
		if (in->op == HW_OP_LOCAL_GET)
			return push(v, t);
		if ((rc = pop(v, t, NULL)))
			return rc;
		return in->op == HW_OP_LOCAL_TEE ? push(v, t) : 0;
	case HW_OP_GLOBAL_GET:
	case HW_OP_GLOBAL_SET:
		if (in->a >= m->nglobals)
			return verr(v, "unknown global", NULL);
		t = m->globals[in->a].type;
		if (in->op == HW_OP_GLOBAL_GET)
			return push(v, t);
		if (!m->globals[in->a].mut)
			return verr(v, "global is immutable", NULL);
		return pop(v, t, NULL);
	case HW_OP_TABLE_GET:
		if ((rc = need_table(v, in->a)) || (rc = pop(v, HW_I32, NULL)))
			return rc;
		return push(v, m->tables[in->a].elem);
	case HW_OP_TABLE_SET:
		if ((rc = need_table(v, in->a)) ||
		    (rc = pop(v, m->tables[in->a].elem, NULL)))
			return rc;
		return pop(v, HW_I32, NULL);
	case HW_OP_TABLE_SIZE:
		if ((rc = need_table(v, in->a)))
			return rc;
		return push(v, HW_I32);
	case HW_OP_TABLE_GROW:
		if ((rc = need_table(v, in->a)) ||
		    (rc = pop(v, HW_I32, NULL)) ||
		    (rc = pop(v, m->tables[in->a].elem, NULL)))
			return rc;
		return push(v, HW_I32);
	case HW_OP_TABLE_FILL:
		if ((rc = need_table(v, in->a)) ||
		    (rc = pop(v, HW_I32, NULL)) ||
		    (rc = pop(v, m->tables[in->a].elem, NULL)) ||
		    (rc = pop(v, HW_I32, NULL)))
			return rc;
		return 0;
	case HW_OP_TABLE_COPY:
		if ((rc = need_table(v, in->a)) || (rc = need_table(v, in->b)))
			return rc;
		if (m->tables[in->a].elem != m->tables[in->b].elem)
			return verr(v, "type mismatch",
				    "table element types differ");
		return check_sig(v, "iii:");
	case HW_OP_TABLE_INIT:
		if ((rc = need_elem(v, in->a)) || (rc = need_table(v, in->b)))
			return rc;
		if (m->elems[in->a].type != m->tables[in->b].elem)
			return verr(v, "type mismatch",
				    "segment and table element types differ");
		return check_sig(v, "iii:");
	case HW_OP_ELEM_DROP:
		return need_elem(v, in->a);
	case HW_OP_MEMORY_INIT:
		if ((rc = need_memory(v)) || (rc = need_data(v, in->a)))
			return rc;
		return check_sig(v, "iii:");
	case HW_OP_DATA_DROP:
		return need_data(v, in->a);
	case HW_OP_MEMORY_COPY:
	case HW_OP_MEMORY_FILL:
		if ((rc = need_memory(v)))
			return rc;
		return check_sig(v, "iii:");
	case HW_OP_REF_NULL:
		return push(v, (uint8_t)in->a);
	case HW_OP_REF_IS_NULL:
		if ((rc = pop(v, T_UNKNOWN, &t)))
			return rc;
		if (t != T_UNKNOWN && !hw__is_reftype(t))
			return verr(v, "type mismatch",
				    "ref.is_null on a number");
		return push(v, HW_I32);
	case HW_OP_REF_FUNC:
		if (in->a >= m->nfuncs)
			return verr(v, "unknown function", NULL);
		if (!is_declared(v->refs, in->a))
			return verr(v, "undeclared function reference", NULL);
		return push(v, HW_FUNCREF);
	}
	return verr(v, "illegal opcode", NULL);
}

static int validate_body(hw_module *m, hw_error *err, const uint8_t *refs,
			 uint32_t fi, vctx *v)
{
	hw_funcdecl *f = &m->funcs[fi];
	const hw_functype *ft = &m->types[f->type];
	hw_rd r = {m->bytes, f->body, f->body_end, err, HW_SEC_CODE, true};
	uint8_t *locals = NULL;
	bool done = false;
	int rc;

	v->func = fi;
	v->nvals = 0;
	v->nctls = 0;
	if ((rc = hw__read_locals(&r, &m->al, &v->nlocals, &locals, ft->nparams,
				  ft->params)))
		return rc;
	v->locals = locals;
	if ((rc = push_ctl(v, 0, NULL, 0, ft->results, ft->nresults, 0)))
		goto out;
	v->nvals = 0; /* params are locals, not operands */
	while (!done) {
		hw_instr in;

		if ((rc = hw__read_instr(&r, &in)))
			goto out;
		if ((rc = validate_instr(v, &in, &done)))
			goto out;
	}
out:
	hw__free(&m->al, locals);
	return rc;
}

int hw__validate(hw_module *m, hw_error *err)
{
	uint8_t *refs = hw__calloc(&m->al, (m->nfuncs + 7) / 8 + 1, 1);
	vctx v = {0};
	int rc;

	if (!refs)
		return HB_ENOMEM;
	if ((rc = check_module(m, err, refs)))
		goto out;
	v.m = m;
	v.err = err;
	v.refs = refs;
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++)
		if ((rc = validate_body(m, err, refs, i, &v)))
			goto out;
	/* every referenceable defined function gets an hw_func slot */
	m->nrefs = 0;
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++)
		if (is_declared(refs, i))
			m->funcs[i].refslot = m->nrefs++;
out:
	hw__free(&m->al, v.vals);
	hw__free(&m->al, v.ctls);
	hw__free(&m->al, refs);
	return rc;
}
