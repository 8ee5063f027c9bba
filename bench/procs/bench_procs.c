/* bench_procs.c — Wasm-process benchmarks (`make bench-procs`): real guests
 * built with the SDK (bench_guest.c) in the runtime with the Wasm layer,
 * measured the way bench_procs.erl measures BEAM:
 *   spawn_first_ns      a process spawns N from a compiled module, each of
 *                       which sends it a message as its first act; per
 *                       spawn, until the last message is in
 *   spawn_paced_ns      the same, 20 spawns a slice (info)
 *   spawn_service_ns    the same from a Wasm guest through the spawner
 *                       service with hearth_spawn (info)
 *   pingpong_rtt_ns     round trip between two Wasm processes (SDK)
 *   pingpong_raw_rtt_ns the same on the raw ABI (info: the SDK's cost)
 *   ring_hop_ns         a ring of 10,000 Wasm processes, per hop
 *   ring_raw_hop_ns     the same on the raw ABI (info)
 *   idle_kib_per_proc   resident memory of 100,000 idle Wasm processes,
 *                       per process
 *   pingpong_p99_busy_us p99 of the round trip while 2 Wasm busy loops run
 * Prints "name value" lines. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/error.h"
#include "hearth/lump.h"
#include "hearth/msgpack.h"
#include "hearth/proc.h"
#include "hearth/rt.h"

#define WAIT_NS (300ll * 1000 * 1000 * 1000) /* a stuck benchmark dies */

static unsigned nsched = 2;
static const char *guest_path;
static long ring_n = 10000;

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_procs: %s: %s\n", what, hb_strerror(rc));
	exit(1);
}

