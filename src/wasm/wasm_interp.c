/* wasm_interp.c — the interpreter: one function that runs the internal
 * form with direct threading (each instruction holds its handler's
 * address; each handler ends with its own indirect jump). Wasm calls push
 * a record on the execution's frame stack instead of recursing in C, so
 * the whole state is in hw_exec and a run can stop at a back-edge (fuel),
 * a host call (suspend) or a trap, and continue later on any thread. */
#include <stdlib.h>
#include <string.h>

#include "hearth/error.h"
#include "wasm_int.h"
#include "wasm_iops.h"
#include "wasm_num.h"

static inline const void *rd_ptr(const uint32_t *p)
{
	const void *v;

	memcpy(&v, p, sizeof v);
	return v;
}

/* Zero a function's declared locals on entry. Most functions have a few:
 * stores inline, as a libc memset call costs more than the work. */
static inline void zero_slots(hw_slot *p, uint32_t n)
{
	switch (n) {
	case 4:
		p[3].u64 = 0;
		__attribute__((fallthrough));
	case 3:
		p[2].u64 = 0;
		__attribute__((fallthrough));
	case 2:
		p[1].u64 = 0;
		__attribute__((fallthrough));
	case 1:
		p[0].u64 = 0;
		__attribute__((fallthrough));
	case 0:
		break;
	default:
		memset(p, 0, (size_t)n * sizeof *p);
	}
}

static inline uint64_t rd64(const uint32_t *p)
{
	return (uint64_t)p[0] | ((uint64_t)p[1] << 32);
}

/* Registers: ip (the current instruction), fp (the frame's slot 0), fr
 * (the next free call record), fuel, and the current instance's code,
 * globals and memory 0 base/size (reloaded after anything that may
 * change them: calls, returns, memory.grow). */
#define A(i)   ip[2 + (i)]
#define S(i)   fp[A(i)]
#define NEXT() goto *rd_ptr(ip)
#define ADV(n) ip += 2 + (n)
#define TRAP(code)                                                             \
	do {                                                                   \
		trap = HW_TRAP_##code;                                         \
		goto do_trap;                                                  \
	} while (0)
#define FUEL(wgt)                                                              \
	do {                                                                   \
		fuel -= (int64_t)(wgt);                                        \
		if (HW_UNLIKELY(fuel < 0))                                     \
			goto out_of_fuel;                                      \
	} while (0)
#define RELOAD_MEM()                                                           \
	do {                                                                   \
		mem = inst->mem0->base;                                        \
		memsize = inst->mem0->size;                                    \
	} while (0)
#define LOAD_INST()                                                            \
	do {                                                                   \
		code = inst->mod->code;                                        \
		G = inst->globals;                                             \
		RELOAD_MEM();                                                  \
	} while (0)
#define SAVE()                                                                 \
	do {                                                                   \
		x->ip = ip;                                                    \
		x->fp = (uint32_t)(fp - stack);                                \
		x->cur = inst;                                                 \
		x->nframes = (uint32_t)(fr - frames);                          \
		x->fuel = fuel;                                                \
	} while (0)
/* Bulk operations charge 1 fuel per 64 bytes (8 table slots) after
 * doing the work, in metered modules, so a loop of big fills cannot run
 * for long on little fuel. */
#define BULK_FUEL(units)                                                       \
	do {                                                                   \
		if (inst->mod->metered)                                        \
			FUEL(units);                                           \
	} while (0)
#define GROW_FRAMES()                                                          \
	do {                                                                   \
		size_t k_ = (size_t)(fr - frames);                             \
		x->nframes = (uint32_t)k_;                                     \
		if (hw__frames_grow(x))                                        \
			TRAP(STACK_EXHAUSTED);                                 \
		frames = x->frames;                                            \
		fr = frames + k_;                                              \
		fr_end = frames + x->fcap;                                     \
	} while (0)

/* Loads: bounds-checked against the memory's byte size. */
#define LOAD(name, T, conv)                                                    \
	L_##name:                                                              \
	{                                                                      \
		uint64_t ea = (uint64_t)S(1).u32 + A(2);                       \
		T v;                                                           \
		if (HW_UNLIKELY(ea + sizeof(T) > memsize))                     \
			TRAP(MEMORY_OOB);                                      \
		memcpy(&v, mem + ea, sizeof v);                                \
		S(0).u64 = (conv);                                             \
		ADV(3);                                                        \
		NEXT();                                                        \
	}
#define STORE(name, T, field)                                                  \
	L_##name:                                                              \
	{                                                                      \
		uint64_t ea = (uint64_t)S(0).u32 + A(1);                       \
		T v = (T)S(2).field;                                           \
		if (HW_UNLIKELY(ea + sizeof(T) > memsize))                     \
			TRAP(MEMORY_OOB);                                      \
		memcpy(mem + ea, &v, sizeof v);                                \
		ADV(3);                                                        \
		NEXT();                                                        \
	}

/* The same with the address from a fused i32.add (wrapping to 32 bits
 * first, exactly as the add would have). */
