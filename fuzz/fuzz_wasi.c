/* fuzz_wasi.c — the WASI layer under hostile guests: a module that imports
 * every preview-1 function and exports a wrapper for each is run with a
 * fresh context per input (a read-only grant of a small directory with a
 * file, a subdirectory and a link leading out; sleeps and yields suspend
 * instead of blocking); the input fills the guest's memory (iovecs,
 * paths, subscriptions, ...) and then names up to 64 calls with their
 * arguments. Nothing may crash, leak, write outside the guest's memory,
 * block, or change anything on the host.
 * Input: byte h, then 32*h bytes copied to memory address 0, then calls:
 * a byte (function index mod 46) and 2 bytes per argument (0xFFF0.. pick
 * edge values: -1, INT32_MIN, 65536, ...). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hearth/error.h"
#include "hearth/wasi.h"
#include "hearth/wasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* name, params ('i' i32, 'l' i64), results */
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
#define NCALLS (sizeof calls / sizeof *calls)

/* ---- a tiny module writer ---- */

typedef struct mbuf {
	uint8_t b[8192];
	size_t n;
} mbuf;

static void put(mbuf *m, uint8_t v)
{
	m->b[m->n++] = v;
}

static void uleb(mbuf *m, uint32_t v)
{
	do {
		uint8_t c = v & 0x7f;

		v >>= 7;
		put(m, v ? c | 0x80 : c);
	} while (v);
}

static void name(mbuf *m, const char *s)
{
	uleb(m, (uint32_t)strlen(s));
	while (*s)
		put(m, (uint8_t)*s++);
}

static void section(mbuf *out, uint8_t id, const mbuf *body)
{
	put(out, id);
	uleb(out, (uint32_t)body->n);
	memcpy(out->b + out->n, body->b, body->n);
	out->n += body->n;
}

static uint8_t vt(char c)
{
	return c == 'l' ? 0x7e : 0x7f;
}

/* imports: every call; functions f0..f45: (params) -> call import */
static void build(mbuf *out)
{
	static mbuf s;

	out->n = 0;
	put(out, 0);
	put(out, 'a');
	put(out, 's');
	put(out, 'm');
	put(out, 1);
	put(out, 0);
	put(out, 0);
	put(out, 0);
	s.n = 0; /* types */
	uleb(&s, NCALLS);
	for (size_t i = 0; i < NCALLS; i++) {
		put(&s, 0x60);
		uleb(&s, (uint32_t)strlen(calls[i].params));
		for (const char *p = calls[i].params; *p; p++)
			put(&s, vt(*p));
		uleb(&s, (uint32_t)strlen(calls[i].results));
		for (const char *p = calls[i].results; *p; p++)
			put(&s, vt(*p));
	}
	section(out, 1, &s);
	s.n = 0; /* imports */
	uleb(&s, NCALLS);
	for (size_t i = 0; i < NCALLS; i++) {
		name(&s, "wasi_snapshot_preview1");
		name(&s, calls[i].name);
		put(&s, 0);
		uleb(&s, (uint32_t)i);
	}
	section(out, 2, &s);
	s.n = 0; /* functions */
	uleb(&s, NCALLS);
	for (size_t i = 0; i < NCALLS; i++)
		uleb(&s, (uint32_t)i);
	section(out, 3, &s);
	s.n = 0; /* memory: exactly one page */
	uleb(&s, 1);
	put(&s, 1);
	uleb(&s, 1);
	uleb(&s, 1);
	section(out, 5, &s);
	s.n = 0; /* exports */
	uleb(&s, NCALLS + 1);
	name(&s, "memory");
	put(&s, 2);
	uleb(&s, 0);
	for (size_t i = 0; i < NCALLS; i++) {
		char nm[8];

		snprintf(nm, sizeof nm, "f%zu", i);
		name(&s, nm);
		put(&s, 0);
		uleb(&s, (uint32_t)(NCALLS + i));
	}
	section(out, 7, &s);
	s.n = 0; /* code */
	uleb(&s, NCALLS);
	for (size_t i = 0; i < NCALLS; i++) {
		size_t np = strlen(calls[i].params);

		uleb(&s, (uint32_t)(1 + 2 * np + 2 + 1)); /* body size */
		put(&s, 0);				  /* no locals */
		for (size_t k = 0; k < np; k++) {
			put(&s, 0x20);
			put(&s, (uint8_t)k);
		}
		put(&s, 0x10);
		put(&s, (uint8_t)i);
		put(&s, 0x0b);
	}
	section(out, 10, &s);
}

/* The directory granted (read-only) to every input, made once and
 * removed at exit. */
static char grant[256];

