/* fuzz_proc_spawner.c — the spawner protocol (src/proc/spawner.c): parsing
 * arbitrary request bytes must never read out of bounds or crash; an
 * accepted request is well formed (entry and name inside the input and
 * within their caps, limits within the host's maxima) and encodes back to
 * a request that parses to the same fields; reply decoding likewise. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/error.h"
#include "hearth/proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const void *p, uint32_t n, const uint8_t *data, size_t size)
{
	if ((const uint8_t *)p < data || (const uint8_t *)p + n > data + size)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hp_spawn_req q, q2;
	char err[256];
	const char *text;
	uint32_t tl;
	hb_buf b;
	int rc;

	rc = hp_spawn_req_parse(data, size, &q, err, sizeof err);
	if (rc == 0) {
		if (!q.entry || q.entry_len == 0 ||
		    q.entry_len > HP_MAX_ENTRY ||
		    memchr(q.entry, 0, q.entry_len))
			abort();
		inside(q.entry, q.entry_len, data, size);
		if (q.name) {
			if (q.name_len > 255)
				abort();
			inside(q.name, q.name_len, data, size);
		}
		if (q.limits.memory_pages > HP_MAX_MEMORY_PAGES ||
		    q.limits.fuel_per_slice > HP_MAX_FUEL_SLICE ||
		    q.limits.fuel_total > INT64_MAX ||
		    q.rt_limits.queue_msgs > HR_MAX_QUEUE_MSGS ||
		    q.rt_limits.queue_bytes > HR_MAX_QUEUE_BYTES ||
		    q.rt_limits.handles > HR_MAX_HANDLES ||
		    q.rt_limits.mailboxes > HR_MAX_MAILBOXES ||
		    q.rt_limits.msg_bytes > HR_MAX_MSG_BYTES)
			abort();
		/* encode and parse again: the same request */
		hb_buf_init(&b);
		hp_spawn_req_put(&b, &q);
		if (b.err || hp_spawn_req_parse(b.data, b.len, &q2, err,
						sizeof err) != 0)
			abort();
		if (!hl_id_eq(&q.lump, &q2.lump) ||
		    q.entry_len != q2.entry_len ||
		    memcmp(q.entry, q2.entry, q.entry_len) ||
		    (q.name == NULL) != (q2.name == NULL) ||
		    q.name_len != q2.name_len || q.link != q2.link ||
		    memcmp(&q.limits, &q2.limits, sizeof q.limits) ||
		    memcmp(&q.rt_limits, &q2.rt_limits, sizeof q.rt_limits))
			abort();
		hb_buf_deinit(&b);
	} else if (rc != HB_EMALFORMED && rc != HB_ELIMIT) {
		abort();
	} else if (!memchr(err, 0, sizeof err) || !err[0]) {
		abort(); /* every refusal says why */
	}
	rc = hp_spawn_reply(data, size, &text, &tl);
	if (rc > 0)
		abort();
	if (rc < 0 && rc != HB_EMALFORMED && text)
		inside(text, tl, data, size);
	return 0;
}
