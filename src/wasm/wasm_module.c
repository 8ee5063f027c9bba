/* wasm_module.c — hw_module: runs the pipeline (decode, validate,
 * compile) over a private copy of the binary, canonicalises function
 * types, and answers questions about imports and exports. A compiled
 * module is immutable and shared by reference count. */
#include <stdlib.h>
#include <string.h>

#include "hearth/error.h"
#include "wasm_int.h"

static void error_reset(hw_error *err)
{
	if (err) {
		memset(err, 0, sizeof *err);
		err->section = -1;
	}
}

bool hw__functype_eq(const hw_functype *a, const hw_functype *b)
{
	return a == b ||
	       (a->nparams == b->nparams && a->nresults == b->nresults &&
		memcmp(a->params, b->params, a->nparams) == 0 &&
		memcmp(a->results, b->results, a->nresults) == 0);
}

static uint32_t hash_type(const hw_functype *t)
{
	uint32_t h = 2166136261u;

	for (uint32_t i = 0; i < t->nparams; i++)
		h = (h ^ t->params[i]) * 16777619u;
	h = (h ^ 0xFF) * 16777619u;
	for (uint32_t i = 0; i < t->nresults; i++)
		h = (h ^ t->results[i]) * 16777619u;
	return h;
}

/* canon[i] = the first type index equal to type i, so equal types of one
 * module compare equal as pointers. */
static int canonicalize(hw_module *m)
{
	uint32_t cap = 16, *slots;

	m->canon = hw__arena_alloc(&m->arena,
				   ((size_t)m->ntypes + 1) * sizeof *m->canon);
	if (!m->canon)
		return HB_ENOMEM;
	while (cap < m->ntypes * 2u)
		cap *= 2;
	slots = hw__malloc(&m->al, cap * sizeof *slots);
	if (!slots)
		return HB_ENOMEM;
	memset(slots, 0xFF, cap * sizeof *slots);
	for (uint32_t i = 0; i < m->ntypes; i++) {
		uint32_t h = hash_type(&m->types[i]) & (cap - 1);

		for (;;) {
			uint32_t j = slots[h];

			if (j == UINT32_MAX) {
				slots[h] = i;
				m->canon[i] = i;
				break;
			}
			if (hw__functype_eq(&m->types[j], &m->types[i])) {
				m->canon[i] = j;
				break;
			}
			h = (h + 1) & (cap - 1);
		}
	}
	hw__free(&m->al, slots);
	/* room for converting host call values */
	for (uint32_t i = 0; i < m->nfunc_imports; i++) {
		const hw_functype *t = &m->types[m->funcs[i].type];
		uint32_t n = t->nparams + t->nresults;

		if (n > m->max_host_vals)
			m->max_host_vals = n;
	}
	return 0;
}

static int load(const uint8_t *bytes, size_t len, const hw_module_opts *opts,
		hw_module **out, hw_error *err, bool compile)
{
	const hw_allocator *al;
	hw_module *m;
	int rc;

	error_reset(err);
	*out = NULL;
	if (!bytes && len)
		return hw__error(err, HB_EINVAL, -1, 0, "no bytes", NULL);
	if (len > HW_MAX_MODULE_BYTES)
		return hw__error(err, HB_ELIMIT, -1, 0, "module too large",
				 "%zu bytes", len);
	al = opts && opts->alloc ? opts->alloc : &hw__libc_allocator;
	m = hw__calloc(al, 1, sizeof *m);
	if (!m)
		return hw__error(err, HB_ENOMEM, -1, 0, "out of memory", NULL);
	atomic_init(&m->refs, 1);
	atomic_flag_clear(&m->blk_lock);
	m->al = *al;
	m->arena.al = &m->al;
	m->metered = !(opts && opts->no_fuel);
	m->bytes = hw__malloc(&m->al, len);
	if (!m->bytes) {
		rc = HB_ENOMEM;
		goto fail;
	}
	if (len)
		memcpy(m->bytes, bytes, len);
	m->len = len;
	if ((rc = hw__decode(m, err)) || (rc = hw__validate(m, err)) ||
	    (rc = canonicalize(m)))
		goto fail;
	if (compile && (rc = hw__compile(m, err)))
		goto fail;
	hw__instance_layout(m);
	*out = m;
	return 0;
fail:
	if (rc == HB_ENOMEM)
		hw__error(err, HB_ENOMEM, -1, 0, "out of memory", NULL);
	hw_module_free(m);
	return rc;
}

