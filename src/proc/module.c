/* module.c — the "wasm-module" asset loader: compile a lump's bytes once
 * and resolve its imports against the hearth_v1 host functions, so that
 * every spawn from that lump shares the work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc_int.h"

/* Does the import's function type match the row's "params:results"? */
static bool type_matches(const hw_extern_info *in, const char *type)
{
	const char *colon = strchr(type, ':');
	uint32_t np = (uint32_t)(colon - type),
		 nr = (uint32_t)strlen(colon + 1);
	uint32_t i;

	if (in->nparams != np || in->nresults != nr)
		return false;
	for (i = 0; i < np; i++)
		if (in->params[i] != (type[i] == 'I' ? HW_I64 : HW_I32))
			return false;
	for (i = 0; i < nr; i++)
		if (in->results[i] != (colon[1 + i] == 'I' ? HW_I64 : HW_I32))
			return false;
	return true;
}

static bool name_is(const char *s, uint32_t len, const char *want)
{
	return strlen(want) == len && memcmp(s, want, len) == 0;
}

static const char WASI[] = "wasi_snapshot_preview1";

int hp__resolve(hp_host *h, const hw_extern_info *in, hw_extern *out, char *err,
		size_t errlen)
{
	char tmp[1];

	if (!err) {
		err = tmp;
		errlen = sizeof tmp;
	}
	uint32_t k;

	if (name_is(in->module, in->module_len, "hearth_v1")) {
		if (in->kind != HW_EXTERN_FUNC)
			goto unknown;
		for (k = 0; k < hp__nabi; k++) {
			if (!name_is(in->name, in->name_len, hp__abi[k].name))
				continue;
			if (!type_matches(in, hp__abi[k].type)) {
				snprintf(err, errlen,
					 "incompatible import type "
					 "hearth_v1.%s (want %s)",
					 hp__abi[k].name, hp__abi[k].type);
				return HB_EUNLINKABLE;
			}
			out->kind = HW_EXTERN_FUNC;
			out->u.func = h->fns[k];
			return 0;
		}
	}
unknown:
	snprintf(err, errlen, "unknown import %.*s.%.*s",
		 (int)(in->module_len > 64 ? 64 : in->module_len), in->module,
		 (int)(in->name_len > 64 ? 64 : in->name_len), in->name);
	return HB_EUNLINKABLE;
}

static int resolve_cb(void *env, const hw_extern_info *in, hw_extern *out)
{
	return hp__resolve(env, in, out, NULL, 0);
}

/* Check the WASI imports once, against a throwaway context. */
static int check_wasi(hp_host *h, hp_module *m, char *err, size_t errlen)
{
	hw_extern *imp = calloc(m->nimports, sizeof *imp);
	hw_wasi *w = NULL;
	hw_error we;
	int rc;

	rc = imp ? hw_wasi_new(&w) : HB_ENOMEM;
	if (!rc) {
		rc = hw_wasi_link(w, m->mod, resolve_cb, h, imp, &we);
		if (rc)
			snprintf(err, errlen, "%s", we.message);
	}
	hw_wasi_free(w);
	free(imp);
	return rc;
}

int hp__module_load(void *ctx, const hl_lump *lump, void **obj, size_t *size,
		    char *err, size_t errlen)
{
	hp_host *h = ctx;
	hp_module *m;
	hw_error we;
	hw_extern_info in;
	uint32_t i, n;
	int rc;

	m = calloc(1, sizeof *m);
	if (!m)
		return HB_ENOMEM;
	rc = hw_module_new(hl_lump_data(lump), hl_lump_len(lump), NULL, &m->mod,
			   &we);
	if (rc) {
		snprintf(err, errlen, "%s module: %s",
			 rc == HB_EMALFORMED ? "malformed"
			 : rc == HB_EINVALID ? "invalid"
					     : "unusable",
			 we.message);
		goto fail;
	}
	n = hw_module_import_count(m->mod);
	if (n > HP_MAX_IMPORTS) {
		snprintf(err, errlen, "too many imports (%u > %u)", n,
			 HP_MAX_IMPORTS);
		rc = HB_ELIMIT;
		goto fail;
	}
	if (n) {
		m->imports = calloc(n, sizeof *m->imports);
		if (!m->imports) {
			rc = HB_ENOMEM;
			goto fail;
		}
	}
	m->nimports = n;
	for (i = 0; i < n; i++) {
		hw_module_import(m->mod, i, &in);
		if (name_is(in.module, in.module_len, WASI)) {
			m->wasi = true;
			continue;
		}
		rc = hp__resolve(h, &in, &m->imports[i], err, errlen);
		if (rc)
			goto fail;
	}
	if (m->wasi) {
		rc = check_wasi(h, m, err, errlen);
		if (rc)
			goto fail;
	}
	n = hw_module_export_count(m->mod);
	for (i = 0; i < n; i++) {
		hw_module_export(m->mod, i, &in);
		if (in.kind == HW_EXTERN_FUNC &&
		    name_is(in.name, in.name_len, "_initialize") &&
		    in.nparams == 0 && in.nresults == 0)
			m->has_init = true;
	}
	*obj = m;
	/* what the module costs: its compiled form is some multiple of the
	 * binary; the asset budget only needs a fair estimate */
	*size = sizeof *m + hl_lump_len(lump) * 4;
	return 0;
fail:
	hp__module_free(NULL, m);
	return rc;
}

void hp__module_free(void *ctx, void *obj)
{
	hp_module *m = obj;

	(void)ctx;
	if (!m)
		return;
	hw_module_free(m->mod);
	free(m->imports);
	free(m);
}
