/* error.h — Hearth's one error enum, shared by every library and by the
 * guest ABI. Codes are negative, 0 is success (libuv's convention). */
#ifndef HEARTH_ERROR_H
#define HEARTH_ERROR_H

/* X(name, value, message). Values are part of the guest ABI and the wire
 * formats (docs/errors.md): never renumber, only append. */
#define HB_ERRNO_MAP(X)                                                       \
	X(NOMEM, -1, "out of memory")                                         \
	X(INVAL, -2, "invalid argument")                                      \
	X(RANGE, -3, "value out of range")                                    \
	X(NOENT, -4, "not found")                                             \
	X(EXIST, -5, "already exists")                                        \
	X(PERM, -6, "permission denied")                                      \
	X(BADH, -7, "bad capability handle")                                  \
	X(DEAD, -8, "target is dead")                                         \
	X(FULL, -9, "mailbox full")                                           \
	X(TOOBIG, -10, "message too large")                                   \
	X(CLOSED, -11, "closed")                                              \
	X(AGAIN, -12, "resource temporarily unavailable")                     \
	X(TIMEDOUT, -13, "timed out")                                         \
	X(MALFORMED, -14, "malformed input")                                  \
	X(INVALID, -15, "invalid module")                                     \
	X(UNLINKABLE, -16, "unlinkable")                                      \
	X(TRAP, -17, "trapped")                                               \
	X(IO, -18, "input/output error")                                      \
	X(CORRUPT, -19, "corrupt data")                                       \
	X(LIMIT, -20, "limit exceeded")                                       \
	X(NOSYS, -21, "not supported")                                        \
	X(PROTO, -22, "protocol error")                                       \
	X(VERSION, -23, "unsupported version")                                \
	X(AUTH, -24, "authentication failed")                                 \
	X(CANCELED, -25, "operation canceled")                                \
	X(BUSY, -26, "resource busy")                                         \
	X(NOSPC, -27, "no space left")                                        \
	X(EXHAUSTED, -28, "fuel exhausted")

typedef enum hb_err {
	HB_OK = 0,
#define HB__ERR_ENUM(name, value, msg) HB_E##name = value,
	HB_ERRNO_MAP(HB__ERR_ENUM)
#undef HB__ERR_ENUM
	HB__ERR_MIN = -28
} hb_err;

/* Human-readable message for an error code; never NULL. */
const char *hb_strerror(int err);

/* Symbolic name ("HB_ENOMEM") for an error code; never NULL. */
const char *hb_errname(int err);

#endif
