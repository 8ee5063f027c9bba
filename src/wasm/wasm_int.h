/* wasm_int.h — structs of the Wasm engine that only src/wasm touches: the
 * decoded module, runtime objects, the instance and its execution state.
 * The pipeline is decode → validate → compile (wasm.h has the stages). */
#ifndef HEARTH_WASM_INT_H
#define HEARTH_WASM_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hearth/limits.h"
#include "hearth/wasm.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the Wasm engine assumes a little-endian host"
#endif

#define HW_LIKELY(x)   __builtin_expect(!!(x), 1)
#define HW_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Section ids of the binary format. */
enum {
	HW_SEC_CUSTOM = 0,
	HW_SEC_TYPE = 1,
	HW_SEC_IMPORT = 2,
	HW_SEC_FUNCTION = 3,
	HW_SEC_TABLE = 4,
	HW_SEC_MEMORY = 5,
	HW_SEC_GLOBAL = 6,
	HW_SEC_EXPORT = 7,
	HW_SEC_START = 8,
	HW_SEC_ELEMENT = 9,
	HW_SEC_CODE = 10,
	HW_SEC_DATA = 11,
	HW_SEC_DATACOUNT = 12
};

/* A spin lock for a few instructions of bookkeeping (memory pools,
 * instance block caches). */
static inline void hw__spin_lock(atomic_flag *l)
{
	while (atomic_flag_test_and_set_explicit(l, memory_order_acquire)) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#elif defined(__aarch64__)
		__asm__ __volatile__("yield");
#endif
	}
}

static inline void hw__spin_unlock(atomic_flag *l)
{
	atomic_flag_clear_explicit(l, memory_order_release);
}

/* ---- allocation ----
 * Everything a module or instance allocates goes through its hw_allocator
 * (wasm.h), libc's by default; these never pass size 0 to it. */
extern const hw_allocator hw__libc_allocator;

static inline void *hw__malloc(const hw_allocator *a, size_t n)
{
	return a->fn(a->ctx, NULL, n ? n : 1);
}

static inline void *hw__realloc(const hw_allocator *a, void *p, size_t n)
{
	return a->fn(a->ctx, p, n ? n : 1);
}

static inline void hw__free(const hw_allocator *a, void *p)
{
	if (p)
		a->fn(a->ctx, p, 0);
}

/* n * size zeroed bytes, or NULL (also on overflow). */
void *hw__calloc(const hw_allocator *a, size_t n, size_t size);

/* ---- a bump allocator for a module's many small arrays ---- */
typedef struct hw_arena_chunk {
	struct hw_arena_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
} hw_arena_chunk;

typedef struct hw_arena {
	hw_arena_chunk *head;
	const hw_allocator *al;
} hw_arena;

/* Zeroed, 16-byte aligned memory living until hw__arena_free, or NULL. */
void *hw__arena_alloc(hw_arena *a, size_t n);
void hw__arena_free(hw_arena *a);

/* ---- the decoded module ---- */

typedef struct hw_name {
	const char *s; /* NUL-terminated copy in the module's arena */
	uint32_t len;
} hw_name;

/* A function type. params and results point into one array (params first).
 * Slots: 8-byte frame slots the values take (v128 takes two). */
typedef struct hw_functype {
	uint32_t nparams, nresults;
	const uint8_t *params, *results;
	uint32_t param_slots, result_slots;
} hw_functype;

typedef struct hw_limits {
	uint32_t min, max;
	bool has_max;
} hw_limits;

typedef struct hw_tabletype {
	uint8_t elem; /* HW_FUNCREF or HW_EXTERNREF */
	hw_limits lim;
} hw_tabletype;

typedef struct hw_globaltype {
	uint8_t type;
	bool mut;
} hw_globaltype;

