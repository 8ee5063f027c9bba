/* hearth-server.c — the Hearth server: starts the runtime on the embedded
 * default with a durable lump store in its data directory, boots the
 * plugins (Wasm processes and the demo plugin), spawns the init and other
 * Wasm processes given on the command line, prints what runs, and shuts
 * down cleanly on SIGINT/SIGTERM or after --exit-after. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hearth/error.h"
#include "hearth/lump.h"
#include "hearth/msgpack.h"
#include "hearth/proc.h"
#include "hearth/rt.h"

#define MS  1000000ull
#define SEC 1000000000ull

#define MAX_SPAWNS 64

typedef struct server_opts {
	const char *data_dir;
	unsigned schedulers;
	double exit_after; /* seconds; 0: run until a signal */
	double status_every;
	bool quiet;
	const char *init;		/* FILE[:ENTRY] */
	const char *spawns[MAX_SPAWNS]; /* FILE[:ENTRY] */
	unsigned nspawns;
} server_opts;

/* ---------------------------------------------------------------------
 * The demo plugin: a ticker, a ping-pong pair, an echo service in the
 * host registry and a greeter that finds it through the registry. Every
 * message is small MessagePack or text; all of it is real runtime use.
 * --------------------------------------------------------------------- */

static void drop_caps(hr_ctx *cx, const hr_msg *m)
{
	uint32_t i;

	for (i = 0; i < m->ncaps; i++)
		if (m->caps[i] >= 0)
			hr_ref_dec(cx, m->caps[i]);
}

/* echo: answers every request with its bytes (first cap = reply). */
static void echo_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	(void)st;
	if (m->kind == HR_MSG_DATA && m->ncaps >= 1 &&
	    hr_reply(cx, m, m->data, m->len, NULL, 0) != 0)
		hr_log(cx, HR_LOG_WARN, "reply failed");
	drop_caps(cx, m);
}
static const hr_kind echo_kind = {.name = "native", .on_message = echo_msg};

/* ticker: a message to itself every second. */
typedef struct ticker {
	hr_handle self;
	uint64_t ticks;
} ticker;

static int ticker_init(hr_ctx *cx, void *st)
{
	ticker *t = st;
	uint64_t id;
	int rc = hr_mailbox_cap(cx, 0, HR_PERM_SEND, &t->self);

	return rc ? rc
		  : hr_send_after(cx, SEC, t->self, "tick", 4, NULL, 0, &id);
}

static void ticker_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	ticker *t = st;
	uint64_t id;

	(void)m;
	t->ticks++;
	if (t->ticks % 10 == 0)
		hr_log(cx, HR_LOG_INFO, "tick %llu",
		       (unsigned long long)t->ticks);
	if (hr_send_after(cx, SEC, t->self, "tick", 4, NULL, 0, &id))
		hr_exit(cx, HR_EXIT_ERROR, "cannot arm its timer");
}

static void free_state(hr_ctx *cx, void *st, const hr_reason *why)
{
	(void)cx;
	(void)why;
	free(st);
}

static const hr_kind ticker_kind = {.name = "native",
				    .init = ticker_init,
				    .on_message = ticker_msg,
				    .terminate = free_state};

/* ping: every 200 ms a round trip to pong (handle 0), timed. */
typedef struct ping {
	hr_handle self;
	uint64_t sent_at, rounds, total_ns;
} ping;

static int ping_init(hr_ctx *cx, void *st)
{
	ping *p = st;
	uint64_t id;
	int rc = hr_mailbox_cap(cx, 0, HR_PERM_SEND, &p->self);

	return rc ? rc
		  : hr_send_after(cx, 200 * MS, p->self, "go", 2, NULL, 0, &id);
}

