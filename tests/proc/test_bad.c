/* test_bad.c — every item of the "Bad input" list, and the other
 * contract violations of the ABI: each gets a clear error (or a trap
 * with a clear reason, kept in the process's log) and the runtime goes
 * on — each test ends by running a healthy guest. */
#include "proc_test.h"

/* The runtime still works: a fresh process says hello. */
static void still_works(env *e)
{
	spawn(e, "hello", NULL, 0);
	expect(e, "hello");
}

static int spawn_lump_err(env *e, const hl_id *id, const char *entry, char *err,
			  size_t errlen)
{
	hr_handle h;

	err[0] = 0;
	return spawn_ex(e, id, entry, NULL, 0, NULL, NULL, &h, err, errlen);
}

TEST(bad_malformed_and_invalid_modules)
{
	env e;
	static const uint8_t junk[] = "this is not wasm at all";
	static const uint8_t badver[] = {0, 'a', 's', 'm', 2, 0, 0, 0};
	/* a function returning i32 whose body is empty: invalid */
	static const uint8_t invalid[] = {
		0,    'a',  's',  'm',	1,    0,    0,	  0,	0x01,
		0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01,
		0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};
	hl_id id;
	char err[256];

	env_init(&e, 2);
	id = put_bytes(&e, junk, sizeof junk);
	ASSERT_ERR(spawn_lump_err(&e, &id, "main", err, sizeof err),
		   HB_EMALFORMED);
	ASSERT_MSG(strstr(err, "malformed module") != NULL, "%s", err);
	id = put_bytes(&e, badver, sizeof badver);
	ASSERT_ERR(spawn_lump_err(&e, &id, "main", err, sizeof err),
		   HB_EMALFORMED);
	id = put_bytes(&e, invalid, sizeof invalid);
	ASSERT_ERR(spawn_lump_err(&e, &id, "main", err, sizeof err),
		   HB_EINVALID);
	ASSERT_MSG(strstr(err, "type mismatch") != NULL, "%s", err);
	/* a truncated copy of a good module */
	{
		size_t n;
		char path[512];
		uint8_t *b;

		snprintf(path, sizeof path, "%s/guests/proc_guest.wasm",
			 HEARTH_BINARY_DIR);
		b = read_file(path, &n);
		id = put_bytes(&e, b, n / 2);
		free(b);
		ASSERT_ERR(spawn_lump_err(&e, &id, "hello", err, sizeof err),
			   HB_EMALFORMED);
	}
	/* failures are not cached: nothing but what loaded is */
	still_works(&e);
	env_free(&e);
}

TEST(bad_unknown_entry_point)
{
	env e;
	char err[256];

	env_init(&e, 2);
	ASSERT_ERR(spawn_lump_err(&e, &e.guest, "nope", err, sizeof err),
		   HB_ENOENT);
	ASSERT_STREQ(err, "no export 'nope'");
	ASSERT_ERR(spawn_lump_err(&e, &e.guest, "takes_arg", err, sizeof err),
		   HB_EINVAL);
	ASSERT_STREQ(err,
		     "export 'takes_arg' is not a function of type () -> ()");
	ASSERT_ERR(spawn_lump_err(&e, &e.guest, "memory", err, sizeof err),
		   HB_EINVAL);
	still_works(&e);
	env_free(&e);
}

TEST(bad_imports)
{
	env e;
	uint8_t *b;
	size_t n;
	hl_id id;
	char err[256];

	env_init(&e, 2);
	/* too many imports */
	b = w_module("hearth_v1", "log", "iii:", HP_MAX_IMPORTS + 1, &n);
	id = put_bytes(&e, b, n);
	free(b);
	ASSERT_ERR(spawn_lump_err(&e, &id, "main", err, sizeof err), HB_ELIMIT);
	ASSERT_STREQ(err, "too many imports (1025 > 1024)");
	/* as many as allowed is fine */
	b = w_module("hearth_v1", "log", "iii:", HP_MAX_IMPORTS, &n);
	id = put_bytes(&e, b, n);
	free(b);
	ASSERT_OK(spawn_lump_err(&e, &id, "main", err, sizeof err));
	/* an unknown function, module, or a wrong type */
	b = w_module("hearth_v1", "foo", ":", 1, &n);
	id = put_bytes(&e, b, n);
	free(b);
	ASSERT_ERR(spawn_lump_err(&e, &id, "main", err, sizeof err),
		   HB_EUNLINKABLE);
	ASSERT_STREQ(err, "unknown import hearth_v1.foo");
	b = w_module("hearth_v9", "log", "iii:", 1, &n);
	id = put_bytes(&e, b, n);
	free(b);
	ASSERT_ERR(spawn_lump_err(&e, &id, "main", err, sizeof err),
		   HB_EUNLINKABLE);
	ASSERT_STREQ(err, "unknown import hearth_v9.log");
	b = w_module("hearth_v1", "log", "ii:", 1, &n);
	id = put_bytes(&e, b, n);
	free(b);
	ASSERT_ERR(spawn_lump_err(&e, &id, "main", err, sizeof err),
		   HB_EUNLINKABLE);
	ASSERT_STREQ(err, "incompatible import type hearth_v1.log (want iii:)");
	still_works(&e);
	env_free(&e);
}

/* Spawn entry (monitored), expect a trap with this text, and find the
 * text in the dead process's log. */
