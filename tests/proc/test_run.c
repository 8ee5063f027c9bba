/* test_run.c — how Wasm processes run: blocking receives with and without
 * a timeout, sleep, busy loops preempted by fuel so that others keep
 * running, ping-pong between Wasm processes, kills of waiting and
 * sleeping processes, the total fuel limit, many processes of one
 * module. */
#include "proc_test.h"

TEST(run_blocking_echo_answers_many)
{
	env e;
	hr_handle echo, self;
	uint32_t mb;
	char text[32];
	int i;

	env_init(&e, 2);
	echo = spawn_m(&e, "echo", NULL, 0);
	ASSERT_OK(hr_host_mailbox_new(e.rt, &mb));
	ASSERT_OK(hr_host_mailbox_cap(e.rt, mb, HR_PERM_SEND, &self));
	for (i = 0; i < 200; i++) {
		hr_msg m;
		int n = snprintf(text, sizeof text, "msg %d", i);

		ASSERT_OK(hr_host_send(e.rt, echo, text, (size_t)n, &self, 1));
		ASSERT_OK(hr_host_recv(e.rt, mb, WAIT_NS, &m));
		ASSERT_EQ(m.len, (size_t)n);
		ASSERT_MEMEQ(m.data, text, (size_t)n);
		hr_host_msg_free(e.rt, &m);
	}
	ASSERT_OK(hr_host_send(e.rt, echo, "quit", 4, NULL, 0));
	expect_down(&e, HR_EXIT_NORMAL, NULL, 0);
	env_free(&e);
}

TEST(run_recv_and_poll_time_out)
{
	env e;

	env_init(&e, 2);
	spawn(&e, "recv_timeout", NULL, 0);
	expect(&e, "ok");
	env_free(&e);
}

TEST(run_sleep_keeps_messages_waiting)
{
	env e;
	hr_handle h;

	env_init(&e, 2);
	h = spawn(&e, "sleeper", NULL, 0);
	expect(&e, "sleeping");
	ASSERT_OK(hr_host_send(e.rt, h, "x", 1, NULL, 0));
	expect(&e, "ok");
	env_free(&e);
}

/* A waiting process holds no thread: with one scheduler, 50 blocked
 * processes and then an echo still get through. */
TEST(run_waiting_holds_no_thread)
{
	env e;
	hr_handle self, echo;
	uint32_t mb;
	hr_msg m;
	int i;

	env_init(&e, 1);
	for (i = 0; i < 50; i++) {
		spawn(&e, "block", NULL, 0);
		expect(&e, "blocking");
	}
	echo = spawn(&e, "echo", NULL, 0);
	ASSERT_OK(hr_host_mailbox_new(e.rt, &mb));
	ASSERT_OK(hr_host_mailbox_cap(e.rt, mb, HR_PERM_SEND, &self));
	ASSERT_OK(hr_host_send(e.rt, echo, "hi", 2, &self, 1));
	ASSERT_OK(hr_host_recv(e.rt, mb, WAIT_NS, &m));
	ASSERT_EQ(m.len, 2);
	hr_host_msg_free(e.rt, &m);
	ASSERT_EQ(hr_rt_nprocs(e.rt), 52 + 1); /* + registry, spawner */
	env_free(&e);
}

/* Busy loops never end, yet on one scheduler a Wasm ping-pong pair
 * completes its 2,000 round trips: fuel preempts the loops. */
