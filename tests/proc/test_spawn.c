/* test_spawn.c — the spawner service and the asset cache: a guest spawning
 * its own functions, a guest writing a new module into a lump and
 * spawning it (the self-hosting path), spawn-link to the requester, the
 * protocol from the host, and one compilation per lump. */
#include "proc_test.h"

/* The spawner's reply to a request sent from the host. */
static int host_spawn_req(env *e, const hp_spawn_req *q, const hr_handle *caps,
			  uint32_t ncaps, hr_handle *child, char *text,
			  size_t tlen)
{
	hb_buf b;
	hr_handle all[8], reply;
	uint32_t mb;
	hr_msg m;
	const char *t;
	uint32_t tl;
	int rc;

	ASSERT_OK(hr_host_mailbox_new(e->rt, &mb));
	ASSERT_OK(hr_host_mailbox_cap(e->rt, mb, HR_PERM_SEND, &reply));
	all[0] = reply;
	if (ncaps)
		memcpy(all + 1, caps, ncaps * sizeof *caps);
	hb_buf_init(&b);
	hp_spawn_req_put(&b, q);
	ASSERT_OK(b.err);
	ASSERT_OK(
		hr_host_send(e->rt, e->spawner, b.data, b.len, all, 1 + ncaps));
	hb_buf_deinit(&b);
	ASSERT_OK(hr_host_recv(e->rt, mb, WAIT_NS, &m));
	rc = hp_spawn_reply(m.data, m.len, &t, &tl);
	if (text)
		snprintf(text, tlen, "%.*s", (int)tl, t ? t : "");
	if (rc == 0) {
		ASSERT_EQ(m.ncaps, 1);
		*child = m.caps[0];
	} else {
		ASSERT_EQ(m.ncaps, 0);
	}
	hr_host_msg_free(e->rt, &m);
	hr_host_ref_dec(e->rt, reply);
	hr_host_mailbox_free(e->rt, mb);
	return rc;
}

TEST(spawn_through_the_spawner_from_the_host)
{
	env e;
	hp_spawn_req q = {0};
	hr_handle child;
	hr_pid pid;
	hr_proc_info info;
	char text[256];

	env_init(&e, 2);
	q.lump = e.guest;
	q.entry = "hello";
	q.entry_len = 5;
	q.name = "greeter-7";
	q.name_len = 9;
	ASSERT_OK(
		host_spawn_req(&e, &q, &e.inbox, 1, &child, text, sizeof text));
	ASSERT_EQ(hr_host_perms(e.rt, child), HR_PERM_ALL);
	expect(&e, "hello");
	/* names: the request's name; here for a blocking one */
	q.entry = "block";
	q.entry_len = 5;
	ASSERT_OK(
		host_spawn_req(&e, &q, &e.inbox, 1, &child, text, sizeof text));
	expect(&e, "blocking");
	ASSERT_OK(hr_host_target_pid(e.rt, child, &pid));
	ASSERT_OK(hr_rt_proc_info(e.rt, pid, &info));
	ASSERT_STREQ(info.name, "greeter-7");
	/* an empty name: the entry's */
	q.name = "";
	q.name_len = 0;
	{
		hb_buf b;
		hr_msg m;
		hr_handle caps[2];
		uint32_t mb;

		/* written by hand, as a guest would */
		hb_buf_init(&b);
		hb_mp_put_array(&b, 2);
		hb_mp_put_cstr(&b, "spawn");
		hb_mp_put_map(&b, 3);
		hb_mp_put_cstr(&b, "lump");
		hb_mp_put_bin(&b, e.guest.b, 32);
		hb_mp_put_cstr(&b, "entry");
		hb_mp_put_cstr(&b, "block");
		hb_mp_put_cstr(&b, "name");
		hb_mp_put_str(&b, "", 0);
		ASSERT_OK(hr_host_mailbox_new(e.rt, &mb));
		ASSERT_OK(
			hr_host_mailbox_cap(e.rt, mb, HR_PERM_SEND, &caps[0]));
		caps[1] = e.inbox;
		ASSERT_OK(
			hr_host_send(e.rt, e.spawner, b.data, b.len, caps, 2));
		hb_buf_deinit(&b);
		ASSERT_OK(hr_host_recv(e.rt, mb, WAIT_NS, &m));
		ASSERT_OK(hp_spawn_reply(m.data, m.len, NULL, NULL));
		child = m.caps[0];
		hr_host_msg_free(e.rt, &m);
		expect(&e, "blocking");
		ASSERT_OK(hr_host_target_pid(e.rt, child, &pid));
		ASSERT_OK(hr_rt_proc_info(e.rt, pid, &info));
		ASSERT_STREQ(info.name, "block");
	}
	env_free(&e);
}