static void expect_trap(env *e, const char *entry, const char *want)
{
	hr_handle h = spawn_m(e, entry, NULL, 0);
	hr_pid pid;
	hr_reason why;
	char text[256];

	ASSERT_OK(hr_host_target_pid(e->rt, h, &pid));
	expect_down(e, HR_EXIT_TRAP, text, sizeof text);
	ASSERT_MSG(strncmp(text, want, strlen(want)) == 0,
		   "%s: trap \"%s\", want \"%s\"", entry, text, want);
	ASSERT_OK(hp_dead_log(e->hp, pid, &why, NULL, NULL));
	ASSERT_EQ(why.code, HR_EXIT_TRAP);
	hr_host_ref_dec(e->rt, h);
}

TEST(bad_contract_violations_trap)
{
	env e;

	env_init(&e, 2);
	expect_trap(&e, "trap_badcap", "cap_send: bad capability handle 99");
	expect_trap(&e, "trap_badcap_list",
		    "cap_send: bad capability handle 1234 in caps[0]");
	expect_trap(&e, "trap_oob", "cap_send: out of bounds pointer");
	expect_trap(&e, "trap_oob_read", "sig_read: out of bounds pointer");
	expect_trap(&e, "trap_badsig", "sig_len: unknown signal 42");
	expect_trap(&e, "trap_badmb", "mb_recv: unknown mailbox 17");
	expect_trap(&e, "trap_badmb_poll",
		    "mb_poll: unknown mailbox 17 in mbs[1]");
	expect_trap(&e, "trap_badmb_rx",
		    "mb_recv_into: unknown mailbox 23 in mbs[2]");
	expect_trap(&e, "trap_badlump", "lump_len: unknown lump 3");
	expect_trap(&e, "trap_badperm",
		    "cap_demote: unknown permission bits 0x100");
	expect_trap(&e, "trap_badlevel", "log: unknown level 9");
	expect_trap(&e, "trap_rx_oob", "mb_recv_into: out of bounds pointer");
	still_works(&e);
	env_free(&e);
}

typedef struct found {
	const char *want;
	int level;
	bool seen;
} found;

static void find_line(void *ud, int level, uint64_t t, const char *text)
{
	found *f = ud;

	(void)t;
	if (level == f->level && strstr(text, f->want))
		f->seen = true;
}

TEST(bad_wasm_traps_are_kept_in_the_log)
{
	env e;
	hr_handle h;
	hr_pid pid;
	found f = {"trap: unreachable", HR_LOG_ERROR, false};
	found w = {"about to trap", HR_LOG_WARN, false};
	char text[256];

	env_init(&e, 2);
	h = spawn_m(&e, "trap_unreachable", NULL, 0);
	ASSERT_OK(hr_host_target_pid(e.rt, h, &pid));
	expect_down(&e, HR_EXIT_TRAP, text, sizeof text);
	ASSERT_STREQ(text, "unreachable");
	ASSERT_OK(hp_dead_log(e.hp, pid, NULL, find_line, &f));
	ASSERT(f.seen);
	/* its earlier warning is there too */
	ASSERT_OK(hp_dead_log(e.hp, pid, NULL, find_line, &w));
	ASSERT(w.seen);
	expect_trap(&e, "trap_div", "integer divide by zero");
	expect_trap(&e, "trap_stack", "call stack exhausted");
	expect_trap(&e, "trap_cstack", "out of bounds memory access");
	still_works(&e);
	env_free(&e);
}

TEST(bad_wrong_permission_is_an_error)
{
	env e;
	hr_handle b, send;

	env_init(&e, 2);
	b = spawn(&e, "block", NULL, 0);
	expect(&e, "blocking");
	ASSERT_OK(hr_host_demote(e.rt, b, HR_PERM_SEND, &send));
	spawn(&e, "wrong_perm", &send, 1);
	expect(&e, "ok");
	still_works(&e);
	env_free(&e);
}

TEST(bad_handle_of_a_dead_process)
{
	env e;
	hr_handle d;

	env_init(&e, 2);
	d = spawn_m(&e, "nothing", NULL, 0);
	expect_down(&e, HR_EXIT_NORMAL, NULL, 0);
	spawn(&e, "dead_target", &d, 1);
	expect(&e, "ok");
	still_works(&e);
	env_free(&e);
}

TEST(bad_oversized_message)
{
	env e;
	hr_limits rl = {.msg_bytes = 100};
	hr_handle h;
	hr_msg m;
	char err[256];

	env_init(&e, 2);
	ASSERT_OK(spawn_ex(&e, &e.guest, "too_big", NULL, 0, NULL, &rl, &h, err,
			   sizeof err));
	recv_msg(&e, &m); /* the 100-byte one */
	ASSERT_EQ(m.len, 100);
	hr_host_msg_free(e.rt, &m);
	expect(&e, "ok");
	still_works(&e);
	env_free(&e);
}

TEST(bad_full_mailbox)
{
	env e;
	hr_limits rl = {.queue_msgs = 5};
	hr_handle b, send;
	char err[256];

	env_init(&e, 2);
	ASSERT_OK(spawn_ex(&e, &e.guest, "block", NULL, 0, NULL, &rl, &b, err,
			   sizeof err));
	expect(&e, "blocking");
	ASSERT_OK(hr_host_demote(e.rt, b, HR_PERM_SEND, &send));
	spawn(&e, "fill_up", &send, 1);
	expect(&e, "full after 5");
	still_works(&e);
	env_free(&e);
}

TEST(bad_too_many_signals_held)
{
	env e;
	hr_handle h;
	char want[32];
	int i;

	env_init(&e, 2);
	h = spawn(&e, "hoarder", NULL, 0);
	for (i = 0; i < HP_MAX_SIGNALS + 1; i++)
		ASSERT_OK(hr_host_send(e.rt, h, "s", 1, NULL, 0));
	snprintf(want, sizeof want, "held %d", HP_MAX_SIGNALS);
	expect(&e, want);
	still_works(&e);
	env_free(&e);
}
