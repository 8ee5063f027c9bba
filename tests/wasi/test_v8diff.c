/* test_v8diff.c — a bounded run of the V8 differential check
 * (tests/wasm/diff_v8.sh): random valid modules from binaryen's
 * `wasm-opt -ttf`, deterministic seeds, run in our engine and in Node's V8;
 * results, traps and logged values must agree. The larger run is the
 * script itself (tests/wasm/diff_v8.sh 2000). */
#include <sys/wait.h>

#include "test.h"

#define V8_MODULES "20"

TEST_TIMEOUT(random_modules_agree_with_v8, 300)
{
	const char *cmd = HEARTH_SOURCE_DIR "/tests/wasm/diff_v8.sh " V8_MODULES
					    " " HEARTH_BINARY_DIR "/bin";
	int st = system(cmd);

	ASSERT_MSG(st != -1 && WIFEXITED(st), "cannot run %s", cmd);
	/* 2: the script could not run (node or wasm-opt missing) */
	ASSERT_MSG(WEXITSTATUS(st) == 0,
		   "diff_v8.sh exited %d (1: a module disagrees, see above; "
		   "2: node or wasm-opt missing: scripts/deps.sh test)",
		   WEXITSTATUS(st));
}
