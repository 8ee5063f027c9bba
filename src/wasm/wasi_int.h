/* wasi_int.h — structs and helpers shared by the WASI files: wasi.c
 * (context, linking, args, clocks, stdio, poll, proc) and wasi_fs.c (fd and
 * path calls in granted directories). Built on the public hw_* API. */
#ifndef HEARTH_WASI_INT_H
#define HEARTH_WASI_INT_H

#include <stdint.h>
#include <string.h>

#include "hearth/limits.h"
#include "hearth/wasi.h"
#include "hearth/wasm.h"

/* WASI errno values (preview 1, witx numbering). */
enum {
	WE_SUCCESS = 0,
	WE_2BIG = 1,
	WE_ACCES = 2,
	WE_AGAIN = 6,
	WE_BADF = 8,
	WE_BUSY = 10,
	WE_EXIST = 20,
	WE_FAULT = 21,
	WE_FBIG = 22,
	WE_ILSEQ = 25,
	WE_INTR = 27,
	WE_INVAL = 28,
	WE_IO = 29,
	WE_ISDIR = 31,
	WE_LOOP = 32,
	WE_MFILE = 33,
	WE_MLINK = 34,
	WE_NAMETOOLONG = 37,
	WE_NFILE = 41,
	WE_NODEV = 43,
	WE_NOENT = 44,
	WE_NOMEM = 48,
	WE_NOSPC = 51,
	WE_NOSYS = 52,
	WE_NOTDIR = 54,
	WE_NOTEMPTY = 55,
	WE_NOTSOCK = 57,
	WE_NOTSUP = 58,
	WE_NOTTY = 59,
	WE_NXIO = 60,
	WE_OVERFLOW = 61,
	WE_PERM = 63,
	WE_PIPE = 64,
	WE_RANGE = 68,
	WE_ROFS = 69,
	WE_SPIPE = 70,
	WE_TXTBSY = 74,
	WE_XDEV = 75,
	WE_NOTCAPABLE = 76
};

/* File types. */
enum {
	WF_UNKNOWN = 0,
	WF_BLOCK = 1,
	WF_CHAR = 2,
	WF_DIR = 3,
	WF_FILE = 4,
	WF_DGRAM = 5,
	WF_STREAM = 6,
	WF_SYMLINK = 7
};

/* Rights (one bit each, witx order). */
#define WR(n)			  ((uint64_t)1 << (n))
#define R_FD_DATASYNC		  WR(0)
#define R_FD_READ		  WR(1)
#define R_FD_SEEK		  WR(2)
#define R_FD_FDSTAT_SET_FLAGS	  WR(3)
#define R_FD_SYNC		  WR(4)
#define R_FD_TELL		  WR(5)
#define R_FD_WRITE		  WR(6)
#define R_FD_ADVISE		  WR(7)
#define R_FD_ALLOCATE		  WR(8)
#define R_PATH_CREATE_DIRECTORY	  WR(9)
#define R_PATH_CREATE_FILE	  WR(10)
#define R_PATH_LINK_SOURCE	  WR(11)
#define R_PATH_LINK_TARGET	  WR(12)
#define R_PATH_OPEN		  WR(13)
#define R_FD_READDIR		  WR(14)
#define R_PATH_READLINK		  WR(15)
#define R_PATH_RENAME_SOURCE	  WR(16)
#define R_PATH_RENAME_TARGET	  WR(17)
#define R_PATH_FILESTAT_GET	  WR(18)
#define R_PATH_FILESTAT_SET_SIZE  WR(19)
#define R_PATH_FILESTAT_SET_TIMES WR(20)
#define R_FD_FILESTAT_GET	  WR(21)
#define R_FD_FILESTAT_SET_SIZE	  WR(22)
#define R_FD_FILESTAT_SET_TIMES	  WR(23)
#define R_PATH_SYMLINK		  WR(24)
#define R_PATH_REMOVE_DIRECTORY	  WR(25)
#define R_PATH_UNLINK_FILE	  WR(26)
#define R_POLL_FD_READWRITE	  WR(27)
#define R_SOCK_SHUTDOWN		  WR(28)
#define R_SOCK_ACCEPT		  WR(29)
#define R_ALL			  (WR(30) - 1)

/* What a regular file may be granted, what a directory may be granted,
 * and what modifies the file system (taken away by HW_WASI_READONLY). */
