/* sup_test.c — tests of the SDK's supervisor, run inside the runtime by
 * hearth-test-guest: the three strategies (which children come back as new
 * processes), restart intensity, restart types, the registry protocol a
 * supervisor speaks, stop, and the death of the supervisor's parent. */
#include <string.h>

#include "hearth_test.h"

#define NKIDS 3
static const char *const ids[NKIDS] = {"a", "b", "c"};

/* worker: lives until told ["crash"] (exits abnormally) or ["quit"]
 * (exits normally). */
HEARTH_ENTRY(worker)
{
	hearth_msg m;

	while (hearth_recv(0, HEARTH_FOREVER, &m) == 0) {
		bool crash = m.len == 7 && memcmp(m.data,
						  "\x91\xa5"
						  "crash",
						  7) == 0;
		bool quit =
			m.len == 6 && memcmp(m.data, "\x91\xa4quit", 6) == 0;

		hearth_msg_free(&m);
		if (crash)
			hearth_exit(HEARTH_EXIT_ERROR, "told to crash");
		if (quit)
			return;
	}
}

/* A supervisor of a, b, c (restart types from `restart`). */
static void supervise(int strategy, uint32_t max_restarts,
		      const int restart[NKIDS])
{
	hearth_cap reg = HEARTH_REGISTRY;
	hearth_child_spec kids[NKIDS];
	hearth_sup_spec spec = {.strategy = strategy,
				.max_restarts = max_restarts,
				.period_ns = 60 * HEARTH_SEC,
				.children = kids,
				.nchildren = NKIDS};
	int rc, i;

	memset(kids, 0, sizeof kids);
	for (i = 0; i < NKIDS; i++) {
		kids[i].id = ids[i];
		kids[i].spawn.entry = "worker";
		kids[i].spawn.caps = &reg;
		kids[i].spawn.ncaps = 1;
		kids[i].restart = restart[i];
	}
	rc = hearth_spawner(HEARTH_REGISTRY, &spec.spawner);
	if (rc)
		hearth_fail("no spawner: %s", hb_strerror(rc));
	rc = hearth_supervise(&spec);
	if (rc == HB_ELIMIT)
		hearth_fail("restart intensity exceeded");
	if (rc)
		hearth_fail("supervisor: %s", hb_strerror(rc));
}

static const int all_permanent[NKIDS] = {HEARTH_PERMANENT, HEARTH_PERMANENT,
					 HEARTH_PERMANENT};
static const int mixed[NKIDS] = {HEARTH_PERMANENT, HEARTH_TRANSIENT,
				 HEARTH_TEMPORARY};

HEARTH_ENTRY(sup_one_for_one)
{
	supervise(HEARTH_ONE_FOR_ONE, 10, all_permanent);
}

HEARTH_ENTRY(sup_one_for_all)
{
	supervise(HEARTH_ONE_FOR_ALL, 10, all_permanent);
}

HEARTH_ENTRY(sup_rest_for_one)
{
	supervise(HEARTH_REST_FOR_ONE, 10, all_permanent);
}

HEARTH_ENTRY(sup_fragile)
{
	supervise(HEARTH_ONE_FOR_ONE, 2, all_permanent);
}

HEARTH_ENTRY(sup_mixed)
{
	supervise(HEARTH_ONE_FOR_ONE, 10, mixed);
}

/* a process that starts a linked supervisor, then dies when told */
HEARTH_ENTRY(sup_parent)
{
	hearth_cap caps[1] = {HEARTH_REGISTRY}, sp, tree;
	hearth_spawn_opts o = {.entry = "sup_one_for_one",
			       .caps = caps,
			       .ncaps = 1,
			       .link = true};
	hearth_msg m;

	if (hearth_spawner(HEARTH_REGISTRY, &sp) ||
	    hearth_spawn(sp, &o, &tree, NULL, 0))
		hearth_fail("cannot start the tree");
	/* hand the tree to whoever is at handle 1, then wait */
	hearth_send(1, "tree", 4, &tree, 1);
	hearth_recv(0, HEARTH_FOREVER, &m);
	hearth_exit(HEARTH_EXIT_ERROR, "parent gives up");
}

/* ---- helpers ---- */

