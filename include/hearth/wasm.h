/* wasm.h — Hearth's WebAssembly 2.0 engine: decode, validate and compile a
 * module once, then run many cheap, resumable, fuel-metered instances of it.
 * Design and embedding guide: docs/wasm-engine.md. */
#ifndef HEARTH_WASM_H
#define HEARTH_WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------
 * Types and values
 * ------------------------------------------------------------------------ */

/* Value types, numbered as in the binary format. */
typedef enum hw_valtype {
	HW_I32 = 0x7F,
	HW_I64 = 0x7E,
	HW_F32 = 0x7D,
	HW_F64 = 0x7C,
	HW_V128 = 0x7B,
	HW_FUNCREF = 0x70,
	HW_EXTERNREF = 0x6F
} hw_valtype;

/* Kinds of imports and exports, numbered as in the binary format. */
typedef enum hw_externkind {
	HW_EXTERN_FUNC = 0,
	HW_EXTERN_TABLE = 1,
	HW_EXTERN_MEMORY = 2,
	HW_EXTERN_GLOBAL = 3
} hw_externkind;

typedef struct hw_module hw_module;	/* compiled, immutable, shareable */
typedef struct hw_instance hw_instance; /* one instantiation + its thread */
typedef struct hw_func hw_func;		/* a function: Wasm or host */
typedef struct hw_table hw_table;
typedef struct hw_memory hw_memory;
typedef struct hw_global hw_global;
typedef struct hw_hostcall hw_hostcall; /* context of one host call */

/* One value. Integers are stored unsigned (cast as needed); floats are
 * their IEEE bit patterns when read through i32/i64. A funcref is an
 * hw_func pointer, an externref any pointer the embedder chooses; NULL is
 * the null reference of both. */
typedef union hw_val {
	uint32_t i32;
	uint64_t i64;
	float f32;
	double f64;
	uint8_t v128[16];
	hw_func *func;
	void *ext;
} hw_val;

/* An import or export binding: a tagged handle. */
typedef struct hw_extern {
	hw_externkind kind;
	union {
		hw_func *func;
		hw_table *table;
		hw_memory *memory;
		hw_global *global;
		void *any;
	} u;
} hw_extern;

/* Detail of a failed decode, validation, link or instantiation. The caller
 * owns the storage; every hw_* function taking one may be given NULL. */
typedef struct hw_error {
	int code;	   /* HB_EMALFORMED, HB_EINVALID, HB_EUNLINKABLE,
			      HB_ETRAP, HB_ELIMIT, HB_ENOSYS, HB_ENOMEM, ... */
	int section;	   /* binary section id (0 custom .. 12 data count), or
			      -1 when the failure is not tied to a section */
	size_t offset;	   /* byte offset in the module binary (decode and
			      validation errors), else 0 */
	char reason[128];  /* short reason, spec wording where the spec has
			      one: "type mismatch", "unknown import", ... */
	char message[256]; /* the whole story: "code section, offset 0x1f
			      (function 3): type mismatch: ..." */
} hw_error;

/* ------------------------------------------------------------------------
 * Modules
 * ------------------------------------------------------------------------ */

/* An allocator for the engine's own structures (a module's decoded and
 * compiled form; an instance, its tables' elements and its execution
 * stacks), for accounting or to test allocation failure. fn(ctx, p, n)
 * behaves as realloc(p, n) when n > 0 (p NULL: a new block; NULL back:
 * failure, p untouched) and as free(p) when n == 0 (never with p NULL).
 * Not used for linear memory (mapped with mmap; see max_memory_pages) nor
 * for host-made objects (hw_*_new: libc). It must outlive everything
 * allocated through it and be callable from any thread that uses or frees
 * the module or instance (a module may be freed by its last instance). */
typedef struct hw_allocator {
	void *(*fn)(void *ctx, void *p, size_t n);
	void *ctx;
} hw_allocator;

/* Options for hw_module_new; all-zero (or NULL) gives the defaults. */
typedef struct hw_module_opts {
	/* Compile without fuel metering (for comparison; instances of such a
	 * module never run out of fuel). Default: metered. */
	bool no_fuel;
	/* The module's allocator (copied; NULL: libc). A failed allocation
	 * fails hw_module_new with HB_ENOMEM and leaves nothing behind. */
	const hw_allocator *alloc;
} hw_module_opts;

