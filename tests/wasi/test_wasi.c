/* test_wasi.c — WASI through the embedder API: a real wasi-libc program
 * (wasi_guest.c, built by clang) run with args, environment, clocks,
 * random, routed stdio, exit codes, traps, files in a granted directory,
 * escape attempts, bad pointers, fuel slices and suspensions. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../wasm/wb.h"
#include "wasi_test.h"

#define ARGS(...)                                                              \
	(uint32_t)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(char *)),    \
		(const char *const[])                                          \
	{                                                                      \
		__VA_ARGS__                                                    \
	}

TEST(hello_goes_to_the_callback_as_a_line)
{
	wrun r;
	uint32_t code = 99;

	wrun_init(&r, true, ARGS("guest", "hello"));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_EQ(code, 0);
	ASSERT_STREQ(r.out.text, "hello, world\n");
	ASSERT_EQ(r.out.calls, 1);
	ASSERT_EQ(r.err.len, 0);
	ASSERT(!hw_wasi_exited(r.w, NULL));
	wrun_deinit(&r);
}

TEST(args_and_environment_reach_the_program)
{
	const char *env[] = {"KEY=value", "EMPTY=", "UTF8=h\xc3\xa9"};
	wrun r;
	uint32_t code;

	wrun_init(&r, true, ARGS("prog", "args", "two words", "", "\xc3\xbc"));
	ASSERT_OK(hw_wasi_set_env(r.w, 3, env));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_EQ(code, 0);
	ASSERT_STREQ(r.out.text, "argv[0]=prog\n"
				 "argv[1]=args\n"
				 "argv[2]=two words\n"
				 "argv[3]=\n"
				 "argv[4]=\xc3\xbc\n"
				 "env KEY=value\n"
				 "env EMPTY=\n"
				 "env UTF8=h\xc3\xa9\n");
	wrun_deinit(&r);
}

TEST(bad_configuration_is_refused)
{
	const char *bad_env[] = {"NOEQUALS"};
	const char *null_arg[] = {NULL};
	hw_wasi *w;

	ASSERT_OK(hw_wasi_new(&w));
	ASSERT_ERR(hw_wasi_set_env(w, 1, bad_env), HB_EINVAL);
	ASSERT_ERR(hw_wasi_set_args(w, 1, null_arg), HB_EINVAL);
	ASSERT_ERR(hw_wasi_stdio_fd(w, 3, 1), HB_EINVAL);
	ASSERT_ERR(hw_wasi_stdio_fd(w, 1, -1), HB_EINVAL);
	ASSERT_ERR(hw_wasi_route_output(w, 0, 0, capture_fn, NULL), HB_EINVAL);
	ASSERT_ERR(hw_wasi_route_output(w, 1, 0, NULL, NULL), HB_EINVAL);
	ASSERT_ERR(hw_wasi_preopen(w, "/nonexistent/hearth", "/x", 0),
		   HB_ENOENT);
	ASSERT_ERR(hw_wasi_preopen(w, "/proc/self/status", "/x", 0), HB_EINVAL);
	ASSERT_ERR(hw_wasi_preopen(w, "/tmp", "", 0), HB_EINVAL);
	{
		/* args over the cap */
		size_t big = HW_WASI_MAX_ARGS_BYTES;
		char *s = malloc(big + 1);
		const char *argv[] = {s};

		memset(s, 'a', big);
		s[big] = 0;
		ASSERT_ERR(hw_wasi_set_args(w, 1, argv), HB_ELIMIT);
		free(s);
	}
	hw_wasi_free(w);
}