static void ping_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	ping *p = st;
	uint64_t id;

	if (m->len == 2 && !memcmp(m->data, "go", 2)) {
		p->sent_at = hr_now_ns();
		if (hr_send(cx, 0, "ping", 4, &p->self, 1))
			hr_log(cx, HR_LOG_WARN, "pong is gone");
		return;
	}
	p->rounds++;
	p->total_ns += hr_now_ns() - p->sent_at;
	if (p->rounds % 50 == 0)
		hr_log(cx, HR_LOG_INFO, "%llu round trips, mean %.1f us",
		       (unsigned long long)p->rounds,
		       p->total_ns / 1e3 / (double)p->rounds);
	drop_caps(cx, m);
	hr_send_after(cx, 200 * MS, p->self, "go", 2, NULL, 0, &id);
}

static const hr_kind ping_kind = {.name = "native",
				  .init = ping_init,
				  .on_message = ping_msg,
				  .terminate = free_state};

/* greeter: finds "echo" in its registry (handle 0), then greets it every
 * two seconds and counts the answers. */
typedef struct greeter {
	hr_handle self, echo;
	uint64_t greetings, answers;
} greeter;

static int greeter_init(hr_ctx *cx, void *st)
{
	greeter *g = st;
	uint8_t buf[64];
	hb_buf b = {.data = buf, .cap = sizeof buf, .max = sizeof buf};
	int rc;

	g->echo = HR_HANDLE_NONE;
	rc = hr_mailbox_cap(cx, 0, HR_PERM_SEND, &g->self);
	if (rc)
		return rc;
	hr_registry_put_get(&b, "echo");
	return b.err ? b.err : hr_send(cx, 0, b.data, b.len, &g->self, 1);
}

static void greeter_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	greeter *g = st;
	char text[64];
	uint64_t id;
	int n, rc;

	if (g->echo < 0) { /* the registry's answer */
		rc = hr_registry_reply(m->data, m->len, NULL, NULL);
		if (rc || m->ncaps < 1) {
			hr_exit(cx, HR_EXIT_ERROR, "no echo service");
			return;
		}
		g->echo = m->caps[0];
		hr_log(cx, HR_LOG_INFO, "found echo (handle %d)", g->echo);
	} else if (m->len == 4 && !memcmp(m->data, "next", 4)) {
		n = snprintf(text, sizeof text, "hello #%llu",
			     (unsigned long long)++g->greetings);
		if (hr_send(cx, g->echo, text, (size_t)n, &g->self, 1))
			hr_log(cx, HR_LOG_WARN, "echo refused a greeting");
		return;
	} else {
		g->answers++;
		if (g->answers % 10 == 0)
			hr_log(cx, HR_LOG_INFO, "%llu answers",
			       (unsigned long long)g->answers);
		drop_caps(cx, m);
	}
	hr_send_after(cx, 2 * SEC, g->self, "next", 4, NULL, 0, &id);
}

static const hr_kind greeter_kind = {.name = "native",
				     .init = greeter_init,
				     .on_message = greeter_msg,
				     .terminate = free_state};

static int spawn_named(hr_rt *rt, const hr_kind *k, void *st, const char *name,
		       const hr_handle *caps, uint32_t n, hr_handle *out)
{
	hr_spawn_opts o = {
		.kind = k, .state = st, .name = name, .caps = caps, .ncaps = n};
	int rc = hr_host_spawn(rt, &o, out);

	if (rc)
		free(st);
	return rc;
}

static int demo_init(hr_plugin_ctx *pc, void *ud)
{
	hr_rt *rt = hr_plugin_rt(pc);
	hr_handle echo, pong, h, ps;
	int rc;

	(void)ud;
	rc = spawn_named(rt, &echo_kind, NULL, "echo", NULL, 0, &echo);
	if (!rc)
		rc = hr_plugin_service(pc, "echo", echo);
	if (!rc)
		rc = spawn_named(rt, &ticker_kind, calloc(1, sizeof(ticker)),
				 "ticker", NULL, 0, &h);
	if (!rc)
		rc = spawn_named(rt, &echo_kind, NULL, "pong", NULL, 0, &pong);
	if (!rc)
		rc = hr_host_demote(rt, pong, HR_PERM_SEND, &ps);
	if (!rc)
		rc = spawn_named(rt, &ping_kind, calloc(1, sizeof(ping)),
				 "ping", &ps, 1, &h);
	return rc;
}

