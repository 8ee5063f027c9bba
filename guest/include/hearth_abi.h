/* hearth_abi.h — the raw imports of Hearth's guest ABI, version 1
 * (docs/guest-abi.md): one declaration per `hearth_v1` function, named
 * hearth_v1_<import>, plus the constants the ABI uses. The SDK (hearth.h)
 * builds its typed wrappers on these; guests may also call them directly.
 *
 * Conventions: pointers are offsets into memory 0, lengths unsigned; a
 * negative i32 result is an error code (HEARTH_E*); contract violations
 * (bad pointers, unknown handles) trap. Build with
 * clang --target=wasm32-wasi -mexec-model=reactor. */
#ifndef HEARTH_ABI_H
#define HEARTH_ABI_H

#include <stdint.h>

#define HEARTH_ABI_VERSION 1

#define HEARTH_V1(name)                                                        \
	__attribute__((import_module("hearth_v1"), import_name(#name)))

/* ---- error codes (the values of include/hearth/error.h, HB_E*) ---- */
#define HEARTH_OK	   0
#define HEARTH_ENOMEM	   (-1)
#define HEARTH_EINVAL	   (-2)
#define HEARTH_ERANGE	   (-3)
#define HEARTH_ENOENT	   (-4)
#define HEARTH_EEXIST	   (-5)
#define HEARTH_EPERM	   (-6)
#define HEARTH_EBADH	   (-7)
#define HEARTH_EDEAD	   (-8)
#define HEARTH_EFULL	   (-9)
#define HEARTH_ETOOBIG	   (-10)
#define HEARTH_ECLOSED	   (-11)
#define HEARTH_EAGAIN	   (-12)
#define HEARTH_ETIMEDOUT   (-13)
#define HEARTH_EMALFORMED  (-14)
#define HEARTH_EINVALID	   (-15)
#define HEARTH_EUNLINKABLE (-16)
#define HEARTH_ETRAP	   (-17)
#define HEARTH_EIO	   (-18)
#define HEARTH_ECORRUPT	   (-19)
#define HEARTH_ELIMIT	   (-20)
#define HEARTH_ENOSYS	   (-21)
#define HEARTH_EPROTO	   (-22)
#define HEARTH_EVERSION	   (-23)
#define HEARTH_EAUTH	   (-24)
#define HEARTH_ECANCELED   (-25)
#define HEARTH_EBUSY	   (-26)
#define HEARTH_ENOSPC	   (-27)
#define HEARTH_EEXHAUSTED  (-28)

/* ---- permissions ---- */
#define HEARTH_PERM_SEND    1
#define HEARTH_PERM_MONITOR 2
#define HEARTH_PERM_KILL    4
#define HEARTH_PERM_LINK    8
#define HEARTH_PERM_ALL	    15

/* ---- exit codes (sig_reason, exit) ---- */
#define HEARTH_EXIT_NORMAL   0
#define HEARTH_EXIT_KILLED   1
#define HEARTH_EXIT_TRAP     2
#define HEARTH_EXIT_OOM	     3
#define HEARTH_EXIT_ERROR    4
#define HEARTH_EXIT_SHUTDOWN 5
#define HEARTH_EXIT_LIMIT    6
#define HEARTH_EXIT_NOPROC   7
#define HEARTH_EXIT_USER     64

/* ---- signal kinds (sig_kind) ---- */
#define HEARTH_SIG_MESSAGE 0
#define HEARTH_SIG_DOWN	   1
#define HEARTH_SIG_EXIT	   2

/* ---- log levels ---- */
#define HEARTH_LOG_ERROR 0
#define HEARTH_LOG_WARN	 1
#define HEARTH_LOG_INFO	 2
#define HEARTH_LOG_DEBUG 3
#define HEARTH_LOG_TRACE 4

/* ---- metadata fields (meta_set) ---- */
#define HEARTH_META_NAME	0
#define HEARTH_META_DESCRIPTION 1
#define HEARTH_META_AUTHORS	2
#define HEARTH_META_LICENSE	3

/* ---- limits ---- */
#define HEARTH_ID_BYTES	   32	 /* a lump id */
#define HEARTH_MAX_POLL	   64	 /* mailboxes in one mb_poll */
#define HEARTH_MAX_SIGNALS 1024	 /* unfreed signals a process holds */
#define HEARTH_MAX_LUMPS   1024	 /* lump handles a process holds */
#define HEARTH_MAX_META	   1024	 /* bytes kept of a metadata field */
#define HEARTH_MAX_RANDOM  65536 /* bytes of one random() call */
#define HEARTH_NO_TIMEOUT  (-1LL)

/* ---- capabilities ---- */
HEARTH_V1(cap_perms) int32_t hearth_v1_cap_perms(int32_t cap);
HEARTH_V1(cap_demote) int32_t hearth_v1_cap_demote(int32_t cap, int32_t perms);
HEARTH_V1(cap_inc_ref) int32_t hearth_v1_cap_inc_ref(int32_t cap);
HEARTH_V1(cap_dec_ref) int32_t hearth_v1_cap_dec_ref(int32_t cap);
HEARTH_V1(cap_send)
int32_t hearth_v1_cap_send(int32_t cap, const void *data, uint32_t len,
			   const int32_t *caps, uint32_t ncaps);
HEARTH_V1(cap_kill) int32_t hearth_v1_cap_kill(int32_t cap);
HEARTH_V1(cap_monitor)
int32_t hearth_v1_cap_monitor(int32_t cap, int32_t mb, uint64_t *ref_out);
HEARTH_V1(cap_demonitor) int32_t hearth_v1_cap_demonitor(uint64_t ref);
HEARTH_V1(cap_link) int32_t hearth_v1_cap_link(int32_t cap);
HEARTH_V1(cap_unlink) int32_t hearth_v1_cap_unlink(int32_t cap);
HEARTH_V1(cap_same_target)
int32_t hearth_v1_cap_same_target(int32_t a, int32_t b);

/* ---- the receive record of mb_recv_into (56 bytes, little-endian) ---- */
#define HEARTH_RX_KEEP 1 /* flags: keep the signal even if all of it fitted */

typedef struct hearth_rx {
	/* IN */
	void *buf; /* where the data goes (buf_cap bytes) */
	uint32_t buf_cap;
	int32_t *caps;	   /* where the capability handles go */
	uint32_t caps_cap; /* room for this many */
	uint32_t flags;	   /* 0 or HEARTH_RX_KEEP */
	/* OUT */
	int32_t sig;	 /* the signal handle, or -1 when it was freed */
	int32_t kind;	 /* HEARTH_SIG_* */
	int32_t mailbox; /* the mailbox it came from */
	uint32_t index;	 /* that mailbox's position in the list */
	uint32_t len;	 /* data bytes in all (min(len, buf_cap) copied) */
	uint32_t ncaps;	 /* capabilities in all (min(ncaps, caps_cap)) */
	int32_t code;	 /* down/exit: the exit code; a message: 0 */
	uint64_t ref;	 /* down: the monitor reference; else 0 */
} hearth_rx;

_Static_assert(sizeof(hearth_rx) == 56, "hearth_rx is 56 bytes");

/* ---- mailboxes ---- */
HEARTH_V1(mb_new) int32_t hearth_v1_mb_new(void);
HEARTH_V1(mb_free) int32_t hearth_v1_mb_free(int32_t mb);
HEARTH_V1(mb_cap) int32_t hearth_v1_mb_cap(int32_t mb, int32_t perms);
HEARTH_V1(mb_recv) int32_t hearth_v1_mb_recv(int32_t mb, int64_t timeout_ns);
HEARTH_V1(mb_try_recv) int32_t hearth_v1_mb_try_recv(int32_t mb);
HEARTH_V1(mb_poll)
int32_t hearth_v1_mb_poll(const int32_t *mbs, uint32_t n, int64_t timeout_ns,
			  int32_t *index_out);
HEARTH_V1(mb_recv_into)
int32_t hearth_v1_mb_recv_into(const int32_t *mbs, uint32_t n,
			       int64_t timeout_ns, hearth_rx *rx);
HEARTH_V1(proc_trap_exits) int32_t hearth_v1_proc_trap_exits(int32_t on);

/* ---- signals ---- */
HEARTH_V1(sig_kind) int32_t hearth_v1_sig_kind(int32_t sig);
HEARTH_V1(sig_mailbox) int32_t hearth_v1_sig_mailbox(int32_t sig);
HEARTH_V1(sig_len) int32_t hearth_v1_sig_len(int32_t sig);
HEARTH_V1(sig_read)
int32_t hearth_v1_sig_read(int32_t sig, uint32_t off, void *ptr, uint32_t len);
HEARTH_V1(sig_ncaps) int32_t hearth_v1_sig_ncaps(int32_t sig);
HEARTH_V1(sig_caps)
int32_t hearth_v1_sig_caps(int32_t sig, int32_t *ptr, uint32_t max);
HEARTH_V1(sig_reason) int32_t hearth_v1_sig_reason(int32_t sig);
HEARTH_V1(sig_reason_text)
int32_t hearth_v1_sig_reason_text(int32_t sig, char *ptr, uint32_t len);
HEARTH_V1(sig_monitor_ref)
int32_t hearth_v1_sig_monitor_ref(int32_t sig, uint64_t *ref_out);
HEARTH_V1(sig_free) int32_t hearth_v1_sig_free(int32_t sig);

/* ---- time ---- */
HEARTH_V1(time_now) int64_t hearth_v1_time_now(void);
HEARTH_V1(time_wall) int64_t hearth_v1_time_wall(void);
HEARTH_V1(sleep) int32_t hearth_v1_sleep(int64_t ns);
HEARTH_V1(timer_send_after)
int32_t hearth_v1_timer_send_after(int32_t cap, int64_t ns, const void *data,
				   uint32_t len, const int32_t *caps,
				   uint32_t ncaps, uint64_t *id_out);
HEARTH_V1(timer_cancel) int32_t hearth_v1_timer_cancel(uint64_t id);

/* ---- lumps ---- */
HEARTH_V1(lump_this) int32_t hearth_v1_lump_this(uint8_t *id_out);
HEARTH_V1(lump_new)
int32_t hearth_v1_lump_new(const void *ptr, uint32_t len, uint8_t *id_out);
HEARTH_V1(lump_load) int32_t hearth_v1_lump_load(const uint8_t *id);
HEARTH_V1(lump_len) int32_t hearth_v1_lump_len(int32_t lump);
HEARTH_V1(lump_read)
int32_t hearth_v1_lump_read(int32_t lump, uint32_t off, void *ptr,
			    uint32_t len);
HEARTH_V1(lump_id) int32_t hearth_v1_lump_id(int32_t lump, uint8_t *id_out);
HEARTH_V1(lump_free) int32_t hearth_v1_lump_free(int32_t lump);

/* ---- logging, metadata, randomness, exit ---- */
HEARTH_V1(log) void hearth_v1_log(int32_t level, const char *ptr, uint32_t len);
HEARTH_V1(meta_set)
int32_t hearth_v1_meta_set(int32_t field, const char *ptr, uint32_t len);
HEARTH_V1(random) int32_t hearth_v1_random(void *ptr, uint32_t len);
HEARTH_V1(exit)
__attribute__((noreturn)) void hearth_v1_exit(int32_t code, const char *ptr,
					      uint32_t len);

#endif
