/* wasi.c — WASI preview 1 for the Wasm engine: the context (args, environ,
 * the fd table, stdio routing), linking a module's wasi_snapshot_preview1
 * imports, and the calls that need no file system (clocks, random, stdio
 * read/write, poll_oneoff, proc_exit, sched_yield, sockets refused). The
 * fd and path calls are in wasi_fs.c. Uses the public hw_* API only. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/openat2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "hearth/error.h"
#include "wasi_int.h"

/* What a WASI function returns besides an errno (>= 0). */
#define W_TRAP	  (-1) /* the trap message is set */
#define W_SUSPEND (-2) /* stop with HW_SUSPENDED; resumed with {0} */

/* ---- guest memory ---- */

void *hw__wasi_mem(hw_hostcall *hc, uint64_t addr, uint64_t len)
{
	hw_memory *mem;
	uint64_t size;
	uint8_t *base;

	if (len)
		return hw_hostcall_mem(hc, addr, len);
	mem = hw_hostcall_memory(hc);
	if (!mem)
		return NULL;
	base = hw_memory_data(mem, &size);
	if (addr > size)
		return NULL;
	return base ? (void *)(base + addr) : (void *)"";
}

int hw__wasi_put32(hw_hostcall *hc, uint32_t addr, uint32_t v)
{
	uint8_t *p = hw__wasi_mem(hc, addr, 4);

	if (!p)
		return WE_FAULT;
	wput32(p, v);
	return WE_SUCCESS;
}

int hw__wasi_put64(hw_hostcall *hc, uint32_t addr, uint64_t v)
{
	uint8_t *p = hw__wasi_mem(hc, addr, 8);

	if (!p)
		return WE_FAULT;
	wput64(p, v);
	return WE_SUCCESS;
}

int hw__wasi_iovs(hw_hostcall *hc, uint32_t iovs, uint32_t n, struct iovec *out,
		  uint64_t *total)
{
	const uint8_t *p;
	uint64_t sum = 0;

	if (n > HW_WASI_MAX_IOVS)
		return WE_INVAL;
	p = hw__wasi_mem(hc, iovs, (uint64_t)n * 8);
	if (!p)
		return WE_FAULT;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t buf = wget32(p + 8 * i), len = wget32(p + 8 * i + 4);
		void *q = hw__wasi_mem(hc, buf, len);

		if (!q)
			return WE_FAULT;
		/* overlapping buffers could add up past what a u32 count
		 * reports: stop there (a short read or write) */
		if (sum + len > INT32_MAX)
			len = (uint32_t)(INT32_MAX - sum);
		out[i].iov_base = q;
		out[i].iov_len = len;
		sum += len;
	}
	*total = sum;
	return WE_SUCCESS;
}

/* ---- errno ---- */

int hw__wasi_errno(int e)
{
	switch (e) {
	case 0:
		return WE_SUCCESS;
	case E2BIG:
		return WE_2BIG;
	case EACCES:
		return WE_ACCES;
	case EAGAIN:
		return WE_AGAIN;
	case EBADF:
		return WE_BADF;
	case EBUSY:
		return WE_BUSY;
	case EEXIST:
		return WE_EXIST;
	case EFAULT:
		return WE_FAULT;
	case EFBIG:
		return WE_FBIG;
	case EILSEQ:
		return WE_ILSEQ;
	case EINTR:
		return WE_INTR;
	case EINVAL:
		return WE_INVAL;
	case EIO:
		return WE_IO;
	case EISDIR:
		return WE_ISDIR;
	case ELOOP:
		return WE_LOOP;
	case EMFILE:
		return WE_MFILE;
	case EMLINK:
		return WE_MLINK;
	case ENAMETOOLONG:
		return WE_NAMETOOLONG;
	case ENFILE:
		return WE_NFILE;
	case ENODEV:
		return WE_NODEV;
	case ENOENT:
		return WE_NOENT;
	case ENOMEM:
		return WE_NOMEM;
	case ENOSPC:
		return WE_NOSPC;
	case ENOSYS:
		return WE_NOSYS;
	case ENOTDIR:
		return WE_NOTDIR;
	case ENOTEMPTY:
		return WE_NOTEMPTY;
	case ENOTSOCK:
		return WE_NOTSOCK;
	case EOPNOTSUPP:
		return WE_NOTSUP;
	case ENOTTY:
		return WE_NOTTY;
	case ENXIO:
		return WE_NXIO;
	case EOVERFLOW:
		return WE_OVERFLOW;
	case EPERM:
		return WE_PERM;
	case EPIPE:
		return WE_PIPE;
	case ERANGE:
		return WE_RANGE;
	case EROFS:
		return WE_ROFS;
	case ESPIPE:
		return WE_SPIPE;
	case ETXTBSY:
		return WE_TXTBSY;
	/* openat2(RESOLVE_BENEATH) refuses a path leading out with EXDEV */
	case EXDEV:
		return WE_NOTCAPABLE;
	default:
		return WE_IO;
	}
}

