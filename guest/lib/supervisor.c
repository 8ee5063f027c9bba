/* supervisor.c — hearth_supervise: start children linked to this process,
 * learn of their deaths as exit signals (exits are trapped), restart them by
 * strategy within the restart intensity, and answer get/list/which/stop.
 *
 * Invariants: ch[i].cap is the all-permission handle of child i's current
 * incarnation, or HEARTH_CAP_NONE when it is not running. Every child ever
 * started produces exactly one exit signal on mailbox 0 (it is linked and
 * we trap exits). A child we stop is monitored on a private mailbox and its
 * handle moves to the graveyard once its down arrives; its exit signal,
 * arriving later, is recognised there and dropped. An exit from a linked
 * process that is neither a child nor in the graveyard comes from whoever
 * linked to us (our parent): if abnormal, we stop. */
#include <stdlib.h>
#include <string.h>

#include "hearth/limits.h"
#include "sdk_int.h"

#define DEFAULT_SHUTDOWN (5 * HEARTH_SEC)
#define MAX_INTENSITY	 10000 /* restart stamps kept */

typedef struct sup_child {
	hearth_cap cap;
	uint32_t restarts;
} sup_child;

typedef struct sup {
	const hearth_sup_spec *spec;
	sup_child *ch;
	hearth_cap *grave; /* stopped children whose exit is still due */
	uint32_t ngrave, grave_cap;
	int64_t *stamps; /* ring of the last max_restarts restart times */
	uint32_t nstamps, next_stamp;
	uint32_t stop_mb; /* where downs of children we stop arrive */
	bool stop_requested;
} sup;

static const char *child_id(const sup *s, uint32_t i)
{
	return s->spec->children[i].id;
}

static void notify(sup *s, uint32_t i, hearth_cap c)
{
	if (s->spec->on_child)
		s->spec->on_child(s->spec->ud, i, c);
}

static int start_child(sup *s, uint32_t i)
{
	const hearth_child_spec *c = &s->spec->children[i];
	hearth_spawn_opts o = c->spawn;
	char why[128];
	int rc;

	o.link = true;
	if (!o.name)
		o.name = c->id;
	rc = hearth_spawn(s->spec->spawner, &o, &s->ch[i].cap, why, sizeof why);
	if (rc) {
		s->ch[i].cap = HEARTH_CAP_NONE;
		hearth_warn("supervisor: cannot start %s: %s%s%s", c->id,
			    hb_strerror(rc), why[0] ? ": " : "", why);
		return rc;
	}
	hearth_debug("supervisor: started %s", c->id);
	notify(s, i, s->ch[i].cap);
	return 0;
}

static int grave_add(sup *s, hearth_cap c)
{
	if (s->ngrave == s->grave_cap) {
		uint32_t n = s->grave_cap ? 2 * s->grave_cap : 8;
		hearth_cap *g = realloc(s->grave, n * sizeof *g);

		if (!g)
			return HB_ENOMEM;
		s->grave = g;
		s->grave_cap = n;
	}
	s->grave[s->ngrave++] = c;
	return 0;
}

/* Kill child i (if running) and wait for its down. */
static void stop_child(sup *s, uint32_t i)
{
	hearth_cap c = s->ch[i].cap;
	uint64_t ref;
	int64_t timeout = s->spec->shutdown_ns > 0 ? s->spec->shutdown_ns
						   : DEFAULT_SHUTDOWN;
	hearth_msg m;
	int rc;

	if (c < 0)
		return;
	rc = hearth_monitor(c, s->stop_mb, &ref);
	if (!rc)
		rc = hearth_kill(c);
	while (!rc) {
		rc = hearth_recv(s->stop_mb, timeout, &m);
		if (rc)
			break;
		if (m.kind == HEARTH_SIG_DOWN && m.ref == ref) {
			hearth_msg_free(&m);
			break;
		}
		hearth_msg_free(&m);
	}
	if (rc)
		hearth_warn("supervisor: stopping %s: %s", child_id(s, i),
			    hb_strerror(rc));
	s->ch[i].cap = HEARTH_CAP_NONE;
	if (grave_add(s, c))
		hearth_cap_unref(c); /* its exit will look foreign: normal */
	notify(s, i, HEARTH_CAP_NONE);
}

static void stop_all(sup *s)
{
	uint32_t i = s->spec->nchildren;

	while (i-- > 0)
		stop_child(s, i);
}

/* Record a restart; false when it would exceed the intensity. */
static bool may_restart(sup *s)
{
	int64_t now = hearth_now();
	uint32_t i, recent = 0;

	for (i = 0; i < s->nstamps; i++)
		if (now - s->stamps[i] < s->spec->period_ns)
			recent++;
	if (recent >= s->spec->max_restarts)
		return false;
	if (s->nstamps < s->spec->max_restarts) {
		s->stamps[s->nstamps++] = now;
	} else {
		s->stamps[s->next_stamp] = now;
		s->next_stamp = (s->next_stamp + 1) % s->spec->max_restarts;
	}
	return true;
}

