/* test_monitor.c — monitors: DOWN on death (and at once for the dead),
 * demonitor guarantees, many watchers, watchers dying first. */
#include "rt_test.h"

TEST(monitor_down_when_already_dead)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), a = spawn_agent(rt, in);
	uint64_t ref, ref2;
	hr_msg m;

	ASSERT_OK(hr_host_monitor(rt, a, mb, &ref));
	ASSERT_OK(hr_host_kill(rt, a));
	await_down(rt, mb, ref, &m);
	hr_host_msg_free(rt, &m);
	ASSERT_OK(hr_host_monitor(rt, a, mb, &ref2));
	ASSERT_NE(ref2, ref);
	await_down(rt, mb, ref2, &m);
	ASSERT_EQ(m.reason.code, HR_EXIT_NOPROC);
	ASSERT_EQ(hr_host_same_target(rt, m.caps[0], a), 1);
	hr_host_msg_free(rt, &m);
	ASSERT_ERR(hr_host_demonitor(rt, ref2), HB_ENOENT);
	hr_rt_free(rt);
}

TEST(monitor_demonitor_means_no_down)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), a = spawn_agent(rt, in);
	hr_handle b = spawn_agent(rt, in);
	uint64_t ra, rb;
	hr_msg m;

	ASSERT_OK(hr_host_monitor(rt, a, mb, &ra));
	ASSERT_OK(hr_host_monitor(rt, b, mb, &rb));
	ASSERT_OK(hr_host_demonitor(rt, ra));
	ASSERT_ERR(hr_host_demonitor(rt, ra), HB_ENOENT);
	ASSERT_OK(hr_host_kill(rt, a));
	ASSERT_OK(hr_host_kill(rt, b));
	expect_msg(rt, mb, &m);
	ASSERT_EQ(m.kind, HR_MSG_DOWN);
	ASSERT_UEQ(m.ref, rb);
	hr_host_msg_free(rt, &m);
	ASSERT(quiet_for(rt, mb, 100));
	hr_rt_free(rt);
}

TEST(monitor_demonitor_discards_a_queued_down)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb, mb2;
	hr_handle in = host_inbox(rt, &mb), a = spawn_agent(rt, in);
	hr_handle b = spawn_agent(rt, in);
	uint64_t ra, rb;
	hr_msg m;

	ASSERT_OK(hr_host_mailbox_new(rt, &mb2));
	ASSERT_OK(hr_host_monitor(rt, a, mb2, &ra));
	ASSERT_OK(hr_host_monitor(rt, b, mb2, &rb));
	ASSERT_OK(hr_host_kill(rt, a));
	ASSERT_OK(hr_host_kill(rt, b));
	/* wait until both are gone: both DOWNs are queued on mb2 */
	while (hr_rt_nprocs(rt) != 0)
		sleep_ms(1);
	ASSERT_OK(hr_host_demonitor(rt, ra));
	expect_msg(rt, mb2, &m);
	ASSERT_UEQ(m.ref, rb);
	hr_host_msg_free(rt, &m);
	ASSERT(quiet_for(rt, mb2, 50));
	(void)mb;
	hr_rt_free(rt);
}

TEST(monitor_many_watchers_one_target)
{
	hr_rt *rt = rt_start(3);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), t = spawn_agent(rt, in), ag[50];
	char line[128];
	int i, downs = 0;
	unsigned long long ref;
	int rc, code, same;

	for (i = 0; i < 50; i++) {
		ag[i] = spawn_agent(rt, in);
		agent_cmd(rt, ag[i], mb, "monitor", t, line, sizeof line);
		ASSERT_EQ(sscanf(line, "%d %llu", &rc, &ref), 2);
		ASSERT_EQ(rc, 0);
	}
	ASSERT_OK(hr_host_send(rt, t, "exit 99 bye", 11, NULL, 0));
	for (i = 0; i < 50; i++) {
		char txt[32];

		expect_line(rt, mb, line, sizeof line);
		ASSERT_EQ(sscanf(line, "DOWN %llu %d %31s %d", &ref, &code, txt,
				 &same),
			  4);
		ASSERT_EQ(code, 99);
		ASSERT_STREQ(txt, "bye");
		ASSERT_EQ(same, 1);
		downs++;
	}
	ASSERT_EQ(downs, 50);
	hr_rt_free(rt);
}