static const char *const errno_names[] = {"ESUCCESS",
					  "E2BIG",
					  "EACCES",
					  "EADDRINUSE",
					  "EADDRNOTAVAIL",
					  "EAFNOSUPPORT",
					  "EAGAIN",
					  "EALREADY",
					  "EBADF",
					  "EBADMSG",
					  "EBUSY",
					  "ECANCELED",
					  "ECHILD",
					  "ECONNABORTED",
					  "ECONNREFUSED",
					  "ECONNRESET",
					  "EDEADLK",
					  "EDESTADDRREQ",
					  "EDOM",
					  "EDQUOT",
					  "EEXIST",
					  "EFAULT",
					  "EFBIG",
					  "EHOSTUNREACH",
					  "EIDRM",
					  "EILSEQ",
					  "EINPROGRESS",
					  "EINTR",
					  "EINVAL",
					  "EIO",
					  "EISCONN",
					  "EISDIR",
					  "ELOOP",
					  "EMFILE",
					  "EMLINK",
					  "EMSGSIZE",
					  "EMULTIHOP",
					  "ENAMETOOLONG",
					  "ENETDOWN",
					  "ENETRESET",
					  "ENETUNREACH",
					  "ENFILE",
					  "ENOBUFS",
					  "ENODEV",
					  "ENOENT",
					  "ENOEXEC",
					  "ENOLCK",
					  "ENOLINK",
					  "ENOMEM",
					  "ENOMSG",
					  "ENOPROTOOPT",
					  "ENOSPC",
					  "ENOSYS",
					  "ENOTCONN",
					  "ENOTDIR",
					  "ENOTEMPTY",
					  "ENOTRECOVERABLE",
					  "ENOTSOCK",
					  "ENOTSUP",
					  "ENOTTY",
					  "ENXIO",
					  "EOVERFLOW",
					  "EOWNERDEAD",
					  "EPERM",
					  "EPIPE",
					  "EPROTO",
					  "EPROTONOSUPPORT",
					  "EPROTOTYPE",
					  "ERANGE",
					  "EROFS",
					  "ESPIPE",
					  "ESRCH",
					  "ESTALE",
					  "ETIMEDOUT",
					  "ETXTBSY",
					  "EXDEV",
					  "ENOTCAPABLE"};

const char *hw_wasi_errno_name(uint32_t e)
{
	return e < sizeof errno_names / sizeof *errno_names ? errno_names[e]
							    : "E?";
}

/* ---- the fd table ---- */

wfd *hw__wasi_fd(hw_wasi *w, uint32_t fd, uint64_t need, int *e)
{
	wfd *f;

	if (fd >= w->nfds || w->fds[fd].kind == WFD_FREE) {
		*e = WE_BADF;
		return NULL;
	}
	f = &w->fds[fd];
	if ((f->base & need) != need) {
		*e = WE_NOTCAPABLE;
		return NULL;
	}
	return f;
}

wfd *hw__wasi_fd_alloc(hw_wasi *w, uint32_t *fd, int *e)
{
	uint32_t i;
	wfd *f;

	for (i = 0; i < w->nfds; i++)
		if (w->fds[i].kind == WFD_FREE)
			break;
	if (i == w->nfds) {
		if (i >= HW_WASI_MAX_FDS) {
			*e = WE_MFILE;
			return NULL;
		}
		if (i == w->cap) {
			uint32_t cap = w->cap * 2;
			wfd *p;

			if (cap > HW_WASI_MAX_FDS)
				cap = HW_WASI_MAX_FDS;
			p = realloc(w->fds, cap * sizeof *p);
			if (!p) {
				*e = WE_NOMEM;
				return NULL;
			}
			w->fds = p;
			w->cap = cap;
		}
		w->nfds++;
	}
	f = &w->fds[i];
	memset(f, 0, sizeof *f);
	f->host = -1;
	*fd = i;
	return f;
}

static void line_flush(wfd *f, int fd)
{
	if (f->kind == WFD_CALLBACK && f->line.len) {
		f->wfn(f->env, fd, f->line.buf, f->line.len);
		f->line.len = 0;
	}
}

void hw__wasi_fd_release(hw_wasi *w, wfd *f)
{
	line_flush(f, (int)(f - w->fds));
	if (f->kind == WFD_HOST && f->owned)
		close(f->host);
	free(f->line.buf);
	free(f->preopen);
	memset(f, 0, sizeof *f);
	f->kind = WFD_FREE;
	f->host = -1;
}

/* ---- configuration ---- */

int hw_wasi_new(hw_wasi **out)
{
	hw_wasi *w = calloc(1, sizeof *w);

	*out = NULL;
	if (!w)
		return HB_ENOMEM;
	w->cap = 8;
	w->fds = calloc(w->cap, sizeof *w->fds);
	if (!w->fds) {
		free(w);
		return HB_ENOMEM;
	}
	w->nfds = 3;
	for (int i = 0; i < 3; i++) {
		wfd *f = &w->fds[i];

		f->kind = WFD_NULL;
		f->host = -1;
		f->filetype = WF_CHAR;
		f->base = (i == 0 ? R_FD_READ : R_FD_WRITE) |
			  R_POLL_FD_READWRITE | R_FD_FILESTAT_GET |
			  R_FD_FDSTAT_SET_FLAGS;
	}
	*out = w;
	return 0;
}

