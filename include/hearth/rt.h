/* rt.h — Hearth's process runtime: capability-secured BEAM-like processes,
 * mailboxes, an M:N work-stealing scheduler, timers, registries, plugins.
 * Design, threading rules and message formats: docs/runtime.md. */
#ifndef HEARTH_RT_H
#define HEARTH_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hearth/buf.h"
#include "hearth/limits.h"

/* ---------------------------------------------------------------------
 * Basic types
 *
 * hr_rt    the runtime (opaque; one per program, owned by the host).
 * hr_ctx   a process, as seen by the code it runs (opaque). A ctx is only
 *          valid on the scheduler thread running that process, for the
 *          duration of a callback (init, on_message, run, terminate).
 * hr_handle  a small integer naming an entry in the capability table of
 *          the process (or of the host) that holds it; like a file
 *          descriptor, it means nothing to anyone else. >= 0 when valid.
 * hr_pid   (generation << 32 | slot): a process identity for the host and
 *          the console. It grants nothing; it only names a process.
 * --------------------------------------------------------------------- */
typedef struct hr_rt hr_rt;
typedef struct hr_ctx hr_ctx;
typedef int32_t hr_handle;
typedef uint64_t hr_pid;

#define HR_HANDLE_NONE ((hr_handle)-1)

/* Permissions carried by a capability. */
enum {
	HR_PERM_SEND = 1u << 0,	   /* send messages to the target mailbox */
	HR_PERM_MONITOR = 1u << 1, /* monitor the target process */
	HR_PERM_KILL = 1u << 2,	   /* kill the target process */
	HR_PERM_LINK = 1u << 3,	   /* link to the target process */
	HR_PERM_ALL = 0xf
};

/* Exit reason codes. 0 is a normal exit; every other value is abnormal
 * (it kills linked processes that do not trap exits). Codes >= 64 are free
 * for users (hr_exit). */
enum {
	HR_EXIT_NORMAL = 0,
	HR_EXIT_KILLED = 1,   /* killed through a KILL capability or the host */
	HR_EXIT_TRAP = 2,     /* the process trapped; the text says why */
	HR_EXIT_OOM = 3,      /* out of memory */
	HR_EXIT_ERROR = 4,    /* init or run failed; the text says why */
	HR_EXIT_SHUTDOWN = 5, /* the runtime is shutting down */
	HR_EXIT_LIMIT = 6,    /* a resource limit was exceeded */
	HR_EXIT_NOPROC = 7,   /* DOWN only: the target was already gone when
			       * the monitor was set */
	HR_EXIT_USER = 64     /* first code free for applications */
};

/* An exit reason: a code and an optional NUL-terminated text (at most
 * HR_MAX_REASON_TEXT bytes are kept). */
typedef struct hr_reason {
	int32_t code;
	const char *text; /* may be NULL */
} hr_reason;

/* Name of a built-in exit code ("normal", "killed", ...) or "user". */
const char *hr_exit_name(int32_t code);

/* Per-process limits. A zero field means "the runtime default"; a value
 * above the runtime's maximum is refused with HB_ELIMIT at spawn. */
typedef struct hr_limits {
	uint32_t msg_bytes;   /* largest message payload it may send */
	uint32_t msg_caps;    /* most capabilities per message it may send */
	uint32_t mailboxes;   /* mailboxes it may own, mailbox 0 included */
	uint32_t handles;     /* capability table entries */
	uint32_t queue_msgs;  /* messages queued in all its mailboxes */
	uint32_t queue_bytes; /* payload bytes queued in all its mailboxes */
	uint32_t monitors;    /* monitors it holds on others */
	uint32_t links;	      /* links it holds */
	uint32_t timers;      /* pending timers it owns */
	uint32_t log_lines;   /* entries kept in its log ring */
} hr_limits;

/* Allocator hook, realloc-like: fn(ud, NULL, n) allocates, fn(ud, p, 0)
 * frees (returns NULL), fn(ud, p, n) resizes. Returns NULL on failure.
 * Called from any thread; must be thread-safe. */
typedef struct hr_alloc {
	void *(*fn)(void *ud, void *ptr, size_t size);
	void *ud;
} hr_alloc;

