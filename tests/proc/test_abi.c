/* test_abi.c — the hearth_v1 host functions, each exercised by a real
 * guest (tests/proc/guests/proc_guest.c) running in the real runtime:
 * logging, capabilities, mailboxes and signals, timers, lumps, metadata,
 * randomness, exits. */
#include "proc_test.h"

typedef struct lines {
	char text[16][128];
	int level[16];
	int n;
} lines;

static void grab_line(void *ud, int level, uint64_t t, const char *text)
{
	lines *l = ud;

	(void)t;
	if (l->n < 16) {
		snprintf(l->text[l->n], sizeof l->text[0], "%s", text);
		l->level[l->n++] = level;
	}
}

TEST(abi_hello_logs_and_sends)
{
	env e;
	hr_handle h;
	hr_pid pid;
	hr_proc_info info;
	lines l = {0};

	env_init(&e, 2);
	h = spawn_m(&e, "hello", NULL, 0);
	ASSERT_OK(hr_host_target_pid(e.rt, h, &pid));
	expect(&e, "hello");
	expect_down(&e, HR_EXIT_NORMAL, NULL, 0);
	/* it logged one line before it ended normally: kept after death */
	ASSERT_OK(hp_dead_log(e.hp, pid, NULL, grab_line, &l));
	ASSERT_EQ(l.n, 1);
	ASSERT_STREQ(l.text[0], "hello from wasm");
	ASSERT_EQ(l.level[0], HR_LOG_INFO);
	ASSERT_ERR(hr_rt_proc_info(e.rt, pid, &info), HB_EDEAD);
	env_free(&e);
}

TEST(abi_process_is_named_after_its_entry)
{
	env e;
	hr_handle h;
	hr_pid pid;
	hr_proc_info info;

	env_init(&e, 1);
	h = spawn(&e, "block", NULL, 0);
	expect(&e, "blocking");
	wait_state(&e, h, HR_PS_WAITING); /* blocked in mb_recv */
	ASSERT_OK(hr_host_target_pid(e.rt, h, &pid));
	ASSERT_OK(hr_rt_proc_info(e.rt, pid, &info));
	ASSERT_STREQ(info.name, "block");
	ASSERT_STREQ(info.kind, "wasm");
	env_free(&e);
}

TEST(abi_capabilities)
{
	env e;

	env_init(&e, 2);
	spawn(&e, "caps", NULL, 0);
	expect(&e, "ok");
	env_free(&e);
}

TEST(abi_mailboxes_and_poll)
{
	env e;
	hr_msg m;

	env_init(&e, 2);
	spawn(&e, "mailboxes", NULL, 0);
	/* it hands us a capability to its second mailbox; a message there
	 * wakes its blocking poll */
	recv_msg(&e, &m);
	ASSERT_EQ(m.len, 3);
	ASSERT_EQ(m.ncaps, 1);
	ASSERT_OK(hr_host_send(e.rt, m.caps[0], "wake", 4, NULL, 0));
	hr_host_ref_dec(e.rt, m.caps[0]);
	hr_host_msg_free(e.rt, &m);
	expect(&e, "ok");
	env_free(&e);
}

TEST(abi_recv_into)
{
	env e;
	hr_handle v;

	env_init(&e, 2);
	v = spawn(&e, "block", NULL, 0);
	expect(&e, "blocking");
	spawn(&e, "recv_into", &v, 1);
	expect(&e, "watching");
	ASSERT_OK(hr_host_kill(e.rt, v));
	expect(&e, "ok");
	/* an echo that receives with it */
	{
		hr_handle echo = spawn(&e, "echo_rx", NULL, 0);
		hr_msg m;

		ASSERT_OK(hr_host_send(e.rt, echo, "abc", 3, &e.inbox, 1));
		recv_msg(&e, &m);
		ASSERT_EQ(m.len, 3);
		ASSERT_MEMEQ(m.data, "abc", 3);
		hr_host_msg_free(e.rt, &m);
	}
	env_free(&e);
}

TEST(abi_timers)
{
	env e;

	env_init(&e, 2);
	spawn(&e, "timers", NULL, 0);
	expect(&e, "ok");
	env_free(&e);
}

TEST(abi_lumps)
{
	env e;
	hr_msg m;
	hl_id id, want;
	hl_lump *l;

	env_init(&e, 2);
	spawn(&e, "lumps", NULL, 0);
	recv_msg(&e, &m);
	ASSERT_MSG(m.len == 32, "got \"%.*s\"", (int)m.len, m.data);
	memcpy(id.b, m.data, 32);
	hr_host_msg_free(e.rt, &m);
	/* the guest's lump is in the store, named by its BLAKE2b-256 */
	hl_id_of("lump data", 9, &want);
	ASSERT(hl_id_eq(&id, &want));
	ASSERT_OK(hl_store_get(e.store, &id, &l));
	ASSERT_EQ(hl_lump_len(l), 9);
	ASSERT_MEMEQ(hl_lump_data(l), "lump data", 9);
	hl_lump_unref(l);
	env_free(&e);
}

