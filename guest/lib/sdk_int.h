/* sdk_int.h — shared by the SDK's files (only guest/lib includes it).
 * The raw imports come from hearth_abi.h, through hearth.h. */
#ifndef HEARTH_SDK_INT_H
#define HEARTH_SDK_INT_H

#include <stdint.h>

#include "hearth.h"

/* hearth_request whose reply capability also carries reply_perms (the
 * spawner wants LINK on it to link the child to the requester). */
int hearth__request(hearth_cap service, const void *req, size_t len,
		    const hearth_cap *caps, uint32_t ncaps, int64_t timeout_ns,
		    unsigned reply_perms, hearth_msg *reply);

/* Make m an empty message that hearth_msg_free accepts. */
void hearth__msg_clear(hearth_msg *m);

#endif
