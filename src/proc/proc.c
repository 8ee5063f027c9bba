/* proc.c — the Wasm process kind: one instance per process, run by the
 * runtime as a resumable process. The slice's budget is the instance's
 * fuel; a host call that must wait (mb_recv, mb_poll, sleep) suspends the
 * instance and the process waits in the runtime without holding a thread;
 * spawn instantiates a module from the asset cache. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc_int.h"

/* ---- mailboxes owned (a bit per id) ---- */

bool hp__mb_owned(const hp_proc *p, uint32_t mb)
{
	return mb / 64 < p->nmbits && ((p->mbits[mb / 64] >> (mb % 64)) & 1);
}

int hp__mb_mark(hp_proc *p, uint32_t mb, bool on)
{
	uint32_t w = mb / 64;

	if (w >= p->nmbits) {
		uint32_t n = w + 1 > p->nmbits * 2 ? w + 1 : p->nmbits * 2;
		uint64_t *nb;

		if (!on)
			return 0;
		nb = calloc(n, sizeof *nb);
		if (!nb)
			return HB_ENOMEM;
		memcpy(nb, p->mbits, p->nmbits * sizeof *nb);
		if (p->mbits != &p->mbits0)
			free(p->mbits);
		p->mbits = nb;
		p->nmbits = n;
	}
	if (on)
		p->mbits[w] |= 1ull << (mb % 64);
	else
		p->mbits[w] &= ~(1ull << (mb % 64));
	return 0;
}

/* ---- signals ---- */

int hp__take_signal(hp_proc *p, const uint32_t *mbs, uint32_t n,
		    uint32_t *mb_index)
{
	hp_sig *s;
	int32_t i;
	uint32_t k;
	int rc;

	if (p->sig_live >= HP_MAX_SIGNALS)
		return HB_ELIMIT;
	if (p->sig_free < 0) {
		uint32_t old = p->nsigs, nn = old ? old * 2 : 4;
		hp_sig *t = realloc(p->sigs, nn * sizeof *t);

		if (!t)
			return HB_ENOMEM;
		for (k = nn; k-- > old;) {
			t[k].m.node_ = NULL;
			t[k].next_free = p->sig_free;
			p->sig_free = (int32_t)k;
		}
		p->sigs = t;
		p->nsigs = nn;
	}
	i = p->sig_free;
	s = &p->sigs[i];
	rc = hr_recv(p->cx, mbs, n, &s->m);
	if (rc) {
		s->m.node_ = NULL;
		return rc;
	}
	p->sig_free = s->next_free;
	p->sig_live++;
	if (mb_index) {
		for (k = 0; k < n && mbs[k] != s->m.mailbox; k++)
			;
		*mb_index = k;
	}
	return i;
}

/* ---- lifetime ---- */

static void proc_free(hp_proc *p)
{
	uint32_t i;

	if (!p)
		return;
	for (i = 0; i < p->nsigs; i++)
		if (p->sigs[i].m.node_)
			hr_msg_free(p->cx, &p->sigs[i].m);
	free(p->sigs);
	for (i = 0; i < p->nlumps; i++)
		hl_lump_unref(p->lumps[i]);
	free(p->lumps);
	if (p->wmb != p->wmb_inline)
		free(p->wmb);
	if (p->mbits != &p->mbits0)
		free(p->mbits);
	free(p->exit_text);
	hw_instance_free(p->inst);
	hw_wasi_free(p->wasi); /* after the instance that may use it */
	hl_asset_unref(p->asset);
	free(p);
}

static void terminate(hr_ctx *cx, void *st, const hr_reason *why)
{
	hp_proc *p = st;

	if (!p)
		return;
	p->cx = cx;
	hp__io_abandon(p);
	if (p->wasi)
		hw_wasi_flush(p->wasi); /* a last line without its newline */
	hp__grave_add(p->host, cx, why);
	if (p->has_meta)
		hp__meta_drop(p->host, hr_self(cx));
	proc_free(p);
}

/* ---- running ---- */

