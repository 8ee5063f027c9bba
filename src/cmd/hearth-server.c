/* hearth-server.c — the Hearth server: starts the runtime on the embedded
 * default, boots the plugins (for now the demo plugin), prints what runs,
 * and shuts down cleanly on SIGINT/SIGTERM or after --exit-after. */
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
#include "hearth/msgpack.h"
#include "hearth/rt.h"

#define MS  1000000ull
#define SEC 1000000000ull

typedef struct server_opts {
	const char *data_dir;
	unsigned schedulers;
	double exit_after; /* seconds; 0: run until a signal */
	double status_every;
	bool quiet;
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
	fprintf(f, "usage: hearth-server [options]\n"
		   "  --data-dir DIR      data directory (default "
		   "$XDG_DATA_HOME/hearth, else ./.hearth)\n"
		   "  --schedulers N      scheduler threads (default: one per "
		   "CPU)\n"
		   "  --exit-after SECS   shut down after SECS seconds\n"
		   "  --status-every SECS print the process table every SECS "
		   "(default 30, 0: never)\n"
		   "  --quiet             print only the start and stop lines\n"
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

int main(int argc, char **argv)
{
	server_opts o;
	char dir[PATH_MAX];
	hr_config cfg;
	hr_rt *rt = NULL;
	hr_handle reg;
	sigset_t sigs;
	uint64_t start, deadline, next_status;
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

	hr_config_init(&cfg);
	cfg.schedulers = o.schedulers;
	rc = hr_rt_new(&cfg, &rt);
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
	if (rc) {
		fprintf(stderr, "hearth-server: cannot start: %s\n",
			hb_strerror(rc));
		hr_rt_free(rt);
		close(lockfd);
		return 1;
	}
	printf("hearth-server: running (pid %ld)\n", (long)getpid());
	printf("  data dir:   %s\n", dir);
	printf("  schedulers: %u\n", hr_rt_schedulers(rt));
	printf("  network:    none yet; it will listen on 127.0.0.1 only\n");
	printf("  services:   echo (host registry)\n");
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
		struct timespec ts;

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
		wake = deadline < next_status ? deadline : next_status;
		if (wake - now > 3600 * SEC)
			wake = now + 3600 * SEC;
		ts.tv_sec = (time_t)((wake - now) / SEC);
		ts.tv_nsec = (long)((wake - now) % SEC);
		sig = sigtimedwait(&sigs, NULL, &ts);
		if (sig > 0)
			break;
	}
	if (sig > 0)
		printf("hearth-server: %s, shutting down\n", strsignal(sig));
	else
		printf("hearth-server: time is up, shutting down\n");
	{
		uint32_t before = hr_rt_nprocs(rt);

		rc = hr_rt_shutdown(rt);
		printf("hearth-server: %u processes stopped; %s\n", before,
		       rc ? hb_strerror(rc) : "clean shutdown");
	}
	hr_rt_free(rt);
	close(lockfd);
	return rc ? 1 : 0;
}