/* Runtime configuration; hr_config_init fills the defaults. */
typedef struct hr_config {
	unsigned schedulers; /* scheduler threads; 0 = one per online CPU */
	uint32_t budget;     /* reductions per slice before preemption */
	uint32_t spin_us;    /* how long an idle scheduler spins before it
			      * sleeps */
	uint32_t max_procs;  /* processes alive at once (host included) */
	hr_limits defaults;  /* limits of a process that asks for none */
	hr_limits max;	     /* host-wide maxima for any process */
	hr_alloc alloc;	     /* fn NULL: libc realloc/free */
} hr_config;

void hr_config_init(hr_config *cfg);

/* ---------------------------------------------------------------------
 * Messages
 * --------------------------------------------------------------------- */
typedef enum hr_msg_kind {
	HR_MSG_DATA = 0, /* sent by a process or the host */
	HR_MSG_DOWN = 1, /* a monitored process died */
	HR_MSG_EXIT = 2	 /* a linked process died (trap_exits set) */
} hr_msg_kind;

/* A received message. Bytes and the caps array stay valid until the
 * message is released (hr_msg_free, or the return of on_message). The
 * capabilities it carried were imported into the receiver's table: each
 * caps[i] is a handle holding one more reference, or HR_HANDLE_NONE when
 * it could not be imported (then err says why: HB_ELIMIT for a full
 * table, HB_ENOMEM). DOWN and EXIT messages carry, in caps[0], a
 * zero-permission handle to the process that died (compare it with
 * hr_same_target), its reason, and for DOWN the monitor reference; their
 * bytes are the MessagePack described in docs/runtime.md. */
typedef struct hr_msg {
	hr_msg_kind kind;
	uint32_t mailbox; /* which of the receiver's mailboxes it came to */
	const uint8_t *data;
	size_t len;
	const hr_handle *caps;
	uint32_t ncaps;
	int err;	  /* 0, or why some caps are HR_HANDLE_NONE */
	uint64_t ref;	  /* DOWN: the monitor reference */
	hr_reason reason; /* DOWN, EXIT: why the process died */
	void *node_;	  /* internal */
} hr_msg;

/* ---------------------------------------------------------------------
 * Process kinds (a vtable). A kind is native-callback (on_message set) or
 * resumable (run set), never both. Hooks are called on the scheduler
 * thread that runs the process, one at a time.
 * --------------------------------------------------------------------- */

/* What a resumable process's run returns. */
typedef enum hr_run {
	HR_RUN_YIELD = 0, /* budget spent (or courtesy): run me again soon */
	HR_RUN_WAIT = 1,  /* park me until a message or the timeout */
	HR_RUN_EXIT = 2	  /* I am done (reason from hr_exit, else normal) */
} hr_run;

/* A slice, the in/out record of one call of run. */
typedef struct hr_slice {
	/* IN */
	uint32_t budget; /* reductions this slice may use */
	bool timed_out;	 /* the previous HR_RUN_WAIT ended by its timeout */
	/* OUT */
	uint32_t used; /* reductions used (the runtime caps it at budget) */
	/* OUT for HR_RUN_WAIT: wake when one of these mailboxes has a
	 * message (wait_any: any of them), or when wait_timeout_ns passes
	 * (< 0: no timeout). No mailbox and no timeout: park until killed.
	 * The array is read before run returns to the runtime's caller. */
	const uint32_t *wait_mailboxes;
	uint32_t wait_n;
	bool wait_any;
	int64_t wait_timeout_ns;
} hr_slice;

/* Interception (optional) — lets a kind stand for something else, e.g. a
 * remote proxy forwarding to a process on another peer. Called on the
 * thread of whoever acts on the process, with the target's lock held: it
 * must be quick and must not call the runtime for that process. Return
 * HR_PASS to let the runtime proceed, HR_CONSUMED to stop it (DELIVER:
 * the message is dropped as delivered; KILL: the process is not killed). */
typedef enum hr_icpt_op {
	HR_ICPT_DELIVER = 0, /* a message is about to be queued */
	HR_ICPT_KILL = 1,    /* someone killed it through a capability */
	HR_ICPT_MONITOR = 2, /* someone started to monitor it */
	HR_ICPT_LINK = 3     /* someone linked to it */
} hr_icpt_op;
enum { HR_PASS = 0, HR_CONSUMED = 1 };

typedef struct hr_icpt {
	hr_icpt_op op;
	uint32_t mailbox;    /* DELIVER: target mailbox */
	const uint8_t *data; /* DELIVER: payload */
	size_t len;
	uint32_t ncaps; /* DELIVER: capabilities carried */
	hr_pid from;	/* the acting process (0: the host) */
} hr_icpt;

