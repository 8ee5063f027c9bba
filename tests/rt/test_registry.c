/* test_registry.c — registries: the request parser, the host registry
 * built by plugins at boot (immutable), a service's own mutable registry,
 * malformed requests answered with errors. */
#include "hearth/msgpack.h"
#include "rt_int.h"
#include "rt_test.h"

static int parse(const char *hex, hr_reg_req *q)
{
	uint8_t buf[256];
	size_t n = strlen(hex) / 2, i;

	for (i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &buf[i]);
	return hr__registry_parse(buf, n, q);
}

TEST(registry_parse_requests)
{
	hr_reg_req q;
	hb_buf b;

	hb_buf_init(&b);
	hr_registry_put_get(&b, "echo");
	ASSERT_OK(hr__registry_parse(b.data, b.len, &q));
	ASSERT_EQ(q.op, HR_REG_GET);
	ASSERT_EQ(q.name_len, 4);
	ASSERT_MEMEQ(q.name, "echo", 4);
	hb_buf_reset(&b);
	hr_registry_put_list(&b);
	ASSERT_OK(hr__registry_parse(b.data, b.len, &q));
	ASSERT_EQ(q.op, HR_REG_LIST);
	hb_buf_reset(&b);
	hr_registry_put_register(&b, "x");
	ASSERT_OK(hr__registry_parse(b.data, b.len, &q));
	ASSERT_EQ(q.op, HR_REG_REGISTER);
	/* trailing bytes, truncation, wrong types and shapes */
	hb_buf_push(&b, 0xc0);
	ASSERT_ERR(hr__registry_parse(b.data, b.len, &q), HB_EMALFORMED);
	ASSERT_ERR(hr__registry_parse(b.data, 3, &q), HB_EMALFORMED);
	hb_buf_deinit(&b);
	ASSERT_ERR(parse("", &q), HB_EMALFORMED);
	ASSERT_ERR(parse("90", &q), HB_EMALFORMED);		  /* [] */
	ASSERT_ERR(parse("91a3676574", &q), HB_EMALFORMED);	  /* ["get"] */
	ASSERT_ERR(parse("92a3676574a0", &q), HB_EMALFORMED);	  /* name "" */
	ASSERT_ERR(parse("92a367657401", &q), HB_EMALFORMED);	  /* name 1 */
	ASSERT_ERR(parse("92a3676574a20061", &q), HB_EMALFORMED); /* NUL */
	ASSERT_ERR(parse("92a46c697374a161", &q), HB_EMALFORMED); /* list+ */
	ASSERT_ERR(parse("91a3707574", &q), HB_EMALFORMED);	  /* "put" */
	ASSERT_ERR(parse("81a16101", &q), HB_EMALFORMED);	  /* a map */
	/* a name over the limit */
	hb_buf_init(&b);
	{
		char name[HR_MAX_SERVICE_NAME + 2];

		memset(name, 'n', sizeof name - 1);
		name[sizeof name - 1] = 0;
		hr_registry_put_get(&b, name);
	}
	ASSERT_ERR(hr__registry_parse(b.data, b.len, &q), HB_ELIMIT);
	hb_buf_deinit(&b);
}

TEST(registry_reply_decoding)
{
	hb_buf b;
	const uint8_t *names;
	uint32_t n;

	hb_buf_init(&b);
	hb_mp_put_array(&b, 1);
	hb_mp_put_cstr(&b, "ok");
	ASSERT_OK(hr_registry_reply(b.data, b.len, &names, &n));
	ASSERT_NULL(names);
	hb_buf_reset(&b);
	hb_mp_put_array(&b, 3);
	hb_mp_put_cstr(&b, "err");
	hb_mp_put_int(&b, HB_ENOENT);
	hb_mp_put_cstr(&b, "not found");
	ASSERT_ERR(hr_registry_reply(b.data, b.len, NULL, NULL), HB_ENOENT);
	hb_buf_reset(&b);
	hb_mp_put_array(&b, 2);
	hb_mp_put_cstr(&b, "err");
	hb_mp_put_int(&b, 5); /* not an error code */
	ASSERT_ERR(hr_registry_reply(b.data, b.len, NULL, NULL), HB_EPROTO);
	hb_buf_reset(&b);
	hb_mp_put_array(&b, 1);
	hb_mp_put_cstr(&b, "maybe");
	ASSERT_ERR(hr_registry_reply(b.data, b.len, NULL, NULL), HB_EMALFORMED);
	hb_buf_deinit(&b);
}

