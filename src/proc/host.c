/* host.c — the Wasm process layer's host object: the ABI's host functions
 * (made once), the "wasm-module" asset loader, the plugin that starts the
 * spawner, the graveyard of dead processes' logs and the metadata that
 * live processes set. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc_int.h"

/* Build an hw_func for an ABI row. */
static int make_fn(const hp_fndef *d, hw_func **out)
{
	hw_valtype ps[16], rs[2];
	const char *c = d->type;
	uint32_t np = 0, nr = 0;
	int rc;

	while (*c != ':')
		ps[np++] = *c++ == 'I' ? HW_I64 : HW_I32;
	for (c++; *c; c++)
		rs[nr++] = *c == 'I' ? HW_I64 : HW_I32;
	rc = hw_func_new(ps, np, rs, nr, d->fn, NULL, out);
	if (!rc)
		hw_func_pin(*out); /* freed by hp_host_free, after every
				      process is gone */
	return rc;
}

int hp_host_new(const hp_config *cfg, hp_host **out)
{
	hl_asset_loader ld;
	hp_host *h;
	uint32_t i;
	int rc;

	*out = NULL;
	if (!cfg || !cfg->rt || !cfg->store || !cfg->assets)
		return HB_EINVAL;
	if (sodium_init() < 0)
		return HB_ENOMEM;
	h = calloc(1, sizeof *h);
	if (!h)
		return HB_ENOMEM;
	h->rt = cfg->rt;
	h->store = cfg->store;
	h->assets = cfg->assets;
	h->log_fn = cfg->log_fn;
	h->log_ud = cfg->log_ud;
	h->spawner = HR_HANDLE_NONE;
	pthread_mutex_init(&h->mu, NULL);
	pthread_mutex_init(&h->io_mu, NULL);
	pthread_cond_init(&h->io_cv, NULL);
	h->fns = calloc(hp__nabi, sizeof *h->fns);
	if (!h->fns) {
		rc = HB_ENOMEM;
		goto fail;
	}
	for (i = 0; i < hp__nabi; i++) {
		rc = make_fn(&hp__abi[i], &h->fns[i]);
		if (rc)
			goto fail;
	}
	rc = hw_mempool_new(HP_POOL_MEMORY_BYTES, HP_POOL_BYTES, &h->pool);
	if (rc)
		goto fail;
	ld = (hl_asset_loader){.type = HP_ASSET_TYPE,
			       .load = hp__module_load,
			       .free = hp__module_free,
			       .ctx = h};
	rc = hl_assets_register(h->assets, &ld);
	if (rc)
		goto fail;
	*out = h;
	return 0;
fail:
	hp_host_free(h);
	return rc;
}

static void grave_clear(hp_grave *g)
{
	uint32_t i;

	for (i = 0; i < g->nlines; i++)
		free(g->lines[i].text);
	free(g->lines);
	free(g->text);
	memset(g, 0, sizeof *g);
}

void hp_host_free(hp_host *h)
{
	hp_metarec *m, *next;
	uint32_t i;

	if (!h)
		return;
	hp__io_stop(h);
	for (i = 0; h->fns && i < hp__nabi; i++)
		hw_func_free(h->fns[i]);
	free(h->fns);
	hw_mempool_free(h->pool);
	for (i = 0; i < HP_GRAVE_PROCS; i++)
		grave_clear(&h->graves[i]);
	for (i = 0; i < HP_META_BUCKETS; i++) {
		for (m = h->metas[i]; m; m = next) {
			next = m->next;
			for (int k = 0; k < 3; k++)
				free(m->field[k]);
			free(m);
		}
	}
	pthread_mutex_destroy(&h->mu);
	pthread_mutex_destroy(&h->io_mu);
	pthread_cond_destroy(&h->io_cv);
	free(h);
}

/* ---- the plugin ---- */

static int plugin_init(hr_plugin_ctx *pc, void *ud)
{
	hp_host *h = ud;
	hr_spawn_opts o = {
		.kind = &hp__spawner_kind, .state = h, .name = "wasm-spawner"};
	hr_handle sp, pub;
	int rc;

	rc = hr_host_spawn(h->rt, &o, &sp);
	if (rc)
		return rc;
	rc = hr_plugin_service(pc, "wasm-spawner", sp);
	if (!rc)
		rc = hr_host_demote(h->rt, sp, HR_PERM_SEND | HR_PERM_MONITOR,
				    &pub);
	if (!rc) {
		pthread_mutex_lock(&h->mu);
		h->spawner = pub;
		pthread_mutex_unlock(&h->mu);
	}
	hr_host_ref_dec(h->rt, sp);
	return rc;
}

int hp_plugin_add(hp_host *h)
{
	static const hr_plugin pl = {.name = "wasm", .init = plugin_init};

	return hr_plugin_add(h->rt, &pl, h);
}

int hp_spawner(hp_host *h, hr_handle *out)
{
	int rc;

	pthread_mutex_lock(&h->mu);
	*out = h->spawner;
	rc = h->spawner == HR_HANDLE_NONE ? HB_ENOENT : 0;
	pthread_mutex_unlock(&h->mu);
	return rc;
}

