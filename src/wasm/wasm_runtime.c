/* wasm_runtime.c — runtime objects (functions, memories, tables,
 * globals), instantiation (linking, segments), and the execution API:
 * call, start, resume, abort, fuel, traps, host calls. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hearth/error.h"
#include "wasm_int.h"

#define PAGE		  65536u
#define FIRST_STACK_SLOTS 256u
#define FIRST_FRAMES	  16u
#define FIRST_SCRATCH	  8u
#define IDLE_STACK_SLOTS  4096u /* a finished run keeps at most this */

/* ---- owners ---- */

static void instance_destroy(hw_instance *inst);

void hw__obj_ref(hw_obj *o)
{
	atomic_fetch_add_explicit(&o->refs, 1, memory_order_relaxed);
}

static void memory_release(hw_memory *mem)
{
	if (mem->base &&
	    !(mem->pool && hw__pool_put(mem->pool, mem->base, mem->size,
					mem->mapped, mem->pool_uses)))
		munmap(mem->base, mem->mapped);
	mem->base = NULL;
	mem->mapped = 0;
	if (mem->pool)
		hw__pool_unref(mem->pool);
	mem->pool = NULL;
}

void hw__obj_unref(hw_obj *o)
{
	if (atomic_fetch_sub_explicit(&o->refs, 1, memory_order_acq_rel) != 1)
		return;
	switch (o->kind) {
	case HW_OBJ_INSTANCE:
		instance_destroy((hw_instance *)((char *)o -
						 offsetof(hw_instance, obj)));
		break;
	case HW_OBJ_FUNC:
		free((char *)o - offsetof(hw_hostfunc, obj));
		break;
	case HW_OBJ_TABLE: {
		hw_table *t = (hw_table *)((char *)o - offsetof(hw_table, obj));

		hw__free(t->al, t->elems);
		free(t);
		break;
	}
	case HW_OBJ_MEMORY: {
		hw_memory *mem =
			(hw_memory *)((char *)o - offsetof(hw_memory, obj));

		memory_release(mem);
		free(mem);
		break;
	}
	case HW_OBJ_GLOBAL:
		free((char *)o - offsetof(hw_global, obj));
		break;
	}
}

static hw_obj *func_owner(hw_func *f)
{
	return f->inst ? &f->inst->obj : &((hw_hostfunc *)f)->obj;
}

static void obj_init(hw_obj *o, uint8_t kind)
{
	atomic_init(&o->refs, 1);
	o->kind = kind;
}

/* ---- memories ---- */

static int memory_init(hw_memory *mem, uint32_t pages, uint32_t max)
{
	size_t bytes = (size_t)pages * PAGE;

	mem->pages = pages;
	mem->max = max;
	mem->size = bytes;
	mem->base = NULL;
	mem->mapped = 0;
	if (bytes && mem->pool &&
	    hw__pool_get(mem->pool, bytes, &mem->base, &mem->mapped,
			 &mem->pool_uses))
		return 0;
	if (bytes) {
		void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
			       0);

		if (p == MAP_FAILED)
			return HB_ENOMEM;
		mem->base = p;
		mem->mapped = bytes;
	}
	return 0;
}

int64_t hw__memory_grow(hw_memory *mem, uint32_t delta)
{
	uint32_t old = mem->pages;
	uint64_t pages = (uint64_t)old + delta;
	size_t bytes;

	if (delta == 0)
		return old;
	if (pages > mem->max)
		return -1;
	bytes = (size_t)pages * PAGE;
	if (bytes > mem->mapped) {
		/* reserve ahead geometrically: address space, not memory */
		size_t want = mem->mapped * 2 > bytes ? mem->mapped * 2 : bytes;
		size_t cap = (size_t)mem->max * PAGE;
		void *p;

		if (want > cap)
			want = cap;
		if (mem->mapped == 0)
			p = mmap(NULL, want, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				 -1, 0);
		else
			p = mremap(mem->base, mem->mapped, want,
				   MREMAP_MAYMOVE);
		if (p == MAP_FAILED)
			return -1;
		mem->base = p;
		mem->mapped = want;
	}
	mem->pages = (uint32_t)pages;
	mem->size = bytes;
	return old;
}

int hw_memory_new(uint32_t min, uint32_t max, bool has_max, hw_memory **out)
{
	hw_memory *mem;

	*out = NULL;
	if (!has_max)
		max = HW_MAX_PAGES;
	if (min > max || max > HW_MAX_PAGES)
		return HB_EINVAL;
	mem = calloc(1, sizeof *mem);
	if (!mem)
		return HB_ENOMEM;
	obj_init(&mem->obj, HW_OBJ_MEMORY);
	mem->owner = &mem->obj;
	mem->has_max = has_max;
	mem->type_max = max;
	if (memory_init(mem, min, max)) {
		free(mem);
		return HB_ENOMEM;
	}
	*out = mem;
	return 0;
}

void hw_memory_free(hw_memory *mem)
{
	if (mem && mem->owner == &mem->obj)
		hw__obj_unref(&mem->obj);
}

uint8_t *hw_memory_data(const hw_memory *mem, uint64_t *size)
{
	if (size)
		*size = mem->size;
	return mem->base;
}

uint32_t hw_memory_pages(const hw_memory *mem)
{
	return mem->pages;
}

int64_t hw_memory_grow(hw_memory *mem, uint32_t delta)
{
	return hw__memory_grow(mem, delta);
}

/* ---- tables ---- */

