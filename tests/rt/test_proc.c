/* test_proc.c — processes: exit reasons, kill, terminate hooks, init
 * failure, metadata and the log ring, enumeration, spawn limits. */
#include "hearth/msgpack.h"
#include "rt_test.h"

TEST(proc_exit_reason_reaches_monitor)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), ag = spawn_agent(rt, in);
	hb_mp_reader r;
	const char *s;
	uint32_t n, sl;
	uint64_t ref, u;
	int64_t code;
	hr_msg m;

	ASSERT_OK(hr_host_monitor(rt, ag, mb, &ref));
	ASSERT_OK(hr_host_send(rt, ag, "exit 70 boom", 12, NULL, 0));
	await_down(rt, mb, ref, &m);
	ASSERT_EQ(m.reason.code, 70);
	ASSERT_STREQ(m.reason.text, "boom");
	ASSERT_EQ(m.ncaps, 1);
	ASSERT_EQ(hr_host_perms(rt, m.caps[0]), 0);
	ASSERT_EQ(hr_host_same_target(rt, m.caps[0], ag), 1);
	/* the bytes: ["down", ref, code, text] */
	hb_mp_reader_init(&r, m.data, m.len);
	ASSERT_OK(hb_mp_get_array(&r, &n));
	ASSERT_EQ(n, 4);
	ASSERT_OK(hb_mp_get_str(&r, &s, &sl));
	ASSERT_EQ(sl, 4);
	ASSERT_MEMEQ(s, "down", 4);
	ASSERT_OK(hb_mp_get_uint(&r, &u));
	ASSERT_UEQ(u, ref);
	ASSERT_OK(hb_mp_get_int(&r, &code));
	ASSERT_EQ(code, 70);
	ASSERT_OK(hb_mp_get_str(&r, &s, &sl));
	ASSERT_EQ(sl, 4);
	ASSERT(hb_mp_done(&r));
	hr_host_msg_free(rt, &m);
	/* dead now: everything through the handle says so */
	ASSERT_ERR(hr_host_send(rt, ag, "ping", 4, NULL, 0), HB_EDEAD);
	hr_rt_free(rt);
}

TEST(proc_kill_and_kill_permission)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), a = spawn_agent(rt, in);
	hr_handle b = spawn_agent(rt, in), bs;
	char line[64];
	uint64_t ref;
	hr_msg m;

	ASSERT_OK(hr_host_demote(rt, b, HR_PERM_SEND, &bs));
	agent_cmd(rt, a, mb, "kill", bs, line, sizeof line);
	ASSERT_STREQ(line, "-6"); /* HB_EPERM */
	ASSERT_OK(hr_host_monitor(rt, b, mb, &ref));
	agent_cmd(rt, a, mb, "kill", b, line, sizeof line);
	ASSERT_STREQ(line, "0");
	await_down(rt, mb, ref, &m);
	ASSERT_EQ(m.reason.code, HR_EXIT_KILLED);
	ASSERT_NULL(m.reason.text);
	hr_host_msg_free(rt, &m);
	/* killing yourself works too */
	ASSERT_OK(hr_host_monitor(rt, a, mb, &ref));
	ASSERT_OK(hr_host_demote(rt, a, HR_PERM_KILL, &bs));
	ASSERT_OK(hr_host_send(rt, a, "kill", 4, &bs, 1));
	await_down(rt, mb, ref, &m);
	ASSERT_EQ(m.reason.code, HR_EXIT_KILLED);
	hr_host_msg_free(rt, &m);
	hr_rt_free(rt);
}

typedef struct lifecycle {
	atomic_int inits, terms;
	int fail_init;
} lifecycle;

static int lc_init(hr_ctx *cx, void *st)
{
	lifecycle *l = st;

	atomic_fetch_add(&l->inits, 1);
	hr_send(cx, 0, "init", 4, NULL, 0);
	return l->fail_init;
}

static void lc_term(hr_ctx *cx, void *st, const hr_reason *why)
{
	lifecycle *l = st;

	atomic_fetch_add(&l->terms, 1);
	/* still alive: last words go out */
	hr_send(cx, 0, &why->code, sizeof why->code, NULL, 0);
}

static const hr_kind lc_kind = {.name = "lifecycle",
				.init = lc_init,
				.on_message = idle_msg,
				.terminate = lc_term};

