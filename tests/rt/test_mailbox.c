/* test_mailbox.c — mailboxes: FIFO delivery, bounded queues that refuse
 * with HB_EFULL, size limits, several mailboxes per process, destroyed
 * mailboxes, per-process counters. */
#include "rt_test.h"

TEST(mailbox_fifo_through_a_forwarder)
{
	hr_rt *rt = rt_start(2);
	uint32_t mb;
	hr_handle in = host_inbox(rt, &mb), f;
	uint64_t i;
	hr_msg m;

	f = spawn_kind(rt, &fwd_kind, NULL, &in, 1);
	for (i = 0; i < 5000; i++)
		ASSERT_OK(hr_host_send(rt, f, &i, sizeof i, NULL, 0));
	for (i = 0; i < 5000; i++) {
		expect_msg(rt, mb, &m);
		ASSERT_UEQ(msg_u64(&m), i);
		hr_host_msg_free(rt, &m);
	}
	hr_rt_free(rt);
}