int64_t hw__table_grow(hw_table *t, uint32_t delta, void *init)
{
	uint32_t old = t->size;
	uint64_t n = (uint64_t)old + delta;
	void **p;

	if (delta == 0)
		return old;
	if (n > t->max)
		return -1;
	p = hw__realloc(t->al, t->elems, (size_t)n * sizeof *p);
	if (!p)
		return -1;
	for (uint64_t i = old; i < n; i++)
		p[i] = init;
	t->elems = p;
	t->size = (uint32_t)n;
	return old;
}

int hw_table_new(hw_valtype reftype, uint32_t min, uint32_t max, bool has_max,
		 hw_val init, hw_table **out)
{
	hw_table *t;

	*out = NULL;
	if (!hw__is_reftype((uint8_t)reftype) || (has_max && min > max) ||
	    min > HW_MAX_TABLE_ELEMS)
		return HB_EINVAL;
	t = calloc(1, sizeof *t);
	if (!t)
		return HB_ENOMEM;
	obj_init(&t->obj, HW_OBJ_TABLE);
	t->owner = &t->obj;
	t->al = &hw__libc_allocator;
	t->elem = (uint8_t)reftype;
	t->max = has_max ? max : UINT32_MAX;
	if (t->max > HW_MAX_TABLE_ELEMS)
		t->max = HW_MAX_TABLE_ELEMS;
	t->has_max = has_max;
	t->type_max = max;
	t->elems = calloc(min ? min : 1, sizeof *t->elems);
	if (!t->elems) {
		free(t);
		return HB_ENOMEM;
	}
	t->size = min;
	for (uint32_t i = 0; i < min; i++)
		t->elems[i] =
			reftype == HW_FUNCREF ? (void *)init.func : init.ext;
	*out = t;
	return 0;
}

void hw_table_free(hw_table *t)
{
	if (t && t->owner == &t->obj)
		hw__obj_unref(&t->obj);
}

uint32_t hw_table_size(const hw_table *t)
{
	return t->size;
}

int hw_table_get(const hw_table *t, uint32_t i, hw_val *out)
{
	if (i >= t->size)
		return HB_ERANGE;
	memset(out, 0, sizeof *out);
	out->ext = t->elems[i];
	return 0;
}

int hw_table_set(hw_table *t, uint32_t i, hw_val v)
{
	if (i >= t->size)
		return HB_ERANGE;
	t->elems[i] = t->elem == HW_FUNCREF ? (void *)v.func : v.ext;
	return 0;
}

/* ---- globals ---- */

int hw_global_new(hw_valtype type, bool mut, hw_val init, hw_global **out)
{
	hw_global *g;

	*out = NULL;
	if (!hw__is_valtype((uint8_t)type))
		return HB_EINVAL;
	g = calloc(1, sizeof *g);
	if (!g)
		return HB_ENOMEM;
	obj_init(&g->obj, HW_OBJ_GLOBAL);
	g->owner = &g->obj;
	g->type = (uint8_t)type;
	g->mut = mut;
	g->val = init;
	*out = g;
	return 0;
}

void hw_global_free(hw_global *g)
{
	if (g && g->owner == &g->obj)
		hw__obj_unref(&g->obj);
}

hw_valtype hw_global_type(const hw_global *g, bool *mut)
{
	if (mut)
		*mut = g->mut;
	return (hw_valtype)g->type;
}

hw_val hw_global_get(const hw_global *g)
{
	hw_val v = g->val;

	if (g->type == HW_I32 || g->type == HW_F32)
		memset((char *)&v + 4, 0, sizeof v - 4);
	else if (g->type != HW_V128)
		memset((char *)&v + 8, 0, sizeof v - 8);
	return v;
}

int hw_global_set(hw_global *g, hw_val v)
{
	if (!g->mut)
		return HB_EPERM;
	g->val = v;
	return 0;
}

/* ---- host functions ---- */

int hw_func_new(const hw_valtype *params, uint32_t nparams,
		const hw_valtype *results, uint32_t nresults, hw_host_fn fn,
		void *env, hw_func **out)
{
	hw_hostfunc *hf;

	*out = NULL;
	if (!fn || nparams > HW_MAX_PARAMS || nresults > HW_MAX_RESULTS ||
	    (nparams && !params) || (nresults && !results))
		return HB_EINVAL;
	hf = calloc(1, sizeof *hf + nparams + nresults + 1);
	if (!hf)
		return HB_ENOMEM;
	for (uint32_t i = 0; i < nparams; i++) {
		if (!hw__is_valtype((uint8_t)params[i]))
			goto bad;
		hf->types[i] = (uint8_t)params[i];
		hf->type.param_slots += hw__slots(hf->types[i]);
	}
	for (uint32_t i = 0; i < nresults; i++) {
		if (!hw__is_valtype((uint8_t)results[i]))
			goto bad;
		hf->types[nparams + i] = (uint8_t)results[i];
		hf->type.result_slots += hw__slots(hf->types[nparams + i]);
	}
	obj_init(&hf->obj, HW_OBJ_FUNC);
	hf->type.nparams = nparams;
	hf->type.nresults = nresults;
	hf->type.params = hf->types;
	hf->type.results = hf->types + nparams;
	hf->fn = fn;
	hf->env = env;
	hf->f.type = &hf->type;
	*out = &hf->f;
	return 0;
bad:
	free(hf);
	return HB_EINVAL;
}

