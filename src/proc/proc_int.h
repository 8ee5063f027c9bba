/* proc_int.h — structures of the Wasm process layer (src/proc): the host
 * object, compiled modules, the per-process state, and the interfaces
 * between its files. docs/processes.md has the design. */
#ifndef HEARTH_PROC_INT_H
#define HEARTH_PROC_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "hearth/error.h"
#include "hearth/limits.h"
#include "hearth/lump.h"
#include "hearth/proc.h"
#include "hearth/rt.h"
#include "hearth/wasi.h"
#include "hearth/wasm.h"

#define HP_ASSET_TYPE "wasm-module"

/* ---- the ABI's host functions (abi.c) ----
 * One row per hearth_v1 import: name, type as a string of value-type
 * letters "params:results" (i = i32, I = i64), the function. */
typedef struct hp_fndef {
	const char *name;
	const char *type;
	hw_host_fn fn;
} hp_fndef;

extern const hp_fndef hp__abi[];
extern const uint32_t hp__nabi;

/* ---- a dead process's log, kept for the console ---- */
typedef struct hp_gline {
	uint64_t t_ns;
	int level;
	char *text;
} hp_gline;

typedef struct hp_grave {
	hr_pid pid; /* 0: empty */
	int32_t code;
	char *text;
	hp_gline *lines;
	uint32_t nlines;
} hp_grave;

/* Metadata of one live process (only those that set any). */
typedef struct hp_metarec {
	hr_pid pid;
	char *field[3]; /* description, authors, license */
	struct hp_metarec *next;
} hp_metarec;

#define HP_META_BUCKETS 1024

/* A lump store call done by the host's I/O thread (io.c). Two
 * references: the waiting process and the worker; the last one frees
 * it (and the lump, if no process took it). */
enum { HP_IO_PUT = 1, HP_IO_GET = 2 };
typedef struct hp_io {
	struct hp_io *next; /* queue (io_mu) */
	atomic_int refs;
	atomic_int state; /* set to done by the worker (release) */
	int op;
	uint8_t *bytes; /* PUT: a copy of the guest's bytes */
	size_t len;
	hl_id id;      /* GET: which; PUT: the id made */
	hl_lump *lump; /* the result */
	int rc;
	hr_pid pid;   /* the waiting process, poked when the job is done */
	bool waiting; /* io_mu: it still waits (else: no poke) */
} hp_io;

/* ---- the host ----
 * Immutable after hp_host_new except: mu guards graves, metas and
 * spawner. */
struct hp_host {
	hr_rt *rt;
	hl_store *store;
	hl_assets *assets;
	hp_log_fn log_fn;
	void *log_ud;
	hw_func **fns;	  /* [hp__nabi], same order as hp__abi */
	hw_mempool *pool; /* linear memories of dead processes, for reuse */

	pthread_mutex_t mu;
	hp_grave graves[HP_GRAVE_PROCS];
	uint32_t grave_next;
	hp_metarec *metas[HP_META_BUCKETS]; /* chained by pid */
	hr_handle spawner; /* host handle, HR_HANDLE_NONE before boot */

	/* the lump I/O thread, started on first use (io_mu guards all) */
	pthread_mutex_t io_mu;
	pthread_cond_t io_cv;
	pthread_t io_thr;
	hp_io *io_head, *io_tail;
	bool io_started, io_stop;
};

/* ---- a compiled module: the "wasm-module" asset object ----
 * Immutable, shared by every process spawned from the lump. imports[i]
 * binds import i (resolved once, here, not per spawn). */
typedef struct hp_module {
	hw_module *mod;
	hw_extern *imports; /* without WASI: the bound imports */
	uint32_t nimports;
	bool has_init; /* exports _initialize: () -> () */
	bool wasi;     /* imports WASI: each process gets a context, and
			  its imports are bound per spawn */
} hp_module;

/* Bind a hearth_v1 import (module.c): 0, or HB_EUNLINKABLE with the
 * reason in err (may be NULL). */
int hp__resolve(hp_host *h, const hw_extern_info *in, hw_extern *out, char *err,
		size_t errlen);

/* Asset loader callbacks (module.c). */
int hp__module_load(void *ctx, const hl_lump *lump, void **obj, size_t *size,
		    char *err, size_t errlen);
void hp__module_free(void *ctx, void *obj);

/* ---- a received signal held by a guest ---- */
typedef struct hp_sig {
	hr_msg m;	   /* m.node_ == NULL: free */
	int32_t next_free; /* free list, -1 ends */
} hp_sig;

/* What a suspended process waits for. */
enum {
	HP_W_NONE = 0, /* not suspended in a host call */
	HP_W_FUEL,     /* out of fuel: resume as is */
	HP_W_RECV,     /* mb_recv / mb_poll: mailboxes in wmb */
	HP_W_SLEEP,    /* sleep until deadline */
	HP_W_YIELD,    /* end of slice asked (sleep <= 0) */
	HP_W_IO	       /* a lump store call on the I/O thread (io) */
};