static bool wants_restart(int restart, int32_t reason)
{
	return restart == HEARTH_PERMANENT ||
	       (restart == HEARTH_TRANSIENT && reason != HEARTH_EXIT_NORMAL);
}

/* Child i died with reason (its handle is already released). Restart by
 * strategy. Returns 0, or HB_ELIMIT when the intensity is exceeded. */
static int child_died(sup *s, uint32_t i, int32_t reason)
{
	const hearth_sup_spec *sp = s->spec;
	uint32_t first, j;

	if (!wants_restart(sp->children[i].restart, reason))
		return 0;
	for (;;) {
		if (!may_restart(s)) {
			hearth_error("supervisor: restart intensity exceeded "
				     "(%u in %lld ms): giving up",
				     sp->max_restarts,
				     (long long)(sp->period_ns / HEARTH_MS));
			return HB_ELIMIT;
		}
		s->ch[i].restarts++;
		first = i;
		if (sp->strategy == HEARTH_ONE_FOR_ALL)
			first = 0;
		if (sp->strategy != HEARTH_ONE_FOR_ONE) {
			/* stop the others in the range, last started first */
			for (j = sp->nchildren; j-- > first;)
				if (j != i)
					stop_child(s, j);
		}
		if (sp->strategy == HEARTH_ONE_FOR_ONE) {
			if (start_child(s, i) == 0)
				return 0;
			continue; /* a failed start counts as a death */
		}
		for (j = first; j < sp->nchildren; j++) {
			if (j != i &&
			    sp->children[j].restart == HEARTH_TEMPORARY)
				continue;
			if (start_child(s, j) != 0)
				break;
		}
		if (j == sp->nchildren)
			return 0;
		i = j; /* the one that failed to start */
	}
}

static int find_child(const sup *s, hearth_cap dead)
{
	uint32_t i;

	for (i = 0; i < s->spec->nchildren; i++)
		if (hearth_same_target(s->ch[i].cap, dead))
			return (int)i;
	return -1;
}

static bool grave_take(sup *s, hearth_cap dead)
{
	uint32_t i;

	for (i = 0; i < s->ngrave; i++) {
		if (hearth_same_target(s->grave[i], dead)) {
			hearth_cap_unref(s->grave[i]);
			s->grave[i] = s->grave[--s->ngrave];
			return true;
		}
	}
	return false;
}

static int find_id(const sup *s, const char *name, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < s->spec->nchildren; i++)
		if (strlen(child_id(s, i)) == len &&
		    memcmp(child_id(s, i), name, len) == 0)
			return (int)i;
	return -1;
}

static void answer_get(sup *s, const hearth_msg *m, const char *name,
		       uint32_t len)
{
	int i = find_id(s, name, len), rc;
	hearth_cap give;
	char cname[HR_MAX_SERVICE_NAME + 1];

	if (i < 0 && s->spec->registry >= 0 && len < sizeof cname) {
		memcpy(cname, name, len);
		cname[len] = 0;
		rc = hearth_registry_get(s->spec->registry, cname, &give);
		if (rc) {
			hearth_reply_err(m, rc, NULL);
			return;
		}
		hearth_reply_ok(m, &give, 1);
		hearth_cap_unref(give);
		return;
	}
	if (i < 0 || s->ch[i].cap < 0) {
		hearth_reply_err(m, HB_ENOENT,
				 i < 0 ? "no such child" : "child not running");
		return;
	}
	if (hearth_cap_demote(s->ch[i].cap,
			      HEARTH_PERM_SEND | HEARTH_PERM_MONITOR, &give)) {
		hearth_reply_err(m, HB_EPERM, NULL);
		return;
	}
	hearth_reply_ok(m, &give, 1);
	hearth_cap_unref(give);
}

static void answer_list(sup *s, const hearth_msg *m, bool which)
{
	uint32_t i, n = 0;
	hb_buf b;

	for (i = 0; i < s->spec->nchildren; i++)
		n += which || s->ch[i].cap >= 0;
	hb_buf_init(&b);
	hearth_put_ok(&b, 1);
	hb_mp_put_array(&b, n);
	for (i = 0; i < s->spec->nchildren; i++) {
		if (which) {
			hb_mp_put_array(&b, 3);
			hb_mp_put_cstr(&b, child_id(s, i));
			hb_mp_put_bool(&b, s->ch[i].cap >= 0);
			hb_mp_put_uint(&b, s->ch[i].restarts);
		} else if (s->ch[i].cap >= 0) {
			hb_mp_put_cstr(&b, child_id(s, i));
		}
	}
	if (hearth_reply_buf(m, &b, NULL, 0))
		hearth_warn("supervisor: reply failed");
	hb_buf_deinit(&b);
}

