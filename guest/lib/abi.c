/* abi.c — the SDK's typed wrappers over the hearth_v1 imports:
 * capabilities, mailboxes, time, lumps, logging, metadata, randomness. */
#include <stdio.h>
#include <string.h>

#include "sdk_int.h"

const char *hearth_exit_name(int32_t code)
{
	static const char *const names[] = {"normal", "killed", "trap",
					    "oom",    "error",	"shutdown",
					    "limit",  "noproc"};

	if (code >= 0 && code < (int32_t)(sizeof names / sizeof names[0]))
		return names[code];
	return "user";
}

/* ---- capabilities ---- */

int hearth_cap_perms(hearth_cap c)
{
	return hearth_v1_cap_perms(c);
}

int hearth_cap_demote(hearth_cap c, unsigned perms, hearth_cap *out)
{
	int32_t h = hearth_v1_cap_demote(c, (int32_t)perms);

	if (h < 0)
		return h;
	*out = h;
	return 0;
}

int hearth_cap_ref(hearth_cap c)
{
	return hearth_v1_cap_inc_ref(c);
}

int hearth_cap_unref(hearth_cap c)
{
	return c < 0 ? 0 : hearth_v1_cap_dec_ref(c);
}

int hearth_send(hearth_cap c, const void *data, size_t len,
		const hearth_cap *caps, uint32_t ncaps)
{
	if (len > UINT32_MAX)
		return HB_ETOOBIG;
	return hearth_v1_cap_send(c, data, (uint32_t)len, caps, ncaps);
}

int hearth_send_buf(hearth_cap c, const hb_buf *b, const hearth_cap *caps,
		    uint32_t ncaps)
{
	if (b->err)
		return b->err;
	return hearth_send(c, b->data, b->len, caps, ncaps);
}

int hearth_kill(hearth_cap c)
{
	return hearth_v1_cap_kill(c);
}

int hearth_monitor(hearth_cap c, uint32_t mb, uint64_t *ref)
{
	uint64_t r = 0;
	int rc = hearth_v1_cap_monitor(c, (int32_t)mb, &r);

	if (rc < 0)
		return rc;
	if (ref)
		*ref = r;
	return 0;
}

int hearth_demonitor(uint64_t ref)
{
	return hearth_v1_cap_demonitor(ref);
}

int hearth_link(hearth_cap c)
{
	return hearth_v1_cap_link(c);
}

int hearth_unlink(hearth_cap c)
{
	return hearth_v1_cap_unlink(c);
}

bool hearth_trap_exits(bool on)
{
	return hearth_v1_proc_trap_exits(on) > 0;
}

bool hearth_same_target(hearth_cap a, hearth_cap b)
{
	if (a < 0 || b < 0)
		return false;
	return hearth_v1_cap_same_target(a, b) == 1;
}

/* ---- mailboxes ---- */

int hearth_mailbox_new(uint32_t *out)
{
	int32_t mb = hearth_v1_mb_new();

	if (mb < 0)
		return mb;
	*out = (uint32_t)mb;
	return 0;
}

int hearth_mailbox_free(uint32_t mb)
{
	return hearth_v1_mb_free((int32_t)mb);
}

int hearth_mailbox_cap(uint32_t mb, unsigned perms, hearth_cap *out)
{
	int32_t h = hearth_v1_mb_cap((int32_t)mb, (int32_t)perms);

	if (h < 0)
		return h;
	*out = h;
	return 0;
}

int hearth_self(unsigned perms, hearth_cap *out)
{
	return hearth_mailbox_cap(0, perms, out);
}

/* ---- time ---- */

int64_t hearth_now(void)
{
	return hearth_v1_time_now();
}

int64_t hearth_wall(void)
{
	return hearth_v1_time_wall();
}

int hearth_sleep(int64_t ns)
{
	return hearth_v1_sleep(ns < 0 ? 0 : ns);
}

int hearth_send_after(hearth_cap c, int64_t ns, const void *data, size_t len,
		      const hearth_cap *caps, uint32_t ncaps, uint64_t *id)
{
	uint64_t r = 0;
	int rc;

	if (len > UINT32_MAX)
		return HB_ETOOBIG;
	rc = hearth_v1_timer_send_after(c, ns < 0 ? 0 : ns, data, (uint32_t)len,
					caps, ncaps, &r);
	if (rc < 0)
		return rc;
	if (id)
		*id = r;
	return 0;
}