/* A Wasm 2.0 constant expression: one instruction, then `end`. */
enum { HW_CX_CONST, HW_CX_REF_NULL, HW_CX_REF_FUNC, HW_CX_GLOBAL };
typedef struct hw_constexpr {
	uint8_t kind;
	uint8_t type;	/* value type it produces (decoded; checked later) */
	uint32_t index; /* function or global index */
	size_t offset;	/* where it starts in the binary, for errors */
	hw_val val;	/* HW_CX_CONST */
} hw_constexpr;

typedef struct hw_import {
	hw_name module, name;
	uint8_t kind;	/* hw_externkind */
	uint32_t index; /* in the function/table/memory/global index space */
	size_t offset;
} hw_import;

typedef struct hw_export {
	hw_name name;
	uint8_t kind;
	uint32_t index;
	size_t offset;
} hw_export;

/* A function of the index space (imports first). */
typedef struct hw_funcdecl {
	uint32_t type;	   /* type index as declared */
	uint32_t refslot;  /* index into the instance's hw_func array when the
			      function can be referenced, else UINT32_MAX */
	uint32_t code_off; /* defined: entry in m->code (words) */
	const uint8_t *body, *body_end; /* defined: locals + expr (our copy) */
	size_t type_offset;		/* function section entry, errors */
} hw_funcdecl;

enum { HW_SEG_ACTIVE, HW_SEG_PASSIVE, HW_SEG_DECLARATIVE };

typedef struct hw_elemseg {
	uint8_t mode;
	uint8_t type; /* HW_FUNCREF or HW_EXTERNREF */
	uint32_t table;
	hw_constexpr offset;
	uint32_t count;
	hw_constexpr *items;
	size_t pos;
} hw_elemseg;

typedef struct hw_dataseg {
	uint8_t mode;
	uint32_t mem;
	hw_constexpr offset;
	const uint8_t *bytes;
	uint32_t len;
	size_t pos;
} hw_dataseg;

struct hw_module {
	atomic_uint refs;
	hw_allocator al; /* everything below is allocated through it */
	hw_arena arena;
	uint8_t *bytes; /* our copy of the binary; bodies and data point here */
	size_t len;

	uint32_t ntypes;
	hw_functype *types;
	uint32_t *canon; /* canon[i]: smallest j with types[j] == types[i] */

	uint32_t nimports;
	hw_import *imports;

	uint32_t nfuncs, nfunc_imports;
	hw_funcdecl *funcs;
	uint32_t ntables, ntable_imports;
	hw_tabletype *tables;
	uint32_t nmems, nmem_imports;
	hw_limits *mems;
	size_t *mem_offsets; /* where each memory was declared, for errors */
	size_t *table_offsets;
	uint32_t nglobals, nglobal_imports;
	hw_globaltype *globals;
	hw_constexpr *global_init; /* [nglobals]; defined ones only */

	uint32_t nexports;
	hw_export *exports;

	bool has_start;
	uint32_t start;
	size_t start_offset;

	uint32_t nelems;
	hw_elemseg *elems;
	bool has_datacount;
	uint32_t datacount;
	uint32_t ndatas;
	hw_dataseg *datas;

	bool code_seen; /* a code section was present */
	uint32_t ncode; /* its count */
	size_t code_sec_offset;

	uint32_t nrefs; /* defined functions that can be referenced */

	/* compiled form (wasm_compile.c) */
	bool metered;
	uint32_t *code;
	size_t code_len;	/* words */
	uint32_t max_host_vals; /* params+results of the largest import */

	/* the block of an instance: its zeroed part and its whole size
	 * (hw__instance_layout) */
	size_t inst_zeroed, inst_size;
	/* freed instance blocks kept for the next instances (made with
	 * libc's allocator, all of one size): a burst of spawns and exits
	 * then recycles them instead of going through malloc, whose heap
	 * top a burst would shrink and grow again (wasm_runtime.c) */
	atomic_flag blk_lock;
	void *blk_free;	   /* chained through their first word (blk_lock) */
	atomic_uint blk_n; /* written under blk_lock, peeked at without */
};

