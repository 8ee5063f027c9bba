/* test_server.c — the real hearth-server program: it starts on a data
 * directory, shows its processes, stops cleanly after --exit-after or on
 * SIGTERM, and refuses a second server on the same directory. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt_test.h"

#define SERVER HEARTH_BINARY_DIR "/bin/hearth-server"

typedef struct child {
	pid_t pid;
	int out; /* read end: stdout and stderr */
	char buf[16384];
	size_t len;
} child;

static void start(child *c, const char *const *args)
{
	int fd[2];
	char *argv[16];
	int i;

	ASSERT_EQ(pipe(fd), 0);
	argv[0] = (char *)SERVER;
	for (i = 0; args[i]; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	c->len = 0;
	c->buf[0] = 0;
	c->pid = fork();
	ASSERT(c->pid >= 0);
	if (c->pid == 0) {
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		close(fd[1]);
		execv(SERVER, argv);
		_exit(127);
	}
	close(fd[1]);
	c->out = fd[0];
}

/* Read until text appears (true) or the output ends (false). */
static bool read_until(child *c, const char *text)
{
	while (!text || !strstr(c->buf, text)) {
		ssize_t n = read(c->out, c->buf + c->len,
				 sizeof c->buf - 1 - c->len);

		if (n <= 0)
			return text == NULL;
		c->len += (size_t)n;
		c->buf[c->len] = 0;
	}
	return true;
}

static int finish(child *c)
{
	int st;

	read_until(c, NULL);
	close(c->out);
	ASSERT_EQ(waitpid(c->pid, &st, 0), c->pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void temp_dir(char *out, size_t n)
{
	snprintf(out, n, "/tmp/hearth-test-server-XXXXXX");
	ASSERT_NOT_NULL(mkdtemp(out));
}

/* Remove what a server leaves in dir (its lock file, its lump store). */
static void remove_dir(const char *dir, const char *sub)
{
	(void)sub;
	ht_rmtree(dir);
}

TEST_TIMEOUT(server_runs_and_exits_after, 60)
{
	char dir[64], data[96];
	child c;

	temp_dir(dir, sizeof dir);
	snprintf(data, sizeof data, "%s/data", dir);
	start(&c, (const char *[]){"--data-dir", data, "--exit-after", "1.5",
				   "--schedulers", "2", NULL});
	ASSERT_EQ(finish(&c), 0);
	ASSERT_MSG(strstr(c.buf, "hearth-server: running"), "%s", c.buf);
	ASSERT_MSG(strstr(c.buf, "registry (immutable)"), "%s", c.buf);
	ASSERT_MSG(strstr(c.buf, "greeter"), "%s", c.buf);
	ASSERT_MSG(strstr(c.buf, "ticker"), "%s", c.buf);
	ASSERT_MSG(strstr(c.buf, "schedulers: 2"), "%s", c.buf);
	ASSERT_MSG(strstr(c.buf, "clean shutdown"), "%s", c.buf);
	ASSERT_EQ(access(data, F_OK), 0); /* created */
	remove_dir(dir, "data");
}

TEST_TIMEOUT(server_stops_on_sigterm_and_locks_its_dir, 60)
{
	char dir[64];
	child a, b;

	temp_dir(dir, sizeof dir);
	start(&a, (const char *[]){"--data-dir", dir, "--quiet", NULL});
	ASSERT_MSG(read_until(&a, "press Ctrl-C"), "%s", a.buf);
	/* a second server on the same directory is refused */
	start(&b,
	      (const char *[]){"--data-dir", dir, "--exit-after", "1", NULL});
	ASSERT_EQ(finish(&b), 1);
	ASSERT_MSG(strstr(b.buf, "in use"), "%s", b.buf);
	ASSERT_EQ(kill(a.pid, SIGTERM), 0);
	ASSERT_EQ(finish(&a), 0);
	ASSERT_MSG(strstr(a.buf, "shutting down"), "%s", a.buf);
	ASSERT_MSG(strstr(a.buf, "clean shutdown"), "%s", a.buf);
	remove_dir(dir, NULL);
}

TEST(server_bad_flags)
{
	child c;

	start(&c, (const char *[]){"--schedulers", "0", NULL});
	ASSERT_EQ(finish(&c), 2);
	start(&c, (const char *[]){"--bogus", NULL});
	ASSERT_EQ(finish(&c), 2);
	start(&c, (const char *[]){"--help", NULL});
	ASSERT_EQ(finish(&c), 0);
	ASSERT(strstr(c.buf, "--exit-after"));
}
