/* proc.h — Wasm processes: WebAssembly modules loaded from lumps run as
 * Hearth processes (the runtime's resumable kind), with the hearth_v1 host
 * ABI (docs/guest-abi.md), the "wasm-module" asset loader and the spawner
 * service. Design: docs/processes.md. */
#ifndef HEARTH_PROC_H
#define HEARTH_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hearth/buf.h"
#include "hearth/limits.h"
#include "hearth/lump.h"
#include "hearth/rt.h"

/* The Wasm process layer of one runtime (opaque): the host functions of
 * the ABI (made once), the asset loader, the graveyard of dead processes'
 * logs. Thread-safe after hp_host_new. */
typedef struct hp_host hp_host;

/* Called for every line a Wasm process logs (on its scheduler thread,
 * concurrently from several): pid and name of the process, level 0..4,
 * the text (len bytes, not NUL-terminated). Must be quick. */
typedef void (*hp_log_fn)(void *ud, hr_pid pid, const char *name, int level,
			  const char *text, size_t len);

typedef struct hp_config {
	hr_rt *rt;	   /* required */
	hl_store *store;   /* required: lumps of lump_new/lump_load */
	hl_assets *assets; /* required: "wasm-module" is registered in it */
	hp_log_fn log_fn;  /* optional log tee */
	void *log_ud;
} hp_config;

/* Make the layer: creates the host functions and registers the
 * "wasm-module" loader in cfg->assets. OUT: *out. Errors: HB_EINVAL,
 * HB_EEXIST (the asset cache has a "wasm-module" loader already),
 * HB_ENOMEM. The runtime, store and assets must outlive it. Any thread. */
int hp_host_new(const hp_config *cfg, hp_host **out);

/* Free it; NULL is a no-op. Only once no Wasm process of it is alive
 * (after hr_rt_shutdown). The asset cache may still hold compiled
 * modules; it frees them without the host. */
void hp_host_free(hp_host *h);

/* Add the plugin to the runtime (before hr_rt_boot): at boot it spawns
 * the spawner service and registers it in the host registry as
 * "wasm-spawner". */
int hp_plugin_add(hp_host *h);

/* The spawner's host handle (SEND|MONITOR) after boot; HB_ENOENT before. */
int hp_spawner(hp_host *h, hr_handle *out);

/* Limits of the Wasm side of a process; zero fields take the defaults. */
typedef struct hp_limits {
	uint32_t memory_pages; /* HP_DEF_MEMORY_PAGES; max
				  HP_MAX_MEMORY_PAGES */
	uint32_t
		fuel_per_slice; /* 0: the whole slice (budget x
				   HP_FUEL_PER_REDUCTION); a larger value is
				   capped by the slice; max HP_MAX_FUEL_SLICE */
	uint64_t fuel_total;	/* 0: unlimited; spent: exit "limit" */
} hp_limits;

/* How to spawn a Wasm process. */
typedef struct hp_spawn_opts {
	const hl_id *lump;     /* the module */
	const char *entry;     /* export of type () -> () */
	size_t entry_len;      /* 0: strlen(entry) */
	const char *name;      /* NULL: the entry's name */
	size_t name_len;       /* 0: strlen(name) */
	const hr_handle *caps; /* the child's handles 0..ncaps-1 */
	uint32_t ncaps;
	const hr_limits *rt_limits; /* NULL: the runtime's defaults */
	const hp_limits *limits;    /* NULL: defaults */
	bool link;		    /* as hr_spawn_opts.link / link_with */
	const hr_handle *link_with;
	uint64_t *monitor; /* as hr_spawn_opts.monitor */
	uint32_t monitor_mailbox;
} hp_spawn_opts;

/* Spawn a Wasm process: load (or find compiled) the module of o->lump
 * through the asset cache, check the entry point, instantiate it, spawn
 * it. cx: the spawning process on its scheduler thread, or NULL for the
 * host (any non-scheduler thread; handles are then the host's). OUT:
 * *child (may be NULL), a handle with every permission to the child's
 * mailbox 0. Errors, with a reason in err (errlen bytes, may be 0):
 * HB_EINVAL (bad options; entry not () -> ()), HB_ENOENT (no such lump;
 * no such export), HB_ECORRUPT, HB_EMALFORMED / HB_EINVALID / HB_ENOSYS
 * (the engine's reason), HB_EUNLINKABLE (an import the host does not
 * have), HB_ELIMIT (too many imports, memory over the limit, a limit over
 * the maxima), HB_EPERM / HB_EBADH / HB_EDEAD (link_with), HB_ECLOSED,
 * HB_ENOMEM. On error nothing was spawned. */
int hp_spawn(hp_host *h, hr_ctx *cx, const hp_spawn_opts *o, hr_handle *child,
	     char *err, size_t errlen);

/* ---- the spawner protocol (docs/guest-abi.md, "Spawning") ---- */

/* A parsed spawn request; strings point into the request bytes. */
typedef struct hp_spawn_req {
	hl_id lump;
	const char *entry;
	uint32_t entry_len;
	const char *name; /* NULL: none */
	uint32_t name_len;
	bool link;
	hr_limits rt_limits;
	hp_limits limits;
} hp_spawn_req;

/* Parse untrusted request bytes. Returns 0, HB_EMALFORMED or HB_ELIMIT,
 * with a reason in err. */
int hp_spawn_req_parse(const uint8_t *data, size_t len, hp_spawn_req *out,
		       char *err, size_t errlen);

/* Encode a request (append to b; check b->err). Zero limits are left
 * out. */
void hp_spawn_req_put(hb_buf *b, const hp_spawn_req *req);

/* Decode a spawner reply: 0 for ["ok"], else the code it carried (or
 * HB_EMALFORMED). OUT: the error text (not NUL-terminated) when not
 * NULL. */
int hp_spawn_reply(const uint8_t *data, size_t len, const char **text,
		   uint32_t *text_len);

/* ---- after death ---- */

/* The log of a recently dead Wasm process (the last HP_GRAVE_PROCS that
 * exited abnormally or logged something): cb(ud, level, t_ns, text) per
 * line, oldest first; OUT: *why (its text valid during the call only; may
 * be NULL). HB_ENOENT if it is not (or no longer) kept. Any thread. */
int hp_dead_log(hp_host *h, hr_pid pid, hr_reason *why,
		void (*cb)(void *ud, int level, uint64_t t_ns,
			   const char *text),
		void *ud);

/* Metadata a live Wasm process set with meta_set (field 1 description,
 * 2 authors, 3 license; the name is hr_proc_info's). Copies at most
 * len-1 bytes and a NUL into buf. Returns the field's length, or
 * HB_ENOENT (not set, or no such process). Any thread. */
int hp_meta(hp_host *h, hr_pid pid, int field, char *buf, size_t len);

#endif
