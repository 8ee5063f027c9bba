/* test_suite.c — the spec suite as a resumability test: hearth-spec runs
 * every command with tiny fuel slices. */
#include "test.h"

/* The whole spec suite (SIMD included) again, every call run in slices of 7
 * fuel and resumed after each HW_OUT_OF_FUEL: suspension at any back-edge
 * or call must not change a single result. */
TEST_TIMEOUT(spec_suite_survives_fuel_slicing, 300)
{
	char cmd[2048];
	int rc;

	snprintf(cmd, sizeof cmd,
		 "'%s/bin/hearth-spec' -q -s 7 "
		 "'%s/../shared/wasm-testsuite/json' > /dev/null",
		 HEARTH_BINARY_DIR, HEARTH_SOURCE_DIR);
	rc = system(cmd);
	ASSERT_MSG(rc == 0, "%s exited %d", cmd, rc);
}