static hearth_cap start(const char *entry, uint64_t *ref)
{
	hearth_cap caps[1] = {HEARTH_REGISTRY}, sp, tree;
	hearth_spawn_opts o = {.entry = entry, .caps = caps, .ncaps = 1};
	char why[128];

	HT_ASSERT_OK(hearth_spawner(HEARTH_REGISTRY, &sp));
	HT_ASSERT_MSG(hearth_spawn(sp, &o, &tree, why, sizeof why) == 0,
		      "spawn %s: %s", entry, why);
	hearth_cap_unref(sp);
	if (ref)
		HT_ASSERT_OK(hearth_monitor(tree, 0, ref));
	return tree;
}

/* ["which"]: each child's state and restart count. */
static void which(hearth_cap tree, bool running[NKIDS],
		  uint32_t restarts[NKIDS])
{
	hearth_msg reply;
	hb_mp_reader r;
	uint32_t n, k, len;
	const char *id;
	uint64_t count;
	int i;

	HT_ASSERT_OK(hearth_request(tree, "\x91\xa5which", 7, NULL, 0,
				    5 * HEARTH_SEC, &reply));
	HT_ASSERT_OK(hearth_reply_status(&reply, &r, &n, NULL, 0));
	HT_ASSERT_OK(hb_mp_get_array(&r, &n));
	HT_ASSERT_EQ(n, NKIDS);
	for (i = 0; i < NKIDS; i++) {
		HT_ASSERT_OK(hb_mp_get_array(&r, &k));
		HT_ASSERT_EQ(k, 3);
		HT_ASSERT_OK(hb_mp_get_str(&r, &id, &len));
		HT_ASSERT_STRNEQ(id, len, ids[i]);
		HT_ASSERT_OK(hb_mp_get_bool(&r, &running[i]));
		HT_ASSERT_OK(hb_mp_get_uint(&r, &count));
		restarts[i] = (uint32_t)count;
	}
	hearth_msg_free(&reply);
}

/* The current process of child id (SEND|MONITOR), or HEARTH_CAP_NONE. */
static hearth_cap child(hearth_cap tree, const char *id)
{
	hearth_cap c;

	return hearth_registry_get(tree, id, &c) == 0 ? c : HEARTH_CAP_NONE;
}

/* Wait until every child runs and the restarts of i reach want. */
static void settle(hearth_cap tree, int i, uint32_t want)
{
	bool running[NKIDS];
	uint32_t restarts[NKIDS];

	for (int tries = 0;; tries++) {
		HT_ASSERT_MSG(tries < 1000, "the tree did not settle");
		which(tree, running, restarts);
		if (running[0] && running[1] && running[2] &&
		    restarts[i] >= want)
			return;
		hearth_sleep(10 * HEARTH_MS);
	}
}

/* Crash child i and wait for its down. */
static void crash(hearth_cap tree, int i)
{
	hearth_cap c = child(tree, ids[i]);
	hearth_msg m;
	uint64_t ref;

	HT_ASSERT(c >= 0);
	HT_ASSERT_OK(hearth_monitor(c, 0, &ref));
	HT_ASSERT_OK(hearth_send(c,
				 "\x91\xa5"
				 "crash",
				 7, NULL, 0));
	for (;;) {
		HT_ASSERT_OK(hearth_recv(0, 20 * HEARTH_SEC, &m));
		if (m.kind == HEARTH_SIG_DOWN && m.ref == ref)
			break;
		hearth_msg_free(&m);
	}
	HT_ASSERT_EQ(m.reason, HEARTH_EXIT_ERROR);
	hearth_msg_free(&m);
	hearth_cap_unref(c);
}

static void stop(hearth_cap tree, uint64_t ref)
{
	hearth_msg m;

	HT_ASSERT_OK(hearth_request(tree, "\x91\xa4stop", 6, NULL, 0,
				    5 * HEARTH_SEC, &m));
	HT_ASSERT_OK(hearth_reply_status(&m, NULL, NULL, NULL, 0));
	hearth_msg_free(&m);
	for (;;) {
		HT_ASSERT_OK(hearth_recv(0, 20 * HEARTH_SEC, &m));
		if (m.kind == HEARTH_SIG_DOWN && m.ref == ref)
			break;
		hearth_msg_free(&m);
	}
	HT_ASSERT_EQ(m.reason, HEARTH_EXIT_NORMAL);
	hearth_msg_free(&m);
	hearth_cap_unref(tree);
}