#define CHECK(expr)                                                            \
	do {                                                                   \
		int rc_ = (expr);                                              \
		if (rc_)                                                       \
			die(#expr, rc_);                                       \
	} while (0)

typedef struct env {
	hr_rt *rt;
	hl_store *store;
	hl_assets *assets;
	hp_host *hp;
	hl_id guest;
	hr_handle reg;	 /* the host registry */
	uint32_t mb;	 /* the host inbox */
	hr_handle inbox; /* SEND to it */
} env;

static void env_new(env *e)
{
	hl_store_config sc = {0};
	hp_config pc = {0};
	hr_config c;
	char err[256];
	FILE *f;
	uint8_t *buf;
	long n;

	memset(e, 0, sizeof *e);
	hr_config_init(&c);
	c.schedulers = nsched;
	CHECK(hr_rt_new(&c, &e->rt));
	CHECK(hl_store_open(&sc, &e->store, err, sizeof err));
	CHECK(hl_assets_new(e->store, 0, &e->assets));
	pc.rt = e->rt;
	pc.store = e->store;
	pc.assets = e->assets;
	CHECK(hp_host_new(&pc, &e->hp));
	CHECK(hp_plugin_add(e->hp));
	CHECK(hr_rt_boot(e->rt, &e->reg));
	CHECK(hr_host_mailbox_new(e->rt, &e->mb));
	CHECK(hr_host_mailbox_cap(e->rt, e->mb, HR_PERM_SEND, &e->inbox));
	f = fopen(guest_path, "rb");
	if (!f) {
		perror(guest_path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("read the guest", HB_EIO);
	fclose(f);
	CHECK(hl_store_put(e->store, buf, (size_t)n, &e->guest, NULL));
	free(buf);
}

static void env_free(env *e)
{
	CHECK(hr_rt_shutdown(e->rt));
	hr_rt_free(e->rt);
	hp_host_free(e->hp);
	hl_assets_free(e->assets);
	hl_store_close(e->store);
}

/* Spawn entry from the host with handles [inbox, extra...]. */
static hr_handle spawn(env *e, const char *entry, const hr_handle *extra,
		       uint32_t nextra)
{
	hr_handle caps[4] = {e->inbox}, child;
	hp_spawn_opts o = {0};
	char err[256];
	int rc;

	memcpy(caps + 1, extra, nextra * sizeof *extra);
	o.lump = &e->guest;
	o.entry = entry;
	o.caps = caps;
	o.ncaps = 1 + nextra;
	rc = hp_spawn(e->hp, NULL, &o, &child, err, sizeof err);
	if (rc) {
		fprintf(stderr, "bench_procs: spawn %s: %s\n", entry, err);
		exit(1);
	}
	return child;
}

/* The next ["name", value] on the inbox. */
static int64_t result(env *e, const char *name)
{
	hb_mp_reader r;
	const char *s;
	uint32_t n, len;
	int64_t v = 0;
	hr_msg m;

	CHECK(hr_host_recv(e->rt, e->mb, WAIT_NS, &m));
	hb_mp_reader_init(&r, m.data, m.len);
	if (m.kind != HR_MSG_DATA || hb_mp_get_array(&r, &n) || n != 2 ||
	    hb_mp_get_str(&r, &s, &len) || len != strlen(name) ||
	    memcmp(s, name, len) || hb_mp_get_int(&r, &v)) {
		fprintf(stderr, "bench_procs: want %s, got %s (%d %s)\n", name,
			m.kind == HR_MSG_DATA ? "another message" : "a DOWN",
			m.reason.code, m.reason.text ? m.reason.text : "");
		exit(1);
	}
	hr_host_msg_free(e->rt, &m);
	return v;
}

static void send_go(env *e, hr_handle to, int64_t n)
{
	hb_buf b;

	hb_buf_init(&b);
	hb_mp_put_array(&b, 2);
	hb_mp_put_cstr(&b, "go");
	hb_mp_put_int(&b, n);
	CHECK(b.err);
	CHECK(hr_host_send(e->rt, to, b.data, b.len, NULL, 0));
	hb_buf_deinit(&b);
}

static uint64_t now_ns(void)
{
	return hr_now_ns();
}

/* ---- 1. spawn -> first instruction. A native driver process spawns n
 * Wasm processes (hp_spawn from its own context, as the spawner service
 * does) whose first act is a message to it, and waits for all n. Charged
 * 1 reduction a spawn (as bench_rt.c does) it spawns 2,000 per slice, so
 * thousands of instances are alive at once; charged 100 ("paced", info)
 * it spawns 20 per slice and the children run in between. ---- */

typedef struct driver {
	env *e;
	long n, spawned, got;
	uint32_t cost; /* reductions charged per spawn */
	uint64_t t0;
	hr_handle me;
} driver;

static const uint32_t mailbox0 = 0;

static hr_run driver_run(hr_ctx *cx, void *st, hr_slice *sl)
{
	driver *d = st;
	hp_spawn_opts o = {0};
	hr_msg m;

	if (!d->t0) {
		CHECK(hr_mailbox_cap(cx, 0, HR_PERM_SEND, &d->me));
		d->t0 = now_ns();
	}
	o.lump = &d->e->guest;
	o.entry = "first";
	o.caps = &d->me;
	o.ncaps = 1;
	sl->used = 0;
	while (d->spawned < d->n && sl->used < sl->budget) {
		CHECK(hp_spawn(d->e->hp, cx, &o, NULL, NULL, 0));
		d->spawned++;
		sl->used += d->cost;
	}
	while (hr_recv(cx, NULL, 0, &m) == 0) {
		d->got++;
		hr_msg_free(cx, &m);
	}
	if (d->got == d->n) {
		uint64_t dt = now_ns() - d->t0;

		hr_send(cx, 0, &dt, sizeof dt, NULL, 0);
		return HR_RUN_EXIT;
	}
	if (d->spawned < d->n)
		return HR_RUN_YIELD;
	sl->wait_mailboxes = &mailbox0;
	sl->wait_n = 1;
	sl->wait_any = true;
	sl->wait_timeout_ns = -1;
	return HR_RUN_WAIT;
}
static const hr_kind driver_kind = {.name = "driver", .run = driver_run};

static double bench_spawn(long n, uint32_t cost)
{
	env e;
	driver d = {.n = n, .cost = cost};
	hr_spawn_opts o = {.kind = &driver_kind, .state = &d};
	hr_msg m;
	uint64_t dt;

	env_new(&e);
	d.e = &e;
	/* compile the module first: the figure is for a compiled module */
	hr_host_ref_dec(e.rt, spawn(&e, "first", NULL, 0));
	CHECK(hr_host_recv(e.rt, e.mb, WAIT_NS, &m));
	hr_host_msg_free(e.rt, &m);
	o.caps = &e.inbox;
	o.ncaps = 1;
	CHECK(hr_host_spawn(e.rt, &o, NULL));
	CHECK(hr_host_recv(e.rt, e.mb, WAIT_NS, &m));
	memcpy(&dt, m.data, sizeof dt);
	hr_host_msg_free(e.rt, &m);
	env_free(&e);
	return (double)dt / (double)n;
}

/* ---- 1b. the same from a Wasm guest through the spawner service ---- */

static double bench_spawn_service(long n)
{
	hr_handle g;
	double v;
	env e;

	env_new(&e);
	g = spawn(&e, "spawn_many", &e.reg, 1);
	send_go(&e, g, n);
	v = (double)result(&e, "spawn_total_ns") / (double)n;
	env_free(&e);
	return v;
}

/* ---- 2. ping-pong; 6. its p99 beside busy loops ---- */

static double bench_pingpong(long n, const char *ping, const char *pong,
			     int nbusy)
{
	hr_handle po, pi;
	double v;
	env e;

	env_new(&e);
	for (int i = 0; i < nbusy; i++)
		hr_host_ref_dec(e.rt, spawn(&e, "busy", NULL, 0));
	if (nbusy)
		usleep(50000);
	po = spawn(&e, pong, NULL, 0);
	pi = spawn(&e, ping, &po, 1);
	send_go(&e, pi, n);
	if (nbusy)
		v = (double)result(&e, "p99_ns");
	else
		v = (double)result(&e, "rtt_total_ns") / (double)n;
	env_free(&e);
	return v;
}

/* ---- 4. a ring of n Wasm processes, laps times around ---- */

static double bench_ring(long n, long laps, const char *node_entry,
			 const char *last_entry)
{
	hr_handle last, prev, node;
	int64_t hops = (int64_t)n * laps;
	uint64_t t0, dt;
	env e;

	env_new(&e);
	last = prev = spawn(&e, last_entry, NULL, 0);
	for (long i = 1; i < n; i++) {
		node = spawn(&e, node_entry, &prev, 1);
		if (prev != last)
			hr_host_ref_dec(e.rt, prev);
		prev = node;
	}
	CHECK(hr_host_send(e.rt, last, "", 0, &prev, 1)); /* close it */
	usleep(200000);
	t0 = now_ns();
	CHECK(hr_host_send(e.rt, prev, &hops, sizeof hops, NULL, 0));
	result(&e, "done");
	dt = now_ns() - t0;
	env_free(&e);
	return (double)dt / (double)hops;
}

/* ---- 5. n idle Wasm processes: resident memory per process ---- */

static long rss_bytes(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f || fscanf(f, "%ld %ld", &pages, &rss) != 2)
		die("read /proc/self/statm", HB_EIO);
	fclose(f);
	return rss * sysconf(_SC_PAGESIZE);
}

static double bench_idle(long n)
{
	long before, after, started = 0, ready = 0;
	hr_msg m;
	env e;

	env_new(&e);
	/* one first: the module is compiled and the caches are warm */
	hr_host_ref_dec(e.rt, spawn(&e, "idle", NULL, 0));
	CHECK(hr_host_recv(e.rt, e.mb, WAIT_NS, &m));
	hr_host_msg_free(e.rt, &m);
	usleep(100000);
	before = rss_bytes();
	while (ready < n) {
		/* in batches, so that the inbox never holds too many */
		for (long k = 0; k < 1000 && started < n; k++, started++)
			hr_host_ref_dec(e.rt, spawn(&e, "idle", NULL, 0));
		while (ready < started) {
			CHECK(hr_host_recv(e.rt, e.mb, WAIT_NS, &m));
			hr_host_msg_free(e.rt, &m);
			ready++;
		}
	}
	usleep(100000);
	after = rss_bytes();
	fprintf(stderr,
		"bench_procs: %ld idle Wasm processes: %.1f MiB "
		"resident more (%u alive)\n",
		n, (double)(after - before) / (1 << 20), hr_rt_nprocs(e.rt));
	env_free(&e);
	return (double)(after - before) / 1024.0 / (double)n;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"schedulers", required_argument, NULL, 's'},
		{"quick", no_argument, NULL, 'q'},
		{"only", required_argument, NULL, 'o'},
		{"guest", required_argument, NULL, 'g'},
		{NULL, 0, NULL, 0}};
	const char *only = "";
	long scale = 1;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			nsched = (unsigned)atoi(optarg);
			break;
		case 'q':
			scale = 10;
			break;
		case 'o':
			only = optarg;
			break;
		case 'g':
			guest_path = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: %s --guest bench_guest.wasm "
				"[--schedulers N] [--quick] "
				"[--only a,b]\n",
				argv[0]);
			return 2;
		}
	}
	if (!guest_path) {
		fprintf(stderr, "bench_procs: --guest is required\n");
		return 2;
	}
	if (getenv("RING_N"))
		ring_n = atol(getenv("RING_N"));
	setvbuf(stdout, NULL, _IOLBF, 0);
