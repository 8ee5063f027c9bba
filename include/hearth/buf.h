/* buf.h — a growable byte buffer with a sticky error, the sink that every
 * encoder in Hearth writes to (MessagePack, wire frames, IPC frames). */
#ifndef HEARTH_BUF_H
#define HEARTH_BUF_H

#include <stddef.h>
#include <stdint.h>

/* Invariants: data is NULL or points to cap bytes of which len are used.
 * Once err is set (HB_ENOMEM or HB_ELIMIT) every later append is a no-op,
 * so an encoder writes a whole value and checks err once at the end.
 * max bounds len (0 = no bound beyond SIZE_MAX / 2). Not thread-safe. */
typedef struct hb_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t max;
	int err;
} hb_buf;

/* Initialise an empty buffer in caller storage; never fails. */
void hb_buf_init(hb_buf *b);

/* Release the buffer's memory; b may be reused after hb_buf_init. */
void hb_buf_deinit(hb_buf *b);

/* Ensure room for n more bytes. Returns 0, or HB_ENOMEM / HB_ELIMIT (also
 * stored in b->err). */
int hb_buf_reserve(hb_buf *b, size_t n);

/* Append n bytes from p (p may be NULL when n is 0). Returns b->err. */
int hb_buf_append(hb_buf *b, const void *p, size_t n);

/* Append one byte. Returns b->err. */
int hb_buf_push(hb_buf *b, uint8_t byte);

/* Set len back to 0 and clear err, keeping the memory. */
void hb_buf_reset(hb_buf *b);

/* Hand the bytes to the caller (who frees them with free()), leaving b
 * empty. OUT: *len, the byte count. Returns NULL if b holds nothing. */
uint8_t *hb_buf_steal(hb_buf *b, size_t *len);

#endif