/* Ask reg with request bytes; OUT: the reply. */
static void reg_call(hr_rt *rt, hr_handle reg, uint32_t mb, hr_handle reply,
		     const hb_buf *req, hr_handle extra, hr_msg *out)
{
	hr_handle caps[2] = {reply, extra};

	ASSERT_OK(req->err);
	ASSERT_OK(hr_host_send(rt, reg, req->data, req->len, caps,
			       extra >= 0 ? 2 : 1));
	expect_msg(rt, mb, out);
}

typedef struct demo_plugin {
	int inits, shutdowns;
	hr_handle echo;
} demo_plugin;

static int demo_init(hr_plugin_ctx *pc, void *ud)
{
	demo_plugin *d = ud;
	hr_rt *rt = hr_plugin_rt(pc);
	hr_handle loader;

	d->inits++;
	d->echo = spawn_kind(rt, &echo_kind, NULL, NULL, 0);
	loader = spawn_kind(rt, &idle_kind, NULL, NULL, 0);
	ASSERT_OK(hr_plugin_service(pc, "echo", d->echo));
	ASSERT_ERR(hr_plugin_service(pc, "echo", d->echo), HB_EEXIST);
	ASSERT_ERR(hr_plugin_service(pc, "", d->echo), HB_EINVAL);
	ASSERT_OK(hr_plugin_service(pc, "mesh", loader));
	return 0;
}

static void demo_shutdown(hr_rt *rt, void *ud)
{
	demo_plugin *d = ud;

	ASSERT_EQ(hr_rt_nprocs(rt), 0); /* after every process exited */
	d->shutdowns++;
}

static const hr_plugin demo = {
	.name = "demo", .init = demo_init, .shutdown = demo_shutdown};

TEST(registry_host_registry_from_plugins)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), reg, reg2, echo;
	demo_plugin d = {0};
	const uint8_t *names;
	hb_mp_reader r;
	const char *s;
	uint32_t n, sl;
	hr_msg m, e;
	hb_buf b;

	ASSERT_ERR(hr_rt_registry(rt, &reg), HB_ENOENT);
	ASSERT_OK(hr_plugin_add(rt, &demo, &d));
	ASSERT_OK(hr_rt_boot(rt, &reg));
	ASSERT_EQ(d.inits, 1);
	ASSERT_ERR(hr_rt_boot(rt, &reg2), HB_EEXIST);
	ASSERT_ERR(hr_plugin_add(rt, &demo, &d), HB_EBUSY);
	ASSERT_OK(hr_rt_registry(rt, &reg2));
	ASSERT_EQ(reg, reg2);
	ASSERT_EQ(hr_host_perms(rt, reg), HR_PERM_SEND | HR_PERM_MONITOR);

	hb_buf_init(&b);
	hr_registry_put_get(&b, "echo");
	reg_call(rt, reg, mb, in, &b, HR_HANDLE_NONE, &m);
	ASSERT_OK(hr_registry_reply(m.data, m.len, NULL, NULL));
	ASSERT_EQ(m.ncaps, 1);
	echo = m.caps[0];
	ASSERT_EQ(hr_host_perms(rt, echo), HR_PERM_SEND | HR_PERM_MONITOR);
	ASSERT_EQ(hr_host_same_target(rt, echo, d.echo), 1);
	ASSERT_OK(hr_host_send(rt, echo, "hi", 2, &in, 1));
	expect_msg(rt, mb, &e);
	ASSERT_MEMEQ(e.data, "hi", 2);
	hr_host_msg_free(rt, &e);
	hr_host_msg_free(rt, &m);

	hb_buf_reset(&b);
	hr_registry_put_get(&b, "nope");
	reg_call(rt, reg, mb, in, &b, HR_HANDLE_NONE, &m);
	ASSERT_ERR(hr_registry_reply(m.data, m.len, NULL, NULL), HB_ENOENT);
	hr_host_msg_free(rt, &m);

	hb_buf_reset(&b);
	hr_registry_put_register(&b, "mine");
	reg_call(rt, reg, mb, in, &b, in, &m);
	ASSERT_ERR(hr_registry_reply(m.data, m.len, NULL, NULL), HB_EPERM);
	hr_host_msg_free(rt, &m);

	hb_buf_reset(&b);
	hr_registry_put_list(&b);
	reg_call(rt, reg, mb, in, &b, HR_HANDLE_NONE, &m);
	ASSERT_OK(hr_registry_reply(m.data, m.len, &names, &n));
	ASSERT_EQ(n, 2);
	hb_mp_reader_init(&r, names, (size_t)(m.data + m.len - names));
	ASSERT_OK(hb_mp_get_str(&r, &s, &sl));
	ASSERT_EQ(sl, 4);
	ASSERT_MEMEQ(s, "echo", 4);
	ASSERT_OK(hb_mp_get_str(&r, &s, &sl));
	ASSERT_EQ(sl, 4);
	ASSERT_MEMEQ(s, "mesh", 4);
	hr_host_msg_free(rt, &m);
	hb_buf_deinit(&b);
	hr_rt_free(rt);
	ASSERT_EQ(d.shutdowns, 1);
}

