/* hearth-wasm.c — run and check WebAssembly programs with Hearth's engine:
 * `run` executes a WASI command (its exit status is the program's),
 * `validate` reports precise errors, and two measurements for the
 * benchmark (instantiate time, resident memory per idle instance). */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/error.h"
#include "hearth/limits.h"
#include "hearth/wasi.h"
#include "hearth/wasm.h"

/* Exit statuses of hearth-wasm itself (a program's own status passes
 * through; these are what a WASI program rarely uses). */
#define EXIT_USAGE 2
#define EXIT_LOAD  125 /* cannot read, decode, validate, link the module */
#define EXIT_TRAP  134 /* the program trapped (as abort() would) */

#define MAX_DIRS 64
#define MAX_ENV	 4096

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hearth-wasm run [options] PROG.wasm [ARG...]\n"
		"       hearth-wasm validate FILE.wasm...\n"
		"       hearth-wasm instantiate-bench FILE.wasm N\n"
		"       hearth-wasm idle-rss FILE.wasm N\n"
		"run options:\n"
		"  --dir HOST[::GUEST]     grant directory HOST as GUEST "
		"(default: HOST)\n"
		"  --dir-ro HOST[::GUEST]  the same, read-only\n"
		"  --env KEY=VALUE         set an environment variable\n"
		"  --no-fuel               compile without fuel metering\n"
		"  --fuel-slice N          run in slices of N fuel (default: "
		"one unlimited slice)\n"
		"  --max-pages N           cap linear memory at N 64 KiB "
		"pages\n"
		"  --time                  print load and run times (wall, "
		"and\n"
		"                          CPU for the run) on stderr\n"
		"exit status: the program's; %d if it trapped, %d if it could "
		"not be loaded\n",
		EXIT_TRAP, EXIT_LOAD);
}

/* Read a whole file. OUT: *len. Returns a malloc'd buffer or NULL (errno
 * set; EFBIG over the module size cap). */
static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			uint8_t *p;

			cap = cap ? cap * 2 : 65536;
			if (cap > (size_t)HW_MAX_MODULE_BYTES + 1)
				cap = (size_t)HW_MAX_MODULE_BYTES + 1;
			if (n == cap) {
				errno = EFBIG;
				goto fail;
			}
			p = realloc(buf, cap);
			if (!p)
				goto fail;
			buf = p;
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0) {
			if (ferror(f))
				goto fail;
			break;
		}
	}
	fclose(f);
	*len = n;
	return buf ? buf : malloc(1);
fail:
	fclose(f);
	free(buf);
	return NULL;
}