void hw_func_free(hw_func *f)
{
	if (f && !f->inst)
		hw__obj_unref(&((hw_hostfunc *)f)->obj);
}

void hw_func_pin(hw_func *f)
{
	if (f && !f->inst)
		((hw_hostfunc *)f)->obj.pinned = 1;
}

const uint8_t *hw_func_params(const hw_func *f, uint32_t *n)
{
	*n = f->type->nparams;
	return f->type->params;
}

const uint8_t *hw_func_results(const hw_func *f, uint32_t *n)
{
	*n = f->type->nresults;
	return f->type->results;
}

/* ---- value conversion between hw_val and frame slots ---- */

static void val_to_slots(uint8_t type, const hw_val *v, hw_slot *s)
{
	if (type == HW_V128) {
		memcpy(s, v->v128, 16);
	} else if (type == HW_I32 || type == HW_F32) {
		s->u64 = v->i32;
	} else {
		memcpy(s, v, 8);
	}
}

static void slots_to_val(uint8_t type, const hw_slot *s, hw_val *v)
{
	memset(v, 0, sizeof *v);
	if (type == HW_V128)
		memcpy(v->v128, s, 16);
	else if (type == HW_I32 || type == HW_F32)
		v->i32 = s->u32;
	else
		memcpy(v, s, 8);
}

/* ---- the execution ---- */

/* Grow array old of nold elements to n of size elsz: realloc, or, while
 * it is still carved out of the instance block (bit), a new allocation. */
static void *grow_array(hw_exec *x, void *old, size_t nold, size_t n,
			size_t elsz, uint8_t bit)
{
	void *p;

	if (!(x->carved & bit))
		return hw__realloc(x->al, old, n * elsz);
	p = hw__malloc(x->al, n * elsz);
	if (p) {
		memcpy(p, old, (nold < n ? nold : n) * elsz);
		x->carved &= (uint8_t)~bit;
	}
	return p;
}

int hw__stack_grow(hw_exec *x, size_t need)
{
	size_t cap = x->cap ? (size_t)x->cap * 2 : FIRST_STACK_SLOTS;
	hw_slot *p;

	if (need > x->max)
		return HB_ELIMIT;
	if (cap < need)
		cap = need;
	if (cap > x->max)
		cap = x->max;
	p = grow_array(x, x->stack, x->cap, cap, sizeof *p, HW_CARVED_STACK);
	if (!p)
		return HB_ENOMEM;
	x->stack = p;
	x->cap = (uint32_t)cap;
	return 0;
}

int hw__frames_grow(hw_exec *x)
{
	size_t cap = x->fcap ? (size_t)x->fcap * 2 : FIRST_FRAMES;
	hw_frame *p;

	if (x->fcap >= x->fmax)
		return HB_ELIMIT;
	if (cap > x->fmax)
		cap = x->fmax;
	p = grow_array(x, x->frames, x->fcap, cap, sizeof *p, HW_CARVED_FRAMES);
	if (!p)
		return HB_ENOMEM;
	x->frames = p;
	x->fcap = (uint32_t)cap;
	return 0;
}

int hw__host_call(hw_exec *x, hw_instance *inst, hw_hostfunc *hf,
		  hw_slot *slots)
{
	const hw_functype *ft = &hf->type;
	uint32_t n = ft->nparams + ft->nresults;
	hw_hostcall hc = {inst, x};
	hw_slot *s = slots;
	int rc;

	/* never NULL, even for a [] -> [] function: memset and pointer
	 * arithmetic on a null pointer are undefined even for 0 bytes */
	if (n > x->nscratch || !x->scratch) {
		uint32_t cap = n ? n : 1;
		hw_val *p = grow_array(x, x->scratch, x->nscratch, cap,
				       sizeof *p, HW_CARVED_SCRATCH);

		if (!p) {
			snprintf(x->trap_msg, sizeof x->trap_msg,
				 "out of memory");
			return HW_HOST_TRAP;
		}
		x->scratch = p;
		x->nscratch = cap;
	}
	for (uint32_t i = 0; i < ft->nparams; i++) {
		slots_to_val(ft->params[i], s, &x->scratch[i]);
		s += hw__slots(ft->params[i]);
	}
	memset(x->scratch + ft->nparams, 0, ft->nresults * sizeof *x->scratch);
	x->trap_msg[0] = 0;
	rc = hf->fn(&hc, hf->env, x->scratch, x->scratch + ft->nparams);
	if (rc == HW_HOST_OK) {
		s = slots;
		for (uint32_t i = 0; i < ft->nresults; i++) {
			val_to_slots(ft->results[i],
				     &x->scratch[ft->nparams + i], s);
			s += hw__slots(ft->results[i]);
		}
		return rc;
	}
	if (rc == HW_HOST_SUSPEND)
		return rc;
	if (rc != HW_HOST_TRAP)
		snprintf(x->trap_msg, sizeof x->trap_msg,
			 "host function returned %d", rc);
	else if (!x->trap_msg[0])
		snprintf(x->trap_msg, sizeof x->trap_msg,
			 "host function trapped");
	return HW_HOST_TRAP;
}

