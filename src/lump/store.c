/* store.c — the lump store: an in-memory cache with a byte budget over an
 * optional durable, content-addressed directory (see hearth/lump.h).
 *
 * On disk: <dir>/lumps/<2 hex>/<64 hex> holds a lump's bytes; new files are
 * written in <dir>/lumps/tmp/, fsync'd and renamed into place, then the
 * directory is fsync'd, so a crash leaves the whole lump or nothing. Files
 * that fail verification are moved to <dir>/lumps/corrupt/.
 *
 * Locking: one mutex guards the hash table, the LRU list and the stats.
 * Disk I/O and hashing run outside it; a race between two threads putting or
 * reading the same lump is settled by a second lookup before insertion. */
#include "lump_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "hearth/error.h"
#include "hearth/limits.h"

struct hl_store {
	pthread_mutex_t mu;
	char *root; /* <dir>/lumps, or NULL for a memory-only store */
	size_t cache_bytes;
	size_t max_lump;
	hl_lump **buckets; /* chained by hnext; nbuckets is a power of two */
	size_t nbuckets;
	size_t count;
	size_t bytes;
	hl_lump *lru_head, *lru_tail;
	hl_store_stats st;
	atomic_uint_fast64_t tmp_seq;
};

/* ---- hash table and LRU (caller holds mu) ---- */

static size_t bucket_of(const hl_store *s, const hl_id *id)
{
	uint64_t h;

	memcpy(&h, id->b, sizeof h); /* the id is already a uniform hash */
	return (size_t)h & (s->nbuckets - 1);
}

static hl_lump *find(hl_store *s, const hl_id *id)
{
	hl_lump *l;

	for (l = s->buckets[bucket_of(s, id)]; l; l = l->hnext)
		if (hl_id_eq(&l->id, id))
			return l;
	return NULL;
}

static void lru_unlink(hl_store *s, hl_lump *l)
{
	if (l->lru_prev)
		l->lru_prev->lru_next = l->lru_next;
	else
		s->lru_head = l->lru_next;
	if (l->lru_next)
		l->lru_next->lru_prev = l->lru_prev;
	else
		s->lru_tail = l->lru_prev;
	l->lru_prev = l->lru_next = NULL;
}

static void lru_push(hl_store *s, hl_lump *l)
{
	l->lru_prev = NULL;
	l->lru_next = s->lru_head;
	if (s->lru_head)
		s->lru_head->lru_prev = l;
	s->lru_head = l;
	if (!s->lru_tail)
		s->lru_tail = l;
}

static void touch(hl_store *s, hl_lump *l)
{
	if (s->lru_head != l) {
		lru_unlink(s, l);
		lru_push(s, l);
	}
}

static int grow(hl_store *s)
{
	size_t n = s->nbuckets * 2, i;
	hl_lump **b = calloc(n, sizeof *b);

	if (!b)
		return HB_ENOMEM;
	for (i = 0; i < s->nbuckets; i++) {
		hl_lump *l = s->buckets[i], *next;

		for (; l; l = next) {
			uint64_t h;

			next = l->hnext;
			memcpy(&h, l->id.b, sizeof h);
			l->hnext = b[h & (n - 1)];
			b[h & (n - 1)] = l;
		}
	}
	free(s->buckets);
	s->buckets = b;
	s->nbuckets = n;
	return 0;
}

/* Insert l (the table takes over the caller's reference). */
static void insert(hl_store *s, hl_lump *l)
{
	size_t b;

	if (s->count >= s->nbuckets)
		grow(s); /* on failure the chains just get longer */
	b = bucket_of(s, &l->id);
	l->hnext = s->buckets[b];
	s->buckets[b] = l;
	lru_push(s, l);
	s->count++;
	s->bytes += l->len;
}

static void drop(hl_store *s, hl_lump *l)
{
	hl_lump **pp = &s->buckets[bucket_of(s, &l->id)];

	while (*pp != l)
		pp = &(*pp)->hnext;
	*pp = l->hnext;
	lru_unlink(s, l);
	s->count--;
	s->bytes -= l->len;
	s->st.evicted++;
	hl_lump_unref(l);
}

/* Drop lumps only the store references, oldest first, to fit budget. A
 * count of 1 under the lock means no one else holds it: references are
 * only handed out under the lock or copied by someone who holds one. */
static size_t trim_locked(hl_store *s, size_t budget)
{
	hl_lump *l = s->lru_tail, *prev;
	size_t n = 0;

	while (l && (s->bytes > budget || budget == 0)) {
		prev = l->lru_prev;
		if (atomic_load_explicit(&l->refs, memory_order_acquire) == 1) {
			drop(s, l);
			n++;
		}
		l = prev;
	}
	return n;
}