#define LOAD_ADD(name, T, conv)                                                \
	L_##name##_A:                                                          \
	{                                                                      \
		uint64_t ea =                                                  \
			(uint64_t)(uint32_t)(S(1).u32 + S(2).u32) + A(3);      \
		T v;                                                           \
		if (HW_UNLIKELY(ea + sizeof(T) > memsize))                     \
			TRAP(MEMORY_OOB);                                      \
		memcpy(&v, mem + ea, sizeof v);                                \
		S(0).u64 = (conv);                                             \
		ADV(4);                                                        \
		NEXT();                                                        \
	}                                                                      \
	L_##name##_AI:                                                         \
	{                                                                      \
		uint64_t ea = (uint64_t)(uint32_t)(S(1).u32 + A(2)) + A(3);    \
		T v;                                                           \
		if (HW_UNLIKELY(ea + sizeof(T) > memsize))                     \
			TRAP(MEMORY_OOB);                                      \
		memcpy(&v, mem + ea, sizeof v);                                \
		S(0).u64 = (conv);                                             \
		ADV(4);                                                        \
		NEXT();                                                        \
	}
#define STORE_ADD(name, T, field)                                              \
	L_##name##_A:                                                          \
	{                                                                      \
		uint64_t ea =                                                  \
			(uint64_t)(uint32_t)(S(0).u32 + S(1).u32) + A(2);      \
		T v = (T)S(3).field;                                           \
		if (HW_UNLIKELY(ea + sizeof(T) > memsize))                     \
			TRAP(MEMORY_OOB);                                      \
		memcpy(mem + ea, &v, sizeof v);                                \
		ADV(4);                                                        \
		NEXT();                                                        \
	}                                                                      \
	L_##name##_AI:                                                         \
	{                                                                      \
		uint64_t ea = (uint64_t)(uint32_t)(S(0).u32 + A(1)) + A(2);    \
		T v = (T)S(3).field;                                           \
		if (HW_UNLIKELY(ea + sizeof(T) > memsize))                     \
			TRAP(MEMORY_OOB);                                      \
		memcpy(mem + ea, &v, sizeof v);                                \
		ADV(4);                                                        \
		NEXT();                                                        \
	}

/* Integer binary operators: slot-slot and slot-immediate forms. */
#define BIN32(name, expr)                                                      \
	L_I32_##name:                                                          \
	{                                                                      \
		uint32_t a = S(1).u32, b = S(2).u32;                           \
		S(0).u32 = (uint32_t)(expr);                                   \
		ADV(3);                                                        \
		NEXT();                                                        \
	}                                                                      \
	L_I32_##name##_I:                                                      \
	{                                                                      \
		uint32_t a = S(1).u32, b = A(2);                               \
		S(0).u32 = (uint32_t)(expr);                                   \
		ADV(3);                                                        \
		NEXT();                                                        \
	}
#define BIN64(name, expr)                                                      \
	L_I64_##name:                                                          \
	{                                                                      \
		uint64_t a = S(1).u64, b = S(2).u64;                           \
		S(0).u64 = (uint64_t)(expr);                                   \
		ADV(3);                                                        \
		NEXT();                                                        \
	}                                                                      \
	L_I64_##name##_I:                                                      \
	{                                                                      \
		uint64_t a = S(1).u64, b = rd64(ip + 4);                       \
		S(0).u64 = (uint64_t)(expr);                                   \
		ADV(4);                                                        \
		NEXT();                                                        \
	}
#define FBIN(name, T, in, out, expr)                                           \
	L_##name:                                                              \
	{                                                                      \
		T a = S(1).in, b = S(2).in;                                    \
		S(0).out = (expr);                                             \
		ADV(3);                                                        \
		NEXT();                                                        \
	}
#define UN(name, T, in, out, expr)                                             \
	L_##name:                                                              \
	{                                                                      \
		T a = S(1).in;                                                 \
		S(0).out = (expr);                                             \
		ADV(2);                                                        \
		NEXT();                                                        \
	}
/* Trapping float-to-int truncation. */
#define TRUNC(name, T, in, out, OT, fn)                                        \
	L_##name:                                                              \
	{                                                                      \
		OT r = 0;                                                      \
		int e_ = fn(S(1).in, &r);                                      \
		if (HW_UNLIKELY(e_))                                           \
			TRAP2(e_);                                             \
		S(0).out = r;                                                  \
		ADV(2);                                                        \
		NEXT();                                                        \
	}
#define TRAP2(e)                                                               \
	do {                                                                   \
		trap = (e) == 1 ? HW_TRAP_INVALID_CONV : HW_TRAP_INT_OVERFLOW; \
		goto do_trap;                                                  \
	} while (0)

/* Fused compare-and-branch: the branch word T and, in _F forms, the fuel
 * weight W follow the operands. */