const char *hw_trap_string(hw_trap_code code)
{
	switch (code) {
	case HW_TRAP_NONE:
		return "no trap";
	case HW_TRAP_UNREACHABLE:
		return "unreachable";
	case HW_TRAP_MEMORY_OOB:
		return "out of bounds memory access";
	case HW_TRAP_TABLE_OOB:
		return "out of bounds table access";
	case HW_TRAP_UNDEFINED_ELEM:
		return "undefined element";
	case HW_TRAP_UNINIT_ELEM:
		return "uninitialized element";
	case HW_TRAP_INDIRECT_TYPE:
		return "indirect call type mismatch";
	case HW_TRAP_DIV_ZERO:
		return "integer divide by zero";
	case HW_TRAP_INT_OVERFLOW:
		return "integer overflow";
	case HW_TRAP_INVALID_CONV:
		return "invalid conversion to integer";
	case HW_TRAP_STACK_EXHAUSTED:
		return "call stack exhausted";
	case HW_TRAP_OUT_OF_FUEL:
		return "out of fuel";
	case HW_TRAP_HOST:
		return "host function trapped";
	case HW_TRAP_ABORTED:
		return "aborted";
	case HW_TRAP_NOMEM:
		return "out of memory";
	}
	return "unknown trap";
}

/* Run x until it stops; on HW_DONE copy the entry function's results. */
static int run(hw_exec *x, hw_val *results, uint32_t nresults)
{
	int rc = hw__interp_run(x);

	if (rc == HW_DONE) {
		const hw_functype *ft = x->entry_type;
		hw_slot *s = x->stack;

		for (uint32_t i = 0; i < ft->nresults && i < nresults; i++) {
			slots_to_val(ft->results[i], s, &results[i]);
			s += hw__slots(ft->results[i]);
		}
	} else if (rc == HW_TRAPPED && x->trap != HW_TRAP_HOST) {
		snprintf(x->trap_msg, sizeof x->trap_msg, "%s",
			 hw_trap_string(x->trap));
	}
	if (rc == HW_DONE || rc == HW_TRAPPED) {
		/* an idle instance keeps a small stack */
		if (x->cap > IDLE_STACK_SLOTS &&
		    !(x->carved & HW_CARVED_STACK)) {
			hw__free(x->al, x->stack);
			x->stack = NULL;
			x->cap = 0;
		}
	}
	return rc;
}

static int exec_begin(hw_exec *x, hw_func *f, const hw_val *args)
{
	const hw_functype *ft = f->type;
	size_t need = (ft->param_slots > ft->result_slots ? ft->param_slots
							  : ft->result_slots) +
		      1;
	hw_slot *s;
	int rc;

	if (x->cap < need && (rc = hw__stack_grow(x, need)))
		return rc;
	if (x->fcap < 2 && x->fcap < x->fmax && (rc = hw__frames_grow(x)))
		return rc;
	s = x->stack;
	for (uint32_t i = 0; i < ft->nparams; i++) {
		val_to_slots(ft->params[i], &args[i], s);
		s += hw__slots(ft->params[i]);
	}
	x->frames[0] = (hw_frame){NULL, NULL, 0};
	x->nframes = 1;
	x->fp = 0;
	x->ip = f->code;
	x->cur = f->inst;
	x->entry_type = ft;
	x->trap = HW_TRAP_NONE;
	x->trap_msg[0] = 0;
	x->state = HW_X_RUNNING;
	return 0;
}

int hw_instance_call(hw_instance *inst, hw_func *f, const hw_val *args,
		     uint32_t nargs, hw_val *results, uint32_t nresults)
{
	hw_exec *x;
	int rc;

	if (!inst || !f || nargs != f->type->nparams ||
	    nresults < f->type->nresults || (nargs && !args) ||
	    (f->type->nresults && !results))
		return HB_EINVAL;
	x = &inst->x;
	if (x->state != HW_X_IDLE)
		return HB_EBUSY;
	if (!f->inst) {
		/* a host function called directly */
		hw_hostfunc *hf = (hw_hostfunc *)f;
		hw_hostcall hc = {inst, x};

		x->trap_msg[0] = 0;
		x->state = HW_X_RUNNING;
		rc = hf->fn(&hc, hf->env, args, results);
		x->state = HW_X_IDLE;
		if (rc == HW_HOST_OK)
			return HW_DONE;
		x->trap = HW_TRAP_HOST;
		if (rc == HW_HOST_SUSPEND)
			snprintf(x->trap_msg, sizeof x->trap_msg,
				 "a host function called directly cannot "
				 "suspend");
		else if (!x->trap_msg[0])
			snprintf(x->trap_msg, sizeof x->trap_msg,
				 "host function trapped");
		return HW_TRAPPED;
	}
	if ((rc = exec_begin(x, f, args)))
		return rc;
	return run(x, results, nresults);
}

int hw_instance_start(hw_instance *inst)
{
	hw_module *m = inst->mod;
	hw_func tmp, *f;

	if (!m->has_start)
		return HW_DONE;
	if (m->start < m->nfunc_imports) {
		f = inst->fimports[m->start];
	} else {
		tmp.type = &m->types[m->canon[m->funcs[m->start].type]];
		tmp.inst = inst;
		tmp.code = m->code + m->funcs[m->start].code_off;
		tmp.index = m->start;
		f = &tmp;
	}
	return hw_instance_call(inst, f, NULL, 0, NULL, 0);
}