#define R_FILE                                                                 \
	(R_FD_DATASYNC | R_FD_READ | R_FD_SEEK | R_FD_FDSTAT_SET_FLAGS |       \
	 R_FD_SYNC | R_FD_TELL | R_FD_WRITE | R_FD_ADVISE | R_FD_ALLOCATE |    \
	 R_FD_FILESTAT_GET | R_FD_FILESTAT_SET_SIZE |                          \
	 R_FD_FILESTAT_SET_TIMES | R_POLL_FD_READWRITE)
#define R_DIR                                                                  \
	(R_FD_FDSTAT_SET_FLAGS | R_FD_SYNC | R_FD_ADVISE |                     \
	 R_PATH_CREATE_DIRECTORY | R_PATH_CREATE_FILE | R_PATH_LINK_SOURCE |   \
	 R_PATH_LINK_TARGET | R_PATH_OPEN | R_FD_READDIR | R_PATH_READLINK |   \
	 R_PATH_RENAME_SOURCE | R_PATH_RENAME_TARGET | R_PATH_FILESTAT_GET |   \
	 R_PATH_FILESTAT_SET_SIZE | R_PATH_FILESTAT_SET_TIMES |                \
	 R_FD_FILESTAT_GET | R_FD_FILESTAT_SET_TIMES | R_PATH_SYMLINK |        \
	 R_PATH_REMOVE_DIRECTORY | R_PATH_UNLINK_FILE)
#define R_MODIFY                                                               \
	(R_FD_DATASYNC | R_FD_WRITE | R_FD_ALLOCATE |                          \
	 R_PATH_CREATE_DIRECTORY | R_PATH_CREATE_FILE | R_PATH_LINK_SOURCE |   \
	 R_PATH_LINK_TARGET | R_PATH_RENAME_SOURCE | R_PATH_RENAME_TARGET |    \
	 R_PATH_FILESTAT_SET_SIZE | R_PATH_FILESTAT_SET_TIMES |                \
	 R_FD_FILESTAT_SET_SIZE | R_FD_FILESTAT_SET_TIMES | R_PATH_SYMLINK |   \
	 R_PATH_REMOVE_DIRECTORY | R_PATH_UNLINK_FILE)

/* fdflags */
#define FDF_APPEND   1u
#define FDF_DSYNC    2u
#define FDF_NONBLOCK 4u
#define FDF_RSYNC    8u
#define FDF_SYNC     16u

/* What an fd table slot holds. */
typedef enum wfd_kind {
	WFD_FREE = 0,
	WFD_NULL,    /* stdin at EOF / output discarded */
	WFD_HOST,    /* a host fd: borrowed stdio, or owned file/dir */
	WFD_CALLBACK /* routed stdio */
} wfd_kind;

/* One line-mode output buffer. */
typedef struct wline {
	char *buf; /* HW_WASI_MAX_LINE bytes, allocated on first use */
	uint32_t len;
} wline;

/* One fd table slot. Invariant: kind == WFD_HOST <=> host >= 0; owned
 * host fds are closed when the slot is freed. preopen: guest name of a
 * granted directory (NUL-terminated), else NULL. */
typedef struct wfd {
	wfd_kind kind;
	uint8_t filetype;
	uint16_t fdflags;
	bool owned;
	int host;
	uint64_t base, inh; /* rights */
	char *preopen;
	/* WFD_CALLBACK */
	unsigned route_flags;
	hw_wasi_write_fn wfn;
	hw_wasi_read_fn rfn;
	void *env;
	wline line;
} wfd;

struct hw_wasi {
	/* argv and environ: NUL-terminated strings packed in one buffer each */
	uint32_t argc, envc;
	char *argbuf, *envbuf;
	uint32_t argbytes, envbytes;
	wfd *fds;      /* [nfds] */
	uint32_t nfds; /* slots in use or ever used (<= HW_WASI_MAX_FDS) */
	uint32_t cap;
	unsigned flags; /* HW_WASI_YIELD_SUSPENDS | HW_WASI_SLEEP_SUSPENDS */
	bool exited;
	uint32_t exit_code;
	bool sleeping;
	bool suspended; /* the last HW_HOST_SUSPEND was ours */
	uint64_t sleep_until;
	hw_func **funcs; /* [46] host functions, each made when first
			    linked, then their binds (wasi.c) */
};

/* Host functions: every one gets the context as env. */
typedef int (*wasi_fn)(hw_wasi *w, hw_hostcall *hc, const hw_val *a, hw_val *r);

