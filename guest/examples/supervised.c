/* supervised.c — example: a supervisor restarting a crashing worker.
 *
 * `sup` supervises two children one_for_one: `steady`, which just lives,
 * and `crashy`, which crashes (a store far outside its memory traps) after
 * three 50 ms ticks. The supervisor restarts crashy each time and never
 * touches steady. `fragile` is the same tree with a restart intensity of 2
 * in a minute: the third crash makes it give up and exit with an error.
 * `main` watches both through the supervisor's ["which"] request and its
 * down signal, and exits normally only if all of that happened. `demo` is
 * the slow version the init guest runs (a crash every 5 s, 5 allowed in
 * 30 s). */
#include <string.h>

#include "hearth.h"

/* Far past the end of any linear memory a process may have: the store
 * traps with "out of bounds memory access". */
static volatile int *const nowhere = (volatile int *)0xfffffff0u;

HEARTH_ENTRY(steady)
{
	hearth_msg m;

	hearth_set_description("a worker that never fails");
	while (hearth_recv(0, HEARTH_FOREVER, &m) == 0)
		hearth_msg_free(&m);
}

static void crash_after(int ticks, int64_t tick_ns)
{
	for (int i = 0; i < ticks; i++)
		hearth_sleep(tick_ns);
	hearth_warn("crashy: writing where no memory is");
	*nowhere = 1;
}

HEARTH_ENTRY(crashy)
{
	crash_after(3, 50 * HEARTH_MS);
}

HEARTH_ENTRY(crashy_slow)
{
	crash_after(5, HEARTH_SEC);
}

static void run_tree(const char *worker, uint32_t max_restarts,
		     int64_t period_ns)
{
	hearth_cap reg = HEARTH_REGISTRY;
	hearth_child_spec children[2] = {
		{.id = "steady",
		 .spawn = {.entry = "steady", .caps = &reg, .ncaps = 1},
		 .restart = HEARTH_PERMANENT},
		{.id = "crashy",
		 .spawn = {.entry = worker, .caps = &reg, .ncaps = 1},
		 .restart = HEARTH_PERMANENT},
	};
	hearth_sup_spec spec = {.strategy = HEARTH_ONE_FOR_ONE,
				.max_restarts = max_restarts,
				.period_ns = period_ns,
				.children = children,
				.nchildren = 2};
	int rc;

	hearth_set_description("supervisor of steady and crashy");
	rc = hearth_spawner(HEARTH_REGISTRY, &spec.spawner);
	if (rc)
		hearth_fail("no spawner: %s", hb_strerror(rc));
	rc = hearth_supervise(&spec);
	hearth_cap_unref(spec.spawner);
	if (rc == HB_ELIMIT)
		hearth_fail("restart intensity exceeded");
	if (rc)
		hearth_fail("supervisor: %s", hb_strerror(rc));
}

HEARTH_ENTRY(sup)
{
	run_tree("crashy", 100, 60 * HEARTH_SEC);
}

HEARTH_ENTRY(fragile)
{
	run_tree("crashy", 2, 60 * HEARTH_SEC);
}

HEARTH_ENTRY(demo)
{
	run_tree("crashy_slow", 5, 30 * HEARTH_SEC);
}

/* Ask a supervisor ["which"]: OUT: each child's restarts and state. */
static void which(hearth_cap sup_cap, uint32_t restarts[2], bool running[2])
{
	static const uint8_t req[] = {0x91, 0xa5, 'w', 'h', 'i', 'c', 'h'};
	hearth_msg reply;
	hb_mp_reader r;
	uint32_t n, i, k;
	int rc;

	rc = hearth_request(sup_cap, req, sizeof req, NULL, 0, 5 * HEARTH_SEC,
			    &reply);
	if (rc)
		hearth_fail("which: %s", hb_strerror(rc));
	if (hearth_reply_status(&reply, &r, &n, NULL, 0) || n != 1 ||
	    hb_mp_get_array(&r, &n) || n != 2)
		hearth_fail("which: bad reply");
	for (i = 0; i < 2; i++) {
		const char *id;
		uint32_t len;
		uint64_t count;

		if (hb_mp_get_array(&r, &k) || k != 3 ||
		    hb_mp_get_str(&r, &id, &len) ||
		    hb_mp_get_bool(&r, &running[i]) ||
		    hb_mp_get_uint(&r, &count))
			hearth_fail("which: bad entry");
		restarts[i] = (uint32_t)count;
	}
	hearth_msg_free(&reply);
}