TEST(spawn_is_in_the_host_registry)
{
	env e;
	uint8_t buf[64];
	hb_buf b = {.data = buf, .cap = sizeof buf, .max = sizeof buf};
	hr_msg m;

	env_init(&e, 2);
	hr_registry_put_get(&b, "wasm-spawner");
	ASSERT_OK(hr_host_send(e.rt, e.reg, b.data, b.len, &e.inbox, 1));
	recv_msg(&e, &m);
	ASSERT_OK(hr_registry_reply(m.data, m.len, NULL, NULL));
	ASSERT_EQ(m.ncaps, 1);
	ASSERT_EQ(hr_host_same_target(e.rt, m.caps[0], e.spawner), 1);
	hr_host_msg_free(e.rt, &m);
	env_free(&e);
}

TEST(spawn_a_guest_spawns_its_own_function)
{
	env e;
	hr_handle sp;

	env_init(&e, 2);
	sp = e.spawner;
	spawn(&e, "spawn_own", &sp, 1);
	expect(&e, "child hi");
	expect(&e, "child down 0");
	env_free(&e);
}

TEST(spawn_self_hosting_a_guest_made_module)
{
	env e;
	hr_handle sp;
	size_t count;

	env_init(&e, 2);
	sp = e.spawner;
	spawn_m(&e, "self_host", &sp, 1);
	/* the made process's message and the maker's normal exit come in
	 * either order */
	for (int seen = 0; seen != 3;) {
		hr_msg m;

		recv_msg(&e, &m);
		if (m.kind == HR_MSG_DOWN) {
			ASSERT_EQ(m.reason.code, HR_EXIT_NORMAL);
			seen |= 1;
		} else {
			ASSERT_EQ(m.len, 15);
			ASSERT_MEMEQ(m.data, "made by a guest", 15);
			seen |= 2;
		}
		hr_host_msg_free(e.rt, &m);
	}
	hl_assets_usage(e.assets, &count, NULL);
	ASSERT_EQ(count, 2); /* proc_guest and the made module */
	env_free(&e);
}

TEST(spawn_linked_child_takes_its_requester_down)
{
	env e;
	hr_handle sp;
	char text[128];

	env_init(&e, 2);
	sp = e.spawner;
	spawn_m(&e, "spawn_linked", &sp, 1);
	expect(&e, "child running");
	/* the child traps; the link kills the requester with its reason */
	expect_down(&e, HR_EXIT_TRAP, text, sizeof text);
	ASSERT_STREQ(text, "integer divide by zero");
	env_free(&e);
}

TEST(spawn_link_needs_link_on_the_reply_cap)
{
	env e;
	hp_spawn_req q = {0};
	hr_handle child;
	char text[256];

	env_init(&e, 2);
	q.lump = e.guest;
	q.entry = "hello";
	q.entry_len = 5;
	q.link = true;
	ASSERT_ERR(
		host_spawn_req(&e, &q, &e.inbox, 1, &child, text, sizeof text),
		HB_EPERM);
	ASSERT_STREQ(text, "link needs LINK on the reply capability");
	env_free(&e);
}

TEST(spawn_compiles_once_per_lump)
{
	env e;
	size_t count;
	hp_spawn_req q = {0};
	hr_handle child;
	int i;

	env_init(&e, 2);
	q.lump = e.guest;
	q.entry = "nothing";
	q.entry_len = 7;
	for (i = 0; i < 20; i++) {
		ASSERT_OK(host_spawn_req(&e, &q, &e.inbox, 1, &child, NULL, 0));
		hr_host_ref_dec(e.rt, child);
	}
	for (i = 0; i < 20; i++)
		spawn(&e, "nothing", NULL, 0);
	hl_assets_usage(e.assets, &count, NULL);
	ASSERT_EQ(count, 1);
	env_free(&e);
}

