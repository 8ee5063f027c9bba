/* chat.c — example: a chat room where capabilities are identities.
 *
 * `room` is the service. On its mailbox 0:
 *   ["join", name] caps [reply, inbox]  -> ["ok"] caps [session]
 *   ["members"]    caps [reply]         -> ["ok", [name...]]
 * The room makes one mailbox per member; the session capability (SEND) is
 * the member's voice, so nobody can speak under another's name:
 *   ["say", text]   -> everyone's inbox gets ["msg", name, text]
 *   ["leave"]       -> everyone gets ["left", name]
 * The room monitors each inbox (it must carry MONITOR): a member that dies
 * leaves too. Joins are announced as ["joined", name].
 *
 * `main` spawns a room and CHATTERS `chatter` processes that each say
 * LINES lines and check that they hear every line of everyone, in each
 * speaker's order; `bot` is the endless version used by the init demo. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

#define MAX_MEMBERS 60 /* one poll covers mailbox 0 and every session */
#define CHATTERS    3
#define LINES	    5

typedef struct member {
	char name[32];
	uint32_t mb;	  /* its session mailbox */
	hearth_cap inbox; /* where it hears the room */
	uint64_t ref;	  /* our monitor on it */
} member;

typedef struct room {
	member m[MAX_MEMBERS];
	uint32_t n;
} room;

static void broadcast(room *r, const char *kind, const char *name,
		      const char *text, size_t len)
{
	hb_buf b;
	uint32_t i;

	hb_buf_init(&b);
	hb_mp_put_array(&b, text ? 3 : 2);
	hb_mp_put_cstr(&b, kind);
	hb_mp_put_cstr(&b, name);
	if (text)
		hb_mp_put_str(&b, text, len);
	for (i = 0; i < r->n; i++) {
		int rc = hearth_send_buf(r->m[i].inbox, &b, NULL, 0);

		if (rc && rc != HB_EDEAD)
			hearth_warn("room: to %s: %s", r->m[i].name,
				    hb_strerror(rc));
	}
	hb_buf_deinit(&b);
}

static void drop_member(room *r, uint32_t i, bool demonitor)
{
	char name[32];

	memcpy(name, r->m[i].name, sizeof name);
	if (demonitor)
		hearth_demonitor(r->m[i].ref);
	hearth_mailbox_free(r->m[i].mb);
	hearth_cap_unref(r->m[i].inbox);
	r->m[i] = r->m[--r->n];
	broadcast(r, "left", name, NULL, 0);
}

static void join(room *r, hearth_msg *req, const char *name, uint32_t len)
{
	member *m;
	hearth_cap session;
	uint32_t i;

	if (r->n == MAX_MEMBERS) {
		hearth_reply_err(req, HB_ELIMIT, "the room is full");
		return;
	}
	if (len == 0 || len >= sizeof m->name || hearth_msg_cap(req, 1) < 0) {
		hearth_reply_err(req, HB_EINVAL, "join needs a name and inbox");
		return;
	}
	for (i = 0; i < r->n; i++) {
		if (strlen(r->m[i].name) == len &&
		    memcmp(r->m[i].name, name, len) == 0) {
			hearth_reply_err(req, HB_EEXIST, "name taken");
			return;
		}
	}
	m = &r->m[r->n];
	memcpy(m->name, name, len);
	m->name[len] = 0;
	if (hearth_mailbox_new(&m->mb)) {
		hearth_reply_err(req, HB_ELIMIT, "no mailbox");
		return;
	}
	if (hearth_monitor(hearth_msg_cap(req, 1), 0, &m->ref) ||
	    hearth_mailbox_cap(m->mb, HEARTH_PERM_SEND, &session)) {
		hearth_mailbox_free(m->mb);
		hearth_reply_err(req, HB_EPERM, "the inbox needs MONITOR");
		return;
	}
	broadcast(r, "joined", m->name, NULL, 0);
	m->inbox = hearth_msg_take_cap(req, 1);
	r->n++;
	hearth_reply_ok(req, &session, 1);
	hearth_cap_unref(session);
	hearth_info("room: %s joined (%u here)", m->name, r->n);
}

