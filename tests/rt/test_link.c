/* test_link.c — links: abnormal exits propagate, normal ones do not,
 * trap_exits turns them into EXIT messages, unlink, chains, spawn-link. */
#include "rt_test.h"

TEST(link_abnormal_exit_kills_the_peer)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), a = spawn_agent(rt, in);
	hr_handle b = spawn_agent(rt, in);
	char line[64];
	uint64_t ref;
	hr_msg m;

	agent_cmd(rt, a, mb, "link", b, line, sizeof line);
	ASSERT_STREQ(line, "0");
	ASSERT_OK(hr_host_monitor(rt, a, mb, &ref));
	ASSERT_OK(hr_host_send(rt, b, "exit 70 crash", 13, NULL, 0));
	await_down(rt, mb, ref, &m);
	ASSERT_EQ(m.reason.code, 70); /* the same reason */
	ASSERT_STREQ(m.reason.text, "crash");
	hr_host_msg_free(rt, &m);
	hr_rt_free(rt);
}

TEST(link_normal_exit_does_not_kill)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), a = spawn_agent(rt, in);
	hr_handle b = spawn_agent(rt, in);
	char line[64];
	uint64_t ref;
	hr_msg m;

	agent_cmd(rt, a, mb, "link", b, line, sizeof line);
	ASSERT_OK(hr_host_monitor(rt, b, mb, &ref));
	ASSERT_OK(hr_host_send(rt, b, "exit 0", 6, NULL, 0));
	await_down(rt, mb, ref, &m);
	ASSERT_EQ(m.reason.code, 0);
	hr_host_msg_free(rt, &m);
	agent_cmd(rt, a, mb, "ping", HR_HANDLE_NONE, line, sizeof line);
	ASSERT_STREQ(line, "pong");
	hr_rt_free(rt);
}

TEST(link_trap_exits_turns_signals_into_messages)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), a = spawn_agent(rt, in);
	hr_handle b = spawn_agent(rt, in), c = spawn_agent(rt, in);
	char line[64];

	agent_cmd(rt, a, mb, "trap 1", HR_HANDLE_NONE, line, sizeof line);
	ASSERT_STREQ(line, "0");
	agent_cmd(rt, a, mb, "link", b, line, sizeof line);
	ASSERT_OK(hr_host_kill(rt, b));
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "EXIT 1 - 1"); /* killed, caps[0] is b */
	/* normal exits arrive too when trapping */
	agent_cmd(rt, a, mb, "link", c, line, sizeof line);
	ASSERT_OK(hr_host_send(rt, c, "exit 0", 6, NULL, 0));
	expect_line(rt, mb, line, sizeof line);
	ASSERT_STREQ(line, "EXIT 0 - 1");
	agent_cmd(rt, a, mb, "ping", HR_HANDLE_NONE, line, sizeof line);
	ASSERT_STREQ(line, "pong");
	hr_rt_free(rt);
}

TEST(link_unlink_stops_propagation)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), a = spawn_agent(rt, in);
	hr_handle b = spawn_agent(rt, in);
	hr_proc_info pi;
	hr_pid ap;
	char line[64];
	uint64_t ref;
	hr_msg m;

	agent_cmd(rt, a, mb, "link", b, line, sizeof line);
	agent_cmd(rt, a, mb, "link", b, line, sizeof line); /* one link */
	ASSERT_OK(hr_host_target_pid(rt, a, &ap));
	ASSERT_OK(hr_rt_proc_info(rt, ap, &pi));
	ASSERT_EQ(pi.links, 1);
	agent_cmd(rt, a, mb, "unlink", b, line, sizeof line);
	ASSERT_STREQ(line, "0");
	ASSERT_OK(hr_rt_proc_info(rt, ap, &pi));
	ASSERT_EQ(pi.links, 0);
	ASSERT_OK(hr_host_monitor(rt, b, mb, &ref));
	ASSERT_OK(hr_host_kill(rt, b));
	await_down(rt, mb, ref, &m);
	hr_host_msg_free(rt, &m);
	agent_cmd(rt, a, mb, "ping", HR_HANDLE_NONE, line, sizeof line);
	ASSERT_STREQ(line, "pong");
	hr_rt_free(rt);
}