/* ---- the graveyard ---- */

typedef struct collect {
	hp_gline *lines;
	uint32_t n, cap;
	bool oom;
} collect;

static void collect_line(void *ud, int level, uint64_t t_ns, const char *text)
{
	collect *c = ud;

	if (c->oom)
		return;
	if (c->n == c->cap) {
		uint32_t nc = c->cap ? c->cap * 2 : 8;
		hp_gline *nl = realloc(c->lines, nc * sizeof *nl);

		if (!nl) {
			c->oom = true;
			return;
		}
		c->lines = nl;
		c->cap = nc;
	}
	c->lines[c->n].text = strdup(text);
	if (!c->lines[c->n].text) {
		c->oom = true;
		return;
	}
	c->lines[c->n].level = level;
	c->lines[c->n].t_ns = t_ns;
	c->n++;
}

void hp__grave_add(hp_host *h, hr_ctx *cx, const hr_reason *why)
{
	collect c = {0};
	hp_grave g = {0}, old;
	uint32_t i;

	hr_rt_log(hr_ctx_rt(cx), hr_self(cx), collect_line, &c);
	if (!c.n && why->code == HR_EXIT_NORMAL) {
		free(c.lines);
		return;
	}
	g.pid = hr_self(cx);
	g.code = why->code;
	g.text = why->text ? strdup(why->text) : NULL;
	g.lines = c.lines;
	g.nlines = c.n;
	pthread_mutex_lock(&h->mu);
	old = h->graves[h->grave_next];
	h->graves[h->grave_next] = g;
	h->grave_next = (h->grave_next + 1) % HP_GRAVE_PROCS;
	pthread_mutex_unlock(&h->mu);
	for (i = 0; i < old.nlines; i++)
		free(old.lines[i].text);
	free(old.lines);
	free(old.text);
}

int hp_dead_log(hp_host *h, hr_pid pid, hr_reason *why,
		void (*cb)(void *ud, int level, uint64_t t_ns,
			   const char *text),
		void *ud)
{
	uint32_t i, k;
	int rc = HB_ENOENT;

	pthread_mutex_lock(&h->mu);
	for (i = 0; i < HP_GRAVE_PROCS; i++) {
		hp_grave *g = &h->graves[i];

		if (g->pid != pid)
			continue;
		if (why) {
			why->code = g->code;
			why->text = g->text;
		}
		for (k = 0; cb && k < g->nlines; k++)
			cb(ud, g->lines[k].level, g->lines[k].t_ns,
			   g->lines[k].text);
		rc = 0;
		break;
	}
	pthread_mutex_unlock(&h->mu);
	return rc;
}

/* ---- metadata ---- */

static hp_metarec **bucket(hp_host *h, hr_pid pid)
{
	uint64_t x = pid * 0x9e3779b97f4a7c15ull;

	return &h->metas[(x >> 32) % HP_META_BUCKETS];
}

int hp__meta_set(hp_host *h, hr_pid pid, int field, const char *s, size_t len)
{
	hp_metarec *m;
	char *v = malloc(len + 1);
	int rc = 0;

	if (!v)
		return HB_ENOMEM;
	memcpy(v, s, len);
	v[len] = 0;
	pthread_mutex_lock(&h->mu);
	for (m = *bucket(h, pid); m && m->pid != pid; m = m->next)
		;
	if (!m) {
		m = calloc(1, sizeof *m);
		if (m) {
			m->pid = pid;
			m->next = *bucket(h, pid);
			*bucket(h, pid) = m;
		}
	}
	if (m) {
		free(m->field[field - 1]);
		m->field[field - 1] = v;
		v = NULL;
	} else {
		rc = HB_ENOMEM;
	}
	pthread_mutex_unlock(&h->mu);
	free(v);
	return rc;
}

void hp__meta_drop(hp_host *h, hr_pid pid)
{
	hp_metarec **pp, *m = NULL;
	int i;

	pthread_mutex_lock(&h->mu);
	for (pp = bucket(h, pid); *pp; pp = &(*pp)->next) {
		if ((*pp)->pid == pid) {
			m = *pp;
			*pp = m->next;
			break;
		}
	}
	pthread_mutex_unlock(&h->mu);
	if (m) {
		for (i = 0; i < 3; i++)
			free(m->field[i]);
		free(m);
	}
}

int hp_meta(hp_host *h, hr_pid pid, int field, char *buf, size_t len)
{
	hp_metarec *m;
	int rc = HB_ENOENT;

	if (field < 1 || field > 3)
		return HB_EINVAL;
	pthread_mutex_lock(&h->mu);
	for (m = *bucket(h, pid); m && m->pid != pid; m = m->next)
		;
	if (m && m->field[field - 1]) {
		size_t n = strlen(m->field[field - 1]);

		if (len) {
			size_t k = n < len - 1 ? n : len - 1;

			memcpy(buf, m->field[field - 1], k);
			buf[k] = 0;
		}
		rc = (int)n;
	}
	pthread_mutex_unlock(&h->mu);
	return rc;
}