TEST(proc_exit_unwinds_and_reports_the_code)
{
	wrun r;
	uint32_t code = 0;
	const char *msg;
	int st;

	wrun_init(&r, true, ARGS("guest", "exit", "42"));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_EQ(code, 42);
	ASSERT(hw_wasi_exited(r.w, &code));
	ASSERT_EQ(code, 42);
	ASSERT_EQ(r.out.len, 0); /* nothing after exit() ran */
	wrun_deinit(&r);

	/* the same by hand: a trap the embedder can tell from others */
	wrun_init(&r, true, ARGS("guest", "exit", "3"));
	wrun_instantiate(&r);
	st = hw_instance_call(r.inst, hw_instance_func(r.inst, "_start"), NULL,
			      0, NULL, 0);
	ASSERT_EQ(st, HW_TRAPPED);
	ASSERT_EQ(hw_instance_trap(r.inst, &msg), HW_TRAP_HOST);
	ASSERT_STREQ(msg, "proc_exit(3)");
	ASSERT(hw_wasi_exited(r.w, &code));
	ASSERT_EQ(code, 3);
	wrun_deinit(&r);
}

TEST(main_return_value_is_the_exit_code)
{
	wrun r;
	uint32_t code = 99;

	wrun_init(&r, true, ARGS("guest", "ret", "5"));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_EQ(code, 5);
	wrun_deinit(&r);
	wrun_init(&r, true, ARGS("guest", "ret", "0"));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_EQ(code, 0);
	wrun_deinit(&r);
}

TEST(a_trap_is_not_an_exit)
{
	wrun r;
	uint32_t code = 99;
	const char *msg;

	wrun_init(&r, true, ARGS("guest", "trap"));
	ASSERT_ERR(wrun_go(&r, 0, &code), HB_ETRAP);
	ASSERT(!hw_wasi_exited(r.w, NULL));
	ASSERT_EQ(hw_instance_trap(r.inst, &msg), HW_TRAP_UNREACHABLE);
	ASSERT_STREQ(msg, "unreachable");
	ASSERT_STREQ(r.out.text, "before the trap\n");
	wrun_deinit(&r);
}

TEST(clocks_work)
{
	char now[32];
	wrun r;
	uint32_t code = 99;

	snprintf(now, sizeof now, "%lld", (long long)time(NULL));
	wrun_init(&r, true, ARGS("guest", "clock", now));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_MSG(code == 0, "guest: %s", r.out.text);
	ASSERT_STREQ(r.out.text, "clock ok\n");
	wrun_deinit(&r);
}

TEST(random_differs_between_runs)
{
	char first[80];
	wrun r;
	uint32_t code = 99;

	wrun_init(&r, true, ARGS("guest", "random"));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_MSG(code == 0, "guest: %s", r.out.text);
	ASSERT_EQ(r.out.len, 65);
	memcpy(first, r.out.text, 66);
	wrun_deinit(&r);
	wrun_init(&r, true, ARGS("guest", "random"));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_EQ(r.out.len, 65);
	ASSERT(strcmp(first, r.out.text) != 0);
	wrun_deinit(&r);
}

/* stdin from a callback, in odd-sized pieces */
typedef struct feed {
	const char *data;
	size_t len, pos;
	int calls;
} feed;

static int64_t feed_fn(void *env, uint8_t *buf, size_t cap)
{
	feed *f = env;
	size_t n = f->len - f->pos;

	f->calls++;
	if (n > 7)
		n = 7;
	if (n > cap)
		n = cap;
	memcpy(buf, f->data + f->pos, n);
	f->pos += n;
	return (int64_t)n;
}

TEST(stdin_comes_from_a_callback)
{
	feed fd = {"first line\nsecond line\nno newline at end", 0, 0, 0};
	wrun r;
	uint32_t code = 99;

	fd.len = strlen(fd.data);
	wrun_init(&r, false, ARGS("guest", "cat"));
	ASSERT_OK(hw_wasi_route_input(r.w, feed_fn, &fd));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_EQ(code, 0);
	ASSERT_STREQ(r.out.text, fd.data);
	ASSERT_GT(fd.calls, 5);
	wrun_deinit(&r);
}