TEST(abi_metadata_random_levels)
{
	env e;
	hr_handle h;
	hr_pid pid;
	hr_proc_info info;
	lines l = {0};
	char buf[64];

	env_init(&e, 2);
	h = spawn(&e, "misc", NULL, 0);
	expect(&e, "ok");
	ASSERT_OK(hr_host_target_pid(e.rt, h, &pid));
	ASSERT_OK(hr_rt_proc_info(e.rt, pid, &info));
	ASSERT_STREQ(info.name, "renamed");
	ASSERT_EQ(hp_meta(e.hp, pid, 1, buf, sizeof buf), 12);
	ASSERT_STREQ(buf, "a test guest");
	ASSERT_EQ(hp_meta(e.hp, pid, 3, buf, sizeof buf), 3);
	ASSERT_STREQ(buf, "MIT");
	ASSERT_ERR(hp_meta(e.hp, pid, 2, buf, sizeof buf), HB_ENOENT);
	ASSERT_OK(hr_rt_log(e.rt, pid, grab_line, &l));
	ASSERT_EQ(l.n, 5);
	for (int i = 0; i < 5; i++) {
		ASSERT_EQ(l.level[i], i);
		ASSERT_STREQ(l.text[i], "level");
	}
	monitor(&e, h);
	ASSERT_OK(hr_host_send(e.rt, h, "quit", 4, NULL, 0));
	expect_down(&e, HR_EXIT_NORMAL, NULL, 0);
	/* metadata goes with the process */
	ASSERT_ERR(hp_meta(e.hp, pid, 1, buf, sizeof buf), HB_ENOENT);
	env_free(&e);
}

TEST(abi_exit_with_code_and_text)
{
	env e;
	char text[128];

	env_init(&e, 2);
	spawn_m(&e, "exiter", NULL, 0);
	expect_down(&e, 70, text, sizeof text);
	ASSERT_STREQ(text, "bye now");
	spawn_m(&e, "exit_normal", NULL, 0);
	expect_down(&e, HR_EXIT_NORMAL, NULL, 0);
	spawn_m(&e, "exit_reserved", NULL, 0);
	expect_down(&e, HR_EXIT_TRAP, text, sizeof text);
	ASSERT_STREQ(text, "exit: reserved exit code 1");
	env_free(&e);
}

TEST(abi_memory_limit)
{
	env e;
	hp_limits lim = {.memory_pages = 4};
	hr_handle h;
	char err[256];

	env_init(&e, 2);
	ASSERT_OK(spawn_ex(&e, &e.guest, "grow", NULL, 0, &lim, NULL, &h, err,
			   sizeof err));
	expect(&e, "ok");
	/* a module whose initial memory is over the limit does not spawn */
	lim.memory_pages = 1;
	ASSERT_ERR(spawn_ex(&e, &e.guest, "grow", NULL, 0, &lim, NULL, &h, err,
			    sizeof err),
		   HB_ELIMIT);
	ASSERT_MSG(strstr(err, "instantiation") != NULL, "%s", err);
	lim.memory_pages = HP_MAX_MEMORY_PAGES + 1;
	ASSERT_ERR(spawn_ex(&e, &e.guest, "grow", NULL, 0, &lim, NULL, &h, err,
			    sizeof err),
		   HB_ELIMIT);
	env_free(&e);
}

/* Lumps on disk: a guest reads back what is there, a corrupt file is
 * HB_ECORRUPT (never served), a missing id HB_ENOENT. */
TEST(abi_lumps_on_disk)
{
	env e;
	hr_config c;
	hl_id id;
	hr_handle h;
	const char *dir;
	char path[700], hex[HL_ID_HEX];
	FILE *f;

	hr_config_init(&c);
	c.schedulers = 2;
	dir = ht_tmpdir();
	env_init_cfg(&e, &c, NULL, dir);
	id = put_bytes(&e, "on disk", 7);
	h = spawn(&e, "load_id", NULL, 0);
	ASSERT_OK(hr_host_send(e.rt, h, id.b, 32, NULL, 0));
	expect(&e, "0 7");
	/* corrupt the file, drop the memory copy: the load sees it */
	hl_id_to_hex(&id, hex);
	snprintf(path, sizeof path, "%s/lumps/%.2s/%s", dir, hex, hex);
	f = fopen(path, "r+b");
	ASSERT_NOT_NULL(f);
	fputc('X', f);
	fclose(f);
	hl_store_trim(e.store, 0);
	ASSERT_OK(hr_host_send(e.rt, h, id.b, 32, NULL, 0));
	expect(&e, "-19 0"); /* HB_ECORRUPT */
	ASSERT_OK(hr_host_send(e.rt, h, id.b, 32, NULL, 0));
	expect(&e, "-4 0"); /* moved aside: now HB_ENOENT */
	ASSERT_OK(hr_host_send(e.rt, h, "quit", 4, NULL, 0));
	env_free(&e);
}

/* Killed while its lumps are being written: nothing leaks (ASan), the
 * runtime goes on. */
TEST(abi_kill_during_lump_io)
{
	env e;
	hr_handle h;
	int i;

	env_init(&e, 2);
	for (i = 0; i < 5; i++) {
		h = spawn_m(&e, "lump_loop", NULL, 0);
		expect(&e, "writing");
		sleep_ms(5 * i);
		ASSERT_OK(hr_host_kill(e.rt, h));
		expect_down(&e, HR_EXIT_KILLED, NULL, 0);
	}
	spawn(&e, "hello", NULL, 0);
	expect(&e, "hello");
	env_free(&e);
}