static void free_funcs(hw_wasi *w);

void hw_wasi_free(hw_wasi *w)
{
	if (!w)
		return;
	for (uint32_t i = 0; i < w->nfds; i++)
		hw__wasi_fd_release(w, &w->fds[i]);
	free(w->fds);
	free_funcs(w);
	free(w->argbuf);
	free(w->envbuf);
	free(w);
}

/* Pack n strings into one buffer of NUL-terminated strings. */
static int pack(uint32_t n, const char *const *s, bool env, uint32_t other,
		char **buf, uint32_t *bytes)
{
	size_t total = 0;
	char *p;

	for (uint32_t i = 0; i < n; i++) {
		if (!s[i] || (env && !strchr(s[i], '=')))
			return HB_EINVAL;
		total += strlen(s[i]) + 1;
		if (total + other + (size_t)n * 4 > HW_WASI_MAX_ARGS_BYTES)
			return HB_ELIMIT;
	}
	p = malloc(total ? total : 1);
	if (!p)
		return HB_ENOMEM;
	free(*buf);
	*buf = p;
	*bytes = (uint32_t)total;
	for (uint32_t i = 0; i < n; i++) {
		size_t l = strlen(s[i]) + 1;

		memcpy(p, s[i], l);
		p += l;
	}
	return 0;
}

int hw_wasi_set_args(hw_wasi *w, uint32_t argc, const char *const *argv)
{
	int rc = pack(argc, argv, false, w->envbytes, &w->argbuf, &w->argbytes);

	if (!rc)
		w->argc = argc;
	return rc;
}

int hw_wasi_set_env(hw_wasi *w, uint32_t n, const char *const *env)
{
	int rc = pack(n, env, true, w->argbytes, &w->envbuf, &w->envbytes);

	if (!rc)
		w->envc = n;
	return rc;
}

int hw_wasi_stdio_fd(hw_wasi *w, int fd, int host_fd)
{
	struct stat st;
	wfd *f;

	if (fd < 0 || fd > 2 || host_fd < 0 || fstat(host_fd, &st))
		return HB_EINVAL;
	f = &w->fds[fd];
	hw__wasi_fd_release(w, f);
	f->kind = WFD_HOST;
	f->host = host_fd;
	f->owned = false;
	f->filetype = hw__wasi_filetype(&st);
	/* no R_FD_FDSTAT_SET_FLAGS: the file description is shared with the
	 * host (a guest must not leave the host's terminal non-blocking) */
	f->base = (fd == 0 ? R_FD_READ : R_FD_WRITE) | R_POLL_FD_READWRITE |
		  R_FD_FILESTAT_GET;
	/* a regular file may seek; a terminal or pipe may not (which is how
	 * wasi-libc's isatty tells them apart) */
	if (S_ISREG(st.st_mode))
		f->base |= R_FD_SEEK | R_FD_TELL | R_FD_ADVISE | R_FD_DATASYNC |
			   R_FD_SYNC;
	return 0;
}

int hw_wasi_route_output(hw_wasi *w, int fd, unsigned flags,
			 hw_wasi_write_fn fn, void *env)
{
	wfd *f;

	if ((fd != 1 && fd != 2) || !fn || (flags & ~(unsigned)HW_WASI_LINES))
		return HB_EINVAL;
	f = &w->fds[fd];
	hw__wasi_fd_release(w, f);
	f->kind = WFD_CALLBACK;
	f->filetype = WF_CHAR;
	f->base = R_FD_WRITE | R_POLL_FD_READWRITE | R_FD_FILESTAT_GET |
		  R_FD_FDSTAT_SET_FLAGS;
	f->route_flags = flags;
	f->wfn = fn;
	f->env = env;
	return 0;
}

int hw_wasi_route_input(hw_wasi *w, hw_wasi_read_fn fn, void *env)
{
	wfd *f = &w->fds[0];

	if (!fn)
		return HB_EINVAL;
	hw__wasi_fd_release(w, f);
	f->kind = WFD_CALLBACK;
	f->filetype = WF_CHAR;
	f->base = R_FD_READ | R_POLL_FD_READWRITE | R_FD_FILESTAT_GET |
		  R_FD_FDSTAT_SET_FLAGS;
	f->rfn = fn;
	f->env = env;
	return 0;
}

