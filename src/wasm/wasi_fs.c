/* wasi_fs.c — WASI preview 1 fd and path calls. Paths are only ever
 * resolved by the kernel beneath a granted directory (openat2 with
 * RESOLVE_BENEATH): "..", absolute paths and symbolic links leading out
 * fail with ENOTCAPABLE; the last component of a non-following call is
 * handled by an *at() call on its parent that never follows it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hearth/error.h"
#include "wasi_int.h"

#define LOOKUP_FOLLOW 1u /* lookupflags.symlink_follow */

/* ---- stat ---- */

uint8_t hw__wasi_filetype(const struct stat *st)
{
	switch (st->st_mode & S_IFMT) {
	case S_IFDIR:
		return WF_DIR;
	case S_IFREG:
		return WF_FILE;
	case S_IFLNK:
		return WF_SYMLINK;
	case S_IFCHR:
		return WF_CHAR;
	case S_IFBLK:
		return WF_BLOCK;
	case S_IFSOCK:
		return WF_STREAM;
	default:
		return WF_UNKNOWN;
	}
}

static uint64_t ts_ns(struct timespec ts)
{
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void hw__wasi_filestat(uint8_t *p, const struct stat *st)
{
	memset(p, 0, 64);
	wput64(p, (uint64_t)st->st_dev);
	wput64(p + 8, (uint64_t)st->st_ino);
	p[16] = hw__wasi_filetype(st);
	wput64(p + 24, (uint64_t)st->st_nlink);
	wput64(p + 32, (uint64_t)st->st_size);
	wput64(p + 40, ts_ns(st->st_atim));
	wput64(p + 48, ts_ns(st->st_mtim));
	wput64(p + 56, ts_ns(st->st_ctim));
}

/* ---- paths ---- */

/* Copy the guest path [ptr, ptr+len) into out (NUL-terminated). */
static int read_path(hw_hostcall *hc, uint32_t ptr, uint32_t len, char *out)
{
	const char *p;

	if (len > HW_WASI_MAX_PATH)
		return WE_NAMETOOLONG;
	p = hw__wasi_mem(hc, ptr, len);
	if (!p)
		return WE_FAULT;
	if (len == 0)
		return WE_NOENT;
	if (memchr(p, 0, len))
		return WE_INVAL;
	memcpy(out, p, len);
	out[len] = 0;
	return WE_SUCCESS;
}

/* openat2 beneath dirfd; returns the fd or -1 with errno. */
static int open_beneath(int dirfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC),
			       .mode = (flags & O_CREAT) ? mode : 0,
			       .resolve =
				       RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
	long fd;

	if (path[0] == '/') {
		errno = EXDEV; /* absolute: leads out of the grant */
		return -1;
	}
	do
		fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
	while (fd < 0 && errno == EAGAIN);
	return (int)fd;
}

/* The directory fd a path call works in: an open directory of the table
 * with right need. OUT: *dir. */
static int dir_fd(hw_wasi *w, uint32_t fd, uint64_t need, wfd **dir)
{
	int e;
	wfd *f = hw__wasi_fd(w, fd, need, &e);

	if (!f)
		return e;
	if (f->kind != WFD_HOST || f->filetype != WF_DIR)
		return WE_NOTDIR;
	*dir = f;
	return WE_SUCCESS;
}

/* A path split into its parent directory, opened beneath the grant, and
 * its last component. Invariant: pfd is dir->host or owned (close_parent);
 * base is non-empty; dots: base is "." or "..". */
typedef struct wparent {
	int pfd;
	bool owned;
	const char *base;
	bool dots;
} wparent;

static void close_parent(wparent *p)
{
	if (p->owned)
		close(p->pfd);
	p->owned = false;
}