TEST(proc_terminate_runs_once_and_may_send)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), p;
	lifecycle l = {0};
	uint64_t ref;
	int32_t code;
	hr_msg m;

	p = spawn_kind(rt, &lc_kind, &l, &in, 1);
	expect_msg(rt, mb, &m); /* it ran its init */
	hr_host_msg_free(rt, &m);
	ASSERT_OK(hr_host_send(rt, p, "x", 1, NULL, 0));
	ASSERT_OK(hr_host_monitor(rt, p, mb, &ref));
	ASSERT_OK(hr_host_kill(rt, p));
	code = hr_host_kill(rt, p); /* a second kill is harmless */
	ASSERT(code == 0 || code == HB_EDEAD);
	expect_msg(rt, mb, &m);
	ASSERT_EQ(m.kind, HR_MSG_DATA);
	memcpy(&code, m.data, sizeof code);
	ASSERT_EQ(code, HR_EXIT_KILLED);
	hr_host_msg_free(rt, &m);
	await_down(rt, mb, ref, &m);
	hr_host_msg_free(rt, &m);
	ASSERT_EQ(atomic_load(&l.inits), 1);
	ASSERT_EQ(atomic_load(&l.terms), 1);
	hr_rt_free(rt);
	ASSERT_EQ(atomic_load(&l.terms), 1);
}

TEST(proc_init_failure_exits_with_error)
{
	hr_rt *rt = rt_start(1);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), p;
	lifecycle l = {.fail_init = HB_EINVAL};
	uint64_t ref = 0;
	hr_spawn_opts o = {.kind = &lc_kind,
			   .state = &l,
			   .caps = &in,
			   .ncaps = 1,
			   .monitor = &ref,
			   .monitor_mailbox = mb};
	hr_msg m;

	ASSERT_OK(hr_host_spawn(rt, &o, &p));
	ASSERT_NE(ref, 0);
	await_down(rt, mb, ref, &m);
	ASSERT_EQ(m.reason.code, HR_EXIT_ERROR);
	ASSERT_STREQ(m.reason.text, "invalid argument");
	hr_host_msg_free(rt, &m);
	ASSERT_EQ(atomic_load(&l.terms), 1);
	hr_rt_free(rt);
}

static int logger_init(hr_ctx *cx, void *st)
{
	int i;

	(void)st;
	ASSERT_OK(hr_set_name(cx, "logger-renamed"));
	for (i = 0; i < 10; i++)
		hr_log(cx, i % 5, "line %d", i);
	return hr_send(cx, 0, "ready", 5, NULL, 0);
}
static const hr_kind logger_kind = {
	.name = "logger", .init = logger_init, .on_message = idle_msg};

typedef struct lines {
	int n;
	char text[8][32];
	int level[8];
} lines;

static void collect_line(void *ud, int level, uint64_t t, const char *text)
{
	lines *l = ud;

	(void)t;
	if (l->n < 8) {
		snprintf(l->text[l->n], sizeof l->text[0], "%s", text);
		l->level[l->n] = level;
	}
	l->n++;
}

TEST(proc_log_ring_is_bounded_and_readable)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), p;
	hr_limits lim = {.log_lines = 4};
	hr_spawn_opts o = {.kind = &logger_kind,
			   .name = "logger",
			   .caps = &in,
			   .ncaps = 1,
			   .limits = &lim};
	hr_proc_info pi;
	lines l = {0};
	hr_pid pid;
	hr_msg m;

	ASSERT_OK(hr_host_spawn(rt, &o, &p));
	expect_msg(rt, mb, &m);
	hr_host_msg_free(rt, &m);
	ASSERT_OK(hr_host_target_pid(rt, p, &pid));
	ASSERT_OK(hr_rt_log(rt, pid, collect_line, &l));
	ASSERT_EQ(l.n, 4);
	ASSERT_STREQ(l.text[0], "line 6");
	ASSERT_STREQ(l.text[3], "line 9");
	ASSERT_EQ(l.level[3], 4);
	ASSERT_OK(hr_rt_proc_info(rt, pid, &pi));
	ASSERT_STREQ(pi.name, "logger-renamed");
	ASSERT_OK(hr_host_kill(rt, p));
	hr_rt_free(rt);
}

TEST(proc_enumeration_lists_live_processes)
{
	hr_rt *rt = rt_start(2);
	hr_spawn_opts o = {.kind = &idle_kind};
	hr_proc_info info[8];
	const char *names[3] = {"alpha", "beta", "gamma"};
	hr_handle h[3];
	size_t n, i;
	int seen = 0;

	for (i = 0; i < 3; i++) {
		o.name = names[i];
		ASSERT_OK(hr_host_spawn(rt, &o, &h[i]));
	}
	ASSERT_OK(hr_rt_procs(rt, info, 8, &n));
	ASSERT_EQ(n, 4);
	ASSERT_STREQ(info[0].name, "host");
	ASSERT_EQ(info[0].state, HR_PS_HOST);
	for (i = 1; i < n; i++) {
		ASSERT_STREQ(info[i].kind, "idle");
		ASSERT_EQ(info[i].parent, info[0].pid);
		if (!strcmp(info[i].name, "beta"))
			seen++;
	}
	ASSERT_EQ(seen, 1);
	ASSERT_OK(hr_rt_procs(rt, info, 2, &n)); /* too small: count only */
	ASSERT_EQ(n, 4);
	ASSERT_OK(hr_host_kill(rt, h[1]));
	while (hr_rt_nprocs(rt) != 2)
		sleep_ms(1);
	ASSERT_OK(hr_rt_procs(rt, info, 8, &n));
	ASSERT_EQ(n, 3);
	hr_rt_free(rt);
}