int hw_wasi_preopen(hw_wasi *w, const char *host_dir, const char *guest_path,
		    unsigned flags)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_BENEATH};
	uint32_t fd;
	int host, probe, e;
	char *name;
	wfd *f;

	if (!host_dir || !guest_path || !*guest_path ||
	    (flags & ~(unsigned)HW_WASI_READONLY))
		return HB_EINVAL;
	host = open(host_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (host < 0) {
		switch (errno) {
		case ENOENT:
			return HB_ENOENT;
		case EACCES:
		case EPERM:
			return HB_EPERM;
		case ENOMEM:
			return HB_ENOMEM;
		default:
			return HB_EINVAL;
		}
	}
	/* Without openat2 there is no safe resolution: refuse the grant. */
	probe = (int)syscall(SYS_openat2, host, ".", &how, sizeof how);
	if (probe < 0) {
		close(host);
		return errno == ENOSYS ? HB_ENOSYS : HB_EPERM;
	}
	close(probe);
	name = strdup(guest_path);
	f = name ? hw__wasi_fd_alloc(w, &fd, &e) : NULL;
	if (!f) {
		free(name);
		close(host);
		return name && e == WE_MFILE ? HB_ELIMIT : HB_ENOMEM;
	}
	f->kind = WFD_HOST;
	f->host = host;
	f->owned = true;
	f->filetype = WF_DIR;
	f->preopen = name;
	f->base = R_DIR;
	f->inh = R_DIR | R_FILE;
	if (flags & HW_WASI_READONLY) {
		f->base &= ~R_MODIFY;
		f->inh &= ~R_MODIFY;
	}
	return 0;
}

void hw_wasi_set_flags(hw_wasi *w, unsigned flags)
{
	w->flags = flags & (HW_WASI_YIELD_SUSPENDS | HW_WASI_SLEEP_SUSPENDS);
}

bool hw_wasi_exited(const hw_wasi *w, uint32_t *code)
{
	if (w->exited && code)
		*code = w->exit_code;
	return w->exited;
}

bool hw_wasi_sleep_until(const hw_wasi *w, uint64_t *ns)
{
	if (w->sleeping && ns)
		*ns = w->sleep_until;
	return w->sleeping;
}

void hw_wasi_flush(hw_wasi *w)
{
	for (int i = 1; i <= 2 && (uint32_t)i < w->nfds; i++)
		line_flush(&w->fds[i], i);
}

/* ---- args, environ ---- */

static int sizes_get(hw_hostcall *hc, const hw_val *a, uint32_t n,
		     uint32_t bytes)
{
	int e = hw__wasi_put32(hc, a[0].i32, n);

	return e ? e : hw__wasi_put32(hc, a[1].i32, bytes);
}

/* Write n pointers at ptrs and the packed strings at buf. */
static int strings_get(hw_hostcall *hc, const hw_val *a, uint32_t n,
		       const char *strs, uint32_t bytes)
{
	uint8_t *ptrs = hw__wasi_mem(hc, a[0].i32, (uint64_t)n * 4);
	uint8_t *buf = hw__wasi_mem(hc, a[1].i32, bytes);
	uint32_t off = 0;

	if (!ptrs || !buf)
		return WE_FAULT;
	if (bytes)
		memcpy(buf, strs, bytes);
	for (uint32_t i = 0; i < n; i++) {
		wput32(ptrs + 4 * i, a[1].i32 + off);
		off += (uint32_t)strlen(strs + off) + 1;
	}
	return WE_SUCCESS;
}

static int w_args_sizes_get(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			    hw_val *r)
{
	return sizes_get(hc, a, w->argc, w->argbytes);
}

static int w_args_get(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r)
{
	return strings_get(hc, a, w->argc, w->argbuf, w->argbytes);
}

static int w_environ_sizes_get(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			       hw_val *r)
{
	return sizes_get(hc, a, w->envc, w->envbytes);
}

static int w_environ_get(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			 hw_val *r)
{
	return strings_get(hc, a, w->envc, w->envbuf, w->envbytes);
}

/* ---- clocks, random ---- */

static int clock_of(uint32_t id, clockid_t *out)
{
	static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC,
					CLOCK_PROCESS_CPUTIME_ID,
					CLOCK_THREAD_CPUTIME_ID};

	if (id >= 4)
		return WE_INVAL;
	*out = ids[id];
	return WE_SUCCESS;
}

static uint64_t ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts_ns(&ts);
}

static int w_clock_res_get(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			   hw_val *r)
{
	struct timespec ts;
	clockid_t c;
	int e = clock_of(a[0].i32, &c);

	if (e)
		return e;
	if (clock_getres(c, &ts))
		return hw__wasi_errno(errno);
	return hw__wasi_put64(hc, a[1].i32, ts_ns(&ts));
}

static int w_clock_time_get(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			    hw_val *r)
{
	clockid_t c;
	int e = clock_of(a[0].i32, &c);

	return e ? e : hw__wasi_put64(hc, a[2].i32, now_ns(c));
}

static int w_random_get(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r)
{
	uint8_t *p = hw__wasi_mem(hc, a[0].i32, a[1].i32);
	size_t left = a[1].i32;

	if (!p)
		return WE_FAULT;
	while (left) {
		ssize_t n = getrandom(p, left, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return hw__wasi_errno(errno);
		}
		p += n;
		left -= (size_t)n;
	}
	return WE_SUCCESS;
}