/* Decode, validate and compile a binary module. bytes are copied; the
 * caller keeps its buffer. OUT: *out, a module with one reference.
 * Returns 0, HB_EMALFORMED (decoding), HB_EINVALID (validation),
 * HB_ELIMIT (a cap of limits.h exceeded) or HB_ENOMEM; *err says where
 * and why. Every valid WebAssembly 2.0 module compiles, SIMD included
 * (HB_ENOSYS stays reserved for a feature a build cannot execute). Any
 * thread. */
int hw_module_new(const uint8_t *bytes, size_t len, const hw_module_opts *opts,
		  hw_module **out, hw_error *err);

/* Decode and validate only (no compilation, nothing kept). Returns as
 * hw_module_new but never HB_ENOSYS. Any thread. */
int hw_module_validate(const uint8_t *bytes, size_t len, hw_error *err);

/* Drop a reference; the module is freed with the last one (its instances
 * hold one each). NULL is a no-op. Any thread. */
void hw_module_free(hw_module *m);

/* Take another reference (e.g. to share the module with another thread). */
hw_module *hw_module_ref(hw_module *m);

/* Describes one import or export of a module; pointers stay valid while the
 * module lives. name/module are NUL-terminated (names with an embedded NUL
 * byte are compared with name_len/module_len). */
typedef struct hw_extern_info {
	const char *module; /* imports only */
	uint32_t module_len;
	const char *name;
	uint32_t name_len;
	hw_externkind kind;
	/* FUNC: */
	uint32_t nparams, nresults;
	const uint8_t *params, *results; /* hw_valtype codes */
	/* TABLE (elem type), GLOBAL (value type): */
	hw_valtype type;
	bool mut;	   /* GLOBAL */
	uint32_t min, max; /* TABLE, MEMORY: limits (pages/elements) */
	bool has_max;
} hw_extern_info;

uint32_t hw_module_import_count(const hw_module *m);
uint32_t hw_module_export_count(const hw_module *m);

/* OUT: *info for import/export i. Returns 0 or HB_ERANGE. */
int hw_module_import(const hw_module *m, uint32_t i, hw_extern_info *info);
int hw_module_export(const hw_module *m, uint32_t i, hw_extern_info *info);

/* ------------------------------------------------------------------------
 * Instances
 * ------------------------------------------------------------------------ */

/* Per-instance options; all-zero (or NULL) gives the defaults in
 * parentheses. */
typedef struct hw_instance_opts {
	uint32_t max_memory_pages; /* each memory, 64 KiB pages (65536) */
	uint32_t max_table_elems;  /* each table (HW_MAX_TABLE_ELEMS) */
	uint32_t max_stack_slots;  /* value stack, 8-byte slots
				      (HW_DEFAULT_STACK_SLOTS) */
	uint32_t max_call_depth;   /* Wasm frames (HW_DEFAULT_CALL_DEPTH) */
	bool fuel_traps;	   /* running out of fuel traps
				      (HW_TRAP_OUT_OF_FUEL) instead of
				      suspending with HW_OUT_OF_FUEL */
	void *user;		   /* for hw_instance_user() */
	/* The instance's allocator (copied; NULL: libc). A failure fails
	 * hw_instance_new with HB_ENOMEM; a call with HB_ENOMEM (its first
	 * stack) or the trap HW_TRAP_NOMEM (the value or frame stack could
	 * not grow; the instance stays usable); table.grow with -1. */
	const hw_allocator *alloc;
	struct hw_mempool *mem_pool; /* recycle memory 0 (NULL: no) */
} hw_instance_opts;