#define WANT(s) (!*only || strstr(only, s))
	if (WANT("spawn")) {
		printf("spawn_first_ns %.1f\n", bench_spawn(200000 / scale, 1));
		printf("spawn_paced_ns %.1f\n",
		       bench_spawn(200000 / scale, 100));
		printf("spawn_service_ns %.1f\n",
		       bench_spawn_service(20000 / scale));
	}
	if (WANT("pingpong")) {
		printf("pingpong_rtt_ns %.1f\n",
		       bench_pingpong(1000000 / scale, "ping", "pong", 0));
		printf("pingpong_raw_rtt_ns %.1f\n",
		       bench_pingpong(1000000 / scale, "ping_raw", "pong_raw",
				      0));
	}
	if (WANT("ring")) {
		printf("ring_hop_ns %.1f\n",
		       bench_ring(ring_n, 100 / scale, "ring_node",
				  "ring_last"));
		printf("ring_raw_hop_ns %.1f\n",
		       bench_ring(ring_n, 100 / scale, "ring_raw_node",
				  "ring_raw_last"));
	}
	if (WANT("idle"))
		printf("idle_kib_per_proc %.2f\n", bench_idle(100000));
	if (WANT("p99"))
		printf("pingpong_p99_busy_us %.2f\n",
		       bench_pingpong(50000 / scale, "lat_ping", "pong", 2) /
			       1000.0);
	return 0;
}
