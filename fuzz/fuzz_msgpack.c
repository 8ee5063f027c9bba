/* fuzz_msgpack.c — MessagePack decoder: skip, typed walk and text rendering
 * of arbitrary bytes must never read out of bounds, loop or crash; text
 * rendering of a value that skip accepted must succeed. */
#include <stdint.h>
#include <stdlib.h>

#include "hearth/error.h"
#include "hearth/msgpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hb_mp_reader r, t;
	hb_buf out;

	hb_mp_reader_init(&r, data, size);
	while (r.p < r.end && hb_mp_skip(&r) == 0) {
	}

	hb_mp_reader_init(&r, data, size);
	t = r;
	if (hb_mp_skip(&t) == 0) {
		hb_buf_init(&out);
		out.max = 1 << 24;
		int rc = hb_mp_to_text(&r, &out);
		/* A skippable value renders, unless it nests too deep or its
		 * text exceeds the cap. */
		if (rc != 0 && rc != HB_ELIMIT)
			abort();
		if (rc == 0 && r.p != t.p)
			abort();
		hb_buf_deinit(&out);
	}
	return 0;
}