TEST(spawn_request_round_trip)
{
	hp_spawn_req q = {0}, p;
	hb_buf b;
	char err[128];

	memset(q.lump.b, 0xab, sizeof q.lump.b);
	q.entry = "main";
	q.entry_len = 4;
	q.name = "svc";
	q.name_len = 3;
	q.link = true;
	q.limits.memory_pages = 16;
	q.limits.fuel_total = 1ull << 40;
	q.rt_limits.queue_msgs = 5;
	hb_buf_init(&b);
	hp_spawn_req_put(&b, &q);
	ASSERT_OK(b.err);
	ASSERT_OK(hp_spawn_req_parse(b.data, b.len, &p, err, sizeof err));
	ASSERT(hl_id_eq(&p.lump, &q.lump));
	ASSERT_EQ(p.entry_len, 4);
	ASSERT_MEMEQ(p.entry, "main", 4);
	ASSERT_EQ(p.name_len, 3);
	ASSERT(p.link);
	ASSERT_EQ(p.limits.memory_pages, 16);
	ASSERT_UEQ(p.limits.fuel_total, 1ull << 40);
	ASSERT_EQ(p.rt_limits.queue_msgs, 5);
	/* every strict prefix is refused */
	for (size_t n = 0; n < b.len; n++)
		ASSERT_ERR(hp_spawn_req_parse(b.data, n, &p, err, sizeof err),
			   HB_EMALFORMED);
	hb_buf_deinit(&b);
}

TEST(spawn_request_errors)
{
	env e;
	hp_spawn_req q = {0};
	hr_handle child, dup[2];
	char text[256];
	uint8_t junk[] = {0x92, 0xa5, 's', 'p', 'a', 'w', 'n', 0x01};
	hr_msg m;
	uint32_t mb;
	hr_handle reply;

	env_init(&e, 2);
	/* not MessagePack of the right shape */
	ASSERT_OK(hr_host_mailbox_new(e.rt, &mb));
	ASSERT_OK(hr_host_mailbox_cap(e.rt, mb, HR_PERM_SEND, &reply));
	ASSERT_OK(hr_host_send(e.rt, e.spawner, junk, sizeof junk, &reply, 1));
	ASSERT_OK(hr_host_recv(e.rt, mb, WAIT_NS, &m));
	ASSERT_ERR(hp_spawn_reply(m.data, m.len, NULL, NULL), HB_EMALFORMED);
	hr_host_msg_free(e.rt, &m);
	/* no such lump */
	memset(q.lump.b, 7, sizeof q.lump.b);
	q.entry = "main";
	q.entry_len = 4;
	ASSERT_ERR(host_spawn_req(&e, &q, NULL, 0, &child, text, sizeof text),
		   HB_ENOENT);
	ASSERT_MSG(strncmp(text, "no lump 0707", 12) == 0, "%s", text);
	/* a limit over the maxima */
	q.lump = e.guest;
	q.entry = "hello";
	q.entry_len = 5;
	q.limits.memory_pages = HP_MAX_MEMORY_PAGES + 1;
	ASSERT_ERR(host_spawn_req(&e, &q, NULL, 0, &child, text, sizeof text),
		   HB_ELIMIT);
	q.limits.memory_pages = 0;
	q.rt_limits.queue_msgs = HR_MAX_QUEUE_MSGS + 1;
	ASSERT_ERR(host_spawn_req(&e, &q, NULL, 0, &child, text, sizeof text),
		   HB_ELIMIT);
	q.rt_limits.queue_msgs = 0;
	/* initial capabilities must be distinct pairs: two handles of one
	 * pair arrive as one handle in the spawner's table */
	dup[0] = e.inbox;
	dup[1] = e.inbox;
	ASSERT_ERR(host_spawn_req(&e, &q, dup, 2, &child, text, sizeof text),
		   HB_EINVAL);
	ASSERT_MSG(strstr(text, "distinct") != NULL, "%s", text);
	/* a request without a reply address is dropped; the spawner lives */
	ASSERT_OK(hr_host_send(e.rt, e.spawner, junk, sizeof junk, NULL, 0));
	ASSERT_OK(
		host_spawn_req(&e, &q, &e.inbox, 1, &child, text, sizeof text));
	expect(&e, "hello");
	env_free(&e);
}
