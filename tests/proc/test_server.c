/* test_server.c — the real hearth-server with Wasm processes: a guest
 * writes lumps into the server's data directory and acknowledges each;
 * the server is killed with SIGKILL mid-write, restarted on the same
 * directory (where the guest goes on writing), stopped, and every
 * acknowledged lump must be there, intact. Also --init and --spawn. */
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include "proc_test.h"

#define SERVER	 HEARTH_BINARY_DIR "/bin/hearth-server"
#define WRITER	 HEARTH_BINARY_DIR "/guests/lump_writer.wasm"
#define MAX_LUMP 200000

typedef struct child {
	pid_t pid;
	int out;
	char buf[1 << 16]; /* the unread tail of the output */
	size_t len;
	char all[1 << 14]; /* the start of the output, for messages */
	size_t alen;
} child;

static void start(child *c, const char *const *args)
{
	int fd[2];
	char *argv[24];
	int i;

	ASSERT_EQ(pipe(fd), 0);
	argv[0] = (char *)SERVER;
	for (i = 0; args[i]; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	memset(c, 0, sizeof *c);
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

/* The next whole output line into line (true), or false at the end. */
static bool next_line(child *c, char *line, size_t max)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		ssize_t n;

		if (nl) {
			size_t k = (size_t)(nl - c->buf);

			snprintf(line, max, "%.*s", (int)k, c->buf);
			memmove(c->buf, nl + 1, c->len - k - 1);
			c->len -= k + 1;
			if (c->alen + k + 2 < sizeof c->all) {
				memcpy(c->all + c->alen, line, strlen(line));
				c->alen += strlen(line);
				c->all[c->alen++] = '\n';
				c->all[c->alen] = 0;
			}
			return true;
		}
		if (c->len == sizeof c->buf)
			c->len = 0; /* an absurd line: drop it */
		n = read(c->out, c->buf + c->len, sizeof c->buf - c->len);
		if (n <= 0)
			return false;
		c->len += (size_t)n;
	}
}

/* Read lines until one contains text. */
static bool until(child *c, const char *text)
{
	char line[1024];

	while (next_line(c, line, sizeof line))
		if (strstr(line, text))
			return true;
	return false;
}