static const hr_plugin demo_plugin = {.name = "demo", .init = demo_init};

/* ---------------------------------------------------------------------
 * The program
 * --------------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hearth-server [options]\n"
		"  --data-dir DIR      data directory (default "
		"$XDG_DATA_HOME/hearth, else ./.hearth)\n"
		"  --schedulers N      scheduler threads (default: one per "
		"CPU)\n"
		"  --exit-after SECS   shut down after SECS seconds\n"
		"  --status-every SECS print the process table every SECS "
		"(default 30, 0: never)\n"
		"  --quiet             print only the start and stop lines\n"
		"                      (and no Wasm process logs)\n"
		"  --init FILE[:ENTRY] load a Wasm module into a lump and "
		"spawn ENTRY\n"
		"                      (default main) with the host registry "
		"as handle 0;\n"
		"                      if it fails, the server stops\n"
		"  --spawn FILE[:ENTRY] the same for another process "
		"(repeatable)\n"
		"  --help\n");
}

static int parse_args(int argc, char **argv, server_opts *o)
{
	static const struct option longs[] = {
		{"data-dir", required_argument, NULL, 'd'},
		{"schedulers", required_argument, NULL, 's'},
		{"exit-after", required_argument, NULL, 'x'},
		{"status-every", required_argument, NULL, 'p'},
		{"quiet", no_argument, NULL, 'q'},
		{"init", required_argument, NULL, 'i'},
		{"spawn", required_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	char *end;
	long v;
	int c;

	memset(o, 0, sizeof *o);
	o->status_every = 30;
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->data_dir = optarg;
			break;
		case 's':
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 256) {
				fprintf(stderr, "hearth-server: --schedulers: "
						"1 to 256\n");
				return 2;
			}
			o->schedulers = (unsigned)v;
			break;
		case 'x':
		case 'p':
			errno = 0;
			{
				double d = strtod(optarg, &end);

				if (*end || errno || d < 0 || d > 1e7) {
					fprintf(stderr,
						"hearth-server: bad number "
						"'%s'\n",
						optarg);
					return 2;
				}
				if (c == 'x')
					o->exit_after = d;
				else
					o->status_every = d;
			}
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'i':
			o->init = optarg;
			break;
		case 'w':
			if (o->nspawns == MAX_SPAWNS) {
				fprintf(stderr,
					"hearth-server: at most %d "
					"--spawn\n",
					MAX_SPAWNS);
				return 2;
			}
			o->spawns[o->nspawns++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	return 0;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
	char tmp[PATH_MAX];
	size_t n = strlen(path), i;

	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] == '/' || tmp[i] == 0) {
			char c = tmp[i];

			tmp[i] = 0;
			if (mkdir(tmp, 0700) && errno != EEXIST)
				return -1;
			tmp[i] = c;
		}
	}
	return 0;
}

/* Resolve and create the data directory, and lock it so that two servers
 * never share one. Returns the lock's fd or -1. */
static int open_data_dir(const server_opts *o, char *dir, size_t dirsz)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	char lock[PATH_MAX + 16];
	int fd;

	if (o->data_dir)
		snprintf(dir, dirsz, "%s", o->data_dir);
	else if (xdg && *xdg)
		snprintf(dir, dirsz, "%s/hearth", xdg);
	else
		snprintf(dir, dirsz, "./.hearth");
	if (make_dirs(dir)) {
		fprintf(stderr, "hearth-server: cannot create %s: %s\n", dir,
			strerror(errno));
		return -1;
	}
	snprintf(lock, sizeof lock, "%s/server.lock", dir);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB)) {
		fprintf(stderr,
			"hearth-server: %s is in use by another "
			"server\n",
			dir);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (ftruncate(fd, 0) == 0)
		dprintf(fd, "%ld\n", (long)getpid());
	return fd;
}

