/* wasi_guest.c — a WASI command built by clang with wasi-libc for the
 * WASI tests: argv[1] picks what it does (args, exit codes, clocks,
 * random, stdio, files in a granted directory, escape attempts, bad
 * pointers handed to the host). It prints what it sees; the tests check. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Raw WASI imports, to hand the host exactly the bytes we choose (paths
 * with explicit lengths, pointers out of bounds). */
#define WASI(name)                                                             \
	__attribute__((import_module("wasi_snapshot_preview1"),                \
		       import_name(#name)))
WASI(path_open)
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path,
		      int32_t path_len, int32_t oflags, int64_t base,
		      int64_t inh, int32_t fdflags, int32_t fd_out);
WASI(path_create_directory)
int32_t raw_mkdir(int32_t fd, int32_t path, int32_t len);
WASI(path_unlink_file)
int32_t raw_unlink(int32_t fd, int32_t path, int32_t len);
WASI(path_remove_directory)
int32_t raw_rmdir(int32_t fd, int32_t path, int32_t len);
WASI(path_rename)
int32_t raw_rename(int32_t fd, int32_t op, int32_t ol, int32_t nfd, int32_t np,
		   int32_t nl);
WASI(path_symlink)
int32_t raw_symlink(int32_t op, int32_t ol, int32_t fd, int32_t np, int32_t nl);
WASI(path_link)
int32_t raw_link(int32_t ofd, int32_t of, int32_t op, int32_t ol, int32_t nfd,
		 int32_t np, int32_t nl);
WASI(path_filestat_get)
int32_t raw_stat(int32_t fd, int32_t flags, int32_t path, int32_t len,
		 int32_t out);
WASI(path_filestat_set_times)
int32_t raw_utimes(int32_t fd, int32_t flags, int32_t path, int32_t len,
		   int64_t atim, int64_t mtim, int32_t fst);
WASI(fd_write)
int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t n, int32_t nw);
WASI(fd_read)
int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t n, int32_t nr);
WASI(args_get)
int32_t raw_args_get(int32_t argv, int32_t buf);
WASI(random_get)
int32_t raw_random_get(int32_t buf, int32_t len);
WASI(clock_time_get)
int32_t raw_clock_time_get(int32_t id, int64_t prec, int32_t out);
WASI(poll_oneoff)
int32_t raw_poll_oneoff(int32_t in, int32_t out, int32_t n, int32_t nev);
WASI(sock_accept)
int32_t raw_sock_accept(int32_t fd, int32_t flags, int32_t out);
WASI(proc_raise)
int32_t raw_proc_raise(int32_t sig);
WASI(fd_prestat_dir_name)
int32_t raw_prestat_dir_name(int32_t fd, int32_t buf, int32_t len);
WASI(fd_readdir)
int32_t raw_readdir(int32_t fd, int32_t buf, int32_t len, int64_t cookie,
		    int32_t used);

#define P(s) ((int32_t)(intptr_t)(s)), ((int32_t)strlen(s))
#define BAD  ((int32_t)0xFFFFFFF0)

static int fails;

static void expect(const char *what, int got, int want)
{
	if (got != want) {
		printf("FAIL %s: got %d, want %d\n", what, got, want);
		fails++;
	}
}

/* ---- args, exit ---- */

static int do_args(int argc, char **argv)
{
	extern char **environ;

	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	for (char **e = environ; *e; e++)
		printf("env %s\n", *e);
	return 0;
}

/* exit from deep inside nested calls: proc_exit must unwind them all */
static __attribute__((noinline)) void deep_exit(int depth, int code)
{
	if (depth == 0)
		exit(code);
	deep_exit(depth - 1, code);
	printf("unreachable after exit\n");
}

/* ---- clocks, random ---- */

