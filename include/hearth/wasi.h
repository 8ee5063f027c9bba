/* wasi.h — WASI preview 1 (wasi_snapshot_preview1) for Hearth's Wasm
 * engine: a context holding a program's args, environment, stdio routing
 * and granted directories, and the host functions that serve them.
 * Built on the public hw_* API only. Guide: docs/wasi.md. */
#ifndef HEARTH_WASI_H
#define HEARTH_WASI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hearth/limits.h"
#include "hearth/wasm.h"

/* One program's WASI state: argv, environ, the fd table (stdio, granted
 * directories, files opened in them), routing of stdio, how proc_exit
 * ended the program. Threads: a context serves one execution at a time;
 * its host functions and the embedder's callbacks run on the thread
 * running that execution. Configure it before linking. */
typedef struct hw_wasi hw_wasi;

/* Receives what the guest writes to a routed stdio stream. fd: 1 (stdout)
 * or 2 (stderr). In line mode (HW_WASI_LINES) data is one line without its
 * '\n' (a line longer than HW_WASI_MAX_LINE arrives in pieces); otherwise
 * it is the bytes of one fd_write, in order. Returns 0, or a negative
 * HB_E* code, which the guest sees as EIO. */
typedef int (*hw_wasi_write_fn)(void *env, int fd, const char *data,
				size_t len);

/* Supplies stdin: copy at most cap bytes into buf. Returns the count, 0 at
 * the end of input, or a negative HB_E* (the guest sees EIO). */
typedef int64_t (*hw_wasi_read_fn)(void *env, uint8_t *buf, size_t cap);

/* Resolves a module import that is not WASI's (see hw_wasi_link). imp: the
 * import (hw_module_import). OUT: *out. Returns 0, or non-zero when the
 * embedder has nothing for it (the link then fails "unknown import"). */
typedef int (*hw_wasi_resolve_fn)(void *env, const hw_extern_info *imp,
				  hw_extern *out);

/* Flags for hw_wasi_route_output. */
enum {
	HW_WASI_LINES = 1 /* deliver one call per line (see hw_wasi_write_fn) */
};

/* Flags for hw_wasi_preopen. */
enum {
	HW_WASI_READONLY = 1 /* the guest may read, list and stat only */
};

/* Flags for hw_wasi_set_flags: how the context behaves under a
 * scheduler. Default 0: sched_yield returns at once, and poll_oneoff
 * sleeps on the calling thread. */
enum {
	/* sched_yield stops the execution with HW_SUSPENDED; resume it with
	 * one result, {.i32 = 0}. */
	HW_WASI_YIELD_SUSPENDS = 1,
	/* poll_oneoff that would sleep (clock subscriptions only, none due)
	 * writes its events and stops the execution with HW_SUSPENDED; the
	 * embedder waits until hw_wasi_sleep_until() and resumes with one
	 * result, {.i32 = 0}. */
	HW_WASI_SLEEP_SUSPENDS = 2
};

/* A new context: no args, no environment, stdin at end of input, stdout
 * and stderr discarded, no directories. OUT: *out. Returns 0 or
 * HB_ENOMEM. */
int hw_wasi_new(hw_wasi **out);

/* Close every host fd the context opened (granted directories, files) and
 * free it. Host fds given to hw_wasi_stdio_fd are not closed. Instances
 * linked against the context must not run afterwards. NULL is a no-op. */
void hw_wasi_free(hw_wasi *w);

/* The program's arguments (argv[0] is the program name by convention) and
 * environment ("KEY=value" strings); both are copied. Returns 0, HB_EINVAL
 * (a NULL string, or an environment string without '='), HB_ELIMIT (over
 * HW_WASI_MAX_ARGS_BYTES together), HB_ENOMEM. */
int hw_wasi_set_args(hw_wasi *w, uint32_t argc, const char *const *argv);
int hw_wasi_set_env(hw_wasi *w, uint32_t n, const char *const *env);

/* Connect WASI fd (0, 1 or 2) to the host fd host_fd, which the context
 * borrows (never closes; the caller keeps it open while the program
 * runs). Returns 0 or HB_EINVAL. */
int hw_wasi_stdio_fd(hw_wasi *w, int fd, int host_fd);

/* Route WASI fd 1 or 2 to fn(env, fd, ...), e.g. into a process log;
 * flags: HW_WASI_LINES or 0. The guest sees a character device (so
 * wasi-libc line-buffers it). Returns 0 or HB_EINVAL. */