typedef struct hr_kind {
	const char *name; /* shown by the console, e.g. "native", "wasm" */
	/* Optional. Runs first, in the new process. Non-zero: the process
	 * exits with HR_EXIT_ERROR. */
	int (*init)(hr_ctx *cx, void *state);
	/* Native callback kind: one call per message (one reduction). */
	void (*on_message)(hr_ctx *cx, void *state, const hr_msg *m);
	/* Resumable kind: run until budget, wait or exit. */
	hr_run (*run)(hr_ctx *cx, void *state, hr_slice *sl);
	/* Optional. Called exactly once for every spawned process, before
	 * it is marked dead (it may still send); owns freeing state. */
	void (*terminate)(hr_ctx *cx, void *state, const hr_reason *why);
	/* Optional interception hook, see above. */
	int (*intercept)(void *state, const hr_icpt *op);
} hr_kind;

/* How to spawn. caps are handles of the spawner that the child receives,
 * in order, at handles 0..ncaps-1 (with their permissions; they must name
 * distinct (target, permissions) pairs). */
typedef struct hr_spawn_opts {
	const hr_kind *kind;
	void *state;	  /* owned by the process once spawned */
	const char *name; /* metadata; truncated to HR_MAX_NAME-1 */
	const hr_handle *caps;
	uint32_t ncaps;
	const hr_limits *limits; /* NULL: defaults */
	bool link;		 /* link spawner and child (not for the host) */
	/* With link: link the child with the process this handle of the
	 * spawner names (it needs LINK) instead of with the spawner; the
	 * host may use it too. NULL: the spawner. */
	const hr_handle *link_with;
	/* Non-NULL: the spawner monitors the child from before it runs
	 * (DOWN to the spawner's mailbox monitor_mailbox). OUT: the ref. */
	uint64_t *monitor;
	uint32_t monitor_mailbox;
} hr_spawn_opts;

/* ---------------------------------------------------------------------
 * The in-process API: called by a running process with its own ctx, on
 * its scheduler thread. Errors are HB_E* codes (hearth/error.h):
 * HB_EBADH unknown handle, HB_EPERM missing permission, HB_EDEAD target
 * process dead, HB_ECLOSED target mailbox destroyed, HB_EFULL target
 * queue full, HB_ETOOBIG / HB_ELIMIT over a limit, HB_ENOMEM.
 * --------------------------------------------------------------------- */

/* Send len bytes and the capabilities named by caps to the mailbox that h
 * names (needs SEND). The bytes are copied; the sender keeps its handles.
 * A full target fails with HB_EFULL and changes nothing. */
int hr_send(hr_ctx *cx, hr_handle h, const void *data, size_t len,
	    const hr_handle *caps, uint32_t ncaps);

/* Send to the reply address of m (its first capability). */
int hr_reply(hr_ctx *cx, const hr_msg *m, const void *data, size_t len,
	     const hr_handle *caps, uint32_t ncaps);

/* Try to receive from the listed mailboxes (n == 0: any mailbox), in list
 * order, FIFO within a mailbox. Returns 0 and fills *out, or HB_EAGAIN
 * when none has a message. Release *out with hr_msg_free. */
int hr_recv(hr_ctx *cx, const uint32_t *mailboxes, uint32_t n, hr_msg *out);
void hr_msg_free(hr_ctx *cx, hr_msg *m);

/* Mailboxes. OUT: *id, a new mailbox id (never 0). Destroying drops what
 * is queued in it; mailbox 0 cannot be destroyed (HB_EPERM). */
int hr_mailbox_new(hr_ctx *cx, uint32_t *id);
int hr_mailbox_free(hr_ctx *cx, uint32_t id);
/* A capability with perms to one of its own mailboxes. OUT: *h. */
int hr_mailbox_cap(hr_ctx *cx, uint32_t id, unsigned perms, hr_handle *h);

/* Capability table. perms: the permission bits or an error. demote: a
 * handle with a subset of the rights (HB_EPERM if not a subset); OUT: *out,
 * holding one more reference. inc/dec: reference counts; the entry is
 * freed when its count drops to 0. same_target: both name the same
 * mailbox of the same process incarnation (1), or not (0), or an error. */