TEST(link_to_the_dead_and_without_permission)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), a = spawn_agent(rt, in);
	hr_handle b = spawn_agent(rt, in), bs;
	char line[64];
	uint64_t ref;
	hr_msg m;

	ASSERT_OK(hr_host_demote(rt, b, HR_PERM_SEND, &bs));
	agent_cmd(rt, a, mb, "link", bs, line, sizeof line);
	ASSERT_STREQ(line, "-6"); /* HB_EPERM */
	ASSERT_OK(hr_host_monitor(rt, b, mb, &ref));
	ASSERT_OK(hr_host_kill(rt, b));
	await_down(rt, mb, ref, &m);
	hr_host_msg_free(rt, &m);
	agent_cmd(rt, a, mb, "link", b, line, sizeof line);
	ASSERT_STREQ(line, "-8"); /* HB_EDEAD */
	hr_rt_free(rt);
}

TEST(link_chain_takes_everyone_down)
{
	hr_rt *rt = rt_start(3);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), ag[40];
	uint64_t ref[40];
	char line[64];
	hr_msg m;
	int i, k;

	for (i = 0; i < 40; i++) {
		ag[i] = spawn_agent(rt, in);
		ASSERT_OK(hr_host_monitor(rt, ag[i], mb, &ref[i]));
	}
	for (i = 1; i < 40; i++) {
		agent_cmd(rt, ag[i], mb, "link", ag[i - 1], line, sizeof line);
		ASSERT_STREQ(line, "0");
	}
	ASSERT_OK(hr_host_send(rt, ag[0], "exit 66 first", 13, NULL, 0));
	for (k = 0; k < 40; k++) {
		expect_msg(rt, mb, &m);
		ASSERT_EQ(m.kind, HR_MSG_DOWN);
		ASSERT_EQ(m.reason.code, 66);
		ASSERT_STREQ(m.reason.text, "first");
		hr_host_msg_free(rt, &m);
	}
	while (hr_rt_nprocs(rt) != 0) /* DOWNs go out before slots free */
		sleep_ms(1);
	hr_rt_free(rt);
}

/* spawner: on "go" spawns a linked agent (reporting to handle 0) and tells
 * it to exit with 77 */
static void spawner_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	agent *a = malloc(sizeof *a);
	hr_spawn_opts o = {.kind = &agent_kind,
			   .state = a,
			   .caps = (hr_handle[]){0},
			   .ncaps = 1,
			   .link = true};
	hr_handle c;

	(void)st;
	(void)m;
	a->ref = HR_HANDLE_NONE;
	ASSERT_OK(hr_spawn(cx, &o, &c));
	hr_send(cx, c, "exit 77 child", 13, NULL, 0);
}
static const hr_kind spawner_kind = {.name = "spawner",
				     .on_message = spawner_msg};

TEST(link_spawn_linked_child)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), p;
	uint64_t ref;
	hr_msg m;

	p = spawn_kind(rt, &spawner_kind, NULL, &in, 1);
	ASSERT_OK(hr_host_monitor(rt, p, mb, &ref));
	ASSERT_OK(hr_host_send(rt, p, "go", 2, NULL, 0));
	await_down(rt, mb, ref, &m);
	ASSERT_EQ(m.reason.code, 77);
	hr_host_msg_free(rt, &m);
	hr_rt_free(rt);
}

/* hr_spawn_opts.link_with: the host spawns a child linked with another
 * process (how the Wasm spawner links a child to its requester). */
TEST(link_spawn_link_with_another_process)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), a = spawn_agent(rt, in), c, sa;
	hr_spawn_opts o = {.kind = &idle_kind, .name = "child", .link = true};
	uint64_t ref;
	hr_msg m;

	/* it needs LINK on that handle */
	ASSERT_OK(hr_host_demote(rt, a, HR_PERM_SEND, &sa));
	o.link_with = &sa;
	ASSERT_ERR(hr_host_spawn(rt, &o, &c), HB_EPERM);
	/* the host alone cannot be linked */
	o.link_with = NULL;
	ASSERT_ERR(hr_host_spawn(rt, &o, &c), HB_EINVAL);
	o.link_with = &a;
	ASSERT_OK(hr_host_spawn(rt, &o, &c));
	ASSERT_OK(hr_host_monitor(rt, c, mb, &ref));
	ASSERT_OK(hr_host_send(rt, a, "exit 71 down", 12, NULL, 0));
	await_down(rt, mb, ref, &m);
	ASSERT_EQ(m.reason.code, 71); /* the link fired */
	hr_host_msg_free(rt, &m);
	/* with a dead process: the child does not start */
	ASSERT_ERR(hr_host_spawn(rt, &o, &c), HB_EDEAD);
	hr_rt_free(rt);
}
