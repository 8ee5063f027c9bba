/* registry.c — registries: native processes answering get / register /
 * list in MessagePack (docs/runtime.md, "Registry protocol"). Requests
 * come from untrusted processes: the parser is bounded and fuzzed
 * (fuzz/fuzz_rt_registry.c). */
#include <stdlib.h>
#include <string.h>

#include "hearth/msgpack.h"
#include "rt_int.h"

/* ---- wire ---- */

static bool name_ok(const char *s, uint32_t len)
{
	return len > 0 && len <= HR_MAX_SERVICE_NAME && !memchr(s, 0, len);
}

int hr__registry_parse(const uint8_t *data, size_t len, hr_reg_req *out)
{
	hb_mp_reader r;
	const char *op;
	uint32_t n, oplen;

	memset(out, 0, sizeof *out);
	hb_mp_reader_init(&r, data, len);
	if (hb_mp_get_array(&r, &n) || n < 1 || n > 2)
		return HB_EMALFORMED;
	if (hb_mp_get_str(&r, &op, &oplen))
		return HB_EMALFORMED;
	if (oplen == 3 && !memcmp(op, "get", 3))
		out->op = HR_REG_GET;
	else if (oplen == 8 && !memcmp(op, "register", 8))
		out->op = HR_REG_REGISTER;
	else if (oplen == 4 && !memcmp(op, "list", 4))
		out->op = HR_REG_LIST;
	else
		return HB_EMALFORMED;
	if (out->op == HR_REG_LIST) {
		if (n != 1)
			return HB_EMALFORMED;
	} else {
		if (n != 2 || hb_mp_get_str(&r, &out->name, &out->name_len))
			return HB_EMALFORMED;
		if (!name_ok(out->name, out->name_len))
			return out->name_len > HR_MAX_SERVICE_NAME
				       ? HB_ELIMIT
				       : HB_EMALFORMED;
	}
	return hb_mp_done(&r) ? 0 : HB_EMALFORMED;
}

void hr_registry_put_get(hb_buf *b, const char *name)
{
	hb_mp_put_array(b, 2);
	hb_mp_put_cstr(b, "get");
	hb_mp_put_cstr(b, name);
}

void hr_registry_put_register(hb_buf *b, const char *name)
{
	hb_mp_put_array(b, 2);
	hb_mp_put_cstr(b, "register");
	hb_mp_put_cstr(b, name);
}

void hr_registry_put_list(hb_buf *b)
{
	hb_mp_put_array(b, 1);
	hb_mp_put_cstr(b, "list");
}

int hr_registry_reply(const uint8_t *data, size_t len, const uint8_t **names,
		      uint32_t *count)
{
	hb_mp_reader r;
	const char *tag;
	uint32_t n, tl, k;
	int64_t code;

	if (names)
		*names = NULL;
	if (count)
		*count = 0;
	hb_mp_reader_init(&r, data, len);
	if (hb_mp_get_array(&r, &n) || n < 1 || hb_mp_get_str(&r, &tag, &tl))
		return HB_EMALFORMED;
	if (tl == 2 && !memcmp(tag, "ok", 2)) {
		if (n >= 2 && hb_mp_peek(&r) == HB_MP_ARRAY) {
			if (hb_mp_get_array(&r, &k))
				return HB_EMALFORMED;
			if (names)
				*names = r.p;
			if (count)
				*count = k;
		}
		return 0;
	}
	if (tl == 3 && !memcmp(tag, "err", 3)) {
		if (n < 2 || hb_mp_get_int(&r, &code))
			return HB_EMALFORMED;
		if (code >= 0 || code < HB__ERR_MIN)
			return HB_EPROTO;
		return (int)code;
	}
	return HB_EMALFORMED;
}

int hr_reply_ok(hr_ctx *cx, const hr_msg *m, const hr_handle *caps,
		uint32_t ncaps)
{
	static const uint8_t ok[] = {0x91, 0xa2, 'o', 'k'};

	return hr_reply(cx, m, ok, sizeof ok, caps, ncaps);
}

int hr_reply_err(hr_ctx *cx, const hr_msg *m, int err)
{
	uint8_t buf[128];
	hb_buf b = {.data = buf, .cap = sizeof buf, .max = sizeof buf};

	hb_mp_put_array(&b, 3);
	hb_mp_put_cstr(&b, "err");
	hb_mp_put_int(&b, err);
	hb_mp_put_cstr(&b, hb_strerror(err));
	if (b.err)
		return b.err;
	return hr_reply(cx, m, buf, b.len, NULL, 0);
}

/* ---- the registry process ---- */

typedef struct reg_entry {
	char *name;
	hr_handle h;	/* the registered capability */
	hr_handle give; /* h demoted to (SEND|MONITOR) & its perms */
} reg_entry;