static void members(room *r, const hearth_msg *req)
{
	hb_buf b;
	uint32_t i;

	hb_buf_init(&b);
	hearth_put_ok(&b, 1);
	hb_mp_put_array(&b, r->n);
	for (i = 0; i < r->n; i++)
		hb_mp_put_cstr(&b, r->m[i].name);
	hearth_reply_buf(req, &b, NULL, 0);
	hb_buf_deinit(&b);
}

static void on_main(room *r, hearth_msg *msg)
{
	hb_mp_reader rd;
	hb_mp_item op;
	uint32_t n, len;
	const char *name;

	if (msg->kind == HEARTH_SIG_DOWN) {
		for (uint32_t i = 0; i < r->n; i++)
			if (r->m[i].ref == msg->ref) {
				hearth_info("room: %s is gone", r->m[i].name);
				drop_member(r, i, false);
				break;
			}
		return;
	}
	if (msg->kind != HEARTH_SIG_MESSAGE || hearth_msg_cap(msg, 0) < 0)
		return;
	hearth_msg_reader(msg, &rd);
	if (hb_mp_get_array(&rd, &n) || n < 1 || hb_mp_next(&rd, &op))
		hearth_reply_err(msg, HB_EMALFORMED, "not a request");
	else if (hb_mp_str_eq(&op, "join") && n == 2 &&
		 hb_mp_get_str(&rd, &name, &len) == 0)
		join(r, msg, name, len);
	else if (hb_mp_str_eq(&op, "members") && n == 1)
		members(r, msg);
	else
		hearth_reply_err(msg, HB_EMALFORMED, "unknown request");
}

static void on_session(room *r, uint32_t i, const hearth_msg *msg)
{
	hb_mp_reader rd;
	hb_mp_item op;
	uint32_t n, len;
	const char *text;

	hearth_msg_reader(msg, &rd);
	if (hb_mp_get_array(&rd, &n) || n < 1 || hb_mp_next(&rd, &op))
		return;
	if (hb_mp_str_eq(&op, "say") && n == 2 &&
	    hb_mp_get_str(&rd, &text, &len) == 0)
		broadcast(r, "msg", r->m[i].name, text, len);
	else if (hb_mp_str_eq(&op, "leave") && n == 1)
		drop_member(r, i, true);
}

HEARTH_ENTRY(room)
{
	static room r; /* one room per process: its state */
	uint32_t mbs[MAX_MEMBERS + 1];
	hearth_msg msg;

	hearth_set_description("chat room: join, say, leave");
	for (;;) {
		uint32_t i;
		int rc;

		mbs[0] = 0;
		for (i = 0; i < r.n; i++)
			mbs[i + 1] = r.m[i].mb;
		rc = hearth_poll(mbs, r.n + 1, HEARTH_FOREVER, &msg);
		if (rc)
			hearth_fail("room: receive: %s", hb_strerror(rc));
		if (msg.index == 0)
			on_main(&r, &msg);
		else if (msg.kind == HEARTH_SIG_MESSAGE)
			on_session(&r, msg.index - 1, &msg);
		hearth_msg_free(&msg);
	}
}

/* ---- members ---- */

/* Join room as name; OUT: *session. */
static int join_room(hearth_cap room_cap, const char *name, hearth_cap *session)
{
	hearth_cap inbox;
	hearth_msg reply;
	char why[64];
	hb_buf b;
	int rc;

	rc = hearth_self(HEARTH_PERM_SEND | HEARTH_PERM_MONITOR, &inbox);
	if (rc)
		return rc;
	hb_buf_init(&b);
	hb_mp_put_array(&b, 2);
	hb_mp_put_cstr(&b, "join");
	hb_mp_put_cstr(&b, name);
	rc = hearth_request_buf(room_cap, &b, &inbox, 1, 5 * HEARTH_SEC,
				&reply);
	hb_buf_deinit(&b);
	hearth_cap_unref(inbox);
	if (rc)
		return rc;
	rc = hearth_reply_status(&reply, NULL, NULL, why, sizeof why);
	if (!rc) {
		*session = hearth_msg_take_cap(&reply, 0);
		if (*session < 0)
			rc = HB_EPROTO;
	}
	hearth_msg_free(&reply);
	return rc;
}