/* Instantiate m. imports[i] binds the module's import i (module order; see
 * hw_module_import); each is checked against the import's type. Element and
 * data segments are applied; the start function is NOT run (see
 * hw_instance_start). The instance takes references on m and on everything
 * it imports. OUT: *out. Returns 0, HB_EUNLINKABLE (missing or mismatched
 * import: reason "unknown import" / "incompatible import type"), HB_ELIMIT
 * (a memory or table over the instance limits), HB_ETRAP (a segment out of
 * bounds: reason is the trap message; writes made by earlier segments into
 * imported memories/tables stay, as the spec says, so *out is then set to
 * the failed instance, which must not be called but must be kept alive
 * while those tables may call its functions, then freed), HB_ENOMEM. Any
 * thread. */
int hw_instance_new(hw_module *m, const hw_extern *imports, uint32_t nimports,
		    const hw_instance_opts *opts, hw_instance **out,
		    hw_error *err);

/* Drop the embedder's reference. The instance's memory, tables and globals
 * live on while other instances import them. Must not be called while the
 * instance is running; a suspended execution is abandoned. NULL is a
 * no-op. Its functions die with it even where funcrefs to them remain:
 * a table or global owned elsewhere (by an importer of one of its tables,
 * or the host) that holds one must not be read afterwards
 * (docs/wasm-engine.md, "The funcref rule"). */
void hw_instance_free(hw_instance *inst);

hw_module *hw_instance_module(const hw_instance *inst);
void *hw_instance_user(const hw_instance *inst);
void hw_instance_set_user(hw_instance *inst, void *user);

/* OUT: *out, export `name` (a borrowed handle, valid while the instance
 * lives). Returns 0 or HB_ENOENT. */
int hw_instance_export(const hw_instance *inst, const char *name,
		       hw_extern *out);
/* The same for a name of len bytes (names may hold NUL bytes). */
int hw_instance_export_n(const hw_instance *inst, const char *name, size_t len,
			 hw_extern *out);
/* The exported function `name`, or NULL. */
hw_func *hw_instance_func(const hw_instance *inst, const char *name);
/* The instance's memory 0, or NULL. */
hw_memory *hw_instance_memory(const hw_instance *inst);

/* ------------------------------------------------------------------------
 * Running code. An instance owns one execution (a value stack and a frame
 * stack). Calls never recurse on the C stack for Wasm-to-Wasm calls, so an
 * execution can stop at a safe point and be resumed later on any thread
 * (one thread at a time).
 * ------------------------------------------------------------------------ */

/* What a call, start or resume returned (>= 0; API misuse returns a
 * negative HB_E* instead). */
typedef enum hw_status {
	HW_DONE = 0,	    /* finished; results written */
	HW_TRAPPED = 1,	    /* trapped; see hw_instance_trap(). The execution
			       is over; the instance stays usable. */
	HW_OUT_OF_FUEL = 2, /* fuel went below zero at a back-edge or call;
			       add fuel and hw_instance_resume() */
	HW_SUSPENDED = 3    /* a host function asked to suspend; resume with
			       its results */
} hw_status;

/* Why an execution trapped. */
typedef enum hw_trap_code {
	HW_TRAP_NONE = 0,
	HW_TRAP_UNREACHABLE,	 /* "unreachable" */
	HW_TRAP_MEMORY_OOB,	 /* "out of bounds memory access" */
	HW_TRAP_TABLE_OOB,	 /* "out of bounds table access" */
	HW_TRAP_UNDEFINED_ELEM,	 /* "undefined element" */
	HW_TRAP_UNINIT_ELEM,	 /* "uninitialized element" */
	HW_TRAP_INDIRECT_TYPE,	 /* "indirect call type mismatch" */
	HW_TRAP_DIV_ZERO,	 /* "integer divide by zero" */
	HW_TRAP_INT_OVERFLOW,	 /* "integer overflow" */
	HW_TRAP_INVALID_CONV,	 /* "invalid conversion to integer" */
	HW_TRAP_STACK_EXHAUSTED, /* "call stack exhausted" */
	HW_TRAP_OUT_OF_FUEL,	 /* "out of fuel" (opts.fuel_traps) */
	HW_TRAP_HOST,		 /* a host function trapped (its message) */
	HW_TRAP_ABORTED,	 /* "aborted" (hw_instance_abort) */
	HW_TRAP_NOMEM		 /* "out of memory" growing the stack */
} hw_trap_code;

