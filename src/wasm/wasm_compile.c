/* wasm_compile.c — compiles each validated function body, once per module,
 * into the register/slot internal form of wasm_iops.h: the Wasm operand
 * stack is resolved at compile time into frame slots, local.get and
 * constants are folded into operands, results are written straight into
 * locals where possible, compares fuse with br_if/if, branch targets are
 * resolved, and handler addresses are threaded into the code. */
#include <stdlib.h>
#include <string.h>

#include "hearth/error.h"
#include "wasm_int.h"
#include "wasm_iops.h"
#include "wasm_opcodes.h"

/* Where an operand-stack entry's value is. Each stack position has a home
 * slot (after the locals, in order); a value is either there (K_TEMP), or
 * still in a local (K_LOCAL, from local.get, not yet copied) or a constant
 * (K_CONST). Deferred entries are copied home ("materialized") before the
 * local is written and at every control-flow join. */
enum { K_TEMP, K_LOCAL, K_CONST };

typedef struct cent {
	uint8_t type, kind;
	uint32_t home;
	uint32_t src; /* K_LOCAL: the local's slot */
	uint64_t imm; /* K_CONST: raw bits */
} cent;

#define NOFIX UINT32_MAX

/* A forward branch waiting for its label: the word at pos gets
 * label - start. */
typedef struct cfix {
	size_t pos, start;
	uint32_t next;
} cfix;

enum { B_FUNC, B_BLOCK, B_LOOP, B_IF, B_ELSE };

typedef struct cblk {
	uint8_t kind;
	bool unreachable;
	uint32_t height; /* entries below the block's params */
	uint32_t base;	 /* home slot of the first param/result */
	uint32_t np, nr;
	const uint8_t *params, *results;
	uint8_t single;
	size_t loop_pos;      /* B_LOOP: its first instruction */
	uint32_t loop_icount; /* B_LOOP: instruction count there */
	uint32_t fix;	      /* forward branches to the end */
	uint32_t else_fix;    /* B_IF: the jump to else/end */
} cblk;

typedef struct ccall {
	size_t pos; /* the code_offset word of a CALL */
	uint32_t callee;
} ccall;

typedef struct cc {
	hw_module *m;
	hw_error *err;
	const void *const *h;
	bool metered;
	uint32_t *code;
	size_t len, cap;
	size_t max_words; /* HW_MAX_CODE_RATIO words per input byte */
	int rc;		  /* sticky failure (HB_ENOMEM, HB_ELIMIT) */

	/* the function being compiled */
	uint32_t fi;
	const hw_functype *ft;
	uint8_t *ltypes;
	uint32_t nlocals;
	uint32_t *lslot;
	uint32_t nlslots;
	cent *ents;
	uint32_t nents, capents;
	uint32_t top, maxslot;
	cblk *blks;
	uint32_t nblks, capblks;
	cfix *fix;
	uint32_t nfix, capfix;
	uint32_t icount;
	size_t last_start;
	int last_op; /* -1 after a label */
	bool dst_ok; /* the last instruction only wrote slot code[dst_pos] */
	size_t dst_pos;
	uint32_t dead; /* blocks opened inside unreachable code */
	size_t enter_pos;

	/* the module */
	ccall *calls;
	size_t ncalls, capcalls;
	uint32_t *stubgen;
	size_t *stubpos;
	uint32_t stubcap, gen;
} cc;

/* ---- emission ---- */

static bool reserve(cc *c, size_t n)
{
	if (c->rc)
		return false;
	if (c->len + n > c->max_words) {
		c->rc = HB_ELIMIT;
		return false;
	}
	if (c->len + n > c->cap) {
		size_t cap = c->cap ? c->cap : 1024;
		uint32_t *p;

		while (cap < c->len + n)
			cap *= 2;
		if (cap > (size_t)UINT32_MAX) {
			c->rc = HB_ELIMIT;
			return false;
		}
		p = hw__realloc(&c->m->al, c->code, cap * sizeof *p);
		if (!p) {
			c->rc = HB_ENOMEM;
			return false;
		}
		c->code = p;
		c->cap = cap;
	}
	return true;
}

static void w(cc *c, uint32_t v)
{
	if (reserve(c, 1))
		c->code[c->len++] = v;
}

static void w64(cc *c, uint64_t v)
{
	w(c, (uint32_t)v);
	w(c, (uint32_t)(v >> 32));
}

/* Start an instruction. */
static void op(cc *c, int iop)
{
	const void *hp = c->h[iop];

	if (!reserve(c, 2))
		return;
	c->last_start = c->len;
	c->last_op = iop;
	c->dst_ok = false;
	memcpy(&c->code[c->len], &hp, sizeof hp);
	c->len += 2;
}

/* The instruction just started wrote only its operand 0, slot d. */
static void dst(cc *c, uint32_t d)
{
	c->dst_ok = true;
	c->dst_pos = c->last_start + 2;
	w(c, d);
}

/* A label is here: no peephole may look across it. */
static void bind(cc *c)
{
	c->last_op = -1;
	c->dst_ok = false;
}

/* ---- the operand stack ---- */

static cent *push_ent(cc *c, uint8_t type, uint8_t kind)
{
	cent *e;

	if (c->nents == c->capents) {
		uint32_t cap = c->capents ? c->capents * 2 : 64;
		cent *p = hw__realloc(&c->m->al, c->ents, cap * sizeof *p);

		if (!p) {
			c->rc = HB_ENOMEM;
			return NULL;
		}
		c->ents = p;
		c->capents = cap;
	}
	e = &c->ents[c->nents++];
	e->type = type;
	e->kind = kind;
	e->home = c->top;
	e->src = 0;
	e->imm = 0;
	c->top += hw__slots(type);
	if (c->top > c->maxslot)
		c->maxslot = c->top;
	return e;
}

static cent pop_ent(cc *c)
{
	cent e = c->ents[--c->nents];

	c->top = e.home;
	return e;
}

static void emit_mov(cc *c, uint8_t type, uint32_t d, uint32_t s)
{
	op(c, type == HW_V128 ? HW_I_MOV2 : HW_I_MOV);
	w(c, d);
	w(c, s);
}

static void emit_const(cc *c, uint8_t type, uint32_t d, uint64_t imm)
{
	if (type == HW_I32 || type == HW_F32) {
		op(c, HW_I_CONST32);
		w(c, d);
		w(c, (uint32_t)imm);
	} else {
		op(c, HW_I_CONST64);
		w(c, d);
		w64(c, imm);
	}
}

