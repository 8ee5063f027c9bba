/* test_cap.c — capability tables: one handle per (target, permissions),
 * demotion to subsets only, reference counts, unforgeable and stale
 * handles, initial capabilities at 0..n, table limits. */
#include "rt_test.h"

TEST(cap_demote_dedupe_and_refcounts)
{
	hr_rt *rt = rt_start(2);
	hr_handle h = spawn_kind(rt, &idle_kind, NULL, NULL, 0), s1, s2, x;

	ASSERT_EQ(hr_host_perms(rt, h), HR_PERM_ALL);
	ASSERT_OK(hr_host_demote(rt, h, HR_PERM_SEND, &s1));
	ASSERT_NE(s1, h);
	ASSERT_OK(hr_host_demote(rt, h, HR_PERM_SEND, &s2));
	ASSERT_EQ(s1, s2); /* the same pair maps to one handle */
	ASSERT_EQ(hr_host_perms(rt, s1), HR_PERM_SEND);
	/* a demoted handle cannot regain rights */
	ASSERT_ERR(hr_host_demote(rt, s1, HR_PERM_SEND | HR_PERM_KILL, &x),
		   HB_EPERM);
	ASSERT_OK(hr_host_demote(rt, s1, 0, &x));
	ASSERT_EQ(hr_host_perms(rt, x), 0);
	/* two references on s1: it survives one dec */
	ASSERT_OK(hr_host_ref_dec(rt, s1));
	ASSERT_EQ(hr_host_perms(rt, s1), HR_PERM_SEND);
	ASSERT_OK(hr_host_ref_inc(rt, s1));
	ASSERT_OK(hr_host_ref_dec(rt, s1));
	ASSERT_OK(hr_host_ref_dec(rt, s1));
	ASSERT_ERR(hr_host_perms(rt, s1), HB_EBADH);
	ASSERT_ERR(hr_host_ref_dec(rt, s1), HB_EBADH);
	ASSERT_OK(hr_host_kill(rt, h));
	hr_rt_free(rt);
}

/* A table goes from its inline entries to the heap, from scanning to
 * hashing, and keeps one handle per pair through all of it, also after
 * entries are freed and their handles reused. */
TEST(cap_table_dedupes_across_inline_scan_and_hash)
{
	enum { N = 24 };
	hr_rt *rt = rt_start(1);
	hr_handle h[N], s[N], x;
	int i, j;

	for (i = 0; i < N; i++) {
		h[i] = spawn_kind(rt, &idle_kind, NULL, NULL, 0);
		ASSERT_OK(hr_host_demote(rt, h[i], HR_PERM_SEND, &s[i]));
		for (j = 0; j <= i; j++) { /* every pair so far: same handle */
			ASSERT_OK(hr_host_demote(rt, h[j], HR_PERM_SEND, &x));
			ASSERT_EQ(x, s[j]);
			ASSERT_OK(hr_host_ref_dec(rt, x));
			ASSERT_EQ(hr_host_perms(rt, h[j]), HR_PERM_ALL);
		}
	}
	for (i = 0; i < N; i++)
		ASSERT_NE(s[i], h[i]);
	/* free every other SEND handle, then take them again: the freed
	 * handles are reused and the pairs still map to one handle each */
	for (i = 0; i < N; i += 2) {
		ASSERT_OK(hr_host_ref_dec(rt, s[i]));
		ASSERT_ERR(hr_host_perms(rt, s[i]), HB_EBADH);
	}
	for (i = 0; i < N; i += 2) {
		ASSERT_OK(hr_host_demote(rt, h[i], HR_PERM_SEND, &s[i]));
		ASSERT_EQ(hr_host_perms(rt, s[i]), HR_PERM_SEND);
	}
	for (i = 0; i < N; i++) {
		ASSERT_OK(hr_host_demote(rt, h[i], HR_PERM_SEND, &x));
		ASSERT_EQ(x, s[i]);
		ASSERT_OK(hr_host_ref_dec(rt, x));
		ASSERT_OK(hr_host_send(rt, s[i], "x", 1, NULL, 0));
	}
	for (i = 0; i < N; i++)
		ASSERT_OK(hr_host_kill(rt, h[i]));
	hr_rt_free(rt);
}