/* Call f (a function exported by any instance, or a host function) on
 * inst's execution, which must be idle. args: nargs values of f's parameter
 * types; results: room for f's results. Returns an hw_status, or HB_EINVAL
 * (wrong counts, NULL f), HB_EBUSY (the execution is running or
 * suspended), HB_ENOMEM. Fuel: the instance's remaining fuel is used. The
 * calling thread must be the only one using inst (and any instance whose
 * code the call reaches) until it returns. */
int hw_instance_call(hw_instance *inst, hw_func *f, const hw_val *args,
		     uint32_t nargs, hw_val *results, uint32_t nresults);

/* Run the module's start function, if any, like hw_instance_call. Returns
 * HW_DONE at once when there is none. */
int hw_instance_start(hw_instance *inst);

/* Continue a suspended execution. After HW_SUSPENDED, host_results are the
 * suspended host function's results (its result count); after
 * HW_OUT_OF_FUEL pass NULL, 0. results/nresults: as for the call that
 * started the execution. Returns an hw_status, or HB_EINVAL / HB_EBUSY
 * (nothing to resume). Any thread, one at a time. */
int hw_instance_resume(hw_instance *inst, const hw_val *host_results,
		       uint32_t nhost_results, hw_val *results,
		       uint32_t nresults);

/* Abandon a suspended execution (it ends as trapped, HW_TRAP_ABORTED).
 * Returns 0 or HB_EINVAL when nothing is suspended. */
int hw_instance_abort(hw_instance *inst);

/* Whether an execution is suspended (HW_OUT_OF_FUEL or HW_SUSPENDED) and
 * waiting for hw_instance_resume. */
bool hw_instance_suspended(const hw_instance *inst);

/* Fuel: a signed budget, roughly Wasm instructions, charged at loop
 * back-edges (the loop body's instruction count) and function entries (1).
 * When it drops below zero the execution stops with HW_OUT_OF_FUEL (or
 * traps, opts.fuel_traps). A new instance has unlimited fuel (INT64_MAX). */
void hw_instance_set_fuel(hw_instance *inst, int64_t fuel);
int64_t hw_instance_fuel(const hw_instance *inst);

/* Why the last execution trapped, and its message (spec wording, or the
 * host's). OUT: *message if not NULL (valid until the next call). */
hw_trap_code hw_instance_trap(const hw_instance *inst, const char **message);

/* The spec text of a trap code ("out of bounds memory access", ...). */
const char *hw_trap_string(hw_trap_code code);

/* ------------------------------------------------------------------------
 * Host functions
 * ------------------------------------------------------------------------ */

/* What a host function returns. */
enum {
	HW_HOST_OK = 0,	    /* results written */
	HW_HOST_TRAP = 1,   /* trap (message from hw_hostcall_trap) */
	HW_HOST_SUSPEND = 2 /* stop the execution with HW_SUSPENDED; the
			       embedder resumes it later with the results */
};

/* A host function. args: its parameters; results: room for its results.
 * env: as given to hw_func_new. Runs on the thread running the execution.
 * It may call into other instances, but not into the calling instance's
 * execution (HB_EBUSY). */
typedef int (*hw_host_fn)(hw_hostcall *hc, void *env, const hw_val *args,
			  hw_val *results);

/* Create a host function of type params -> results. OUT: *out with one
 * reference (hw_func_free). Returns 0, HB_EINVAL, HB_ENOMEM. */
int hw_func_new(const hw_valtype *params, uint32_t nparams,
		const hw_valtype *results, uint32_t nresults, hw_host_fn fn,
		void *env, hw_func **out);

/* Drop a reference taken by hw_func_new; no-op for NULL and for functions
 * owned by an instance. */
void hw_func_free(hw_func *f);

/* Pin host function f (made by hw_func_new): its creator promises that f
 * outlives every instance that imports it, so instances take no reference
 * on it. For functions made once and imported by many short-lived
 * instances on many threads (a runtime's ABI): each spawn would otherwise
 * write f's reference count, a cache line every core shares. */
void hw_func_pin(hw_func *f);

/* f's type: hw_valtype codes, one byte each. OUT: *n. The arrays live as
 * long as f. */