static void grant_remove(void)
{
	static const char *const names[] = {"f", "d", "out"};
	char p[300];

	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s/%s", grant, names[i]);
		if (remove(p))
			(void)0;
	}
	rmdir(grant);
}

static const char *grant_dir(void)
{
	char *dir = grant;
	size_t sz = sizeof grant;
	char p[300];
	FILE *f;

	if (dir[0])
		return dir;
	snprintf(dir, sz, "%s/hearth-fuzz-wasi-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		abort();
	atexit(grant_remove);
	snprintf(p, sizeof p, "%s/f", dir);
	f = fopen(p, "w");
	if (!f)
		abort();
	fputs("some bytes in a file\n", f);
	fclose(f);
	snprintf(p, sizeof p, "%s/d", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/out", dir);
	if (symlink("/etc", p))
		(void)0;
	return dir;
}

static uint32_t arg32(const uint8_t *d)
{
	static const uint32_t edge[16] = {
		0xFFFFFFFFu, 0x80000000u, 0x7FFFFFFFu, 65536, 65535, 65532,
		65528,	     0xFFFF0000u, 0xFFFFFFF8u, 3,     4,     76,
		1024,	     100000,	  0x10000000u, 2};
	uint32_t v = (uint32_t)d[0] | (uint32_t)d[1] << 8;

	return v >= 0xFFF0 ? edge[v - 0xFFF0] : v;
}

static uint64_t arg64(const uint8_t *d)
{
	uint32_t v = (uint32_t)d[0] | (uint32_t)d[1] << 8;

	if (v >= 0xFFF8) {
		static const uint64_t edge[8] = {
			UINT64_MAX, (uint64_t)INT64_MAX, (uint64_t)INT64_MIN,
			1ull << 32, 1ull << 40,		 5000000000ull,
			15,	    UINT64_MAX - 1};

		return edge[v - 0xFFF8];
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static hw_module *m;
	static hw_func *fns[NCALLS];
	hw_instance *inst = NULL;
	hw_wasi *w = NULL;
	hw_error err;
	size_t pos, img;
	int ncalls = 0;

	if (!m) {
		mbuf mod;

		build(&mod);
		if (hw_module_new(mod.b, mod.n, NULL, &m, &err)) {
			fprintf(stderr, "fuzz_wasi: %s\n", err.message);
			abort();
		}
	}
	if (size < 1)
		return 0;
	if (hw_wasi_new(&w))
		return 0;
	hw_wasi_set_flags(w, HW_WASI_YIELD_SUSPENDS | HW_WASI_SLEEP_SUSPENDS);
	hw_wasi_set_args(w, 2, (const char *const[]){"fuzz", "arg"});
	hw_wasi_set_env(w, 1, (const char *const[]){"K=V"});
	if (hw_wasi_preopen(w, grant_dir(), "/g", HW_WASI_READONLY) ||
	    hw_wasi_instantiate(w, m, NULL, NULL, NULL, &inst, &err))
		abort();
	for (size_t i = 0; i < NCALLS; i++) {
		char nm[8];

		snprintf(nm, sizeof nm, "f%zu", i);
		fns[i] = hw_instance_func(inst, nm);
	}
	/* the memory image */
	img = (size_t)data[0] * 32;
	if (img > size - 1)
		img = size - 1;
	{
		uint64_t msize;
		uint8_t *base =
			hw_memory_data(hw_instance_memory(inst), &msize);

		memcpy(base, data + 1, img);
	}
	pos = 1 + img;
	while (pos < size && ncalls++ < 64) {
		size_t fi = data[pos++] % NCALLS;
		const char *p = calls[fi].params;
		hw_val a[16], r[1];
		uint32_t np = 0;
		int st;

		memset(a, 0, sizeof a);
		for (; *p; p++, np++) {
			if (pos + 2 > size)
				break;
			if (*p == 'l')
				a[np].i64 = arg64(data + pos);
			else
				a[np].i32 = arg32(data + pos);
			pos += 2;
		}
		if (*p)
			break; /* ran out of input mid-call */
		st = hw_instance_call(inst, fns[fi], a, np, r,
				      (uint32_t)strlen(calls[fi].results));
		if (getenv("FUZZ_WASI_TRACE"))
			fprintf(stderr, "%s -> %d\n", calls[fi].name,
				st == HW_DONE && calls[fi].results[0]
					? (int)r[0].i32
					: -st);
		if (st == HW_SUSPENDED)
			hw_instance_abort(inst);
		else if (st != HW_DONE && st != HW_TRAPPED)
			abort();
	}
	hw_instance_free(inst);
	hw_wasi_free(w);
	return 0;
}