/* ---- stdio and file read/write ---- */

/* Append to a line-mode buffer, delivering each complete line. */
static int line_write(wfd *f, int fd, const char *p, size_t n)
{
	if (!f->line.buf) {
		f->line.buf = malloc(HW_WASI_MAX_LINE);
		if (!f->line.buf)
			return WE_NOMEM;
	}
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;
		size_t room = HW_WASI_MAX_LINE - f->line.len;

		if (take > room)
			take = room;
		memcpy(f->line.buf + f->line.len, p, take);
		f->line.len += (uint32_t)take;
		p += take;
		n -= take;
		if (n && *p == '\n') {
			f->wfn(f->env, fd, f->line.buf, f->line.len);
			f->line.len = 0;
			p++;
			n--;
		} else if (f->line.len == HW_WASI_MAX_LINE) {
			f->wfn(f->env, fd, f->line.buf, f->line.len);
			f->line.len = 0;
		}
	}
	return WE_SUCCESS;
}

static int w_fd_write(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r)
{
	struct iovec iov[HW_WASI_MAX_IOVS];
	uint64_t total;
	ssize_t n;
	int e;
	wfd *f = hw__wasi_fd(w, a[0].i32, R_FD_WRITE, &e);

	if (!f)
		return e;
	if ((e = hw__wasi_iovs(hc, a[1].i32, a[2].i32, iov, &total)))
		return e;
	if (!hw__wasi_mem(hc, a[3].i32, 4))
		return WE_FAULT;
	switch (f->kind) {
	case WFD_NULL:
		n = (ssize_t)total;
		break;
	case WFD_CALLBACK:
		for (uint32_t i = 0; i < a[2].i32; i++) {
			if (!iov[i].iov_len)
				continue;
			if (f->route_flags & HW_WASI_LINES)
				e = line_write(f, (int)a[0].i32,
					       iov[i].iov_base, iov[i].iov_len);
			else if (f->wfn(f->env, (int)a[0].i32, iov[i].iov_base,
					iov[i].iov_len))
				e = WE_IO;
			if (e)
				return e;
		}
		n = (ssize_t)total;
		break;
	default:
		n = writev(f->host, iov, (int)a[2].i32);
		if (n < 0)
			return hw__wasi_errno(errno);
	}
	return hw__wasi_put32(hc, a[3].i32, (uint32_t)n);
}

static int w_fd_read(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r)
{
	struct iovec iov[HW_WASI_MAX_IOVS];
	uint64_t total;
	ssize_t n = 0;
	int e;
	wfd *f = hw__wasi_fd(w, a[0].i32, R_FD_READ, &e);

	if (!f)
		return e;
	if ((e = hw__wasi_iovs(hc, a[1].i32, a[2].i32, iov, &total)))
		return e;
	if (!hw__wasi_mem(hc, a[3].i32, 4))
		return WE_FAULT;
	switch (f->kind) {
	case WFD_NULL:
		break;
	case WFD_CALLBACK:
		/* one call for the first non-empty buffer: a short read */
		for (uint32_t i = 0; i < a[2].i32; i++) {
			int64_t got;

			if (!iov[i].iov_len)
				continue;
			got = f->rfn(f->env, iov[i].iov_base, iov[i].iov_len);
			if (got < 0 || (uint64_t)got > iov[i].iov_len)
				return WE_IO;
			n = (ssize_t)got;
			break;
		}
		break;
	default:
		n = readv(f->host, iov, (int)a[2].i32);
		if (n < 0)
			return hw__wasi_errno(errno);
	}
	return hw__wasi_put32(hc, a[3].i32, (uint32_t)n);
}

/* ---- poll_oneoff ---- */

enum { EV_CLOCK = 0, EV_FD_READ = 1, EV_FD_WRITE = 2 };

/* One event record (32 bytes) at out. */
static void put_event(uint8_t *out, uint64_t userdata, uint16_t error,
		      uint8_t type, uint64_t nbytes)
{
	memset(out, 0, 32);
	wput64(out, userdata);
	wput16(out + 8, error);
	out[10] = type;
	wput64(out + 16, nbytes);
}

/* Bytes readable now on a host fd (best effort; 0 when unknown). */
static uint64_t readable(int fd)
{
	struct stat st;
	int avail = 0;

	if (!fstat(fd, &st) && S_ISREG(st.st_mode)) {
		off_t pos = lseek(fd, 0, SEEK_CUR);

		return pos >= 0 && st.st_size > pos
			       ? (uint64_t)(st.st_size - pos)
			       : 0;
	}
	if (!ioctl(fd, FIONREAD, &avail) && avail > 0)
		return (uint64_t)avail;
	return 0;
}

