/* hearth.h — the guest SDK: what a Hearth script written in C uses to be a
 * process. Typed wrappers over the hearth_v1 imports (hearth_abi.h),
 * received messages, request/response, the registry client, spawning,
 * supervisors. Guide and examples: docs/guest-sdk.md.
 *
 * Every function returning int returns 0 (or a value >= 0) on success and a
 * negative HB_E* code (hearth/error.h, hb_strerror) on failure. A guest is
 * one process and runs on one thread at a time, so nothing here locks. */
#ifndef HEARTH_H
#define HEARTH_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hearth/buf.h"
#include "hearth/error.h"
#include "hearth/msgpack.h"
#include "hearth_abi.h" /* the raw imports and the ABI's constants:
			   HEARTH_PERM_*, HEARTH_EXIT_*, HEARTH_SIG_*,
			   HEARTH_LOG_*, HEARTH_E* (= HB_E*) */

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Entry points. A process runs one exported function of type () -> ();
 * returning from it is a normal exit. HEARTH_ENTRY(name) { ... } defines
 * one, exported as "name" (the C function is hearth_entry_name, so "main"
 * is a fine entry name), so a module may spawn its own functions as
 * processes.
 * --------------------------------------------------------------------- */
#define HEARTH_EXPORT(name) __attribute__((export_name(name), used))
#define HEARTH_ENTRY(fn)                                                       \
	HEARTH_EXPORT(#fn) void hearth_entry_##fn(void);                       \
	void hearth_entry_##fn(void)

/* ---------------------------------------------------------------------
 * Units and constants
 * --------------------------------------------------------------------- */
#define HEARTH_US      1000LL
#define HEARTH_MS      1000000LL
#define HEARTH_SEC     1000000000LL
#define HEARTH_FOREVER (-1LL) /* a timeout that never expires */
/* Timeout of the SDK's own requests (registry, spawner). */
#define HEARTH_DEFAULT_TIMEOUT (10 * HEARTH_SEC)

/* A capability handle: a small index into this process's capability
 * table (like a file descriptor). The same (target, permissions) pair is
 * always the same handle, so handles compare with ==. */
typedef int32_t hearth_cap;
#define HEARTH_CAP_NONE ((hearth_cap)-1)
/* By convention the first initial capability is the process's registry. */
#define HEARTH_REGISTRY ((hearth_cap)0)

/* Name of an exit code ("normal", "killed", "trap", ...; "user"). */
const char *hearth_exit_name(int32_t code);

/* ---------------------------------------------------------------------
 * Capabilities
 * --------------------------------------------------------------------- */

/* Permission bits of c. */
int hearth_cap_perms(hearth_cap c);

/* A handle with a subset of c's permissions, holding one more reference.
 * HB_EPERM if perms is not a subset. OUT: *out. */
int hearth_cap_demote(hearth_cap c, unsigned perms, hearth_cap *out);

/* Reference counts: the entry is freed when its count drops to 0.
 * hearth_cap_unref(HEARTH_CAP_NONE) is a no-op returning 0. */
int hearth_cap_ref(hearth_cap c);
int hearth_cap_unref(hearth_cap c);

/* Send len bytes and ncaps capabilities to c's mailbox (needs SEND). The
 * bytes are copied and the sender keeps its handles. HB_EFULL: the
 * target's queue is full (nothing was sent); HB_EDEAD / HB_ECLOSED: it is
 * gone; HB_ETOOBIG / HB_ELIMIT: over this process's limits. */
int hearth_send(hearth_cap c, const void *data, size_t len,
		const hearth_cap *caps, uint32_t ncaps);

/* Send what an encoder wrote into b; b->err (e.g. HB_ENOMEM) is returned
 * instead of sending a partial message. */
int hearth_send_buf(hearth_cap c, const hb_buf *b, const hearth_cap *caps,
		    uint32_t ncaps);

/* Kill c's process (needs KILL); it exits with reason killed. */
int hearth_kill(hearth_cap c);

/* Monitor c's process (needs MONITOR): a down signal arrives on mailbox mb
 * when it dies (at once, reason noproc, if it is dead). OUT: *ref (may be
 * NULL). After hearth_demonitor(ref) no down for ref is received. */
int hearth_monitor(hearth_cap c, uint32_t mb, uint64_t *ref);
int hearth_demonitor(uint64_t ref);

/* Link with c's process (needs LINK): when either dies abnormally the
 * other is killed with the same reason, unless it traps exits. */
int hearth_link(hearth_cap c);
int hearth_unlink(hearth_cap c);

/* Receive linked processes' exits as exit signals on mailbox 0 instead of
 * dying with them. Returns the previous setting. */
bool hearth_trap_exits(bool on);

/* True if a and b name the same mailbox of the same process incarnation
 * (whatever their permissions: compare a down's handle with yours). */
bool hearth_same_target(hearth_cap a, hearth_cap b);

/* ---------------------------------------------------------------------
 * Mailboxes. Mailbox 0 is the process's own (parent) mailbox; others are
 * made with hearth_mailbox_new, e.g. one per conversation.
 * --------------------------------------------------------------------- */
int hearth_mailbox_new(uint32_t *out);
/* Destroy mb and drop what is queued in it (mailbox 0: HB_EPERM). */
int hearth_mailbox_free(uint32_t mb);
/* A capability with perms to one of this process's mailboxes. OUT: *out. */
int hearth_mailbox_cap(uint32_t mb, unsigned perms, hearth_cap *out);
/* A capability to this process (its mailbox 0). */
int hearth_self(unsigned perms, hearth_cap *out);

/* ---------------------------------------------------------------------
 * Messages and signals. A received signal is copied into a hearth_msg:
 * its bytes, the capabilities it carried (already in this process's
 * table), and for down/exit the reason. The message owns one reference to
 * each capability; hearth_msg_free drops those the program did not take
 * with hearth_msg_take_cap, so forgetting a capability never leaks it.
 * Small payloads live inside the struct: pass a hearth_msg by pointer,
 * never copy it by value.
 * --------------------------------------------------------------------- */
#define HEARTH_MSG_INLINE      192 /* payload bytes kept without malloc */
#define HEARTH_MSG_INLINE_CAPS 8   /* capabilities kept without malloc */
#define HEARTH_REASON_TEXT     65  /* reason text kept (64 and a NUL) */

/* Layout: the header is mb_recv_into's receive record (hearth_rx), so the
 * host fills it in place with one call, and what a small message without
 * capabilities touches (the header and the first payload bytes) is
 * contiguous: receiving touches as few cache lines as possible (it matters
 * when thousands of processes take turns: each one's memory is cold). */
typedef struct hearth_msg {
	const uint8_t *data; /* len bytes, valid until hearth_msg_free */
	uint32_t cap_;	     /* private: the receive record's IN fields */
	hearth_cap *caps;    /* ncaps handles; HEARTH_CAP_NONE where one
				could not be imported (or was taken) */
	uint32_t caps_cap_;
	uint32_t flags_;
	int32_t sig_;
	int kind;	  /* HEARTH_SIG_MESSAGE, _DOWN, _EXIT */
	uint32_t mailbox; /* the mailbox it came to */
	uint32_t index;	  /* hearth_poll: position of its mailbox */
	size_t len;
	uint32_t ncaps;
	/* DOWN and EXIT: caps[0] is a handle to the process that died. */
	int32_t reason;		 /* its exit code (HEARTH_EXIT_*) */
	uint64_t ref;		 /* DOWN: the monitor reference */
	const char *reason_text; /* its reason text (NUL-terminated, at most
				    64 bytes); "" for a message */
	/* private */
	uint8_t *heap_;
	hearth_cap *caps_heap_;
	uint8_t inline_[HEARTH_MSG_INLINE];
	hearth_cap caps_inline_[HEARTH_MSG_INLINE_CAPS];
	char reason_buf_[HEARTH_REASON_TEXT];
} hearth_msg;

/* Wait up to timeout_ns (HEARTH_FOREVER: no limit; 0: poll) for a signal
 * on mailbox mb. The process is suspended, not a thread. Returns 0 and
 * fills *m (release it with hearth_msg_free), HB_ETIMEDOUT, or an error
 * (HB_ELIMIT: too many signals held, HB_ENOMEM). */
int hearth_recv(uint32_t mb, int64_t timeout_ns, hearth_msg *m);

/* A signal on mb if one is queued, else HB_EAGAIN. */
int hearth_try_recv(uint32_t mb, hearth_msg *m);

/* Wait on the n mailboxes listed in mbs; m->index says which one. */
int hearth_poll(const uint32_t *mbs, uint32_t n, int64_t timeout_ns,
		hearth_msg *m);

/* Take capability i out of m: the caller now owns its reference (and must
 * unref it some day). Returns HEARTH_CAP_NONE if i is out of range or the
 * capability was not imported or already taken. */
hearth_cap hearth_msg_take_cap(hearth_msg *m, uint32_t i);

/* Capability i of m without taking it (valid until hearth_msg_free), or
 * HEARTH_CAP_NONE. */
hearth_cap hearth_msg_cap(const hearth_msg *m, uint32_t i);

/* A MessagePack reader over m's bytes. */
void hearth_msg_reader(const hearth_msg *m, hb_mp_reader *r);

/* Release m: its memory, and the references of the capabilities it still
 * holds. Safe on a zeroed or already freed message. */
void hearth_msg_free(hearth_msg *m);

/* ---------------------------------------------------------------------
 * Request / response. A request's first capability is the reply address;
 * replies are MessagePack ["ok", ...] or ["err", code, text].
 * --------------------------------------------------------------------- */

/* Send a request to service and wait for its reply: a fresh mailbox takes
 * the reply (its SEND capability goes first, before caps), and the service
 * is monitored (if this handle may) so that its death ends the wait with
 * HB_EDEAD instead of the timeout. Returns 0 with *reply filled (release
 * it with hearth_msg_free), HB_ETIMEDOUT, HB_EDEAD, or a send error. A
 * late reply is dropped with the mailbox. */
int hearth_request(hearth_cap service, const void *req, size_t len,
		   const hearth_cap *caps, uint32_t ncaps, int64_t timeout_ns,
		   hearth_msg *reply);
int hearth_request_buf(hearth_cap service, const hb_buf *req,
		       const hearth_cap *caps, uint32_t ncaps,
		       int64_t timeout_ns, hearth_msg *reply);

/* Decode a reply's status. ["ok", x...] returns 0 and leaves *rest
 * positioned after "ok" with *nrest items left (rest, nrest may be NULL);
 * ["err", code, text] returns code (< 0) and copies text into why (if not
 * NULL, whylen bytes, NUL-terminated); anything else is HB_EPROTO. */
int hearth_reply_status(const hearth_msg *reply, hb_mp_reader *rest,
			uint32_t *nrest, char *why, size_t whylen);

/* Service side: answer the request req (to its first capability). */
int hearth_reply(const hearth_msg *req, const void *data, size_t len,
		 const hearth_cap *caps, uint32_t ncaps);
int hearth_reply_buf(const hearth_msg *req, const hb_buf *b,
		     const hearth_cap *caps, uint32_t ncaps);
/* ["ok"] with caps. */
int hearth_reply_ok(const hearth_msg *req, const hearth_cap *caps,
		    uint32_t ncaps);
/* ["err", code, text]; text NULL: hb_strerror(code). */
int hearth_reply_err(const hearth_msg *req, int code, const char *text);

/* Start a reply ["ok", ...] of 1 + n items in b (b initialised by the
 * caller): the caller then puts the n values. */
void hearth_put_ok(hb_buf *b, uint32_t n);

/* ---------------------------------------------------------------------
 * Registries: processes answering ["get", name], ["register", name] and
 * ["list"] (docs/runtime.md). Handle 0 is this process's registry.
 * Requests time out after HEARTH_DEFAULT_TIMEOUT.
 * --------------------------------------------------------------------- */

/* OUT: *out, the service registered as name (SEND|MONITOR at most).
 * HB_ENOENT if there is none. */
int hearth_registry_get(hearth_cap reg, const char *name, hearth_cap *out);

/* Register service under name (the registry takes its own reference).
 * HB_EEXIST for a taken name, HB_EPERM from an immutable registry. */
int hearth_registry_register(hearth_cap reg, const char *name,
			     hearth_cap service);

/* Names in a registry, sorted; release with hearth_names_free. */
typedef struct hearth_names {
	char **names;
	uint32_t n;
} hearth_names;
int hearth_registry_list(hearth_cap reg, hearth_names *out);
void hearth_names_free(hearth_names *n);

/* Decode a registry request (for a process that serves names). OUT: *op
 * ("get", "register", "list": 0, 1, 2), *name / *len (not NUL-terminated;
 * NULL for list). HB_EMALFORMED for anything else. */
enum { HEARTH_REG_GET, HEARTH_REG_REGISTER, HEARTH_REG_LIST };
int hearth_registry_parse(const hearth_msg *req, int *op, const char **name,
			  uint32_t *len);

/* ---------------------------------------------------------------------
 * Lumps: immutable blobs named by the BLAKE2b-256 of their bytes. Code is
 * a lump: a process is spawned from one.
 * --------------------------------------------------------------------- */
typedef int32_t hearth_lump;
typedef struct hearth_id {
	uint8_t b[32];
} hearth_id;
#define HEARTH_LUMP_HEX 65 /* 64 hex digits and a NUL */

/* The id of the lump this module was loaded from. */
int hearth_lump_this(hearth_id *id);
/* Store len bytes as a lump. OUT: *id; *out a handle (out may be NULL:
 * the handle is released at once, the lump stays stored). */
int hearth_lump_new(const void *data, size_t len, hearth_id *id,
		    hearth_lump *out);
/* A handle to the lump with this id, or HB_ENOENT. */
int hearth_lump_load(const hearth_id *id, hearth_lump *out);
/* Its length in bytes (>= 0) or an error. */
int hearth_lump_len(hearth_lump l);
/* Copy up to len bytes from offset off; returns the count copied. */
int hearth_lump_read(hearth_lump l, size_t off, void *dst, size_t len);
int hearth_lump_id(hearth_lump l, hearth_id *id);
int hearth_lump_free(hearth_lump l);
void hearth_lump_id_hex(const hearth_id *id, char out[HEARTH_LUMP_HEX]);
/* Parse 64 hex digits; HB_EINVAL otherwise. */
int hearth_lump_id_parse(const char *hex, size_t len, hearth_id *out);

/* ---------------------------------------------------------------------
 * Spawning, through the spawner service ("wasm-spawner" in the registry).
 * --------------------------------------------------------------------- */
typedef struct hearth_limits {
	uint32_t memory_pages;	 /* 64 KiB pages of linear memory */
	uint32_t fuel_per_slice; /* fuel of one scheduler slice */
	uint64_t fuel_total;	 /* fuel for the whole life (0: none) */
	uint32_t queue_msgs;	 /* messages queued to it */
	uint32_t queue_bytes;	 /* bytes queued to it */
	uint32_t handles;	 /* capability table entries */
} hearth_limits;		 /* 0 fields: the host's defaults */

typedef struct hearth_spawn_opts {
	const hearth_id *lump;	     /* NULL: this module's own lump */
	const char *entry;	     /* exported () -> () function */
	const char *name;	     /* process name; NULL: the entry's */
	bool link;		     /* link the child to this process */
	const hearth_cap *caps;	     /* the child's initial capabilities, */
	uint32_t ncaps;		     /* at handles 0..ncaps-1 */
	const hearth_limits *limits; /* NULL: defaults */
	int64_t timeout_ns;	     /* 0: HEARTH_DEFAULT_TIMEOUT */
} hearth_spawn_opts;

/* The spawner service, from registry reg. OUT: *out. */
int hearth_spawner(hearth_cap reg, hearth_cap *out);

/* Spawn a process. OUT: *child, a capability with every permission.
 * Errors are the spawner's (HB_ENOENT for a missing lump or entry point,
 * HB_EMALFORMED / HB_EINVALID for a bad module, HB_EUNLINKABLE, HB_ELIMIT)
 * with its text copied into why (whylen bytes; why may be NULL). */
int hearth_spawn(hearth_cap spawner, const hearth_spawn_opts *o,
		 hearth_cap *child, char *why, size_t whylen);

/* ---------------------------------------------------------------------
 * Supervisors: a process that starts children, watches them and restarts
 * them by a strategy, within a restart intensity (at most max_restarts in
 * period_ns; one more and the supervisor stops its children and exits
 * abnormally, so that its own supervisor sees it fail). Children are
 * linked to it: if it dies they die.
 *
 * While it runs, the supervisor answers on its mailbox 0:
 *   ["get", id]  -> ["ok"] caps [child, SEND|MONITOR]   (registry protocol;
 *                   other names are looked up in spec->registry)
 *   ["list"]     -> ["ok", [id...]]                     (running children)
 *   ["which"]    -> ["ok", [[id, running, restarts]...]]
 *   ["stop"]     -> ["ok"], then it stops its children and returns
 * --------------------------------------------------------------------- */
enum {
	HEARTH_ONE_FOR_ONE = 0, /* restart the child that died */
	HEARTH_ONE_FOR_ALL = 1, /* stop every other, restart them all */
	HEARTH_REST_FOR_ONE = 2 /* restart it and those started after it */
};
enum {
	HEARTH_PERMANENT = 0, /* always restarted */
	HEARTH_TRANSIENT = 1, /* restarted after an abnormal exit only */
	HEARTH_TEMPORARY = 2  /* never restarted */
};

typedef struct hearth_child_spec {
	const char *id;		 /* unique among the children */
	hearth_spawn_opts spawn; /* how to start it (link is forced on) */
	int restart;		 /* HEARTH_PERMANENT ... */
} hearth_child_spec;

typedef struct hearth_sup_spec {
	int strategy;	       /* HEARTH_ONE_FOR_ONE ... */
	uint32_t max_restarts; /* restart intensity: at most this many */
	int64_t period_ns;     /* restarts within this period */
	hearth_cap spawner;    /* from hearth_spawner */
	/* Where "get" finds names that are not children's, so that children
	 * given the supervisor as their registry still find the spawner and
	 * the host's services: 0 (the default) is this process's registry,
	 * HEARTH_CAP_NONE none. */
	hearth_cap registry;
	const hearth_child_spec *children;
	uint32_t nchildren;
	int64_t shutdown_ns; /* how long to wait for killed children's
				exits (0: 5 s) */
	/* Optional: after child i (re)started (child: its handle, owned by
	 * the supervisor) and after it stopped (child: HEARTH_CAP_NONE). */
	void (*on_child)(void *ud, uint32_t i, hearth_cap child);
	void *ud;
} hearth_sup_spec;

/* Run a supervisor in this process until it is told to stop (returns 0
 * after stopping its children) or its restart intensity is exceeded
 * (returns HB_ELIMIT after stopping them), or a starting child fails past
 * the intensity, or a linked non-child (e.g. its parent) exits abnormally
 * (returns HB_EDEAD). Traps exits while it runs. Errors in the spec:
 * HB_EINVAL. */
int hearth_supervise(const hearth_sup_spec *s);

/* ---------------------------------------------------------------------
 * Time, logging, metadata, randomness, exit
 * --------------------------------------------------------------------- */
int64_t hearth_now(void);  /* monotonic, ns */
int64_t hearth_wall(void); /* Unix epoch, ns */
/* Suspend the process for ns (messages wait). */
int hearth_sleep(int64_t ns);
/* Send as hearth_send, ns from now. OUT: *id (may be NULL). */
int hearth_send_after(hearth_cap c, int64_t ns, const void *data, size_t len,
		      const hearth_cap *caps, uint32_t ncaps, uint64_t *id);
/* HB_ENOENT if it already fired or was cancelled. */
int hearth_timer_cancel(uint64_t id);

/* A line into this process's log ring (lines longer than 511 bytes are
 * cut). */
void hearth_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void hearth_vlog(int level, const char *fmt, va_list ap);
void hearth_log_str(int level, const char *s, size_t len);
#define hearth_error(...) hearth_log(HEARTH_LOG_ERROR, __VA_ARGS__)
#define hearth_warn(...)  hearth_log(HEARTH_LOG_WARN, __VA_ARGS__)
#define hearth_info(...)  hearth_log(HEARTH_LOG_INFO, __VA_ARGS__)
#define hearth_debug(...) hearth_log(HEARTH_LOG_DEBUG, __VA_ARGS__)

/* Process metadata (UTF-8; long values are cut by the host). */
int hearth_set_name(const char *s);
int hearth_set_description(const char *s);
int hearth_set_authors(const char *s);
int hearth_set_license(const char *s);

/* Cryptographically secure random bytes. */
int hearth_random(void *buf, size_t len);
uint64_t hearth_random_u64(void);

/* End this process now with exit code code — HEARTH_EXIT_NORMAL,
 * HEARTH_EXIT_ERROR or >= HEARTH_EXIT_USER (other codes trap) — and a
 * reason text (may be NULL; cut to 255 bytes) that its monitors and links
 * see. Does not return. */
_Noreturn void hearth_exit(int code, const char *text);

/* Log an error and exit with reason error and that text. */
_Noreturn void hearth_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#ifdef __cplusplus
}
#endif
#endif