/* ---- runtime objects ---- */

/* Reference-counted owners: instances and host-made objects. Everything an
 * instance exports belongs to it; importing takes a reference on the owner.
 * A funcref stored in a table or global is not a reference (see
 * docs/wasm-engine.md, "Lifetimes"). */
enum {
	HW_OBJ_INSTANCE,
	HW_OBJ_FUNC,
	HW_OBJ_TABLE,
	HW_OBJ_MEMORY,
	HW_OBJ_GLOBAL
};
typedef struct hw_obj {
	atomic_uint refs;
	uint8_t kind;
	uint8_t pinned; /* hw_func_pin: importers take no reference */
} hw_obj;

void hw__obj_ref(hw_obj *o);
void hw__obj_unref(hw_obj *o);

/* A function. Wasm functions live in their instance (inst != NULL, code is
 * the entry in the module's compiled code); host functions are
 * hw_hostfunc (inst == NULL). type points at a canonical type: for
 * functions of one module, equal types are equal pointers. */
struct hw_func {
	const hw_functype *type;
	hw_instance *inst;
	const uint32_t *code;
	uint32_t index;
};

typedef struct hw_hostfunc {
	hw_func f;
	hw_obj obj;
	hw_host_fn fn;
	void *env;
	hw_functype type;
	uint8_t types[];
} hw_hostfunc;

/* Linear memory: an anonymous mapping of `mapped` bytes of which `size`
 * (pages * 64 KiB) are usable; grows with mremap, so base moves. */
struct hw_memory {
	uint8_t *base;
	uint64_t size;
	uint32_t pages, max; /* max: min(declared max, instance limit) */
	uint32_t type_max;   /* the declared maximum (its import type) */
	bool has_max;
	size_t mapped;
	hw_obj *owner;
	hw_obj obj; /* host-made memories only */
	hw_mempool *pool; /* instance memories: where it goes when released */
	uint32_t pool_uses; /* its history in the pool (wasm_pool.c) */
};

/* A table of funcrefs (hw_func *) or externrefs (void *). */
struct hw_table {
	void **elems;
	const hw_allocator *al; /* of elems: the owning instance's, or libc */
	uint32_t size, max;	/* max: min(declared max, instance limit) */
	uint32_t type_max;	/* the declared maximum (its import type) */
	bool has_max;
	uint8_t elem;
	hw_obj *owner;
	hw_obj obj;
};

/* A global. val is 16 bytes so a v128 fits; scalars are at its start, in
 * the same layout as a frame slot. */
struct hw_global {
	hw_val val;
	uint8_t type;
	bool mut;
	hw_obj *owner;
	hw_obj obj;
};

/* ---- execution ---- */

/* A frame slot: 8 bytes; a v128 takes two consecutive slots. i32/f32
 * values live in the low half (the high half is unspecified). */
typedef union hw_slot {
	uint32_t u32;
	int32_t i32;
	uint64_t u64;
	int64_t i64;
	float f32;
	double f64;
	void *ref;
} hw_slot;

/* A call record: where to go back to. fp is an offset into the value
 * stack so the stack can be reallocated. ip == NULL marks the entry from
 * the host. */
typedef struct hw_frame {
	const uint32_t *ip;
	hw_instance *inst;
	uint32_t fp;
} hw_frame;

enum { HW_X_IDLE, HW_X_RUNNING, HW_X_FUEL, HW_X_HOST };

/* One instance's execution. Invariants: while state is HW_X_FUEL or
 * HW_X_HOST, ip/fp/cur/nframes hold the interpreter's registers; the
 * frames below nframes and the stack below the top frame are live. Only
 * one thread touches it at a time (the caller of call/resume). */