/* Crash b under strategy entry; check which children are new processes. */
static void strategy(const char *entry, const bool want_new[NKIDS])
{
	hearth_cap before[NKIDS], after[NKIDS], tree;
	uint64_t ref;
	int i;

	tree = start(entry, &ref);
	settle(tree, 0, 0);
	for (i = 0; i < NKIDS; i++) {
		before[i] = child(tree, ids[i]);
		HT_ASSERT(before[i] >= 0);
	}
	crash(tree, 1);
	settle(tree, 1, 1);
	for (i = 0; i < NKIDS; i++) {
		after[i] = child(tree, ids[i]);
		HT_ASSERT_MSG(
			hearth_same_target(before[i], after[i]) == !want_new[i],
			"%s: child %s %s", entry, ids[i],
			want_new[i] ? "was not restarted" : "was restarted");
		hearth_cap_unref(before[i]);
		hearth_cap_unref(after[i]);
	}
	stop(tree, ref);
}

/* ---- tests ---- */

HT_TEST(supervisor_one_for_one)
{
	static const bool want[NKIDS] = {false, true, false};

	strategy("sup_one_for_one", want);
}

HT_TEST(supervisor_one_for_all)
{
	static const bool want[NKIDS] = {true, true, true};

	strategy("sup_one_for_all", want);
}

HT_TEST(supervisor_rest_for_one)
{
	static const bool want[NKIDS] = {false, true, true};

	strategy("sup_rest_for_one", want);
}

/* 2 restarts allowed: the third crash ends the tree, children included */
HT_TEST(supervisor_intensity)
{
	hearth_cap tree, kids[NKIDS];
	uint64_t ref, kref[NKIDS];
	hearth_msg m;
	int i, downs = 0;

	tree = start("sup_fragile", &ref);
	settle(tree, 0, 0);
	crash(tree, 1);
	settle(tree, 1, 1);
	crash(tree, 1);
	settle(tree, 1, 2);
	for (i = 0; i < NKIDS; i++) {
		kids[i] = child(tree, ids[i]);
		HT_ASSERT(kids[i] >= 0);
		HT_ASSERT_OK(hearth_monitor(kids[i], 0, &kref[i]));
	}
	crash(tree, 1); /* b's down is seen inside crash() */
	for (;;) {
		HT_ASSERT_OK(hearth_recv(0, 20 * HEARTH_SEC, &m));
		if (m.kind == HEARTH_SIG_DOWN && m.ref == ref)
			break;
		if (m.kind == HEARTH_SIG_DOWN &&
		    (m.ref == kref[0] || m.ref == kref[1] || m.ref == kref[2]))
			downs++;
		hearth_msg_free(&m);
	}
	HT_ASSERT_EQ(m.reason, HEARTH_EXIT_ERROR);
	HT_ASSERT_MSG(strstr(m.reason_text, "restart intensity exceeded"),
		      "reason: %s", m.reason_text);
	hearth_msg_free(&m);
	/* a and c were stopped before the supervisor exited (b had died) */
	while (downs < NKIDS) {
		HT_ASSERT_OK(hearth_recv(0, 20 * HEARTH_SEC, &m));
		if (m.kind == HEARTH_SIG_DOWN)
			downs++;
		hearth_msg_free(&m);
	}
	for (i = 0; i < NKIDS; i++)
		hearth_cap_unref(kids[i]);
	hearth_cap_unref(tree);
}

