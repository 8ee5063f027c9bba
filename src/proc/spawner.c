/* spawner.c — the spawner service: a native process answering
 * ["spawn", {...}] requests (docs/guest-abi.md, "Spawning") by spawning
 * Wasm processes. Requests come from untrusted guests: the parser is
 * bounded and fuzzed (fuzz/fuzz_proc_spawner.c). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hearth/msgpack.h"
#include "proc_int.h"

/* ---- wire ---- */

static int perr(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int perr(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

static bool key_is(const char *k, uint32_t kl, const char *want)
{
	return strlen(want) == kl && memcmp(k, want, kl) == 0;
}

/* A non-negative integer that fits max. */
static int get_limit(hb_mp_reader *r, const char *k, uint32_t kl, uint64_t max,
		     uint64_t *out, char *err, size_t errlen)
{
	hb_mp_item it;

	if (hb_mp_next(r, &it) || it.type != HB_MP_INT || it.neg)
		return perr(err, errlen, HB_EMALFORMED,
			    "limit '%.*s' is not a non-negative integer",
			    (int)kl, k);
	if (it.v.u > max)
		return perr(err, errlen, HB_ELIMIT,
			    "limit '%.*s' = %llu is over the maximum %llu",
			    (int)kl, k, (unsigned long long)it.v.u,
			    (unsigned long long)max);
	*out = it.v.u;
	return 0;
}

static int parse_limits(hb_mp_reader *r, hp_spawn_req *out, char *err,
			size_t errlen)
{
	const char *k;
	uint32_t n, kl, i;
	uint64_t v;
	int rc;

	if (hb_mp_peek(r) == HB_MP_NIL)
		return hb_mp_get_nil(r) ? HB_EMALFORMED : 0;
	if (hb_mp_get_map(r, &n))
		return perr(err, errlen, HB_EMALFORMED,
			    "'limits' is not a map");
	for (i = 0; i < n; i++) {
		if (hb_mp_get_str(r, &k, &kl))
			return perr(err, errlen, HB_EMALFORMED,
				    "a limit's key is not a string");
#define LIM(name, max, field)                                                  \
	if (key_is(k, kl, name)) {                                             \
		rc = get_limit(r, k, kl, max, &v, err, errlen);                \
		if (rc)                                                        \
			return rc;                                             \
		field = v;                                                     \
		continue;                                                      \
	}
		LIM("memory_pages", HP_MAX_MEMORY_PAGES,
		    out->limits.memory_pages)
		LIM("fuel_per_slice", HP_MAX_FUEL_SLICE,
		    out->limits.fuel_per_slice)
		LIM("fuel_total", INT64_MAX, out->limits.fuel_total)
		LIM("queue_msgs", HR_MAX_QUEUE_MSGS, out->rt_limits.queue_msgs)
		LIM("queue_bytes", HR_MAX_QUEUE_BYTES,
		    out->rt_limits.queue_bytes)
		LIM("handles", HR_MAX_HANDLES, out->rt_limits.handles)
		LIM("mailboxes", HR_MAX_MAILBOXES, out->rt_limits.mailboxes)
		LIM("msg_bytes", HR_MAX_MSG_BYTES, out->rt_limits.msg_bytes)
#undef LIM
		if (hb_mp_skip(r)) /* unknown: ignored */
			return perr(err, errlen, HB_EMALFORMED,
				    "truncated limits");
	}
	return 0;
}

int hp_spawn_req_parse(const uint8_t *data, size_t len, hp_spawn_req *out,
		       char *err, size_t errlen)
{
	hb_mp_reader r;
	const char *s, *k;
	const uint8_t *bin;
	uint32_t n, sl, kl, bl, i;
	bool have_lump = false;
	int rc;

	memset(out, 0, sizeof *out);
	if (err && errlen)
		err[0] = 0;
	hb_mp_reader_init(&r, data, len);
	if (hb_mp_get_array(&r, &n) || n != 2 || hb_mp_get_str(&r, &s, &sl) ||
	    !key_is(s, sl, "spawn"))
		return perr(err, errlen, HB_EMALFORMED,
			    "not a [\"spawn\", {...}] request");
	if (hb_mp_get_map(&r, &n))
		return perr(err, errlen, HB_EMALFORMED,
			    "the request's second item is not a map");
	for (i = 0; i < n; i++) {
		if (hb_mp_get_str(&r, &k, &kl))
			return perr(err, errlen, HB_EMALFORMED,
				    "a key is not a string");
		if (key_is(k, kl, "lump")) {
			if (hb_mp_get_bin(&r, &bin, &bl) || bl != HL_ID_BYTES)
				return perr(err, errlen, HB_EMALFORMED,
					    "'lump' is not a 32-byte binary");
			memcpy(out->lump.b, bin, HL_ID_BYTES);
			have_lump = true;
		} else if (key_is(k, kl, "entry")) {
			if (hb_mp_get_str(&r, &out->entry, &out->entry_len))
				return perr(err, errlen, HB_EMALFORMED,
					    "'entry' is not a string");
		} else if (key_is(k, kl, "name")) {
			if (hb_mp_peek(&r) == HB_MP_NIL) {
				hb_mp_get_nil(&r);
				continue;
			}
			if (hb_mp_get_str(&r, &out->name, &out->name_len))
				return perr(err, errlen, HB_EMALFORMED,
					    "'name' is not a string");
		} else if (key_is(k, kl, "link")) {
			if (hb_mp_get_bool(&r, &out->link))
				return perr(err, errlen, HB_EMALFORMED,
					    "'link' is not a boolean");
		} else if (key_is(k, kl, "limits")) {
			rc = parse_limits(&r, out, err, errlen);
			if (rc)
				return rc;
		} else if (hb_mp_skip(&r)) {
			return perr(err, errlen, HB_EMALFORMED,
				    "truncated request");
		}
	}
	if (!hb_mp_done(&r))
		return perr(err, errlen, HB_EMALFORMED,
			    "bytes after the request");
	if (!have_lump || !out->entry)
		return perr(err, errlen, HB_EMALFORMED,
			    "'lump' and 'entry' are required");
	if (out->entry_len == 0 || memchr(out->entry, 0, out->entry_len))
		return perr(err, errlen, HB_EMALFORMED,
			    "empty entry name or one with a NUL byte");
	if (out->entry_len > HP_MAX_ENTRY)
		return perr(err, errlen, HB_ELIMIT, "entry name over %u bytes",
			    HP_MAX_ENTRY);
	if (out->name && out->name_len > 255)
		return perr(err, errlen, HB_ELIMIT, "name over 255 bytes");
	return 0;
}

void hp_spawn_req_put(hb_buf *b, const hp_spawn_req *q)
{
	struct {
		const char *k;
		uint64_t v;
	} lim[] = {
		{"memory_pages", q->limits.memory_pages},
		{"fuel_per_slice", q->limits.fuel_per_slice},
		{"fuel_total", q->limits.fuel_total},
		{"queue_msgs", q->rt_limits.queue_msgs},
		{"queue_bytes", q->rt_limits.queue_bytes},
		{"handles", q->rt_limits.handles},
		{"mailboxes", q->rt_limits.mailboxes},
		{"msg_bytes", q->rt_limits.msg_bytes},
	};
	uint32_t nl = 0, i;

	for (i = 0; i < sizeof lim / sizeof lim[0]; i++)
		nl += lim[i].v != 0;
	hb_mp_put_array(b, 2);
	hb_mp_put_cstr(b, "spawn");
	hb_mp_put_map(b, 2 + (q->name != NULL) + (q->link) + (nl != 0));
	hb_mp_put_cstr(b, "lump");
	hb_mp_put_bin(b, q->lump.b, HL_ID_BYTES);
	hb_mp_put_cstr(b, "entry");
	hb_mp_put_str(b, q->entry, q->entry_len);
	if (q->name) {
		hb_mp_put_cstr(b, "name");
		hb_mp_put_str(b, q->name, q->name_len);
	}
	if (q->link) {
		hb_mp_put_cstr(b, "link");
		hb_mp_put_bool(b, true);
	}
	if (nl) {
		hb_mp_put_cstr(b, "limits");
		hb_mp_put_map(b, nl);
		for (i = 0; i < sizeof lim / sizeof lim[0]; i++) {
			if (!lim[i].v)
				continue;
			hb_mp_put_cstr(b, lim[i].k);
			hb_mp_put_uint(b, lim[i].v);
		}
	}
}

int hp_spawn_reply(const uint8_t *data, size_t len, const char **text,
		   uint32_t *text_len)
{
	hb_mp_reader r;
	const char *tag;
	uint32_t n, tl;
	int64_t code;

	if (text) {
		*text = NULL;
		*text_len = 0;
	}
	hb_mp_reader_init(&r, data, len);
	if (hb_mp_get_array(&r, &n) || n < 1 || hb_mp_get_str(&r, &tag, &tl))
		return HB_EMALFORMED;
	if (key_is(tag, tl, "ok"))
		return n == 1 ? 0 : HB_EMALFORMED;
	if (!key_is(tag, tl, "err") || n != 3 || hb_mp_get_int(&r, &code) ||
	    code >= 0 || code < INT32_MIN)
		return HB_EMALFORMED;
	if (text && hb_mp_get_str(&r, text, text_len))
		return HB_EMALFORMED;
	return (int)code;
}

/* ---- the service ---- */

static void drop_caps(hr_ctx *cx, const hr_msg *m)
{
	uint32_t i;

	for (i = 0; i < m->ncaps; i++)
		if (m->caps[i] >= 0)
			hr_ref_dec(cx, m->caps[i]);
}

static void reply(hr_ctx *cx, const hr_msg *m, int code, const char *text,
		  const hr_handle *caps, uint32_t ncaps)
{
	uint8_t buf[512];
	hb_buf b = {.data = buf, .cap = sizeof buf, .max = sizeof buf};
	int rc;

	if (code == 0) {
		hb_mp_put_array(&b, 1);
		hb_mp_put_cstr(&b, "ok");
	} else {
		hb_mp_put_array(&b, 3);
		hb_mp_put_cstr(&b, "err");
		hb_mp_put_int(&b, code);
		hb_mp_put_str(&b, text, strnlen(text, 400));
	}
	rc = b.err ? b.err : hr_reply(cx, m, b.data, b.len, caps, ncaps);
	if (rc)
		hr_log(cx, HR_LOG_WARN, "cannot reply: %s", hb_strerror(rc));
}

static void spawner_msg(hr_ctx *cx, void *st, const hr_msg *m)
{
	hp_host *h = st;
	hp_spawn_req q;
	hp_spawn_opts o = {0};
	hr_handle child = HR_HANDLE_NONE;
	char err[320];
	int rc, perms;
	uint32_t i;

	if (m->kind != HR_MSG_DATA) {
		drop_caps(cx, m);
		return;
	}
	perms = m->ncaps >= 1 && m->caps[0] >= 0 ? hr_perms(cx, m->caps[0])
						 : -1;
	if (perms < 0 || !(perms & HR_PERM_SEND)) {
		hr_log(cx, HR_LOG_WARN,
		       "request without a reply address "
		       "dropped");
		drop_caps(cx, m);
		return;
	}
	rc = hp_spawn_req_parse(m->data, m->len, &q, err, sizeof err);
	for (i = 1; !rc && i < m->ncaps; i++)
		if (m->caps[i] < 0)
			rc = perr(err, sizeof err, m->err ? m->err : HB_ELIMIT,
				  "initial capability %u could not be "
				  "received",
				  i - 1);
	if (!rc && q.link && !(perms & HR_PERM_LINK))
		rc = perr(err, sizeof err, HB_EPERM,
			  "link needs LINK on the reply capability");
	if (!rc) {
		o.lump = &q.lump;
		o.entry = q.entry;
		o.entry_len = q.entry_len;
		o.name = q.name_len ? q.name : NULL; /* "": the default */
		o.name_len = q.name_len;
		o.caps = m->caps + 1;
		o.ncaps = m->ncaps - 1;
		o.rt_limits = &q.rt_limits;
		o.limits = &q.limits;
		o.link = q.link;
		o.link_with = q.link ? &m->caps[0] : NULL;
		rc = hp_spawn(h, cx, &o, &child, err, sizeof err);
	}
	if (rc) {
		reply(cx, m, rc, err[0] ? err : hb_strerror(rc), NULL, 0);
	} else {
		reply(cx, m, 0, NULL, &child, 1);
		hr_ref_dec(cx, child);
	}
	drop_caps(cx, m);
}

const hr_kind hp__spawner_kind = {.name = "native", .on_message = spawner_msg};