static int64_t ns(clockid_t c)
{
	struct timespec ts;

	if (clock_gettime(c, &ts))
		return -1;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int do_clock(const char *host_now)
{
	int64_t host = strtoll(host_now, NULL, 10);
	int64_t rt = ns(CLOCK_REALTIME) / 1000000000;
	int64_t m0 = ns(CLOCK_MONOTONIC), m1;
	struct timespec res, nap = {0, 20 * 1000 * 1000};

	/* the host's realtime, passed in, within a minute of ours */
	expect("realtime near host", rt >= host - 60 && rt <= host + 60, 1);
	expect("monotonic", m0 > 0, 1);
	expect("cputime", ns(CLOCK_PROCESS_CPUTIME_ID) >= 0, 1);
	expect("clock_getres", clock_getres(CLOCK_MONOTONIC, &res), 0);
	expect("resolution", res.tv_sec == 0 && res.tv_nsec > 0, 1);
	expect("nanosleep", nanosleep(&nap, NULL), 0);
	m1 = ns(CLOCK_MONOTONIC);
	expect("slept 20 ms", m1 - m0 >= 20 * 1000 * 1000, 1);
	printf("clock %s\n", fails ? "bad" : "ok");
	return fails;
}

static int do_random(void)
{
	unsigned char a[32], b[32], zero[32] = {0};

	expect("getentropy a", getentropy(a, sizeof a), 0);
	expect("getentropy b", getentropy(b, sizeof b), 0);
	expect("a != b", memcmp(a, b, sizeof a) != 0, 1);
	expect("a != 0", memcmp(a, zero, sizeof a) != 0, 1);
	for (size_t i = 0; i < sizeof a; i++)
		printf("%02x", a[i]);
	printf("\n");
	return fails;
}

/* ---- stdio ---- */

static int do_cat(void)
{
	char buf[100];
	ssize_t n;

	while ((n = read(0, buf, sizeof buf)) > 0)
		if (write(1, buf, (size_t)n) != n)
			return 1;
	return n < 0 ? 2 : 0;
}

static int do_lines(void)
{
	/* raw writes in pieces that do not follow lines */
	write(1, "one\ntwo\nthr", 11);
	write(1, "ee\n", 3);
	write(2, "err line\n", 9);
	write(1, "partial", 7);
	return 0;
}

static int do_long_line(int n)
{
	for (int i = 0; i < n; i++)
		putchar('a' + i % 26);
	putchar('\n');
	return 0;
}

/* ---- files in a granted directory ---- */

static int check_file(const char *path, const char *want)
{
	char buf[256] = {0};
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f) {
		printf("FAIL open %s: %s\n", path, strerror(errno));
		return ++fails;
	}
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	if (n != strlen(want) || memcmp(buf, want, n)) {
		printf("FAIL %s holds '%s', want '%s'\n", path, buf, want);
		fails++;
	}
	return fails;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int do_files(const char *dir)
{
	char p[256], q[256], buf[64];
	struct stat st;
	int fd;
	FILE *f;

	/* create, write, read back, append */
	snprintf(p, sizeof p, "%s/a.txt", dir);
	f = fopen(p, "w");
	if (!f) {
		printf("FAIL fopen %s: %s\n", p, strerror(errno));
		return 1;
	}
	fputs("hello ", f);
	fclose(f);
	f = fopen(p, "a");
	fputs("world", f);
	fclose(f);
	check_file(p, "hello world");
	expect("stat", stat(p, &st), 0);
	expect("size", (int)st.st_size, 11);
	expect("regular", S_ISREG(st.st_mode), 1);

	/* seek, pread, pwrite, truncate */
	fd = open(p, O_RDWR);
	expect("open rdwr", fd >= 0, 1);
	expect("lseek", (int)lseek(fd, 6, SEEK_SET), 6);
	expect("read", (int)read(fd, buf, 5), 5);
	expect("read data", memcmp(buf, "world", 5), 0);
	expect("pwrite", (int)pwrite(fd, "W", 1, 6), 1);
	expect("pread", (int)pread(fd, buf, 5, 6), 5);
	expect("pread data", memcmp(buf, "World", 5), 0);
	expect("ftruncate", ftruncate(fd, 5), 0);
	expect("fstat", fstat(fd, &st), 0);
	expect("truncated", (int)st.st_size, 5);
	close(fd);

	/* directories, rename, listing */
	snprintf(q, sizeof q, "%s/sub", dir);
	expect("mkdir", mkdir(q, 0755), 0);
	expect("mkdir again", mkdir(q, 0755) == -1 && errno == EEXIST, 1);
	snprintf(q, sizeof q, "%s/sub/b.txt", dir);
	expect("rename", rename(p, q), 0);
	expect("old gone", access(p, F_OK) == -1 && errno == ENOENT, 1);
	check_file(q, "hello");
	{
		char *names[16];
		int n = 0;
		struct dirent *e;
		DIR *d;

		snprintf(p, sizeof p, "%s/sub", dir);
		d = opendir(p);
		expect("opendir", d != NULL, 1);
		for (int i = 0; i < 3; i++) {
			snprintf(q, sizeof q, "%s/sub/f%d", dir, i);
			f = fopen(q, "w");
			fclose(f);
		}
		rewinddir(d);
		while (d && (e = readdir(d)) && n < 16)
			if (e->d_name[0] != '.')
				names[n++] = strdup(e->d_name);
		if (d)
			closedir(d);
		qsort(names, (size_t)n, sizeof *names, cmp_str);
		printf("listing:");
		for (int i = 0; i < n; i++)
			printf(" %s", names[i]);
		printf("\n");
	}

	/* symbolic links inside the grant work */
	snprintf(q, sizeof q, "%s/sub/link", dir);
	expect("symlink", symlink("b.txt", q), 0);
	expect("readlink", (int)readlink(q, buf, sizeof buf), 5);
	expect("readlink data", memcmp(buf, "b.txt", 5), 0);
	check_file(q, "hello");
	expect("lstat", lstat(q, &st), 0);
	expect("is link", S_ISLNK(st.st_mode), 1);
	expect("unlink link", unlink(q), 0);

	/* remove what we made, but leave result.txt for the host */
	for (int i = 0; i < 3; i++) {
		snprintf(q, sizeof q, "%s/sub/f%d", dir, i);
		expect("unlink f", unlink(q), 0);
	}
	snprintf(q, sizeof q, "%s/sub", dir);
	expect("rmdir nonempty", rmdir(q) == -1 && errno == ENOTEMPTY, 1);
	snprintf(q, sizeof q, "%s/sub/b.txt", dir);
	expect("unlink", unlink(q), 0);
	snprintf(q, sizeof q, "%s/sub", dir);
	expect("rmdir", rmdir(q), 0);
	snprintf(q, sizeof q, "%s/result.txt", dir);
	f = fopen(q, "w");
	fputs("written by the guest\n", f);
	fclose(f);
	printf("files %s\n", fails ? "bad" : "ok");
	return fails;
}

/* A read-only grant: reading works, nothing can change. */
static int do_readonly(const char *dir)
{
	char p[256];
	FILE *f;
	int fd;

	snprintf(p, sizeof p, "%s/given.txt", dir);
	check_file(p, "from the host\n");
	snprintf(p, sizeof p, "%s/new.txt", dir);
	fd = open(p, O_WRONLY | O_CREAT, 0644);
	expect("create refused", fd == -1 && errno == ENOTCAPABLE, 1);
	snprintf(p, sizeof p, "%s/given.txt", dir);
	f = fopen(p, "a");
	if (f) {
		/* the open may succeed without write rights; a write fails */
		expect("append refused", fputs("x", f) == EOF || fflush(f), 1);
		fclose(f);
	}
	expect("unlink refused", unlink(p) == -1 && errno == ENOTCAPABLE, 1);
	snprintf(p, sizeof p, "%s/d", dir);
	expect("mkdir refused", mkdir(p, 0755) == -1 && errno == ENOTCAPABLE,
	       1);
	printf("readonly %s\n", fails ? "bad" : "ok");
	return fails;
}

/* ---- escapes: raw calls on the first granted directory (fd 3) ---- */

static int open_raw(const char *path, int follow)
{
	int32_t fd;

	return raw_path_open(3, follow, P(path), 0, 0x2 /* fd_read */, 0, 0,
			     (int32_t)(intptr_t)&fd);
}

static int do_escape(void)
{
	static const char *const out[] = {"../secret",
					  "/etc/passwd",
					  "out",
					  "abs/passwd",
					  "sub/../../secret",
					  "sub/../sub/../../secret",
					  "updir/secret",
					  "..",
					  "sub/../..",
					  "./../secret",
					  "sub/out2"};
	char buf[64];
	int32_t fd;

	for (size_t i = 0; i < sizeof out / sizeof *out; i++)
		printf("open %s = %d\n", out[i], open_raw(out[i], 1));
	/* not following the last component: the link itself is refused as
	 * a file to open (ELOOP), never followed */
	printf("open-nofollow out = %d\n", open_raw("out", 0));
	printf("mkdir ../newdir = %d\n", raw_mkdir(3, P("../newdir")));
	printf("mkdir sub/../../newdir = %d\n",
	       raw_mkdir(3, P("sub/../../newdir")));
	printf("unlink ../secret = %d\n", raw_unlink(3, P("../secret")));
	printf("unlink out/x = %d\n", raw_unlink(3, P("updir/secret")));
	printf("rmdir .. = %d\n", raw_rmdir(3, P("..")));
	printf("rename inside ../moved = %d\n",
	       raw_rename(3, P("inside"), 3, P("../moved")));
	printf("rename ../secret stolen = %d\n",
	       raw_rename(3, P("../secret"), 3, P("stolen")));
	printf("link ../secret hard = %d\n",
	       raw_link(3, 0, P("../secret"), 3, P("hard")));
	printf("link out hard2 follow = %d\n",
	       raw_link(3, 1, P("out"), 3, P("hard2")));
	printf("symlink /etc/passwd lnk = %d\n",
	       raw_symlink(P("/etc/passwd"), 3, P("lnk")));
	printf("symlink x ../lnk = %d\n", raw_symlink(P("x"), 3, P("../lnk")));
	printf("stat ../secret = %d\n",
	       raw_stat(3, 1, P("../secret"), (int32_t)(intptr_t)buf));
	printf("stat out follow = %d\n",
	       raw_stat(3, 1, P("out"), (int32_t)(intptr_t)buf));
	printf("utimes out follow = %d\n",
	       raw_utimes(3, 1, P("out"), 0, 0, 2 | 8));
	/* allowed: in-tree '..' and the link itself without following */
	printf("ok open sub/../inside = %d\n", open_raw("sub/../inside", 1));
	printf("ok stat out nofollow = %d\n",
	       raw_stat(3, 0, P("out"), (int32_t)(intptr_t)buf));
	printf("ok open . = %d\n", raw_path_open(3, 1, P("."), 2, 0x4000, 0, 0,
						 (int32_t)(intptr_t)&fd));
	return 0;
}

/* ---- bad pointers and bad fds: errors, never a crash ---- */

static int do_fault(void)
{
	int32_t iov[2] = {(int32_t)(intptr_t) "x", 1}, n, big[2];
	char buf[8];

	big[0] = BAD;
	big[1] = 100;
	expect("fd_write iovs out",
	       raw_fd_write(1, BAD, 1, (int32_t)(intptr_t)&n), 21);
	expect("fd_write buf out",
	       raw_fd_write(1, (int32_t)(intptr_t)big, 1,
			    (int32_t)(intptr_t)&n),
	       21);
	expect("fd_write result out",
	       raw_fd_write(1, (int32_t)(intptr_t)iov, 1, BAD), 21);
	expect("fd_write too many iovs",
	       raw_fd_write(1, (int32_t)(intptr_t)iov, 100000,
			    (int32_t)(intptr_t)&n),
	       28);
	expect("fd_write bad fd",
	       raw_fd_write(99, (int32_t)(intptr_t)iov, 1,
			    (int32_t)(intptr_t)&n),
	       8);
	expect("fd_write huge fd",
	       raw_fd_write(-1, (int32_t)(intptr_t)iov, 1,
			    (int32_t)(intptr_t)&n),
	       8);
	expect("fd_read stdout",
	       raw_fd_read(1, (int32_t)(intptr_t)iov, 1, (int32_t)(intptr_t)&n),
	       76);
	expect("args_get out", raw_args_get(BAD, BAD), 21);
	expect("random_get out", raw_random_get(BAD, 100), 21);
	expect("random_get wraps", raw_random_get((int32_t)(intptr_t)buf, -1),
	       21);
	expect("clock_time_get out", raw_clock_time_get(1, 0, BAD), 21);
	expect("clock_time_get bad id",
	       raw_clock_time_get(9, 0, (int32_t)(intptr_t)buf), 28);
	expect("poll_oneoff none",
	       raw_poll_oneoff(0, 0, 0, (int32_t)(intptr_t)&n), 28);
	expect("poll_oneoff out",
	       raw_poll_oneoff(BAD, BAD, 1, (int32_t)(intptr_t)&n), 21);
	expect("sock_accept stdin",
	       raw_sock_accept(0, 0, (int32_t)(intptr_t)&n), 57);
	expect("sock_accept bad fd",
	       raw_sock_accept(77, 0, (int32_t)(intptr_t)&n), 8);
	expect("proc_raise", raw_proc_raise(6), 52);
	expect("path_open on stdout",
	       raw_path_open(1, 0, P("x"), 0, 2, 0, 0, (int32_t)(intptr_t)&n),
	       76);
	expect("path_open bad fd",
	       raw_path_open(55, 0, P("x"), 0, 2, 0, 0, (int32_t)(intptr_t)&n),
	       8);
	expect("prestat_dir_name stdout",
	       raw_prestat_dir_name(1, (int32_t)(intptr_t)buf, 8), 8);
	expect("readdir stdout",
	       raw_readdir(1, (int32_t)(intptr_t)buf, 8, 0,
			   (int32_t)(intptr_t)&n),
	       76);
	printf("fault %s\n", fails ? "bad" : "ok");
	return fails;
}

/* ---- a CPU loop (fuel slicing) ---- */

static int do_spin(int n)
{
	volatile uint32_t h = 2166136261u;

	for (int i = 0; i < n; i++)
		h = (h ^ (uint32_t)i) * 16777619u;
	printf("spin %u\n", (unsigned)h);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "hello";
	const char *arg = argc > 2 ? argv[2] : "";

	if (!strcmp(cmd, "hello")) {
		printf("hello, world\n");
		return 0;
	}
	if (!strcmp(cmd, "args"))
		return do_args(argc, argv);
	if (!strcmp(cmd, "exit"))
		deep_exit(50, atoi(arg));
	if (!strcmp(cmd, "ret"))
		return atoi(arg);
	if (!strcmp(cmd, "trap")) {
		printf("before the trap\n");
		fflush(stdout);
		__builtin_trap();
	}
	if (!strcmp(cmd, "clock"))
		return do_clock(arg);
	if (!strcmp(cmd, "random"))
		return do_random();
	if (!strcmp(cmd, "cat"))
		return do_cat();
	if (!strcmp(cmd, "lines"))
		return do_lines();
	if (!strcmp(cmd, "long"))
		return do_long_line(atoi(arg));
	if (!strcmp(cmd, "files"))
		return do_files(arg);
	if (!strcmp(cmd, "readonly"))
		return do_readonly(arg);
	if (!strcmp(cmd, "escape"))
		return do_escape();
	if (!strcmp(cmd, "fault"))
		return do_fault();
	if (!strcmp(cmd, "spin"))
		return do_spin(atoi(arg));
	if (!strcmp(cmd, "fifo")) {
		/* a FIFO in the grant must not hang the host in open() */
		char b[4];
		int fd = open(arg, O_RDONLY);

		expect("open fifo for reading", fd >= 0, 1);
		expect("read: no writer, end of file", (int)read(fd, b, 4), 0);
		close(fd);
		fd = open(arg, O_WRONLY);
		expect("open fifo for writing: no reader",
		       fd == -1 && errno == ENXIO, 1);
		printf("fifo %s\n", fails ? "bad" : "ok");
		return fails;
	}
	if (!strcmp(cmd, "setfl")) {
		/* the flags of a host's stdout are not the guest's to change */
		int r = fcntl(1, F_SETFL, O_NONBLOCK);

		printf("setfl %d %d\n", r, r ? errno : 0);
		return 0;
	}
	if (!strcmp(cmd, "yield")) {
		sched_yield();
		printf("yielded\n");
		return 0;
	}
	if (!strcmp(cmd, "sleep")) {
		struct timespec nap = {0, 30 * 1000 * 1000};

		nanosleep(&nap, NULL);
		printf("slept\n");
		return 0;
	}
	if (!strcmp(cmd, "grow")) {
		/* allocate until refused: a --max-pages cap shows here */
		size_t total = 0;
		char *volatile p;

		/* touch each block so the allocation cannot be elided */
		while ((p = malloc(1 << 20)) != NULL) {
			p[0] = 1;
			total += 1 << 20;
		}
		printf("allocated %zu MiB\n", total >> 20);
		return 0;
	}
	fprintf(stderr, "unknown command %s\n", cmd);
	return 64;
}