static int say(hearth_cap session, const char *text)
{
	hb_buf b;
	int rc;

	hb_buf_init(&b);
	hb_mp_put_array(&b, 2);
	hb_mp_put_cstr(&b, "say");
	hb_mp_put_cstr(&b, text);
	rc = hearth_send_buf(session, &b, NULL, 0);
	hb_buf_deinit(&b);
	return rc;
}

/* Decode ["msg", name, text] into its parts; false for anything else. */
static bool heard(const hearth_msg *m, const char **name, uint32_t *nlen,
		  const char **text, uint32_t *tlen)
{
	hb_mp_reader r;
	hb_mp_item kind;
	uint32_t n;

	hearth_msg_reader(m, &r);
	return m->kind == HEARTH_SIG_MESSAGE && hb_mp_get_array(&r, &n) == 0 &&
	       n == 3 && hb_mp_next(&r, &kind) == 0 &&
	       hb_mp_str_eq(&kind, "msg") &&
	       hb_mp_get_str(&r, name, nlen) == 0 &&
	       hb_mp_get_str(&r, text, tlen) == 0;
}

/* Send ["kind", index(, n)] to the parent (handle 2). */
static int tell_parent(const char *kind, int64_t index, int64_t n)
{
	hb_buf b;
	int rc;

	hb_buf_init(&b);
	hb_mp_put_array(&b, n >= 0 ? 3 : 2);
	hb_mp_put_cstr(&b, kind);
	hb_mp_put_int(&b, index);
	if (n >= 0)
		hb_mp_put_int(&b, n);
	rc = hearth_send_buf(2, &b, NULL, 0);
	hb_buf_deinit(&b);
	return rc;
}

/* chatter: initial capabilities [registry, room, parent]. Waits for
 * ["start", name, index] on mailbox 0, joins, tells the parent
 * ["joined", index]; on ["go"] says LINES lines; checks that it hears
 * CHATTERS x LINES lines, each speaker's in order; tells the parent
 * ["done", index, heard] and leaves. */
HEARTH_ENTRY(chatter)
{
	int next[CHATTERS] = {0}, got = 0, rc;
	bool spoke = false;
	hearth_cap session;
	char name[32], line[64];
	int64_t index = 0;
	hearth_msg m;

	rc = hearth_recv(0, 10 * HEARTH_SEC, &m);
	if (rc)
		hearth_fail("chatter: no start: %s", hb_strerror(rc));
	{
		hb_mp_reader r;
		hb_mp_item kind;
		const char *s;
		uint32_t n, len;

		hearth_msg_reader(&m, &r);
		if (hb_mp_get_array(&r, &n) || n != 3 ||
		    hb_mp_next(&r, &kind) || !hb_mp_str_eq(&kind, "start") ||
		    hb_mp_get_str(&r, &s, &len) || len >= sizeof name ||
		    hb_mp_get_int(&r, &index) || index < 0 || index >= CHATTERS)
			hearth_fail("chatter: bad start message");
		memcpy(name, s, len);
		name[len] = 0;
		hearth_msg_free(&m);
	}
	hearth_set_name(name);
	rc = join_room(1, name, &session);
	if (!rc)
		rc = tell_parent("joined", index, -1);
	if (rc)
		hearth_fail("%s: join: %s", name, hb_strerror(rc));
	while (got < CHATTERS * LINES || !spoke) {
		const char *who, *text;
		uint32_t wlen, tlen;
		int speaker, seq;

		rc = hearth_recv(0, 10 * HEARTH_SEC, &m);
		if (rc)
			hearth_fail("%s: heard %d lines, then %s", name, got,
				    hb_strerror(rc));
		if (!spoke && m.len == 4 &&
		    memcmp(m.data, "\x91\xa2go", 4) == 0) {
			for (int i = 0; i < LINES; i++) {
				snprintf(line, sizeof line, "%lld:%d",
					 (long long)index, i);
				if (say(session, line))
					hearth_fail("%s: say failed", name);
			}
			spoke = true;
		} else if (heard(&m, &who, &wlen, &text, &tlen)) {
			char tmp[64];

			snprintf(tmp, sizeof tmp, "%.*s", (int)tlen, text);
			if (sscanf(tmp, "%d:%d", &speaker, &seq) != 2 ||
			    speaker < 0 || speaker >= CHATTERS ||
			    seq != next[speaker])
				hearth_fail("%s: out of order: %s", name, tmp);
			next[speaker]++;
			got++;
		}
		hearth_msg_free(&m);
	}
	rc = tell_parent("done", index, got);
	hearth_send(session, "\x91\xa5leave", 7, NULL, 0);
	hearth_cap_unref(session);
	if (rc)
		hearth_fail("%s: cannot report: %s", name, hb_strerror(rc));
}

