/* proc_test.h — helpers of the Wasm process tests: a runtime with the
 * Wasm layer booted (memory lump store, asset cache, spawner), a host
 * inbox the guests report to, guests loaded from the build's guests/
 * folder into lumps, spawning and waiting for messages and DOWNs, and a
 * tiny Wasm module builder for hand-made bad modules. */
#ifndef HEARTH_PROC_TEST_H
#define HEARTH_PROC_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearth/msgpack.h"
#include "hearth/proc.h"
#include "test.h"

#define WAIT_NS (30ll * 1000 * 1000 * 1000) /* generous: loaded machines */

typedef struct env {
	hr_rt *rt;
	hl_store *store;
	hl_assets *assets;
	hp_host *hp;
	hr_handle reg;	   /* host registry (SEND|MONITOR) */
	hr_handle spawner; /* the spawner (SEND|MONITOR) */
	uint32_t mb;	   /* the host inbox */
	hr_handle inbox;   /* SEND to it */
	hl_id guest;	   /* proc_guest.wasm */
} env;

static inline uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	ASSERT_MSG(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ASSERT_NOT_NULL(buf);
	ASSERT_EQ(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Put bytes into the store as a lump. */
static inline hl_id put_bytes(env *e, const void *p, size_t n)
{
	hl_id id;

	ASSERT_OK(hl_store_put(e->store, p, n, &id, NULL));
	return id;
}

/* Load build/<cfg>/guests/<name>.wasm into a lump. */
static inline hl_id put_guest(env *e, const char *name)
{
	char path[512];
	size_t n;
	uint8_t *b;
	hl_id id;

	snprintf(path, sizeof path, "%s/guests/%s.wasm", HEARTH_BINARY_DIR,
		 name);
	b = read_file(path, &n);
	id = put_bytes(e, b, n);
	free(b);
	return id;
}

/* dir: a lump store on disk there, or NULL for one in memory. */
static inline void env_init_cfg(env *e, hr_config *c, const hp_config *hc,
				const char *dir)
{
	hl_store_config sc = {.dir = dir};
	hp_config pc = {0};
	char err[256];

	memset(e, 0, sizeof *e);
	ASSERT_OK(hr_rt_new(c, &e->rt));
	ASSERT_OK(hl_store_open(&sc, &e->store, err, sizeof err));
	ASSERT_OK(hl_assets_new(e->store, 0, &e->assets));
	if (hc)
		pc = *hc;
	pc.rt = e->rt;
	pc.store = e->store;
	pc.assets = e->assets;
	ASSERT_OK(hp_host_new(&pc, &e->hp));
	ASSERT_OK(hp_plugin_add(e->hp));
	ASSERT_OK(hr_rt_boot(e->rt, &e->reg));
	ASSERT_OK(hp_spawner(e->hp, &e->spawner));
	ASSERT_OK(hr_host_mailbox_new(e->rt, &e->mb));
	ASSERT_OK(hr_host_mailbox_cap(e->rt, e->mb, HR_PERM_SEND, &e->inbox));
	e->guest = put_guest(e, "proc_guest");
}

static inline void env_init(env *e, unsigned nsched)
{
	hr_config c;

	hr_config_init(&c);
	c.schedulers = nsched;
	c.spin_us = 20;
	env_init_cfg(e, &c, NULL, NULL);
}

static inline void env_free(env *e)
{
	ASSERT_OK(hr_rt_shutdown(e->rt));
	hr_rt_free(e->rt);
	hp_host_free(e->hp);
	hl_assets_free(e->assets);
	hl_store_close(e->store);
}

/* Spawn entry of the guest module with handles [inbox, extra...]; with
 * mon, monitored by the host (DOWN to the inbox) from before it runs. */
static inline int spawn_mon(env *e, const hl_id *lump, const char *entry,
			    const hr_handle *extra, uint32_t nextra,
			    const hp_limits *lim, const hr_limits *rlim,
			    uint64_t *mon, hr_handle *child, char *err,
			    size_t errlen)
{
	hr_handle caps[8];
	hp_spawn_opts o = {0};

	ASSERT(nextra < 8);
	caps[0] = e->inbox;
	if (nextra)
		memcpy(caps + 1, extra, nextra * sizeof *caps);
	o.lump = lump;
	o.entry = entry;
	o.caps = caps;
	o.ncaps = 1 + nextra;
	o.limits = lim;
	o.rt_limits = rlim;
	o.monitor = mon;
	o.monitor_mailbox = e->mb;
	return hp_spawn(e->hp, NULL, &o, child, err, errlen);
}

static inline int spawn_ex(env *e, const hl_id *lump, const char *entry,
			   const hr_handle *extra, uint32_t nextra,
			   const hp_limits *lim, const hr_limits *rlim,
			   hr_handle *child, char *err, size_t errlen)
{
	return spawn_mon(e, lump, entry, extra, nextra, lim, rlim, NULL, child,
			 err, errlen);
}

/* Spawn and monitor from before it runs: its DOWN comes to the inbox. */
static inline hr_handle spawn_m(env *e, const char *entry,
				const hr_handle *extra, uint32_t nextra)
{
	hr_handle child;
	uint64_t ref;
	char err[256] = "";
	int rc = spawn_mon(e, &e->guest, entry, extra, nextra, NULL, NULL, &ref,
			   &child, err, sizeof err);

	ASSERT_MSG(rc == 0, "spawn %s: %s (%s)", entry, hb_errname(rc), err);
	return child;
}

static inline hr_handle spawn(env *e, const char *entry, const hr_handle *extra,
			      uint32_t nextra)
{
	hr_handle child;
	char err[256] = "";
	int rc = spawn_ex(e, &e->guest, entry, extra, nextra, NULL, NULL,
			  &child, err, sizeof err);

	ASSERT_MSG(rc == 0, "spawn %s: %s (%s)", entry, hb_errname(rc), err);
	return child;
}

/* Receive the next message on the inbox (DOWNs included). */
static inline void recv_msg(env *e, hr_msg *m)
{
	int rc = hr_host_recv(e->rt, e->mb, WAIT_NS, m);

	ASSERT_MSG(rc == 0, "nothing on the inbox: %s", hb_errname(rc));
}

/* The next data message's text must be want. */
static inline void expect(env *e, const char *want)
{
	hr_msg m;
	char buf[512];
	size_t n;

	recv_msg(e, &m);
	ASSERT_MSG(m.kind == HR_MSG_DATA, "want \"%s\", got a signal (%d %s)",
		   want, m.reason.code, m.reason.text ? m.reason.text : "");
	n = m.len < sizeof buf - 1 ? m.len : sizeof buf - 1;
	memcpy(buf, m.data, n);
	buf[n] = 0;
	for (uint32_t i = 0; i < m.ncaps; i++)
		if (m.caps[i] >= 0)
			hr_host_ref_dec(e->rt, m.caps[i]);
	hr_host_msg_free(e->rt, &m);
	ASSERT_STREQ(buf, want);
}

/* Monitor h from the host (DOWN to the inbox). */
static inline uint64_t monitor(env *e, hr_handle h)
{
	uint64_t ref;

	ASSERT_OK(hr_host_monitor(e->rt, h, e->mb, &ref));
	return ref;
}

/* The next message must be a DOWN with this code; returns its text in
 * buf (may be empty). */
static inline void expect_down(env *e, int32_t code, char *buf, size_t len)
{
	hr_msg m;

	recv_msg(e, &m);
	if (m.kind == HR_MSG_DATA) {
		char t[256];
		size_t n = m.len < sizeof t - 1 ? m.len : sizeof t - 1;

		memcpy(t, m.data, n);
		t[n] = 0;
		ASSERT_MSG(0, "want a DOWN (%d), got message \"%s\"", code, t);
	}
	ASSERT_EQ(m.kind, HR_MSG_DOWN);
	ASSERT_MSG(m.reason.code == code, "DOWN code %d (%s), want %d",
		   m.reason.code, m.reason.text ? m.reason.text : "", code);
	if (buf)
		snprintf(buf, len, "%s", m.reason.text ? m.reason.text : "");
	if (m.ncaps && m.caps[0] >= 0)
		hr_host_ref_dec(e->rt, m.caps[0]);
	hr_host_msg_free(e->rt, &m);
}

/* Nothing arrives on the inbox within ms. */
static inline bool quiet_for(env *e, int ms)
{
	hr_msg m;

	if (hr_host_recv(e->rt, e->mb, (int64_t)ms * 1000000, &m) == 0) {
		hr_host_msg_free(e->rt, &m);
		return false;
	}
	return true;
}

static inline void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/* Wait until the process h names is in state st (or fail). */
static inline void wait_state(env *e, hr_handle h, hr_pstate st)
{
	hr_proc_info info;
	hr_pid pid;
	int i;

	ASSERT_OK(hr_host_target_pid(e->rt, h, &pid));
	for (i = 0; i < 30000; i++) {
		ASSERT_OK(hr_rt_proc_info(e->rt, pid, &info));
		if (info.state == st)
			return;
		sleep_ms(1);
	}
	ASSERT_MSG(0, "state %s, want %s", hr_pstate_name(info.state),
		   hr_pstate_name(st));
}

/* ---- a tiny Wasm module builder (for hand-made bad modules) ---- */

typedef struct wmod {
	uint8_t *b;
	size_t n, cap;
} wmod;

static inline void w_byte(wmod *w, uint8_t v)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 256;
		w->b = realloc(w->b, w->cap);
		ASSERT_NOT_NULL(w->b);
	}
	w->b[w->n++] = v;
}