/* ---- disk ---- */

static int errno_to_hb(int e)
{
	switch (e) {
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
		return HB_ENOSPC;
	case ENOMEM:
		return HB_ENOMEM;
	case ENOENT:
		return HB_ENOENT;
	default:
		return HB_EIO;
	}
}

static void lump_path(const hl_store *s, const hl_id *id, char *out, size_t n)
{
	char hex[HL_ID_HEX];

	hl_id_to_hex(id, hex);
	snprintf(out, n, "%s/%.2s/%s", s->root, hex, hex);
}

static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -1;
	if (fsync(fd) != 0)
		rc = -1;
	close(fd);
	return rc;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write a lump durably. Returns 0 or an HB_E* code; on error no file is
 * left at its final path or in tmp/. */
static int write_lump(hl_store *s, const hl_id *id, const void *data, size_t len)
{
	char tmp[4096], path[4096], dir[4096];
	uint64_t seq = atomic_fetch_add(&s->tmp_seq, 1);
	struct stat st;
	int fd, err;

	lump_path(s, id, path, sizeof path);
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len)
		return 0; /* already durable; a bad copy is caught when read */

	snprintf(tmp, sizeof tmp, "%s/tmp/%ld-%llu-%08x", s->root, (long)getpid(),
		 (unsigned long long)seq, randombytes_random());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno_to_hb(errno);
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		err = errno;
		close(fd);
		unlink(tmp);
		return errno_to_hb(err);
	}
	if (close(fd) != 0) {
		err = errno;
		unlink(tmp);
		return errno_to_hb(err);
	}
	snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(path, '/') - path), path);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		err = errno;
		unlink(tmp);
		return errno_to_hb(err);
	}
	if (rename(tmp, path) != 0) {
		err = errno;
		unlink(tmp);
		return errno_to_hb(err);
	}
	if (fsync_dir(dir) != 0)
		return errno_to_hb(errno);
	return 0;
}

static void quarantine(hl_store *s, const char *path, const hl_id *id)
{
	char dst[4096], hex[HL_ID_HEX];

	hl_id_to_hex(id, hex);
	snprintf(dst, sizeof dst, "%s/corrupt/%s.%ld", s->root, hex, (long)time(NULL));
	if (rename(path, dst) != 0)
		unlink(path); /* never serve it again, either way */
}

/* Read and verify a lump from disk. OUT: *out (refs = 1). */
static int read_lump(hl_store *s, const hl_id *id, hl_lump **out)
{
	char path[4096];
	struct stat st;
	hl_lump *l;
	hl_id got;
	size_t off = 0;
	int fd, err;

	lump_path(s, id, path, sizeof path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno_to_hb(errno);
	if (fstat(fd, &st) != 0) {
		err = errno;
		close(fd);
		return errno_to_hb(err);
	}
	if ((uint64_t)st.st_size > s->max_lump) {
		close(fd);
		return HB_ETOOBIG;
	}
	l = hl__lump_alloc((size_t)st.st_size);
	if (!l) {
		close(fd);
		return HB_ENOMEM;
	}
	while (off < l->len) {
		ssize_t r = read(fd, l->data + off, l->len - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	close(fd);
	hl_id_of(l->data, off, &got);
	if (off != l->len || !hl_id_eq(&got, id)) {
		free(l);
		quarantine(s, path, id);
		pthread_mutex_lock(&s->mu);
		s->st.corrupt++;
		pthread_mutex_unlock(&s->mu);
		return HB_ECORRUPT;
	}
	l->id = *id;
	*out = l;
	return 0;
}

static int mkdirs(const char *root, char *err, size_t errlen)
{
	static const char *const sub[] = {"", "/tmp", "/corrupt"};
	char path[4096];
	size_t i;

	for (i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		snprintf(path, sizeof path, "%s%s", root, sub[i]);
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			if (err)
				snprintf(err, errlen, "mkdir %s: %s", path, strerror(errno));
			return errno_to_hb(errno);
		}
	}
	return 0;
}

/* Remove what a crash left in tmp/: files never renamed into place. */
static void purge_tmp(const char *root)
{
	char path[4096];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof path, "%s/tmp", root);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/tmp/%s", root, e->d_name);
		unlink(path);
	}
	closedir(d);
}

/* ---- public ---- */