int hw_module_new(const uint8_t *bytes, size_t len, const hw_module_opts *opts,
		  hw_module **out, hw_error *err)
{
	if (!out)
		return HB_EINVAL;
	return load(bytes, len, opts, out, err, true);
}

int hw_module_validate(const uint8_t *bytes, size_t len, hw_error *err)
{
	hw_module *m = NULL;
	int rc = load(bytes, len, NULL, &m, err, false);

	hw_module_free(m);
	return rc;
}

hw_module *hw_module_ref(hw_module *m)
{
	if (m)
		atomic_fetch_add(&m->refs, 1);
	return m;
}

void hw_module_free(hw_module *m)
{
	if (!m || atomic_fetch_sub(&m->refs, 1) != 1)
		return;
	hw_allocator al = m->al;

	while (m->blk_free) {
		void *b = m->blk_free;

		m->blk_free = *(void **)b;
		hw__free(&hw__libc_allocator, b);
	}
	hw__free(&al, m->code);
	hw__free(&al, m->bytes);
	hw__arena_free(&m->arena);
	hw__free(&al, m);
}

uint32_t hw_module_import_count(const hw_module *m)
{
	return m->nimports;
}

uint32_t hw_module_export_count(const hw_module *m)
{
	return m->nexports;
}

static void describe(const hw_module *m, uint8_t kind, uint32_t index,
		     hw_extern_info *info)
{
	info->kind = kind;
	switch (kind) {
	case HW_EXTERN_FUNC: {
		const hw_functype *t = &m->types[m->funcs[index].type];

		info->nparams = t->nparams;
		info->nresults = t->nresults;
		info->params = t->params;
		info->results = t->results;
		break;
	}
	case HW_EXTERN_TABLE:
		info->type = m->tables[index].elem;
		info->min = m->tables[index].lim.min;
		info->max = m->tables[index].lim.max;
		info->has_max = m->tables[index].lim.has_max;
		break;
	case HW_EXTERN_MEMORY:
		info->min = m->mems[index].min;
		info->max = m->mems[index].max;
		info->has_max = m->mems[index].has_max;
		break;
	case HW_EXTERN_GLOBAL:
		info->type = m->globals[index].type;
		info->mut = m->globals[index].mut;
		break;
	}
}

int hw_module_import(const hw_module *m, uint32_t i, hw_extern_info *info)
{
	const hw_import *im;

	if (i >= m->nimports)
		return HB_ERANGE;
	im = &m->imports[i];
	memset(info, 0, sizeof *info);
	info->module = im->module.s;
	info->module_len = im->module.len;
	info->name = im->name.s;
	info->name_len = im->name.len;
	describe(m, im->kind, im->index, info);
	return 0;
}

int hw_module_export(const hw_module *m, uint32_t i, hw_extern_info *info)
{
	const hw_export *e;

	if (i >= m->nexports)
		return HB_ERANGE;
	e = &m->exports[i];
	memset(info, 0, sizeof *info);
	info->name = e->name.s;
	info->name_len = e->name.len;
	describe(m, e->kind, e->index, info);
	return 0;
}

/* ---- allocation ---- */

static void *libc_fn(void *ctx, void *p, size_t n)
{
	(void)ctx;
	if (n)
		return realloc(p, n);
	free(p);
	return NULL;
}

const hw_allocator hw__libc_allocator = {libc_fn, NULL};

void *hw__calloc(const hw_allocator *a, size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = hw__malloc(a, n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}