static hearth_cap spawn_watched(hearth_cap spawner, const char *entry,
				uint64_t *ref)
{
	hearth_cap caps[1] = {HEARTH_REGISTRY}, child;
	hearth_spawn_opts o = {.entry = entry, .caps = caps, .ncaps = 1};
	char why[128];
	int rc = hearth_spawn(spawner, &o, &child, why, sizeof why);

	if (rc)
		hearth_fail("spawn %s: %s %s", entry, hb_strerror(rc), why);
	if (hearth_monitor(child, 0, ref))
		hearth_fail("monitor %s", entry);
	return child;
}

static void await_down(uint64_t ref, hearth_msg *down)
{
	for (;;) {
		int rc = hearth_recv(0, 30 * HEARTH_SEC, down);

		if (rc)
			hearth_fail("no down: %s", hb_strerror(rc));
		if (down->kind == HEARTH_SIG_DOWN && down->ref == ref)
			return;
		hearth_msg_free(down);
	}
}

HEARTH_ENTRY(main)
{
	static const uint8_t stop[] = {0x91, 0xa4, 's', 't', 'o', 'p'};
	uint32_t restarts[2] = {0, 0};
	bool running[2];
	hearth_cap spawner, tree;
	hearth_msg m;
	uint64_t ref;
	int rc, polls = 0;

	hearth_set_description("supervisor example");
	rc = hearth_spawner(HEARTH_REGISTRY, &spawner);
	if (rc)
		hearth_fail("no spawner: %s", hb_strerror(rc));

	/* 1. one_for_one: crashy restarts, steady stays */
	tree = spawn_watched(spawner, "sup", &ref);
	while (restarts[1] < 3) {
		if (++polls > 600)
			hearth_fail("crashy restarted %u times in 30 s",
				    restarts[1]);
		hearth_sleep(50 * HEARTH_MS);
		which(tree, restarts, running);
		if (restarts[0] != 0 || !running[0])
			hearth_fail("steady was disturbed");
	}
	rc = hearth_request(tree, stop, sizeof stop, NULL, 0, 5 * HEARTH_SEC,
			    &m);
	if (rc || hearth_reply_status(&m, NULL, NULL, NULL, 0))
		hearth_fail("stop: %s", hb_strerror(rc));
	hearth_msg_free(&m);
	await_down(ref, &m);
	if (m.reason != HEARTH_EXIT_NORMAL)
		hearth_fail("the stopped supervisor exited with %s",
			    hearth_exit_name(m.reason));
	hearth_msg_free(&m);
	hearth_cap_unref(tree);
	hearth_info("supervised: crashy restarted %u times, steady untouched",
		    restarts[1]);

	/* 2. intensity: 2 restarts allowed, the third crash ends the tree */
	tree = spawn_watched(spawner, "fragile", &ref);
	await_down(ref, &m);
	if (m.reason != HEARTH_EXIT_ERROR ||
	    !strstr(m.reason_text, "restart intensity exceeded"))
		hearth_fail("fragile ended with %s (%s)",
			    hearth_exit_name(m.reason), m.reason_text);
	hearth_info("supervised: fragile gave up: %s", m.reason_text);
	hearth_msg_free(&m);
	hearth_cap_unref(tree);
	hearth_cap_unref(spawner);
}