int hw_instance_resume(hw_instance *inst, const hw_val *host_results,
		       uint32_t nhost_results, hw_val *results,
		       uint32_t nresults)
{
	hw_exec *x = &inst->x;

	if (x->state == HW_X_HOST) {
		const hw_functype *ft = x->host_type;
		hw_slot *s = x->stack + x->host_res;

		if (nhost_results != ft->nresults ||
		    (nhost_results && !host_results))
			return HB_EINVAL;
		for (uint32_t i = 0; i < ft->nresults; i++) {
			val_to_slots(ft->results[i], &host_results[i], s);
			s += hw__slots(ft->results[i]);
		}
	} else if (x->state != HW_X_FUEL) {
		return x->state == HW_X_RUNNING ? HB_EBUSY : HB_EINVAL;
	}
	if (nresults < x->entry_type->nresults ||
	    (x->entry_type->nresults && !results))
		return HB_EINVAL;
	x->state = HW_X_RUNNING;
	return run(x, results, nresults);
}

int hw_instance_abort(hw_instance *inst)
{
	hw_exec *x = &inst->x;

	if (x->state != HW_X_FUEL && x->state != HW_X_HOST)
		return HB_EINVAL;
	x->state = HW_X_IDLE;
	x->nframes = 0;
	x->trap = HW_TRAP_ABORTED;
	snprintf(x->trap_msg, sizeof x->trap_msg, "%s",
		 hw_trap_string(HW_TRAP_ABORTED));
	return 0;
}

bool hw_instance_suspended(const hw_instance *inst)
{
	return inst->x.state == HW_X_FUEL || inst->x.state == HW_X_HOST;
}

void hw_instance_set_fuel(hw_instance *inst, int64_t fuel)
{
	inst->x.fuel = fuel;
}

int64_t hw_instance_fuel(const hw_instance *inst)
{
	return inst->x.fuel;
}

hw_trap_code hw_instance_trap(const hw_instance *inst, const char **message)
{
	if (message)
		*message = inst->x.trap_msg[0] ? inst->x.trap_msg
					       : hw_trap_string(inst->x.trap);
	return inst->x.trap;
}

/* ---- host call context ---- */

hw_instance *hw_hostcall_instance(const hw_hostcall *hc)
{
	return hc->inst;
}

void *hw_hostcall_mem(const hw_hostcall *hc, uint64_t addr, uint64_t len)
{
	hw_memory *mem = hc->inst->mem0;

	if (!mem->base || addr > mem->size || len > mem->size - addr)
		return NULL;
	return mem->base + addr;
}

hw_memory *hw_hostcall_memory(const hw_hostcall *hc)
{
	return hc->inst->mod->nmems ? hc->inst->mem0 : NULL;
}

int hw_hostcall_trap(hw_hostcall *hc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(hc->x->trap_msg, sizeof hc->x->trap_msg, fmt, ap);
	va_end(ap);
	return HW_HOST_TRAP;
}

/* ---- segments ---- */

hw_func *hw__inst_funcref(hw_instance *inst, uint32_t fi)
{
	hw_module *m = inst->mod;

	if (fi < m->nfunc_imports)
		return inst->fimports[fi];
	if (m->funcs[fi].refslot == UINT32_MAX)
		return NULL;
	return &inst->frefs[m->funcs[fi].refslot];
}

static void eval_const(hw_instance *inst, const hw_constexpr *cx, hw_val *out)
{
	memset(out, 0, sizeof *out);
	switch (cx->kind) {
	case HW_CX_CONST:
		*out = cx->val;
		break;
	case HW_CX_REF_FUNC:
		out->func = hw__inst_funcref(inst, cx->index);
		break;
	case HW_CX_GLOBAL:
		*out = inst->globals[cx->index]->val;
		break;
	default:
		break;
	}
}

int hw__table_init(hw_instance *inst, uint32_t table, uint32_t seg, uint32_t d,
		   uint32_t s, uint32_t n)
{
	const hw_elemseg *e = &inst->mod->elems[seg];
	hw_table *t = inst->tables[table];
	uint32_t count = inst->elem_dropped[seg] ? 0 : e->count;

	if ((uint64_t)s + n > count || (uint64_t)d + n > t->size)
		return HW_TRAP_TABLE_OOB;
	for (uint32_t k = 0; k < n; k++) {
		hw_val v;

		eval_const(inst, &e->items[s + k], &v);
		t->elems[d + k] = v.ext;
	}
	return 0;
}

int hw__memory_init(hw_instance *inst, uint32_t seg, uint32_t d, uint32_t s,
		    uint32_t n)
{
	const hw_dataseg *ds = &inst->mod->datas[seg];
	hw_memory *mem = inst->mem0;
	uint32_t len = inst->data_dropped[seg] ? 0 : ds->len;

	if ((uint64_t)s + n > len || (uint64_t)d + n > mem->size)
		return HW_TRAP_MEMORY_OOB;
	if (n)
		memcpy(mem->base + d, ds->bytes + s, n);
	return 0;
}

/* ---- instances ---- */

/* An instance is one block: the struct, its arrays (zeroed), then the
 * first execution arrays (not zeroed: a spawned process runs at once, and
 * these would be its next three allocations). */
static size_t align16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

void hw__instance_layout(hw_module *m)
{
	uint32_t ntab_own = m->ntables - m->ntable_imports;
	uint32_t nglob_own = m->nglobals - m->nglobal_imports;
	size_t size = align16(sizeof(hw_instance));

	size += align16((size_t)m->nfunc_imports * sizeof(hw_func *));
	size += align16((size_t)m->nrefs * sizeof(hw_func));
	size += align16((size_t)m->ntables * sizeof(hw_table *));
	size += align16((size_t)ntab_own * sizeof(hw_table));
	size += align16((size_t)m->nglobals * sizeof(hw_global *));
	size += align16((size_t)nglob_own * sizeof(hw_global));
	size += align16((size_t)m->nimports * sizeof(hw_obj *));
	size += align16((size_t)m->nelems + m->ndatas);
	m->inst_zeroed = size;
	m->inst_size = size + align16(FIRST_STACK_SLOTS * sizeof(hw_slot)) +
		       align16(FIRST_FRAMES * sizeof(hw_frame)) +
		       align16(FIRST_SCRATCH * sizeof(hw_val));
}

