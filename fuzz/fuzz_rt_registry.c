/* fuzz_rt_registry.c — the registry protocol (src/rt/registry.c): request
 * parsing of arbitrary bytes must never read out of bounds or crash; an
 * accepted request is well formed (a known op, a bounded name without
 * NUL inside the input); reply decoding likewise. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/rt/rt_int.h"
#include "hearth/msgpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *names;
	hr_reg_req q;
	uint32_t n;
	int rc;

	rc = hr__registry_parse(data, size, &q);
	if (rc == 0) {
		if (q.op != HR_REG_GET && q.op != HR_REG_REGISTER &&
		    q.op != HR_REG_LIST)
			abort();
		if (q.op != HR_REG_LIST) {
			if (!q.name || q.name_len == 0 ||
			    q.name_len > HR_MAX_SERVICE_NAME)
				abort();
			if ((const uint8_t *)q.name < data ||
			    (const uint8_t *)q.name + q.name_len > data + size)
				abort();
			if (memchr(q.name, 0, q.name_len))
				abort();
		}
	} else if (rc != HB_EMALFORMED && rc != HB_ELIMIT) {
		abort();
	}
	rc = hr_registry_reply(data, size, &names, &n);
	if (rc == 0 && names) {
		hb_mp_reader r;
		uint32_t i;

		if (names < data || names > data + size)
			abort();
		/* walking the names never leaves the input */
		hb_mp_reader_init(&r, names, (size_t)(data + size - names));
		for (i = 0; i < n && hb_mp_skip(&r) == 0; i++)
			;
	} else if (rc > 0) {
		abort();
	}
	return 0;
}