typedef struct hw_exec {
	const hw_allocator *al; /* the instance's, for the arrays below */
	hw_slot *stack;
	uint32_t cap, max; /* slots */
	hw_frame *frames;
	uint32_t fcap, fmax; /* fmax: call depth limit + 1 (the entry) */
	uint32_t nframes;
	uint8_t state;
	bool fuel_traps;
	const uint32_t *ip;
	uint32_t fp;
	hw_instance *cur;
	const hw_functype *entry_type; /* the function the host called */
	uint32_t host_res;	       /* HW_X_HOST: slot of the results */
	const hw_functype *host_type;  /* HW_X_HOST: the host function's */
	int64_t fuel;
	hw_trap_code trap;
	char trap_msg[160];
	hw_val *scratch; /* host call arguments/results */
	uint32_t nscratch;
	uint8_t carved; /* HW_CARVED_*: arrays still in the instance block */
} hw_exec;

/* hw_exec arrays that are the first ones, carved out of the instance's
 * block (not to be freed or reallocated). */
enum { HW_CARVED_STACK = 1, HW_CARVED_FRAMES = 2, HW_CARVED_SCRATCH = 4 };

struct hw_hostcall {
	hw_instance *inst;
	hw_exec *x;
};

struct hw_instance {
	hw_obj obj;
	hw_allocator al; /* this struct, own tables' elements, x's arrays */
	hw_module *mod;
	void *user;
	hw_func **fimports;    /* [nfunc_imports] */
	hw_func *frefs;	       /* [mod->nrefs] */
	hw_table **tables;     /* [ntables] */
	hw_memory *mem0;       /* always set: own, imported, or the empty one */
	hw_global **globals;   /* [nglobals] */
	uint8_t *elem_dropped; /* [nelems] */
	uint8_t *data_dropped; /* [ndatas] */
	hw_obj **deps;	       /* owners of the imports, one reference each */
	uint32_t ndeps;
	uint32_t max_pages, max_table;
	hw_memory own_mem;    /* memory 0 when defined here, else empty */
	hw_table *own_tables; /* defined tables */
	hw_global *own_globals;
	hw_exec x;
	bool blk_keep; /* a libc block: back to mod's cache when freed */
};

/* ---- stage interfaces ---- */

/* Fill err (if not NULL): code, section (-1: none), byte offset, the
 * short reason and an optional printf-style detail (fmt may be NULL).
 * Returns code. */