/* The block cache of a module (see hw_module): at most BLK_CACHE_BYTES
 * kept. Off under ASan, which should see every block freed. */
#define BLK_CACHE_BYTES (4u << 20)
#if defined(__SANITIZE_ADDRESS__)
#define BLK_CACHE 0
#else
#define BLK_CACHE 1
#endif

static void *blk_get(hw_module *m)
{
	void *b = NULL;
	uint32_t n = atomic_load_explicit(&m->blk_n, memory_order_relaxed);

	if (!BLK_CACHE || !n)
		return NULL;
	hw__spin_lock(&m->blk_lock);
	if ((b = m->blk_free) != NULL) {
		m->blk_free = *(void **)b;
		n = atomic_load_explicit(&m->blk_n, memory_order_relaxed);
		atomic_store_explicit(&m->blk_n, n - 1, memory_order_relaxed);
	}
	hw__spin_unlock(&m->blk_lock);
	return b;
}

static bool blk_put(hw_module *m, void *b)
{
	size_t size = m->inst_size;
	bool kept = false;
	uint32_t n;

	if (!BLK_CACHE || size > BLK_CACHE_BYTES)
		return false;
	hw__spin_lock(&m->blk_lock);
	n = atomic_load_explicit(&m->blk_n, memory_order_relaxed);
	if ((size_t)(n + 1) * size <= BLK_CACHE_BYTES) {
		*(void **)b = m->blk_free;
		m->blk_free = b;
		atomic_store_explicit(&m->blk_n, n + 1, memory_order_relaxed);
		kept = true;
	}
	hw__spin_unlock(&m->blk_lock);
	return kept;
}

static void instance_destroy(hw_instance *inst)
{
	hw_module *m = inst->mod;
	hw_allocator al = inst->al;

	for (uint32_t i = 0; i < inst->ndeps; i++)
		hw__obj_unref(inst->deps[i]);
	memory_release(&inst->own_mem);
	for (uint32_t i = 0; i < m->ntables - m->ntable_imports; i++)
		hw__free(&al, inst->own_tables[i].elems);
	if (!(inst->x.carved & HW_CARVED_STACK))
		hw__free(&al, inst->x.stack);
	if (!(inst->x.carved & HW_CARVED_FRAMES))
		hw__free(&al, inst->x.frames);
	if (!(inst->x.carved & HW_CARVED_SCRATCH))
		hw__free(&al, inst->x.scratch);
	if (!inst->blk_keep || !blk_put(m, inst))
		hw__free(&al, inst);
	hw_module_free(m); /* after: it frees the cache */
}

void hw_instance_free(hw_instance *inst)
{
	if (inst)
		hw__obj_unref(&inst->obj);
}

hw_module *hw_instance_module(const hw_instance *inst)
{
	return inst->mod;
}

void *hw_instance_user(const hw_instance *inst)
{
	return inst->user;
}

void hw_instance_set_user(hw_instance *inst, void *user)
{
	inst->user = user;
}

static bool limits_match(uint32_t size, uint32_t max, bool has_max,
			 const hw_limits *want)
{
	if (size < want->min)
		return false;
	if (want->has_max && (!has_max || max > want->max))
		return false;
	return true;
}

static int unlinkable(hw_error *err, const hw_import *im, const char *reason,
		      const char *detail)
{
	return hw__error(err, HB_EUNLINKABLE, HW_SEC_IMPORT, im->offset, reason,
			 "\"%s\" \"%s\"%s%s", im->module.s, im->name.s,
			 detail ? ": " : "", detail ? detail : "");
}

/* Bind import i to ext after checking its type. */
static int link_import(hw_instance *inst, const hw_import *im,
		       const hw_extern *ext, hw_error *err)
{
	hw_module *m = inst->mod;
	hw_obj *owner;

	if (!ext || !ext->u.any)
		return unlinkable(err, im, "unknown import", NULL);
	if ((uint8_t)ext->kind != im->kind)
		return unlinkable(err, im, "incompatible import type",
				  "wrong kind");
	switch (im->kind) {
	case HW_EXTERN_FUNC: {
		hw_func *f = ext->u.func;

		if (!hw__functype_eq(f->type,
				     &m->types[m->funcs[im->index].type]))
			return unlinkable(err, im, "incompatible import type",
					  "function type differs");
		inst->fimports[im->index] = f;
		owner = func_owner(f);
		break;
	}
	case HW_EXTERN_TABLE: {
		hw_table *t = ext->u.table;
		const hw_tabletype *tt = &m->tables[im->index];

		if (t->elem != tt->elem ||
		    !limits_match(t->size, t->type_max, t->has_max, &tt->lim))
			return unlinkable(err, im, "incompatible import type",
					  "table type differs");
		inst->tables[im->index] = t;
		owner = t->owner;
		break;
	}
	case HW_EXTERN_MEMORY: {
		hw_memory *mem = ext->u.memory;
		const hw_limits *want = &m->mems[im->index];

		if (!limits_match(mem->pages, mem->type_max, mem->has_max,
				  want))
			return unlinkable(err, im, "incompatible import type",
					  "memory limits differ");
		inst->mem0 = mem;
		owner = mem->owner;
		break;
	}
	default: {
		hw_global *g = ext->u.global;
		const hw_globaltype *gt = &m->globals[im->index];

		if (g->type != gt->type || g->mut != gt->mut)
			return unlinkable(err, im, "incompatible import type",
					  "global type differs");
		inst->globals[im->index] = g;
		owner = g->owner;
		break;
	}
	}
	if (!owner->pinned) {
		hw__obj_ref(owner);
		inst->deps[inst->ndeps++] = owner;
	}
	return 0;
}