static hw_module *load(const char *path, bool no_fuel)
{
	hw_module_opts o = {.no_fuel = no_fuel};
	hw_module *m = NULL;
	hw_error err;
	size_t len;
	uint8_t *bytes = read_file(path, &len);

	if (!bytes) {
		fprintf(stderr, "hearth-wasm: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (hw_module_new(bytes, len, &o, &m, &err))
		fprintf(stderr, "hearth-wasm: %s: %s\n", path, err.message);
	free(bytes);
	return m;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return false;
	*out = v;
	return true;
}

/* ---- run ---- */

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

typedef struct grant {
	char *host, *guest;
	unsigned flags;
} grant;

static int cmd_run(int argc, char **argv)
{
	grant dirs[MAX_DIRS];
	const char *env[MAX_ENV];
	uint32_t ndirs = 0, nenv = 0, code = 0;
	bool no_fuel = false, timed = false;
	double t0, t1 = 0, c1 = 0;
	uint64_t slice = 0, pages = 0;
	hw_instance_opts io = {0};
	hw_module *m = NULL;
	hw_instance *inst = NULL;
	hw_wasi *w = NULL;
	hw_error err;
	int i, rc, status = EXIT_LOAD;

	for (i = 0; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "--")) {
			i++;
			break;
		}
		if (!strcmp(o, "--no-fuel")) {
			no_fuel = true;
			continue;
		}
		if (!strcmp(o, "--time")) {
			timed = true;
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "hearth-wasm: %s needs a value\n", o);
			return EXIT_USAGE;
		}
		const char *v = argv[++i];

		if (!strcmp(o, "--dir") || !strcmp(o, "--dir-ro")) {
			char *sep;

			if (ndirs == MAX_DIRS) {
				fprintf(stderr,
					"hearth-wasm: too many --dir\n");
				return EXIT_USAGE;
			}
			dirs[ndirs].host = strdup(v);
			if (!dirs[ndirs].host)
				abort();
			sep = strstr(dirs[ndirs].host, "::");
			if (sep) {
				*sep = 0;
				dirs[ndirs].guest = sep + 2;
			} else {
				dirs[ndirs].guest = dirs[ndirs].host;
			}
			dirs[ndirs].flags =
				!strcmp(o, "--dir-ro") ? HW_WASI_READONLY : 0;
			ndirs++;
		} else if (!strcmp(o, "--env")) {
			if (nenv == MAX_ENV || !strchr(v, '=')) {
				fprintf(stderr,
					"hearth-wasm: --env wants KEY=VALUE\n");
				return EXIT_USAGE;
			}
			env[nenv++] = v;
		} else if (!strcmp(o, "--fuel-slice")) {
			if (!parse_u64(v, INT64_MAX, &slice) || !slice) {
				fprintf(stderr,
					"hearth-wasm: bad --fuel-slice "
					"'%s'\n",
					v);
				return EXIT_USAGE;
			}
		} else if (!strcmp(o, "--max-pages")) {
			if (!parse_u64(v, 65536, &pages) || !pages) {
				fprintf(stderr,
					"hearth-wasm: bad --max-pages "
					"'%s' (1..65536)\n",
					v);
				return EXIT_USAGE;
			}
		} else {
			fprintf(stderr, "hearth-wasm: unknown option %s\n", o);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	t0 = now_s();
	m = load(argv[i], no_fuel);
	if (!m)
		goto out;
	t1 = now_s();
	c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	if (hw_wasi_new(&w))
		abort();
	if (hw_wasi_set_args(w, (uint32_t)(argc - i),
			     (const char *const *)argv + i) ||
	    hw_wasi_set_env(w, nenv, env)) {
		fprintf(stderr, "hearth-wasm: arguments too large\n");
		goto out;
	}
	for (int fd = 0; fd < 3; fd++)
		hw_wasi_stdio_fd(w, fd, fd);
	for (uint32_t d = 0; d < ndirs; d++) {
		rc = hw_wasi_preopen(w, dirs[d].host, dirs[d].guest,
				     dirs[d].flags);
		if (rc) {
			fprintf(stderr, "hearth-wasm: --dir %s: %s\n",
				dirs[d].host, hb_strerror(rc));
			goto out;
		}
	}
	io.max_memory_pages = (uint32_t)pages;
	if (hw_wasi_instantiate(w, m, NULL, NULL, &io, &inst, &err)) {
		fprintf(stderr, "hearth-wasm: %s: %s\n", argv[i], err.message);
		goto out;
	}
	rc = hw_wasi_run(w, inst, (int64_t)slice, &code);
	if (timed)
		fprintf(stderr,
			"hearth-wasm: time: run %.6f s, load %.6f s, "
			"run cpu %.6f s\n",
			now_s() - t1, t1 - t0,
			clock_s(CLOCK_PROCESS_CPUTIME_ID) - c1);
	if (rc == 0) {
		status = (int)(code & 255);
	} else if (rc == HB_ETRAP) {
		const char *why;

		hw_instance_trap(inst, &why);
		fflush(stdout);
		fprintf(stderr, "hearth-wasm: %s: trap: %s\n", argv[i], why);
		status = EXIT_TRAP;
	} else if (rc == HB_ENOENT) {
		fprintf(stderr,
			"hearth-wasm: %s: no _start or _initialize export of "
			"type [] -> []\n",
			argv[i]);
	} else {
		fprintf(stderr, "hearth-wasm: %s: %s\n", argv[i],
			hb_strerror(rc));
	}
out:
	hw_instance_free(inst);
	hw_wasi_free(w);
	hw_module_free(m);
	for (uint32_t d = 0; d < ndirs; d++)
		free(dirs[d].host);
	return status;
}

/* ---- validate ---- */

static int cmd_validate(int argc, char **argv)
{
	int bad = 0;

	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (int i = 0; i < argc; i++) {
		hw_error err;
		size_t len;
		uint8_t *bytes = read_file(argv[i], &len);

		if (!bytes) {
			printf("%s: %s\n", argv[i], strerror(errno));
			bad++;
			continue;
		}
		if (hw_module_validate(bytes, len, &err)) {
			printf("%s: %s: %s\n", argv[i],
			       hb_errname(err.code) + 4, err.message);
			bad++;
		} else {
			printf("%s: valid\n", argv[i]);
		}
		free(bytes);
	}
	return bad ? 1 : 0;
}

/* ---- measurements for bench/wasm ---- */

/* Resident set size of this process, bytes (/proc/self/statm). */
static uint64_t rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, res = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &res) != 2)
		res = 0;
	fclose(f);
	return (uint64_t)res * (uint64_t)sysconf(_SC_PAGESIZE);
}