/* Copy e's value to slot d (without changing e). */
static void copy_to(cc *c, const cent *e, uint32_t d)
{
	if (e->kind == K_CONST)
		emit_const(c, e->type, d, e->imm);
	else if (e->kind == K_LOCAL)
		emit_mov(c, e->type, d, e->src);
	else if (e->home != d)
		emit_mov(c, e->type, d, e->home);
}

static void materialize(cc *c, cent *e)
{
	if (e->kind != K_TEMP) {
		copy_to(c, e, e->home);
		e->kind = K_TEMP;
	}
}

static void materialize_all(cc *c)
{
	for (uint32_t i = 0; i < c->nents; i++)
		materialize(c, &c->ents[i]);
}

static void materialize_top(cc *c, uint32_t n)
{
	for (uint32_t i = c->nents - n; i < c->nents; i++)
		materialize(c, &c->ents[i]);
}

/* Before local slot s is written: entries still reading it get copies. */
static void materialize_local(cc *c, uint32_t s)
{
	for (uint32_t i = 0; i < c->nents; i++)
		if (c->ents[i].kind == K_LOCAL && c->ents[i].src == s)
			materialize(c, &c->ents[i]);
}

/* The slot an instruction reads a (popped) entry from. */
static uint32_t opnd(cc *c, cent *e)
{
	if (e->kind == K_CONST)
		materialize(c, e);
	return e->kind == K_LOCAL ? e->src : e->home;
}

/* ---- labels and branches ---- */

static void add_fix(cc *c, uint32_t *list, size_t pos, size_t start)
{
	if (c->nfix == c->capfix) {
		uint32_t cap = c->capfix ? c->capfix * 2 : 64;
		cfix *p = hw__realloc(&c->m->al, c->fix, cap * sizeof *p);

		if (!p) {
			c->rc = HB_ENOMEM;
			return;
		}
		c->fix = p;
		c->capfix = cap;
	}
	c->fix[c->nfix] = (cfix){pos, start, *list};
	*list = c->nfix++;
}

static void patch_list(cc *c, uint32_t list, size_t target)
{
	if (c->rc)
		return;
	for (uint32_t i = list; i != NOFIX; i = c->fix[i].next)
		c->code[c->fix[i].pos] =
			(uint32_t)(int32_t)(target - c->fix[i].start);
}

/* Fill the branch word at tpos (of the instruction at start) for a branch
 * to block b. */
static void branch_to(cc *c, cblk *b, size_t start, size_t tpos)
{
	if (c->rc)
		return;
	if (b->kind == B_LOOP)
		c->code[tpos] = (uint32_t)(int32_t)((int64_t)b->loop_pos -
						    (int64_t)start);
	else
		add_fix(c, &b->fix, tpos, start);
}

/* Fuel charged by a back-edge to loop b. */
static uint32_t weight(cc *c, cblk *b)
{
	uint32_t wgt = c->icount - b->loop_icount;

	return wgt ? wgt : 1;
}

static void label_types(cblk *b, const uint8_t **ts, uint32_t *n)
{
	if (b->kind == B_LOOP) {
		*ts = b->params;
		*n = b->np;
	} else {
		*ts = b->nr == 1 && b->single ? &b->single : b->results;
		*n = b->nr;
	}
}

static bool needs_moves(cc *c, cblk *b)
{
	const uint8_t *ts;
	uint32_t n, d = b->base;

	label_types(b, &ts, &n);
	for (uint32_t k = 0; k < n; k++) {
		cent *e = &c->ents[c->nents - n + k];

		if (e->kind != K_TEMP || e->home != d)
			return true;
		d += hw__slots(ts[k]);
	}
	return false;
}

/* Copy the values a branch to b carries into b's slots (does not change
 * the compiler's view of the stack: the copies run on the branch path). */
static void moves_to(cc *c, cblk *b)
{
	const uint8_t *ts;
	uint32_t n, d = b->base;

	label_types(b, &ts, &n);
	for (uint32_t k = 0; k < n; k++) {
		copy_to(c, &c->ents[c->nents - n + k], d);
		d += hw__slots(ts[k]);
	}
}

/* Return from the function. mutate: the compiler's stack may change (the
 * return is unconditional on this path). */
static void emit_return(cc *c, bool mutate)
{
	const hw_functype *ft = c->ft;
	uint32_t nr = ft->nresults;

	if (nr == 0) {
		op(c, HW_I_RET0);
	} else if (ft->result_slots == 1) {
		cent *e = &c->ents[c->nents - 1];
		uint32_t s;

		if (e->kind == K_CONST) {
			if (mutate) {
				s = opnd(c, e);
			} else {
				copy_to(c, e, e->home);
				s = e->home;
			}
		} else {
			s = e->kind == K_LOCAL ? e->src : e->home;
		}
		op(c, HW_I_RET1);
		w(c, s);
	} else {
		cent *first = &c->ents[c->nents - nr];

		for (uint32_t i = c->nents - nr; i < c->nents; i++) {
			if (mutate)
				materialize(c, &c->ents[i]);
			else if (c->ents[i].kind != K_TEMP)
				copy_to(c, &c->ents[i], c->ents[i].home);
		}
		op(c, HW_I_RET);
		w(c, first->home);
		w(c, ft->result_slots);
	}
}

/* ---- fused compares ---- */

enum {
#define CMP_ENUM(X, n) CMP_##n,
	HW_CMPS(CMP_ENUM, _)
#undef CMP_ENUM
		CMP__COUNT
};

/* The compare an internal op performs. OUT: *form: 0 i32 slot-slot,
 * 1 i32 slot-imm, 2 i64 slot-slot, 3 i64 slot-imm. Returns CMP_* or -1. */
static int cmp_of(int iop, int *form)
{
	switch (iop) {
#define CMP_CASE(X, n)                                                         \
	case HW_I_I32_##n:                                                     \
		*form = 0;                                                     \
		return CMP_##n;                                                \
	case HW_I_I32_##n##_I:                                                 \
		*form = 1;                                                     \
		return CMP_##n;                                                \
	case HW_I_I64_##n:                                                     \
		*form = 2;                                                     \
		return CMP_##n;                                                \
	case HW_I_I64_##n##_I:                                                 \
		*form = 3;                                                     \
		return CMP_##n;
		HW_CMPS(CMP_CASE, _)
#undef CMP_CASE
	}
	return -1;
}