TEST(cap_bad_and_missing_permissions)
{
	hr_rt *rt = rt_start(1);
	hr_handle h = spawn_kind(rt, &idle_kind, NULL, NULL, 0), s, mon;
	uint64_t ref;

	ASSERT_ERR(hr_host_send(rt, -1, "x", 1, NULL, 0), HB_EBADH);
	ASSERT_ERR(hr_host_send(rt, 12345, "x", 1, NULL, 0), HB_EBADH);
	ASSERT_ERR(hr_host_kill(rt, 777), HB_EBADH);
	ASSERT_OK(hr_host_demote(rt, h, HR_PERM_MONITOR, &mon));
	ASSERT_OK(hr_host_demote(rt, h, HR_PERM_SEND, &s));
	ASSERT_ERR(hr_host_send(rt, mon, "x", 1, NULL, 0), HB_EPERM);
	ASSERT_ERR(hr_host_kill(rt, s), HB_EPERM);
	ASSERT_ERR(hr_host_monitor(rt, s, 0, &ref), HB_EPERM);
	ASSERT_OK(hr_host_monitor(rt, mon, 0, &ref));
	/* capabilities in a message are checked too */
	ASSERT_ERR(hr_host_send(rt, s, "x", 1, (hr_handle[]){99}, 1), HB_EBADH);
	ASSERT_OK(hr_host_send(rt, s, "x", 1, (hr_handle[]){mon}, 1));
	hr_rt_free(rt);
}

/* On init, report the permissions of handles 0..3 to handle 0. */
static int report_init(hr_ctx *cx, void *st)
{
	int64_t v[4];
	int i;

	(void)st;
	for (i = 0; i < 4; i++)
		v[i] = hr_perms(cx, i);
	return hr_send(cx, 0, v, sizeof v, NULL, 0);
}
static const hr_kind report_kind = {
	.name = "report", .init = report_init, .on_message = idle_msg};

TEST(cap_initial_caps_land_at_0_to_n)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), a, b, c;
	hr_msg m;
	int64_t v[4];

	a = spawn_kind(rt, &idle_kind, NULL, NULL, 0);
	ASSERT_OK(hr_host_demote(rt, a, HR_PERM_KILL | HR_PERM_LINK, &b));
	ASSERT_OK(hr_host_demote(rt, a, HR_PERM_MONITOR, &c));
	spawn_kind(rt, &report_kind, NULL, (hr_handle[]){in, b, c}, 3);
	expect_msg(rt, mb, &m);
	ASSERT_EQ(m.len, sizeof v);
	memcpy(v, m.data, sizeof v);
	ASSERT_EQ(v[0], HR_PERM_SEND);
	ASSERT_EQ(v[1], HR_PERM_KILL | HR_PERM_LINK);
	ASSERT_EQ(v[2], HR_PERM_MONITOR);
	ASSERT_EQ(v[3], HB_EBADH);
	hr_host_msg_free(rt, &m);
	hr_rt_free(rt);
}

TEST(cap_duplicate_initial_caps_refused)
{
	hr_rt *rt = rt_start(1);
	hr_handle a = spawn_kind(rt, &idle_kind, NULL, NULL, 0);
	hr_spawn_opts o = {
		.kind = &idle_kind, .caps = (hr_handle[]){a, a}, .ncaps = 2};
	hr_handle h;

	ASSERT_ERR(hr_host_spawn(rt, &o, &h), HB_EINVAL);
	ASSERT_EQ(h, HR_HANDLE_NONE);
	o.caps = (hr_handle[]){a, 4242};
	ASSERT_ERR(hr_host_spawn(rt, &o, &h), HB_EBADH);
	ASSERT_EQ(hr_rt_nprocs(rt), 1);
	hr_rt_free(rt);
}

/* Imports: reports, for each message, the handles its caps became. */
static void imports_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	int64_t v[4] = {m->ncaps ? m->caps[0] : -100,
			m->ncaps > 1 ? m->caps[1] : -100, m->err,
			m->ncaps ? hr_perms(cx, m->caps[0]) : -100};

	(void)st;
	if (m->len == 3 && !memcmp(m->data, "dec", 3))
		v[2] = hr_ref_dec(cx, m->caps[0]) * 1000 +
		       hr_ref_dec(cx, m->caps[0]);
	hr_send(cx, 0, v, sizeof v, NULL, 0);
}
static const hr_kind imports_kind = {.name = "imports",
				     .on_message = imports_msg};