static int w_poll_oneoff(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			 hw_val *r)
{
	uint32_t nsubs = a[2].i32, nev = 0, npoll = 0;
	struct pollfd pfd[HW_WASI_MAX_SUBS];
	uint32_t pidx[HW_WASI_MAX_SUBS];
	uint64_t now_mono = now_ns(CLOCK_MONOTONIC), wait = UINT64_MAX;
	const uint8_t *in;
	uint8_t *out;
	int64_t clock_sub = -1;
	struct timespec ts;
	int rc;

	if (nsubs == 0 || nsubs > HW_WASI_MAX_SUBS)
		return WE_INVAL;
	in = hw__wasi_mem(hc, a[0].i32, (uint64_t)nsubs * 48);
	out = hw__wasi_mem(hc, a[1].i32, (uint64_t)nsubs * 32);
	if (!in || !out || !hw__wasi_mem(hc, a[3].i32, 4))
		return WE_FAULT;
	/* Pass 1: events due now (ready fds, expired clocks, errors), the
	 * shortest clock wait, and the host fds to poll. */
	for (uint32_t i = 0; i < nsubs; i++) {
		const uint8_t *s = in + 48 * i;
		uint64_t ud = wget64(s);
		uint8_t tag = s[8];

		if (tag == EV_CLOCK) {
			uint32_t id = wget32(s + 16);
			uint64_t timeout = wget64(s + 24), left;
			uint16_t fl = wget16(s + 40);
			clockid_t c;

			if (clock_of(id, &c)) {
				put_event(out + 32 * nev++, ud, WE_INVAL, tag,
					  0);
				continue;
			}
			if (fl & 1) { /* absolute time on that clock */
				uint64_t now = now_ns(c);

				left = timeout > now ? timeout - now : 0;
			} else {
				left = timeout;
			}
			if (left < wait) {
				wait = left;
				clock_sub = i;
			}
		} else if (tag == EV_FD_READ || tag == EV_FD_WRITE) {
			int e;
			wfd *f = hw__wasi_fd(w, wget32(s + 16),
					     R_POLL_FD_READWRITE, &e);

			if (!f) {
				put_event(out + 32 * nev++, ud, (uint16_t)e,
					  tag, 0);
			} else if (f->kind != WFD_HOST ||
				   f->filetype == WF_FILE ||
				   f->filetype == WF_DIR) {
				/* never blocks: ready */
				put_event(out + 32 * nev++, ud, 0, tag,
					  tag == EV_FD_READ &&
							  f->kind == WFD_HOST
						  ? readable(f->host)
						  : 0);
			} else {
				pfd[npoll].fd = f->host;
				pfd[npoll].events =
					tag == EV_FD_READ ? POLLIN : POLLOUT;
				pfd[npoll].revents = 0;
				pidx[npoll++] = i;
			}
		} else {
			put_event(out + 32 * nev++, ud, WE_INVAL, tag, 0);
		}
	}
	if (nev)
		wait = 0;
	if (npoll == 0 && wait > 0 && wait != UINT64_MAX &&
	    (w->flags & HW_WASI_SLEEP_SUSPENDS)) {
		/* the embedder sleeps: the clock event is written now */
		put_event(out, wget64(in + 48 * clock_sub), 0, EV_CLOCK, 0);
		w->sleeping = true;
		w->sleep_until = now_mono + wait;
		w->suspended = true;
		if (hw__wasi_put32(hc, a[3].i32, 1))
			return WE_FAULT;
		return W_SUSPEND;
	}
	if (npoll == 0 && wait == UINT64_MAX)
		return WE_INVAL; /* nothing could ever happen */
	if (wait != UINT64_MAX) {
		ts.tv_sec = (time_t)(wait / 1000000000u);
		ts.tv_nsec = (long)(wait % 1000000000u);
	}
	if (npoll) {
		do
			rc = ppoll(pfd, npoll, wait == UINT64_MAX ? NULL : &ts,
				   NULL);
		while (rc < 0 && errno == EINTR);
		if (rc < 0)
			return hw__wasi_errno(errno);
		for (uint32_t j = 0; j < npoll; j++) {
			const uint8_t *s = in + 48 * pidx[j];

			if (!pfd[j].revents)
				continue;
			put_event(out + 32 * nev, wget64(s),
				  (pfd[j].revents & POLLNVAL) ? WE_BADF : 0,
				  s[8],
				  s[8] == EV_FD_READ ? readable(pfd[j].fd) : 0);
			if (pfd[j].revents & POLLHUP)
				wput16(out + 32 * nev + 24, 1); /* hangup */
			nev++;
		}
	} else if (wait) {
		uint64_t until = now_mono + wait;

		ts.tv_sec = (time_t)(until / 1000000000u);
		ts.tv_nsec = (long)(until % 1000000000u);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				       NULL) == EINTR)
			;
	}
	if (nev == 0 && clock_sub >= 0)
		put_event(out + 32 * nev++, wget64(in + 48 * clock_sub), 0,
			  EV_CLOCK, 0);
	return hw__wasi_put32(hc, a[3].i32, nev);
}

/* ---- process ---- */

static int w_proc_exit(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r)
{
	w->exited = true;
	w->exit_code = a[0].i32;
	hw_wasi_flush(w);
	hw_hostcall_trap(hc, "proc_exit(%" PRIu32 ")", a[0].i32);
	return W_TRAP;
}

