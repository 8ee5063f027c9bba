/* test_wasi.c — WASI preview 1 in Wasm processes (a guest built with
 * wasi-libc stdio): stdout and stderr lines land in the process log,
 * argv[0] is the entry, exit codes become exit reasons, sleeping in
 * poll_oneoff suspends the process and holds no thread, no filesystem. */
#include "proc_test.h"

typedef struct lines {
	char text[8][128];
	int level[8];
	int n;
} lines;

static void grab(void *ud, int level, uint64_t t, const char *text)
{
	lines *l = ud;

	(void)t;
	if (l->n < 8) {
		snprintf(l->text[l->n], sizeof l->text[0], "%s", text);
		l->level[l->n++] = level;
	}
}

TEST(wasi_stdio_goes_to_the_log)
{
	env e;
	hl_id id;
	hr_handle h;
	hr_pid pid;
	uint64_t ref;
	lines l = {0};
	char err[256];

	env_init(&e, 2);
	id = put_guest(&e, "proc_wasi");
	ASSERT_OK(spawn_mon(&e, &id, "hello", NULL, 0, NULL, NULL, &ref, &h,
			    err, sizeof err));
	ASSERT_OK(hr_host_target_pid(e.rt, h, &pid));
	expect(&e, "printed");
	expect_down(&e, HR_EXIT_NORMAL, NULL, 0);
	ASSERT_OK(hp_dead_log(e.hp, pid, NULL, grab, &l));
	ASSERT_EQ(l.n, 3);
	ASSERT_STREQ(l.text[0], "hello stdout 42");
	ASSERT_EQ(l.level[0], HR_LOG_INFO);
	ASSERT_STREQ(l.text[1], "a warning");
	ASSERT_EQ(l.level[1], HR_LOG_WARN);
	ASSERT_STREQ(l.text[2], "partial"); /* flushed when it ended */
	env_free(&e);
}

TEST(wasi_args_exit_codes_sandbox)
{
	env e;
	hl_id id;
	hr_handle h;
	uint64_t ref;
	char err[256], text[128];

	env_init(&e, 2);
	id = put_guest(&e, "proc_wasi");
	ASSERT_OK(spawn_ex(&e, &id, "args", NULL, 0, NULL, NULL, &h, err,
			   sizeof err));
	expect(&e, "args");
	ASSERT_OK(spawn_mon(&e, &id, "exit0", NULL, 0, NULL, NULL, &ref, &h,
			    err, sizeof err));
	expect_down(&e, HR_EXIT_NORMAL, NULL, 0);
	ASSERT_OK(spawn_mon(&e, &id, "exit3", NULL, 0, NULL, NULL, &ref, &h,
			    err, sizeof err));
	expect_down(&e, HR_EXIT_ERROR, text, sizeof text);
	ASSERT_STREQ(text, "exit code 3");
	ASSERT_OK(spawn_ex(&e, &id, "sandbox", NULL, 0, NULL, NULL, &h, err,
			   sizeof err));
	expect(&e, "ok");
	env_free(&e);
}

/* On one scheduler: while the WASI guest sleeps in usleep, an echo
 * answers — the sleep suspended the process, not the thread. */
TEST(wasi_sleep_suspends_the_process)
{
	env e;
	hl_id id;
	hr_handle h, echo, self;
	uint32_t mb;
	hr_msg m;
	char err[256];

	env_init(&e, 1);
	id = put_guest(&e, "proc_wasi");
	echo = spawn(&e, "echo", NULL, 0);
	ASSERT_OK(spawn_ex(&e, &id, "nap", NULL, 0, NULL, NULL, &h, err,
			   sizeof err));
	expect(&e, "napping");
	ASSERT_OK(hr_host_mailbox_new(e.rt, &mb));
	ASSERT_OK(hr_host_mailbox_cap(e.rt, mb, HR_PERM_SEND, &self));
	ASSERT_OK(hr_host_send(e.rt, echo, "during", 6, &self, 1));
	ASSERT_OK(hr_host_recv(e.rt, mb, WAIT_NS, &m));
	hr_host_msg_free(e.rt, &m);
	expect(&e, "ok");
	env_free(&e);
}

TEST(wasi_unknown_import_is_unlinkable)
{
	env e;
	uint8_t *b;
	size_t n;
	hl_id id;
	hr_handle h;
	char err[256];

	env_init(&e, 1);
	b = w_module("wasi_snapshot_preview1", "no_such_call", ":", 1, &n);
	id = put_bytes(&e, b, n);
	free(b);
	ASSERT_ERR(spawn_ex(&e, &id, "main", NULL, 0, NULL, NULL, &h, err,
			    sizeof err),
		   HB_EUNLINKABLE);
	ASSERT_MSG(strstr(err, "no_such_call") != NULL, "%s", err);
	b = w_module("wasi_snapshot_preview1", "fd_write", "i:i", 1, &n);
	id = put_bytes(&e, b, n);
	free(b);
	ASSERT_ERR(spawn_ex(&e, &id, "main", NULL, 0, NULL, NULL, &h, err,
			    sizeof err),
		   HB_EUNLINKABLE);
	ASSERT_MSG(strstr(err, "incompatible import type") != NULL, "%s", err);
	env_free(&e);
}