static void print_table(hr_rt *rt)
{
	hr_proc_info *info = NULL;
	size_t n = 0, cap = 64, i;

	for (;;) {
		hr_proc_info *ni = realloc(info, cap * sizeof *info);

		if (!ni)
			break;
		info = ni;
		if (hr_rt_procs(rt, info, cap, &n) || n <= cap)
			break;
		cap = n + 16;
	}
	printf("  %-12s %-22s %-9s %-9s %6s %8s %8s %10s\n", "PID", "NAME",
	       "KIND", "STATE", "QUEUED", "SENT", "RECV", "REDS");
	for (i = 0; info && i < n && i < cap; i++) {
		char pid[24];

		snprintf(pid, sizeof pid, "<%u.%u>",
			 (unsigned)(info[i].pid & 0xffffffff),
			 (unsigned)(info[i].pid >> 32));
		printf("  %-12s %-22s %-9s %-9s %6llu %8llu %8llu %10llu\n",
		       pid, info[i].name, info[i].kind,
		       hr_pstate_name(info[i].state),
		       (unsigned long long)info[i].queued_msgs,
		       (unsigned long long)info[i].sent,
		       (unsigned long long)info[i].received,
		       (unsigned long long)info[i].reductions);
	}
	fflush(stdout);
	free(info);
}

/* ---------------------------------------------------------------------
 * Wasm processes from the command line
 * --------------------------------------------------------------------- */

/* Print a Wasm process's log line (unless --quiet). */
static void print_log(void *ud, hr_pid pid, const char *name, int level,
		      const char *text, size_t len)
{
	static const char *const lv[] = {"error", "warn", "info", "debug",
					 "trace"};

	(void)ud;
	printf("  [<%u.%u> %s] %s: %.*s\n", (unsigned)(pid & 0xffffffff),
	       (unsigned)(pid >> 32), name,
	       level >= 0 && level <= 4 ? lv[level] : "?", (int)len, text);
}

/* A process the server started and watches (DOWN to its mailbox). */
typedef struct started {
	const char *what; /* the FILE[:ENTRY] argument */
	hr_pid pid;
	uint64_t ref;
	bool init;
} started;

/* Read FILE into a lump; spawn ENTRY with the host registry at 0. */
static int start_wasm(hr_rt *rt, hp_host *hp, hl_store *store, hr_handle reg,
		      uint32_t mb, const char *arg, bool init, started *out)
{
	char path[PATH_MAX], err[320], hex[HL_ID_HEX];
	const char *colon = strrchr(arg, ':'), *slash = strrchr(arg, '/');
	const char *entry = "main";
	hp_spawn_opts so = {0};
	hr_handle child;
	hl_id id;
	FILE *f;
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0, k;
	int rc;

	if (colon && (!slash || colon > slash) && colon[1]) {
		snprintf(path, sizeof path, "%.*s", (int)(colon - arg), arg);
		entry = colon + 1;
	} else {
		snprintf(path, sizeof path, "%s", arg);
	}
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "hearth-server: cannot open %s: %s\n", path,
			strerror(errno));
		return HB_EIO;
	}
	for (;;) {
		if (n == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 65536;
			if (cap > HL_MAX_LUMP_BYTES + 1 ||
			    !(nb = realloc(buf, cap))) {
				fclose(f);
				free(buf);
				fprintf(stderr,
					"hearth-server: %s is too "
					"big\n",
					path);
				return HB_ETOOBIG;
			}
			buf = nb;
		}
		k = fread(buf + n, 1, cap - n, f);
		if (!k)
			break;
		n += k;
	}
	fclose(f);
	rc = hl_store_put(store, buf, n, &id, NULL);
	free(buf);
	if (rc) {
		fprintf(stderr, "hearth-server: cannot store %s: %s\n", path,
			hb_strerror(rc));
		return rc;
	}
	so.lump = &id;
	so.entry = entry;
	so.caps = &reg;
	so.ncaps = 1;
	so.monitor = &out->ref;
	so.monitor_mailbox = mb;
	rc = hp_spawn(hp, NULL, &so, &child, err, sizeof err);
	hl_id_to_hex(&id, hex);
	if (rc) {
		fprintf(stderr, "hearth-server: cannot spawn %s:%s: %s\n", path,
			entry, err);
		return rc;
	}
	hr_host_target_pid(rt, child, &out->pid);
	hr_host_ref_dec(rt, child);
	out->what = arg;
	out->init = init;
	printf("  %-11s %s:%s (lump %.16s...) as <%u.%u>\n",
	       init ? "init:" : "spawned:", path, entry, hex,
	       (unsigned)(out->pid & 0xffffffff), (unsigned)(out->pid >> 32));
	return 0;
}