TEST(monitor_watcher_dies_first)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), t = spawn_agent(rt, in);
	hr_proc_info pi;
	hr_pid tp;
	char line[64];
	int i;

	ASSERT_OK(hr_host_target_pid(rt, t, &tp));
	for (i = 0; i < 20; i++) {
		hr_handle w = spawn_agent(rt, in);

		agent_cmd(rt, w, mb, "monitor", t, line, sizeof line);
		ASSERT_OK(hr_host_kill(rt, w));
	}
	while (hr_rt_nprocs(rt) != 1)
		sleep_ms(1);
	/* the dead watchers' monitors are gone from the target */
	ASSERT_OK(hr_rt_proc_info(rt, tp, &pi));
	ASSERT_EQ(pi.monitors, 0);
	ASSERT_OK(hr_host_kill(rt, t));
	hr_rt_free(rt);
}

TEST(monitor_by_a_process_then_demonitor)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), w = spawn_agent(rt, in);
	hr_handle t = spawn_agent(rt, in);
	hr_proc_info pi;
	hr_pid tp;
	unsigned long long ref;
	char line[64], cmd[64];
	int rc;

	ASSERT_OK(hr_host_target_pid(rt, t, &tp));
	agent_cmd(rt, w, mb, "monitor", t, line, sizeof line);
	ASSERT_EQ(sscanf(line, "%d %llu", &rc, &ref), 2);
	ASSERT_OK(hr_rt_proc_info(rt, tp, &pi));
	ASSERT_EQ(pi.monitors, 1);
	snprintf(cmd, sizeof cmd, "demonitor %llu", ref);
	agent_cmd(rt, w, mb, cmd, HR_HANDLE_NONE, line, sizeof line);
	ASSERT_STREQ(line, "0");
	agent_cmd(rt, w, mb, cmd, HR_HANDLE_NONE, line, sizeof line);
	ASSERT_STREQ(line, "-4");
	ASSERT_OK(hr_rt_proc_info(rt, tp, &pi));
	ASSERT_EQ(pi.monitors, 0);
	ASSERT_OK(hr_host_kill(rt, t));
	/* no DOWN reaches the watcher: it answers its ping first */
	agent_cmd(rt, w, mb, "ping", HR_HANDLE_NONE, line, sizeof line);
	ASSERT_STREQ(line, "pong");
	ASSERT(quiet_for(rt, mb, 50));
	hr_rt_free(rt);
}

/* A queue long enough for the receive prefetch links (a push links the
 * data node 8 places back to the new one) with DOWNs among the data: the
 * links must skip the DOWNs, whose word holds the monitor reference, and
 * everything arrives once, in order, with its reference. */
static void send_run(hr_rt *rt, hr_handle to, uint64_t from, uint64_t n)
{
	uint64_t i;

	for (i = from; i < from + n; i++)
		ASSERT_OK(hr_host_send(rt, to, &i, sizeof i, NULL, 0));
}

static void expect_run(hr_rt *rt, uint32_t mb, uint64_t from, uint64_t n)
{
	uint64_t i;
	hr_msg m;

	for (i = from; i < from + n; i++) {
		expect_msg(rt, mb, &m);
		ASSERT_EQ(m.kind, HR_MSG_DATA);
		ASSERT_UEQ(m.ref, 0);
		ASSERT_UEQ(msg_u64(&m), i);
		hr_host_msg_free(rt, &m);
	}
}

TEST(monitor_downs_inside_a_long_queue_keep_their_refs)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb, mb2;
	hr_handle in = host_inbox(rt, &mb), a = spawn_agent(rt, in);
	hr_handle b = spawn_agent(rt, in), self;
	uint64_t ra, rb;
	hr_msg m;

	ASSERT_OK(hr_host_mailbox_new(rt, &mb2));
	ASSERT_OK(hr_host_mailbox_cap(rt, mb2, HR_PERM_SEND, &self));
	ASSERT_OK(hr_host_monitor(rt, a, mb2, &ra));
	ASSERT_OK(hr_host_monitor(rt, b, mb2, &rb));
	send_run(rt, self, 0, 20);
	ASSERT_OK(hr_host_kill(rt, a));
	while (hr_rt_nprocs(rt) != 1)
		sleep_ms(1);
	send_run(rt, self, 20, 20);
	ASSERT_OK(hr_host_kill(rt, b));
	while (hr_rt_nprocs(rt) != 0)
		sleep_ms(1);
	send_run(rt, self, 40, 5);
	expect_run(rt, mb2, 0, 20);
	expect_msg(rt, mb2, &m);
	ASSERT_EQ(m.kind, HR_MSG_DOWN);
	ASSERT_UEQ(m.ref, ra);
	hr_host_msg_free(rt, &m);
	expect_run(rt, mb2, 20, 20);
	expect_msg(rt, mb2, &m);
	ASSERT_EQ(m.kind, HR_MSG_DOWN);
	ASSERT_UEQ(m.ref, rb);
	hr_host_msg_free(rt, &m);
	expect_run(rt, mb2, 40, 5);
	ASSERT(quiet_for(rt, mb2, 20));
	(void)mb;
	hr_rt_free(rt);
}