/* ---- guest memory: every access is bounds-checked ---- */

/* [addr, addr+len) of the caller's memory, or NULL (out of bounds, or no
 * memory). len 0 at any in-bounds address gives a valid pointer. */
void *hw__wasi_mem(hw_hostcall *hc, uint64_t addr, uint64_t len);

static inline void wput16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline void wput32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static inline void wput64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t wget16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t wget32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
static inline uint64_t wget64(const uint8_t *p)
{
	return (uint64_t)wget32(p) | (uint64_t)wget32(p + 4) << 32;
}

/* Store a u32/u64 result at a guest address: WE_SUCCESS or WE_FAULT. */
int hw__wasi_put32(hw_hostcall *hc, uint32_t addr, uint32_t v);
int hw__wasi_put64(hw_hostcall *hc, uint32_t addr, uint64_t v);

/* Host errno -> WASI errno. */
int hw__wasi_errno(int host_errno);

/* The slot for fd if it is open and has every right in need, else NULL
 * with *e = WE_BADF or WE_NOTCAPABLE. */
wfd *hw__wasi_fd(hw_wasi *w, uint32_t fd, uint64_t need, int *e);

/* A free slot (grows the table). OUT: *fd. Returns the slot or NULL with
 * *e = WE_MFILE / WE_NOMEM. The slot is zeroed with host = -1. */
wfd *hw__wasi_fd_alloc(hw_wasi *w, uint32_t *fd, int *e);

/* Release a slot (closes an owned host fd, frees buffers). */
void hw__wasi_fd_release(hw_wasi *w, wfd *f);

/* Gather the guest iovec array at iovs (n entries) into host iovecs.
 * OUT: *out (an array of at most HW_WASI_MAX_IOVS; caller's storage),
 * *total (sum of lengths, capped). Returns WE_SUCCESS, WE_FAULT or
 * WE_INVAL. */
struct iovec;
int hw__wasi_iovs(hw_hostcall *hc, uint32_t iovs, uint32_t n, struct iovec *out,
		  uint64_t *total);

/* Write an fdstat/filestat from a host struct stat. */
struct stat;
uint8_t hw__wasi_filetype(const struct stat *st);
void hw__wasi_filestat(uint8_t *p, const struct stat *st);

/* The fd and path functions of wasi_fs.c, by name, for the link table. */
#define HW__WASI_FS_FUNCS(X)                                                   \
	X(fd_advise, "iIIi", "i")                                              \
	X(fd_allocate, "iII", "i")                                             \
	X(fd_close, "i", "i")                                                  \
	X(fd_datasync, "i", "i")                                               \
	X(fd_fdstat_get, "ii", "i")                                            \
	X(fd_fdstat_set_flags, "ii", "i")                                      \
	X(fd_fdstat_set_rights, "iII", "i")                                    \
	X(fd_filestat_get, "ii", "i")                                          \
	X(fd_filestat_set_size, "iI", "i")                                     \
	X(fd_filestat_set_times, "iIIi", "i")                                  \
	X(fd_pread, "iiiIi", "i")                                              \
	X(fd_prestat_get, "ii", "i")                                           \
	X(fd_prestat_dir_name, "iii", "i")                                     \
	X(fd_pwrite, "iiiIi", "i")                                             \
	X(fd_readdir, "iiiIi", "i")                                            \
	X(fd_renumber, "ii", "i")                                              \
	X(fd_seek, "iIii", "i")                                                \
	X(fd_sync, "i", "i")                                                   \
	X(fd_tell, "ii", "i")                                                  \
	X(path_create_directory, "iii", "i")                                   \
	X(path_filestat_get, "iiiii", "i")                                     \
	X(path_filestat_set_times, "iiiiIIi", "i")                             \
	X(path_link, "iiiiiii", "i")                                           \
	X(path_open, "iiiiiIIii", "i")                                         \
	X(path_readlink, "iiiiii", "i")                                        \
	X(path_remove_directory, "iii", "i")                                   \
	X(path_rename, "iiiiii", "i")                                          \
	X(path_symlink, "iiiii", "i")                                          \
	X(path_unlink_file, "iii", "i")

#define HW__WASI_DECL(name, p, r)                                              \
	int hw__wasi_##name(hw_wasi *w, hw_hostcall *hc, const hw_val *a,      \
			    hw_val *res);
HW__WASI_FS_FUNCS(HW__WASI_DECL)
#undef HW__WASI_DECL

#endif