int hw__error(hw_error *err, int code, int section, size_t offset,
	      const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Set m->inst_zeroed and m->inst_size (wasm_runtime.c), once m is
 * decoded. */
void hw__instance_layout(hw_module *m);

/* ---- reading the binary (wasm_decode.c) ---- */

/* A cursor over part of the binary. Offsets in errors are from base. */
typedef struct hw_rd {
	const uint8_t *base, *p, *end;
	hw_error *err;
	int section;
	bool in_section; /* running off the end: "unexpected end of section
			    or function" rather than "unexpected end" */
} hw_rd;

/* A decoded instruction. Which fields are set depends on the immediate
 * kind (wasm_opcodes.h). */
typedef struct hw_instr {
	uint32_t op;	    /* 0x00..0xFF, 0xFC00|sub, 0xFD00|sub */
	size_t pos;	    /* offset of the opcode */
	uint32_t a, b;	    /* indices; memarg: a = align; lane: b */
	uint64_t imm;	    /* constants (raw bits), memarg offset */
	uint8_t bt;	    /* blocktype: 0 empty, 1 one value (a = type),
			       2 type index (a) */
	uint32_t n;	    /* br_table targets, select types */
	const uint8_t *vec; /* br_table LEBs, select types, v128 bytes */
} hw_instr;

int hw__rd_u32(hw_rd *r, uint32_t *out);
int hw__rd_byte(hw_rd *r, uint8_t *out);
int hw__rd_fail(hw_rd *r, const char *reason);
/* Decode one instruction at r->p (syntax only). */
int hw__read_instr(hw_rd *r, hw_instr *in);
/* Read the next u32 LEB of an already-decoded vector (no checks). */
uint32_t hw__leb_next(const uint8_t **p);
/* A function body's locals: OUT *nlocals, and types (the caller frees
 * them with al) when types != NULL; r is left at the first instruction. */
int hw__read_locals(hw_rd *r, const hw_allocator *al, uint32_t *nlocals,
		    uint8_t **types, uint32_t nparams, const uint8_t *params);

/* wasm_decode.c: parse every section of m->bytes into m (syntax only:
 * failures are HB_EMALFORMED or HB_ELIMIT; indices are checked later). */
int hw__decode(hw_module *m, hw_error *err);

/* wasm_validate.c: check the decoded module and every function body. */
int hw__validate(hw_module *m, hw_error *err);

/* wasm_compile.c: compile every function body into m->code. */
int hw__compile(hw_module *m, hw_error *err);

/* wasm_interp.c: run x from its saved registers until it finishes, traps
 * or suspends. Returns an hw_status. x->state must be HW_X_RUNNING. */
int hw__interp_run(hw_exec *x);

/* The interpreter's handler addresses, indexed by internal opcode. */
const void *const *hw__interp_handlers(void);

/* wasm_dump.c: print function fi's internal form (debugging). */
int hw__dump_func(const hw_module *m, uint32_t fi, FILE *out);

/* wasm_runtime.c helpers used by the interpreter. */
int hw__stack_grow(hw_exec *x, size_t need_slots);
int hw__frames_grow(hw_exec *x);
int64_t hw__memory_grow(hw_memory *mem, uint32_t delta);

/* Memory pools (wasm_pool.c). get: a zeroed mapping of at least bytes
 * (OUT: *base, *mapped) or false. put: take a released mapping (true) or
 * leave it to the caller to unmap (false). Both take/drop no reference;
 * ref/unref do. */
#define HW_POOL_FULL (1u << 31) /* uses: the whole mapping is resident */
bool hw__pool_get(hw_mempool *p, size_t bytes, uint8_t **base,
		  size_t *mapped, uint32_t *uses);
bool hw__pool_put(hw_mempool *p, uint8_t *base, size_t size, size_t mapped,
		  uint32_t uses);
void hw__pool_ref(hw_mempool *p);
void hw__pool_unref(hw_mempool *p);
int64_t hw__table_grow(hw_table *t, uint32_t delta, void *init);
/* Call host function f with args at slots; results written back there.
 * Returns HW_HOST_OK/TRAP/SUSPEND. */
int hw__host_call(hw_exec *x, hw_instance *inst, hw_hostfunc *f,
		  hw_slot *slots);
bool hw__functype_eq(const hw_functype *a, const hw_functype *b);
/* The funcref value for function index fi of inst (NULL-safe). */
hw_func *hw__inst_funcref(hw_instance *inst, uint32_t fi);
/* table.init / memory.init bodies shared by instantiation and the
 * interpreter. Return 0 or an hw_trap_code. */
int hw__table_init(hw_instance *inst, uint32_t table, uint32_t seg,
		   uint32_t dst, uint32_t src, uint32_t n);
int hw__memory_init(hw_instance *inst, uint32_t seg, uint32_t dst, uint32_t src,
		    uint32_t n);

/* Value type helpers. */
static inline bool hw__is_valtype(uint8_t t)
{
	return t == HW_I32 || t == HW_I64 || t == HW_F32 || t == HW_F64 ||
	       t == HW_V128 || t == HW_FUNCREF || t == HW_EXTERNREF;
}
static inline bool hw__is_reftype(uint8_t t)
{
	return t == HW_FUNCREF || t == HW_EXTERNREF;
}
static inline uint32_t hw__slots(uint8_t t)
{
	return t == HW_V128 ? 2 : 1;
}
const char *hw__typename(uint8_t t);

#endif