#define C_EQ(st, a, b)	 ((a) == (b))
#define C_NE(st, a, b)	 ((a) != (b))
#define C_LT_S(st, a, b) ((st)(a) < (st)(b))
#define C_LT_U(st, a, b) ((a) < (b))
#define C_GT_S(st, a, b) ((st)(a) > (st)(b))
#define C_GT_U(st, a, b) ((a) > (b))
#define C_LE_S(st, a, b) ((st)(a) <= (st)(b))
#define C_LE_U(st, a, b) ((a) <= (b))
#define C_GE_S(st, a, b) ((st)(a) >= (st)(b))
#define C_GE_U(st, a, b) ((a) >= (b))
#define BRC(X, n)                                                              \
	L_BR_I32_##n:                                                          \
	{                                                                      \
		if (C_##n(int32_t, S(0).u32, S(1).u32))                        \
			ip += (int32_t)A(2);                                   \
		else                                                           \
			ADV(3);                                                \
		NEXT();                                                        \
	}                                                                      \
	L_BR_I32_##n##_F:                                                      \
	{                                                                      \
		if (C_##n(int32_t, S(0).u32, S(1).u32)) {                      \
			uint32_t w_ = A(3);                                    \
			ip += (int32_t)A(2);                                   \
			FUEL(w_);                                              \
		} else {                                                       \
			ADV(4);                                                \
		}                                                              \
		NEXT();                                                        \
	}                                                                      \
	L_BR_I32_##n##_I:                                                      \
	{                                                                      \
		if (C_##n(int32_t, S(0).u32, A(1)))                            \
			ip += (int32_t)A(2);                                   \
		else                                                           \
			ADV(3);                                                \
		NEXT();                                                        \
	}                                                                      \
	L_BR_I32_##n##_I_F:                                                    \
	{                                                                      \
		if (C_##n(int32_t, S(0).u32, A(1))) {                          \
			uint32_t w_ = A(3);                                    \
			ip += (int32_t)A(2);                                   \
			FUEL(w_);                                              \
		} else {                                                       \
			ADV(4);                                                \
		}                                                              \
		NEXT();                                                        \
	}                                                                      \
	L_BR_I64_##n:                                                          \
	{                                                                      \
		if (C_##n(int64_t, S(0).u64, S(1).u64))                        \
			ip += (int32_t)A(2);                                   \
		else                                                           \
			ADV(3);                                                \
		NEXT();                                                        \
	}                                                                      \
	L_BR_I64_##n##_F:                                                      \
	{                                                                      \
		if (C_##n(int64_t, S(0).u64, S(1).u64)) {                      \
			uint32_t w_ = A(3);                                    \
			ip += (int32_t)A(2);                                   \
			FUEL(w_);                                              \
		} else {                                                       \
			ADV(4);                                                \
		}                                                              \
		NEXT();                                                        \
	}                                                                      \
	L_BR_I64_##n##_I:                                                      \
	{                                                                      \
		if (C_##n(int64_t, S(0).u64, rd64(ip + 3)))                    \
			ip += (int32_t)A(3);                                   \
		else                                                           \
			ADV(4);                                                \
		NEXT();                                                        \
	}                                                                      \
	L_BR_I64_##n##_I_F:                                                    \
	{                                                                      \
		if (C_##n(int64_t, S(0).u64, rd64(ip + 3))) {                  \
			uint32_t w_ = A(4);                                    \
			ip += (int32_t)A(3);                                   \
			FUEL(w_);                                              \
		} else {                                                       \
			ADV(5);                                                \
		}                                                              \
		NEXT();                                                        \
	}

static int interp(hw_exec *x, const void *const **handlers)
{
	static const void *const labels[HW_I__COUNT] = {
#define HW__LBL(name, n) [HW_I_##name] = &&L_##name,
		HW_IOPS(HW__LBL)
#undef HW__LBL
	};
	hw_slot *stack, *fp;
	size_t cap;
	hw_frame *frames, *fr, *fr_end;
	hw_instance *inst;
	const uint32_t *ip, *code;
	hw_global **G;
	uint8_t *mem;
	uint64_t memsize;
	int64_t fuel;
	hw_trap_code trap = HW_TRAP_NONE;
	/* call targets shared by CALL_IMPORT and CALL_INDIRECT */
	hw_func *cf;
	uint32_t cbase;
	const uint32_t *cnext;

	if (handlers) {
		*handlers = labels;
		return 0;
	}
	stack = x->stack;
	cap = x->cap;
	frames = x->frames;
	fr = frames + x->nframes;
	fr_end = frames + x->fcap;
	inst = x->cur;
	ip = x->ip;
	fp = stack + x->fp;
	fuel = x->fuel;
	LOAD_INST();
	NEXT();

	/* ---- control ---- */
L_UNREACHABLE:
	TRAP(UNREACHABLE);

#define ENTER_BODY()                                                           \
	do {                                                                   \
		size_t off_ = (size_t)(fp - stack);                            \
		if (HW_UNLIKELY(off_ + A(2) > cap)) {                          \
			int rc_;                                               \
			SAVE();                                                \
			rc_ = hw__stack_grow(x, off_ + A(2));                  \
			if (rc_) {                                             \
				trap = rc_ == HB_ENOMEM                        \
					       ? HW_TRAP_NOMEM                 \
					       : HW_TRAP_STACK_EXHAUSTED;      \
				goto do_trap;                                  \
			}                                                      \
			stack = x->stack;                                      \
			cap = x->cap;                                          \
			fp = stack + off_;                                     \
		}                                                              \
		zero_slots(fp + A(0), A(1));                                   \
	} while (0)
L_ENTER:
	ENTER_BODY();
	ADV(3);
	NEXT();
L_ENTER_F : {
	/* 1, plus 1 per 16 locals zeroed: big frames cost their memset */
	uint32_t w_ = 1 + (A(1) >> 4);

	ENTER_BODY();
	ADV(3);
	FUEL(w_);
	NEXT();
}
L_BR:
	ip += (int32_t)A(0);
	NEXT();
L_BR_F : {
	uint32_t w_ = A(1);

	ip += (int32_t)A(0);
	FUEL(w_);
	NEXT();
}
L_BR_NZ:
	if (S(0).u32)
		ip += (int32_t)A(1);
	else
		ADV(2);
	NEXT();
L_BR_NZ_F:
	if (S(0).u32) {
		uint32_t w_ = A(2);

		ip += (int32_t)A(1);
		FUEL(w_);
	} else {
		ADV(3);
	}
	NEXT();
L_BR_Z:
	if (!S(0).u32)
		ip += (int32_t)A(1);
	else
		ADV(2);
	NEXT();
L_BR_Z_F:
	if (!S(0).u32) {
		uint32_t w_ = A(2);

		ip += (int32_t)A(1);
		FUEL(w_);
	} else {
		ADV(3);
	}
	NEXT();
L_BR_TABLE : {
	uint32_t i = S(0).u32, n = A(1);

	if (i > n)
		i = n;
	ip += (int32_t)A(2 + i);
	NEXT();
}
	HW_CMPS(BRC, _)

L_CALL:
	if (HW_UNLIKELY(fr == fr_end))
		GROW_FRAMES();
	fr->ip = ip + 4;
	fr->inst = inst;
	fr->fp = (uint32_t)(fp - stack);
	fr++;
	fp += A(1);
	ip = code + A(0);
	NEXT();
L_CALL_IMPORT:
	cf = inst->fimports[A(0)];
	cbase = A(1);
	cnext = ip + 4;
	goto do_call;
L_CALL_INDIRECT : {
	hw_table *t = inst->tables[A(0)];
	uint32_t i = S(3).u32;
	const hw_functype *want = &inst->mod->types[A(1)];

	if (HW_UNLIKELY(i >= t->size))
		TRAP(UNDEFINED_ELEM);
	cf = t->elems[i];
	if (HW_UNLIKELY(!cf))
		TRAP(UNINIT_ELEM);
	if (HW_UNLIKELY(cf->type != want && !hw__functype_eq(cf->type, want)))
		TRAP(INDIRECT_TYPE);
	cbase = A(2);
	cnext = ip + 6;
	goto do_call;
}
do_call:
	if (cf->inst) {
		if (HW_UNLIKELY(fr == fr_end))
			GROW_FRAMES();
		fr->ip = cnext;
		fr->inst = inst;
		fr->fp = (uint32_t)(fp - stack);
		fr++;
		fp += cbase;
		if (cf->inst != inst) {
			inst = cf->inst;
			LOAD_INST();
		}
		ip = cf->code;
		NEXT();
	} else {
		int hrc;

		ip = cnext;
		SAVE();
		hrc = hw__host_call(x, inst, (hw_hostfunc *)cf, fp + cbase);
		fuel = x->fuel; /* the host may have changed it */
		RELOAD_MEM();
		if (HW_LIKELY(hrc == HW_HOST_OK))
			NEXT();
		if (hrc == HW_HOST_SUSPEND) {
			x->state = HW_X_HOST;
			x->host_res = (uint32_t)(fp + cbase - stack);
			x->host_type = cf->type;
			return HW_SUSPENDED;
		}
		TRAP(HOST);
	}
L_RET0:
	goto do_ret;
L_RET1:
	fp[0] = S(0);
	goto do_ret;
L_RET:
	memmove(fp, fp + A(0), (size_t)A(1) * sizeof *fp);
	goto do_ret;
do_ret:
	fr--;
	if (HW_UNLIKELY(!fr->ip))
		goto finished;
	ip = fr->ip;
	fp = stack + fr->fp;
	if (HW_UNLIKELY(fr->inst != inst)) {
		inst = fr->inst;
		LOAD_INST();
	} else {
		RELOAD_MEM();
	}
	NEXT();

	/* ---- values ---- */
L_MOV:
	S(0) = S(1);
	ADV(2);
	NEXT();
L_MOV2 : {
	hw_slot lo = fp[A(1)], hi = fp[A(1) + 1];

	fp[A(0)] = lo;
	fp[A(0) + 1] = hi;
	ADV(2);
	NEXT();
}
L_CONST32:
	S(0).u64 = A(1);
	ADV(2);
	NEXT();
L_CONST64:
	S(0).u64 = rd64(ip + 3);
	ADV(3);
	NEXT();
L_SELECT:
	S(0) = S(3).u32 ? S(1) : S(2);
	ADV(4);
	NEXT();
L_SELECT2 : {
	uint32_t s = S(3).u32 ? A(1) : A(2);
	hw_slot lo = fp[s], hi = fp[s + 1];

	fp[A(0)] = lo;
	fp[A(0) + 1] = hi;
	ADV(4);
	NEXT();
}
L_GLOBAL_GET:
	S(0).u64 = G[A(1)]->val.i64;
	ADV(2);
	NEXT();
L_GLOBAL_SET:
	G[A(0)]->val.i64 = S(1).u64;
	ADV(2);
	NEXT();
L_GLOBAL_GET2:
	memcpy(&S(0), G[A(1)]->val.v128, 16);
	ADV(2);
	NEXT();
L_GLOBAL_SET2:
	memcpy(G[A(0)]->val.v128, &S(1), 16);
	ADV(2);
	NEXT();
L_REF_FUNC:
	S(0).ref = &inst->frefs[A(1)];
	ADV(2);
	NEXT();
L_REF_FUNC_IMPORT:
	S(0).ref = inst->fimports[A(1)];
	ADV(2);
	NEXT();
L_REF_IS_NULL:
	S(0).u64 = S(1).ref == NULL;
	ADV(2);
	NEXT();

	/* ---- tables ---- */
L_TABLE_GET : {
	hw_table *t = inst->tables[A(1)];
	uint32_t i = S(2).u32;

	if (HW_UNLIKELY(i >= t->size))
		TRAP(TABLE_OOB);
	S(0).ref = t->elems[i];
	ADV(3);
	NEXT();
}
L_TABLE_SET : {
	hw_table *t = inst->tables[A(0)];
	uint32_t i = S(1).u32;

	if (HW_UNLIKELY(i >= t->size))
		TRAP(TABLE_OOB);
	t->elems[i] = S(2).ref;
	ADV(3);
	NEXT();
}
L_TABLE_SIZE:
	S(0).u64 = inst->tables[A(1)]->size;
	ADV(2);
	NEXT();
L_TABLE_GROW:
	S(0).u64 = (uint32_t)hw__table_grow(inst->tables[A(1)], S(3).u32,
					    S(2).ref);
	ADV(4);
	NEXT();
L_TABLE_FILL : {
	hw_table *t = inst->tables[A(0)];
	uint64_t i = S(1).u32, n = S(3).u32;
	void *v = S(2).ref;

	if (HW_UNLIKELY(i + n > t->size))
		TRAP(TABLE_OOB);
	for (uint64_t k = 0; k < n; k++)
		t->elems[i + k] = v;
	ADV(4);
	BULK_FUEL(n >> 3);
	NEXT();
}
L_TABLE_COPY : {
	hw_table *dt = inst->tables[A(0)], *st = inst->tables[A(1)];
	uint64_t d = S(2).u32, s = S(3).u32, n = S(4).u32;

	if (HW_UNLIKELY(d + n > dt->size || s + n > st->size))
		TRAP(TABLE_OOB);
	if (n)
		memmove(dt->elems + d, st->elems + s, n * sizeof(void *));
	ADV(5);
	BULK_FUEL(n >> 3);
	NEXT();
}
L_TABLE_INIT : {
	uint32_t n = S(4).u32;
	int t = hw__table_init(inst, A(0), A(1), S(2).u32, S(3).u32, n);

	if (HW_UNLIKELY(t)) {
		trap = (hw_trap_code)t;
		goto do_trap;
	}
	ADV(5);
	BULK_FUEL(n >> 3);
	NEXT();
}
L_ELEM_DROP:
	inst->elem_dropped[A(0)] = 1;
	ADV(1);
	NEXT();

	/* ---- memory ---- */
L_MEMORY_SIZE:
	S(0).u64 = inst->mem0->pages;
	ADV(1);
	NEXT();
L_MEMORY_GROW:
	S(0).u64 = (uint32_t)hw__memory_grow(inst->mem0, S(1).u32);
	RELOAD_MEM();
	ADV(2);
	NEXT();
L_MEMORY_FILL : {
	uint64_t d = S(0).u32, n = S(2).u32;

	if (HW_UNLIKELY(d + n > memsize))
		TRAP(MEMORY_OOB);
	if (n)
		memset(mem + d, (int)(S(1).u32 & 0xFF), n);
	ADV(3);
	BULK_FUEL(n >> 6);
	NEXT();
}
L_MEMORY_COPY : {
	uint64_t d = S(0).u32, s = S(1).u32, n = S(2).u32;

	if (HW_UNLIKELY(d + n > memsize || s + n > memsize))
		TRAP(MEMORY_OOB);
	if (n)
		memmove(mem + d, mem + s, n);
	ADV(3);
	BULK_FUEL(n >> 6);
	NEXT();
}
L_MEMORY_INIT : {
	uint32_t n = S(3).u32;
	int t = hw__memory_init(inst, A(0), S(1).u32, S(2).u32, n);

	if (HW_UNLIKELY(t)) {
		trap = (hw_trap_code)t;
		goto do_trap;
	}
	ADV(4);
	BULK_FUEL(n >> 6);
	NEXT();
}
L_DATA_DROP:
	inst->data_dropped[A(0)] = 1;
	ADV(1);
	NEXT();
	LOAD(LD8S, int8_t, (uint64_t)(int64_t)v)
	LOAD(LD8U, uint8_t, v)
	LOAD(LD16S, int16_t, (uint64_t)(int64_t)v)
	LOAD(LD16U, uint16_t, v)
	LOAD(LD32, uint32_t, v)
	LOAD(LD32S, int32_t, (uint64_t)(int64_t)v)
	LOAD(LD64, uint64_t, v)
	STORE(ST8, uint8_t, u32)
	STORE(ST16, uint16_t, u32)
	STORE(ST32, uint32_t, u32)
	STORE(ST64, uint64_t, u64)
	LOAD_ADD(LD8S, int8_t, (uint64_t)(int64_t)v)
	LOAD_ADD(LD8U, uint8_t, v)
	LOAD_ADD(LD16S, int16_t, (uint64_t)(int64_t)v)
	LOAD_ADD(LD16U, uint16_t, v)
	LOAD_ADD(LD32, uint32_t, v)
	LOAD_ADD(LD32S, int32_t, (uint64_t)(int64_t)v)
	LOAD_ADD(LD64, uint64_t, v)
	STORE_ADD(ST8, uint8_t, u32)
	STORE_ADD(ST16, uint16_t, u32)
	STORE_ADD(ST32, uint32_t, u32)
	STORE_ADD(ST64, uint64_t, u64)

	/* ---- integer arithmetic ---- */
	BIN32(ADD, a + b)
	BIN32(SUB, a - b)
	BIN32(MUL, a * b)
	BIN32(AND, a & b)
	BIN32(OR, a | b)
	BIN32(XOR, a ^ b)
	BIN32(SHL, a << (b & 31))
	BIN32(SHR_S, (int32_t)a >> (b & 31))
	BIN32(SHR_U, a >> (b & 31))
	BIN32(ROTL, hw_rotl32(a, b))
	BIN32(ROTR, hw_rotr32(a, b))
	BIN32(EQ, a == b)
	BIN32(NE, a != b)
	BIN32(LT_S, (int32_t)a < (int32_t)b)
	BIN32(LT_U, a < b)
	BIN32(GT_S, (int32_t)a > (int32_t)b)
	BIN32(GT_U, a > b)
	BIN32(LE_S, (int32_t)a <= (int32_t)b)
	BIN32(LE_U, a <= b)
	BIN32(GE_S, (int32_t)a >= (int32_t)b)
	BIN32(GE_U, a >= b)
	BIN64(ADD, a + b)
	BIN64(SUB, a - b)
	BIN64(MUL, a * b)
	BIN64(AND, a & b)
	BIN64(OR, a | b)
	BIN64(XOR, a ^ b)
	BIN64(SHL, a << (b & 63))
	BIN64(SHR_S, (int64_t)a >> (b & 63))
	BIN64(SHR_U, a >> (b & 63))
	BIN64(ROTL, hw_rotl64(a, b))
	BIN64(ROTR, hw_rotr64(a, b))
	BIN64(EQ, a == b)
	BIN64(NE, a != b)
	BIN64(LT_S, (int64_t)a < (int64_t)b)
	BIN64(LT_U, a < b)
	BIN64(GT_S, (int64_t)a > (int64_t)b)
	BIN64(GT_U, a > b)
	BIN64(LE_S, (int64_t)a <= (int64_t)b)
	BIN64(LE_U, a <= b)
	BIN64(GE_S, (int64_t)a >= (int64_t)b)
	BIN64(GE_U, a >= b)
L_I32_DIV_S : {
	int32_t a = S(1).i32, b = S(2).i32;

	if (HW_UNLIKELY(b == 0))
		TRAP(DIV_ZERO);
	if (HW_UNLIKELY(a == INT32_MIN && b == -1))
		TRAP(INT_OVERFLOW);
	S(0).i32 = a / b;
	ADV(3);
	NEXT();
}
L_I32_DIV_U : {
	uint32_t a = S(1).u32, b = S(2).u32;

	if (HW_UNLIKELY(b == 0))
		TRAP(DIV_ZERO);
	S(0).u32 = a / b;
	ADV(3);
	NEXT();
}
L_I32_REM_S : {
	int32_t a = S(1).i32, b = S(2).i32;

	if (HW_UNLIKELY(b == 0))
		TRAP(DIV_ZERO);
	S(0).i32 = b == -1 ? 0 : a % b;
	ADV(3);
	NEXT();
}
L_I32_REM_U : {
	uint32_t a = S(1).u32, b = S(2).u32;

	if (HW_UNLIKELY(b == 0))
		TRAP(DIV_ZERO);
	S(0).u32 = a % b;
	ADV(3);
	NEXT();
}
L_I64_DIV_S : {
	int64_t a = S(1).i64, b = S(2).i64;

	if (HW_UNLIKELY(b == 0))
		TRAP(DIV_ZERO);
	if (HW_UNLIKELY(a == INT64_MIN && b == -1))
		TRAP(INT_OVERFLOW);
	S(0).i64 = a / b;
	ADV(3);
	NEXT();
}
L_I64_DIV_U : {
	uint64_t a = S(1).u64, b = S(2).u64;

	if (HW_UNLIKELY(b == 0))
		TRAP(DIV_ZERO);
	S(0).u64 = a / b;
	ADV(3);
	NEXT();
}
L_I64_REM_S : {
	int64_t a = S(1).i64, b = S(2).i64;

	if (HW_UNLIKELY(b == 0))
		TRAP(DIV_ZERO);
	S(0).i64 = b == -1 ? 0 : a % b;
	ADV(3);
	NEXT();
}
L_I64_REM_U : {
	uint64_t a = S(1).u64, b = S(2).u64;

	if (HW_UNLIKELY(b == 0))
		TRAP(DIV_ZERO);
	S(0).u64 = a % b;
	ADV(3);
	NEXT();
}
	UN(I32_EQZ, uint32_t, u32, u64, a == 0)
	UN(I32_CLZ, uint32_t, u32, u64, a ? (uint32_t)__builtin_clz(a) : 32u)
	UN(I32_CTZ, uint32_t, u32, u64, a ? (uint32_t)__builtin_ctz(a) : 32u)
	UN(I32_POPCNT, uint32_t, u32, u64, (uint32_t)__builtin_popcount(a))
	UN(I32_EXTEND8_S, uint32_t, u32, u32, (uint32_t)(int32_t)(int8_t)a)
	UN(I32_EXTEND16_S, uint32_t, u32, u32, (uint32_t)(int32_t)(int16_t)a)
	UN(I64_EQZ, uint64_t, u64, u64, a == 0)
	UN(I64_CLZ, uint64_t, u64, u64, a ? (uint64_t)__builtin_clzll(a) : 64u)
	UN(I64_CTZ, uint64_t, u64, u64, a ? (uint64_t)__builtin_ctzll(a) : 64u)
	UN(I64_POPCNT, uint64_t, u64, u64, (uint64_t)__builtin_popcountll(a))
	UN(I64_EXTEND8_S, uint64_t, u64, u64, (uint64_t)(int64_t)(int8_t)a)
	UN(I64_EXTEND16_S, uint64_t, u64, u64, (uint64_t)(int64_t)(int16_t)a)
	UN(I64_EXTEND32_S, uint64_t, u64, u64, (uint64_t)(int64_t)(int32_t)a)
	UN(I64_EXTEND_I32_S, int32_t, i32, i64, (int64_t)a)
	UN(I64_EXTEND_I32_U, uint32_t, u32, u64, (uint64_t)a)

	/* ---- floating point ---- */
	UN(F32_ABS, uint32_t, u32, u32, a & 0x7FFFFFFFu)
	UN(F32_NEG, uint32_t, u32, u32, a ^ 0x80000000u)
	UN(F32_CEIL, float, f32, f32, hw_ceilf(a))
	UN(F32_FLOOR, float, f32, f32, hw_floorf(a))
	UN(F32_TRUNC, float, f32, f32, hw_truncf(a))
	UN(F32_NEAREST, float, f32, f32, hw_nearestf(a))
	UN(F32_SQRT, float, f32, f32, sqrtf(a))
	UN(F64_ABS, uint64_t, u64, u64, a & 0x7FFFFFFFFFFFFFFFull)
	UN(F64_NEG, uint64_t, u64, u64, a ^ 0x8000000000000000ull)
	UN(F64_CEIL, double, f64, f64, hw_ceil(a))
	UN(F64_FLOOR, double, f64, f64, hw_floor(a))
	UN(F64_TRUNC, double, f64, f64, hw_trunc(a))
	UN(F64_NEAREST, double, f64, f64, hw_nearest(a))
	UN(F64_SQRT, double, f64, f64, sqrt(a))
	FBIN(F32_ADD, float, f32, f32, a + b)
	FBIN(F32_SUB, float, f32, f32, a - b)
	FBIN(F32_MUL, float, f32, f32, a *b)
	FBIN(F32_DIV, float, f32, f32, a / b)
	FBIN(F32_MIN, float, f32, f32, hw_fminf(a, b))
	FBIN(F32_MAX, float, f32, f32, hw_fmaxf(a, b))
	FBIN(F32_COPYSIGN, uint32_t, u32, u32,
	     (a & 0x7FFFFFFFu) | (b & 0x80000000u))
	FBIN(F32_EQ, float, f32, u64, a == b)
	FBIN(F32_NE, float, f32, u64, a != b)
	FBIN(F32_LT, float, f32, u64, a < b)
	FBIN(F32_GT, float, f32, u64, a > b)
	FBIN(F32_LE, float, f32, u64, a <= b)
	FBIN(F32_GE, float, f32, u64, a >= b)
	FBIN(F64_ADD, double, f64, f64, a + b)
	FBIN(F64_SUB, double, f64, f64, a - b)
	FBIN(F64_MUL, double, f64, f64, a *b)
	FBIN(F64_DIV, double, f64, f64, a / b)
	FBIN(F64_MIN, double, f64, f64, hw_fmin(a, b))
	FBIN(F64_MAX, double, f64, f64, hw_fmax(a, b))
	FBIN(F64_COPYSIGN, uint64_t, u64, u64,
	     (a & 0x7FFFFFFFFFFFFFFFull) | (b & 0x8000000000000000ull))
	FBIN(F64_EQ, double, f64, u64, a == b)
	FBIN(F64_NE, double, f64, u64, a != b)
	FBIN(F64_LT, double, f64, u64, a < b)
	FBIN(F64_GT, double, f64, u64, a > b)
	FBIN(F64_LE, double, f64, u64, a <= b)
	FBIN(F64_GE, double, f64, u64, a >= b)

	/* ---- conversions ---- */
	TRUNC(I32_TRUNC_F32_S, float, f32, i64, int32_t, hw_trunc_i32_f32)
	TRUNC(I32_TRUNC_F32_U, float, f32, u64, uint32_t, hw_trunc_u32_f32)
	TRUNC(I32_TRUNC_F64_S, double, f64, i64, int32_t, hw_trunc_i32_f64)
	TRUNC(I32_TRUNC_F64_U, double, f64, u64, uint32_t, hw_trunc_u32_f64)
	TRUNC(I64_TRUNC_F32_S, float, f32, i64, int64_t, hw_trunc_i64_f32)
	TRUNC(I64_TRUNC_F32_U, float, f32, u64, uint64_t, hw_trunc_u64_f32)
	TRUNC(I64_TRUNC_F64_S, double, f64, i64, int64_t, hw_trunc_i64_f64)
	TRUNC(I64_TRUNC_F64_U, double, f64, u64, uint64_t, hw_trunc_u64_f64)
	UN(I32_TRUNC_SAT_F32_S, float, f32, i64, hw_sat_i32_f64(a))
	UN(I32_TRUNC_SAT_F32_U, float, f32, u64, hw_sat_u32_f64(a))
	UN(I32_TRUNC_SAT_F64_S, double, f64, i64, hw_sat_i32_f64(a))
	UN(I32_TRUNC_SAT_F64_U, double, f64, u64, hw_sat_u32_f64(a))
	UN(I64_TRUNC_SAT_F32_S, float, f32, i64, hw_sat_i64_f64(a))
	UN(I64_TRUNC_SAT_F32_U, float, f32, u64, hw_sat_u64_f64(a))
	UN(I64_TRUNC_SAT_F64_S, double, f64, i64, hw_sat_i64_f64(a))
	UN(I64_TRUNC_SAT_F64_U, double, f64, u64, hw_sat_u64_f64(a))
	UN(F32_CONVERT_I32_S, int32_t, i32, f32, (float)a)
	UN(F32_CONVERT_I32_U, uint32_t, u32, f32, (float)a)
	UN(F32_CONVERT_I64_S, int64_t, i64, f32, (float)a)
	UN(F32_CONVERT_I64_U, uint64_t, u64, f32, (float)a)
	UN(F32_DEMOTE_F64, double, f64, f32, (float)a)
	UN(F64_CONVERT_I32_S, int32_t, i32, f64, (double)a)
	UN(F64_CONVERT_I32_U, uint32_t, u32, f64, (double)a)
	UN(F64_CONVERT_I64_S, int64_t, i64, f64, (double)a)
	UN(F64_CONVERT_I64_U, uint64_t, u64, f64, (double)a)
	UN(F64_PROMOTE_F32, float, f32, f64, (double)a)

	/* ---- SIMD (wasm_simd.h) ---- */
#include "wasm_interp_simd.inc"

	/* ---- leaving ---- */
out_of_fuel:
	SAVE();
	if (x->fuel_traps) {
		trap = HW_TRAP_OUT_OF_FUEL;
		goto do_trap;
	}
	x->state = HW_X_FUEL;
	return HW_OUT_OF_FUEL;
finished:
	x->fuel = fuel;
	x->nframes = 0;
	x->state = HW_X_IDLE;
	return HW_DONE;
do_trap:
	x->ip = ip;
	x->cur = inst;
	x->fuel = fuel;
	x->trap = trap;
	x->nframes = 0;
	x->state = HW_X_IDLE;
	return HW_TRAPPED;
}

int hw__interp_run(hw_exec *x)
{
	return interp(x, NULL);
}

const void *const *hw__interp_handlers(void)
{
	const void *const *h = NULL;

	interp(NULL, &h);
	return h;
}