/* Resolve the parent of path (modified in place) beneath dir. */
static int parent_of(wfd *dir, char *path, wparent *p)
{
	size_t n = strlen(path);
	char *slash;

	p->owned = false;
	if (path[0] == '/')
		return WE_NOTCAPABLE;
	while (n > 1 && path[n - 1] == '/')
		path[--n] = 0;
	slash = strrchr(path, '/');
	if (!slash) {
		p->pfd = dir->host;
		p->base = path;
	} else {
		*slash = 0;
		p->pfd = open_beneath(dir->host, path, O_PATH | O_DIRECTORY, 0);
		*slash = '/';
		if (p->pfd < 0)
			return hw__wasi_errno(errno);
		p->owned = true;
		p->base = slash + 1;
	}
	p->dots = !strcmp(p->base, ".") || !strcmp(p->base, "..");
	return WE_SUCCESS;
}

/* For a call that cannot act on "." or "..": confirm the path stays
 * beneath the grant (else ENOTCAPABLE), then refuse with e. */
static int refuse_dots(wfd *dir, const char *path, int e)
{
	int fd = open_beneath(dir->host, path, O_PATH, 0);

	if (fd < 0)
		return hw__wasi_errno(errno);
	close(fd);
	return e;
}

/* Read the path argument pair at a[i], a[i+1] and split it for dir. */
static int split(hw_hostcall *hc, const hw_val *a, int i, wfd *dir, char *buf,
		 wparent *p)
{
	int e = read_path(hc, a[i].i32, a[i + 1].i32, buf);

	return e ? e : parent_of(dir, buf, p);
}

/* ---- fd calls ---- */

/* A host fd with right need, else BADF/NOTCAPABLE, or bad (e.g. ESPIPE)
 * when the slot is not a host fd. */
static wfd *host_fd(hw_wasi *w, uint32_t fd, uint64_t need, int bad, int *e)
{
	wfd *f = hw__wasi_fd(w, fd, need, e);

	if (f && f->kind != WFD_HOST) {
		*e = bad;
		return NULL;
	}
	return f;
}

