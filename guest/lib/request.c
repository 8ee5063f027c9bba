/* request.c — request/response (a fresh reply mailbox per request, the
 * service monitored so that its death ends the wait), the reply helpers
 * services use, and the registry client. */
#include <stdlib.h>
#include <string.h>

#include "sdk_int.h"

#define MAX_REQ_CAPS 64 /* capabilities a request may carry, reply included */

int hearth__request(hearth_cap service, const void *req, size_t len,
		    const hearth_cap *caps, uint32_t ncaps, int64_t timeout_ns,
		    unsigned reply_perms, hearth_msg *reply)
{
	hearth_cap all[MAX_REQ_CAPS], reply_cap = HEARTH_CAP_NONE;
	bool monitored = false;
	uint64_t ref = 0;
	int64_t deadline = 0;
	uint32_t mb;
	int rc;

	hearth__msg_clear(reply);
	if (ncaps >= MAX_REQ_CAPS)
		return HB_ELIMIT;
	rc = hearth_mailbox_new(&mb);
	if (rc)
		return rc;
	rc = hearth_mailbox_cap(mb, HEARTH_PERM_SEND | reply_perms, &reply_cap);
	if (rc)
		goto out;
	/* Monitor first: a service that dies after our send still wakes us.
	 * A handle without MONITOR relies on the timeout alone. */
	if ((hearth_cap_perms(service) & HEARTH_PERM_MONITOR) &&
	    hearth_monitor(service, mb, &ref) == 0)
		monitored = true;
	all[0] = reply_cap;
	if (ncaps)
		memcpy(all + 1, caps, ncaps * sizeof *caps);
	rc = hearth_send(service, req, len, all, ncaps + 1);
	if (rc)
		goto out;
	if (timeout_ns >= 0)
		deadline = hearth_now() + timeout_ns;
	for (;;) {
		int64_t left = -1;

		if (timeout_ns >= 0) {
			left = deadline - hearth_now();
			if (left < 0)
				left = 0;
		}
		rc = hearth_recv(mb, left, reply);
		if (rc)
			goto out;
		if (reply->kind == HEARTH_SIG_MESSAGE)
			break;
		if (reply->kind == HEARTH_SIG_DOWN && monitored &&
		    reply->ref == ref) {
			monitored = false; /* the monitor fired */
			hearth_msg_free(reply);
			rc = HB_EDEAD;
			goto out;
		}
		hearth_msg_free(reply); /* nothing else belongs here */
	}
out:
	if (monitored)
		hearth_demonitor(ref);
	hearth_mailbox_free(mb);
	hearth_cap_unref(reply_cap);
	return rc;
}

int hearth_request(hearth_cap service, const void *req, size_t len,
		   const hearth_cap *caps, uint32_t ncaps, int64_t timeout_ns,
		   hearth_msg *reply)
{
	return hearth__request(service, req, len, caps, ncaps, timeout_ns, 0,
			       reply);
}

int hearth_request_buf(hearth_cap service, const hb_buf *req,
		       const hearth_cap *caps, uint32_t ncaps,
		       int64_t timeout_ns, hearth_msg *reply)
{
	if (req->err) {
		hearth__msg_clear(reply);
		return req->err;
	}
	return hearth_request(service, req->data, req->len, caps, ncaps,
			      timeout_ns, reply);
}

int hearth_reply_status(const hearth_msg *reply, hb_mp_reader *rest,
			uint32_t *nrest, char *why, size_t whylen)
{
	hb_mp_reader r;
	hb_mp_item it;
	uint32_t n;
	int64_t code;

	if (why && whylen)
		why[0] = 0;
	hearth_msg_reader(reply, &r);
	if (hb_mp_get_array(&r, &n) || n < 1 || hb_mp_next(&r, &it))
		return HB_EPROTO;
	if (hb_mp_str_eq(&it, "ok")) {
		if (rest)
			*rest = r;
		if (nrest)
			*nrest = n - 1;
		return 0;
	}
	if (!hb_mp_str_eq(&it, "err") || n < 2 || hb_mp_get_int(&r, &code) ||
	    code >= 0 || code < INT32_MIN)
		return HB_EPROTO;
	if (n >= 3 && why && whylen) {
		const char *s;
		uint32_t len;

		if (hb_mp_get_str(&r, &s, &len) == 0) {
			if (len >= whylen)
				len = (uint32_t)whylen - 1;
			memcpy(why, s, len);
			why[len] = 0;
		}
	}
	return (int)code;
}

int hearth_reply(const hearth_msg *req, const void *data, size_t len,
		 const hearth_cap *caps, uint32_t ncaps)
{
	hearth_cap to = hearth_msg_cap(req, 0);

	if (to < 0)
		return HB_EINVAL;
	return hearth_send(to, data, len, caps, ncaps);
}

int hearth_reply_buf(const hearth_msg *req, const hb_buf *b,
		     const hearth_cap *caps, uint32_t ncaps)
{
	if (b->err)
		return b->err;
	return hearth_reply(req, b->data, b->len, caps, ncaps);
}

