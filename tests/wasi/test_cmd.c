/* test_cmd.c — the real hearth-wasm binary: run (exit status, traps,
 * args, --env, --dir, --dir-ro, fuel options, --max-pages, stdin),
 * validate (precise errors) and the benchmark measurements. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wasi_test.h"

typedef struct proc_out {
	char out[1 << 16], err[1 << 14];
	int status; /* exit status, or 128 + signal */
} proc_out;

static void slurp(int fd, char *buf, size_t cap)
{
	ssize_t n = pread(fd, buf, cap - 1, 0);

	buf[n > 0 ? n : 0] = 0;
	close(fd);
}

/* Run argv (NULL-terminated) with stdin from `in` (or /dev/null); collect
 * stdout, stderr and the exit status. */
static void spawn(const char *const *argv, const char *in, proc_out *o)
{
	const char *dir = ht_tmpdir();
	char po[512], pe[512], pi[512];
	int fo, fe, fi, ws;
	pid_t pid;

	snprintf(po, sizeof po, "%s/stdout", dir);
	snprintf(pe, sizeof pe, "%s/stderr", dir);
	snprintf(pi, sizeof pi, "%s/stdin", dir);
	fo = open(po, O_CREAT | O_RDWR | O_TRUNC, 0644);
	fe = open(pe, O_CREAT | O_RDWR | O_TRUNC, 0644);
	fi = open(pi, O_CREAT | O_RDWR | O_TRUNC, 0644);
	ASSERT(fo >= 0 && fe >= 0 && fi >= 0);
	if (in)
		ASSERT_EQ(write(fi, in, strlen(in)), (ssize_t)strlen(in));
	lseek(fi, 0, SEEK_SET);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		dup2(fi, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	ASSERT_EQ(waitpid(pid, &ws, 0), pid);
	o->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	slurp(fo, o->out, sizeof o->out);
	slurp(fe, o->err, sizeof o->err);
	close(fi);
}

#define RUN(o, in, ...)                                                        \
	spawn((const char *const[]){HEARTH_WASM, __VA_ARGS__, NULL}, in, o)

TEST(run_prints_and_exits_zero)
{
	proc_out *o = calloc(1, sizeof *o);

	RUN(o, NULL, "run", WASI_GUEST, "hello");
	ASSERT_EQ(o->status, 0);
	ASSERT_STREQ(o->out, "hello, world\n");
	ASSERT_STREQ(o->err, "");
	free(o);
}

TEST(run_exit_status_is_the_programs)
{
	proc_out *o = calloc(1, sizeof *o);

	RUN(o, NULL, "run", WASI_GUEST, "exit", "42");
	ASSERT_EQ(o->status, 42);
	RUN(o, NULL, "run", WASI_GUEST, "ret", "7");
	ASSERT_EQ(o->status, 7);
	RUN(o, NULL, "run", WASI_GUEST, "nonsense");
	ASSERT_EQ(o->status, 64);
	ASSERT_STREQ(o->err, "unknown command nonsense\n");
	free(o);
}

TEST(run_reports_a_trap)
{
	proc_out *o = calloc(1, sizeof *o);

	RUN(o, NULL, "run", WASI_GUEST, "trap");
	ASSERT_EQ(o->status, 134);
	ASSERT_STREQ(o->out, "before the trap\n");
	ASSERT_MSG(strstr(o->err, "trap: unreachable") != NULL, "stderr: %s",
		   o->err);
	free(o);
}

TEST(run_keeps_the_hosts_stdio_flags)
{
	proc_out *o = calloc(1, sizeof *o);

	/* stdout is a file the test made; the guest may not set its flags
	 * (ENOTCAPABLE = 76), as it shares the host's file description */
	RUN(o, NULL, "run", WASI_GUEST, "setfl");
	ASSERT_EQ(o->status, 0);
	ASSERT_STREQ(o->out, "setfl -1 76\n");
	free(o);
}

TEST(run_passes_args_env_and_stdin)
{
	proc_out *o = calloc(1, sizeof *o);

	RUN(o, NULL, "run", "--env", "A=1", "--env", "B=two", WASI_GUEST,
	    "args", "x y");
	ASSERT_EQ(o->status, 0);
	ASSERT_STREQ(o->out, "argv[0]=" WASI_GUEST "\n"
			     "argv[1]=args\n"
			     "argv[2]=x y\n"
			     "env A=1\n"
			     "env B=two\n");
	RUN(o, "piped\ninput", "run", WASI_GUEST, "cat");
	ASSERT_EQ(o->status, 0);
	ASSERT_STREQ(o->out, "piped\ninput");
	free(o);
}

TEST(run_grants_directories)
{
	const char *dir = ht_tmpdir();
	char arg[600], path[600];
	proc_out *o = calloc(1, sizeof *o);
	FILE *f;

	snprintf(arg, sizeof arg, "%s::/work", dir);
	RUN(o, NULL, "run", "--dir", arg, WASI_GUEST, "files", "/work");
	ASSERT_MSG(o->status == 0, "%s%s", o->out, o->err);
	ASSERT(strstr(o->out, "files ok\n") != NULL);
	snprintf(path, sizeof path, "%s/result.txt", dir);
	ASSERT(access(path, F_OK) == 0);

	/* HOST alone: the guest sees the same path */
	RUN(o, NULL, "run", "--dir", dir, WASI_GUEST, "files", dir);
	ASSERT_MSG(o->status == 0, "%s%s", o->out, o->err);

	snprintf(path, sizeof path, "%s/given.txt", dir);
	f = fopen(path, "w");
	fputs("from the host\n", f);
	fclose(f);
	snprintf(arg, sizeof arg, "%s::/ro", dir);
	RUN(o, NULL, "run", "--dir-ro", arg, WASI_GUEST, "readonly", "/ro");
	ASSERT_MSG(o->status == 0, "%s%s", o->out, o->err);
	ASSERT_STREQ(o->out, "readonly ok\n");

	RUN(o, NULL, "run", "--dir", "/nonexistent/hearth", WASI_GUEST,
	    "hello");
	ASSERT_EQ(o->status, 125);
	ASSERT(strstr(o->err, "--dir /nonexistent/hearth: not found") != NULL);
	free(o);
}

TEST(run_fuel_options)
{
	proc_out *o = calloc(1, sizeof *o);
	char want[64];

	RUN(o, NULL, "run", WASI_GUEST, "spin", "100000");
	ASSERT_EQ(o->status, 0);
	snprintf(want, sizeof want, "%.60s", o->out);
	ASSERT(strncmp(want, "spin ", 5) == 0);
	RUN(o, NULL, "run", "--no-fuel", WASI_GUEST, "spin", "100000");
	ASSERT_STREQ(o->out, want);
	RUN(o, NULL, "run", "--fuel-slice", "1000", WASI_GUEST, "spin",
	    "100000");
	ASSERT_STREQ(o->out, want);
	RUN(o, NULL, "run", "--fuel-slice", "0", WASI_GUEST, "spin", "1");
	ASSERT_EQ(o->status, 2);
	free(o);
}

TEST(run_max_pages_caps_memory)
{
	proc_out *o = calloc(1, sizeof *o);
	int small, big;

	RUN(o, NULL, "run", "--max-pages", "64", WASI_GUEST, "grow");
	ASSERT_EQ(o->status, 0);
	ASSERT_EQ(sscanf(o->out, "allocated %d MiB", &small), 1);
	ASSERT_LE(small, 4);
	RUN(o, NULL, "run", "--max-pages", "1024", WASI_GUEST, "grow");
	ASSERT_EQ(sscanf(o->out, "allocated %d MiB", &big), 1);
	ASSERT_GE(big, 60);
	ASSERT_LE(big, 64);
	RUN(o, NULL, "run", "--max-pages", "70000", WASI_GUEST, "grow");
	ASSERT_EQ(o->status, 2);
	free(o);
}

TEST(run_rejects_bad_usage_and_modules)
{
	const char *dir = ht_tmpdir();
	char path[600];
	proc_out *o = calloc(1, sizeof *o);
	FILE *f;

	RUN(o, NULL, "run");
	ASSERT_EQ(o->status, 2);
	RUN(o, NULL, "run", "--bogus", WASI_GUEST);
	ASSERT_EQ(o->status, 2);
	ASSERT(strstr(o->err, "unknown option --bogus") != NULL);
	RUN(o, NULL, "frobnicate");
	ASSERT_EQ(o->status, 2);
	RUN(o, NULL, "run", "/nonexistent.wasm");
	ASSERT_EQ(o->status, 125);
	ASSERT(strstr(o->err, "No such file") != NULL);
	snprintf(path, sizeof path, "%s/junk.wasm", dir);
	f = fopen(path, "w");
	fputs("\0asm junk", f);
	fclose(f);
	RUN(o, NULL, "run", path);
	ASSERT_EQ(o->status, 125);
	ASSERT(strstr(o->err, "junk.wasm:") != NULL);
	free(o);
}

TEST(validate_gives_precise_errors)
{
	const char *dir = ht_tmpdir();
	char bad[600], truncated[600];
	/* (func (result i32) f64.const 0): a type mismatch in function 0 */
	static const uint8_t invalid[] = {
		0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01,
		0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01,
		0x00, 0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x44, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b};
	proc_out *o = calloc(1, sizeof *o);
	FILE *f;

	snprintf(bad, sizeof bad, "%s/invalid.wasm", dir);
	f = fopen(bad, "wb");
	fwrite(invalid, 1, sizeof invalid, f);
	fclose(f);
	snprintf(truncated, sizeof truncated, "%s/truncated.wasm", dir);
	f = fopen(truncated, "wb");
	fwrite(invalid, 1, 20, f);
	fclose(f);

	RUN(o, NULL, "validate", WASI_GUEST);
	ASSERT_EQ(o->status, 0);
	ASSERT_STREQ(o->out, WASI_GUEST ": valid\n");
	RUN(o, NULL, "validate", WASI_GUEST, bad, truncated);
	ASSERT_EQ(o->status, 1);
	ASSERT_MSG(strstr(o->out, "invalid.wasm: INVALID: code section") &&
			   strstr(o->out, "type mismatch"),
		   "%s", o->out);
	ASSERT_MSG(strstr(o->out, "truncated.wasm: MALFORMED: ") != NULL, "%s",
		   o->out);
	free(o);
}

TEST(benchmark_measurements_print_figures)
{
	proc_out *o = calloc(1, sizeof *o);
	double bare, full, kib;
	int n;

	RUN(o, NULL, "instantiate-bench", WASI_GUEST, "200");
	ASSERT_EQ(o->status, 0);
	ASSERT_MSG(sscanf(o->out,
			  "instantiate: %lf us (with a WASI context: %lf us)",
			  &bare, &full) == 2,
		   "%s", o->out);
	ASSERT_GT(bare, 0);
	ASSERT_GT(full, 0);
	RUN(o, NULL, "idle-rss", WASI_GUEST, "500");
	ASSERT_EQ(o->status, 0);
	ASSERT_MSG(sscanf(o->out,
			  "idle instances: %d, resident %lf KiB each with a "
			  "WASI context (%lf KiB bare)",
			  &n, &kib, &bare) == 3,
		   "%s", o->out);
	ASSERT_EQ(n, 500);
	ASSERT_GT(kib, 0);
	ASSERT_GT(bare, 0);
	free(o);
}