static int finish(child *c)
{
	char line[1024];
	int st;

	while (next_line(c, line, sizeof line))
		;
	close(c->out);
	ASSERT_EQ(waitpid(c->pid, &st, 0), c->pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The bytes of lump n, as lump_writer.c makes them. */
static uint32_t lump_bytes(uint32_t n, uint8_t *out)
{
	uint32_t len = 64 + (n * 7919u) % (MAX_LUMP - 64), x = n * 2654435761u;

	for (uint32_t k = 0; k < len; k++) {
		x = x * 1664525u + 1013904223u;
		out[k] = (uint8_t)(x >> 24);
	}
	return len;
}

typedef struct ack {
	uint32_t n;
	hl_id id;
} ack;

/* Collect "ack <n> <hex>" lines until want of them came. */
static uint32_t collect(child *c, ack *acks, uint32_t have, uint32_t want)
{
	char line[1024];

	while (have < want && next_line(c, line, sizeof line)) {
		const char *p = strstr(line, "info: ack ");
		unsigned long n;
		char *end;

		if (!p)
			continue;
		n = strtoul(p + 10, &end, 10);
		ASSERT_EQ(*end, ' ');
		ASSERT_OK(hl_id_from_hex(end + 1, strlen(end + 1),
					 &acks[have].id));
		acks[have].n = (uint32_t)n;
		have++;
	}
	return have;
}

static int count_files(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

TEST_TIMEOUT(server_lumps_survive_kill_9, 240)
{
	char data[512], tmpdir[600];
	child c;
	static ack acks[400];
	uint32_t n1, n2, i;
	uint8_t *want = malloc(MAX_LUMP);
	hl_store_config sc = {0};
	hl_store *s;
	hl_store_stats stats;
	char err[256];
	int round;

	snprintf(data, sizeof data, "%s/data", ht_tmpdir());
	ASSERT_NOT_NULL(want);
	/* two kills mid-write, then a clean run */
	n1 = 0;
	for (round = 0; round < 2; round++) {
		start(&c, (const char *[]){"--data-dir", data, "--status-every",
					   "0", "--spawn", WRITER, NULL});
		n2 = collect(&c, acks, n1, n1 + 25);
		ASSERT_MSG(n2 == n1 + 25, "only %u acks:\n%s", n2 - n1, c.all);
		ASSERT_EQ(kill(c.pid, SIGKILL), 0);
		ASSERT_EQ(finish(&c), 128 + SIGKILL);
		n1 = n2;
	}
	start(&c, (const char *[]){"--data-dir", data, "--status-every", "0",
				   "--spawn", WRITER, NULL});
	n2 = collect(&c, acks, n1, n1 + 10);
	ASSERT_EQ(n2, n1 + 10);
	ASSERT_EQ(kill(c.pid, SIGTERM), 0);
	ASSERT_EQ(finish(&c), 0);

	/* every acknowledged lump is there and intact */
	sc.dir = data;
	ASSERT_OK(hl_store_open(&sc, &s, err, sizeof err));
	for (i = 0; i < n2; i++) {
		hl_lump *l;
		hl_id id;
		uint32_t len = lump_bytes(acks[i].n, want);

		hl_id_of(want, len, &id);
		ASSERT_MSG(hl_id_eq(&id, &acks[i].id), "ack %u: wrong id", i);
		ASSERT_OK(hl_store_get(s, &acks[i].id, &l));
		ASSERT_EQ(hl_lump_len(l), len);
		ASSERT_MEMEQ(hl_lump_data(l), want, len);
		hl_lump_unref(l);
	}
	hl_store_stats_get(s, &stats);
	ASSERT_EQ(stats.corrupt, 0);
	hl_store_close(s);
	/* no half-written file is left over, none was found corrupt */
	snprintf(tmpdir, sizeof tmpdir, "%s/lumps/tmp", data);
	ASSERT_EQ(count_files(tmpdir), 0);
	snprintf(tmpdir, sizeof tmpdir, "%s/lumps/corrupt", data);
	ASSERT_EQ(count_files(tmpdir), 0);
	free(want);
}

TEST_TIMEOUT(server_init_and_spawn, 120)
{
	char data[512], init[600], crash[600];
	child c;

	snprintf(data, sizeof data, "%s/data", ht_tmpdir());
	snprintf(init, sizeof init, "%s:quick", WRITER);
	snprintf(crash, sizeof crash, "%s:crash", WRITER);
	/* an init that returns: the server goes on */
	start(&c, (const char *[]){"--data-dir", data, "--status-every", "0",
				   "--exit-after", "1", "--init", init, NULL});
	ASSERT_MSG(until(&c, "init done"), "%s", c.all);
	ASSERT_MSG(until(&c, "exited: normal"), "%s", c.all);
	ASSERT_MSG(until(&c, "time is up"), "%s", c.all);
	ASSERT_EQ(finish(&c), 0);
	/* an init that traps: the server stops with status 1 */
	start(&c, (const char *[]){"--data-dir", data, "--status-every", "0",
				   "--init", crash, NULL});
	ASSERT_MSG(until(&c, "exited: trap: unreachable"), "%s", c.all);
	ASSERT_MSG(until(&c, "the init process failed"), "%s", c.all);
	ASSERT_EQ(finish(&c), 1);
	/* a spawn of a missing file or entry: refused at start */
	start(&c, (const char *[]){"--data-dir", data, "--spawn",
				   "/nonexistent.wasm", NULL});
	ASSERT_EQ(finish(&c), 1);
	ASSERT_MSG(strstr(c.all, "cannot open /nonexistent.wasm"), "%s", c.all);
	snprintf(init, sizeof init, "%s:nope", WRITER);
	start(&c, (const char *[]){"--data-dir", data, "--spawn", init, NULL});
	ASSERT_EQ(finish(&c), 1);
	ASSERT_MSG(strstr(c.all, "no export 'nope'"), "%s", c.all);
}