TEST_TIMEOUT(run_busy_loops_are_preempted, 120)
{
	env e;
	hr_handle echo, spinners[3], ep;
	hr_proc_info info;
	hr_pid pid;
	int i;

	env_init(&e, 1);
	for (i = 0; i < 3; i++)
		spinners[i] = spawn(&e, "spin", NULL, 0);
	echo = spawn(&e, "echo", NULL, 0);
	ASSERT_OK(hr_host_demote(e.rt, echo, HR_PERM_SEND, &ep));
	spawn(&e, "pinger", &ep, 1);
	expect(&e, "pinged 2000");
	/* the spinners are still alive and have been running */
	for (i = 0; i < 3; i++) {
		ASSERT_OK(hr_host_target_pid(e.rt, spinners[i], &pid));
		ASSERT_OK(hr_rt_proc_info(e.rt, pid, &info));
		ASSERT_GT(info.reductions, 1000);
		ASSERT_OK(hr_host_kill(e.rt, spinners[i]));
	}
	env_free(&e);
}

TEST(run_wasm_ping_pong_two_schedulers)
{
	env e;
	hr_handle echo, ep;

	env_init(&e, 2);
	echo = spawn(&e, "echo", NULL, 0);
	ASSERT_OK(hr_host_demote(e.rt, echo, HR_PERM_SEND, &ep));
	spawn(&e, "pinger", &ep, 1);
	expect(&e, "pinged 2000");
	env_free(&e);
}

TEST(run_kill_while_waiting_or_sleeping)
{
	env e;
	hr_handle b, s;

	env_init(&e, 2);
	b = spawn_m(&e, "block", NULL, 0);
	expect(&e, "blocking");
	s = spawn_m(&e, "sleep_long", NULL, 0);
	expect(&e, "sleeping");
	ASSERT_OK(hr_host_kill(e.rt, b));
	expect_down(&e, HR_EXIT_KILLED, NULL, 0);
	ASSERT_OK(hr_host_kill(e.rt, s));
	expect_down(&e, HR_EXIT_KILLED, NULL, 0);
	ASSERT(quiet_for(&e, 50)); /* neither woke up to report */
	env_free(&e);
}

TEST(run_kill_a_busy_loop)
{
	env e;
	hr_handle h;

	env_init(&e, 1);
	h = spawn_m(&e, "spin", NULL, 0);
	sleep_ms(20);
	ASSERT_OK(hr_host_kill(e.rt, h));
	expect_down(&e, HR_EXIT_KILLED, NULL, 0);
	env_free(&e);
}

TEST(run_total_fuel_limit)
{
	env e;
	hp_limits lim = {.fuel_total = 2000000};
	hr_handle h;
	uint64_t ref;
	char err[256], text[128];

	env_init(&e, 2);
	ASSERT_OK(spawn_mon(&e, &e.guest, "spin", NULL, 0, &lim, NULL, &ref, &h,
			    err, sizeof err));
	expect_down(&e, HR_EXIT_LIMIT, text, sizeof text);
	ASSERT_STREQ(text, "fuel exhausted");
	/* a short slice still gets there, just in more slices */
	lim.fuel_per_slice = 1000;
	ASSERT_OK(spawn_mon(&e, &e.guest, "spin_then_report", NULL, 0, &lim,
			    NULL, &ref, &h, err, sizeof err));
	expect_down(&e, HR_EXIT_LIMIT, text, sizeof text);
	lim.fuel_total = 0;
	ASSERT_OK(spawn_mon(&e, &e.guest, "spin_then_report", NULL, 0, &lim,
			    NULL, &ref, &h, err, sizeof err));
	expect(&e, "spun");
	expect_down(&e, HR_EXIT_NORMAL, NULL, 0);
	env_free(&e);
}

/* 2,000 processes of one module alive at once, compiled once. */
TEST_TIMEOUT(run_many_processes_share_one_module, 120)
{
	env e;
	size_t count, bytes;
	int i;

	env_init(&e, 2);
	for (i = 0; i < 2000; i++)
		spawn(&e, "block", NULL, 0);
	for (i = 0; i < 2000; i++)
		expect(&e, "blocking");
	hl_assets_usage(e.assets, &count, &bytes);
	ASSERT_EQ(count, 1);
	ASSERT_EQ(hr_rt_nprocs(e.rt), 2000 + 2);
	env_free(&e);
}