static int w_proc_raise(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r)
{
	return WE_NOSYS;
}

static int w_sched_yield(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			 hw_val *r)
{
	if (!(w->flags & HW_WASI_YIELD_SUSPENDS))
		return WE_SUCCESS;
	w->suspended = true;
	return W_SUSPEND;
}

/* Sockets: the context never holds one. */
static int no_sock(hw_wasi *w, uint32_t fd)
{
	int e;

	return hw__wasi_fd(w, fd, 0, &e) ? WE_NOTSOCK : e;
}

static int w_sock_accept(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			 hw_val *r)
{
	return no_sock(w, a[0].i32);
}
#define w_sock_recv	w_sock_accept
#define w_sock_send	w_sock_accept
#define w_sock_shutdown w_sock_accept

/* ---- the function table and linking ---- */

typedef struct wdef {
	const char *name;
	const char *params, *results; /* 'i' i32, 'I' i64 */
	wasi_fn fn;
} wdef;

#define CORE_FUNCS(X)                                                          \
	X(args_get, "ii", "i")                                                 \
	X(args_sizes_get, "ii", "i")                                           \
	X(environ_get, "ii", "i")                                              \
	X(environ_sizes_get, "ii", "i")                                        \
	X(clock_res_get, "ii", "i")                                            \
	X(clock_time_get, "iIi", "i")                                          \
	X(fd_read, "iiii", "i")                                                \
	X(fd_write, "iiii", "i")                                               \
	X(poll_oneoff, "iiii", "i")                                            \
	X(proc_exit, "i", "")                                                  \
	X(proc_raise, "i", "i")                                                \
	X(sched_yield, "", "i")                                                \
	X(random_get, "ii", "i")                                               \
	X(sock_accept, "iii", "i")                                             \
	X(sock_recv, "iiiiii", "i")                                            \
	X(sock_send, "iiiii", "i")                                             \
	X(sock_shutdown, "ii", "i")

#define CORE_DEF(n, p, r) {#n, p, r, w_##n},
#define FS_DEF(n, p, r)	  {#n, p, r, hw__wasi_##n},
static const wdef defs[] = {CORE_FUNCS(CORE_DEF) HW__WASI_FS_FUNCS(FS_DEF)};
#define NDEFS (sizeof defs / sizeof *defs)

/* env of each host function: the context and which function */
typedef struct wbind {
	hw_wasi *w;
	const wdef *def;
} wbind;

static int trampoline(hw_hostcall *hc, void *env, const hw_val *a, hw_val *r)
{
	const wbind *b = env;
	hw_wasi *w = b->w;
	int e;

	w->sleeping = false;
	w->suspended = false;
	e = b->def->fn(w, hc, a, r);
	if (e == W_TRAP)
		return HW_HOST_TRAP;
	if (e == W_SUSPEND)
		return HW_HOST_SUSPEND;
	if (b->def->results[0])
		r[0].i32 = (uint32_t)e;
	return HW_HOST_OK;
}

static void types_of(const char *s, hw_valtype *out)
{
	for (; *s; s++)
		*out++ = *s == 'I' ? HW_I64 : HW_I32;
}

/* The context's host function for defs[k], made on first use (a program
 * imports a handful of the 46, and an idle process should not pay for the
 * rest). w->funcs holds NDEFS pointers, then the NDEFS binds. */
static int func_of(hw_wasi *w, size_t k, hw_func **out)
{
	wbind *binds;
	hw_valtype p[16], r[1];
	int rc;

	if (!w->funcs) {
		w->funcs =
			calloc(1, NDEFS * (sizeof *w->funcs + sizeof *binds));
		if (!w->funcs)
			return HB_ENOMEM;
	}
	if (!w->funcs[k]) {
		binds = (wbind *)(w->funcs + NDEFS);
		binds[k].w = w;
		binds[k].def = &defs[k];
		types_of(defs[k].params, p);
		types_of(defs[k].results, r);
		rc = hw_func_new(p, (uint32_t)strlen(defs[k].params), r,
				 (uint32_t)strlen(defs[k].results), trampoline,
				 &binds[k], &w->funcs[k]);
		if (rc)
			return rc;
	}
	*out = w->funcs[k];
	return 0;
}

static void free_funcs(hw_wasi *w)
{
	if (!w->funcs)
		return;
	for (size_t i = 0; i < NDEFS; i++)
		hw_func_free(w->funcs[i]);
	free(w->funcs);
}

static bool type_is(const char *s, uint32_t n, const uint8_t *types)
{
	if (strlen(s) != n)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (types[i] != (s[i] == 'I' ? HW_I64 : HW_I32))
			return false;
	return true;
}

