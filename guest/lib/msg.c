/* msg.c — receiving: a signal handle from the host becomes a hearth_msg
 * (bytes, capabilities and reason copied into the guest), and the signal is
 * released at once, so a process never piles up host-side signals. */
#include <stdlib.h>
#include <string.h>

#include "sdk_int.h"

/* Copy signal sig into m and free the signal. Returns 0 or an error (m is
 * then empty and the signal's capabilities released). */
static int take_signal(int32_t sig, hearth_msg *m)
{
	int32_t len, ncaps, n, i;
	int rc = 0;

	memset(m, 0, offsetof(hearth_msg, inline_));
	m->kind = hearth_v1_sig_kind(sig);
	m->mailbox = (uint32_t)hearth_v1_sig_mailbox(sig);
	len = hearth_v1_sig_len(sig);
	ncaps = hearth_v1_sig_ncaps(sig);
	if (len < 0 || ncaps < 0) {
		rc = len < 0 ? len : ncaps;
		goto out;
	}
	/* capabilities first: they must be owned even if memory fails */
	m->caps = m->caps_inline_;
	if (ncaps > HEARTH_MSG_INLINE_CAPS) {
		m->caps_heap_ = malloc((size_t)ncaps * sizeof(hearth_cap));
		if (!m->caps_heap_) {
			/* release them one by one through a small window */
			int32_t tmp[HEARTH_MSG_INLINE_CAPS * 4], got, j;

			got = hearth_v1_sig_caps(sig, tmp, sizeof tmp / sizeof tmp[0]);
			for (j = 0; j < got; j++)
				hearth_cap_unref(tmp[j]);
			rc = HB_ENOMEM;
			goto out;
		}
		m->caps = m->caps_heap_;
	}
	if (ncaps > 0) {
		n = hearth_v1_sig_caps(sig, m->caps, (uint32_t)ncaps);
		m->ncaps = n < 0 ? 0 : (uint32_t)n;
	}
	if (len > 0) {
		uint8_t *dst = m->inline_;

		if (len > HEARTH_MSG_INLINE) {
			m->heap_ = malloc((size_t)len);
			if (!m->heap_) {
				rc = HB_ENOMEM;
				goto out;
			}
			dst = m->heap_;
		}
		n = hearth_v1_sig_read(sig, 0, dst, (uint32_t)len);
		m->data = dst;
		m->len = n < 0 ? 0 : (size_t)n;
	} else {
		m->data = m->inline_;
	}
	if (m->kind == HEARTH_SIG_DOWN || m->kind == HEARTH_SIG_EXIT) {
		m->reason = hearth_v1_sig_reason(sig);
		n = hearth_v1_sig_reason_text(sig, m->reason_text,
					      sizeof m->reason_text - 1);
		if (n < 0)
			n = 0;
		if (n > (int32_t)sizeof m->reason_text - 1)
			n = sizeof m->reason_text - 1;
		m->reason_text[n] = 0;
		if (m->kind == HEARTH_SIG_DOWN)
			hearth_v1_sig_monitor_ref(sig, &m->ref);
	}
	for (i = 0; i < (int32_t)m->ncaps; i++)
		if (m->caps[i] < 0)
			m->caps[i] = HEARTH_CAP_NONE;
out:
	hearth_v1_sig_free(sig);
	if (rc)
		hearth_msg_free(m);
	return rc;
}

int hearth_recv(uint32_t mb, int64_t timeout_ns, hearth_msg *m)
{
	int32_t sig;

	memset(m, 0, offsetof(hearth_msg, inline_));
	sig = hearth_v1_mb_recv((int32_t)mb, timeout_ns < 0 ? -1 : timeout_ns);
	if (sig < 0)
		return sig;
	return take_signal(sig, m);
}

int hearth_try_recv(uint32_t mb, hearth_msg *m)
{
	int32_t sig;

	memset(m, 0, offsetof(hearth_msg, inline_));
	sig = hearth_v1_mb_try_recv((int32_t)mb);
	if (sig < 0)
		return sig;
	return take_signal(sig, m);
}

int hearth_poll(const uint32_t *mbs, uint32_t n, int64_t timeout_ns,
		hearth_msg *m)
{
	int32_t sig, index = -1, rc;

	memset(m, 0, offsetof(hearth_msg, inline_));
	if (n == 0 || n > HEARTH_MAX_POLL)
		return HB_EINVAL;
	sig = hearth_v1_mb_poll((const int32_t *)mbs, n,
				timeout_ns < 0 ? -1 : timeout_ns, &index);
	if (sig < 0)
		return sig;
	rc = take_signal(sig, m);
	if (!rc)
		m->index = index < 0 ? 0 : (uint32_t)index;
	return rc;
}

hearth_cap hearth_msg_take_cap(hearth_msg *m, uint32_t i)
{
	hearth_cap c;

	if (i >= m->ncaps)
		return HEARTH_CAP_NONE;
	c = m->caps[i];
	m->caps[i] = HEARTH_CAP_NONE;
	return c;
}

hearth_cap hearth_msg_cap(const hearth_msg *m, uint32_t i)
{
	return i < m->ncaps ? m->caps[i] : HEARTH_CAP_NONE;
}

void hearth_msg_reader(const hearth_msg *m, hb_mp_reader *r)
{
	hb_mp_reader_init(r, m->data, m->len);
}

void hearth_msg_free(hearth_msg *m)
{
	uint32_t i;

	for (i = 0; i < m->ncaps; i++)
		hearth_cap_unref(m->caps[i]);
	free(m->heap_);
	free(m->caps_heap_);
	m->heap_ = NULL;
	m->caps_heap_ = NULL;
	m->caps = NULL;
	m->ncaps = 0;
	m->data = NULL;
	m->len = 0;
}