static inline void w_u32(wmod *w, uint32_t v)
{
	do {
		uint8_t c = v & 0x7f;

		v >>= 7;
		w_byte(w, (uint8_t)(c | (v ? 0x80 : 0)));
	} while (v);
}

static inline void w_bytes(wmod *w, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		w_byte(w, ((const uint8_t *)p)[i]);
}

static inline void w_name(wmod *w, const char *s)
{
	w_u32(w, (uint32_t)strlen(s));
	w_bytes(w, s, strlen(s));
}

/* Append section id with the contents of body. */
static inline void w_section(wmod *w, uint8_t id, wmod *body)
{
	w_byte(w, id);
	w_u32(w, (uint32_t)body->n);
	w_bytes(w, body->b, body->n);
	free(body->b);
	memset(body, 0, sizeof *body);
}

/* A module: type 0 = imp_type (params/results letters "iii:"), n imports
 * of mod.name (the same name n times), type 1 = () -> (), one function
 * exported as "main" doing nothing. OUT: bytes (caller frees). */
static inline uint8_t *w_module(const char *imod, const char *iname,
				const char *itype, uint32_t nimports,
				size_t *len)
{
	wmod w = {0}, s = {0};
	const char *c;
	uint32_t np = 0, nr = 0;

	w_bytes(&w, "\0asm\1\0\0\0", 8);
	for (c = itype; *c != ':'; c++)
		np++;
	nr = (uint32_t)strlen(c + 1);
	w_u32(&s, 2);
	w_byte(&s, 0x60);
	w_u32(&s, np);
	for (c = itype; *c != ':'; c++)
		w_byte(&s, *c == 'I' ? 0x7e : 0x7f);
	w_u32(&s, nr);
	for (c++; *c; c++)
		w_byte(&s, *c == 'I' ? 0x7e : 0x7f);
	w_byte(&s, 0x60);
	w_u32(&s, 0);
	w_u32(&s, 0);
	w_section(&w, 1, &s);
	if (nimports) {
		w_u32(&s, nimports);
		for (uint32_t i = 0; i < nimports; i++) {
			w_name(&s, imod);
			w_name(&s, iname);
			w_byte(&s, 0);
			w_u32(&s, 0);
		}
		w_section(&w, 2, &s);
	}
	w_u32(&s, 1);
	w_u32(&s, 1);
	w_section(&w, 3, &s);
	w_u32(&s, 1);
	w_name(&s, "main");
	w_byte(&s, 0);
	w_u32(&s, nimports); /* the defined function's index */
	w_section(&w, 7, &s);
	w_u32(&s, 1);
	w_u32(&s, 2);
	w_byte(&s, 0);	  /* no locals */
	w_byte(&s, 0x0b); /* end */
	w_section(&w, 10, &s);
	*len = w.n;
	return w.b;
}

#endif