static int link_error(hw_error *err, int code, const char *reason,
		      const hw_extern_info *imp)
{
	if (err) {
		memset(err, 0, sizeof *err);
		err->code = code;
		err->section = 2;
		snprintf(err->reason, sizeof err->reason, "%s", reason);
		snprintf(err->message, sizeof err->message,
			 "import section: %s: \"%.*s\" \"%.*s\"", reason,
			 (int)(imp->module_len > 64 ? 64 : imp->module_len),
			 imp->module,
			 (int)(imp->name_len > 64 ? 64 : imp->name_len),
			 imp->name);
	}
	return code;
}

static const char WASI_MODULE[] = "wasi_snapshot_preview1";

int hw_wasi_link(hw_wasi *w, const hw_module *m, hw_wasi_resolve_fn resolve,
		 void *env, hw_extern *imports, hw_error *err)
{
	uint32_t n = hw_module_import_count(m);
	int rc;

	for (uint32_t i = 0; i < n; i++) {
		hw_extern_info imp;
		size_t k;

		hw_module_import(m, i, &imp);
		if (imp.module_len == sizeof WASI_MODULE - 1 &&
		    !memcmp(imp.module, WASI_MODULE, imp.module_len)) {
			for (k = 0; k < NDEFS; k++)
				if (strlen(defs[k].name) == imp.name_len &&
				    !memcmp(defs[k].name, imp.name,
					    imp.name_len))
					break;
			if (k == NDEFS)
				return link_error(err, HB_EUNLINKABLE,
						  "unknown import", &imp);
			if (imp.kind != HW_EXTERN_FUNC ||
			    !type_is(defs[k].params, imp.nparams, imp.params) ||
			    !type_is(defs[k].results, imp.nresults,
				     imp.results))
				return link_error(err, HB_EUNLINKABLE,
						  "incompatible import type",
						  &imp);
			imports[i].kind = HW_EXTERN_FUNC;
			rc = func_of(w, k, &imports[i].u.func);
			if (rc) {
				if (err) {
					memset(err, 0, sizeof *err);
					err->code = rc;
					err->section = -1;
					snprintf(err->message,
						 sizeof err->message,
						 "out of memory");
				}
				return rc;
			}
		} else if (!resolve || resolve(env, &imp, &imports[i])) {
			return link_error(err, HB_EUNLINKABLE, "unknown import",
					  &imp);
		}
	}
	return 0;
}

int hw_wasi_instantiate(hw_wasi *w, hw_module *m, hw_wasi_resolve_fn resolve,
			void *env, const hw_instance_opts *opts,
			hw_instance **out, hw_error *err)
{
	uint32_t n = hw_module_import_count(m);
	hw_extern *imports = calloc(n ? n : 1, sizeof *imports);
	int rc;

	*out = NULL;
	if (!imports)
		return HB_ENOMEM;
	rc = hw_wasi_link(w, m, resolve, env, imports, err);
	if (!rc)
		rc = hw_instance_new(m, imports, n, opts, out, err);
	free(imports);
	return rc;
}

/* ---- running a command ---- */

static int drive(hw_wasi *w, hw_instance *inst, int st, int64_t slice)
{
	hw_val one = {.i32 = 0};

	for (;;) {
		if (st == HW_OUT_OF_FUEL) {
			hw_instance_set_fuel(inst, slice);
			st = hw_instance_resume(inst, NULL, 0, NULL, 0);
		} else if (st == HW_SUSPENDED) {
			uint64_t until;

			if (!w->suspended) {
				hw_instance_abort(inst);
				return HB_ENOSYS;
			}
			if (hw_wasi_sleep_until(w, &until)) {
				struct timespec ts = {
					.tv_sec = (time_t)(until / 1000000000u),
					.tv_nsec = (long)(until % 1000000000u)};

				while (clock_nanosleep(CLOCK_MONOTONIC,
						       TIMER_ABSTIME, &ts,
						       NULL) == EINTR)
					;
			}
			w->sleeping = false;
			w->suspended = false;
			st = hw_instance_resume(inst, &one, 1, NULL, 0);
		} else {
			return st;
		}
	}
}

int hw_wasi_run(hw_wasi *w, hw_instance *inst, int64_t fuel_slice,
		uint32_t *exit_code)
{
	int64_t slice = fuel_slice > 0 ? fuel_slice : INT64_MAX;
	hw_func *f = hw_instance_func(inst, "_start");
	uint32_t np, nr;
	int st;

	*exit_code = 0;
	if (!f)
		f = hw_instance_func(inst, "_initialize");
	if (!f || (hw_func_params(f, &np), hw_func_results(f, &nr), np || nr))
		return HB_ENOENT;
	hw_instance_set_fuel(inst, slice);
	st = drive(w, inst, hw_instance_start(inst), slice);
	if (st == HW_DONE) {
		hw_instance_set_fuel(inst, slice);
		st = drive(w, inst, hw_instance_call(inst, f, NULL, 0, NULL, 0),
			   slice);
	}
	hw_wasi_flush(w);
	if (st == HW_DONE)
		return 0;
	if (st == HW_TRAPPED) {
		if (hw_wasi_exited(w, exit_code))
			return 0;
		return HB_ETRAP;
	}
	return st < 0 ? st : HB_EINVAL;
}
