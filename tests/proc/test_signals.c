/* test_signals.c — monitors and links across Wasm processes, and the
 * exit reasons they carry: a Wasm watcher sees a Wasm process trap, be
 * killed, exit with a code; a trapping-exits Wasm linker gets EXIT
 * signals; a linked process dies with its peer's reason. */
#include "proc_test.h"

TEST(signals_wasm_monitors_wasm)
{
	env e;
	hr_handle v;

	env_init(&e, 2);
	/* a kill: code 1, no text */
	v = spawn(&e, "block", NULL, 0);
	expect(&e, "blocking");
	spawn(&e, "watcher", &v, 1);
	expect(&e, "watching");
	ASSERT_OK(hr_host_kill(e.rt, v));
	expect(&e, "down 1 ");
	/* exit with a user code and text */
	v = spawn(&e, "sleep_long", NULL, 0);
	expect(&e, "sleeping");
	{
		hr_pid pid;

		ASSERT_OK(hr_host_target_pid(e.rt, v, &pid));
		spawn(&e, "watcher", &v, 1);
		expect(&e, "watching");
		ASSERT_OK(hr_rt_kill_pid(e.rt, pid, 77, "by pid"));
		expect(&e, "down 77 by pid");
	}
	env_free(&e);
}

TEST(signals_watcher_sees_a_trap)
{
	env e;
	hr_handle v;

	env_init(&e, 2);
	v = spawn(&e, "trap_on_message", NULL, 0);
	spawn(&e, "watcher", &v, 1);
	expect(&e, "watching");
	ASSERT_OK(hr_host_send(e.rt, v, "go", 2, NULL, 0));
	expect(&e, "down 2 integer divide by zero");
	env_free(&e);
}

TEST(signals_trapping_linker_gets_exit_signals)
{
	env e;
	hr_handle v;

	env_init(&e, 2);
	v = spawn(&e, "block", NULL, 0);
	expect(&e, "blocking");
	spawn(&e, "linker", &v, 1);
	expect(&e, "linked");
	ASSERT_OK(hr_host_kill(e.rt, v));
	expect(&e, "exit 1 ");
	/* a normal exit reaches a process that traps exits too */
	v = spawn(&e, "misc", NULL, 0);
	expect(&e, "ok");
	spawn(&e, "linker", &v, 1);
	expect(&e, "linked");
	ASSERT_OK(hr_host_send(e.rt, v, "quit", 4, NULL, 0));
	expect(&e, "exit 0 ");
	env_free(&e);
}

TEST(signals_unlink_demonitor_kill)
{
	env e;
	hr_handle v, w;

	env_init(&e, 2);
	v = spawn_m(&e, "block", NULL, 0);
	expect(&e, "blocking");
	w = spawn(&e, "unlinker", &v, 1);
	expect_down(&e, HR_EXIT_KILLED, NULL, 0); /* killed by the guest */
	expect(&e, "ok");
	(void)w;
	env_free(&e);
}

TEST(signals_link_kills_with_the_same_reason)
{
	env e;
	hr_handle v, l;
	char text[128];

	env_init(&e, 2);
	v = spawn(&e, "block", NULL, 0);
	expect(&e, "blocking");
	l = spawn_m(&e, "linked_dies", &v, 1);
	expect(&e, "linked");
	(void)l;
	{
		hr_pid pid;

		ASSERT_OK(hr_host_target_pid(e.rt, v, &pid));
		ASSERT_OK(hr_rt_kill_pid(e.rt, pid, 99, "boom"));
	}
	expect_down(&e, 99, text, sizeof text);
	ASSERT_STREQ(text, "boom");
	ASSERT(quiet_for(&e, 50)); /* it did not survive to report */
	env_free(&e);
}
