/* test_main.c — the runner behind every hearth-test-* program: each test
 * runs in a forked child (own process group) under a timeout, and the last
 * line printed is "NAME: N passed, N failed". */
#include "test.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static ht_test *ht_head, **ht_tail = &ht_head;
static const ht_test *ht_cur;

const ht_test *ht_current(void)
{
	return ht_cur;
}

void ht__register(ht_test *t)
{
	*ht_tail = t;
	ht_tail = &t->next;
}

void ht__fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  %s:%d: assertion failed: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	exit(1);
}

/* Temp directories made by the running test (in the child), removed by
 * the child's atexit handler when the test ends, pass or fail. */
#define HT_MAX_TMPDIRS 16
static char ht_tmpdirs[HT_MAX_TMPDIRS][256];
static int ht_ntmpdirs;

void ht_rmtree(const char *path)
{
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	d = opendir(path);
	while (d && (e = readdir(d)) != NULL) {
		char sub[4096];

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		ht_rmtree(sub);
	}
	if (d)
		closedir(d);
	rmdir(path);
}

static void ht_cleanup_tmpdirs(void)
{
	while (ht_ntmpdirs > 0)
		ht_rmtree(ht_tmpdirs[--ht_ntmpdirs]);
}

const char *ht_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *p;

	if (ht_ntmpdirs == HT_MAX_TMPDIRS)
		ht__fail(__FILE__, __LINE__, "too many ht_tmpdir() calls");
	p = ht_tmpdirs[ht_ntmpdirs];
	snprintf(p, sizeof ht_tmpdirs[0], "%s/hearth-test-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(p))
		ht__fail(__FILE__, __LINE__, "mkdtemp %s: %s", p, strerror(errno));
	if (ht_ntmpdirs++ == 0)
		atexit(ht_cleanup_tmpdirs);
	return p;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A comma-separated list of name prefixes; empty matches everything. */
static bool matches(const char *name, const char *filter)
{
	const char *p = filter;

	if (!filter || !*filter)
		return true;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n && strncmp(name, p, n) == 0)
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

/* Run t in a child; returns 0 pass, 1 fail, 2 timeout. */
static int run_one(ht_test *t, int timeout_s, bool nofork)
{
	sigset_t set, old;
	struct timespec ts;
	double deadline;
	pid_t pid, w;
	int status = 0, sig;

	ht_cur = t;
	if (nofork) {
		t->fn();
		return 0;
	}
	fflush(stdout);
	fflush(stderr);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		setpgid(0, 0);
		t->fn();
		fflush(stdout);
		exit(0);
	}
	setpgid(pid, pid);
	deadline = now_ms() + timeout_s * 1e3;
	for (;;) {
		double left;

		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		left = deadline - now_ms();
		if (left < 0)
			left = 0;
		ts.tv_sec = (time_t)(left / 1e3);
		ts.tv_nsec = (long)((left - ts.tv_sec * 1e3) * 1e6);
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig < 0 && errno == EAGAIN && now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			sigprocmask(SIG_SETMASK, &old, NULL);
			return 2;
		}
		/* SIGCHLD (perhaps from a grandchild) or EINTR: look again. */
	}
	kill(-pid, SIGKILL); /* strays the test left in its group */
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		fprintf(stderr, "  killed by signal %d (%s)\n", WTERMSIG(status),
			strsignal(WTERMSIG(status)));
	return 1;
}

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [-l] [-x] [-q] [-T seconds] [-f prefix,prefix...]\n"
		"  -l  list tests        -x  run in-process (for a debugger)\n"
		"  -q  print failures only  -T  default timeout (30 s)\n"
		"  -f  run tests whose names start with one of the prefixes\n"
		"  HEARTH_TEST_TIMEOUT_SCALE multiplies every timeout\n",
		argv0);
}

int main(int argc, char **argv)
{
	const char *filter = getenv("HEARTH_TEST_FILTER");
	const char *scale_env = getenv("HEARTH_TEST_TIMEOUT_SCALE");
	const char *self = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1
						 : argv[0];
	bool list = false, nofork = false, quiet = false;
	int def_timeout = 30, passed = 0, failed = 0, opt;
	double scale = scale_env ? atof(scale_env) : 1.0;
	ht_test *t;

	while ((opt = getopt(argc, argv, "lxqT:f:h")) != -1) {
		switch (opt) {
		case 'l': list = true; break;
		case 'x': nofork = true; break;
		case 'q': quiet = true; break;
		case 'T': def_timeout = atoi(optarg); break;
		case 'f': filter = optarg; break;
		default: usage(argv[0]); return opt == 'h' ? 0 : 2;
		}
	}
	if (scale <= 0)
		scale = 1.0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (t = ht_head; t; t = t->next) {
		int timeout, rc;
		double t0;

		if (!matches(t->name, filter))
			continue;
		if (list) {
			printf("%s\n", t->name);
			continue;
		}
		timeout = (int)((t->timeout_s ? t->timeout_s : def_timeout) * scale);
		if (timeout < 1)
			timeout = 1;
		t0 = now_ms();
		rc = run_one(t, timeout, nofork);
		if (rc == 0) {
			passed++;
			if (!quiet)
				printf("ok   %s (%.0f ms)\n", t->name, now_ms() - t0);
		} else {
			failed++;
			printf("FAIL %s%s (%s)\n", t->name,
			       rc == 2 ? ": timed out" : "", t->file);
		}
	}
	if (!list)
		printf("%s: %d passed, %d failed\n", self, passed, failed);
	return failed ? 1 : 0;
}
