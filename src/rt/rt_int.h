/* rt_int.h — structures only the runtime's files touch: processes, nodes,
 * capability tables, schedulers, timers. Thread-safety rules are stated at
 * each struct; docs/runtime.md has the big picture and the lock order. */
#ifndef HEARTH_RT_INT_H
#define HEARTH_RT_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hearth/error.h"
#include "hearth/limits.h"
#include "hearth/rt.h"

typedef struct hr_ctx hr_proc;
typedef struct hr_sched hr_sched;
typedef struct hr_node hr_node;
typedef struct hr_mon hr_mon;
typedef struct hr_timer hr_timer;

#define HR_NONE32      UINT32_MAX

/* ---- spin lock ----
 * A test-and-test-and-set lock with a yielding slow path: critical sections
 * in the runtime are a few dozen instructions, and a lock holder preempted
 * on a loaded machine makes waiters yield rather than burn their slice.
 *
 * Lock order (never take them the other way round):
 *   host_mtx -> process lock -> (second process lock, by slot index, only in
 *   link) -> timer_mtx ; run-queue locks, the slot lock, the depot mutex
 *   and park mutexes are leaves (nothing else is taken while holding them). */
typedef struct hr_lock {
	atomic_uint v;
} hr_lock;

void hr__lock_slow(hr_lock *l);

static inline void hr__lock(hr_lock *l)
{
	if (atomic_exchange_explicit(&l->v, 1, memory_order_acquire) == 0)
		return;
	hr__lock_slow(l);
}

static inline void hr__unlock(hr_lock *l)
{
	atomic_store_explicit(&l->v, 0, memory_order_release);
}

/* Start fetching the line at p for writing (x86's prefetchw asks for it
 * exclusive, so the store that follows does not wait for an upgrade; CPUs
 * without it decode it as a no-op). */
static inline void hr__prefetch_w(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("prefetchw %0" ::"m"(*(const char *)p));
#else
	__builtin_prefetch(p, 1);
#endif
}

static inline void hr__relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* Single-writer counters read by the console: a relaxed load and store
 * (no locked instruction) is enough and keeps TSan informed. */