TEST(registry_own_mutable_registry)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), reg, echo, got, svc;
	hr_registry_entry e[2];
	const uint8_t *names;
	uint32_t n;
	hr_msg m;
	hb_buf b;

	echo = spawn_kind(rt, &echo_kind, NULL, NULL, 0);
	e[0] = (hr_registry_entry){"echo", echo};
	e[1] = (hr_registry_entry){"echo-alias", echo}; /* same cap twice */
	ASSERT_OK(hr_host_registry_spawn(rt, e, 2, true, &reg));
	svc = spawn_kind(rt, &idle_kind, NULL, NULL, 0);
	hb_buf_init(&b);
	hr_registry_put_register(&b, "svc");
	reg_call(rt, reg, mb, in, &b, svc, &m);
	ASSERT_OK(hr_registry_reply(m.data, m.len, NULL, NULL));
	hr_host_msg_free(rt, &m);
	reg_call(rt, reg, mb, in, &b, svc, &m);
	ASSERT_ERR(hr_registry_reply(m.data, m.len, NULL, NULL), HB_EEXIST);
	hr_host_msg_free(rt, &m);
	hb_buf_reset(&b);
	hr_registry_put_get(&b, "svc");
	reg_call(rt, reg, mb, in, &b, HR_HANDLE_NONE, &m);
	ASSERT_OK(hr_registry_reply(m.data, m.len, NULL, NULL));
	got = m.caps[0];
	/* handed out demoted: SEND|MONITOR only */
	ASSERT_EQ(hr_host_perms(rt, got), HR_PERM_SEND | HR_PERM_MONITOR);
	ASSERT_EQ(hr_host_same_target(rt, got, svc), 1);
	hr_host_msg_free(rt, &m);
	hb_buf_reset(&b);
	hr_registry_put_get(&b, "echo-alias");
	reg_call(rt, reg, mb, in, &b, HR_HANDLE_NONE, &m);
	ASSERT_OK(hr_registry_reply(m.data, m.len, NULL, NULL));
	ASSERT_EQ(hr_host_same_target(rt, m.caps[0], echo), 1);
	hr_host_msg_free(rt, &m);
	hb_buf_reset(&b);
	hr_registry_put_list(&b);
	reg_call(rt, reg, mb, in, &b, HR_HANDLE_NONE, &m);
	ASSERT_OK(hr_registry_reply(m.data, m.len, &names, &n));
	ASSERT_EQ(n, 3);
	hr_host_msg_free(rt, &m);
	hb_buf_deinit(&b);
	/* bad entries at spawn */
	e[1].name = "echo";
	ASSERT_ERR(hr_host_registry_spawn(rt, e, 2, true, &reg), HB_EINVAL);
	e[1].name = "";
	ASSERT_ERR(hr_host_registry_spawn(rt, e, 2, true, &reg), HB_EINVAL);
	hr_rt_free(rt);
}

static void count_lines(void *ud, int level, uint64_t t, const char *text)
{
	(void)level;
	(void)t;
	if (strstr(text, "request dropped"))
		(*(int *)ud)++;
}

TEST(registry_malformed_requests)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), reg;
	static const uint8_t junk[] = {0xc1, 0xff, 0x00};
	hr_pid pid;
	hr_msg m;
	hb_buf b;
	int dropped = 0;

	ASSERT_OK(hr_host_registry_spawn(rt, NULL, 0, false, &reg));
	ASSERT_OK(hr_host_send(rt, reg, junk, sizeof junk, &in, 1));
	expect_msg(rt, mb, &m);
	ASSERT_ERR(hr_registry_reply(m.data, m.len, NULL, NULL), HB_EMALFORMED);
	hr_host_msg_free(rt, &m);
	/* no reply address: dropped, and logged */
	ASSERT_OK(hr_host_send(rt, reg, junk, sizeof junk, NULL, 0));
	hb_buf_init(&b);
	hr_registry_put_list(&b);
	reg_call(rt, reg, mb, in, &b, HR_HANDLE_NONE, &m);
	ASSERT_OK(hr_registry_reply(m.data, m.len, NULL, NULL));
	hr_host_msg_free(rt, &m);
	hb_buf_deinit(&b);
	ASSERT_OK(hr_host_target_pid(rt, reg, &pid));
	ASSERT_OK(hr_rt_log(rt, pid, count_lines, &dropped));
	ASSERT_EQ(dropped, 1);
	hr_rt_free(rt);
}