int hw_wasi_route_output(hw_wasi *w, int fd, unsigned flags,
			 hw_wasi_write_fn fn, void *env);

/* Feed WASI fd 0 from fn(env, ...). Returns 0 or HB_EINVAL. */
int hw_wasi_route_input(hw_wasi *w, hw_wasi_read_fn fn, void *env);

/* Grant the directory host_dir to the guest as guest_path (e.g. "/data"
 * or "."), with flags 0 or HW_WASI_READONLY. The guest reaches only what
 * lies beneath it: every path is resolved by the kernel beneath the
 * directory (openat2 RESOLVE_BENEATH), so "..", absolute paths and
 * symbolic links leading out fail with ENOTCAPABLE. Returns 0, HB_ENOENT
 * (no such directory), HB_EPERM (not allowed to open it), HB_EINVAL (not
 * a directory, empty guest_path), HB_ELIMIT (the fd table is full),
 * HB_ENOSYS (the kernel lacks openat2), HB_ENOMEM. */
int hw_wasi_preopen(hw_wasi *w, const char *host_dir, const char *guest_path,
		    unsigned flags);

/* HW_WASI_YIELD_SUSPENDS | HW_WASI_SLEEP_SUSPENDS, or 0. */
void hw_wasi_set_flags(hw_wasi *w, unsigned flags);

/* Fill imports[0 .. hw_module_import_count(m)) for m: imports from
 * "wasi_snapshot_preview1" get this context's host functions (the whole
 * preview-1 set), every other import is asked of resolve(env, ...) (may
 * be NULL). imports receive borrowed handles: pass them to
 * hw_instance_new, which takes its own references. Returns 0 or
 * HB_EUNLINKABLE (reason "unknown import" or "incompatible import type",
 * message naming the import), HB_ENOMEM; *err says which. */
int hw_wasi_link(hw_wasi *w, const hw_module *m, hw_wasi_resolve_fn resolve,
		 void *env, hw_extern *imports, hw_error *err);

/* hw_wasi_link, then hw_instance_new(m, imports, ..., opts, out, err).
 * Returns as those two. */
int hw_wasi_instantiate(hw_wasi *w, hw_module *m, hw_wasi_resolve_fn resolve,
			void *env, const hw_instance_opts *opts,
			hw_instance **out, hw_error *err);

/* After an execution of an instance linked to w returned HW_TRAPPED:
 * whether the trap was the guest's proc_exit. OUT: *code, its exit code
 * (if not NULL). proc_exit ends the execution as a trap (HW_TRAP_HOST,
 * message "proc_exit(N)") so that it unwinds every frame at once. */
bool hw_wasi_exited(const hw_wasi *w, uint32_t *code);

/* With HW_WASI_SLEEP_SUSPENDS, after HW_SUSPENDED: whether the guest is
 * sleeping, and until when (CLOCK_MONOTONIC, ns). Cleared on the next
 * WASI call. */
bool hw_wasi_sleep_until(const hw_wasi *w, uint64_t *monotonic_ns);

/* Deliver the partial last line of line-mode outputs (also done by
 * proc_exit, hw_wasi_run and hw_wasi_free). */
void hw_wasi_flush(hw_wasi *w);

/* Run a WASI command to its end on the calling thread: the module's start
 * function, then the export "_start" (or, for a reactor, "_initialize").
 * fuel_slice > 0 runs it in slices of that much fuel (as a scheduler
 * would: out of fuel is refilled and resumed); 0 means unlimited. The
 * context's own suspensions (yield, sleep) are served here. OUT:
 * *exit_code: 0 when _start returned, else proc_exit's code. Returns 0,
 * HB_ETRAP (trapped: hw_instance_trap(inst) says why), HB_ENOENT (no
 * _start or _initialize of type [] -> []), HB_ENOSYS (a non-WASI host
 * function suspended the execution, which this runner cannot serve; the
 * execution is aborted), or the negative code of hw_instance_call. */
int hw_wasi_run(hw_wasi *w, hw_instance *inst, int64_t fuel_slice,
		uint32_t *exit_code);

/* The WASI errno names ("EBADF", "ENOTCAPABLE", ... "ESUCCESS" for 0),
 * for messages and tests; "E?" for an unknown value. */
const char *hw_wasi_errno_name(uint32_t errno_value);

#endif