static inline void hr__bump(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c,
			      atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

/* ---- in-transit capability ----
 * What a message, a timer or a capability table entry says about its
 * target: the process slot (type-stable memory, never freed while the
 * runtime lives), the incarnation's generation, the mailbox index and the
 * mailbox's generation. A target is alive iff p->gen == gen (checked
 * under p->lock for anything that acts on it). */
typedef struct hr_capref {
	hr_proc *p;
	uint32_t gen;
	uint32_t mb;
	uint32_t mbgen;
	uint32_t perms;
} hr_capref;

/* ---- message node ----
 * A message in flight or queued. A node is one of two cached sizes
 * (HR_MSG_OBJ bytes for the common small message, HR_SIG_OBJ for larger
 * ones, monitor records and EXIT signals; header plus inline payload,
 * from a scheduler's cache) or "big" (one allocation of header + payload
 * + caps). Small nodes keep a busy queue's working set in cache. After
 * delivery the caps area is reused in place for the imported handles (a
 * handle is smaller than a capref and handle i is written after capref i
 * is read). A monitor record (hr_mon) is a HR_SIG_OBJ node with extra
 * fields: its DOWN message. */
#define HR_MSG_OBJ 128
#define HR_SIG_OBJ 256
enum { HR_CLS_MSG = 0, HR_CLS_SIG = 1, HR_NCLS = 2 };

enum {
	HR_NF_SMALL = 1u << 0, /* HR_MSG_OBJ, from the caches */
	HR_NF_MON = 1u << 1,   /* is an hr_mon (DOWN message) */
	HR_NF_TIMER = 1u << 2, /* timer delivery: exempt from queue bounds */
	HR_NF_SIG = 1u << 3    /* HR_SIG_OBJ, from the caches */
};

struct hr_node {
	hr_node *next;
	uint8_t *data;
	hr_capref *caps;
	uint32_t len;
	uint16_t ncaps;
	uint8_t kind;  /* hr_msg_kind */
	uint8_t flags; /* HR_NF_* */
	uint32_t mb;   /* target mailbox */
	int32_t reason_code;
	union {
		uint64_t ref;	/* DOWN: monitor reference */
		hr_node *ahead; /* DATA, queued: HR_AHEAD nodes further
				 * down its queue, or NULL */
	};
	const char *reason_text; /* NUL-terminated, inside data, or NULL */
};

#define HR_NODE_INLINE (HR_MSG_OBJ - sizeof(hr_node))
#define HR_SIG_INLINE  (HR_SIG_OBJ - sizeof(hr_node))

/* ---- monitor record ----
 * Lives in the target's monitor list (guarded by the target's lock) while
 * state == HR_MON_LINKED and in the watcher's slot table (owner only).
 * When the target dies it sets state = HR_MON_FIRED under its lock, then
 * delivers the record as a DOWN message (or frees it if the watcher is
 * gone). Two references keep it: the message side (the target's list,
 * then whoever carries or queues the DOWN) and the watcher's slot. A
 * LINKED record is freed by the watcher after unlinking it under the
 * target's lock (both references are its own then); otherwise each side
 * drops its reference and the last frees it. The watcher never reads a
 * record it no longer references. */
enum { HR_MON_LINKED = 1, HR_MON_FIRED = 2 };

struct hr_mon {
	hr_node n;
	hr_mon *tprev, *tnext;
	hr_capref wdest; /* the watcher's mailbox */
	hr_capref tref;	 /* the target, zero permissions (DOWN's caps[0]) */
	uint32_t state;
	atomic_uint refs; /* the message (list/transit/queue) + the slot */
};

#define HR_MON_PAYLOAD (HR_SIG_OBJ - sizeof(hr_mon))

/* Watcher-side monitor slot; ref = (gen << 32) | index. */
typedef struct hr_mslot {
	hr_mon *m; /* NULL when free */
	uint32_t gen;
	uint32_t next_free;
} hr_mslot;

/* ---- capability table ----
 * Owner only (a process's own thread; the host's under host_mtx). Entries
 * are addressed by handle; free entries chain through next_free. The
 * first HR_CTAB_INLINE entries live in the process slot (inl), so a
 * process with few handles allocates nothing for them. Up to
 * HR_CTAB_LINEAR live entries, the one handle per (target, permissions)
 * is found by a scan; past that a hash maps pairs to handles: open
 * addressing, linear probing, backward-shift deletion, load <= 1/2. */
#define HR_CTAB_INLINE 4
#define HR_CTAB_LINEAR 8
typedef struct hr_cent {
	hr_capref c; /* c.p == NULL: free */
	uint32_t refs;
	int32_t next_free;
} hr_cent;

typedef struct hr_ctab {
	hr_cent *e;
	uint32_t cap;	/* entries allocated */
	uint32_t used;	/* entries ever handed out (high water) */
	uint32_t count; /* live entries */
	int32_t free_head;
	int32_t *hash; /* hmask + 1 slots of handle or -1; NULL: scan */
	uint32_t hmask;
	hr_cent *inl; /* the inline entries (e == inl while they do) */
} hr_ctab;

/* ---- mailbox ----
 * Two halves on different cache lines, so that senders pushing on one core
 * and the owner popping on another do not share a line per message.
 * hr_mbox, the shared queue: guarded by the owner's lock (senders push);
 * alive and gen are written only by the owner (under the lock), so the
 * owner may read them without it (it reads its copies in hr_pbox, as
 * reading the senders' lines per message would take them from the
 * senders). hr_pbox, the private queue: owner only; the owner moves the
 * shared queue there in one step under the lock and then pops without it.
 *
 * A receiver following next pointers to nodes written on another core is
 * bound by one cache miss per message, one after the other. So a push also
 * links the data node HR_AHEAD places back in the shared queue to the new
 * one (recent[] holds the last HR_AHEAD pushed since the queue was last
 * emptied: nq counts them), and the receiver prefetches that far ahead
 * while it pops. */
#define HR_AHEAD 8

typedef struct hr_mbox {
	hr_node *head, *tail;
	hr_node *recent[HR_AHEAD]; /* by nq % HR_AHEAD */
	uint32_t gen;
	uint32_t next;	     /* ready list (shared) / free list (dead) */
	uint32_t wait_epoch; /* == owner's wait_epoch: in the wait set */
	uint32_t nq;	     /* messages in the shared queue */
	uint8_t alive;
	uint8_t ready; /* on the shared ready list */
} hr_mbox;

typedef struct hr_pbox {
	hr_node *head, *tail;
	uint32_t next; /* private ready list */
	uint8_t ready; /* on the private ready list */
	uint8_t alive; /* the owner's copy of hr_mbox.alive */
} hr_pbox;

/* Link peer, in both processes' link arrays (each guarded by its lock). */
typedef struct hr_peer {
	hr_proc *p;
	uint32_t gen;
} hr_peer;

/* Log ring entry. */
typedef struct hr_logent {
	uint64_t t_ns;
	int level;
	char *text;
} hr_logent;

/* Timer slot of a process (guarded by the runtime's timer_mtx). */
typedef struct hr_tslot {
	hr_timer *t; /* NULL when free */
	uint32_t gen;
	uint32_t next_free;
} hr_tslot;

/* ---- process ----
 * Slot memory is type-stable: a slot is reused, never freed, so a stale
 * capref can always read p->gen. gen changes (under lock) when the process
 * dies, so a stale reference never reaches the next incarnation.
 *
 * Sections: "lock" fields are guarded by p->lock; "owner" fields are
 * touched only by the thread running the process (for the host: under
 * host_mtx); "timer" fields by rt->timer_mtx; "rq" by the lock of the run
 * queue it sits in. Console counters are atomics written by one side. */
struct hr_ctx {
	/* identity */
	_Atomic uint32_t gen;
	uint32_t index;
	hr_rt *rt;
	hr_lock lock;

	/* lock */
	uint8_t state; /* hr_pstate */
	uint8_t trap_exits;
	uint8_t wait_any;
	uint8_t timed_out;
	uint8_t is_host;
	uint8_t poked; /* hr_poke while not waiting: do not park next */
	int32_t kill_code;
	char *kill_text;
	uint64_t wait_tmr; /* id of the armed wait timer, 0 none */
	uint32_t wait_epoch;
	hr_mbox *mbox;
	uint32_t nmbox;	  /* slots in mbox */
	uint32_t mb_live; /* alive mailboxes */
	uint32_t mb_free; /* free list of dead slots */
	uint32_t ready;	  /* shared ready list head */
	hr_mbox mbox0;	  /* inline storage while nmbox == 1 */
	hr_mon *mon_head; /* monitors on this process */
	uint32_t nmon_on;
	hr_peer *links;
	uint32_t nlinks, links_cap;
	hr_node *link_reserve; /* one EXIT node per link */
	uint64_t q_msgs, q_bytes, hwm;
	atomic_uint mail; /* bumped per queued message: a spinning owner
			   * sees new mail without the lock */
	hr_logent *log;
	uint32_t log_cap, log_head, log_n;
	char name[HR_MAX_NAME];

	/* read-mostly (a new cache line: senders write the lock section):
	 * read by every sender and, for kill_pending, by the owner per
	 * message; written at spawn, kill and hr_set_state only, so the line
	 * stays shared in every core's cache */
	_Alignas(64) const hr_kind *kind;
	void *ustate;
	hr_limits lim;
	atomic_bool kill_pending; /* written under lock, read without */

	/* owner (a new cache line: the owner writes it per message) */
	_Alignas(64) hr_pbox *pbox;
	hr_pbox pbox0;	/* inline storage while nmbox == 1 */
	uint32_t npbox; /* the owner's copy of nmbox: receiving reads no
			 * line that senders write */
	hr_sched *sched; /* scheduler running it now; NULL for the host */
	hr_ctab ctab;
	hr_mslot *mslots;
	uint32_t nmslots, mslot_free, nmons;
	uint32_t pready;     /* private ready list head */
	uint64_t pcount;     /* messages in private queues */
	uint32_t consumed;   /* taken off queues, not yet subtracted */
	uint64_t consumed_b; /* (q_msgs/q_bytes sync at the next lock) */
	uint32_t reds;	     /* reductions charged this slice */
	uint32_t slice_budget;
	uint64_t sleep_ns; /* hr_sleep request, 0 none */
	uint8_t inited;
	uint8_t want_exit;
	uint8_t terminated;
	int32_t exit_code;
	char *exit_text;
	hr_pid parent;
	_Atomic uint64_t sent, received, reds_total;
	_Atomic uint32_t nhandles;

	/* rq */
	hr_proc *rq_next;
	_Atomic(hr_sched *) home; /* last scheduler that ran it */
	/* Set when it was stolen from a busy waker's runnext: it consumes in
	 * parallel with its waker, so wake it on its home scheduler when that
	 * one is idle. Cleared when it runs from runnext again. */
	atomic_bool affine;

	/* timer */
	hr_timer *wait_rec; /* the armed wait timer */
	uint8_t timed;	    /* armed a timer in this life (owner) */
	hr_tslot *tslots;
	uint32_t ntslots, tslot_free, ntimers;

	/* slot store (slot_lock) */
	uint32_t free_next;

	/* owner: the first capability table entries (ctab.inl) */
	_Alignas(64) hr_cent ctab0[HR_CTAB_INLINE];
};

/* ---- timers ----
 * All timers live in one binary heap under rt->timer_mtx. A timer is a
 * process's wait timeout (HR_TM_WAIT) or a send-after (HR_TM_SEND: node
 * delivered to dest). Firing pops expired timers under the mutex, then
 * acts on them with the mutex released. */
enum { HR_TM_WAIT = 1, HR_TM_SEND = 2 };

struct hr_timer {
	hr_timer *next; /* firing list */
	uint64_t deadline;
	uint64_t id; /* WAIT: the owner's wait_tmr value */
	uint32_t heap_idx;
	uint32_t kind;
	hr_proc *owner;
	uint32_t owner_gen;
	uint32_t slot; /* SEND: index in owner->tslots */
	hr_node *node; /* SEND */
	hr_capref dest;
};

/* ---- small-object cache (per scheduler; a magazine in the depot) ----
 * An array of free objects, not a chain through them: taking one does not
 * read the object, and the ones about to be taken can be prefetched far
 * ahead (they were mostly freed by another core). v is allocated on first
 * use and kept. */
typedef struct hr_cache {
	void **v;
	uint32_t n;
} hr_cache;

/* ---- scheduler ----
 * One thread. rq_* is its run queue (rq_lock; rq_len atomic so that idle
 * schedulers look without locking). runnext: the process woken last by
 * this scheduler, run next, inheriting the remaining slice; others may
 * steal it only when it has been stuck behind one long slice. */
struct hr_sched {
	/* read-mostly */
	hr_rt *rt;
	unsigned id;
	pthread_t thr;
	bool started;

	/* the run queue: pushers and thieves write it */
	_Alignas(64) hr_lock rq_lock;
	hr_proc *rq_head, *rq_tail;
	atomic_uint rq_len;

	/* written by the owner per wake-up / switch, polled by thieves */
	_Alignas(64) _Atomic(hr_proc *) runnext;
	_Atomic uint64_t switches;
	atomic_int parked;
	atomic_int spinning;

	/* parking */
	_Alignas(64) pthread_mutex_t park_mtx;
	pthread_cond_t park_cv;
	bool wakeup; /* park_mtx */

	/* owner only */
	_Alignas(64) uint32_t inherit_used;
	uint64_t *obs_sw; /* thief's view of the others' runnext */
	uint64_t *obs_t;
	uint64_t rng;
	hr_cache cache[HR_NCLS];
	hr_proc *current;
	void *base; /* what hr__alloc returned for the array (sched[0]) */
};

/* ---- the runtime ---- */
typedef struct hr_pl {
	hr_plugin pl;
	void *ud;
} hr_pl;

typedef struct hr_named {
	char *name;
	hr_handle h;
} hr_named;

struct hr_rt {
	hr_config cfg;

	/* slot store: segments of HR_SEG procs, published with release.
	 * A spin lock: spawns on one scheduler and exits on another take it
	 * in turn, and a mutex made that a futex sleep and wake each time. */
	hr_lock slot_lock;
	_Atomic(hr_proc *) *segs;
	void **seg_base; /* what hr__alloc returned for each (slot_lock) */
	uint32_t nsegs_max;
	uint32_t slot_hw;	   /* slots ever used (slot_lock) */
	uint32_t slot_free;	   /* free list head (slot_lock) */
	_Atomic uint32_t slot_top; /* slot_hw, readable without the mutex */
	_Atomic uint32_t nprocs;   /* live processes, host excluded */

	/* schedulers */
	hr_sched *sched;
	unsigned nsched;
	atomic_int nparked;
	atomic_int nspinning;
	atomic_bool stop;
	atomic_uint rr;

	/* timers */
	pthread_mutex_t timer_mtx;
	hr_timer **heap;
	uint32_t nheap, heap_cap;
	_Atomic uint64_t next_deadline; /* UINT64_MAX: none */
	atomic_bool firing;		/* one firer at a time: in order */
	atomic_uint armed;
	_Atomic uint64_t wait_ids;

	/* object depots between scheduler caches, one per size class: a
	 * stack of magazines (whole chains), moved in O(1) */
	pthread_mutex_t depot_mtx;
	hr_cache *mags[HR_NCLS];
	atomic_uint nmags[HR_NCLS]; /* written under depot_mtx */

	/* host */
	pthread_mutex_t host_mtx;
	hr_proc *host;
	pthread_mutex_t hcv_mtx;
	pthread_cond_t hcv;
	uint64_t hsignal; /* hcv_mtx */

	/* shutdown */
	atomic_bool closing;
	pthread_mutex_t exit_mtx;
	pthread_cond_t exit_cv;
	bool shut; /* exit_mtx */

	/* plugins and host registry (host_mtx) */
	hr_pl *plugins;
	uint32_t nplugins;
	hr_named *services;
	uint32_t nservices;
	bool booted;
	hr_handle registry;
};

#define HR_SEG_SHIFT 10
#define HR_SEG	     (1u << HR_SEG_SHIFT)

/* ---- allocation (rt.c) ---- */
void *hr__alloc(hr_rt *rt, size_t n);
/* n bytes aligned to 64; OUT: *base, to pass to hr__free. */
void *hr__alloc_aligned(hr_rt *rt, size_t n, void **base);
void *hr__realloc(hr_rt *rt, void *p, size_t n);
void hr__free(hr_rt *rt, void *p);
char *hr__strdup(hr_rt *rt, const char *s, size_t max);
/* Cached objects of size class cls (HR_CLS_*); s may be NULL (host). */
void *hr__obj_alloc(hr_rt *rt, hr_sched *s, int cls);
void hr__obj_free(hr_rt *rt, hr_sched *s, void *p, int cls);
void hr__cache_drain(hr_rt *rt, hr_cache *c);

/* ---- slots (proc.c) ---- */
hr_proc *hr__slot(hr_rt *rt, uint32_t index);
hr_proc *hr__pid_proc(hr_rt *rt, hr_pid pid); /* unlocked, may be stale */
static inline hr_pid hr__pid(hr_proc *p, uint32_t gen)
{
	return ((uint64_t)gen << 32) | p->index;
}
static inline bool hr__alive(hr_proc *p, uint32_t gen)
{
	/* only meaningful under p->lock */
	return atomic_load_explicit(&p->gen, memory_order_relaxed) == gen &&
	       p->state != HR_PS_FREE && p->state != HR_PS_EXITING;
}

/* ---- capability tables (cap.c) ---- */
/* want: entries to make room for; inl: HR_CTAB_INLINE entries of storage
 * that outlives the table (or NULL). */
int hr__ctab_init(hr_rt *rt, hr_ctab *t, uint32_t want, hr_cent *inl);
void hr__ctab_deinit(hr_rt *rt, hr_ctab *t);
/* Entry for h, or NULL. */
hr_cent *hr__ctab_get(hr_ctab *t, hr_handle h);
/* Insert one reference to c (deduplicated). OUT: *h. */
int hr__ctab_put(hr_rt *rt, hr_ctab *t, uint32_t max, const hr_capref *c,
		 hr_handle *h);
/* Insert at the next never-used handle (spawn's initial caps). */
int hr__ctab_dec(hr_rt *rt, hr_ctab *t, hr_handle h);

/* ---- messages and mailboxes (msg.c) ---- */
hr_node *hr__node_new(hr_rt *rt, hr_sched *s, size_t len, uint32_t ncaps);
void hr__node_free(hr_rt *rt, hr_sched *s, hr_node *n);
void hr__node_list_free(hr_rt *rt, hr_sched *s, hr_node *n);
/* Deliver n to d. bounded: apply the queue limits. from: for intercept.
 * On success the node belongs to the target; on error to the caller. */
int hr__deliver(hr_rt *rt, hr_sched *s, const hr_capref *d, hr_node *n,
		bool bounded, hr_pid from);
/* Queue n on p's mailbox mb (p->lock held, p alive, mb alive). Returns
 * true if the caller must hr__wake p after unlocking. */
bool hr__push_locked(hr_proc *p, uint32_t mb, hr_node *n);
/* Copy caprefs for handles of self's table. */
int hr__collect_caps(hr_proc *self, const hr_handle *caps, uint32_t ncaps,
		     hr_capref *out);
int hr__send(hr_proc *self, hr_sched *s, hr_handle h, const void *data,
	     size_t len, const hr_handle *caps, uint32_t ncaps);
/* Move the shared queues to the private ones (takes p->lock). */
void hr__grab(hr_proc *p);
void hr__grab_locked(hr_proc *p); /* p->lock held */
/* Subtract consumed counts (call with p->lock held). */
void hr__sync_consumed(hr_proc *p);
/* Pop the next private message of any mailbox (owner). */
hr_node *hr__pop_any(hr_proc *p);
/* Pop from the listed mailboxes (owner), grabbing if needed. */
hr_node *hr__pop_from(hr_proc *p, const uint32_t *mbs, uint32_t n);
/* Turn a node into an hr_msg for its receiver: import caps, handle DOWN
 * bookkeeping. Returns false if the message must be dropped silently
 * (a DOWN for a demonitored ref); the node is then freed. */
bool hr__open(hr_proc *self, hr_sched *s, hr_node *n, hr_msg *m);
bool hr__has_msgs(hr_proc *p); /* lock held */
int hr__mailbox_new(hr_proc *p, uint32_t *id);
int hr__mailbox_free(hr_proc *p, hr_sched *s, uint32_t id);
int hr__mailbox_cap(hr_proc *p, uint32_t id, unsigned perms, hr_handle *h);
void hr__mailboxes_init(hr_proc *p);
/* Detach every queued node (lock held); returns a list. */
hr_node *hr__mailboxes_take(hr_proc *p);

/* ---- processes (proc.c) ---- */
int hr__spawn(hr_rt *rt, hr_proc *parent, hr_sched *s, const hr_spawn_opts *o,
	      hr_handle *child);
/* Ask p to exit (kill). intercept: run the kind's KILL hook first.
 * Returns HB_EDEAD if gen is not alive. */
int hr__kill(hr_rt *rt, hr_sched *s, hr_proc *p, uint32_t gen, int32_t code,
	     const char *text, bool intercept, hr_pid from);
/* Mark p killed (p->lock held; it takes text). Returns true if the caller
 * must hr__wake it. */
bool hr__kill_locked(hr_proc *p, int32_t code, char *text);
/* Run the whole exit path of p (on its scheduler). */
void hr__exit_proc(hr_sched *s, hr_proc *p);
/* One process fewer (wakes hr_rt_shutdown at zero). */
void hr__uncount(hr_rt *rt);
void hr__set_exit(hr_proc *p, int32_t code, const char *text);
int hr__limits_merge(const hr_rt *rt, const hr_limits *want, hr_limits *out);
void hr__proc_info(hr_proc *p, hr_proc_info *out); /* lock held */
int hr__host_init(hr_rt *rt);
void hr__host_deinit(hr_rt *rt);

/* ---- monitors and links (signal.c) ---- */
int hr__monitor(hr_proc *self, hr_sched *s, hr_handle h, uint32_t mb,
		uint64_t *ref);
int hr__monitor_ref(hr_proc *self, hr_sched *s, const hr_capref *target,
		    uint32_t mb, uint64_t *ref);
int hr__demonitor(hr_proc *self, hr_sched *s, uint64_t ref);
int hr__link(hr_proc *self, hr_sched *s, hr_handle h);
int hr__link_procs(hr_rt *rt, hr_sched *s, hr_proc *a, uint32_t agen,
		   hr_proc *b, uint32_t bgen, hr_pid from);
int hr__unlink(hr_proc *self, hr_sched *s, hr_handle h);
/* Exit-path pieces: drop self's monitors on others; deliver DOWNs for the
 * detached monitor list; signal the detached link peers. */
void hr__release_monitors(hr_proc *self, hr_sched *s);
void hr__fire_monitors(hr_rt *rt, hr_sched *s, hr_mon *list,
		       const hr_reason *why);
void hr__signal_links(hr_rt *rt, hr_sched *s, hr_proc *dead, uint32_t deadgen,
		      hr_peer *peers, uint32_t n, hr_node *reserve,
		      const hr_reason *why);
/* Encode ["down"/"exit", ...] into a node's inline payload. */
void hr__encode_signal(hr_node *n, uint8_t *buf, size_t cap, bool down,
		       uint64_t ref, const hr_reason *why);

/* ---- scheduler (sched.c) ---- */
int hr__sched_start(hr_rt *rt);
void hr__sched_stop(hr_rt *rt);
void hr__sched_free(hr_rt *rt);
/* Make a RUNNABLE process run: s (may be NULL) is the waker's scheduler. */
void hr__wake(hr_rt *rt, hr_sched *s, hr_proc *p);
/* Queue a new or yielding process at the tail of a queue. */
void hr__enqueue(hr_rt *rt, hr_sched *s, hr_proc *p);
bool hr__on_scheduler(hr_rt *rt);

/* ---- timers (timer.c) ---- */
int hr__timers_init(hr_rt *rt);
void hr__timers_deinit(hr_rt *rt);
/* Arm p's wait timeout (p->lock held). */
int hr__timer_wait(hr_rt *rt, hr_proc *p, uint64_t id, uint64_t deadline);
/* Cancel p's wait timer id if still pending (no lock held). */
void hr__timer_wait_cancel(hr_rt *rt, hr_proc *p, uint64_t id);
/* Fire due timers; returns how many. */
unsigned hr__timers_fire(hr_rt *rt, hr_sched *s);
void hr__timers_drop_owner(hr_rt *rt, hr_sched *s, hr_proc *p);
int hr__send_after(hr_proc *self, hr_sched *s, uint64_t delay_ns, hr_handle h,
		   const void *data, size_t len, const hr_handle *caps,
		   uint32_t ncaps, uint64_t *id);
int hr__timer_cancel(hr_proc *self, hr_sched *s, uint64_t id);

/* ---- host (host.c) ---- */
void hr__host_signal(hr_rt *rt);

/* ---- registry (registry.c) ---- */
/* A parsed registry request (fields point into the message bytes). */
typedef enum hr_reg_op {
	HR_REG_GET = 1,
	HR_REG_REGISTER = 2,
	HR_REG_LIST = 3
} hr_reg_op;
typedef struct hr_reg_req {
	hr_reg_op op;
	const char *name;
	uint32_t name_len;
} hr_reg_req;
/* Parse untrusted request bytes. Returns 0 or HB_EMALFORMED/HB_ELIMIT. */
int hr__registry_parse(const uint8_t *data, size_t len, hr_reg_req *out);

/* ---- log ---- */
void hr__log_free(hr_rt *rt, hr_proc *p);

#endif