int hearth_timer_cancel(uint64_t id)
{
	return hearth_v1_timer_cancel(id);
}

/* ---- lumps ---- */

int hearth_lump_this(hearth_id *id)
{
	int32_t rc = hearth_v1_lump_this(id->b);

	return rc < 0 ? rc : 0;
}

int hearth_lump_new(const void *data, size_t len, hearth_id *id,
		    hearth_lump *out)
{
	int32_t l;

	if (len > UINT32_MAX)
		return HB_ETOOBIG;
	l = hearth_v1_lump_new(data, (uint32_t)len, id->b);
	if (l < 0)
		return l;
	if (out)
		*out = l;
	else
		hearth_v1_lump_free(l);
	return 0;
}

int hearth_lump_load(const hearth_id *id, hearth_lump *out)
{
	int32_t l = hearth_v1_lump_load(id->b);

	if (l < 0)
		return l;
	*out = l;
	return 0;
}

int hearth_lump_len(hearth_lump l)
{
	return hearth_v1_lump_len(l);
}

int hearth_lump_read(hearth_lump l, size_t off, void *dst, size_t len)
{
	if (off > UINT32_MAX)
		return 0;
	if (len > UINT32_MAX)
		len = UINT32_MAX;
	return hearth_v1_lump_read(l, (uint32_t)off, dst, (uint32_t)len);
}

int hearth_lump_id(hearth_lump l, hearth_id *id)
{
	int32_t rc = hearth_v1_lump_id(l, id->b);

	return rc < 0 ? rc : 0;
}

int hearth_lump_free(hearth_lump l)
{
	return hearth_v1_lump_free(l);
}

void hearth_lump_id_hex(const hearth_id *id, char out[HEARTH_LUMP_HEX])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[id->b[i] >> 4];
		out[2 * i + 1] = hex[id->b[i] & 15];
	}
	out[64] = 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hearth_lump_id_parse(const char *hex, size_t len, hearth_id *out)
{
	hearth_id id;
	int i;

	if (len != 64)
		return HB_EINVAL;
	for (i = 0; i < 32; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return HB_EINVAL;
		id.b[i] = (uint8_t)(hi << 4 | lo);
	}
	*out = id;
	return 0;
}

/* ---- logging, metadata, randomness, exit ---- */

void hearth_log_str(int level, const char *s, size_t len)
{
	if (len > UINT32_MAX)
		len = UINT32_MAX;
	hearth_v1_log(level, s, (uint32_t)len);
}

void hearth_vlog(int level, const char *fmt, va_list ap)
{
	char line[512];
	int n = vsnprintf(line, sizeof line, fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	hearth_v1_log(level, line, (uint32_t)n);
}

void hearth_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hearth_vlog(level, fmt, ap);
	va_end(ap);
}

static int meta(int field, const char *s)
{
	return hearth_v1_meta_set(field, s, (uint32_t)strlen(s));
}

int hearth_set_name(const char *s)
{
	return meta(0, s);
}

int hearth_set_description(const char *s)
{
	return meta(1, s);
}

int hearth_set_authors(const char *s)
{
	return meta(2, s);
}

int hearth_set_license(const char *s)
{
	return meta(3, s);
}

int hearth_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	/* the host fills at most 64 KiB per call (one host call stays short) */
	while (len > 0) {
		uint32_t n = len > 65536 ? 65536 : (uint32_t)len;
		int32_t rc = hearth_v1_random(p, n);

		if (rc < 0)
			return rc;
		p += n;
		len -= n;
	}
	return 0;
}

uint64_t hearth_random_u64(void)
{
	uint64_t v = 0;

	hearth_random(&v, sizeof v);
	return v;
}

_Noreturn void hearth_exit(int code, const char *text)
{
	hearth_v1_exit(code, text ? text : "",
		       text ? (uint32_t)strlen(text) : 0);
}

_Noreturn void hearth_fail(const char *fmt, ...)
{
	char text[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (n < 0)
		text[0] = 0;
	hearth_log_str(HEARTH_LOG_ERROR, text, strlen(text));
	hearth_exit(HEARTH_EXIT_ERROR, text);
}
