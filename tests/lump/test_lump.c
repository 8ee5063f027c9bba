/* test_lump.c — lump ids, the memory and durable stores: persistence,
 * corruption and truncation detection, crash safety (kill -9 while writing),
 * a full disk, the cache budget, and concurrent use. */
#include "test.h"

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "hearth/lump.h"

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static hl_store *open_store(const char *dir, size_t cache)
{
	hl_store_config cfg = {.dir = dir, .cache_bytes = cache};
	hl_store *s = NULL;
	char err[256] = "";

	ASSERT_MSG(hl_store_open(&cfg, &s, err, sizeof err) == 0, "open: %s", err);
	return s;
}

static void lump_file(const char *dir, const hl_id *id, char *out, size_t n)
{
	char hex[HL_ID_HEX];

	hl_id_to_hex(id, hex);
	snprintf(out, n, "%s/lumps/%.2s/%s", dir, hex, hex);
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

TEST(lump_id_is_blake2b_256)
{
	char hex[HL_ID_HEX];
	hl_id id;

	hl_id_of("", 0, &id);
	hl_id_to_hex(&id, hex);
	ASSERT_STREQ(hex, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
	hl_id_of("abc", 3, &id);
	hl_id_to_hex(&id, hex);
	ASSERT_STREQ(hex, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST(lump_id_hex_roundtrip_and_rejects)
{
	char hex[HL_ID_HEX];
	hl_id a, b;

	hl_id_of("x", 1, &a);
	hl_id_to_hex(&a, hex);
	ASSERT_OK(hl_id_from_hex(hex, 64, &b));
	ASSERT(hl_id_eq(&a, &b));
	hex[0] = hex[0] == 'a' ? 'A' : hex[0]; /* upper case is accepted */
	ASSERT_ERR(hl_id_from_hex(hex, 63, &b), HB_EINVAL);
	hex[5] = 'g';
	ASSERT_ERR(hl_id_from_hex(hex, 64, &b), HB_EINVAL);
	ASSERT_ERR(hl_id_from_hex("", 0, &b), HB_EINVAL);
}

TEST(lump_memory_store_put_get)
{
	hl_store *s = open_store(NULL, 0);
	hl_lump *l, *m;
	hl_id id, id2, none;
	hl_store_stats st;

	ASSERT_OK(hl_store_put(s, "hello", 5, &id, &l));
	ASSERT_EQ(hl_lump_len(l), 5);
	ASSERT_MEMEQ(hl_lump_data(l), "hello", 5);
	ASSERT_OK(hl_store_put(s, "hello", 5, &id2, NULL));
	ASSERT(hl_id_eq(&id, &id2));
	ASSERT_OK(hl_store_get(s, &id, &m));
	ASSERT_PTR_EQ(l, m); /* one copy of the bytes */
	hl_id_of("nope", 4, &none);
	ASSERT_ERR(hl_store_get(s, &none, &m), HB_ENOENT);
	ASSERT(!hl_store_has(s, &none));
	hl_store_stats_get(s, &st);
	ASSERT_EQ(st.lumps_cached, 1);
	ASSERT_EQ(st.bytes_cached, 5);
	hl_lump_unref(l);
	hl_lump_unref(m);
	hl_store_close(s);
}

TEST(lump_oversized_is_refused)
{
	hl_store_config cfg = {.max_lump_bytes = 100};
	uint8_t buf[101] = {0};
	hl_store *s;
	hl_id id;

	ASSERT_OK(hl_store_open(&cfg, &s, NULL, 0));
	ASSERT_ERR(hl_store_put(s, buf, sizeof buf, &id, NULL), HB_ETOOBIG);
	ASSERT_OK(hl_store_put(s, buf, 100, &id, NULL));
	hl_store_close(s);
}

TEST(lump_durable_survives_reopen)
{
	const char *dir = ht_tmpdir();
	static uint8_t big[300000];
	hl_store *s = open_store(dir, 0);
	hl_store_stats st;
	hl_lump *l;
	hl_id id;

	fill(big, sizeof big, 7);
	ASSERT_OK(hl_store_put(s, big, sizeof big, &id, NULL));
	hl_store_close(s);

	s = open_store(dir, 0);
	ASSERT(hl_store_has(s, &id));
	ASSERT_OK(hl_store_get(s, &id, &l));
	ASSERT_EQ(hl_lump_len(l), sizeof big);
	ASSERT_MEMEQ(hl_lump_data(l), big, sizeof big);
	hl_store_stats_get(s, &st);
	ASSERT_EQ(st.disk_reads, 1);
	hl_lump_unref(l);
	hl_store_close(s);
}

static void corrupt_and_check(bool truncate_it)
{
	const char *dir = ht_tmpdir();
	char path[4096], qdir[4096];
	hl_store *s = open_store(dir, 0);
	uint8_t data[5000];
	hl_store_stats st;
	hl_lump *l;
	hl_id id;
	int fd;

	fill(data, sizeof data, 3);
	ASSERT_OK(hl_store_put(s, data, sizeof data, &id, NULL));
	hl_store_close(s);

	lump_file(dir, &id, path, sizeof path);
	if (truncate_it) {
		ASSERT_OK(truncate(path, 1234));
	} else {
		uint8_t b;

		fd = open(path, O_RDWR);
		ASSERT(fd >= 0);
		ASSERT_EQ(pread(fd, &b, 1, 4000), 1);
		b ^= 0x20;
		ASSERT_EQ(pwrite(fd, &b, 1, 4000), 1);
		close(fd);
	}

	s = open_store(dir, 0);
	ASSERT_ERR(hl_store_get(s, &id, &l), HB_ECORRUPT);
	hl_store_stats_get(s, &st);
	ASSERT_EQ(st.corrupt, 1);
	/* moved aside, never served again */
	ASSERT_ERR(hl_store_get(s, &id, &l), HB_ENOENT);
	snprintf(qdir, sizeof qdir, "%s/lumps/corrupt", dir);
	ASSERT_EQ(count_files(qdir), 1);
	/* putting the right bytes again heals the store */
	ASSERT_OK(hl_store_put(s, data, sizeof data, &id, NULL));
	hl_store_close(s);
	s = open_store(dir, 0);
	ASSERT_OK(hl_store_get(s, &id, &l));
	ASSERT_MEMEQ(hl_lump_data(l), data, sizeof data);
	hl_lump_unref(l);
	hl_store_close(s);
}

TEST(lump_corrupt_file_is_detected_and_never_served)
{
	corrupt_and_check(false);
}

TEST(lump_truncated_file_is_detected)
{
	corrupt_and_check(true);
}

TEST(lump_open_removes_crash_leftovers)
{
	const char *dir = ht_tmpdir();
	char path[4096];
	hl_store *s = open_store(dir, 0);
	FILE *f;

	hl_store_close(s);
	snprintf(path, sizeof path, "%s/lumps/tmp/123-0-deadbeef", dir);
	f = fopen(path, "w");
	ASSERT_NOT_NULL(f);
	fputs("half a lump", f);
	fclose(f);
	s = open_store(dir, 0);
	snprintf(path, sizeof path, "%s/lumps/tmp", dir);
	ASSERT_EQ(count_files(path), 0);
	hl_store_close(s);
}

/* A child writes lumps as fast as it can and reports each id after put
 * returns; it is killed with SIGKILL mid-stream. Every reported lump must be
 * intact, and every lump file present must verify. */
TEST_TIMEOUT(lump_kill_9_while_writing_leaves_no_bad_lump, 120)
{
	const char *dir = ht_tmpdir();
	int fds[2], status, round;
	size_t acked = 0, present = 0;

	for (round = 0; round < 3; round++) {
		pid_t pid;
		hl_id id;
		FILE *in;

		ASSERT_OK(pipe(fds));
		pid = fork();
		ASSERT(pid >= 0);
		if (pid == 0) {
			static uint8_t buf[1 << 18];
			hl_store *s;

			close(fds[0]);
			s = open_store(dir, 1 << 20);
			for (uint32_t i = 0;; i++) {
				size_t n = 1 + (i * 7919u) % sizeof buf;

				fill(buf, n, i + (uint32_t)round * 1000000u);
				if (hl_store_put(s, buf, n, &id, NULL) != 0)
					_exit(3);
				if (write(fds[1], &id, sizeof id) != sizeof id)
					_exit(4);
			}
		}
		close(fds[1]);
		usleep(150000 + round * 100000);
		kill(pid, SIGKILL);
		ASSERT_EQ(waitpid(pid, &status, 0), pid);
		ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

		hl_store *s = open_store(dir, 1 << 20);
		in = fdopen(fds[0], "r");
		while (fread(&id, sizeof id, 1, in) == 1) {
			hl_lump *l;
			hl_id check;

			ASSERT_OK(hl_store_get(s, &id, &l));
			hl_id_of(hl_lump_data(l), hl_lump_len(l), &check);
			ASSERT(hl_id_eq(&check, &id));
			hl_lump_unref(l);
			acked++;
		}
		fclose(in);
		hl_store_close(s);
	}
	/* every file in the store verifies (none half-written) */
	hl_store *s = open_store(dir, 1 << 20);
	char sub[4096];
	for (int b = 0; b < 256; b++) {
		struct dirent *e;
		DIR *d;

		snprintf(sub, sizeof sub, "%s/lumps/%02x", dir, b);
		d = opendir(sub);
		while (d && (e = readdir(d)) != NULL) {
			hl_lump *l;
			hl_id id;

			if (e->d_name[0] == '.')
				continue;
			ASSERT_OK(hl_id_from_hex(e->d_name, strlen(e->d_name), &id));
			ASSERT_OK(hl_store_get(s, &id, &l));
			hl_lump_unref(l);
			present++;
		}
		if (d)
			closedir(d);
	}
	snprintf(sub, sizeof sub, "%s/lumps/tmp", dir);
	ASSERT_EQ(count_files(sub), 0);
	hl_store_close(s);
	ASSERT_GT(acked, 0);
	ASSERT_GE(present, acked);
}

/* A full disk, simulated with RLIMIT_FSIZE (writes fail with EFBIG): put
 * fails with HB_ENOSPC and leaves nothing behind; small lumps still work. */
TEST(lump_full_disk_is_a_clear_error)
{
	const char *dir = ht_tmpdir();
	pid_t pid = fork();
	int status;

	ASSERT(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = {.rlim_cur = 64 << 10, .rlim_max = 64 << 10};
		static uint8_t big[1 << 20];
		char sub[4096];
		hl_store *s;
		hl_id id;

		signal(SIGXFSZ, SIG_IGN);
		s = open_store(dir, 0);
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(10);
		fill(big, sizeof big, 1);
		if (hl_store_put(s, big, sizeof big, &id, NULL) != HB_ENOSPC)
			_exit(11);
		if (hl_store_has(s, &id))
			_exit(12);
		snprintf(sub, sizeof sub, "%s/lumps/tmp", dir);
		if (count_files(sub) != 0)
			_exit(13);
		if (hl_store_put(s, big, 1000, &id, NULL) != 0)
			_exit(14);
		hl_store_close(s);
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "child status %d", status);
}

TEST(lump_cache_budget_bounds_memory)
{
	const char *dir = ht_tmpdir();
	hl_store *s = open_store(dir, 1 << 20);
	uint8_t buf[64 << 10];
	hl_id ids[100];
	hl_lump *held, *l;
	hl_store_stats st;

	fill(buf, sizeof buf, 99);
	ASSERT_OK(hl_store_put(s, buf, sizeof buf, &ids[0], &held));
	for (uint32_t i = 1; i < 100; i++) {
		fill(buf, sizeof buf, i);
		ASSERT_OK(hl_store_put(s, buf, sizeof buf, &ids[i], NULL));
	}
	hl_store_stats_get(s, &st);
	ASSERT_LE(st.bytes_cached, 1 << 20);
	ASSERT_GT(st.evicted, 0);
	/* the held lump stayed; evicted ones come back from disk */
	ASSERT_OK(hl_store_get(s, &ids[0], &l));
	ASSERT_PTR_EQ(l, held);
	hl_lump_unref(l);
	for (int i = 1; i < 100; i++) {
		ASSERT_OK(hl_store_get(s, &ids[i], &l));
		fill(buf, sizeof buf, (uint32_t)i);
		ASSERT_MEMEQ(hl_lump_data(l), buf, sizeof buf);
		hl_lump_unref(l);
	}
	ASSERT_EQ(hl_store_trim(s, 0) > 0, 1);
	hl_store_stats_get(s, &st);
	ASSERT_EQ(st.lumps_cached, 1); /* only the held one is left */
	hl_lump_unref(held);
	hl_store_close(s);
}

/* Lumps outlive the store that made them. */
TEST(lump_reference_outlives_store)
{
	hl_store *s = open_store(NULL, 0);
	hl_lump *l;
	hl_id id;

	ASSERT_OK(hl_store_put(s, "abc", 3, &id, &l));
	hl_store_close(s);
	ASSERT_MEMEQ(hl_lump_data(l), "abc", 3);
	hl_lump_unref(l);
}

struct conc {
	hl_store *s;
	int t;
	int bad;
};

static void *conc_main(void *arg)
{
	struct conc *c = arg;
	uint8_t buf[4096];

	for (uint32_t i = 0; i < 400; i++) {
		hl_lump *l;
		hl_id id;
		/* half the lumps are shared between threads */
		uint32_t seed = i % 2 ? i : i + 1000u * (uint32_t)c->t;

		fill(buf, sizeof buf, seed);
		if (hl_store_put(c->s, buf, 100 + seed % 3000, &id, NULL) ||
		    hl_store_get(c->s, &id, &l)) {
			c->bad++;
			continue;
		}
		if (hl_lump_len(l) != 100 + seed % 3000 ||
		    memcmp(hl_lump_data(l), buf, hl_lump_len(l)))
			c->bad++;
		hl_lump_unref(l);
	}
	return NULL;
}

TEST_TIMEOUT(lump_concurrent_put_get, 120)
{
	const char *dir = ht_tmpdir();
	hl_store *s = open_store(dir, 256 << 10);
	struct conc c[4];
	pthread_t th[4];

	for (int i = 0; i < 4; i++) {
		c[i] = (struct conc){s, i, 0};
		ASSERT_OK(pthread_create(&th[i], NULL, conc_main, &c[i]));
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ASSERT_EQ(c[i].bad, 0);
	}
	hl_store_close(s);
}