/* a permanent, b transient, c temporary */
HT_TEST(supervisor_restart_types)
{
	bool running[NKIDS];
	uint32_t restarts[NKIDS];
	hearth_cap tree, b;
	uint64_t ref, bref;
	hearth_msg m;

	tree = start("sup_mixed", &ref);
	settle(tree, 0, 0);
	/* transient b that quits normally stays down */
	b = child(tree, "b");
	HT_ASSERT_OK(hearth_monitor(b, 0, &bref));
	HT_ASSERT_OK(hearth_send(b, "\x91\xa4quit", 6, NULL, 0));
	for (;;) {
		HT_ASSERT_OK(hearth_recv(0, 20 * HEARTH_SEC, &m));
		if (m.kind == HEARTH_SIG_DOWN && m.ref == bref)
			break;
		hearth_msg_free(&m);
	}
	hearth_msg_free(&m);
	hearth_cap_unref(b);
	/* temporary c that crashes stays down */
	crash(tree, 2);
	/* permanent a that crashes comes back */
	crash(tree, 0);
	for (int tries = 0;; tries++) {
		HT_ASSERT(tries < 1000);
		which(tree, running, restarts);
		if (running[0] && restarts[0] == 1)
			break;
		hearth_sleep(10 * HEARTH_MS);
	}
	HT_ASSERT(!running[1]);
	HT_ASSERT(!running[2]);
	HT_ASSERT_EQ(restarts[1], 0);
	HT_ASSERT_EQ(restarts[2], 0);
	HT_ASSERT_ERR(hearth_registry_get(tree, "c", &b), HB_ENOENT);
	stop(tree, ref);
}

/* The supervisor speaks the registry protocol: children by id, other
 * names from its own registry, register refused. */
HT_TEST(supervisor_names)
{
	hearth_cap tree, c, self;
	hearth_names names;
	uint64_t ref;

	tree = start("sup_one_for_one", &ref);
	settle(tree, 0, 0);
	HT_ASSERT_OK(hearth_registry_list(tree, &names));
	HT_ASSERT_EQ(names.n, NKIDS);
	HT_ASSERT_STREQ(names.names[0], "a");
	HT_ASSERT_STREQ(names.names[2], "c");
	hearth_names_free(&names);
	HT_ASSERT_OK(hearth_registry_get(tree, "a", &c));
	HT_ASSERT_EQ(hearth_cap_perms(c),
		     HEARTH_PERM_SEND | HEARTH_PERM_MONITOR);
	hearth_cap_unref(c);
	HT_ASSERT_OK(hearth_registry_get(tree, "wasm-spawner", &c));
	hearth_cap_unref(c);
	HT_ASSERT_ERR(hearth_registry_get(tree, "zzz", &c), HB_ENOENT);
	HT_ASSERT_OK(hearth_self(HEARTH_PERM_SEND, &self));
	HT_ASSERT_ERR(hearth_registry_register(tree, "me", self), HB_EPERM);
	hearth_cap_unref(self);
	stop(tree, ref);
}

/* When whoever linked to the supervisor dies abnormally, the supervisor
 * stops its children and exits too. */
HT_TEST(supervisor_follows_its_parent)
{
	hearth_cap caps[2] = {HEARTH_REGISTRY, HEARTH_CAP_NONE}, sp, parent;
	hearth_cap tree, kid;
	hearth_spawn_opts o = {.entry = "sup_parent", .caps = caps, .ncaps = 2};
	uint64_t tref, kref;
	hearth_msg m;
	int downs = 0;

	HT_ASSERT_OK(hearth_self(HEARTH_PERM_SEND, &caps[1]));
	HT_ASSERT_OK(hearth_spawner(HEARTH_REGISTRY, &sp));
	HT_ASSERT_OK(hearth_spawn(sp, &o, &parent, NULL, 0));
	HT_ASSERT_OK(hearth_recv(0, 20 * HEARTH_SEC, &m));
	HT_ASSERT_STRNEQ(m.data, m.len, "tree");
	tree = hearth_msg_take_cap(&m, 0);
	hearth_msg_free(&m);
	settle(tree, 0, 0);
	kid = child(tree, "a");
	HT_ASSERT_OK(hearth_monitor(tree, 0, &tref));
	HT_ASSERT_OK(hearth_monitor(kid, 0, &kref));
	HT_ASSERT_OK(hearth_send(parent, "die", 3, NULL, 0));
	while (downs < 2) {
		HT_ASSERT_OK(hearth_recv(0, 20 * HEARTH_SEC, &m));
		if (m.kind == HEARTH_SIG_DOWN &&
		    (m.ref == tref || m.ref == kref))
			downs++;
		hearth_msg_free(&m);
	}
	hearth_cap_unref(kid);
	hearth_cap_unref(tree);
	hearth_cap_unref(parent);
	hearth_cap_unref(sp);
	hearth_cap_unref(caps[1]);
}
