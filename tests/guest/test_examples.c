/* test_examples.c — scenario tests: each example guest's `main` runs as a
 * process in the real runtime. An example checks what it sees and exits
 * normally only if all went as it should; the test also looks for the
 * summary line the example logs. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hearth/msgpack.h"

#include "runner.h"
#include "test.h"

static void run_example(const char *name, const char *const *lines)
{
	gr_env e;
	gr_result r;
	hl_id id;

	gr_env_init(&e, 2);
	id = gr_put_guest(&e, name);
	gr_run(&e, &id, "main", &r);
	if (r.code != HR_EXIT_NORMAL) {
		gr_dump_logs(stderr);
		ASSERT_MSG(0, "%s exited %s: %s", name, hr_exit_name(r.code),
			   r.reason);
	}
	for (; *lines; lines++) {
		if (!gr_logged(*lines)) {
			gr_dump_logs(stderr);
			ASSERT_MSG(0, "%s did not log \"%s\"", name, *lines);
		}
	}
	gr_env_free(&e);
}

TEST_TIMEOUT(example_pingpong, 120)
{
	static const char *const lines[] = {"ping-pong: 1000 round trips",
					    NULL};

	run_example("pingpong", lines);
}

TEST_TIMEOUT(example_counter, 120)
{
	static const char *const lines[] = {
		"counter: 5450 after 4 clients x 100 adds", NULL};

	run_example("counter", lines);
}

TEST_TIMEOUT(example_chat, 120)
{
	static const char *const lines[] = {
		"room: ada joined", "room: grace joined", "room: alan joined",
		"chat: 3 members each heard all 15 lines, in order", NULL};

	run_example("chat", lines);
}

TEST_TIMEOUT(example_supervised, 120)
{
	static const char *const lines[] = {
		"supervisor: crashy exited (trap: out of bounds memory access)",
		"supervised: crashy restarted",
		"supervised: fragile gave up: restart intensity exceeded",
		NULL};

	run_example("supervised", lines);
}

TEST_TIMEOUT(example_selfhost, 120)
{
	static const char *const lines[] = {
		"selfhost: wrote a", "hello from a module written at run time",
		NULL};

	run_example("selfhost", lines);
}

/* Wait until a process logs a line containing needle (up to 60 s). */
static void await_log(const char *needle)
{
	for (int i = 0; i < 6000; i++) {
		if (gr_logged(needle))
			return;
		usleep(10000);
	}
	gr_dump_logs(stderr);
	ASSERT_MSG(0, "nobody logged \"%s\"", needle);
}

/* One request from the host; returns the reply's status, copies the first
 * capability (if any) to *cap, and the integer after "ok" to *value. */
static int ask(gr_env *e, hr_handle to, const void *req, size_t len,
	       hr_handle *cap, int64_t *value)
{
	hb_mp_reader r;
	hb_mp_item it;
	uint32_t n;
	hr_msg m;
	int rc;

	ASSERT_OK(gr_request(e, to, req, len, NULL, 0, &m));
	hb_mp_reader_init(&r, m.data, m.len);
	ASSERT_OK(hb_mp_get_array(&r, &n));
	ASSERT_OK(hb_mp_next(&r, &it));
	rc = hb_mp_str_eq(&it, "ok") ? 0 : HB_EPROTO;
	if (!rc && value && n >= 2)
		ASSERT_OK(hb_mp_get_int(&r, value));
	if (cap)
		*cap = m.ncaps ? m.caps[0] : HR_HANDLE_NONE;
	for (uint32_t i = cap ? 1 : 0; i < m.ncaps; i++)
		if (m.caps[i] >= 0)
			hr_host_ref_dec(e->rt, m.caps[i]);
	hr_host_msg_free(e->rt, &m);
	return rc;
}

/* The init guest (what make run boots): stores the demo modules as lumps,
 * starts every service, answers as their registry; the services work
 * (the counter counts, the bots chat, the supervised worker is restarted)
 * and killing init takes them all down (they are linked to it). */
