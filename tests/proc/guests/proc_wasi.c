/* proc_wasi.c — a guest that uses wasi-libc's stdio, clocks, exit and
 * sleep, for the proc tests of WASI in processes: stdout and stderr go
 * to the process log, sleeping suspends the process, there are no files,
 * argv[0] is the entry's name, exit codes become exit reasons. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#include "gt.h"

EXPORT("hello") void hello(void)
{
	printf("hello stdout %d\n", 42);
	fprintf(stderr, "a warning\n");
	printf("partial");
	fflush(stdout); /* no newline: the host keeps it until the end */
	gt_send(INBOX, "printed");
}

EXPORT("args") void args(void)
{
	size_t argc = 0, bytes = 0;
	char *argv[4], buf[128];

	CHECK_EQ(__wasi_args_sizes_get(&argc, &bytes), 0);
	CHECK_EQ(argc, 1);
	CHECK(bytes < sizeof buf);
	CHECK_EQ(__wasi_args_get((uint8_t **)argv, (uint8_t *)buf), 0);
	CHECK(getenv("HOME") == NULL);
	gt_send(INBOX, argv[0]);
}

EXPORT("exit0") void exit0(void)
{
	exit(0);
}

EXPORT("exit3") void exit3(void)
{
	exit(3);
}

EXPORT("nap") void nap(void)
{
	int64_t t0 = hearth_v1_time_now();

	gt_send(INBOX, "napping");
	CHECK_EQ(usleep(30000), 0);
	CHECK(hearth_v1_time_now() - t0 >= 30000000);
	CHECK_EQ(sched_yield(), 0);
	gt_send(INBOX, "ok");
}

EXPORT("sandbox") void sandbox(void)
{
	FILE *f = fopen("/etc/passwd", "r");

	CHECK(f == NULL);
	CHECK(getchar() == EOF);
	CHECK(time(NULL) > 1600000000);
	gt_send(INBOX, "ok");
}
