/* msg.c — receiving: a signal from the host becomes a hearth_msg (bytes,
 * capabilities and reason copied into the guest), and the signal is
 * released at once, so a process never piles up host-side signals. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sdk_int.h"

/* hearth_msg's header is mb_recv_into's receive record, field by field. */
#define SAME_FIELD(a, b)                                                       \
	_Static_assert(offsetof(hearth_msg, a) == offsetof(hearth_rx, b) &&    \
			       sizeof(((hearth_msg *)0)->a) ==                 \
				       sizeof(((hearth_rx *)0)->b),            \
		       "hearth_msg." #a " is hearth_rx." #b)
SAME_FIELD(data, buf);
SAME_FIELD(cap_, buf_cap);
SAME_FIELD(caps, caps);
SAME_FIELD(caps_cap_, caps_cap);
SAME_FIELD(flags_, flags);
SAME_FIELD(sig_, sig);
SAME_FIELD(kind, kind);
SAME_FIELD(mailbox, mailbox);
SAME_FIELD(index, index);
SAME_FIELD(len, len);
SAME_FIELD(ncaps, ncaps);
SAME_FIELD(reason, code);
SAME_FIELD(ref, ref);

/* Make m an empty message (what hearth_msg_free accepts) whose receive
 * record asks for the inline buffers. Field by field: cheaper in the
 * interpreter than a memset of the header. */
void hearth__msg_clear(hearth_msg *m)
{
	m->data = m->inline_;
	m->cap_ = HEARTH_MSG_INLINE;
	m->caps = m->caps_inline_;
	m->caps_cap_ = HEARTH_MSG_INLINE_CAPS;
	m->flags_ = 0;
	m->sig_ = -1;
	m->kind = HEARTH_SIG_MESSAGE;
	m->mailbox = 0;
	m->index = 0;
	m->len = 0;
	m->ncaps = 0;
	m->reason = 0;
	m->ref = 0;
	m->reason_text = "";
	m->heap_ = NULL;
	m->caps_heap_ = NULL;
}

/* Finish m from signal sig, which mb_recv_into kept because part of it did
 * not fit the inline buffers or it is a down/exit: read what is missing
 * and free the signal. m->len and m->ncaps hold the totals. Returns 0 or
 * an error (m is then empty and the signal's capabilities released). */
static int finish_signal(int32_t sig, hearth_msg *m)
{
	uint32_t len = (uint32_t)m->len, ncaps = m->ncaps;
	int32_t n;
	int rc = 0;

	if (len > HEARTH_MSG_INLINE)
		m->len = HEARTH_MSG_INLINE;
	if (ncaps > HEARTH_MSG_INLINE_CAPS) {
		m->ncaps = HEARTH_MSG_INLINE_CAPS;
		m->caps_heap_ = malloc((size_t)ncaps * sizeof(hearth_cap));
		if (!m->caps_heap_) {
			/* keep the inline ones (released by hearth_msg_free)
			 * and release the rest through a window */
			int32_t tmp[256], got, j;

			got = hearth_v1_sig_caps(sig, tmp, 256);
			for (j = HEARTH_MSG_INLINE_CAPS; j < got; j++)
				hearth_cap_unref(tmp[j]);
			rc = HB_ENOMEM;
			goto out;
		}
		m->caps = m->caps_heap_;
		n = hearth_v1_sig_caps(sig, m->caps, ncaps);
		m->ncaps = n < 0 ? 0 : (uint32_t)n;
	}
	if (len > HEARTH_MSG_INLINE) {
		m->heap_ = malloc(len);
		if (!m->heap_) {
			rc = HB_ENOMEM;
			goto out;
		}
		memcpy(m->heap_, m->inline_, HEARTH_MSG_INLINE);
		n = hearth_v1_sig_read(sig, HEARTH_MSG_INLINE,
				       m->heap_ + HEARTH_MSG_INLINE,
				       len - HEARTH_MSG_INLINE);
		m->data = m->heap_;
		m->len = HEARTH_MSG_INLINE + (n < 0 ? 0 : (size_t)n);
	}
	if (m->kind == HEARTH_SIG_DOWN || m->kind == HEARTH_SIG_EXIT) {
		n = hearth_v1_sig_reason_text(sig, m->reason_buf_,
					      sizeof m->reason_buf_ - 1);
		if (n < 0)
			n = 0;
		if (n > (int32_t)sizeof m->reason_buf_ - 1)
			n = sizeof m->reason_buf_ - 1;
		m->reason_buf_[n] = 0;
		m->reason_text = m->reason_buf_;
	}
out:
	hearth_v1_sig_free(sig);
	return rc;
}

/* What recv_into does after an error or for a signal mb_recv_into kept:
 * out of line, so that the common path inlines into its callers. */
static __attribute__((noinline)) int recv_slow(int32_t rc, hearth_msg *m)
{
	if (rc < 0) {
		hearth__msg_clear(m);
		return rc;
	}
	rc = finish_signal(m->sig_, m);
	m->sig_ = -1;
	if (rc) {
		hearth_msg_free(m);
		hearth__msg_clear(m);
	}
	return rc;
}

/* Receive into m from the n mailboxes mbs (which may be &m->mailbox: the
 * host reads the list before it writes the record). One host call in the
 * common case, a message whose bytes and capabilities fit m's inline
 * buffers: mb_recv_into fills m's header and buffers and frees the
 * signal. Anything else is finished by finish_signal. Inlined: each Wasm
 * call frame is more memory touched per receive, and with thousands of
 * processes taking turns that memory is cold. */
static inline __attribute__((always_inline)) int
recv_into(const uint32_t *mbs, uint32_t n, int64_t timeout_ns, hearth_msg *m)
{
	int32_t rc;
	uint32_t i;

	rc = hearth_v1_mb_recv_into((const int32_t *)mbs, n,
				    timeout_ns < 0 ? -1 : timeout_ns,
				    (hearth_rx *)m);
	if ((rc < 0 || m->sig_ >= 0) && (rc = recv_slow(rc, m)) != 0)
		return rc;
	for (i = 0; i < m->ncaps; i++)
		if (m->caps[i] < 0)
			m->caps[i] = HEARTH_CAP_NONE;
	return 0;
}

int hearth_recv(uint32_t mb, int64_t timeout_ns, hearth_msg *m)
{
	hearth__msg_clear(m);
	m->mailbox = mb;
	return recv_into(&m->mailbox, 1, timeout_ns, m);
}

int hearth_try_recv(uint32_t mb, hearth_msg *m)
{
	int rc;

	hearth__msg_clear(m);
	m->mailbox = mb;
	rc = recv_into(&m->mailbox, 1, 0, m);
	return rc == HB_ETIMEDOUT ? HB_EAGAIN : rc;
}

int hearth_poll(const uint32_t *mbs, uint32_t n, int64_t timeout_ns,
		hearth_msg *m)
{
	int rc;

	hearth__msg_clear(m);
	if (n == 0 || n > HEARTH_MAX_POLL)
		return HB_EINVAL;
	rc = recv_into(mbs, n, timeout_ns, m);
	if (!rc && m->index >= n)
		m->index = 0; /* the host promises a position in the list */
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