int hw__wasi_fd_advise(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r)
{
	static const int adv[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL,
				  POSIX_FADV_RANDOM,   POSIX_FADV_WILLNEED,
				  POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
	int e;
	wfd *f = host_fd(w, a[0].i32, R_FD_ADVISE, WE_BADF, &e);

	if (!f)
		return e;
	if (a[3].i32 > 5 || (int64_t)a[1].i64 < 0 || (int64_t)a[2].i64 < 0)
		return WE_INVAL;
	if (f->filetype == WF_DIR)
		return WE_BADF;
	return hw__wasi_errno(posix_fadvise(f->host, (off_t)a[1].i64,
					    (off_t)a[2].i64, adv[a[3].i32]));
}

int hw__wasi_fd_allocate(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			 hw_val *r)
{
	int e;
	wfd *f = host_fd(w, a[0].i32, R_FD_ALLOCATE, WE_BADF, &e);

	if (!f)
		return e;
	if ((int64_t)a[1].i64 < 0 || (int64_t)a[2].i64 <= 0 ||
	    a[1].i64 + a[2].i64 > INT64_MAX)
		return WE_INVAL;
	return hw__wasi_errno(
		posix_fallocate(f->host, (off_t)a[1].i64, (off_t)a[2].i64));
}

int hw__wasi_fd_close(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r)
{
	int e;
	wfd *f = hw__wasi_fd(w, a[0].i32, 0, &e);

	if (!f)
		return e;
	hw__wasi_fd_release(w, f);
	return WE_SUCCESS;
}

int hw__wasi_fd_datasync(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			 hw_val *r)
{
	int e;
	wfd *f = host_fd(w, a[0].i32, R_FD_DATASYNC, WE_INVAL, &e);

	if (!f)
		return e;
	return fdatasync(f->host) ? hw__wasi_errno(errno) : WE_SUCCESS;
}

int hw__wasi_fd_sync(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r)
{
	int e;
	wfd *f = host_fd(w, a[0].i32, R_FD_SYNC, WE_INVAL, &e);

	if (!f)
		return e;
	return fsync(f->host) ? hw__wasi_errno(errno) : WE_SUCCESS;
}

int hw__wasi_fd_fdstat_get(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			   hw_val *r)
{
	uint8_t *p = hw__wasi_mem(hc, a[1].i32, 24);
	int e;
	wfd *f = hw__wasi_fd(w, a[0].i32, 0, &e);

	if (!f)
		return e;
	if (!p)
		return WE_FAULT;
	memset(p, 0, 24);
	p[0] = f->filetype;
	wput16(p + 2, f->fdflags);
	wput64(p + 8, f->base);
	wput64(p + 16, f->inh);
	return WE_SUCCESS;
}

int hw__wasi_fd_fdstat_set_flags(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
				 hw_val *r)
{
	uint32_t fl = a[1].i32;
	int e, cur;
	wfd *f = hw__wasi_fd(w, a[0].i32, R_FD_FDSTAT_SET_FLAGS, &e);

	if (!f)
		return e;
	if (fl &
	    ~(FDF_APPEND | FDF_DSYNC | FDF_NONBLOCK | FDF_RSYNC | FDF_SYNC))
		return WE_INVAL;
	if ((fl ^ f->fdflags) & (FDF_DSYNC | FDF_RSYNC | FDF_SYNC))
		return WE_NOTSUP; /* Linux cannot change these on an open fd */
	if (f->kind == WFD_HOST) {
		cur = fcntl(f->host, F_GETFL);
		if (cur < 0)
			return hw__wasi_errno(errno);
		cur &= ~(O_APPEND | O_NONBLOCK);
		if (fl & FDF_APPEND)
			cur |= O_APPEND;
		if (fl & FDF_NONBLOCK)
			cur |= O_NONBLOCK;
		if (fcntl(f->host, F_SETFL, cur))
			return hw__wasi_errno(errno);
	}
	f->fdflags = (uint16_t)fl;
	return WE_SUCCESS;
}

int hw__wasi_fd_fdstat_set_rights(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
				  hw_val *r)
{
	int e;
	wfd *f = hw__wasi_fd(w, a[0].i32, 0, &e);

	if (!f)
		return e;
	if ((a[1].i64 & ~f->base) || (a[2].i64 & ~f->inh))
		return WE_NOTCAPABLE; /* rights are only ever dropped */
	f->base = a[1].i64;
	f->inh = a[2].i64;
	return WE_SUCCESS;
}

int hw__wasi_fd_filestat_get(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			     hw_val *r)
{
	uint8_t *p = hw__wasi_mem(hc, a[1].i32, 64);
	struct stat st;
	int e;
	wfd *f = hw__wasi_fd(w, a[0].i32, R_FD_FILESTAT_GET, &e);

	if (!f)
		return e;
	if (!p)
		return WE_FAULT;
	if (f->kind != WFD_HOST) {
		memset(p, 0, 64);
		p[16] = f->filetype;
		return WE_SUCCESS;
	}
	if (fstat(f->host, &st))
		return hw__wasi_errno(errno);
	hw__wasi_filestat(p, &st);
	return WE_SUCCESS;
}

int hw__wasi_fd_filestat_set_size(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
				  hw_val *r)
{
	int e;
	wfd *f = host_fd(w, a[0].i32, R_FD_FILESTAT_SET_SIZE, WE_INVAL, &e);

	if (!f)
		return e;
	if (a[1].i64 > INT64_MAX)
		return WE_INVAL;
	return ftruncate(f->host, (off_t)a[1].i64) ? hw__wasi_errno(errno)
						   : WE_SUCCESS;
}

/* fstflags -> timespec[2]; WE_INVAL for a contradiction. */
static int times_of(uint64_t atim, uint64_t mtim, uint32_t fl,
		    struct timespec ts[2])
{
	const uint64_t t[2] = {atim, mtim};

	if (fl & ~15u || (fl & 3) == 3 || (fl & 12) == 12)
		return WE_INVAL;
	for (int i = 0; i < 2; i++) {
		uint32_t f = fl >> (2 * i);

		if (f & 2) {
			ts[i].tv_sec = 0;
			ts[i].tv_nsec = UTIME_NOW;
		} else if (f & 1) {
			ts[i].tv_sec = (time_t)(t[i] / 1000000000u);
			ts[i].tv_nsec = (long)(t[i] % 1000000000u);
		} else {
			ts[i].tv_sec = 0;
			ts[i].tv_nsec = UTIME_OMIT;
		}
	}
	return WE_SUCCESS;
}

int hw__wasi_fd_filestat_set_times(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
				   hw_val *r)
{
	struct timespec ts[2];
	int e;
	wfd *f = host_fd(w, a[0].i32, R_FD_FILESTAT_SET_TIMES, WE_INVAL, &e);

	if (!f)
		return e;
	if ((e = times_of(a[1].i64, a[2].i64, a[3].i32, ts)))
		return e;
	return futimens(f->host, ts) ? hw__wasi_errno(errno) : WE_SUCCESS;
}

static int prw(hw_wasi *w, hw_hostcall *hc, const hw_val *a, bool write)
{
	struct iovec iov[HW_WASI_MAX_IOVS];
	uint64_t total;
	ssize_t n;
	int e;
	wfd *f = host_fd(w, a[0].i32,
			 (write ? R_FD_WRITE : R_FD_READ) | R_FD_SEEK, WE_SPIPE,
			 &e);

	if (!f)
		return e;
	if ((e = hw__wasi_iovs(hc, a[1].i32, a[2].i32, iov, &total)))
		return e;
	if (a[3].i64 > INT64_MAX)
		return WE_INVAL;
	if (!hw__wasi_mem(hc, a[4].i32, 4))
		return WE_FAULT;
	n = write ? pwritev(f->host, iov, (int)a[2].i32, (off_t)a[3].i64)
		  : preadv(f->host, iov, (int)a[2].i32, (off_t)a[3].i64);
	if (n < 0)
		return hw__wasi_errno(errno);
	return hw__wasi_put32(hc, a[4].i32, (uint32_t)n);
}

int hw__wasi_fd_pread(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r)
{
	return prw(w, hc, a, false);
}

int hw__wasi_fd_pwrite(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r)
{
	return prw(w, hc, a, true);
}

int hw__wasi_fd_prestat_get(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			    hw_val *r)
{
	uint8_t *p;
	int e;
	wfd *f = hw__wasi_fd(w, a[0].i32, 0, &e);

	if (!f || !f->preopen)
		return WE_BADF; /* wasi-libc stops scanning at the first */
	p = hw__wasi_mem(hc, a[1].i32, 8);
	if (!p)
		return WE_FAULT;
	memset(p, 0, 8);
	wput32(p + 4, (uint32_t)strlen(f->preopen));
	return WE_SUCCESS;
}

int hw__wasi_fd_prestat_dir_name(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
				 hw_val *r)
{
	size_t len;
	char *p;
	int e;
	wfd *f = hw__wasi_fd(w, a[0].i32, 0, &e);

	if (!f || !f->preopen)
		return WE_BADF;
	len = strlen(f->preopen);
	if (a[2].i32 < len)
		return WE_NAMETOOLONG;
	p = hw__wasi_mem(hc, a[1].i32, len);
	if (!p)
		return WE_FAULT;
	memcpy(p, f->preopen, len);
	return WE_SUCCESS;
}

static uint8_t dtype(unsigned char t)
{
	switch (t) {
	case DT_DIR:
		return WF_DIR;
	case DT_REG:
		return WF_FILE;
	case DT_LNK:
		return WF_SYMLINK;
	case DT_CHR:
		return WF_CHAR;
	case DT_BLK:
		return WF_BLOCK;
	case DT_SOCK:
		return WF_STREAM;
	default:
		return WF_UNKNOWN;
	}
}

int hw__wasi_fd_readdir(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r)
{
	uint32_t len = a[2].i32, used = 0;
	uint8_t *buf = hw__wasi_mem(hc, a[1].i32, len);
	char tmp[8192];
	int e;
	wfd *f = host_fd(w, a[0].i32, R_FD_READDIR, WE_NOTDIR, &e);

	if (!f)
		return e;
	if (f->filetype != WF_DIR)
		return WE_NOTDIR;
	if (!buf || !hw__wasi_mem(hc, a[4].i32, 4))
		return WE_FAULT;
	if (a[3].i64 > INT64_MAX ||
	    lseek(f->host, (off_t)a[3].i64, SEEK_SET) < 0)
		return a[3].i64 > INT64_MAX ? WE_INVAL : hw__wasi_errno(errno);
	while (used < len) {
		long n = syscall(SYS_getdents64, f->host, tmp, sizeof tmp);

		if (n < 0)
			return hw__wasi_errno(errno);
		if (n == 0)
			break;
		for (long off = 0; off < n && used < len;) {
			/* struct linux_dirent64: ino, off, reclen, type, name
			 */
			const char *d = tmp + off;
			uint64_t ino, next;
			uint16_t reclen;
			uint8_t hdr[24];
			const char *name = d + 19;
			uint32_t namlen = (uint32_t)strlen(name), take;

			memcpy(&ino, d, 8);
			memcpy(&next, d + 8, 8);
			memcpy(&reclen, d + 16, 2);
			memset(hdr, 0, sizeof hdr);
			wput64(hdr, next);
			wput64(hdr + 8, ino);
			wput32(hdr + 16, namlen);
			hdr[20] = dtype((unsigned char)d[18]);
			/* a record that does not fit is cut: the guest sees a
			 * full buffer and asks again with a larger one */
			take = len - used < 24 ? len - used : 24;
			memcpy(buf + used, hdr, take);
			used += take;
			take = len - used < namlen ? len - used : namlen;
			memcpy(buf + used, name, take);
			used += take;
			off += reclen;
		}
	}
	return hw__wasi_put32(hc, a[4].i32, used);
}

int hw__wasi_fd_renumber(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			 hw_val *r)
{
	int e;
	wfd *from = hw__wasi_fd(w, a[0].i32, 0, &e), *to;

	if (!from)
		return e;
	to = hw__wasi_fd(w, a[1].i32, 0, &e);
	if (!to)
		return e;
	if (from == to)
		return WE_SUCCESS;
	hw__wasi_fd_release(w, to);
	*to = *from;
	memset(from, 0, sizeof *from);
	from->kind = WFD_FREE;
	from->host = -1;
	return WE_SUCCESS;
}

int hw__wasi_fd_seek(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r)
{
	static const int whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
	uint64_t need =
		(a[1].i64 == 0 && a[2].i32 == 1) ? R_FD_TELL : R_FD_SEEK;
	off_t pos;
	int e;
	wfd *f = host_fd(w, a[0].i32, need, WE_SPIPE, &e);

	if (!f)
		return e;
	if (a[2].i32 > 2)
		return WE_INVAL;
	if (!hw__wasi_mem(hc, a[3].i32, 8))
		return WE_FAULT;
	pos = lseek(f->host, (off_t)a[1].i64, whence[a[2].i32]);
	if (pos < 0)
		return hw__wasi_errno(errno);
	return hw__wasi_put64(hc, a[3].i32, (uint64_t)pos);
}

int hw__wasi_fd_tell(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r)
{
	off_t pos;
	int e;
	wfd *f = host_fd(w, a[0].i32, R_FD_TELL, WE_SPIPE, &e);

	if (!f)
		return e;
	pos = lseek(f->host, 0, SEEK_CUR);
	if (pos < 0)
		return hw__wasi_errno(errno);
	return hw__wasi_put64(hc, a[1].i32, (uint64_t)pos);
}

/* ---- path calls ---- */

int hw__wasi_path_create_directory(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
				   hw_val *r)
{
	char path[HW_WASI_MAX_PATH + 1];
	wparent p;
	wfd *dir = NULL;
	int e = dir_fd(w, a[0].i32, R_PATH_CREATE_DIRECTORY, &dir);

	if (e || (e = split(hc, a, 1, dir, path, &p)))
		return e;
	if (p.dots)
		e = refuse_dots(dir, path, WE_EXIST);
	else if (mkdirat(p.pfd, p.base, 0777))
		e = hw__wasi_errno(errno);
	close_parent(&p);
	return e;
}

int hw__wasi_path_filestat_get(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			       hw_val *r)
{
	char path[HW_WASI_MAX_PATH + 1];
	uint8_t *out = hw__wasi_mem(hc, a[4].i32, 64);
	struct stat st;
	wparent p;
	wfd *dir = NULL;
	int e = dir_fd(w, a[0].i32, R_PATH_FILESTAT_GET, &dir);

	if (e || (e = read_path(hc, a[2].i32, a[3].i32, path)))
		return e;
	if (!out)
		return WE_FAULT;
	if (a[1].i32 & LOOKUP_FOLLOW) {
		int fd = open_beneath(dir->host, path, O_PATH, 0);

		if (fd < 0)
			return hw__wasi_errno(errno);
		e = fstat(fd, &st) ? hw__wasi_errno(errno) : WE_SUCCESS;
		close(fd);
	} else {
		if ((e = parent_of(dir, path, &p)))
			return e;
		if (p.dots) {
			int fd = open_beneath(dir->host, path, O_PATH, 0);

			e = fd < 0 || fstat(fd, &st) ? hw__wasi_errno(errno)
						     : WE_SUCCESS;
			if (fd >= 0)
				close(fd);
		} else if (fstatat(p.pfd, p.base, &st, AT_SYMLINK_NOFOLLOW)) {
			e = hw__wasi_errno(errno);
		}
		close_parent(&p);
	}
	if (!e)
		hw__wasi_filestat(out, &st);
	return e;
}

int hw__wasi_path_filestat_set_times(hw_wasi *w, hw_hostcall *hc,
				     const hw_val *a, hw_val *r)
{
	char path[HW_WASI_MAX_PATH + 1];
	struct timespec ts[2];
	wparent p;
	wfd *dir = NULL;
	int e = dir_fd(w, a[0].i32, R_PATH_FILESTAT_SET_TIMES, &dir);

	if (e || (e = read_path(hc, a[2].i32, a[3].i32, path)) ||
	    (e = times_of(a[4].i64, a[5].i64, a[6].i32, ts)))
		return e;
	if (a[1].i32 & LOOKUP_FOLLOW) {
		int fd = open_beneath(dir->host, path, O_PATH, 0);

		if (fd < 0)
			return hw__wasi_errno(errno);
		e = utimensat(fd, "", ts, AT_EMPTY_PATH) ? hw__wasi_errno(errno)
							 : WE_SUCCESS;
		close(fd);
		return e;
	}
	if ((e = parent_of(dir, path, &p)))
		return e;
	if (p.dots) {
		int fd = open_beneath(dir->host, path, O_PATH, 0);

		e = fd < 0 || utimensat(fd, "", ts, AT_EMPTY_PATH)
			    ? hw__wasi_errno(errno)
			    : WE_SUCCESS;
		if (fd >= 0)
			close(fd);
	} else if (utimensat(p.pfd, p.base, ts, AT_SYMLINK_NOFOLLOW)) {
		e = hw__wasi_errno(errno);
	}
	close_parent(&p);
	return e;
}

int hw__wasi_path_link(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r)
{
	char op[HW_WASI_MAX_PATH + 1], np[HW_WASI_MAX_PATH + 1];
	wparent po = {.owned = false}, pn = {.owned = false};
	wfd *od = NULL, *nd = NULL;
	struct stat st;
	int e = dir_fd(w, a[0].i32, R_PATH_LINK_SOURCE, &od);

	if (e || (e = dir_fd(w, a[4].i32, R_PATH_LINK_TARGET, &nd)))
		return e;
	if ((e = split(hc, a, 2, od, op, &po)))
		goto out;
	if ((e = split(hc, a, 5, nd, np, &pn)))
		goto out;
	if (po.dots || pn.dots) {
		e = po.dots ? refuse_dots(od, op, WE_PERM)
			    : refuse_dots(nd, np, WE_EXIST);
		goto out;
	}
	/* following a last-component link could reach outside the grant:
	 * only links to non-links are made */
	if ((a[1].i32 & LOOKUP_FOLLOW) &&
	    !fstatat(po.pfd, po.base, &st, AT_SYMLINK_NOFOLLOW) &&
	    S_ISLNK(st.st_mode)) {
		e = WE_NOTSUP;
		goto out;
	}
	if (linkat(po.pfd, po.base, pn.pfd, pn.base, 0))
		e = hw__wasi_errno(errno);
out:
	close_parent(&po);
	close_parent(&pn);
	return e;
}

int hw__wasi_path_open(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r)
{
	char path[HW_WASI_MAX_PATH + 1];
	uint32_t dirflags = a[1].i32, oflags = a[4].i32, fdflags = a[7].i32;
	uint64_t base, inh, need = R_PATH_OPEN;
	bool rd, wr;
	struct stat st;
	uint32_t nfd;
	int flags, host;
	wfd *dir = NULL, *f;
	int e;

	if (oflags & ~15u || fdflags & ~(FDF_APPEND | FDF_DSYNC | FDF_NONBLOCK |
					 FDF_RSYNC | FDF_SYNC))
		return WE_INVAL;
	if (oflags & 1) /* creat */
		need |= R_PATH_CREATE_FILE;
	if (oflags & 8) /* trunc */
		need |= R_PATH_FILESTAT_SET_SIZE;
	if ((e = dir_fd(w, a[0].i32, need, &dir)) ||
	    (e = read_path(hc, a[2].i32, a[3].i32, path)))
		return e;
	if (!hw__wasi_mem(hc, a[8].i32, 4))
		return WE_FAULT;
	base = a[5].i64 & dir->inh;
	inh = a[6].i64 & dir->inh;
	rd = base & (R_FD_READ | R_FD_READDIR);
	wr = base & (R_FD_WRITE | R_FD_ALLOCATE | R_FD_FILESTAT_SET_SIZE);
	if (oflags & 2) /* directory */
		wr = false;
	flags = O_NOCTTY | (wr ? (rd ? O_RDWR : O_WRONLY) : O_RDONLY);
	if (oflags & 1)
		flags |= O_CREAT;
	if (oflags & 2)
		flags |= O_DIRECTORY;
	if (oflags & 4)
		flags |= O_EXCL;
	if (oflags & 8)
		flags |= O_TRUNC;
	if (fdflags & FDF_APPEND)
		flags |= O_APPEND;
	if (fdflags & FDF_DSYNC)
		flags |= O_DSYNC;
	if (fdflags & FDF_SYNC)
		flags |= O_SYNC;
	if (fdflags & FDF_RSYNC)
		flags |= O_RSYNC;
	if (fdflags & FDF_NONBLOCK)
		flags |= O_NONBLOCK;
	if (!(dirflags & LOOKUP_FOLLOW))
		flags |= O_NOFOLLOW;
	/* opened non-blocking, so a FIFO placed in the grant cannot hang the
	 * thread in open(); then blocking again unless the guest asked */
	host = open_beneath(dir->host, path, flags | O_NONBLOCK, 0666);
	if (host < 0)
		return hw__wasi_errno(errno);
	if (fstat(host, &st) ||
	    (!(fdflags & FDF_NONBLOCK) &&
	     fcntl(host, F_SETFL, fcntl(host, F_GETFL) & ~O_NONBLOCK))) {
		e = hw__wasi_errno(errno);
		close(host);
		return e;
	}
	f = hw__wasi_fd_alloc(w, &nfd, &e);
	if (!f) {
		close(host);
		return e;
	}
	f->kind = WFD_HOST;
	f->host = host;
	f->owned = true;
	f->filetype = hw__wasi_filetype(&st);
	f->fdflags = (uint16_t)fdflags;
	f->base = base & (S_ISDIR(st.st_mode) ? R_DIR : R_FILE);
	f->inh = S_ISDIR(st.st_mode) ? inh : 0;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		f->base &= ~(R_FD_SEEK | R_FD_TELL);
	return hw__wasi_put32(hc, a[8].i32, nfd);
}

int hw__wasi_path_readlink(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			   hw_val *r)
{
	char path[HW_WASI_MAX_PATH + 1], link[HW_WASI_MAX_PATH];
	char *out = hw__wasi_mem(hc, a[3].i32, a[4].i32);
	ssize_t n = 0;
	wparent p;
	wfd *dir = NULL;
	int e = dir_fd(w, a[0].i32, R_PATH_READLINK, &dir);

	if (e || (e = split(hc, a, 1, dir, path, &p)))
		return e;
	if (!out || !hw__wasi_mem(hc, a[5].i32, 4))
		e = WE_FAULT;
	else if (p.dots)
		e = refuse_dots(dir, path, WE_INVAL);
	else if ((n = readlinkat(p.pfd, p.base, link, sizeof link)) < 0)
		e = hw__wasi_errno(errno);
	close_parent(&p);
	if (e)
		return e;
	if ((size_t)n > a[4].i32)
		n = a[4].i32;
	memcpy(out, link, (size_t)n);
	return hw__wasi_put32(hc, a[5].i32, (uint32_t)n);
}

static int unlink_common(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			 uint64_t right, int flags)
{
	char path[HW_WASI_MAX_PATH + 1];
	wparent p;
	wfd *dir = NULL;
	int e = dir_fd(w, a[0].i32, right, &dir);

	if (e || (e = split(hc, a, 1, dir, path, &p)))
		return e;
	if (p.dots)
		e = refuse_dots(dir, path, flags ? WE_INVAL : WE_ISDIR);
	else if (unlinkat(p.pfd, p.base, flags))
		e = hw__wasi_errno(errno);
	close_parent(&p);
	return e;
}

int hw__wasi_path_remove_directory(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
				   hw_val *r)
{
	return unlink_common(w, hc, a, R_PATH_REMOVE_DIRECTORY, AT_REMOVEDIR);
}

int hw__wasi_path_unlink_file(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			      hw_val *r)
{
	return unlink_common(w, hc, a, R_PATH_UNLINK_FILE, 0);
}

int hw__wasi_path_rename(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			 hw_val *r)
{
	char op[HW_WASI_MAX_PATH + 1], np[HW_WASI_MAX_PATH + 1];
	wparent po = {.owned = false}, pn = {.owned = false};
	wfd *od = NULL, *nd = NULL;
	int e = dir_fd(w, a[0].i32, R_PATH_RENAME_SOURCE, &od);

	if (e || (e = dir_fd(w, a[3].i32, R_PATH_RENAME_TARGET, &nd)))
		return e;
	if ((e = split(hc, a, 1, od, op, &po)) ||
	    (e = split(hc, a, 4, nd, np, &pn)))
		goto out;
	if (po.dots || pn.dots)
		e = po.dots ? refuse_dots(od, op, WE_BUSY)
			    : refuse_dots(nd, np, WE_BUSY);
	else if (renameat(po.pfd, po.base, pn.pfd, pn.base))
		e = hw__wasi_errno(errno);
out:
	close_parent(&po);
	close_parent(&pn);
	return e;
}

int hw__wasi_path_symlink(hw_wasi *w, hw_hostcall *hc, const hw_val *a,
			  hw_val *r)
{
	char target[HW_WASI_MAX_PATH + 1], path[HW_WASI_MAX_PATH + 1];
	wparent p;
	wfd *dir = NULL;
	int e = dir_fd(w, a[2].i32, R_PATH_SYMLINK, &dir);

	if (e || (e = read_path(hc, a[0].i32, a[1].i32, target)))
		return e;
	/* an absolute target would name a host path: not the guest's */
	if (target[0] == '/')
		return WE_NOTCAPABLE;
	if ((e = split(hc, a, 3, dir, path, &p)))
		return e;
	if (p.dots)
		e = refuse_dots(dir, path, WE_EXIST);
	else if (symlinkat(target, p.pfd, p.base))
		e = hw__wasi_errno(errno);
	close_parent(&p);
	return e;
}
