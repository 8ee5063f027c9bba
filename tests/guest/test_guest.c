/* test_guest.c — hearth-test-guest: runs the guest unit tests. At start-up
 * it lists the test_* exports of each guest test module (guest/tests/) and
 * registers one harness test per export, so a new HT_TEST in a guest needs
 * no change here. Each test boots a runtime with Wasm processes, spawns the
 * export as a process and passes when that process exits normally without
 * reporting a failed assertion; a failure prints the guest's file:line and
 * message, its exit reason and the processes' logs. The framework's own
 * tests check that failures and traps are reported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "test.h"

static const char *const modules[] = {"sdk_test", "sup_test"};

/* Run export entry of guest module mod; fail the test with the story if
 * it does not pass. */
static void run_export(const char *mod, const char *entry)
{
	gr_env e;
	gr_result r;
	hl_id id;

	gr_env_init(&e, 2);
	id = gr_put_guest(&e, mod);
	gr_run(&e, &id, entry, &r);
	if (r.failed || r.code != HR_EXIT_NORMAL) {
		gr_dump_logs(stderr);
		fprintf(stderr, "  %s.%s exited: %s%s%s\n", mod, entry,
			hr_exit_name(r.code), r.reason[0] ? ": " : "",
			r.reason);
		if (r.failed)
			ht__fail(r.fail_file, r.fail_line, "%s", r.fail_text);
		ht__fail(__FILE__, __LINE__, "%s.%s did not exit normally", mod,
			 entry);
	}
	gr_env_free(&e);
}

/* The harness test for a guest export: its name is "<module>/<test>". */
static void run_registered(void)
{
	const ht_test *t = ht_current();
	const char *slash = strchr(t->name, '/');
	char mod[64], entry[256];

	ASSERT(slash != NULL && (size_t)(slash - t->name) < sizeof mod);
	memcpy(mod, t->name, (size_t)(slash - t->name));
	mod[slash - t->name] = 0;
	snprintf(entry, sizeof entry, "test_%s", slash + 1);
	run_export(mod, entry);
}

static void missing_module(void)
{
	const ht_test *t = ht_current();

	ht__fail(__FILE__, __LINE__,
		 "cannot list the tests of %s: build the guests first",
		 t->name);
}

static void add_test(char *name, void (*fn)(void))
{
	ht_test *t = calloc(1, sizeof *t);

	if (!t)
		abort();
	t->name = name;
	t->file = __FILE__;
	t->fn = fn;
	t->timeout_s = 120; /* a whole runtime per test, under ASan too */
	ht__register(t);
}

__attribute__((constructor)) static void register_guest_tests(void)
{
	size_t i;

	for (i = 0; i < sizeof modules / sizeof modules[0]; i++) {
		char path[512], **names, *name;
		uint32_t n, k;

		snprintf(path, sizeof path, "%s/guests/%s.wasm",
			 HEARTH_BINARY_DIR, modules[i]);
		if (gr_list_tests(path, &names, &n) != 0 || n == 0) {
			if (asprintf(&name, "%s/(no tests found)", modules[i]) <
			    0)
				abort();
			add_test(name, missing_module);
			continue;
		}
		for (k = 0; k < n; k++) {
			if (asprintf(&name, "%s/%s", modules[i], names[k] + 5) <
			    0)
				abort();
			add_test(name, run_registered);
			free(names[k]);
		}
		free(names);
	}
}

/* ---- the framework's own tests ---- */

TEST_TIMEOUT(framework_reports_a_failed_assertion, 120)
{
	gr_env e;
	gr_result r;
	hl_id id;

	gr_env_init(&e, 2);
	id = gr_put_guest(&e, "sdk_test");
	gr_run(&e, &id, "xfail_assert_eq", &r);
	ASSERT(r.failed);
	ASSERT_MSG(strstr(r.fail_file, "sdk_test.c") != NULL, "file %s",
		   r.fail_file);
	ASSERT_GT(r.fail_line, 0);
	ASSERT_STREQ(r.fail_text, "two + 2 == 5 (4 vs 5)");
	ASSERT_EQ(r.code, HR_EXIT_ERROR);
	ASSERT_MSG(strstr(r.reason, "assertion failed") != NULL, "reason %s",
		   r.reason);
	ASSERT(gr_logged("assertion failed: two + 2 == 5"));
	gr_env_free(&e);
}

TEST_TIMEOUT(framework_reports_a_trap, 120)
{
	gr_env e;
	gr_result r;
	hl_id id;

	gr_env_init(&e, 2);
	id = gr_put_guest(&e, "sdk_test");
	gr_run(&e, &id, "xfail_trap", &r);
	ASSERT(!r.failed);
	ASSERT_EQ(r.code, HR_EXIT_TRAP);
	ASSERT_MSG(strstr(r.reason, "unreachable") != NULL, "reason %s",
		   r.reason);
	gr_env_free(&e);
}