int hearth_reply_ok(const hearth_msg *req, const hearth_cap *caps,
		    uint32_t ncaps)
{
	static const uint8_t ok[] = {0x91, 0xa2, 'o', 'k'};

	return hearth_reply(req, ok, sizeof ok, caps, ncaps);
}

int hearth_reply_err(const hearth_msg *req, int code, const char *text)
{
	hb_buf b;
	int rc;

	hb_buf_init(&b);
	hb_mp_put_array(&b, 3);
	hb_mp_put_cstr(&b, "err");
	hb_mp_put_int(&b, code);
	if (!text)
		text = hb_strerror(code);
	hb_mp_put_str(&b, text, strnlen(text, 200));
	rc = hearth_reply_buf(req, &b, NULL, 0);
	hb_buf_deinit(&b);
	return rc;
}

void hearth_put_ok(hb_buf *b, uint32_t n)
{
	hb_mp_put_array(b, n + 1);
	hb_mp_put_cstr(b, "ok");
}

/* ---- the registry client ---- */

static int registry_call(hearth_cap reg, const char *op, const char *name,
			 const hearth_cap *caps, uint32_t ncaps,
			 hearth_msg *reply)
{
	hb_buf b;
	int rc;

	hb_buf_init(&b);
	hb_mp_put_array(&b, name ? 2 : 1);
	hb_mp_put_cstr(&b, op);
	if (name)
		hb_mp_put_cstr(&b, name);
	rc = hearth_request_buf(reg, &b, caps, ncaps, HEARTH_DEFAULT_TIMEOUT,
				reply);
	hb_buf_deinit(&b);
	if (rc)
		return rc;
	rc = hearth_reply_status(reply, NULL, NULL, NULL, 0);
	if (rc)
		hearth_msg_free(reply);
	return rc;
}

int hearth_registry_get(hearth_cap reg, const char *name, hearth_cap *out)
{
	hearth_msg reply;
	hearth_cap c;
	int rc = registry_call(reg, "get", name, NULL, 0, &reply);

	if (rc)
		return rc;
	c = hearth_msg_take_cap(&reply, 0);
	hearth_msg_free(&reply);
	if (c < 0)
		return HB_EPROTO;
	*out = c;
	return 0;
}

int hearth_registry_register(hearth_cap reg, const char *name,
			     hearth_cap service)
{
	hearth_msg reply;
	int rc = registry_call(reg, "register", name, &service, 1, &reply);

	if (!rc)
		hearth_msg_free(&reply);
	return rc;
}

int hearth_registry_list(hearth_cap reg, hearth_names *out)
{
	hearth_msg reply;
	hb_mp_reader r;
	uint32_t n = 0, i, len;
	const char *s;
	int rc;

	out->names = NULL;
	out->n = 0;
	rc = registry_call(reg, "list", NULL, NULL, 0, &reply);
	if (rc)
		return rc;
	rc = hearth_reply_status(&reply, &r, &n, NULL, 0);
	if (rc || n < 1 || hb_mp_get_array(&r, &n)) {
		rc = rc ? rc : HB_EPROTO;
		goto out;
	}
	/* every name takes at least one byte: n is bounded by the message */
	if (n > reply.len) {
		rc = HB_EPROTO;
		goto out;
	}
	out->names = calloc(n ? n : 1, sizeof *out->names);
	if (!out->names) {
		rc = HB_ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (hb_mp_get_str(&r, &s, &len)) {
			rc = HB_EPROTO;
			goto out;
		}
		out->names[i] = strndup(s, len);
		if (!out->names[i]) {
			rc = HB_ENOMEM;
			goto out;
		}
		out->n = i + 1;
	}
out:
	hearth_msg_free(&reply);
	if (rc)
		hearth_names_free(out);
	return rc;
}

void hearth_names_free(hearth_names *n)
{
	uint32_t i;

	for (i = 0; i < n->n; i++)
		free(n->names[i]);
	free(n->names);
	n->names = NULL;
	n->n = 0;
}

int hearth_registry_parse(const hearth_msg *req, int *op, const char **name,
			  uint32_t *len)
{
	hb_mp_reader r;
	hb_mp_item it;
	uint32_t n;

	*name = NULL;
	*len = 0;
	hearth_msg_reader(req, &r);
	if (hb_mp_get_array(&r, &n) || n < 1 || hb_mp_next(&r, &it))
		return HB_EMALFORMED;
	if (hb_mp_str_eq(&it, "list") && n == 1) {
		*op = HEARTH_REG_LIST;
		return 0;
	}
	if (hb_mp_str_eq(&it, "get"))
		*op = HEARTH_REG_GET;
	else if (hb_mp_str_eq(&it, "register"))
		*op = HEARTH_REG_REGISTER;
	else
		return HB_EMALFORMED;
	if (n != 2 || hb_mp_get_str(&r, name, len) || *len == 0 ||
	    memchr(*name, 0, *len))
		return HB_EMALFORMED;
	return 0;
}