/* Wait for n ["kind", index(, got)] reports from the chatters. */
static void await_chatters(const char *what, int n)
{
	int seen = 0, rc;

	while (seen < n) {
		hearth_msg m;
		hb_mp_reader r;
		hb_mp_item kind;
		uint32_t items;
		int64_t idx, got = CHATTERS * LINES;

		rc = hearth_recv(0, 30 * HEARTH_SEC, &m);
		if (rc)
			hearth_fail("chat: waiting for %s: %s", what,
				    hb_strerror(rc));
		hearth_msg_reader(&m, &r);
		if (m.kind == HEARTH_SIG_MESSAGE &&
		    !hb_mp_get_array(&r, &items) && items >= 2 &&
		    !hb_mp_next(&r, &kind) && hb_mp_str_eq(&kind, what) &&
		    !hb_mp_get_int(&r, &idx) &&
		    (items == 2 || !hb_mp_get_int(&r, &got))) {
			if (got != CHATTERS * LINES)
				hearth_fail("chatter %lld heard %lld lines",
					    (long long)idx, (long long)got);
			seen++;
		}
		hearth_msg_free(&m);
	}
}

/* Members of a room, by a ["members"] request. */
static uint32_t count_members(hearth_cap room_cap)
{
	static const uint8_t req[] = {0x91, 0xa7, 'm', 'e', 'm',
				      'b',  'e',  'r', 's'};
	hearth_msg reply;
	hb_mp_reader r;
	uint32_t n = 0, count = 0;
	int rc;

	rc = hearth_request(room_cap, req, sizeof req, NULL, 0, 5 * HEARTH_SEC,
			    &reply);
	if (rc)
		hearth_fail("members: %s", hb_strerror(rc));
	if (hearth_reply_status(&reply, &r, &n, NULL, 0) || n != 1 ||
	    hb_mp_get_array(&r, &count))
		hearth_fail("members: bad reply");
	hearth_msg_free(&reply);
	return count;
}