static int bench_args(int argc, char **argv, uint64_t *n)
{
	if (argc != 2 || !parse_u64(argv[1], 10000000, n) || !*n) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

/* Instantiate FILE N times: a bare instance (the engine) and an instance
 * with its own WASI context (what a process costs); mean time of each. */
static int cmd_instantiate_bench(int argc, char **argv)
{
	hw_module *m;
	uint64_t n;
	double t0, bare, full;
	hw_wasi *w0;
	int rc = bench_args(argc, argv, &n);

	if (rc)
		return rc;
	m = load(argv[0], false);
	if (!m)
		return EXIT_LOAD;
	if (hw_wasi_new(&w0))
		abort();
	/* bare: imports resolved once, instances made and freed */
	{
		uint32_t ni = hw_module_import_count(m);
		hw_extern *imp = calloc(ni ? ni : 1, sizeof *imp);
		hw_error err;

		if (!imp || hw_wasi_link(w0, m, NULL, NULL, imp, &err)) {
			fprintf(stderr, "hearth-wasm: link failed\n");
			return EXIT_LOAD;
		}
		t0 = now_s();
		for (uint64_t i = 0; i < n; i++) {
			hw_instance *inst;

			if (hw_instance_new(m, imp, ni, NULL, &inst, &err)) {
				fprintf(stderr, "hearth-wasm: %s\n",
					err.message);
				return EXIT_LOAD;
			}
			hw_instance_free(inst);
		}
		bare = (now_s() - t0) / (double)n;
		free(imp);
	}
	t0 = now_s();
	for (uint64_t i = 0; i < n; i++) {
		hw_instance *inst;
		hw_wasi *w;
		hw_error err;

		if (hw_wasi_new(&w) ||
		    hw_wasi_instantiate(w, m, NULL, NULL, NULL, &inst, &err))
			abort();
		hw_instance_free(inst);
		hw_wasi_free(w);
	}
	full = (now_s() - t0) / (double)n;
	printf("instantiate: %.2f us (with a WASI context: %.2f us), "
	       "mean of %" PRIu64 "\n",
	       bare * 1e6, full * 1e6, n);
	hw_wasi_free(w0);
	hw_module_free(m);
	return 0;
}

/* Keep N instances of FILE alive and report the resident memory each
 * adds: with its own WASI context (what a process costs), and bare (the
 * imports of one shared context). */
static int cmd_idle_rss(int argc, char **argv)
{
	hw_instance **insts;
	hw_wasi **ws, *shared;
	hw_extern *imp;
	hw_module *m;
	hw_error err;
	uint64_t n, before, mid, after;
	uint32_t ni;
	int rc = bench_args(argc, argv, &n);

	if (rc)
		return rc;
	m = load(argv[0], false);
	if (!m)
		return EXIT_LOAD;
	ni = hw_module_import_count(m);
	insts = calloc(2 * n, sizeof *insts);
	ws = calloc(n, sizeof *ws);
	imp = calloc(ni ? ni : 1, sizeof *imp);
	if (!insts || !ws || !imp || hw_wasi_new(&shared))
		abort();
	if (hw_wasi_link(shared, m, NULL, NULL, imp, &err)) {
		fprintf(stderr, "hearth-wasm: %s\n", err.message);
		return EXIT_LOAD;
	}
	before = rss_bytes();
	for (uint64_t i = 0; i < n; i++)
		if (hw_instance_new(m, imp, ni, NULL, &insts[n + i], &err)) {
			fprintf(stderr, "hearth-wasm: %s\n", err.message);
			return EXIT_LOAD;
		}
	mid = rss_bytes();
	for (uint64_t i = 0; i < n; i++) {
		if (hw_wasi_new(&ws[i]) ||
		    hw_wasi_instantiate(ws[i], m, NULL, NULL, NULL, &insts[i],
					&err)) {
			fprintf(stderr,
				"hearth-wasm: instance %" PRIu64 ": %s\n", i,
				err.message);
			return EXIT_LOAD;
		}
	}
	after = rss_bytes();
	printf("idle instances: %" PRIu64 ", resident %.1f KiB each with a "
	       "WASI context (%.1f KiB bare)\n",
	       n, (double)(after - mid) / 1024.0 / (double)n,
	       (double)(mid - before) / 1024.0 / (double)n);
	for (uint64_t i = 0; i < n; i++) {
		hw_instance_free(insts[i]);
		hw_instance_free(insts[n + i]);
		hw_wasi_free(ws[i]);
	}
	hw_wasi_free(shared);
	free(insts);
	free(ws);
	free(imp);
	hw_module_free(m);
	return 0;
}

int main(int argc, char **argv)
{
	/* a closed stdout pipe is the guest's EPIPE, not our death */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(argv[1], "validate"))
		return cmd_validate(argc - 2, argv + 2);
	if (!strcmp(argv[1], "instantiate-bench"))
		return cmd_instantiate_bench(argc - 2, argv + 2);
	if (!strcmp(argv[1], "idle-rss"))
		return cmd_idle_rss(argc - 2, argv + 2);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "hearth-wasm: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
