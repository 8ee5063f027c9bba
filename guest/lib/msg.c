/* msg.c — receiving: a signal handle from the host becomes a hearth_msg
 * (bytes, capabilities and reason copied into the guest), and the signal is
 * released at once, so a process never piles up host-side signals. */
#include <stdlib.h>
#include <string.h>

#include "sdk_int.h"

/* Make m an empty message (what hearth_msg_free accepts). Field by field:
 * cheaper in the interpreter than a memset of the header. */
void hearth__msg_clear(hearth_msg *m)
{
	m->kind = HEARTH_SIG_MESSAGE;
	m->mailbox = 0;
	m->index = 0;
	m->data = m->inline_;
	m->len = 0;
	m->caps = m->caps_inline_;
	m->ncaps = 0;
	m->reason = 0;
	m->reason_text = "";
	m->ref = 0;
	m->heap_ = NULL;
	m->caps_heap_ = NULL;
}

/* Copy signal sig, received on mailbox mb, into m and free the signal.
 * Returns 0 or an error (m is then empty and the signal's capabilities
 * released). Host calls cost: the common small message takes four (kind,
 * read, caps, free): the payload and capabilities are read straight into
 * the inline buffers, and their sizes asked for only when those fill up. */
static int take_signal(int32_t sig, uint32_t mb, hearth_msg *m)
{
	int32_t n, len, ncaps, i;
	int rc = 0;

	hearth__msg_clear(m);
	m->mailbox = mb;
	m->kind = hearth_v1_sig_kind(sig);
	/* capabilities first: they are owned even if memory fails below */
	m->caps = m->caps_inline_;
	ncaps = hearth_v1_sig_caps(sig, m->caps_inline_,
				   HEARTH_MSG_INLINE_CAPS);
	if (ncaps == HEARTH_MSG_INLINE_CAPS) {
		ncaps = hearth_v1_sig_ncaps(sig);
		if (ncaps > HEARTH_MSG_INLINE_CAPS) {
			m->caps_heap_ =
				malloc((size_t)ncaps * sizeof(hearth_cap));
			if (!m->caps_heap_) {
				/* keep the inline ones (released below) and
				 * release the rest through a window */
				int32_t tmp[256], got, j;

				got = hearth_v1_sig_caps(sig, tmp, 256);
				for (j = HEARTH_MSG_INLINE_CAPS; j < got; j++)
					hearth_cap_unref(tmp[j]);
				m->ncaps = HEARTH_MSG_INLINE_CAPS;
				rc = HB_ENOMEM;
				goto out;
			}
			m->caps = m->caps_heap_;
			ncaps = hearth_v1_sig_caps(sig, m->caps,
						   (uint32_t)ncaps);
		}
	}
	m->ncaps = ncaps < 0 ? 0 : (uint32_t)ncaps;
	for (i = 0; i < ncaps; i++)
		if (m->caps[i] < 0)
			m->caps[i] = HEARTH_CAP_NONE;

	n = hearth_v1_sig_read(sig, 0, m->inline_, HEARTH_MSG_INLINE);
	m->len = n < 0 ? 0 : (size_t)n;
	if (n == HEARTH_MSG_INLINE) {
		len = hearth_v1_sig_len(sig);
		if (len > HEARTH_MSG_INLINE) {
			m->heap_ = malloc((size_t)len);
			if (!m->heap_) {
				rc = HB_ENOMEM;
				goto out;
			}
			memcpy(m->heap_, m->inline_, HEARTH_MSG_INLINE);
			n = hearth_v1_sig_read(sig, HEARTH_MSG_INLINE,
					       m->heap_ + HEARTH_MSG_INLINE,
					       (uint32_t)len -
						       HEARTH_MSG_INLINE);
			m->data = m->heap_;
			m->len = HEARTH_MSG_INLINE + (n < 0 ? 0 : (size_t)n);
		}
	}
	if (m->kind == HEARTH_SIG_DOWN || m->kind == HEARTH_SIG_EXIT) {
		m->reason = hearth_v1_sig_reason(sig);
		n = hearth_v1_sig_reason_text(sig, m->reason_buf_,
					      sizeof m->reason_buf_ - 1);
		if (n < 0)
			n = 0;
		if (n > (int32_t)sizeof m->reason_buf_ - 1)
			n = sizeof m->reason_buf_ - 1;
		m->reason_buf_[n] = 0;
		m->reason_text = m->reason_buf_;
		if (m->kind == HEARTH_SIG_DOWN)
			hearth_v1_sig_monitor_ref(sig, &m->ref);
	}
out:
	hearth_v1_sig_free(sig);
	if (rc) {
		hearth_msg_free(m);
		hearth__msg_clear(m);
	}
	return rc;
}

int hearth_recv(uint32_t mb, int64_t timeout_ns, hearth_msg *m)
{
	int32_t sig;

	sig = hearth_v1_mb_recv((int32_t)mb, timeout_ns < 0 ? -1 : timeout_ns);
	if (sig < 0) {
		hearth__msg_clear(m);
		return sig;
	}
	return take_signal(sig, mb, m);
}

int hearth_try_recv(uint32_t mb, hearth_msg *m)
{
	int32_t sig;

	sig = hearth_v1_mb_try_recv((int32_t)mb);
	if (sig < 0) {
		hearth__msg_clear(m);
		return sig;
	}
	return take_signal(sig, mb, m);
}

int hearth_poll(const uint32_t *mbs, uint32_t n, int64_t timeout_ns,
		hearth_msg *m)
{
	int32_t sig, index = -1, rc;

	hearth__msg_clear(m);
	if (n == 0 || n > HEARTH_MAX_POLL)
		return HB_EINVAL;
	sig = hearth_v1_mb_poll((const int32_t *)mbs, n,
				timeout_ns < 0 ? -1 : timeout_ns, &index);
	if (sig < 0)
		return sig;
	if (index < 0 || (uint32_t)index >= n)
		index = 0; /* the host promises a position in the list */
	rc = take_signal(sig, mbs[index], m);
	if (!rc)
		m->index = (uint32_t)index;
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
		if (m->caps[i] >= 0)
			hearth_v1_cap_dec_ref(m->caps[i]);
	if (m->heap_)
		free(m->heap_);
	if (m->caps_heap_)
		free(m->caps_heap_);
	m->heap_ = NULL;
	m->caps_heap_ = NULL;
	m->caps = NULL;
	m->ncaps = 0;
	m->data = NULL;
	m->len = 0;
}