static void answer(sup *s, const hearth_msg *m)
{
	hb_mp_reader r;
	hb_mp_item it;
	uint32_t n, len;
	const char *name;
	int op;

	if (hearth_msg_cap(m, 0) < 0)
		return; /* no reply address: nothing to say */
	if (hearth_registry_parse(m, &op, &name, &len) == 0) {
		if (op == HEARTH_REG_GET)
			answer_get(s, m, name, len);
		else if (op == HEARTH_REG_LIST)
			answer_list(s, m, false);
		else
			hearth_reply_err(m, HB_EPERM,
					 "a supervisor names its children");
		return;
	}
	hearth_msg_reader(m, &r);
	if (hb_mp_get_array(&r, &n) == 0 && n == 1 &&
	    hb_mp_next(&r, &it) == 0) {
		if (hb_mp_str_eq(&it, "which")) {
			answer_list(s, m, true);
			return;
		}
		if (hb_mp_str_eq(&it, "stop")) {
			hearth_reply_ok(m, NULL, 0);
			s->stop_requested = true;
			return;
		}
	}
	hearth_reply_err(m, HB_EMALFORMED, "unknown request");
}

static int check_spec(const hearth_sup_spec *sp)
{
	uint32_t i, j;

	if (sp->strategy < HEARTH_ONE_FOR_ONE ||
	    sp->strategy > HEARTH_REST_FOR_ONE ||
	    sp->max_restarts > MAX_INTENSITY || sp->period_ns < 0 ||
	    (sp->nchildren && !sp->children))
		return HB_EINVAL;
	for (i = 0; i < sp->nchildren; i++) {
		const hearth_child_spec *c = &sp->children[i];

		if (!c->id || !c->id[0] || !c->spawn.entry ||
		    c->restart < HEARTH_PERMANENT ||
		    c->restart > HEARTH_TEMPORARY)
			return HB_EINVAL;
		for (j = 0; j < i; j++)
			if (strcmp(sp->children[j].id, c->id) == 0)
				return HB_EINVAL;
	}
	return 0;
}

/* The receive loop; returns why it ended. */
static int loop(sup *s)
{
	hearth_msg m;
	int rc, i;

	while (!s->stop_requested) {
		rc = hearth_recv(0, HEARTH_FOREVER, &m);
		if (rc == HB_ELIMIT || rc == HB_ENOMEM)
			continue; /* the host says why; try again */
		if (rc)
			return rc;
		rc = 0;
		if (m.kind == HEARTH_SIG_MESSAGE) {
			answer(s, &m);
		} else if (m.kind == HEARTH_SIG_EXIT) {
			hearth_cap dead = hearth_msg_cap(&m, 0);

			i = find_child(s, dead);
			if (i >= 0) {
				hearth_info("supervisor: %s exited (%s%s%s)",
					    child_id(s, (uint32_t)i),
					    hearth_exit_name(m.reason),
					    m.reason_text[0] ? ": " : "",
					    m.reason_text);
				hearth_cap_unref(s->ch[i].cap);
				s->ch[i].cap = HEARTH_CAP_NONE;
				notify(s, (uint32_t)i, HEARTH_CAP_NONE);
				rc = child_died(s, (uint32_t)i, m.reason);
			} else if (!grave_take(s, dead) &&
				   m.reason != HEARTH_EXIT_NORMAL) {
				hearth_warn("supervisor: a linked process "
					    "exited (%s): stopping",
					    hearth_exit_name(m.reason));
				rc = HB_EDEAD;
			}
		}
		hearth_msg_free(&m);
		if (rc)
			return rc;
	}
	return 0;
}

int hearth_supervise(const hearth_sup_spec *sp)
{
	sup s;
	bool trapped;
	uint32_t i;
	int rc;

	rc = check_spec(sp);
	if (rc)
		return rc;
	memset(&s, 0, sizeof s);
	s.spec = sp;
	s.ch = calloc(sp->nchildren ? sp->nchildren : 1, sizeof *s.ch);
	s.stamps = calloc(sp->max_restarts ? sp->max_restarts : 1,
			  sizeof *s.stamps);
	if (!s.ch || !s.stamps) {
		rc = HB_ENOMEM;
		goto out;
	}
	for (i = 0; i < sp->nchildren; i++)
		s.ch[i].cap = HEARTH_CAP_NONE;
	rc = hearth_mailbox_new(&s.stop_mb);
	if (rc)
		goto out;
	trapped = hearth_trap_exits(true);
	for (i = 0; i < sp->nchildren && !rc; i++)
		rc = start_child(&s, i);
	if (!rc)
		rc = loop(&s);
	stop_all(&s);
	hearth_trap_exits(trapped);
	hearth_mailbox_free(s.stop_mb);
out:
	for (i = 0; i < s.ngrave; i++)
		hearth_cap_unref(s.grave[i]);
	free(s.grave);
	free(s.stamps);
	free(s.ch);
	return rc;
}