TEST_TIMEOUT(init_boots_the_demo, 180)
{
	static const char *const ups[] = {
		"init: counter is up",	  "init: counter-demo is up",
		"init: chat-room is up",  "init: chat-bot-1 is up",
		"init: chat-bot-2 is up", "init: ping-pong is up",
		"init: supervised is up", "init: selfhost is up"};
	hr_handle init, counter;
	uint32_t base;
	uint64_t ref;
	int64_t v = -1;
	gr_env e;
	hl_id id;
	hr_msg m;
	size_t i;

	gr_env_init(&e, 2);
	base = hr_rt_nprocs(e.rt); /* the registry and the spawner */
	id = gr_put_guest(&e, "init");
	init = gr_spawn(&e, &id, "main", &ref);
	for (i = 0; i < sizeof ups / sizeof ups[0]; i++)
		await_log(ups[i]);

	await_log("counter demo: the counter is at 1");

	/* init is the services' registry */
	ASSERT_OK(ask(&e, init, "\x91\xa4list", 6, NULL, NULL));
	ASSERT_OK(ask(&e, init,
		      "\x92\xa3get\xa7"
		      "counter",
		      13, &counter, NULL));
	ASSERT(counter >= 0);
	ASSERT_EQ(hr_host_perms(e.rt, counter), HR_PERM_SEND | HR_PERM_MONITOR);
	ASSERT_OK(ask(&e, counter, "\x91\xa3get", 5, NULL, &v));
	ASSERT_GE(v, 0);
	ASSERT_OK(ask(&e, counter,
		      "\x92\xa3"
		      "add\x64",
		      6, NULL, &v));
	ASSERT_GE(v, 100);
	hr_host_ref_dec(e.rt, counter);
	ASSERT_EQ(ask(&e, init, "\x92\xa3get\xa4nope", 10, NULL, NULL),
		  HB_EPROTO);

	/* the services do their work */
	await_log("heard");		     /* a bot heard the other */
	await_log("ping-pong: burst 1,");    /* round trips */
	await_log("selfhost: wrote a");	     /* the self-hosting path */
	await_log("init: selfhost is down"); /* ... which ends */
	await_log("supervisor: crashy exited (trap"); /* and restarts */

	/* killing init takes the tree down */
	ASSERT_OK(hr_host_kill(e.rt, init));
	for (;;) {
		ASSERT_OK(hr_host_recv(e.rt, e.mb, RUN_WAIT_NS, &m));
		if (m.kind == HR_MSG_DOWN && m.ref == ref) {
			ASSERT_EQ(m.reason.code, HR_EXIT_KILLED);
			hr_host_msg_free(e.rt, &m);
			break;
		}
		hr_host_msg_free(e.rt, &m);
	}
	for (i = 0; i < 6000 && hr_rt_nprocs(e.rt) > base; i++)
		usleep(10000);
	ASSERT_MSG(hr_rt_nprocs(e.rt) == base, "%u processes outlived init",
		   hr_rt_nprocs(e.rt) - base);
	hr_host_ref_dec(e.rt, init);
	gr_env_free(&e);
}

/* What `make run` does: hearth-server boots the space through the init
 * guest, prints the services' logs and stops cleanly. */
TEST_TIMEOUT(server_boots_through_init, 180)
{
	const char *dir = ht_tmpdir();
	char out[512], *buf;
	FILE *f;
	size_t n;
	pid_t pid;
	int st;

	snprintf(out, sizeof out, "%s/out.txt", dir);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		char data[512];

		snprintf(data, sizeof data, "%s/data", dir);
		if (!freopen(out, "w", stdout) || dup2(1, 2) < 0)
			_exit(126);
		execl(HEARTH_BINARY_DIR "/bin/hearth-server", "hearth-server",
		      "--data-dir", data, "--init",
		      HEARTH_BINARY_DIR "/guests/init.wasm", "--exit-after",
		      "6", "--status-every", "0", (char *)NULL);
		_exit(127);
	}
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	f = fopen(out, "r");
	ASSERT_NOT_NULL(f);
	buf = calloc(1, 1 << 20);
	ASSERT_NOT_NULL(buf);
	n = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	buf[n] = 0;
	ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit %d:\n%s", st,
		   buf);
	ASSERT_MSG(strstr(buf, "init: chat-room is up"), "%s", buf);
	ASSERT_MSG(strstr(buf, "init: selfhost is up"), "%s", buf);
	ASSERT_MSG(strstr(buf, "ping-pong: burst 1,"), "%s", buf);
	ASSERT_MSG(strstr(buf, "clean shutdown"), "%s", buf);
	ASSERT_MSG(!strstr(buf, "init failed"), "%s", buf);
	free(buf);
}