TEST(default_stdin_is_empty_and_output_is_discarded)
{
	hw_module *m = wt_load(WASI_GUEST, false);
	const char *argv[] = {"guest", "cat"};
	hw_instance *inst;
	hw_wasi *w;
	hw_error err;
	uint32_t code = 99;

	ASSERT_OK(hw_wasi_new(&w));
	ASSERT_OK(hw_wasi_set_args(w, 2, argv));
	ASSERT_OK(hw_wasi_instantiate(w, m, NULL, NULL, NULL, &inst, &err));
	ASSERT_OK(hw_wasi_run(w, inst, 0, &code));
	ASSERT_EQ(code, 0);
	hw_instance_free(inst);
	hw_wasi_free(w);
	hw_module_free(m);
}

TEST(line_mode_splits_writes_into_lines)
{
	wrun r;
	uint32_t code = 99;

	wrun_init(&r, true, ARGS("guest", "lines"));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_EQ(code, 0);
	/* the partial last line is delivered when the program ends */
	ASSERT_STREQ(r.out.text, "one\ntwo\nthree\npartial\n");
	ASSERT_EQ(r.out.calls, 4);
	ASSERT_STREQ(r.err.text, "err line\n");
	wrun_deinit(&r);

	/* raw mode: the bytes as written, one call per write */
	wrun_init(&r, false, ARGS("guest", "lines"));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_STREQ(r.out.text, "one\ntwo\nthree\npartial");
	ASSERT_EQ(r.out.calls, 3);
	ASSERT_STREQ(r.err.text, "err line\n");
	wrun_deinit(&r);
}

TEST(line_mode_cuts_long_lines)
{
	char n[16];
	wrun r;
	uint32_t code = 99;

	snprintf(n, sizeof n, "%u", HW_WASI_MAX_LINE * 2 + 10);
	wrun_init(&r, true, ARGS("guest", "long", n));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_EQ(r.out.calls, 3);
	ASSERT_EQ(r.out.len, HW_WASI_MAX_LINE * 2 + 10 + 3);
	ASSERT_EQ(r.out.text[HW_WASI_MAX_LINE], '\n');
	ASSERT_EQ(r.out.text[0], 'a');
	ASSERT_EQ(r.out.text[HW_WASI_MAX_LINE + 1],
		  'a' + HW_WASI_MAX_LINE % 26);
	wrun_deinit(&r);
}

TEST(stdout_to_a_host_fd)
{
	const char *dir = ht_tmpdir();
	char path[512], buf[64] = {0};
	wrun r;
	uint32_t code = 99;
	int fd;

	snprintf(path, sizeof path, "%s/out.txt", dir);
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	ASSERT(fd >= 0);
	wrun_init(&r, true, ARGS("guest", "hello"));
	ASSERT_OK(hw_wasi_stdio_fd(r.w, 1, fd));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_EQ(pread(fd, buf, sizeof buf - 1, 0), 13);
	ASSERT_STREQ(buf, "hello, world\n");
	wrun_deinit(&r);
	/* borrowed: still open */
	ASSERT_EQ(lseek(fd, 0, SEEK_END), 13);
	close(fd);
}