TEST(cap_import_dedupes_and_counts)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), p, t, ts;
	hr_msg m;
	int64_t v[4], first;

	p = spawn_kind(rt, &imports_kind, NULL, &in, 1);
	t = spawn_kind(rt, &idle_kind, NULL, NULL, 0);
	ASSERT_OK(hr_host_demote(rt, t, HR_PERM_SEND, &ts));
	ASSERT_OK(hr_host_send(rt, p, "a", 1, &ts, 1));
	expect_msg(rt, mb, &m);
	memcpy(v, m.data, sizeof v);
	hr_host_msg_free(rt, &m);
	first = v[0];
	ASSERT_GE(first, 1); /* handle 0 is the inbox */
	ASSERT_EQ(v[3], HR_PERM_SEND);
	/* the same (target, perms) again: the same handle */
	ASSERT_OK(hr_host_send(rt, p, "b", 1, (hr_handle[]){ts, t}, 2));
	expect_msg(rt, mb, &m);
	memcpy(v, m.data, sizeof v);
	hr_host_msg_free(rt, &m);
	ASSERT_EQ(v[0], first);
	ASSERT_NE(v[1], first); /* different permissions, different handle */
	ASSERT_EQ(v[2], 0);
	/* three references now: two decs leave it alive */
	ASSERT_OK(hr_host_send(rt, p, "dec", 3, &ts, 1));
	expect_msg(rt, mb, &m);
	memcpy(v, m.data, sizeof v);
	hr_host_msg_free(rt, &m);
	ASSERT_EQ(v[0], first);
	ASSERT_EQ(v[2], 0);
	hr_rt_free(rt);
}

TEST(cap_table_limit_reported_on_import)
{
	hr_rt *rt = rt_start(1);
	uint32_t mb, i;
	hr_handle in = host_inbox(rt, &mb), p, t[4];
	hr_limits lim = {.handles = 3};
	hr_spawn_opts o = {
		.kind = &imports_kind, .caps = &in, .ncaps = 1, .limits = &lim};
	hr_msg m;
	int64_t v[4];

	ASSERT_OK(hr_host_spawn(rt, &o, &p));
	for (i = 0; i < 4; i++)
		t[i] = spawn_kind(rt, &idle_kind, NULL, NULL, 0);
	for (i = 0; i < 3; i++) {
		ASSERT_OK(hr_host_send(rt, p, "x", 1, &t[i], 1));
		expect_msg(rt, mb, &m);
		memcpy(v, m.data, sizeof v);
		hr_host_msg_free(rt, &m);
		if (i < 2) {
			ASSERT_GE(v[0], 1);
			ASSERT_EQ(v[2], 0);
		} else {
			/* table full: delivered, the cap is not imported */
			ASSERT_EQ(v[0], HR_HANDLE_NONE);
			ASSERT_EQ(v[2], HB_ELIMIT);
		}
	}
	hr_rt_free(rt);
}

TEST(cap_stale_handle_never_reaches_reused_slot)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), old, mon, fresh;
	hr_pid oldpid, newpid;
	uint64_t ref;
	hr_msg m;
	int i;

	old = spawn_kind(rt, &idle_kind, NULL, NULL, 0);
	ASSERT_OK(hr_host_target_pid(rt, old, &oldpid));
	ASSERT_OK(hr_host_monitor(rt, old, mb, &ref));
	ASSERT_OK(hr_host_kill(rt, old));
	await_down(rt, mb, ref, &m);
	hr_host_msg_free(rt, &m);
	while (hr_rt_nprocs(rt) != 0) /* its slot is freed last */
		sleep_ms(1);
	/* the freed slot is reused by the next spawn (LIFO free list) */
	fresh = spawn_kind(rt, &fwd_kind, NULL, &in, 1);
	ASSERT_OK(hr_host_target_pid(rt, fresh, &newpid));
	ASSERT_EQ((uint32_t)newpid, (uint32_t)oldpid);
	ASSERT_NE(newpid >> 32, oldpid >> 32);
	for (i = 0; i < 3; i++) {
		ASSERT_ERR(hr_host_send(rt, old, "stale", 5, NULL, 0),
			   HB_EDEAD);
		ASSERT_ERR(hr_host_kill(rt, old), HB_EDEAD);
	}
	ASSERT_OK(hr_host_demote(rt, old, HR_PERM_MONITOR, &mon));
	ASSERT_EQ(hr_rt_kill_pid(rt, oldpid, 1, NULL), HB_EDEAD);
	/* the new process got nothing meant for the old one */
	ASSERT_OK(hr_host_send(rt, fresh, "new", 3, NULL, 0));
	expect_msg(rt, mb, &m);
	ASSERT_EQ(m.len, 3);
	ASSERT_MEMEQ(m.data, "new", 3);
	hr_host_msg_free(rt, &m);
	hr_rt_free(rt);
}
