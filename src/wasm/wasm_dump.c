/* wasm_dump.c — prints a compiled function's internal form, one
 * instruction a line ("  12: I32_ADD_I 5 3 1"), for debugging the compiler
 * and for writing new handlers. Not on any hot path. */
#include <stdio.h>
#include <string.h>

#include "hearth/error.h"
#include "wasm_int.h"
#include "wasm_iops.h"

static const char *const iop_names[] = {
#define HW__IOP_NAME(name, n) [HW_I_##name] = #name,
	HW_IOPS(HW__IOP_NAME)
#undef HW__IOP_NAME
};

static const int iop_words[] = {
#define HW__IOP_WORDS(name, n) [HW_I_##name] = n,
	HW_IOPS(HW__IOP_WORDS)
#undef HW__IOP_WORDS
};

/* The internal opcode whose handler is h, or -1. */
static int iop_of(const void *h)
{
	const void *const *tab = hw__interp_handlers();

	for (int i = 0; i < HW_I__COUNT; i++)
		if (tab[i] == h)
			return i;
	return -1;
}

int hw__dump_func(const hw_module *m, uint32_t fi, FILE *out)
{
	size_t pos, end = m->code_len;

	if (!m->code || fi < m->nfunc_imports || fi >= m->nfuncs)
		return HB_EINVAL;
	pos = m->funcs[fi].code_off;
	/* the function ends where the next one in code order starts */
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++)
		if (m->funcs[i].code_off > pos && m->funcs[i].code_off < end)
			end = m->funcs[i].code_off;
	fprintf(out, "function %u (%zu words)\n", fi, end - pos);
	while (pos + 2 <= end) {
		const void *h;
		int op, n;

		memcpy(&h, &m->code[pos], sizeof h);
		op = iop_of(h);
		if (op < 0) {
			fprintf(out, "%6zu: ??? (bad handler)\n",
				pos - m->funcs[fi].code_off);
			return HB_ECORRUPT;
		}
		n = iop_words[op];
		if (n < 0) /* br_table: i n T0..Tn */
			n = 2 + (int)m->code[pos + 3] + 1;
		fprintf(out, "%6zu: %s", pos - m->funcs[fi].code_off,
			iop_names[op]);
		for (int k = 0; k < n && pos + 2 + (size_t)k < end; k++)
			fprintf(out, " %d",
				(int32_t)m->code[pos + 2 + (size_t)k]);
		fputc('\n', out);
		pos += 2 + (size_t)n;
	}
	return 0;
}