/* Phases: what runs next when the current call is done. */
enum { HP_PH_START, HP_PH_INIT, HP_PH_ENTRY, HP_PH_DONE };

/* ---- a Wasm process ----
 * Owned by its process: touched only on the scheduler thread running it
 * (run, terminate, the host functions it calls). cx is valid while it
 * runs. */
typedef struct hp_proc {
	hp_host *host;
	hl_asset *asset; /* keeps the module (and its lump) alive */
	const hp_module *mod;
	hw_instance *inst;
	hw_func *entry;
	hr_ctx *cx;
	hw_wasi *wasi; /* the module imports WASI: its context, else NULL */

	uint8_t phase;	  /* HP_PH_* */
	uint8_t wait;	  /* HP_W_* */
	uint8_t is_poll;  /* HP_W_RECV: 0 mb_recv, 1 mb_poll, 2 mb_recv_into */
	uint8_t exit_req; /* exit() called: exit_code/exit_text */
	int32_t exit_code;
	char *exit_text;

	/* fuel */
	uint32_t fuel_slice;
	int64_t fuel_left; /* total budget left; INT64_MAX: unlimited */
	int64_t given;	   /* fuel set at the start of this slice */

	/* the pending wait */
	uint64_t deadline; /* monotonic ns; 0: none */
	uint32_t nwmb;
	uint32_t *wmb; /* mailboxes waited on (wmb_inline or allocated) */
	uint32_t wmb_inline[2];
	uint32_t index_out; /* mb_poll: guest address of the index;
			       mb_recv_into: of the receive record */
	hp_io *io;	    /* HP_W_IO: the job */
	uint32_t io_out;    /* HP_W_IO, put: guest address of the id */

	/* mailboxes this process owns (bit per id) */
	uint64_t mbits0;
	uint64_t *mbits; /* &mbits0 or allocated */
	uint32_t nmbits; /* words */

	/* signals and lumps */
	hp_sig *sigs;
	uint32_t nsigs, sig_live;
	int32_t sig_free;
	hl_lump **lumps;
	uint32_t nlumps, lump_live;

	bool has_meta;
} hp_proc;

/* The process of a host call. */
static inline hp_proc *hp__proc_of(const hw_hostcall *hc)
{
	return hw_instance_user(hw_hostcall_instance(hc));
}

/* Charge a host call's fuel. */
static inline void hp__charge(hp_proc *p, int64_t fuel)
{
	hw_instance_set_fuel(p->inst, hw_instance_fuel(p->inst) - fuel);
}

/* The receive record of mb_recv_into (docs/guest-abi.md). */
#define HP_RX_BYTES 56
#define HP_RX_KEEP  1u
/* Fill the record at guest address rx for signal sig, received from
 * position idx of the list; free the signal when all of it fitted (a
 * message without HP_RX_KEEP). The record's ranges were checked when the
 * call was made (memory never shrinks). (abi.c) */
void hp__rx_fill(hp_proc *p, uint32_t rx, int32_t sig, uint32_t idx);

/* ---- process kind and helpers (proc.c) ---- */
/* A line into the process's log ring (cut to HR_MAX_LOG_TEXT - 1 bytes)
 * and to the host's log tee. */
void hp__log(hp_proc *p, int level, const char *text, size_t len);
extern const hr_kind hp__kind;
bool hp__mb_owned(const hp_proc *p, uint32_t mb);
int hp__mb_mark(hp_proc *p, uint32_t mb, bool on);
/* Receive one signal from the listed mailboxes into a new signal handle.
 * Returns the handle, HB_EAGAIN (nothing), HB_ELIMIT (too many held),
 * HB_ENOMEM. OUT: *mb_index, the position in the list it came from. */
int hp__take_signal(hp_proc *p, const uint32_t *mbs, uint32_t n,
		    uint32_t *mb_index);
/* Metadata (host.c). */
int hp__meta_set(hp_host *h, hr_pid pid, int field, const char *s, size_t len);
void hp__meta_drop(hp_host *h, hr_pid pid);
void hp__grave_add(hp_host *h, hr_ctx *cx, const hr_reason *why);

/* Put a lump into the process's table. Returns the handle, or
 * HB_ELIMIT / HB_ENOMEM (the caller keeps the lump). (abi.c) */
int hp__lump_keep(hp_proc *p, hl_lump *l);

/* ---- lump I/O (io.c) ---- */
int hp__io_submit(hp_host *h, hp_io *j);
void hp__io_stop(hp_host *h);
int hp__io_wait(hp_proc *p);
bool hp__io_over(hp_proc *p, hw_val *val);
void hp__io_abandon(hp_proc *p);

/* ---- the spawner (spawner.c) ---- */
extern const hr_kind hp__spawner_kind;

#endif
