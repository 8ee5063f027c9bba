/* spawn.c — the spawner client: encodes ["spawn", {...}] (docs/guest-abi.md,
 * "Spawning"), sends it with the reply address and the child's initial
 * capabilities, and returns the child's capability. */
#include <string.h>

#include "sdk_int.h"

int hearth_spawner(hearth_cap reg, hearth_cap *out)
{
	return hearth_registry_get(reg, "wasm-spawner", out);
}

static void put_limits(hb_buf *b, const hearth_limits *l)
{
	uint32_t n = !!l->memory_pages + !!l->fuel_per_slice + !!l->fuel_total +
		     !!l->queue_msgs + !!l->queue_bytes + !!l->handles;

	hb_mp_put_map(b, n);
	if (l->memory_pages) {
		hb_mp_put_cstr(b, "memory_pages");
		hb_mp_put_uint(b, l->memory_pages);
	}
	if (l->fuel_per_slice) {
		hb_mp_put_cstr(b, "fuel_per_slice");
		hb_mp_put_uint(b, l->fuel_per_slice);
	}
	if (l->fuel_total) {
		hb_mp_put_cstr(b, "fuel_total");
		hb_mp_put_uint(b, l->fuel_total);
	}
	if (l->queue_msgs) {
		hb_mp_put_cstr(b, "queue_msgs");
		hb_mp_put_uint(b, l->queue_msgs);
	}
	if (l->queue_bytes) {
		hb_mp_put_cstr(b, "queue_bytes");
		hb_mp_put_uint(b, l->queue_bytes);
	}
	if (l->handles) {
		hb_mp_put_cstr(b, "handles");
		hb_mp_put_uint(b, l->handles);
	}
}

/* Encode the request for o into b. */
static int put_request(hb_buf *b, const hearth_spawn_opts *o,
		       const hearth_id *lump)
{
	uint32_t n = 2 + !!o->name + !!o->link + !!o->limits;

	hb_mp_put_array(b, 2);
	hb_mp_put_cstr(b, "spawn");
	hb_mp_put_map(b, n);
	hb_mp_put_cstr(b, "lump");
	hb_mp_put_bin(b, lump->b, sizeof lump->b);
	hb_mp_put_cstr(b, "entry");
	hb_mp_put_cstr(b, o->entry);
	if (o->name) {
		hb_mp_put_cstr(b, "name");
		hb_mp_put_cstr(b, o->name);
	}
	if (o->link) {
		hb_mp_put_cstr(b, "link");
		hb_mp_put_bool(b, true);
	}
	if (o->limits) {
		hb_mp_put_cstr(b, "limits");
		put_limits(b, o->limits);
	}
	return b->err;
}

int hearth_spawn(hearth_cap spawner, const hearth_spawn_opts *o,
		 hearth_cap *child, char *why, size_t whylen)
{
	hearth_id self;
	const hearth_id *lump = o->lump;
	hearth_msg reply;
	hb_buf b;
	int rc;

	if (why && whylen)
		why[0] = 0;
	if (!o->entry)
		return HB_EINVAL;
	if (!lump) {
		rc = hearth_lump_this(&self);
		if (rc)
			return rc;
		lump = &self;
	}
	hb_buf_init(&b);
	rc = put_request(&b, o, lump);
	/* the reply capability carries LINK when the child is to be linked
	 * to us: the spawner links the child to the reply address's owner */
	if (!rc)
		rc = hearth__request(spawner, b.data, b.len, o->caps, o->ncaps,
				     o->timeout_ns > 0 ? o->timeout_ns
						       : HEARTH_DEFAULT_TIMEOUT,
				     o->link ? HEARTH_PERM_LINK : 0, &reply);
	hb_buf_deinit(&b);
	if (rc)
		return rc;
	rc = hearth_reply_status(&reply, NULL, NULL, why, whylen);
	if (!rc) {
		*child = hearth_msg_take_cap(&reply, 0);
		if (*child < 0)
			rc = HB_EPROTO;
	}
	hearth_msg_free(&reply);
	return rc;
}