int hw_instance_new(hw_module *m, const hw_extern *imports, uint32_t nimports,
		    const hw_instance_opts *opts, hw_instance **out,
		    hw_error *err)
{
	hw_instance_opts o = {0};
	uint32_t ntab_own = m->ntables - m->ntable_imports;
	uint32_t nglob_own = m->nglobals - m->nglobal_imports;
	size_t size, off;
	hw_instance *inst;
	char *base = NULL;
	int rc = 0;

	if (err) {
		memset(err, 0, sizeof *err);
		err->section = -1;
	}
	*out = NULL;
	if (opts)
		o = *opts;
	if (!o.max_memory_pages || o.max_memory_pages > HW_MAX_PAGES)
		o.max_memory_pages = HW_MAX_PAGES;
	if (!o.max_table_elems)
		o.max_table_elems = HW_MAX_TABLE_ELEMS;
	if (!o.max_stack_slots)
		o.max_stack_slots = HW_DEFAULT_STACK_SLOTS;
	if (!o.max_call_depth)
		o.max_call_depth = HW_DEFAULT_CALL_DEPTH;
	if (nimports != m->nimports || (nimports && !imports))
		return hw__error(err, HB_EUNLINKABLE, -1, 0, "unknown import",
				 "%u imports given, the module has %u",
				 nimports, m->nimports);

	size = m->inst_zeroed;
	if (!o.alloc)
		base = blk_get(m);
	if (!base)
		base = hw__malloc(o.alloc ? o.alloc : &hw__libc_allocator,
				  m->inst_size);
	if (!base)
		return hw__error(err, HB_ENOMEM, -1, 0, "out of memory", NULL);
	memset(base, 0, size);
	inst = (hw_instance *)base;
	inst->blk_keep = !o.alloc;
	inst->al = o.alloc ? *o.alloc : hw__libc_allocator;
	inst->x.al = &inst->al;
	off = align16(sizeof *inst);
#define CARVE(field, n)                                                        \
	do {                                                                   \
		inst->field = (void *)(base + off);                            \
		off += align16((size_t)(n) * sizeof *inst->field);             \
	} while (0)
	CARVE(fimports, m->nfunc_imports);
	CARVE(frefs, m->nrefs);
	CARVE(tables, m->ntables);
	CARVE(own_tables, ntab_own);
	CARVE(globals, m->nglobals);
	CARVE(own_globals, nglob_own);
	CARVE(deps, m->nimports);
	CARVE(elem_dropped, m->nelems);
	inst->data_dropped = inst->elem_dropped + m->nelems;
	off = size;
	CARVE(x.stack, FIRST_STACK_SLOTS);
	CARVE(x.frames, FIRST_FRAMES);
	CARVE(x.scratch, FIRST_SCRATCH);
	inst->x.nscratch = FIRST_SCRATCH;
	inst->x.carved = HW_CARVED_STACK | HW_CARVED_FRAMES | HW_CARVED_SCRATCH;
#undef CARVE
	obj_init(&inst->obj, HW_OBJ_INSTANCE);
	inst->mod = hw_module_ref(m);
	inst->user = o.user;
	inst->max_pages = o.max_memory_pages;
	inst->max_table = o.max_table_elems;
	inst->own_mem.owner = &inst->obj;
	inst->mem0 = &inst->own_mem;
	inst->x.max = o.max_stack_slots;
	inst->x.fmax = o.max_call_depth + 1;
	inst->x.cap = FIRST_STACK_SLOTS < inst->x.max ? FIRST_STACK_SLOTS
						      : inst->x.max;
	inst->x.fcap =
		FIRST_FRAMES < inst->x.fmax ? FIRST_FRAMES : inst->x.fmax;
	inst->x.fuel = INT64_MAX;
	inst->x.fuel_traps = o.fuel_traps;

	for (uint32_t i = 0; i < m->nimports; i++)
		if ((rc = link_import(inst, &m->imports[i], &imports[i], err)))
			goto fail;
	/* functions that can be referenced */
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
		const hw_funcdecl *fd = &m->funcs[i];
		hw_func *f;

		if (fd->refslot == UINT32_MAX)
			continue;
		f = &inst->frefs[fd->refslot];
		f->type = &m->types[m->canon[fd->type]];
		f->inst = inst;
		f->code = m->code + fd->code_off;
		f->index = i;
	}
	/* memory */
	if (m->nmems > m->nmem_imports) {
		const hw_limits *l = &m->mems[m->nmem_imports];
		uint32_t max = l->has_max ? l->max : HW_MAX_PAGES;

		if (max > inst->max_pages)
			max = inst->max_pages;
		if (l->min > max) {
			rc = hw__error(err, HB_ELIMIT, HW_SEC_MEMORY,
				       m->mem_offsets[m->nmem_imports],
				       "memory over the instance limit",
				       "%u pages > %u", l->min, max);
			goto fail;
		}
		inst->own_mem.has_max = l->has_max;
		inst->own_mem.type_max = l->max;
		if (o.mem_pool) {
			inst->own_mem.pool = o.mem_pool;
			hw__pool_ref(o.mem_pool);
		}
		if (memory_init(&inst->own_mem, l->min, max)) {
			rc = hw__error(err, HB_ENOMEM, -1, 0, "out of memory",
				       NULL);
			goto fail;
		}
	}
	/* tables */
	for (uint32_t i = 0; i < ntab_own; i++) {
		const hw_tabletype *tt = &m->tables[m->ntable_imports + i];
		hw_table *t = &inst->own_tables[i];
		uint64_t max = tt->lim.has_max ? tt->lim.max : UINT32_MAX;

		if (max > inst->max_table)
			max = inst->max_table;
		if (tt->lim.min > max) {
			rc = hw__error(err, HB_ELIMIT, HW_SEC_TABLE,
				       m->table_offsets[m->ntable_imports + i],
				       "table over the instance limit",
				       "%u elements > %llu", tt->lim.min,
				       (unsigned long long)max);
			goto fail;
		}
		t->owner = &inst->obj;
		t->elem = tt->elem;
		t->max = (uint32_t)max;
		t->has_max = tt->lim.has_max;
		t->type_max = tt->lim.max;
		t->size = tt->lim.min;
		t->al = &inst->al;
		t->elems = hw__calloc(&inst->al, t->size, sizeof *t->elems);
		if (!t->elems) {
			rc = hw__error(err, HB_ENOMEM, -1, 0, "out of memory",
				       NULL);
			goto fail;
		}
		inst->tables[m->ntable_imports + i] = t;
	}
	/* globals, in order (initialisers read imported globals) */
	for (uint32_t i = 0; i < nglob_own; i++) {
		uint32_t gi = m->nglobal_imports + i;
		hw_global *g = &inst->own_globals[i];

		g->owner = &inst->obj;
		g->type = m->globals[gi].type;
		g->mut = m->globals[gi].mut;
		eval_const(inst, &m->global_init[gi], &g->val);
		inst->globals[gi] = g;
	}
	/* element segments, then data segments (the spec's order); a trap
	 * leaves what earlier segments wrote */
	for (uint32_t i = 0; i < m->nelems; i++) {
		const hw_elemseg *e = &m->elems[i];

		if (e->mode == HW_SEG_ACTIVE) {
			hw_val at;
			int t;

			eval_const(inst, &e->offset, &at);
			t = hw__table_init(inst, e->table, i, at.i32, 0,
					   e->count);
			if (t) {
				rc = hw__error(err, HB_ETRAP, HW_SEC_ELEMENT,
					       e->pos,
					       hw_trap_string((hw_trap_code)t),
					       "element segment %u", i);
				goto trapped;
			}
		}
		if (e->mode != HW_SEG_PASSIVE)
			inst->elem_dropped[i] = 1;
	}
	for (uint32_t i = 0; i < m->ndatas; i++) {
		const hw_dataseg *ds = &m->datas[i];
		hw_val at;
		int t;

		if (ds->mode != HW_SEG_ACTIVE)
			continue;
		eval_const(inst, &ds->offset, &at);
		t = hw__memory_init(inst, i, at.i32, 0, ds->len);
		if (t) {
			rc = hw__error(err, HB_ETRAP, HW_SEC_DATA, ds->pos,
				       hw_trap_string((hw_trap_code)t),
				       "data segment %u", i);
			goto trapped;
		}
		inst->data_dropped[i] = 1;
	}
	*out = inst;
	return 0;