int hl_store_open(const hl_store_config *cfg, hl_store **out, char *err,
		  size_t errlen)
{
	hl_store *s;
	int rc = HB_ENOMEM;

	if (sodium_init() < 0)
		return HB_EIO;
	s = calloc(1, sizeof *s);
	if (!s)
		return HB_ENOMEM;
	s->cache_bytes = cfg && cfg->cache_bytes ? cfg->cache_bytes
						 : HL_DEFAULT_CACHE_BYTES;
	s->max_lump = cfg && cfg->max_lump_bytes ? cfg->max_lump_bytes
						 : HL_MAX_LUMP_BYTES;
	s->nbuckets = 64;
	s->buckets = calloc(s->nbuckets, sizeof *s->buckets);
	if (!s->buckets)
		goto fail;
	if (cfg && cfg->dir) {
		size_t n = strlen(cfg->dir) + sizeof "/lumps";

		s->root = malloc(n);
		if (!s->root)
			goto fail;
		snprintf(s->root, n, "%s/lumps", cfg->dir);
		if (mkdir(cfg->dir, 0755) != 0 && errno != EEXIST) {
			if (err)
				snprintf(err, errlen, "mkdir %s: %s", cfg->dir,
					 strerror(errno));
			rc = errno_to_hb(errno);
			goto fail;
		}
		rc = mkdirs(s->root, err, errlen);
		if (rc)
			goto fail;
		purge_tmp(s->root);
	}
	if (pthread_mutex_init(&s->mu, NULL) != 0) {
		rc = HB_ENOMEM;
		goto fail;
	}
	*out = s;
	return 0;
fail:
	free(s->root);
	free(s->buckets);
	free(s);
	return rc;
}

void hl_store_close(hl_store *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nbuckets; i++) {
		hl_lump *l = s->buckets[i], *next;

		for (; l; l = next) {
			next = l->hnext;
			hl_lump_unref(l);
		}
	}
	pthread_mutex_destroy(&s->mu);
	free(s->buckets);
	free(s->root);
	free(s);
}

int hl_store_put(hl_store *s, const void *data, size_t len, hl_id *id,
		 hl_lump **out)
{
	hl_lump *l, *old;
	hl_id h;
	int rc;

	if (len > s->max_lump)
		return HB_ETOOBIG;
	hl_id_of(data, len, &h);
	*id = h;

	pthread_mutex_lock(&s->mu);
	l = find(s, &h);
	if (l) {
		touch(s, l);
		if (out)
			*out = hl_lump_ref(l);
		pthread_mutex_unlock(&s->mu);
		return 0;
	}
	pthread_mutex_unlock(&s->mu);

	if (s->root) {
		rc = write_lump(s, &h, data, len);
		if (rc)
			return rc;
	}
	l = hl__lump_new(&h, data, len);
	if (!l)
		return HB_ENOMEM;

	pthread_mutex_lock(&s->mu);
	if (s->root)
		s->st.disk_writes++;
	old = find(s, &h);
	if (old) {
		free(l);
		l = old;
		touch(s, l);
	} else {
		insert(s, l);
	}
	if (out)
		*out = hl_lump_ref(l);
	trim_locked(s, s->cache_bytes);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

int hl_store_get(hl_store *s, const hl_id *id, hl_lump **out)
{
	hl_lump *l, *old;
	int rc;

	pthread_mutex_lock(&s->mu);
	l = find(s, id);
	if (l) {
		s->st.hits++;
		touch(s, l);
		*out = hl_lump_ref(l);
		pthread_mutex_unlock(&s->mu);
		return 0;
	}
	s->st.misses++;
	pthread_mutex_unlock(&s->mu);
	if (!s->root)
		return HB_ENOENT;

	rc = read_lump(s, id, &l);
	if (rc)
		return rc;
	pthread_mutex_lock(&s->mu);
	s->st.disk_reads++;
	old = find(s, id);
	if (old) {
		free(l);
		l = old;
		touch(s, l);
	} else {
		insert(s, l);
	}
	*out = hl_lump_ref(l);
	trim_locked(s, s->cache_bytes);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

bool hl_store_has(hl_store *s, const hl_id *id)
{
	char path[4096];
	struct stat st;
	bool found;

	pthread_mutex_lock(&s->mu);
	found = find(s, id) != NULL;
	pthread_mutex_unlock(&s->mu);
	if (found || !s->root)
		return found;
	lump_path(s, id, path, sizeof path);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

size_t hl_store_trim(hl_store *s, size_t cache_bytes)
{
	size_t n;

	pthread_mutex_lock(&s->mu);
	n = trim_locked(s, cache_bytes);
	pthread_mutex_unlock(&s->mu);
	return n;
}

void hl_store_stats_get(hl_store *s, hl_store_stats *out)
{
	pthread_mutex_lock(&s->mu);
	*out = s->st;
	out->lumps_cached = s->count;
	out->bytes_cached = s->bytes;
	pthread_mutex_unlock(&s->mu);
}