int hr_perms(hr_ctx *cx, hr_handle h);
int hr_demote(hr_ctx *cx, hr_handle h, unsigned perms, hr_handle *out);
int hr_ref_inc(hr_ctx *cx, hr_handle h);
int hr_ref_dec(hr_ctx *cx, hr_handle h);
int hr_same_target(hr_ctx *cx, hr_handle a, hr_handle b);
/* Process id of the target of h (needs no permission; names only). */
int hr_target_pid(hr_ctx *cx, hr_handle h, hr_pid *out);

/* Kill the process h names (needs KILL): it exits with HR_EXIT_KILLED;
 * it cannot trap this. Asynchronous: it takes effect before the target
 * runs again (a running target finishes its current message or slice). */
int hr_kill(hr_ctx *cx, hr_handle h);

/* Monitor the process h names (needs MONITOR). When it dies — at once if
 * it is already dead — a DOWN message arrives on mailbox mb of the
 * caller. OUT: *ref. After hr_demonitor(ref) returns, no DOWN for it is
 * received (one already queued is discarded). */
int hr_monitor(hr_ctx *cx, hr_handle h, uint32_t mb, uint64_t *ref);
int hr_demonitor(hr_ctx *cx, uint64_t ref);

/* Link with the process h names (needs LINK); HB_EDEAD if it is dead.
 * When either dies abnormally the other is killed with the same reason,
 * unless it traps exits: then it receives an EXIT message on mailbox 0
 * (for normal exits too). Linking twice is one link. */
int hr_link(hr_ctx *cx, hr_handle h);
int hr_unlink(hr_ctx *cx, hr_handle h);
/* Set trap_exits; returns the previous value. */
bool hr_trap_exits(hr_ctx *cx, bool on);

/* Spawn a child. OUT: *child (may be NULL), a handle with every
 * permission to the child's mailbox 0. */
int hr_spawn(hr_ctx *cx, const hr_spawn_opts *o, hr_handle *child);

/* Identity and metadata. */
hr_pid hr_self(hr_ctx *cx);
hr_rt *hr_ctx_rt(hr_ctx *cx);
void *hr_state(hr_ctx *cx);
void hr_set_state(hr_ctx *cx, void *state);
int hr_set_name(hr_ctx *cx, const char *name);
const char *hr_name(hr_ctx *cx);

/* Exit with a reason (text copied). A native callback's process exits
 * when the callback returns; a resumable one when run returns (it should
 * return HR_RUN_EXIT). The first call wins. */
void hr_exit(hr_ctx *cx, int32_t code, const char *text);

/* Charge extra reductions for costly work done in a callback. */
void hr_charge(hr_ctx *cx, uint32_t reductions);

/* Timers. send_after: send like hr_send (needs SEND) after delay_ns; the
 * bytes and capabilities are captured now. The delivery ignores the
 * target's queue bound (the sender's timer count bounds it). OUT: *id.
 * cancel: HB_ENOENT when it already fired or was cancelled. A process's
 * timers are cancelled when it dies. sleep (native kind): no message is
 * delivered to it for delay_ns. */
int hr_send_after(hr_ctx *cx, uint64_t delay_ns, hr_handle h, const void *data,
		  size_t len, const hr_handle *caps, uint32_t ncaps,
		  uint64_t *id);
int hr_timer_cancel(hr_ctx *cx, uint64_t id);
int hr_sleep(hr_ctx *cx, uint64_t delay_ns);

/* Log a line (level: 0 error .. 4 trace) into the process's bounded
 * ring, which the console reads (hr_rt_log). */