trapped:
	/* Earlier segments may have put this instance's functions into
	 * imported tables: the caller gets the instance to keep or free. */
	*out = inst;
	return rc;
fail:
	instance_destroy(inst);
	return rc;
}

int hw_instance_export(const hw_instance *inst, const char *name,
		       hw_extern *out)
{
	return hw_instance_export_n(inst, name, strlen(name), out);
}

int hw_instance_export_n(const hw_instance *inst, const char *name, size_t len,
			 hw_extern *out)
{
	const hw_module *m = inst->mod;

	for (uint32_t i = 0; i < m->nexports; i++) {
		const hw_export *e = &m->exports[i];

		if (e->name.len != len || memcmp(e->name.s, name, len) != 0)
			continue;
		out->kind = (hw_externkind)e->kind;
		switch (e->kind) {
		case HW_EXTERN_FUNC:
			out->u.func =
				hw__inst_funcref((hw_instance *)inst, e->index);
			break;
		case HW_EXTERN_TABLE:
			out->u.table = inst->tables[e->index];
			break;
		case HW_EXTERN_MEMORY:
			out->u.memory = inst->mem0;
			break;
		default:
			out->u.global = inst->globals[e->index];
			break;
		}
		return 0;
	}
	return HB_ENOENT;
}

hw_func *hw_instance_func(const hw_instance *inst, const char *name)
{
	hw_extern e;

	if (hw_instance_export(inst, name, &e) || e.kind != HW_EXTERN_FUNC)
		return NULL;
	return e.u.func;
}

hw_memory *hw_instance_memory(const hw_instance *inst)
{
	return inst->mod->nmems ? inst->mem0 : NULL;
}