static void print_dead_line(void *ud, int level, uint64_t t, const char *text)
{
	(void)ud;
	(void)t;
	printf("    %d: %s\n", level, text);
}

/* A DOWN for one of ours: print it. Returns true if the init process
 * failed (the server then stops). */
static bool on_down(hp_host *hp, started *st, unsigned n, const hr_msg *m,
		    bool quiet)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (st[i].ref != m->ref)
			continue;
		printf("hearth-server: %s <%u.%u> (%s) exited: %s%s%s\n",
		       st[i].init ? "init" : "process",
		       (unsigned)(st[i].pid & 0xffffffff),
		       (unsigned)(st[i].pid >> 32), st[i].what,
		       hr_exit_name(m->reason.code), m->reason.text ? ": " : "",
		       m->reason.text ? m->reason.text : "");
		if (m->reason.code != HR_EXIT_NORMAL && quiet) {
			/* its log was not printed as it went: print it */
			hp_dead_log(hp, st[i].pid, NULL, print_dead_line, NULL);
		}
		return st[i].init && m->reason.code != HR_EXIT_NORMAL;
	}
	return false;
}

int main(int argc, char **argv)
{
	server_opts o;
	char dir[PATH_MAX], err[256];
	hr_config cfg;
	hr_rt *rt = NULL;
	hl_store *store = NULL;
	hl_assets *assets = NULL;
	hp_host *hp = NULL;
	hl_store_config sc = {0};
	hp_config pc = {0};
	hr_handle reg;
	sigset_t sigs;
	started st[MAX_SPAWNS + 1];
	unsigned nst = 0, i;
	uint32_t mb = 0;
	uint64_t start, deadline, next_status;
	bool init_failed = false;
	int lockfd, rc, sig = 0;

	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc == 1 ? 0 : rc;
	setvbuf(stdout, NULL, _IOLBF, 0);
	lockfd = open_data_dir(&o, dir, sizeof dir);
	if (lockfd < 0)
		return 1;

	/* Signals are taken synchronously by this thread only. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Lumps live durably in <data dir>/lumps. */
	sc.dir = dir;
	rc = hl_store_open(&sc, &store, err, sizeof err);
	if (rc) {
		fprintf(stderr,
			"hearth-server: cannot open the lump store: %s\n", err);
		close(lockfd);
		return 1;
	}
	rc = hl_assets_new(store, 0, &assets);
	hr_config_init(&cfg);
	cfg.schedulers = o.schedulers;
	if (!rc)
		rc = hr_rt_new(&cfg, &rt);
	if (!rc) {
		pc.rt = rt;
		pc.store = store;
		pc.assets = assets;
		pc.log_fn = o.quiet ? NULL : print_log;
		rc = hp_host_new(&pc, &hp);
	}
	if (!rc)
		rc = hp_plugin_add(hp);
	if (!rc)
		rc = hr_plugin_add(rt, &demo_plugin, NULL);
	if (!rc)
		rc = hr_rt_boot(rt, &reg);
	if (!rc) {
		/* the greeter gets the host registry as its handle 0 */
		hr_handle h;

		rc = spawn_named(rt, &greeter_kind, calloc(1, sizeof(greeter)),
				 "greeter", &reg, 1, &h);
	}
	if (!rc)
		rc = hr_host_mailbox_new(rt, &mb);
	if (rc) {
		fprintf(stderr, "hearth-server: cannot start: %s\n",
			hb_strerror(rc));
		goto out;
	}
	printf("hearth-server: running (pid %ld)\n", (long)getpid());
	printf("  data dir:   %s (lumps in %s/lumps)\n", dir, dir);
	printf("  schedulers: %u\n", hr_rt_schedulers(rt));
	printf("  network:    none yet; it will listen on 127.0.0.1 only\n");
	printf("  services:   wasm-spawner, echo (host registry)\n");
	if (o.init)
		rc = start_wasm(rt, hp, store, reg, mb, o.init, true,
				&st[nst++]);
	for (i = 0; !rc && i < o.nspawns; i++)
		rc = start_wasm(rt, hp, store, reg, mb, o.spawns[i], false,
				&st[nst++]);
	if (rc) {
		rc = 1;
		goto stop;
	}
	if (!o.quiet) {
		struct timespec settle = {0, 100 * 1000 * 1000};

		nanosleep(&settle, NULL);
		print_table(rt);
	}
	printf("hearth-server: press Ctrl-C to stop\n");

	start = hr_now_ns();
	deadline = o.exit_after > 0 ? start + (uint64_t)(o.exit_after * SEC)
				    : UINT64_MAX;
	next_status = o.status_every > 0
			      ? start + (uint64_t)(o.status_every * SEC)
			      : UINT64_MAX;
	for (;;) {
		uint64_t now = hr_now_ns(), wake;
		struct timespec zero = {0, 0};
		hr_msg m;

		if (now >= deadline)
			break;
		if (now >= next_status) {
			if (!o.quiet) {
				printf("hearth-server: %u processes\n",
				       hr_rt_nprocs(rt));
				print_table(rt);
			}
			next_status = now + (uint64_t)(o.status_every * SEC);
		}
		sig = sigtimedwait(&sigs, NULL, &zero);
		if (sig > 0)
			break;
		/* wait for the DOWN of a started process, waking at least
		 * every 100 ms to look for signals */
		wake = deadline < next_status ? deadline : next_status;
		if (wake - now > 100 * MS)
			wake = now + 100 * MS;
		if (hr_host_recv(rt, mb, (int64_t)(wake - now), &m) == 0) {
			if (m.kind == HR_MSG_DOWN &&
			    on_down(hp, st, nst, &m, o.quiet))
				init_failed = true;
			for (i = 0; i < m.ncaps; i++)
				if (m.caps[i] >= 0)
					hr_host_ref_dec(rt, m.caps[i]);
			hr_host_msg_free(rt, &m);
			if (init_failed)
				break;
		}
	}
	if (init_failed)
		printf("hearth-server: the init process failed, shutting "
		       "down\n");
	else if (sig > 0)
		printf("hearth-server: %s, shutting down\n", strsignal(sig));
	else
		printf("hearth-server: time is up, shutting down\n");
	rc = init_failed ? 1 : 0;
stop : {
	uint32_t before = hr_rt_nprocs(rt);
	int src = hr_rt_shutdown(rt);

	printf("hearth-server: %u processes stopped; %s\n", before,
	       src ? hb_strerror(src) : "clean shutdown");
	if (src)
		rc = 1;
}
out:
	hr_rt_free(rt);
	hp_host_free(hp);
	hl_assets_free(assets);
	hl_store_close(store);
	close(lockfd);
	return rc ? 1 : 0;
}