enum { HR_LOG_ERROR, HR_LOG_WARN, HR_LOG_INFO, HR_LOG_DEBUG, HR_LOG_TRACE };
void hr_log(hr_ctx *cx, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Monotonic time in nanoseconds (the clock timers use). */
uint64_t hr_now_ns(void);

/* ---------------------------------------------------------------------
 * The runtime and the host. These may be called from any thread that is
 * not a scheduler thread (the main thread, libuv I/O threads of plugins);
 * they are thread-safe and never stop the schedulers. The host is a
 * pseudo-process (pid slot 0) with its own capability table and
 * mailboxes: hr_host_* act on the host's handles.
 * --------------------------------------------------------------------- */

/* Create and start the runtime (scheduler threads running). OUT: *out.
 * Errors: HB_EINVAL / HB_ELIMIT for a bad config, HB_ENOMEM, HB_EAGAIN
 * when threads cannot be created. */
int hr_rt_new(const hr_config *cfg, hr_rt **out);

/* Stop everything: new spawns are refused (HB_ECLOSED), every process is
 * killed with HR_EXIT_SHUTDOWN (terminate hooks run, monitors get their
 * DOWN, host monitors included), plugins are shut down (reverse order),
 * the schedulers stop. The host's mailboxes stay readable until
 * hr_rt_free. Not from a scheduler thread (HB_EBUSY). Idempotent. */
int hr_rt_shutdown(hr_rt *rt);

/* Shut down if needed and free everything; NULL is a no-op. */
void hr_rt_free(hr_rt *rt);

unsigned hr_rt_schedulers(const hr_rt *rt);
/* Number of live processes, the host excluded. */
uint32_t hr_rt_nprocs(hr_rt *rt);

/* Host-side operations, same contracts as the in-process ones. */
int hr_host_spawn(hr_rt *rt, const hr_spawn_opts *o, hr_handle *child);
int hr_host_send(hr_rt *rt, hr_handle h, const void *data, size_t len,
		 const hr_handle *caps, uint32_t ncaps);
int hr_host_kill(hr_rt *rt, hr_handle h);
int hr_host_monitor(hr_rt *rt, hr_handle h, uint32_t mb, uint64_t *ref);
int hr_host_demonitor(hr_rt *rt, uint64_t ref);
int hr_host_perms(hr_rt *rt, hr_handle h);
int hr_host_demote(hr_rt *rt, hr_handle h, unsigned perms, hr_handle *out);
int hr_host_ref_inc(hr_rt *rt, hr_handle h);
int hr_host_ref_dec(hr_rt *rt, hr_handle h);
int hr_host_target_pid(hr_rt *rt, hr_handle h, hr_pid *out);
int hr_host_same_target(hr_rt *rt, hr_handle a, hr_handle b);
int hr_host_mailbox_new(hr_rt *rt, uint32_t *id);
int hr_host_mailbox_free(hr_rt *rt, uint32_t id);
int hr_host_mailbox_cap(hr_rt *rt, uint32_t id, unsigned perms, hr_handle *h);
/* Receive on host mailbox mb (UINT32_MAX: any), waiting up to
 * timeout_ns (< 0: forever). HB_ETIMEDOUT when nothing came. Release
 * with hr_host_msg_free. */
int hr_host_recv(hr_rt *rt, uint32_t mb, int64_t timeout_ns, hr_msg *out);
void hr_host_msg_free(hr_rt *rt, hr_msg *m);

/* Kill a process by pid (no capability needed: the host owns the
 * machine). HB_EDEAD if no such live process. */
int hr_rt_kill_pid(hr_rt *rt, hr_pid pid, int32_t code, const char *text);

/* Wake process pid from any thread, without a capability: for a plugin's
 * own thread that finished work the process waits on (an I/O job). A
 * waiting process runs again as if its wait had ended with nothing new
 * (timed_out false); one that is not waiting returns from its next wait
 * at once, so a poke between "not done yet" and the wait is not lost. A
 * poke carries and grants nothing: the kind must recheck what it waits
 * for, and may be poked for nothing. A native (on_message) process waits
 * for mail only: a poke just runs its loop once more (and ends an
 * hr_sleep early). HB_EPERM for the host; HB_EDEAD if no such live
 * process. */
int hr_poke(hr_rt *rt, hr_pid pid);

/* Process states for the console. */
typedef enum hr_pstate {
	HR_PS_FREE = 0,
	HR_PS_RUNNABLE,
	HR_PS_RUNNING,
	HR_PS_WAITING,
	HR_PS_EXITING,
	HR_PS_HOST
} hr_pstate;
const char *hr_pstate_name(hr_pstate s);

/* A snapshot of one process, for the console. */
typedef struct hr_proc_info {
	hr_pid pid;
	hr_pid parent;
	char name[HR_MAX_NAME];
	const char *kind;
	hr_pstate state;
	bool trap_exits;
	uint32_t mailboxes;
	uint32_t handles;
	uint32_t monitors; /* monitors held on this process */
	uint32_t links;
	uint64_t queued_msgs;
	uint64_t queued_bytes;
	uint64_t hwm_msgs; /* most messages ever queued at once */
	uint64_t sent;
	uint64_t received;
	uint64_t reductions;
} hr_proc_info;

/* Snapshot the live processes (host included, as slot 0) into out[0..max).
 * OUT: *n, how many exist (may exceed max: call again with more room). */
int hr_rt_procs(hr_rt *rt, hr_proc_info *out, size_t max, size_t *n);
/* One process by pid; HB_EDEAD if it is not alive. */
int hr_rt_proc_info(hr_rt *rt, hr_pid pid, hr_proc_info *out);

/* Read a process's log ring, oldest first: cb(ud, level, t_ns, text)
 * for each entry. HB_EDEAD if the process is not alive. */
int hr_rt_log(hr_rt *rt, hr_pid pid,
	      void (*cb)(void *ud, int level, uint64_t t_ns, const char *text),
	      void *ud);

/* ---------------------------------------------------------------------
 * Registries: processes answering get / register / list (MessagePack,
 * docs/runtime.md). The first capability of a request is the reply
 * address. An immutable registry refuses register with HB_EPERM. get
 * answers with the entry demoted to SEND|MONITOR (and whatever of those
 * it had).
 * --------------------------------------------------------------------- */
typedef struct hr_registry_entry {
	const char *name; /* at most HR_MAX_SERVICE_NAME bytes */
	hr_handle cap;	  /* a handle of the spawner */
} hr_registry_entry;

/* Spawn a registry holding entries. OUT: *reg, a handle with every
 * permission to it. */
int hr_registry_spawn(hr_ctx *cx, const hr_registry_entry *e, uint32_t n,
		      bool mutable_, hr_handle *reg);
int hr_host_registry_spawn(hr_rt *rt, const hr_registry_entry *e, uint32_t n,
			   bool mutable_, hr_handle *reg);

/* Request encoders (append to b; check b->err). */
void hr_registry_put_get(hb_buf *b, const char *name);
void hr_registry_put_register(hb_buf *b, const char *name);
void hr_registry_put_list(hb_buf *b);

/* Decode a registry reply: returns 0 for ["ok", ...] or the error code
 * it carried (or HB_EMALFORMED). For list, OUT: *names points at the
 * array's first item inside data and *count is its length (walk it with
 * an hb_mp_reader over [*names, data+len)). */
int hr_registry_reply(const uint8_t *data, size_t len, const uint8_t **names,
		      uint32_t *count);

/* Reply helpers for services: ["ok"] and ["err", code, text]. */
int hr_reply_ok(hr_ctx *cx, const hr_msg *m, const hr_handle *caps,
		uint32_t ncaps);
int hr_reply_err(hr_ctx *cx, const hr_msg *m, int err);

/* ---------------------------------------------------------------------
 * Plugins: how later subsystems (Wasm, lumps, network, IPC, renderer,
 * terminal) join the runtime. hr_plugin_add before hr_rt_boot; boot runs
 * every init in order (each spawns its services and registers them), then
 * builds the host registry (immutable) from every registered service.
 * (Asset loaders are C functions registered in the asset cache,
 * hearth/lump.h, not processes.) Shutdown hooks run in reverse order from
 * hr_rt_shutdown, after every process has exited.
 * --------------------------------------------------------------------- */
typedef struct hr_plugin_ctx hr_plugin_ctx;

typedef struct hr_plugin {
	const char *name;
	int (*init)(hr_plugin_ctx *pc, void *ud); /* non-zero aborts boot */
	void (*shutdown)(hr_rt *rt, void *ud);	  /* optional */
} hr_plugin;

int hr_plugin_add(hr_rt *rt, const hr_plugin *pl, void *ud);
hr_rt *hr_plugin_rt(hr_plugin_ctx *pc);
/* Register a service (a host handle) in the host registry under name;
 * the registry gets its own reference. HB_EEXIST for a taken name. */
int hr_plugin_service(hr_plugin_ctx *pc, const char *name, hr_handle h);

/* Run the plugins' init hooks and build the host registry. OUT: *reg, a
 * host handle to it (SEND|MONITOR). HB_EEXIST if already booted; a failing
 * init's error is returned (the runtime should then be freed). */
int hr_rt_boot(hr_rt *rt, hr_handle *reg);
/* The host registry's host handle after boot (HB_ENOENT before). */
int hr_rt_registry(hr_rt *rt, hr_handle *reg);

#endif