static const int16_t br_cmp[CMP__COUNT][4][2] = {
#define BR_ROW(X, n)                                                           \
	[CMP_##n] = {{HW_I_BR_I32_##n, HW_I_BR_I32_##n##_F},                   \
		     {HW_I_BR_I32_##n##_I, HW_I_BR_I32_##n##_I_F},             \
		     {HW_I_BR_I64_##n, HW_I_BR_I64_##n##_F},                   \
		     {HW_I_BR_I64_##n##_I, HW_I_BR_I64_##n##_I_F}},
	HW_CMPS(BR_ROW, _)
#undef BR_ROW
};

static int cmp_not(int k)
{
	switch (k) {
	case CMP_EQ:
		return CMP_NE;
	case CMP_NE:
		return CMP_EQ;
	case CMP_LT_S:
		return CMP_GE_S;
	case CMP_GE_S:
		return CMP_LT_S;
	case CMP_LT_U:
		return CMP_GE_U;
	case CMP_GE_U:
		return CMP_LT_U;
	case CMP_GT_S:
		return CMP_LE_S;
	case CMP_LE_S:
		return CMP_GT_S;
	case CMP_GT_U:
		return CMP_LE_U;
	case CMP_LE_U:
		return CMP_GT_U;
	}
	return k;
}

/* Emit a conditional branch on the popped entry cond (taken when it is
 * non-zero, or zero when negate), fusing it with the compare or eqz that
 * produced it when that is the last instruction. fuel: charge W (a
 * back-edge). OUT: *start, *tpos of the new instruction's branch word. */
static void emit_cond_br(cc *c, cent *cond, bool negate, bool fuel,
			 uint32_t wgt, size_t *start, size_t *tpos)
{
	int form, k = c->last_op >= 0 ? cmp_of(c->last_op, &form) : -1;
	bool fusable = cond->kind == K_TEMP && c->dst_ok && !c->rc &&
		       c->code[c->dst_pos] == cond->home;

	if (fusable && k >= 0) {
		uint32_t a = c->code[c->last_start + 3];
		uint32_t b = c->code[c->last_start + 4];
		uint32_t b2 = form == 3 ? c->code[c->last_start + 5] : 0;

		c->len = c->last_start;
		if (negate)
			k = cmp_not(k);
		op(c, br_cmp[k][form][fuel]);
		*start = c->last_start;
		w(c, a);
		w(c, b);
		if (form == 3)
			w(c, b2);
	} else if (fusable && (c->last_op == HW_I_I32_EQZ)) {
		uint32_t a = c->code[c->last_start + 3];

		c->len = c->last_start;
		op(c, negate ? (fuel ? HW_I_BR_NZ_F : HW_I_BR_NZ)
			     : (fuel ? HW_I_BR_Z_F : HW_I_BR_Z));
		*start = c->last_start;
		w(c, a);
	} else {
		uint32_t s = opnd(c, cond);

		op(c, negate ? (fuel ? HW_I_BR_Z_F : HW_I_BR_Z)
			     : (fuel ? HW_I_BR_NZ_F : HW_I_BR_NZ));
		*start = c->last_start;
		w(c, s);
	}
	*tpos = c->len;
	w(c, 0);
	if (fuel)
		w(c, wgt);
	c->dst_ok = false;
}

/* An unconditional branch to block b (values already in place). */
static void emit_br(cc *c, cblk *b)
{
	bool fuel = b->kind == B_LOOP && c->metered;
	size_t start, tpos;

	op(c, fuel ? HW_I_BR_F : HW_I_BR);
	start = c->last_start;
	tpos = c->len;
	w(c, 0);
	if (fuel)
		w(c, weight(c, b));
	branch_to(c, b, start, tpos);
}

/* A complete branch to b: moves, then jump (or return). */
static void emit_branch(cc *c, cblk *b)
{
	if (b->kind == B_FUNC) {
		emit_return(c, false);
		return;
	}
	moves_to(c, b);
	emit_br(c, b);
}

/* ---- blocks ---- */

static void blocktype(cc *c, const hw_instr *in, cblk *b)
{
	b->np = b->nr = 0;
	b->params = b->results = NULL;
	b->single = 0;
	if (in->bt == 1) {
		b->single = (uint8_t)in->a;
		b->nr = 1;
	} else if (in->bt == 2) {
		const hw_functype *ft = &c->m->types[in->a];

		b->params = ft->params;
		b->np = ft->nparams;
		b->results = ft->results;
		b->nr = ft->nresults;
	}
}

static cblk *push_blk(cc *c, uint8_t kind)
{
	cblk *b;

	if (c->nblks == c->capblks) {
		uint32_t cap = c->capblks ? c->capblks * 2 : 16;
		cblk *p = hw__realloc(&c->m->al, c->blks, cap * sizeof *p);

		if (!p) {
			c->rc = HB_ENOMEM;
			return NULL;
		}
		c->blks = p;
		c->capblks = cap;
	}
	b = &c->blks[c->nblks++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	b->fix = NOFIX;
	b->else_fix = NOFIX;
	return b;
}

/* Set height/base of b, whose np params are on top of the stack. */
static void blk_frame(cc *c, cblk *b)
{
	b->height = c->nents - b->np;
	b->base = b->np ? c->ents[b->height].home : c->top;
}

/* Reset the stack to b's height plus n values of types ts in their homes. */
static void reset_stack(cc *c, cblk *b, const uint8_t *ts, uint32_t n)
{
	c->nents = b->height;
	c->top = b->base;
	for (uint32_t i = 0; i < n; i++)
		push_ent(c, ts[i], K_TEMP);
}

static void do_else(cc *c)
{
	cblk *b = &c->blks[c->nblks - 1];

	if (!b->unreachable) {
		materialize_top(c, b->nr);
		emit_br(c, b);
	}
	patch_list(c, b->else_fix, c->len);
	bind(c);
	b->else_fix = NOFIX;
	b->kind = B_ELSE;
	b->unreachable = false;
	reset_stack(c, b, b->params, b->np);
}

/* Returns true at the end of the function. */
static bool do_end(cc *c)
{
	cblk *b = &c->blks[c->nblks - 1];
	const uint8_t *rs = b->nr == 1 && b->single ? &b->single : b->results;
	uint8_t single = b->single;

	if (b->kind == B_FUNC) {
		if (!b->unreachable)
			emit_return(c, true);
		return true;
	}
	if (!b->unreachable)
		materialize_top(c, b->nr);
	if (b->kind == B_IF)
		patch_list(c, b->else_fix, c->len);
	patch_list(c, b->fix, c->len);
	bind(c);
	c->nblks--;
	if (rs == &b->single)
		rs = &single;
	reset_stack(c, b, rs, b->nr);
	return false;
}

static void set_unreachable(cc *c)
{
	c->blks[c->nblks - 1].unreachable = true;
}

/* ---- instructions ---- */

/* i32/i64 binary operators: slot-slot, slot-immediate, or swapped. */
static int swap_cmp(int k)
{
	switch (k) {
	case CMP_LT_S:
		return CMP_GT_S;
	case CMP_GT_S:
		return CMP_LT_S;
	case CMP_LT_U:
		return CMP_GT_U;
	case CMP_GT_U:
		return CMP_LT_U;
	case CMP_LE_S:
		return CMP_GE_S;
	case CMP_GE_S:
		return CMP_LE_S;
	case CMP_LE_U:
		return CMP_GE_U;
	case CMP_GE_U:
		return CMP_LE_U;
	}
	return k;
}

/* The result type of a value-producing op, from its signature string. */
static uint8_t sig_result(uint32_t wop)
{
	const char *sig = hw__opinfo(wop)->sig;
	const char *r = sig ? strchr(sig, ':') : NULL;

	if (!r || !r[1])
		return 0;
	switch (r[1]) {
	case 'i':
		return HW_I32;
	case 'l':
		return HW_I64;
	case 'f':
		return HW_F32;
	case 'd':
		return HW_F64;
	}
	return HW_V128;
}

typedef struct binmap {
	int16_t ss, si;	 /* slot-slot, slot-imm (-1: none) */
	int16_t swapped; /* slot-imm op for imm OP slot (-1: none) */
	uint8_t rtype;
	bool wide; /* 64-bit immediate */
} binmap;

static bool binop_map(uint32_t wop, binmap *bm)
{
	int form;

	switch (wop) {
#define BINI_CASE(X, n)                                                        \
	case HW_OP_I32_##n:                                                    \
		*bm = (binmap){HW_I_I32_##n, HW_I_I32_##n##_I, -1, HW_I32,     \
			       false};                                         \
		break;                                                         \
	case HW_OP_I64_##n:                                                    \
		*bm = (binmap){HW_I_I64_##n, HW_I_I64_##n##_I, -1, HW_I64,     \
			       true};                                          \
		break;
		HW_BINI(BINI_CASE, _)
#undef BINI_CASE
#define NOIMM_CASE(X, n)                                                       \
	case HW_OP_I32_##n:                                                    \
		*bm = (binmap){HW_I_I32_##n, -1, -1, HW_I32, false};           \
		break;                                                         \
	case HW_OP_I64_##n:                                                    \
		*bm = (binmap){HW_I_I64_##n, -1, -1, HW_I64, true};            \
		break;
		HW_BIN_NOIMM(NOIMM_CASE, _)
#undef NOIMM_CASE
#define FBIN_CASE(X, n)                                                        \
	case HW_OP_F32_##n:                                                    \
		*bm = (binmap){HW_I_F32_##n, -1, -1, HW_F32, false};           \
		break;                                                         \
	case HW_OP_F64_##n:                                                    \
		*bm = (binmap){HW_I_F64_##n, -1, -1, HW_F64, false};           \
		break;
		HW_FBIN(FBIN_CASE, _)
#undef FBIN_CASE
	default:
		return false;
	}
	bm->rtype = sig_result(wop); /* compares give i32 */
	/* some integer ops can take the constant on the left */
	switch (bm->ss) {
	case HW_I_I32_ADD:
	case HW_I_I32_MUL:
	case HW_I_I32_AND:
	case HW_I_I32_OR:
	case HW_I_I32_XOR:
	case HW_I_I64_ADD:
	case HW_I_I64_MUL:
	case HW_I_I64_AND:
	case HW_I_I64_OR:
	case HW_I_I64_XOR:
		bm->swapped = bm->si;
		break;
	default: {
		int k = cmp_of(bm->ss, &form);

		if (k >= 0) {
			int s = swap_cmp(k);
			static const int16_t si32[CMP__COUNT] = {
#define SI32(X, n) [CMP_##n] = HW_I_I32_##n##_I,
				HW_CMPS(SI32, _)
#undef SI32
			};
			static const int16_t si64[CMP__COUNT] = {
#define SI64(X, n) [CMP_##n] = HW_I_I64_##n##_I,
				HW_CMPS(SI64, _)
#undef SI64
			};
			if (form == 0 || form == 2)
				bm->swapped = form == 0 ? si32[s] : si64[s];
		}
		break;
	}
	}
	return true;
}

/* The memory-operand form of a slot-slot operator (-1: none). OUT: *load,
 * the plain load it absorbs (the operand type's width); *comm, whether
 * the operator commutes (so a loaded left operand can be fused too). */
static int membin_of(int iop, int *load, bool *comm)
{
	*comm = true;
	*load = HW_I_LD32;
	switch (iop) {
	case HW_I_F32_SUB:
	case HW_I_I32_SUB:
		*comm = false;
		__attribute__((fallthrough));
	case HW_I_F32_ADD:
	case HW_I_F32_MUL:
	case HW_I_I32_ADD:
	case HW_I_I32_AND:
	case HW_I_I32_OR:
	case HW_I_I32_XOR:
		break;
	case HW_I_F64_SUB:
	case HW_I_I64_SUB:
		*comm = false;
		__attribute__((fallthrough));
	case HW_I_F64_ADD:
	case HW_I_F64_MUL:
	case HW_I_I64_ADD:
	case HW_I_I64_AND:
	case HW_I_I64_OR:
	case HW_I_I64_XOR:
		*load = HW_I_LD64;
		break;
	default:
		return -1;
	}
	switch (iop) {
#define MB_CASE(X, n)                                                          \
	case HW_I_##n:                                                         \
		return HW_I_##n##_M;
		HW_MEMBIN(MB_CASE, _)
#undef MB_CASE
	}
	return -1;
}

/* If entry e is the result of the instruction just emitted and that was
 * the plain load `load`, take the load back so an operator can do it.
 * OUT: *p (address slot), *off. */
static bool take_load(cc *c, const cent *e, int load, uint32_t *p,
		      uint32_t *off)
{
	if (e->kind != K_TEMP || !c->dst_ok || c->rc || c->last_op != load ||
	    c->code[c->dst_pos] != e->home)
		return false;
	*p = c->code[c->last_start + 3];
	*off = c->code[c->last_start + 4];
	c->len = c->last_start;
	c->last_op = -1;
	c->dst_ok = false;
	return true;
}

/* a OP b where one operand was just loaded: one instruction. */
static bool compile_membin(cc *c, const binmap *bm, cent *a, cent *b)
{
	bool comm;
	int load, m = membin_of(bm->ss, &load, &comm);
	uint32_t p, off, s;

	if (m < 0 || a->kind == K_CONST || b->kind == K_CONST)
		return false;
	if (take_load(c, b, load, &p, &off))
		s = opnd(c, a);
	else if (comm && take_load(c, a, load, &p, &off))
		s = opnd(c, b);
	else
		return false;
	op(c, m);
	dst(c, a->home);
	w(c, s);
	w(c, p);
	w(c, off);
	return true;
}

static void compile_binop(cc *c, const binmap *bm)
{
	cent b = pop_ent(c), a = pop_ent(c);
	uint32_t sa, sb, d = a.home;

	if (b.kind == K_CONST && bm->si >= 0) {
		sa = opnd(c, &a);
		op(c, bm->si);
		dst(c, d);
		w(c, sa);
		if (bm->wide)
			w64(c, b.imm);
		else
			w(c, (uint32_t)b.imm);
	} else if (a.kind == K_CONST && bm->swapped >= 0) {
		sb = opnd(c, &b);
		op(c, bm->swapped);
		dst(c, d);
		w(c, sb);
		if (bm->wide)
			w64(c, a.imm);
		else
			w(c, (uint32_t)a.imm);
	} else if (compile_membin(c, bm, &a, &b)) {
		/* done */
	} else {
		sa = opnd(c, &a);
		sb = opnd(c, &b);
		op(c, bm->ss);
		dst(c, d);
		w(c, sa);
		w(c, sb);
	}
	push_ent(c, bm->rtype, K_TEMP);
	c->dst_ok = !c->rc;
}

static bool unop_map(uint32_t wop, int *iop)
{
	switch (wop) {
#define UN_CASE(X, n)                                                          \
	case HW_OP_##n:                                                        \
		*iop = HW_I_##n;                                               \
		return true;
		HW_UNOPS(UN_CASE, _)
#undef UN_CASE
	}
	return false;
}

/* If address entry e is the result of the instruction just emitted and
 * that was an i32.add, take the add back so the memory access can do it.
 * Returns 0 (no), 1 (slot + slot: *x, *y) or 2 (slot + immediate). */
static int take_add(cc *c, const cent *e, uint32_t *x, uint32_t *y)
{
	int form;

	if (e->kind != K_TEMP || !c->dst_ok || c->rc ||
	    c->code[c->dst_pos] != e->home)
		return 0;
	if (c->last_op == HW_I_I32_ADD)
		form = 1;
	else if (c->last_op == HW_I_I32_ADD_I)
		form = 2;
	else
		return 0;
	*x = c->code[c->last_start + 3];
	*y = c->code[c->last_start + 4];
	c->len = c->last_start;
	c->last_op = -1;
	c->dst_ok = false;
	return form;
}

/* The fused forms of a load/store internal op. */
static int fused_memop(int iop, int form)
{
	switch (iop) {
#define MEMOP_CASE(X, n)                                                       \
	case HW_I_##n:                                                         \
		return form == 1 ? HW_I_##n##_A : HW_I_##n##_AI;
		HW_MEMOPS(MEMOP_CASE, _)
#undef MEMOP_CASE
	}
	return iop;
}

static void compile_load(cc *c, const hw_instr *in)
{
	int iop, form;
	cent a = pop_ent(c);
	uint32_t sa, x, y;

	switch (in->op) {
	case HW_OP_I32_LOAD8_S:
	case HW_OP_I64_LOAD8_S:
		iop = HW_I_LD8S;
		break;
	case HW_OP_I32_LOAD8_U:
	case HW_OP_I64_LOAD8_U:
		iop = HW_I_LD8U;
		break;
	case HW_OP_I32_LOAD16_S:
	case HW_OP_I64_LOAD16_S:
		iop = HW_I_LD16S;
		break;
	case HW_OP_I32_LOAD16_U:
	case HW_OP_I64_LOAD16_U:
		iop = HW_I_LD16U;
		break;
	case HW_OP_I64_LOAD32_S:
		iop = HW_I_LD32S;
		break;
	case HW_OP_I64_LOAD:
	case HW_OP_F64_LOAD:
		iop = HW_I_LD64;
		break;
	default:
		iop = HW_I_LD32;
		break;
	}
	if ((form = take_add(c, &a, &x, &y)) != 0) {
		op(c, fused_memop(iop, form));
		dst(c, a.home);
		w(c, x);
		w(c, y);
	} else {
		sa = opnd(c, &a);
		op(c, iop);
		dst(c, a.home);
		w(c, sa);
	}
	w(c, (uint32_t)in->imm);
	push_ent(c, sig_result(in->op), K_TEMP);
	c->dst_ok = !c->rc;
}

static void compile_store(cc *c, const hw_instr *in)
{
	int iop, form;
	cent v = pop_ent(c), a = pop_ent(c);
	uint32_t sa, sv, x, y;

	switch (in->op) {
	case HW_OP_I32_STORE8:
	case HW_OP_I64_STORE8:
		iop = HW_I_ST8;
		break;
	case HW_OP_I32_STORE16:
	case HW_OP_I64_STORE16:
		iop = HW_I_ST16;
		break;
	case HW_OP_I64_STORE:
	case HW_OP_F64_STORE:
		iop = HW_I_ST64;
		break;
	default:
		iop = HW_I_ST32;
		break;
	}
	/* the add can be fused only when nothing is emitted for the value
	 * (a constant would be materialised, possibly over the add's
	 * operands) */
	if (v.kind == K_LOCAL && (form = take_add(c, &a, &x, &y)) != 0) {
		op(c, fused_memop(iop, form));
		w(c, x);
		w(c, y);
		w(c, (uint32_t)in->imm);
		w(c, v.src);
		return;
	}
	sa = opnd(c, &a);
	sv = opnd(c, &v);
	op(c, iop);
	w(c, sa);
	w(c, (uint32_t)in->imm);
	w(c, sv);
}

static void compile_local_set(cc *c, uint32_t x, bool tee)
{
	uint32_t s = c->lslot[x];
	uint8_t t = c->ltypes[x];
	cent v = pop_ent(c);

	materialize_local(c, s);
	if (v.kind == K_TEMP && c->dst_ok && !c->rc &&
	    c->code[c->dst_pos] == v.home) {
		/* the producer writes the local directly */
		c->code[c->dst_pos] = s;
	} else if (v.kind == K_TEMP || v.kind == K_LOCAL) {
		uint32_t from = v.kind == K_LOCAL ? v.src : v.home;

		if (from != s)
			emit_mov(c, t, s, from);
	} else {
		emit_const(c, t, s, v.imm);
	}
	c->dst_ok = false;
	if (tee) {
		cent *e = push_ent(c, t, v.kind == K_CONST ? K_CONST : K_LOCAL);

		if (e) {
			e->src = s;
			e->imm = v.imm;
		}
	}
}

static void compile_call(cc *c, uint32_t f)
{
	const hw_functype *ft = &c->m->types[c->m->funcs[f].type];
	uint32_t base;

	materialize_top(c, ft->nparams);
	base = ft->nparams ? c->ents[c->nents - ft->nparams].home : c->top;
	for (uint32_t i = 0; i < ft->nparams; i++)
		pop_ent(c);
	if (f < c->m->nfunc_imports) {
		op(c, HW_I_CALL_IMPORT);
		w(c, f);
		w(c, base);
	} else {
		op(c, HW_I_CALL);
		if (c->ncalls == c->capcalls) {
			size_t cap = c->capcalls ? c->capcalls * 2 : 64;
			ccall *p = hw__realloc(&c->m->al, c->calls,
					       cap * sizeof *p);

			if (!p) {
				c->rc = HB_ENOMEM;
				return;
			}
			c->calls = p;
			c->capcalls = cap;
		}
		c->calls[c->ncalls++] = (ccall){c->len, f};
		w(c, 0);
		w(c, base);
	}
	for (uint32_t i = 0; i < ft->nresults; i++)
		push_ent(c, ft->results[i], K_TEMP);
}

static void compile_call_indirect(cc *c, const hw_instr *in)
{
	const hw_functype *ft = &c->m->types[in->a];
	cent idx = pop_ent(c);
	uint32_t si, base;

	si = opnd(c, &idx);
	materialize_top(c, ft->nparams);
	base = ft->nparams ? c->ents[c->nents - ft->nparams].home : c->top;
	for (uint32_t i = 0; i < ft->nparams; i++)
		pop_ent(c);
	op(c, HW_I_CALL_INDIRECT);
	w(c, in->b);
	w(c, c->m->canon[in->a]);
	w(c, base);
	w(c, si);
	for (uint32_t i = 0; i < ft->nresults; i++)
		push_ent(c, ft->results[i], K_TEMP);
}

static void compile_br_if(cc *c, uint32_t depth)
{
	cblk *b = &c->blks[c->nblks - 1 - depth];
	cent cond = pop_ent(c);
	size_t start, tpos;

	if (b->kind != B_FUNC && !needs_moves(c, b)) {
		bool fuel = b->kind == B_LOOP && c->metered;

		emit_cond_br(c, &cond, false, fuel, fuel ? weight(c, b) : 0,
			     &start, &tpos);
		branch_to(c, b, start, tpos);
	} else {
		uint32_t skip = NOFIX;

		emit_cond_br(c, &cond, true, false, 0, &start, &tpos);
		add_fix(c, &skip, tpos, start);
		emit_branch(c, b);
		patch_list(c, skip, c->len);
		bind(c);
	}
}

static void compile_br_table(cc *c, const hw_instr *in)
{
	cent idx = pop_ent(c);
	uint32_t si = opnd(c, &idx), n = in->n;
	const uint8_t *p;
	size_t start, tbl;

	if (c->stubcap < c->nblks) {
		uint32_t cap = c->nblks * 2;
		uint32_t *g =
			hw__realloc(&c->m->al, c->stubgen, cap * sizeof *g);
		size_t *sp;

		if (!g) {
			c->rc = HB_ENOMEM;
			return;
		}
		c->stubgen = g;
		sp = hw__realloc(&c->m->al, c->stubpos, cap * sizeof *sp);
		if (!sp) {
			c->rc = HB_ENOMEM;
			return;
		}
		c->stubpos = sp;
		memset(c->stubgen + c->stubcap, 0,
		       (cap - c->stubcap) * sizeof *g);
		c->stubcap = cap;
	}
	c->gen++;
	op(c, HW_I_BR_TABLE);
	start = c->last_start;
	w(c, si);
	w(c, n);
	tbl = c->len;
	if (!reserve(c, (size_t)n + 1))
		return;
	c->len += (size_t)n + 1;
	/* direct targets first; stubs (moves, fuel, return) after the table */
	p = in->vec;
	for (uint32_t k = 0; k <= n; k++) {
		uint32_t depth = k < n ? hw__leb_next(&p) : in->a;
		cblk *b = &c->blks[c->nblks - 1 - depth];

		if (b->kind != B_FUNC && !needs_moves(c, b) &&
		    !(b->kind == B_LOOP && c->metered)) {
			branch_to(c, b, start, tbl + k);
			continue;
		}
		if (c->stubgen[depth] != c->gen) {
			c->stubgen[depth] = c->gen;
			c->stubpos[depth] = c->len;
			bind(c);
			emit_branch(c, b);
		}
		if (!c->rc)
			c->code[tbl + k] =
				(uint32_t)(int32_t)(c->stubpos[depth] - start);
	}
}

#include "wasm_compile_simd.inc"

static void compile_instr(cc *c, const hw_instr *in, bool *done)
{
	hw_module *m = c->m;
	binmap bm;
	int iop;

	switch (in->op) {
	case HW_OP_UNREACHABLE:
		op(c, HW_I_UNREACHABLE);
		set_unreachable(c);
		return;
	case HW_OP_NOP:
		return;
	case HW_OP_BLOCK:
	case HW_OP_LOOP: {
		cblk *b;

		materialize_all(c);
		b = push_blk(c, in->op == HW_OP_LOOP ? B_LOOP : B_BLOCK);
		if (!b)
			return;
		blocktype(c, in, b);
		blk_frame(c, b);
		if (b->kind == B_LOOP) {
			bind(c);
			b->loop_pos = c->len;
			b->loop_icount = c->icount;
		}
		return;
	}
	case HW_OP_IF: {
		cent cond = pop_ent(c);
		size_t start, tpos;
		cblk *b;

		materialize_all(c);
		emit_cond_br(c, &cond, true, false, 0, &start, &tpos);
		b = push_blk(c, B_IF);
		if (!b)
			return;
		blocktype(c, in, b);
		blk_frame(c, b);
		add_fix(c, &b->else_fix, tpos, start);
		bind(c);
		return;
	}
	case HW_OP_ELSE:
		do_else(c);
		return;
	case HW_OP_END:
		*done = do_end(c);
		return;
	case HW_OP_BR:
		emit_branch(c, &c->blks[c->nblks - 1 - in->a]);
		set_unreachable(c);
		return;
	case HW_OP_BR_IF:
		compile_br_if(c, in->a);
		return;
	case HW_OP_BR_TABLE:
		compile_br_table(c, in);
		set_unreachable(c);
		return;
	case HW_OP_RETURN:
		emit_return(c, true);
		set_unreachable(c);
		return;
	case HW_OP_CALL:
		compile_call(c, in->a);
		return;
	case HW_OP_CALL_INDIRECT:
		compile_call_indirect(c, in);
		return;
	case HW_OP_DROP:
		pop_ent(c);
		return;
	case HW_OP_SELECT:
	case HW_OP_SELECT_T: {
		cent cnd = pop_ent(c), b = pop_ent(c), a = pop_ent(c);
		uint32_t sa = opnd(c, &a), sb = opnd(c, &b), sc = opnd(c, &cnd);

		op(c, a.type == HW_V128 ? HW_I_SELECT2 : HW_I_SELECT);
		dst(c, a.home);
		w(c, sa);
		w(c, sb);
		w(c, sc);
		push_ent(c, a.type, K_TEMP);
		c->dst_ok = !c->rc;
		return;
	}
	case HW_OP_LOCAL_GET: {
		cent *e = push_ent(c, c->ltypes[in->a], K_LOCAL);

		if (e)
			e->src = c->lslot[in->a];
		return;
	}
	case HW_OP_LOCAL_SET:
	case HW_OP_LOCAL_TEE:
		compile_local_set(c, in->a, in->op == HW_OP_LOCAL_TEE);
		return;
	case HW_OP_GLOBAL_GET: {
		uint8_t t = m->globals[in->a].type;
		uint32_t d = c->top;

		op(c, t == HW_V128 ? HW_I_GLOBAL_GET2 : HW_I_GLOBAL_GET);
		dst(c, d);
		w(c, in->a);
		push_ent(c, t, K_TEMP);
		c->dst_ok = !c->rc;
		return;
	}
	case HW_OP_GLOBAL_SET: {
		cent v = pop_ent(c);
		uint32_t s = opnd(c, &v);

		op(c, v.type == HW_V128 ? HW_I_GLOBAL_SET2 : HW_I_GLOBAL_SET);
		w(c, in->a);
		w(c, s);
		return;
	}
	case HW_OP_TABLE_GET: {
		cent i = pop_ent(c);
		uint32_t s = opnd(c, &i);

		op(c, HW_I_TABLE_GET);
		dst(c, i.home);
		w(c, in->a);
		w(c, s);
		push_ent(c, m->tables[in->a].elem, K_TEMP);
		c->dst_ok = !c->rc;
		return;
	}
	case HW_OP_TABLE_SET: {
		cent v = pop_ent(c), i = pop_ent(c);
		uint32_t si = opnd(c, &i), sv = opnd(c, &v);

		op(c, HW_I_TABLE_SET);
		w(c, in->a);
		w(c, si);
		w(c, sv);
		return;
	}
	case HW_OP_TABLE_SIZE:
		op(c, HW_I_TABLE_SIZE);
		dst(c, c->top);
		w(c, in->a);
		push_ent(c, HW_I32, K_TEMP);
		return;
	case HW_OP_TABLE_GROW: {
		cent n = pop_ent(c), v = pop_ent(c);
		uint32_t sv = opnd(c, &v), sn = opnd(c, &n);

		op(c, HW_I_TABLE_GROW);
		dst(c, v.home);
		w(c, in->a);
		w(c, sv);
		w(c, sn);
		push_ent(c, HW_I32, K_TEMP);
		return;
	}
	case HW_OP_TABLE_FILL: {
		cent n = pop_ent(c), v = pop_ent(c), i = pop_ent(c);
		uint32_t si = opnd(c, &i), sv = opnd(c, &v), sn = opnd(c, &n);

		op(c, HW_I_TABLE_FILL);
		w(c, in->a);
		w(c, si);
		w(c, sv);
		w(c, sn);
		return;
	}
	case HW_OP_TABLE_COPY:
	case HW_OP_TABLE_INIT:
	case HW_OP_MEMORY_INIT: {
		cent n = pop_ent(c), s = pop_ent(c), d = pop_ent(c);
		uint32_t sd = opnd(c, &d), ss = opnd(c, &s), sn = opnd(c, &n);

		if (in->op == HW_OP_MEMORY_INIT) {
			op(c, HW_I_MEMORY_INIT);
			w(c, in->a);
		} else if (in->op == HW_OP_TABLE_COPY) {
			op(c, HW_I_TABLE_COPY);
			w(c, in->a);
			w(c, in->b);
		} else {
			op(c, HW_I_TABLE_INIT);
			w(c, in->b);
			w(c, in->a);
		}
		w(c, sd);
		w(c, ss);
		w(c, sn);
		return;
	}
	case HW_OP_ELEM_DROP:
		op(c, HW_I_ELEM_DROP);
		w(c, in->a);
		return;
	case HW_OP_DATA_DROP:
		op(c, HW_I_DATA_DROP);
		w(c, in->a);
		return;
	case HW_OP_MEMORY_SIZE:
		op(c, HW_I_MEMORY_SIZE);
		dst(c, c->top);
		push_ent(c, HW_I32, K_TEMP);
		c->dst_ok = !c->rc;
		return;
	case HW_OP_MEMORY_GROW: {
		cent n = pop_ent(c);
		uint32_t sn = opnd(c, &n);

		op(c, HW_I_MEMORY_GROW);
		dst(c, n.home);
		w(c, sn);
		push_ent(c, HW_I32, K_TEMP);
		return;
	}
	case HW_OP_MEMORY_FILL:
	case HW_OP_MEMORY_COPY: {
		cent n = pop_ent(c), v = pop_ent(c), d = pop_ent(c);
		uint32_t sd = opnd(c, &d), sv = opnd(c, &v), sn = opnd(c, &n);

		op(c, in->op == HW_OP_MEMORY_FILL ? HW_I_MEMORY_FILL
						  : HW_I_MEMORY_COPY);
		w(c, sd);
		w(c, sv);
		w(c, sn);
		return;
	}
	case HW_OP_I32_CONST:
	case HW_OP_I64_CONST:
	case HW_OP_F32_CONST:
	case HW_OP_F64_CONST: {
		cent *e = push_ent(c, sig_result(in->op), K_CONST);

		if (e)
			e->imm = in->imm;
		return;
	}
	case HW_OP_REF_NULL: {
		cent *e = push_ent(c, (uint8_t)in->a, K_CONST);

		if (e)
			e->imm = 0;
		return;
	}
	case HW_OP_REF_IS_NULL: {
		cent a = pop_ent(c);
		uint32_t s = opnd(c, &a);

		op(c, HW_I_REF_IS_NULL);
		dst(c, a.home);
		w(c, s);
		push_ent(c, HW_I32, K_TEMP);
		c->dst_ok = !c->rc;
		return;
	}
	case HW_OP_REF_FUNC:
		if (in->a < m->nfunc_imports) {
			op(c, HW_I_REF_FUNC_IMPORT);
			dst(c, c->top);
			w(c, in->a);
		} else {
			op(c, HW_I_REF_FUNC);
			dst(c, c->top);
			w(c, m->funcs[in->a].refslot);
		}
		push_ent(c, HW_FUNCREF, K_TEMP);
		c->dst_ok = !c->rc;
		return;
	/* value-preserving conversions: the slot's bits already are the
	 * result (i32 values live in the low half of a slot) */
	case HW_OP_I32_WRAP_I64:
	case HW_OP_I32_REINTERPRET_F32:
	case HW_OP_I64_REINTERPRET_F64:
	case HW_OP_F32_REINTERPRET_I32:
	case HW_OP_F64_REINTERPRET_I64: {
		cent *e = &c->ents[c->nents - 1];

		e->type = sig_result(in->op);
		if (e->kind == K_CONST &&
		    (e->type == HW_I32 || e->type == HW_F32))
			e->imm &= 0xFFFFFFFFu;
		return;
	}
	}
	if (in->op >= 0x28 && in->op <= 0x35) {
		compile_load(c, in);
		return;
	}
	if (in->op >= 0x36 && in->op <= 0x3E) {
		compile_store(c, in);
		return;
	}
	if (binop_map(in->op, &bm)) {
		compile_binop(c, &bm);
		return;
	}
	if (unop_map(in->op, &iop)) {
		cent a = pop_ent(c);
		uint32_t s = opnd(c, &a);

		op(c, iop);
		dst(c, a.home);
		w(c, s);
		push_ent(c, sig_result(in->op), K_TEMP);
		c->dst_ok = !c->rc;
		return;
	}
	/* validated, so only SIMD can get here */
	compile_simd(c, in);
}

/* ---- functions and the module ---- */

static int compile_func(cc *c, uint32_t fi)
{
	hw_module *m = c->m;
	hw_funcdecl *f = &m->funcs[fi];
	hw_rd r = {m->bytes, f->body, f->body_end, c->err, HW_SEC_CODE, true};
	uint32_t frame;
	bool done = false;
	cblk *b;
	int rc;

	c->fi = fi;
	c->ft = &m->types[f->type];
	c->ltypes = NULL;
	c->lslot = NULL;
	if ((rc = hw__read_locals(&r, &m->al, &c->nlocals, &c->ltypes,
				  c->ft->nparams, c->ft->params)))
		return rc;
	c->lslot = hw__malloc(&c->m->al,
			      ((size_t)c->nlocals + 1) * sizeof *c->lslot);
	if (!c->lslot) {
		rc = HB_ENOMEM;
		goto out;
	}
	c->nlslots = 0;
	for (uint32_t i = 0; i < c->nlocals; i++) {
		c->lslot[i] = c->nlslots;
		c->nlslots += hw__slots(c->ltypes[i]);
	}
	c->nents = c->nblks = c->nfix = c->dead = c->icount = 0;
	c->top = c->maxslot = c->nlslots;
	f->code_off = (uint32_t)c->len;
	op(c, c->metered ? HW_I_ENTER_F : HW_I_ENTER);
	w(c, c->ft->param_slots);
	w(c, c->nlslots - c->ft->param_slots);
	c->enter_pos = c->len;
	w(c, 0);
	bind(c);
	b = push_blk(c, B_FUNC);
	if (!b) {
		rc = HB_ENOMEM;
		goto out;
	}
	b->results = c->ft->results;
	b->nr = c->ft->nresults;
	b->base = 0;
	while (!done && !c->rc) {
		hw_instr in;
		cblk *cur;

		if ((rc = hw__read_instr(&r, &in)))
			goto out;
		cur = &c->blks[c->nblks - 1];
		if (cur->unreachable) {
			if (in.op == HW_OP_BLOCK || in.op == HW_OP_LOOP ||
			    in.op == HW_OP_IF)
				c->dead++;
			else if (in.op == HW_OP_END && c->dead)
				c->dead--;
			else if (in.op == HW_OP_END)
				done = do_end(c);
			else if (in.op == HW_OP_ELSE && !c->dead)
				do_else(c);
			continue;
		}
		c->icount++;
		compile_instr(c, &in, &done);
	}
	if ((rc = c->rc))
		goto out;
	frame = c->maxslot;
	if (frame < c->ft->result_slots)
		frame = c->ft->result_slots;
	if (frame > HW_MAX_FRAME_SLOTS) {
		rc = hw__error(c->err, HB_ELIMIT, HW_SEC_CODE,
			       (size_t)(f->body - m->bytes), "frame too large",
			       "function %u needs %u slots", fi, frame);
		goto out;
	}
	c->code[c->enter_pos] = frame;
out:
	hw__free(&m->al, c->ltypes);
	hw__free(&m->al, c->lslot);
	return rc;
}

int hw__compile(hw_module *m, hw_error *err)
{
	cc c = {0};
	int rc = 0;

	c.m = m;
	c.err = err;
	c.h = hw__interp_handlers();
	c.metered = m->metered;
	c.max_words = (size_t)HW_MAX_CODE_RATIO * m->len + (1u << 16);
	if (c.max_words > UINT32_MAX)
		c.max_words = UINT32_MAX;
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs && !rc; i++)
		rc = compile_func(&c, i);
	if (!rc && c.rc)
		rc = c.rc;
	if (rc == HB_ENOSYS)
		hw__error(err, HB_ENOSYS, HW_SEC_CODE, 0,
			  "instruction not supported", NULL);
	else if (rc == HB_ENOMEM && err)
		hw__error(err, HB_ENOMEM, -1, 0, "out of memory", NULL);
	else if (rc == HB_ELIMIT && err && err->code != HB_ELIMIT)
		hw__error(err, HB_ELIMIT, HW_SEC_CODE, 0, "code too large",
			  NULL);
	if (rc)
		goto out;
	for (size_t i = 0; i < c.ncalls; i++)
		c.code[c.calls[i].pos] = m->funcs[c.calls[i].callee].code_off;
	m->code = c.code;
	m->code_len = c.len;
	c.code = NULL;
out:
	hw__free(&m->al, c.code);
	hw__free(&m->al, c.ents);
	hw__free(&m->al, c.blks);
	hw__free(&m->al, c.fix);
	hw__free(&m->al, c.calls);
	hw__free(&m->al, c.stubgen);
	hw__free(&m->al, c.stubpos);
	return rc;
}