TEST(proc_spawn_limits)
{
	hr_config c;
	hr_rt *rt;
	hr_spawn_opts o = {.kind = &idle_kind};
	hr_limits big = {.queue_msgs = HR_MAX_QUEUE_MSGS + 1};
	hr_kind both = {.name = "both",
			.on_message = idle_msg,
			.run = (hr_run(*)(hr_ctx *, void *, hr_slice *))1};
	hr_handle h;
	int i;

	hr_config_init(&c);
	c.schedulers = 1;
	c.max_procs = 5; /* the host and four */
	rt = rt_start_cfg(&c);
	for (i = 0; i < 4; i++)
		ASSERT_OK(hr_host_spawn(rt, &o, &h));
	ASSERT_ERR(hr_host_spawn(rt, &o, &h), HB_ELIMIT);
	o.limits = &big;
	ASSERT_ERR(hr_host_spawn(rt, &o, &h), HB_ELIMIT);
	o.limits = NULL;
	o.kind = &both;
	ASSERT_ERR(hr_host_spawn(rt, &o, &h), HB_EINVAL);
	o.kind = NULL;
	ASSERT_ERR(hr_host_spawn(rt, &o, &h), HB_EINVAL);
	ASSERT_OK(hr_rt_shutdown(rt));
	o.kind = &idle_kind;
	ASSERT_ERR(hr_host_spawn(rt, &o, &h), HB_ECLOSED);
	hr_rt_free(rt);
}

TEST(proc_bad_configs_refused)
{
	hr_config c;
	hr_rt *rt = NULL;

	hr_config_init(&c);
	c.max.queue_msgs = HR_MAX_QUEUE_MSGS + 1;
	ASSERT_ERR(hr_rt_new(&c, &rt), HB_ELIMIT);
	hr_config_init(&c);
	c.defaults.handles = 0;
	ASSERT_ERR(hr_rt_new(&c, &rt), HB_EINVAL);
	hr_config_init(&c);
	c.budget = 0;
	ASSERT_ERR(hr_rt_new(&c, &rt), HB_EINVAL);
	hr_config_init(&c);
	c.schedulers = HR_MAX_SCHEDULERS + 1;
	ASSERT_ERR(hr_rt_new(&c, &rt), HB_ELIMIT);
	ASSERT_NULL(rt);
}

/* parent: spawns a forwarding child that gets the parent's handle 0, and
 * reports the child's permissions and pid. */
static int parent_init(hr_ctx *cx, void *st)
{
	hr_spawn_opts o = {.kind = &fwd_kind,
			   .name = "child",
			   .caps = (hr_handle[]){0},
			   .ncaps = 1};
	hr_handle c;
	int64_t v[3];
	hr_pid pid;

	(void)st;
	ASSERT_OK(hr_spawn(cx, &o, &c));
	ASSERT_OK(hr_target_pid(cx, c, &pid));
	v[0] = hr_perms(cx, c);
	v[1] = (int64_t)pid;
	v[2] = (int64_t)hr_self(cx);
	hr_send(cx, 0, v, sizeof v, NULL, 0);
	return hr_send(cx, c, "via child", 9, NULL, 0);
}
static const hr_kind parent_kind = {
	.name = "parent", .init = parent_init, .on_message = idle_msg};

TEST(proc_spawn_from_a_process)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb);
	hr_proc_info pi;
	int64_t v[3];
	hr_msg m;

	spawn_kind(rt, &parent_kind, NULL, &in, 1);
	expect_msg(rt, mb, &m);
	memcpy(v, m.data, sizeof v);
	hr_host_msg_free(rt, &m);
	ASSERT_EQ(v[0], HR_PERM_ALL);
	expect_msg(rt, mb, &m);
	ASSERT_EQ(m.len, 9);
	ASSERT_MEMEQ(m.data, "via child", 9);
	hr_host_msg_free(rt, &m);
	ASSERT_OK(hr_rt_proc_info(rt, (hr_pid)v[1], &pi));
	ASSERT_STREQ(pi.name, "child");
	ASSERT_UEQ(pi.parent, (hr_pid)v[2]);
	hr_rt_free(rt);
}