const uint8_t *hw_func_params(const hw_func *f, uint32_t *n);
const uint8_t *hw_func_results(const hw_func *f, uint32_t *n);

/* The instance whose code made the host call. */
hw_instance *hw_hostcall_instance(const hw_hostcall *hc);

/* A pointer to [addr, addr+len) of the calling instance's memory 0, or NULL
 * when that range is out of bounds or there is no memory. Valid until the
 * memory grows (do not keep it across calls into Wasm). */
void *hw_hostcall_mem(const hw_hostcall *hc, uint64_t addr, uint64_t len);

/* The calling instance's memory 0 (or NULL). */
hw_memory *hw_hostcall_memory(const hw_hostcall *hc);

/* Set the trap message; returns HW_HOST_TRAP so a host function can
 * `return hw_hostcall_trap(hc, "bad fd %d", fd);`. */
int hw_hostcall_trap(hw_hostcall *hc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------------------
 * Memory pools. Mapping fresh memory for each instance and unmapping it
 * when the instance goes costs page faults and, in a threaded program,
 * TLB shootdowns. A pool keeps the memories of freed instances (each
 * mapping of at most max_bytes, while the zeroed pages they hold stay
 * within budget bytes) for the next instances that use the pool. When a
 * memory is released, the pages its owner touched are zeroed (found
 * through /proc/self/pagemap; a page that was swapped out, or a system
 * without pagemap, means the memory is unmapped as usual); a few small
 * memories that keep coming back are made wholly resident and zeroed with
 * one memset instead. A new instance always sees zeroed memory.
 * Thread-safe.
 * ------------------------------------------------------------------------ */
typedef struct hw_mempool hw_mempool;

/* OUT: *out. Returns 0, HB_EINVAL (a zero argument), HB_ENOMEM. */
int hw_mempool_new(size_t max_bytes, size_t budget, hw_mempool **out);

/* Drop the creator's reference; pooled memories are unmapped when the
 * last instance using the pool is gone. NULL is a no-op. */
void hw_mempool_free(hw_mempool *p);

/* Memories kept now, their resident (zeroed) bytes, and memories handed
 * out again so far. Any pointer may be NULL. */
void hw_mempool_stats(hw_mempool *p, uint32_t *kept, size_t *resident,
		      uint64_t *reused);

/* ------------------------------------------------------------------------
 * Memories, tables, globals (exported by instances or made by the host)
 * ------------------------------------------------------------------------ */

/* A host memory of min pages (max pages, or no maximum when !has_max).
 * Returns 0, HB_EINVAL (min > max or > 65536), HB_ENOMEM. */
int hw_memory_new(uint32_t min, uint32_t max, bool has_max, hw_memory **out);
void hw_memory_free(hw_memory *mem); /* as hw_func_free */

/* Base address and byte size. The base moves when the memory grows. */
uint8_t *hw_memory_data(const hw_memory *mem, uint64_t *size);
uint32_t hw_memory_pages(const hw_memory *mem);
/* Grow by delta pages. Returns the old page count, or -1. */
int64_t hw_memory_grow(hw_memory *mem, uint32_t delta);

/* A host table of reftype elements (HW_FUNCREF or HW_EXTERNREF), min
 * elements initialised to init. Returns 0, HB_EINVAL, HB_ENOMEM. */
int hw_table_new(hw_valtype reftype, uint32_t min, uint32_t max, bool has_max,
		 hw_val init, hw_table **out);
void hw_table_free(hw_table *t);
uint32_t hw_table_size(const hw_table *t);
/* Returns 0 or HB_ERANGE. A funcref set must be a live function. */
int hw_table_get(const hw_table *t, uint32_t i, hw_val *out);
int hw_table_set(hw_table *t, uint32_t i, hw_val v);

/* A host global. Returns 0, HB_EINVAL, HB_ENOMEM. */
int hw_global_new(hw_valtype type, bool mut, hw_val init, hw_global **out);
void hw_global_free(hw_global *g);
hw_valtype hw_global_type(const hw_global *g, bool *mut);
hw_val hw_global_get(const hw_global *g);
/* Returns 0, HB_EPERM (immutable). */
int hw_global_set(hw_global *g, hw_val v);

#endif
