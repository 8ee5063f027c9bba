/* test_examples.c — scenario tests: each example guest's `main` runs as a
 * process in the real runtime. An example checks what it sees and exits
 * normally only if all went as it should; the test also looks for the
 * summary line the example logs. */
#include <stdio.h>
#include <string.h>

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
