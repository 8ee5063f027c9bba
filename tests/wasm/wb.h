/* wb.h — a tiny WebAssembly binary writer for tests: types, imports,
 * functions (bodies as raw bytes), memories, tables, globals, exports and
 * data, assembled into a module in section order. */
#ifndef HEARTH_TEST_WB_H
#define HEARTH_TEST_WB_H

#include <stddef.h>
#include <stdint.h>

#include "hearth/buf.h"

typedef struct wb {
	hb_buf sec[13];
	uint32_t count[13];
	uint32_t nfunc_imports, nfuncs;
	uint32_t nglobals;
} wb;

void wb_init(wb *b);
void wb_deinit(wb *b);

/* Value types as letters: i=i32 l=i64 f=f32 d=f64 v=v128 r=funcref
 * e=externref. Returns the type index. */
uint32_t wb_type(wb *b, const char *params, const char *results);
uint32_t wb_import_func(wb *b, const char *mod, const char *name,
			uint32_t type);
void wb_import_memory(wb *b, const char *mod, const char *name, uint32_t min,
		      int64_t max);
void wb_import_global(wb *b, const char *mod, const char *name, char type,
		      int mut);
void wb_import_table(wb *b, const char *mod, const char *name, uint32_t min,
		     int64_t max);
/* A function: locals as letters, body without the final `end` (added). */
uint32_t wb_func(wb *b, uint32_t type, const char *locals, const uint8_t *body,
		 size_t len);
void wb_memory(wb *b, uint32_t min, int64_t max); /* max < 0: none */
void wb_table(wb *b, uint32_t min, int64_t max);  /* funcref */
/* A global initialised by an i32/i64 constant. */
uint32_t wb_global(wb *b, char type, int mut, int64_t init);
void wb_export(wb *b, const char *name, uint8_t kind, uint32_t index);
void wb_start(wb *b, uint32_t func);
/* An active element segment at table 0, offset `at`. */
void wb_elem(wb *b, uint32_t at, const uint32_t *funcs, uint32_t n);
/* An active data segment at memory 0, offset `at`. */
void wb_data(wb *b, uint32_t at, const void *bytes, size_t len);

/* The module. OUT: *len. The caller frees it. */
uint8_t *wb_finish(wb *b, size_t *len);

/* Encoders for bodies. */
size_t wb_uleb(uint8_t *out, uint64_t v);
size_t wb_sleb(uint8_t *out, int64_t v);

#endif
