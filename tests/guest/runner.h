/* runner.h — hearth-test-guest's environment: a real runtime with the Wasm
 * process layer booted (memory lump store, asset cache, spawner), guests
 * from build/<cfg>/guests/ stored as lumps, a host mailbox that receives
 * the guests' test reports and the DOWN of the process under test, and a
 * tee of every process's log lines for the failure report. */
#ifndef HEARTH_TEST_GUEST_RUNNER_H
#define HEARTH_TEST_GUEST_RUNNER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hearth/lump.h"
#include "hearth/proc.h"
#include "hearth/rt.h"

#define RUN_WAIT_NS (60ll * 1000 * 1000 * 1000) /* a guest test's limit */

typedef struct gr_env {
	hr_rt *rt;
	hl_store *store;
	hl_assets *assets;
	hp_host *hp;
	hr_handle reg;	    /* the host registry (SEND|MONITOR) */
	uint32_t mb;	    /* reports and DOWNs arrive here */
	hr_handle reporter; /* SEND to mb: a guest's handle 1 */
} gr_env;

/* What one guest process did, as seen by the runner. */
typedef struct gr_result {
	int32_t code;	  /* its exit code */
	char reason[256]; /* its exit text */
	bool failed;	  /* it reported an assertion failure */
	char fail_file[128];
	int fail_line;
	char fail_text[512];
	int notes;
} gr_result;

/* Start the runtime (schedulers threads) and the Wasm layer. */
void gr_env_init(gr_env *e, unsigned schedulers);
void gr_env_free(gr_env *e);

/* Read build/<cfg>/guests/<name>.wasm into the store. */
hl_id gr_put_guest(gr_env *e, const char *name);

/* Run entry of lump as a process with handles [registry, reporter] and
 * wait until it exits; collect its reports. Fails the test (ASSERT) only
 * if it cannot be spawned or does not end in time. */
void gr_run(gr_env *e, const hl_id *lump, const char *entry, gr_result *r);

/* Spawn entry of lump with handles [registry, reporter], monitored from
 * before it runs (its DOWN, with *ref, comes to e->mb). OUT: the child's
 * host handle (every permission). */
hr_handle gr_spawn(gr_env *e, const hl_id *lump, const char *entry,
		   uint64_t *ref);

/* Send req to `to` from the host with a fresh reply address first, then
 * caps; wait for the reply (release it with hr_host_msg_free). */
int gr_request(gr_env *e, hr_handle to, const void *req, size_t len,
	       const hr_handle *caps, uint32_t ncaps, hr_msg *reply);

/* Print the log lines the processes wrote (for a failure's story). */
void gr_dump_logs(FILE *to);

/* True if some process logged a line containing needle. */
bool gr_logged(const char *needle);

/* Names of the test_* exports of a guest file (for registration at
 * start-up). OUT: *names (malloc'd array of malloc'd strings), *n.
 * Returns 0 or an error (the file is missing or not a module). */
int gr_list_tests(const char *path, char ***names, uint32_t *n);

#endif