HEARTH_ENTRY(main)
{
	static const char *const names[CHATTERS] = {"ada", "grace", "alan"};
	hearth_spawn_opts o = {.entry = "room", .link = true};
	hearth_cap spawner, room_cap, self, kids[CHATTERS];
	char why[128];
	int rc;

	hearth_set_description("chat room example");
	rc = hearth_spawner(HEARTH_REGISTRY, &spawner);
	if (!rc)
		rc = hearth_spawn(spawner, &o, &room_cap, why, sizeof why);
	if (!rc)
		rc = hearth_self(HEARTH_PERM_SEND, &self);
	if (rc)
		hearth_fail("chat: %s %s", hb_strerror(rc), why);
	for (int i = 0; i < CHATTERS; i++) {
		hearth_cap caps[3] = {HEARTH_REGISTRY, HEARTH_CAP_NONE, self};
		hearth_spawn_opts c = {.entry = "chatter",
				       .caps = caps,
				       .ncaps = 3,
				       .link = true};
		hb_buf b;

		hearth_cap_demote(room_cap, HEARTH_PERM_SEND, &caps[1]);
		rc = hearth_spawn(spawner, &c, &kids[i], why, sizeof why);
		hearth_cap_unref(caps[1]);
		if (rc)
			hearth_fail("spawn chatter: %s %s", hb_strerror(rc),
				    why);
		hb_buf_init(&b);
		hb_mp_put_array(&b, 3);
		hb_mp_put_cstr(&b, "start");
		hb_mp_put_cstr(&b, names[i]);
		hb_mp_put_int(&b, i);
		rc = hearth_send_buf(kids[i], &b, NULL, 0);
		hb_buf_deinit(&b);
		if (rc)
			hearth_fail("start chatter: %s", hb_strerror(rc));
	}
	await_chatters("joined", CHATTERS);
	for (int i = 0; i < CHATTERS; i++)
		if (hearth_send(kids[i], "\x91\xa2go", 4, NULL, 0))
			hearth_fail("chat: go: a chatter is gone");
	await_chatters("done", CHATTERS);
	/* the chatters leave (or die): the room empties */
	for (int tries = 0; count_members(room_cap) != 0; tries++) {
		if (tries == 100)
			hearth_fail("chat: members stay after leaving");
		hearth_sleep(10 * HEARTH_MS);
	}
	hearth_info("chat: %d members each heard all %d lines, in order",
		    CHATTERS, CHATTERS * LINES);
	for (int i = 0; i < CHATTERS; i++)
		hearth_cap_unref(kids[i]);
	hearth_kill(room_cap);
	hearth_cap_unref(room_cap);
	hearth_cap_unref(self);
	hearth_cap_unref(spawner);
}

/* bot: initial capabilities [registry with "chat-room"]. Joins the room
 * under a random name and says something every few seconds, for ever;
 * logs what it hears; rejoins when the room comes back after a crash. */
HEARTH_ENTRY(bot)
{
	static const char *const lines[] = {
		"hello, space", "anyone here?", "the hearth is warm",
		"capabilities are keys", "nice weather in the sandbox"};
	char name[32];
	uint64_t said = 0;

	snprintf(name, sizeof name, "bot-%04x",
		 (unsigned)(hearth_random_u64() & 0xffff));
	hearth_set_name(name);
	for (;;) {
		hearth_cap room_cap, session;
		uint64_t ref;
		int64_t next;

		if (hearth_registry_get(HEARTH_REGISTRY, "chat-room",
					&room_cap) != 0) {
			hearth_sleep(HEARTH_SEC);
			continue;
		}
		if (join_room(room_cap, name, &session) != 0 ||
		    hearth_monitor(room_cap, 0, &ref) != 0) {
			hearth_cap_unref(room_cap);
			hearth_sleep(HEARTH_SEC);
			continue;
		}
		next = hearth_now();
		for (;;) {
			hearth_msg m;
			const char *who, *text;
			uint32_t wlen, tlen;
			int64_t left = next - hearth_now();
			int rc;

			if (left <= 0) {
				say(session, lines[said++ % 5]);
				next = hearth_now() + 3 * HEARTH_SEC +
				       (int64_t)(hearth_random_u64() %
						 (2 * HEARTH_SEC));
				continue;
			}
			rc = hearth_recv(0, left, &m);
			if (rc == HB_ETIMEDOUT)
				continue;
			if (rc)
				hearth_fail("%s: %s", name, hb_strerror(rc));
			if (m.kind == HEARTH_SIG_DOWN && m.ref == ref) {
				hearth_msg_free(&m);
				break; /* the room died: find the new one */
			}
			if (heard(&m, &who, &wlen, &text, &tlen) &&
			    (wlen != strlen(name) || memcmp(who, name, wlen)))
				hearth_debug("%s heard %.*s: %.*s", name,
					     (int)wlen, who, (int)tlen, text);
			hearth_msg_free(&m);
		}
		hearth_cap_unref(session);
		hearth_cap_unref(room_cap);
	}
}