typedef struct reg_state {
	hr_rt *rt;
	bool mutable_;
	uint32_t n, cap;
	reg_entry *e;	  /* sorted by name */
	uint32_t *init_h; /* entry i -> initial handle, until init */
} reg_state;

static int entry_cmp(const char *a, const char *b, uint32_t blen)
{
	int c = strncmp(a, b, blen);

	if (c)
		return c;
	return a[blen] ? 1 : 0;
}

/* Index of name, or -(insertion point) - 1. */
static long reg_find(const reg_state *st, const char *name, uint32_t len)
{
	long lo = 0, hi = (long)st->n - 1;

	while (lo <= hi) {
		long mid = (lo + hi) / 2;
		int c = entry_cmp(st->e[mid].name, name, len);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -lo - 1;
}

static void reg_state_free(reg_state *st)
{
	uint32_t i;

	if (!st)
		return;
	for (i = 0; i < st->n; i++)
		hr__free(st->rt, st->e[i].name);
	hr__free(st->rt, st->e);
	hr__free(st->rt, st->init_h);
	hr__free(st->rt, st);
}

static int reg_give(hr_ctx *cx, hr_handle h, hr_handle *give)
{
	int perms = hr_perms(cx, h);

	if (perms < 0)
		return perms;
	return hr_demote(cx, h,
			 (unsigned)perms & (HR_PERM_SEND | HR_PERM_MONITOR),
			 give);
}

static int reg_init(hr_ctx *cx, void *state)
{
	reg_state *st = state;
	uint32_t i;
	int rc;

	for (i = 0; i < st->n; i++) {
		st->e[i].h = (hr_handle)st->init_h[i];
		rc = reg_give(cx, st->e[i].h, &st->e[i].give);
		if (rc)
			return rc;
	}
	hr__free(st->rt, st->init_h);
	st->init_h = NULL;
	return 0;
}

static void reg_terminate(hr_ctx *cx, void *state, const hr_reason *why)
{
	(void)cx;
	(void)why;
	reg_state_free(state);
}

static int reg_list(hr_ctx *cx, reg_state *st, const hr_msg *m)
{
	hb_buf b;
	uint32_t i;
	int rc;

	hb_buf_init(&b);
	b.max = cx->lim.msg_bytes;
	hb_mp_put_array(&b, 2);
	hb_mp_put_cstr(&b, "ok");
	hb_mp_put_array(&b, st->n);
	for (i = 0; i < st->n; i++)
		hb_mp_put_cstr(&b, st->e[i].name);
	rc = b.err ? (b.err == HB_ELIMIT ? HB_ETOOBIG : b.err)
		   : hr_reply(cx, m, b.data, b.len, NULL, 0);
	hb_buf_deinit(&b);
	return rc;
}

static int reg_register(hr_ctx *cx, reg_state *st, const hr_reg_req *q,
			const hr_msg *m, bool *kept)
{
	reg_entry e;
	long at;
	int rc;

	if (!st->mutable_)
		return HB_EPERM;
	if (m->ncaps < 2 || m->caps[1] < 0)
		return HB_EINVAL;
	at = reg_find(st, q->name, q->name_len);
	if (at >= 0)
		return HB_EEXIST;
	if (st->n >= HR_MAX_REGISTRY_ENTRIES)
		return HB_ELIMIT;
	if (st->n == st->cap) {
		uint32_t nc = st->cap ? st->cap * 2 : 8;
		reg_entry *ne = hr__realloc(st->rt, st->e, nc * sizeof *ne);

		if (!ne)
			return HB_ENOMEM;
		st->e = ne;
		st->cap = nc;
	}
	e.name = hr__alloc(st->rt, q->name_len + 1);
	if (!e.name)
		return HB_ENOMEM;
	memcpy(e.name, q->name, q->name_len);
	e.name[q->name_len] = 0;
	e.h = m->caps[1];
	rc = reg_give(cx, e.h, &e.give);
	if (rc) {
		hr__free(st->rt, e.name);
		return rc;
	}
	at = -at - 1;
	memmove(&st->e[at + 1], &st->e[at], (st->n - (size_t)at) * sizeof e);
	st->e[at] = e;
	st->n++;
	*kept = true; /* the registry keeps the service's reference */
	return 0;
}

static void reg_message(hr_ctx *cx, void *state, const hr_msg *m)
{
	reg_state *st = state;
	hr_reg_req q;
	bool kept = false;
	uint32_t i;
	long at;
	int rc;

	if (m->kind != HR_MSG_DATA)
		goto release;
	rc = hr__registry_parse(m->data, m->len, &q);
	if (!rc && (m->ncaps < 1 || m->caps[0] < 0))
		rc = HB_EINVAL; /* no reply address */
	if (!rc) {
		switch (q.op) {
		case HR_REG_GET:
			at = reg_find(st, q.name, q.name_len);
			if (at < 0)
				rc = HB_ENOENT;
			else
				rc = hr_reply_ok(cx, m, &st->e[at].give, 1);
			break;
		case HR_REG_REGISTER:
			rc = reg_register(cx, st, &q, m, &kept);
			if (!rc)
				rc = hr_reply_ok(cx, m, NULL, 0);
			break;
		case HR_REG_LIST:
			rc = reg_list(cx, st, m);
			break;
		}
	}
	if (rc && m->ncaps >= 1 && m->caps[0] >= 0 &&
	    hr_reply_err(cx, m, rc) == 0)
		rc = 0;
	if (rc)
		hr_log(cx, HR_LOG_WARN, "request dropped: %s", hb_strerror(rc));
release:
	/* imported capabilities not kept are released */
	for (i = 0; i < m->ncaps; i++)
		if (m->caps[i] >= 0 && !(kept && i == 1))
			hr_ref_dec(cx, m->caps[i]);
}

static const hr_kind registry_kind = {
	.name = "registry",
	.init = reg_init,
	.on_message = reg_message,
	.terminate = reg_terminate,
};

/* Build the state and the initial handle list, deduplicated by handle
 * (distinct handles always name distinct (target, perms) pairs). */
static int reg_prepare(hr_rt *rt, const hr_registry_entry *e, uint32_t n,
		       bool mutable_, reg_state **out, hr_handle **hs,
		       uint32_t *nh)
{
	reg_state *st;
	hr_handle *h = NULL;
	uint32_t i, j, k = 0;

	*out = NULL;
	*hs = NULL;
	*nh = 0;
	if (n > HR_MAX_REGISTRY_ENTRIES || (n && !e))
		return HB_EINVAL;
	st = hr__alloc(rt, sizeof *st);
	if (!st)
		return HB_ENOMEM;
	memset(st, 0, sizeof *st);
	st->rt = rt;
	st->mutable_ = mutable_;
	if (n) {
		st->e = hr__alloc(rt, n * sizeof *st->e);
		st->init_h = hr__alloc(rt, n * sizeof *st->init_h);
		h = hr__alloc(rt, n * sizeof *h);
		if (!st->e || !st->init_h || !h)
			goto nomem;
		st->cap = n;
	}
	for (i = 0; i < n; i++) {
		size_t len;
		long at;

		if (!e[i].name)
			goto inval;
		len = strlen(e[i].name);
		if (!name_ok(e[i].name, (uint32_t)(len > UINT32_MAX ? 0 : len)))
			goto inval;
		at = reg_find(st, e[i].name, (uint32_t)len);
		if (at >= 0)
			goto inval; /* duplicate name */
		for (j = 0; j < k && h[j] != e[i].cap; j++)
			;
		if (j == k)
			h[k++] = e[i].cap;
		at = -at - 1;
		memmove(&st->e[at + 1], &st->e[at],
			(st->n - (size_t)at) * sizeof *st->e);
		memmove(&st->init_h[at + 1], &st->init_h[at],
			(st->n - (size_t)at) * sizeof *st->init_h);
		st->e[at].name = hr__strdup(rt, e[i].name, len);
		st->e[at].h = st->e[at].give = HR_HANDLE_NONE;
		st->init_h[at] = j;
		st->n++;
		if (!st->e[at].name)
			goto nomem;
	}
	*out = st;
	*hs = h;
	*nh = k;
	return 0;
nomem:
	hr__free(rt, h);
	reg_state_free(st);
	return HB_ENOMEM;
inval:
	hr__free(rt, h);
	reg_state_free(st);
	return HB_EINVAL;
}

static int reg_spawn(hr_rt *rt, hr_ctx *cx, const hr_registry_entry *e,
		     uint32_t n, bool mutable_, hr_handle *reg)
{
	hr_spawn_opts o;
	reg_state *st;
	hr_handle *hs;
	uint32_t nh;
	int rc;

	rc = reg_prepare(rt, e, n, mutable_, &st, &hs, &nh);
	if (rc)
		return rc;
	memset(&o, 0, sizeof o);
	o.kind = &registry_kind;
	o.state = st;
	o.name = mutable_ ? "registry" : "registry (immutable)";
	o.caps = hs;
	o.ncaps = nh;
	rc = cx ? hr_spawn(cx, &o, reg) : hr_host_spawn(rt, &o, reg);
	hr__free(rt, hs);
	if (rc)
		reg_state_free(st);
	return rc;
}

int hr_registry_spawn(hr_ctx *cx, const hr_registry_entry *e, uint32_t n,
		      bool mutable_, hr_handle *reg)
{
	return reg_spawn(cx->rt, cx, e, n, mutable_, reg);
}

int hr_host_registry_spawn(hr_rt *rt, const hr_registry_entry *e, uint32_t n,
			   bool mutable_, hr_handle *reg)
{
	return reg_spawn(rt, NULL, e, n, mutable_, reg);
}