static void write_host_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ASSERT_MSG(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

static void read_host_file(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	ASSERT_MSG(f, "cannot read %s", path);
	n = fread(buf, 1, cap - 1, f);
	buf[n] = 0;
	fclose(f);
}

TEST(files_in_a_granted_directory)
{
	const char *dir = ht_tmpdir();
	char path[512], buf[128];
	struct stat st;
	wrun r;
	uint32_t code = 99;

	wrun_init(&r, true, ARGS("guest", "files", "/data"));
	ASSERT_OK(hw_wasi_preopen(r.w, dir, "/data", 0));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_MSG(code == 0, "guest: %s", r.out.text);
	ASSERT_STREQ(r.out.text, "listing: b.txt f0 f1 f2\nfiles ok\n");
	/* the host sees what the guest left, and nothing else */
	snprintf(path, sizeof path, "%s/result.txt", dir);
	read_host_file(path, buf, sizeof buf);
	ASSERT_STREQ(buf, "written by the guest\n");
	snprintf(path, sizeof path, "%s/a.txt", dir);
	ASSERT(stat(path, &st) != 0);
	snprintf(path, sizeof path, "%s/sub", dir);
	ASSERT(stat(path, &st) != 0);
	wrun_deinit(&r);
}

TEST(files_in_a_relative_granted_directory)
{
	const char *dir = ht_tmpdir();
	wrun r;
	uint32_t code = 99;

	/* wasi-libc resolves relative paths against a "." grant */
	ASSERT_OK(chdir(dir) ? HB_EIO : 0);
	wrun_init(&r, true, ARGS("guest", "files", "."));
	ASSERT_OK(hw_wasi_preopen(r.w, dir, ".", 0));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_MSG(code == 0, "guest: %s", r.out.text);
	ASSERT(access("result.txt", F_OK) == 0);
	wrun_deinit(&r);
}

TEST(a_read_only_grant_changes_nothing)
{
	const char *dir = ht_tmpdir();
	char path[512], buf[128];
	wrun r;
	uint32_t code = 99;

	snprintf(path, sizeof path, "%s/given.txt", dir);
	write_host_file(path, "from the host\n");
	wrun_init(&r, true, ARGS("guest", "readonly", "/ro"));
	ASSERT_OK(hw_wasi_preopen(r.w, dir, "/ro", HW_WASI_READONLY));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_MSG(code == 0, "guest: %s", r.out.text);
	ASSERT_STREQ(r.out.text, "readonly ok\n");
	read_host_file(path, buf, sizeof buf);
	ASSERT_STREQ(buf, "from the host\n");
	snprintf(path, sizeof path, "%s/new.txt", dir);
	ASSERT(access(path, F_OK) != 0);
	wrun_deinit(&r);
}

TEST_TIMEOUT(a_fifo_in_the_grant_does_not_block_open, 30)
{
	const char *dir = ht_tmpdir();
	char path[512];
	wrun r;
	uint32_t code = 99;

	snprintf(path, sizeof path, "%s/fifo", dir);
	ASSERT_OK(mkfifo(path, 0644) ? HB_EIO : 0);
	wrun_init(&r, true, ARGS("guest", "fifo", "/g/fifo"));
	ASSERT_OK(hw_wasi_preopen(r.w, dir, "/g", 0));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_MSG(code == 0, "guest: %s", r.out.text);
	ASSERT_STREQ(r.out.text, "fifo ok\n");
	wrun_deinit(&r);
}

TEST(without_a_grant_there_is_no_file_system)
{
	wrun r;
	uint32_t code = 0;

	wrun_init(&r, true, ARGS("guest", "files", "/tmp"));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_NE(code, 0);
	ASSERT(strstr(r.out.text, "FAIL fopen /tmp/a.txt") != NULL);
	ASSERT(access("/tmp/a.txt", F_OK) != 0);
	wrun_deinit(&r);
}

/* Every line of the guest's escape report has the expected WASI errno. */
static void check_escape_line(const char *text, const char *what, int want)
{
	char key[256];
	const char *p;

	snprintf(key, sizeof key, "%s = ", what);
	p = strstr(text, key);
	ASSERT_MSG(p, "no line '%s' in:\n%s", what, text);
	ASSERT_MSG(atoi(p + strlen(key)) == want, "%s: got %d, want %d (%s)",
		   what, atoi(p + strlen(key)), want,
		   hw_wasi_errno_name((uint32_t)want));
}

TEST(escapes_from_a_granted_directory_are_refused)
{
	const char *top = ht_tmpdir();
	char g[512], p[600], buf[64];
	struct stat st;
	wrun r;
	uint32_t code = 99;
	static const char *const refused[] = {
		"open ../secret",
		"open /etc/passwd",
		"open out",
		"open abs/passwd",
		"open sub/../../secret",
		"open sub/../sub/../../secret",
		"open updir/secret",
		"open ..",
		"open sub/../..",
		"open ./../secret",
		"open sub/out2",
		"mkdir ../newdir",
		"mkdir sub/../../newdir",
		"unlink ../secret",
		"unlink out/x",
		"rmdir ..",
		"rename inside ../moved",
		"rename ../secret stolen",
		"link ../secret hard",
		"symlink /etc/passwd lnk",
		"symlink x ../lnk",
		"stat ../secret",
		"stat out follow",
		"utimes out follow",
	};

	/* top/secret outside; top/g granted, with links leading out */
	snprintf(p, sizeof p, "%s/secret", top);
	write_host_file(p, "secret\n");
	ASSERT_OK(stat(p, &st));
	snprintf(g, sizeof g, "%s/g", top);
	ASSERT_OK(mkdir(g, 0755));
	snprintf(p, sizeof p, "%s/inside", g);
	write_host_file(p, "inside\n");
	snprintf(p, sizeof p, "%s/sub", g);
	ASSERT_OK(mkdir(p, 0755));
	snprintf(p, sizeof p, "%s/out", g);
	ASSERT_OK(symlink("../secret", p));
	snprintf(p, sizeof p, "%s/abs", g);
	ASSERT_OK(symlink("/etc", p));
	snprintf(p, sizeof p, "%s/updir", g);
	ASSERT_OK(symlink("..", p));
	snprintf(p, sizeof p, "%s/sub/out2", g);
	ASSERT_OK(symlink("../../secret", p));

	wrun_init(&r, true, ARGS("guest", "escape"));
	ASSERT_OK(hw_wasi_preopen(r.w, g, "/g", 0));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_EQ(code, 0);
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
		check_escape_line(r.out.text, refused[i], 76 /* ENOTCAPABLE */);
	check_escape_line(r.out.text, "open-nofollow out", 32 /* ELOOP */);
	check_escape_line(r.out.text, "link out hard2 follow",
			  58 /* ENOTSUP */);
	check_escape_line(r.out.text, "ok open sub/../inside", 0);
	check_escape_line(r.out.text, "ok stat out nofollow", 0);
	check_escape_line(r.out.text, "ok open .", 0);

	/* nothing outside changed or appeared */
	snprintf(p, sizeof p, "%s/secret", top);
	read_host_file(p, buf, sizeof buf);
	ASSERT_STREQ(buf, "secret\n");
	{
		struct stat st2;

		ASSERT_OK(stat(p, &st2));
		ASSERT_EQ(st2.st_mtim.tv_sec, st.st_mtim.tv_sec);
		ASSERT_EQ(st2.st_mtim.tv_nsec, st.st_mtim.tv_nsec);
		ASSERT_EQ(st2.st_nlink, 1);
	}
	static const char *const absent[] = {"newdir",	 "moved",  "lnk",
					     "g/stolen", "g/hard", "g/hard2",
					     "g/lnk"};
	for (size_t i = 0; i < sizeof absent / sizeof *absent; i++) {
		snprintf(p, sizeof p, "%s/%s", top, absent[i]);
		ASSERT_MSG(lstat(p, &st) != 0, "%s exists", p);
	}
	snprintf(p, sizeof p, "%s/inside", g);
	ASSERT_OK(stat(p, &st));
	wrun_deinit(&r);
}

TEST(bad_pointers_and_fds_get_errors_not_crashes)
{
	wrun r;
	uint32_t code = 99;

	wrun_init(&r, true, ARGS("guest", "fault"));
	ASSERT_OK(wrun_go(&r, 0, &code));
	ASSERT_MSG(code == 0, "guest: %s", r.out.text);
	ASSERT_STREQ(r.out.text, "fault ok\n");
	wrun_deinit(&r);
}

TEST(fuel_slices_do_not_change_the_result)
{
	char want[64];
	wrun r;
	uint32_t code = 99;
	int64_t slices[] = {0, 1000, 7};

	for (size_t i = 0; i < 3; i++) {
		wrun_init(&r, true, ARGS("guest", "spin", "20000"));
		ASSERT_OK(wrun_go(&r, slices[i], &code));
		ASSERT_EQ(code, 0);
		if (i == 0)
			snprintf(want, sizeof want, "%.60s", r.out.text);
		else
			ASSERT_STREQ(r.out.text, want);
		wrun_deinit(&r);
	}
	ASSERT(strncmp(want, "spin ", 5) == 0);
}

TEST(sched_yield_can_suspend)
{
	hw_val one = {.i32 = 0};
	wrun r;
	int st;

	wrun_init(&r, true, ARGS("guest", "yield"));
	hw_wasi_set_flags(r.w, HW_WASI_YIELD_SUSPENDS);
	wrun_instantiate(&r);
	st = hw_instance_call(r.inst, hw_instance_func(r.inst, "_start"), NULL,
			      0, NULL, 0);
	ASSERT_EQ(st, HW_SUSPENDED);
	ASSERT(!hw_wasi_sleep_until(r.w, NULL));
	ASSERT_EQ(r.out.len, 0);
	st = hw_instance_resume(r.inst, &one, 1, NULL, 0);
	ASSERT_EQ(st, HW_DONE);
	hw_wasi_flush(r.w);
	ASSERT_STREQ(r.out.text, "yielded\n");
	wrun_deinit(&r);
}

TEST(sleep_can_suspend)
{
	hw_val one = {.i32 = 0};
	struct timespec ts;
	uint64_t until, now;
	wrun r;
	int st;

	wrun_init(&r, true, ARGS("guest", "sleep"));
	hw_wasi_set_flags(r.w, HW_WASI_SLEEP_SUSPENDS);
	wrun_instantiate(&r);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	st = hw_instance_call(r.inst, hw_instance_func(r.inst, "_start"), NULL,
			      0, NULL, 0);
	ASSERT_EQ(st, HW_SUSPENDED);
	ASSERT(hw_wasi_sleep_until(r.w, &until));
	ASSERT_GE(until, now + 30000000u);
	ASSERT_LT(until, now + 30000000000u);
	st = hw_instance_resume(r.inst, &one, 1, NULL, 0);
	ASSERT_EQ(st, HW_DONE);
	hw_wasi_flush(r.w);
	ASSERT_STREQ(r.out.text, "slept\n");
	wrun_deinit(&r);

	/* hw_wasi_run serves the sleep itself */
	wrun_init(&r, true, ARGS("guest", "sleep"));
	hw_wasi_set_flags(r.w, HW_WASI_SLEEP_SUSPENDS | HW_WASI_YIELD_SUSPENDS);
	{
		uint32_t code = 99;

		ASSERT_OK(wrun_go(&r, 0, &code));
		ASSERT_EQ(code, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ASSERT_GE((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec,
		  now + 30000000u);
	ASSERT_STREQ(r.out.text, "slept\n");
	wrun_deinit(&r);
}

/* ---- linking ---- */

static hw_module *import_module(const char *mod, const char *name,
				const char *params, const char *results)
{
	wb b;
	size_t len;
	uint8_t *bytes;
	hw_module *m = NULL;
	hw_error err;

	wb_init(&b);
	wb_import_func(&b, mod, name, wb_type(&b, params, results));
	wb_memory(&b, 1, -1);
	wb_export(&b, "memory", 2, 0);
	bytes = wb_finish(&b, &len);
	wb_deinit(&b);
	ASSERT_MSG(hw_module_new(bytes, len, NULL, &m, &err) == 0, "%s",
		   err.message);
	free(bytes);
	return m;
}

static int resolve_env(void *env, const hw_extern_info *imp, hw_extern *out)
{
	hw_func *f = env;

	if (strcmp(imp->module, "env") || strcmp(imp->name, "mine"))
		return HB_ENOENT;
	out->kind = HW_EXTERN_FUNC;
	out->u.func = f;
	return 0;
}

static int mine(hw_hostcall *hc, void *env, const hw_val *a, hw_val *r)
{
	return HW_HOST_OK;
}

TEST(link_errors_name_the_import)
{
	hw_module *m;
	hw_instance *inst;
	hw_wasi *w;
	hw_error err;
	hw_func *f;

	ASSERT_OK(hw_wasi_new(&w));
	m = import_module("wasi_snapshot_preview1", "no_such_call", "", "");
	ASSERT_ERR(hw_wasi_instantiate(w, m, NULL, NULL, NULL, &inst, &err),
		   HB_EUNLINKABLE);
	ASSERT_STREQ(err.reason, "unknown import");
	ASSERT(strstr(err.message, "no_such_call") != NULL);
	hw_module_free(m);

	m = import_module("wasi_snapshot_preview1", "fd_write", "ii", "i");
	ASSERT_ERR(hw_wasi_instantiate(w, m, NULL, NULL, NULL, &inst, &err),
		   HB_EUNLINKABLE);
	ASSERT_STREQ(err.reason, "incompatible import type");
	hw_module_free(m);

	/* other imports go to the embedder's resolver */
	m = import_module("env", "mine", "i", "");
	ASSERT_ERR(hw_wasi_instantiate(w, m, NULL, NULL, NULL, &inst, &err),
		   HB_EUNLINKABLE);
	ASSERT_STREQ(err.reason, "unknown import");
	ASSERT_OK(hw_func_new((hw_valtype[]){HW_I32}, 1, NULL, 0, mine, NULL,
			      &f));
	ASSERT_OK(hw_wasi_instantiate(w, m, resolve_env, f, NULL, &inst, &err));
	hw_instance_free(inst);
	hw_func_free(f);
	hw_module_free(m);

	m = import_module("wasi_snapshot_preview1", "proc_exit", "i", "");
	ASSERT_OK(hw_wasi_instantiate(w, m, NULL, NULL, NULL, &inst, &err));
	hw_instance_free(inst);
	hw_module_free(m);
	hw_wasi_free(w);
}

TEST(every_preview1_function_links)
{
	static const struct {
		const char *name, *params, *results;
	} calls[] = {
		{"args_get", "ii", "i"},
		{"args_sizes_get", "ii", "i"},
		{"environ_get", "ii", "i"},
		{"environ_sizes_get", "ii", "i"},
		{"clock_res_get", "ii", "i"},
		{"clock_time_get", "ili", "i"},
		{"fd_advise", "illi", "i"},
		{"fd_allocate", "ill", "i"},
		{"fd_close", "i", "i"},
		{"fd_datasync", "i", "i"},
		{"fd_fdstat_get", "ii", "i"},
		{"fd_fdstat_set_flags", "ii", "i"},
		{"fd_fdstat_set_rights", "ill", "i"},
		{"fd_filestat_get", "ii", "i"},
		{"fd_filestat_set_size", "il", "i"},
		{"fd_filestat_set_times", "illi", "i"},
		{"fd_pread", "iiili", "i"},
		{"fd_prestat_get", "ii", "i"},
		{"fd_prestat_dir_name", "iii", "i"},
		{"fd_pwrite", "iiili", "i"},
		{"fd_read", "iiii", "i"},
		{"fd_readdir", "iiili", "i"},
		{"fd_renumber", "ii", "i"},
		{"fd_seek", "ilii", "i"},
		{"fd_sync", "i", "i"},
		{"fd_tell", "ii", "i"},
		{"fd_write", "iiii", "i"},
		{"path_create_directory", "iii", "i"},
		{"path_filestat_get", "iiiii", "i"},
		{"path_filestat_set_times", "iiiilli", "i"},
		{"path_link", "iiiiiii", "i"},
		{"path_open", "iiiiillii", "i"},
		{"path_readlink", "iiiiii", "i"},
		{"path_remove_directory", "iii", "i"},
		{"path_rename", "iiiiii", "i"},
		{"path_symlink", "iiiii", "i"},
		{"path_unlink_file", "iii", "i"},
		{"poll_oneoff", "iiii", "i"},
		{"proc_exit", "i", ""},
		{"proc_raise", "i", "i"},
		{"sched_yield", "", "i"},
		{"random_get", "ii", "i"},
		{"sock_accept", "iii", "i"},
		{"sock_recv", "iiiiii", "i"},
		{"sock_send", "iiiii", "i"},
		{"sock_shutdown", "ii", "i"},
	};
	hw_wasi *w;

	ASSERT_EQ(sizeof calls / sizeof *calls, 46);
	ASSERT_OK(hw_wasi_new(&w));
	for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
		hw_module *m =
			import_module("wasi_snapshot_preview1", calls[i].name,
				      calls[i].params, calls[i].results);
		hw_instance *inst;
		hw_error err;
		int rc = hw_wasi_instantiate(w, m, NULL, NULL, NULL, &inst,
					     &err);

		ASSERT_MSG(rc == 0, "%s: %s", calls[i].name, err.message);
		hw_instance_free(inst);
		hw_module_free(m);
	}
	hw_wasi_free(w);
}

static int suspend_fn(hw_hostcall *hc, void *env, const hw_val *a, hw_val *r)
{
	return HW_HOST_SUSPEND;
}

static int resolve_wait(void *env, const hw_extern_info *imp, hw_extern *out)
{
	out->kind = HW_EXTERN_FUNC;
	out->u.func = env;
	return 0;
}

TEST(run_refuses_what_it_cannot_serve)
{
	static const uint8_t call_wait[] = {0x10, 0}; /* call env.wait */
	hw_module *m;
	hw_instance *inst;
	hw_wasi *w;
	hw_error err;
	hw_func *wait;
	uint32_t code;
	size_t len;
	uint8_t *bytes;
	wb b;

	/* _start calls a non-WASI host function that suspends */
	wb_init(&b);
	wb_import_func(&b, "env", "wait", wb_type(&b, "", ""));
	wb_export(&b, "_start", 0, wb_func(&b, 0, "", call_wait, 2));
	bytes = wb_finish(&b, &len);
	wb_deinit(&b);
	ASSERT_OK(hw_module_new(bytes, len, NULL, &m, &err));
	free(bytes);
	ASSERT_OK(hw_func_new(NULL, 0, NULL, 0, suspend_fn, NULL, &wait));
	ASSERT_OK(hw_wasi_new(&w));
	ASSERT_OK(hw_wasi_instantiate(w, m, resolve_wait, wait, NULL, &inst,
				      &err));
	ASSERT_ERR(hw_wasi_run(w, inst, 0, &code), HB_ENOSYS);
	ASSERT(!hw_instance_suspended(inst));
	hw_instance_free(inst);
	hw_module_free(m);

	/* no _start, no _initialize */
	m = import_module("wasi_snapshot_preview1", "proc_exit", "i", "");
	ASSERT_OK(hw_wasi_instantiate(w, m, NULL, NULL, NULL, &inst, &err));
	ASSERT_ERR(hw_wasi_run(w, inst, 0, &code), HB_ENOENT);
	hw_instance_free(inst);
	hw_module_free(m);
	hw_func_free(wait);
	hw_wasi_free(w);
}

TEST(errno_names)
{
	ASSERT_STREQ(hw_wasi_errno_name(0), "ESUCCESS");
	ASSERT_STREQ(hw_wasi_errno_name(8), "EBADF");
	ASSERT_STREQ(hw_wasi_errno_name(64), "EPIPE");
	ASSERT_STREQ(hw_wasi_errno_name(76), "ENOTCAPABLE");
	ASSERT_STREQ(hw_wasi_errno_name(77), "E?");
}