void hp__log(hp_proc *p, int level, const char *text, size_t len)
{
	hp_host *h = p->host;

	if (len > HR_MAX_LOG_TEXT - 1)
		len = HR_MAX_LOG_TEXT - 1;
	hr_log(p->cx, level, "%.*s", (int)len, text);
	if (h->log_fn)
		h->log_fn(h->log_ud, hr_self(p->cx), hr_name(p->cx), level,
			  text, len);
}

static void plog(hp_proc *p, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void plog(hp_proc *p, int level, const char *fmt, ...)
{
	char buf[HR_MAX_LOG_TEXT];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	hp__log(p, level, buf, (size_t)n);
}

/* Start the next call of the process's life (start function,
 * _initialize, entry) after the previous one finished. Returns the
 * call's status, or HW_DONE when the entry point has returned. */
static int advance(hp_proc *p)
{
	hw_func *f;
	int rc;

	for (;;) {
		switch (p->phase) {
		case HP_PH_START:
			p->phase = HP_PH_INIT;
			rc = hw_instance_start(p->inst);
			break;
		case HP_PH_INIT:
			p->phase = HP_PH_ENTRY;
			if (!p->mod->has_init)
				continue;
			f = hw_instance_func(p->inst, "_initialize");
			rc = hw_instance_call(p->inst, f, NULL, 0, NULL, 0);
			break;
		case HP_PH_ENTRY:
			p->phase = HP_PH_DONE;
			rc = hw_instance_call(p->inst, p->entry, NULL, 0, NULL,
					      0);
			break;
		default:
			return HW_DONE;
		}
		if (rc != HW_DONE)
			return rc;
	}
}

/* Fill the slice's wait request for the pending wait. */
static void fill_wait(hp_proc *p, hr_slice *sl, uint64_t now)
{
	if (p->wait == HP_W_RECV) {
		sl->wait_mailboxes = p->wmb;
		sl->wait_n = p->nwmb;
	} else {
		sl->wait_mailboxes = NULL;
		sl->wait_n = 0;
	}
	sl->wait_any = false;
	if (!p->deadline)
		sl->wait_timeout_ns = -1;
	else if (p->deadline > now)
		sl->wait_timeout_ns = (int64_t)(p->deadline - now);
	else
		sl->wait_timeout_ns = 0;
}

static void wait_clear(hp_proc *p)
{
	if (p->wmb != p->wmb_inline) {
		free(p->wmb);
		p->wmb = p->wmb_inline;
	}
	p->nwmb = 0;
	p->deadline = 0;
}

/* After a wait: can the suspended host call return now? True with *val
 * its result; false when the process must wait again (sl filled). */
static bool wait_over(hp_proc *p, hr_slice *sl, hw_val *val)
{
	uint64_t now;
	uint32_t idx;
	int rc;

	if (p->wait == HP_W_RECV) {
		rc = hp__take_signal(p, p->wmb, p->nwmb, &idx);
		if (rc != HB_EAGAIN) {
			if (rc >= 0 && p->is_poll == 2) {
				hp__rx_fill(p, p->index_out, rc, idx);
				rc = 0;
			} else if (rc >= 0 && p->is_poll) {
				uint64_t size;
				uint8_t *base = hw_memory_data(
					hw_instance_memory(p->inst), &size);

				/* checked when the call was made; memory
				 * never shrinks */
				if (p->index_out + 4ull <= size)
					memcpy(base + p->index_out, &idx, 4);
			}
			val->i32 = (uint32_t)rc;
			wait_clear(p);
			return true;
		}
	}
	now = p->deadline ? hr_now_ns() : 0;
	if (p->deadline && (sl->timed_out || now >= p->deadline)) {
		val->i32 = p->wait == HP_W_RECV ? (uint32_t)HB_ETIMEDOUT : 0;
		wait_clear(p);
		return true;
	}
	fill_wait(p, sl, now);
	return false;
}

/* End the process with a reason, logging it. */
static hr_run fail(hp_proc *p, int32_t code, const char *text)
{
	plog(p, HR_LOG_ERROR, "%s: %s", hr_exit_name(code), text);
	hr_exit(p->cx, code, text);
	return HR_RUN_EXIT;
}

static hr_run trapped(hp_proc *p)
{
	const char *msg;
	hw_trap_code tc = hw_instance_trap(p->inst, &msg);
	uint32_t code;

	if (tc == HW_TRAP_HOST && p->wasi && hw_wasi_exited(p->wasi, &code)) {
		char text[32];

		if (code == 0)
			return HR_RUN_EXIT;
		snprintf(text, sizeof text, "exit code %u", code);
		return fail(p, HR_EXIT_ERROR, text);
	}
	if (tc == HW_TRAP_HOST && p->exit_req) {
		if (p->exit_code != HR_EXIT_NORMAL)
			plog(p, HR_LOG_INFO, "exit %d%s%s", p->exit_code,
			     p->exit_text ? ": " : "",
			     p->exit_text ? p->exit_text : "");
		hr_exit(p->cx, p->exit_code, p->exit_text);
		return HR_RUN_EXIT;
	}
	if (tc == HW_TRAP_NOMEM)
		return fail(p, HR_EXIT_OOM, msg);
	return fail(p, HR_EXIT_TRAP, msg);
}

/* Book the fuel this slice spent. */
static void account(hp_proc *p, hr_slice *sl)
{
	int64_t spent = p->given - hw_instance_fuel(p->inst);

	if (spent < 0)
		spent = 0;
	sl->used = (uint32_t)((spent + HP_FUEL_PER_REDUCTION - 1) /
			      HP_FUEL_PER_REDUCTION);
	if (!sl->used)
		sl->used = 1;
	if (p->fuel_left != INT64_MAX)
		p->fuel_left -= spent;
}

static hr_run run(hr_ctx *cx, void *st, hr_slice *sl)
{
	hp_proc *p = st;
	hw_val v = {.i64 = 0};
	int64_t fuel, cur;
	uint8_t w;
	int rc;

	p->cx = cx;
	if (p->fuel_left <= 0)
		return fail(p, HR_EXIT_LIMIT, "fuel exhausted");
	if (p->wait == HP_W_IO && !hp__io_over(p, &v)) {
		fill_wait(p, sl, hr_now_ns());
		sl->used = 1;
		return HR_RUN_WAIT;
	}
	if ((p->wait == HP_W_RECV || p->wait == HP_W_SLEEP) &&
	    !wait_over(p, sl, &v)) {
		sl->used = 1;
		return HR_RUN_WAIT;
	}

	fuel = (int64_t)sl->budget * HP_FUEL_PER_REDUCTION;
	if (p->fuel_slice && p->fuel_slice < fuel)
		fuel = p->fuel_slice;
	cur = hw_instance_fuel(p->inst);
	if (cur < 0) /* the overshoot of the last slice */
		fuel += cur;
	if (fuel < 1)
		fuel = 1;
	if (fuel > p->fuel_left)
		fuel = p->fuel_left;
	hw_instance_set_fuel(p->inst, fuel);
	p->given = fuel;

	w = p->wait;
	p->wait = HP_W_NONE;
	if (w == HP_W_NONE)
		rc = advance(p);
	else if (w == HP_W_FUEL)
		rc = hw_instance_resume(p->inst, NULL, 0, NULL, 0);
	else
		rc = hw_instance_resume(p->inst, &v, 1, NULL, 0);
	while (rc == HW_DONE) {
		rc = advance(p);
		if (rc == HW_DONE) {
			account(p, sl);
			return HR_RUN_EXIT;
		}
	}
	account(p, sl);
	switch (rc) {
	case HW_OUT_OF_FUEL:
		if (p->fuel_left <= 0)
			return fail(p, HR_EXIT_LIMIT, "fuel exhausted");
		p->wait = HP_W_FUEL;
		return HR_RUN_YIELD;
	case HW_SUSPENDED:
		if (p->wait == HP_W_NONE) {
			/* WASI's: poll_oneoff sleeping, or sched_yield */
			uint64_t until;

			if (p->wasi && hw_wasi_sleep_until(p->wasi, &until)) {
				p->wait = HP_W_SLEEP;
				p->deadline = until ? until : 1;
			} else {
				p->wait = HP_W_YIELD;
			}
		}
		if (p->wait == HP_W_YIELD)
			return HR_RUN_YIELD;
		fill_wait(p, sl, p->deadline ? hr_now_ns() : 0);
		return HR_RUN_WAIT;
	case HW_TRAPPED:
		return trapped(p);
	default:
		return fail(p, HR_EXIT_ERROR, hb_strerror(rc));
	}
}

const hr_kind hp__kind = {
	.name = "wasm",
	.run = run,
	.terminate = terminate,
};

/* ---- spawn ---- */

static int errf(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int errf(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* WASI output: each line into the process log (stdout at info, stderr
 * at warn). Runs in a host call of the process (or its terminate). */
static int wasi_out(void *env, int fd, const char *data, size_t len)
{
	hp_proc *p = env;

	if (p->cx)
		hp__log(p, fd == 1 ? HR_LOG_INFO : HR_LOG_WARN, data, len);
	return 0;
}

static int wasi_resolve(void *env, const hw_extern_info *in, hw_extern *out)
{
	return hp__resolve(env, in, out, NULL, 0);
}

/* Instantiate a WASI-importing module with a fresh context: args are the
 * entry's name, no environment, no files, stdin at its end, stdout and
 * stderr into the log; yields and sleeps suspend (the runtime waits). */
static int wasi_instance(hp_proc *p, const char *entry, size_t elen,
			 const hw_instance_opts *io, hw_error *we)
{
	char name[HP_MAX_ENTRY + 1];
	const char *argv[1] = {name};
	hw_extern *imp;
	int rc;

	memcpy(name, entry, elen);
	name[elen] = 0;
	memset(we, 0, sizeof *we);
	rc = hw_wasi_new(&p->wasi);
	if (!rc)
		rc = hw_wasi_set_args(p->wasi, 1, argv);
	if (!rc)
		rc = hw_wasi_route_output(p->wasi, 1, HW_WASI_LINES, wasi_out,
					  p);
	if (!rc)
		rc = hw_wasi_route_output(p->wasi, 2, HW_WASI_LINES, wasi_out,
					  p);
	if (rc) {
		snprintf(we->message, sizeof we->message, "%s",
			 hb_strerror(rc));
		return rc;
	}
	hw_wasi_set_flags(p->wasi,
			  HW_WASI_YIELD_SUSPENDS | HW_WASI_SLEEP_SUSPENDS);
	imp = calloc(p->mod->nimports, sizeof *imp);
	if (!imp) {
		snprintf(we->message, sizeof we->message, "out of memory");
		return HB_ENOMEM;
	}
	rc = hw_wasi_link(p->wasi, p->mod->mod, wasi_resolve, p->host, imp, we);
	if (!rc)
		rc = hw_instance_new((hw_module *)p->mod->mod, imp,
				     p->mod->nimports, io, &p->inst, we);
	free(imp);
	return rc;
}

/* Find the entry export: 0, HB_ENOENT, HB_EINVAL. */
static int check_entry(const hp_module *m, const char *name, size_t len,
		       char *err, size_t errlen)
{
	hw_extern_info in;
	uint32_t i, n = hw_module_export_count(m->mod);
	int show = len > 64 ? 64 : (int)len;

	for (i = 0; i < n; i++) {
		hw_module_export(m->mod, i, &in);
		if (in.name_len != len || memcmp(in.name, name, len) != 0)
			continue;
		if (in.kind != HW_EXTERN_FUNC || in.nparams || in.nresults)
			return errf(err, errlen, HB_EINVAL,
				    "export '%.*s' is not a function of type "
				    "() -> ()",
				    show, name);
		return 0;
	}
	return errf(err, errlen, HB_ENOENT, "no export '%.*s'", show, name);
}

int hp_spawn(hp_host *h, hr_ctx *cx, const hp_spawn_opts *o, hr_handle *child,
	     char *err, size_t errlen)
{
	const hp_limits *lim = o ? o->limits : NULL;
	hw_instance_opts io = {0};
	hr_spawn_opts so = {0};
	char name[HR_MAX_NAME], hex[HL_ID_HEX], tmp[1];
	hp_proc *p = NULL;
	hl_asset *asset = NULL;
	hw_error we;
	hw_extern ex;
	size_t elen, nlen;
	int rc;

	if (child)
		*child = HR_HANDLE_NONE;
	if (!err || !errlen) {
		err = tmp;
		errlen = sizeof tmp;
	}
	err[0] = 0;
	if (!h || !o || !o->lump || !o->entry)
		return errf(err, errlen, HB_EINVAL, "missing lump or entry");
	elen = o->entry_len ? o->entry_len : strlen(o->entry);
	if (elen == 0 || elen > HP_MAX_ENTRY)
		return errf(err, errlen, elen ? HB_ELIMIT : HB_EINVAL,
			    "entry name of %zu bytes (want 1..%u)", elen,
			    HP_MAX_ENTRY);
	if (lim && (lim->memory_pages > HP_MAX_MEMORY_PAGES ||
		    lim->fuel_per_slice > HP_MAX_FUEL_SLICE ||
		    lim->fuel_total > INT64_MAX))
		return errf(err, errlen, HB_ELIMIT,
			    "a limit is over the host's maximum");

	rc = hl_assets_load(h->assets, HP_ASSET_TYPE, o->lump, &asset, err,
			    errlen);
	if (rc) {
		if (rc == HB_ENOENT || rc == HB_ECORRUPT) {
			hl_id_to_hex(o->lump, hex);
			errf(err, errlen, rc, "%s lump %s",
			     rc == HB_ENOENT ? "no" : "corrupt", hex);
		}
		return rc;
	}
	p = calloc(1, sizeof *p);
	if (!p) {
		rc = errf(err, errlen, HB_ENOMEM, "out of memory");
		goto fail;
	}
	p->host = h;
	p->asset = asset;
	asset = NULL;
	p->mod = hl_asset_object(p->asset);
	p->wmb = p->wmb_inline;
	p->mbits = &p->mbits0;
	p->mbits0 = 1; /* mailbox 0 */
	p->nmbits = 1;
	p->sig_free = -1;
	p->fuel_slice = lim ? lim->fuel_per_slice : 0;
	p->fuel_left =
		lim && lim->fuel_total ? (int64_t)lim->fuel_total : INT64_MAX;
	rc = check_entry(p->mod, o->entry, elen, err, errlen);
	if (rc)
		goto fail;

	io.max_memory_pages = lim && lim->memory_pages ? lim->memory_pages
						       : HP_DEF_MEMORY_PAGES;
	io.user = p;
	io.mem_pool = h->pool;
	if (p->mod->wasi)
		rc = wasi_instance(p, o->entry, elen, &io, &we);
	else
		rc = hw_instance_new((hw_module *)p->mod->mod, p->mod->imports,
				     p->mod->nimports, &io, &p->inst, &we);
	if (rc) {
		/* a failed segment leaves a half-made instance to free */
		errf(err, errlen, rc, "instantiation: %s", we.message);
		goto fail;
	}
	hw_instance_export_n(p->inst, o->entry, elen, &ex);
	p->entry = ex.u.func;

	nlen = o->name ? (o->name_len ? o->name_len : strlen(o->name)) : elen;
	if (nlen > sizeof name - 1)
		nlen = sizeof name - 1;
	memcpy(name, o->name ? o->name : o->entry, nlen);
	name[nlen] = 0;

	so.kind = &hp__kind;
	so.state = p;
	so.name = name;
	so.caps = o->caps;
	so.ncaps = o->ncaps;
	so.limits = o->rt_limits;
	so.link = o->link;
	so.link_with = o->link_with;
	so.monitor = o->monitor;
	so.monitor_mailbox = o->monitor_mailbox;
	rc = cx ? hr_spawn(cx, &so, child) : hr_host_spawn(h->rt, &so, child);
	if (rc) {
		if (rc == HB_EINVAL && o->ncaps > 1)
			errf(err, errlen, rc,
			     "initial capabilities must name distinct "
			     "(target, permissions) pairs");
		else
			errf(err, errlen, rc, "spawn: %s", hb_strerror(rc));
		goto fail;
	}
	return 0;
fail:
	hl_asset_unref(asset);
	proc_free(p);
	return rc;
}
