/* limits.h — every cap on counts and sizes read from untrusted input, in one
 * place (wasm3's d_m3MaxSane*). Each module keeps its own section; a value
 * here is a promise the parsers check, documented in docs/limits.md. */
#ifndef HEARTH_LIMITS_H
#define HEARTH_LIMITS_H

/* ---- base: MessagePack ---- */
#define HB_MP_MAX_TEXT_DEPTH 64 /* nesting rendered by hb_mp_to_text */

/* ---- wasm: module decoding and validation (caps on what a binary may
 * declare; a module over a cap fails with HB_ELIMIT, or with the spec's
 * own error where the spec defines one) ---- */
#define HW_MAX_MODULE_BYTES (256u << 20) /* whole binary */
#define HW_MAX_TYPES 1000000u            /* type section entries */
#define HW_MAX_PARAMS 1000u              /* parameters of one function type */
#define HW_MAX_RESULTS 1000u             /* results of one function type */
#define HW_MAX_IMPORTS 100000u
#define HW_MAX_FUNCS 1000000u            /* imported + defined */
#define HW_MAX_TABLES 100000u            /* imported + defined */
#define HW_MAX_GLOBALS 1000000u          /* imported + defined */
#define HW_MAX_EXPORTS 100000u
#define HW_MAX_ELEM_SEGMENTS 100000u
#define HW_MAX_ELEM_ITEMS 10000000u      /* items in one element segment */
#define HW_MAX_DATA_SEGMENTS 100000u
#define HW_MAX_NAME_BYTES 100000u        /* one import/export name */
#define HW_MAX_LOCALS 50000u             /* declared locals of one function */
#define HW_MAX_BODY_BYTES 7654321u       /* one function body */
#define HW_MAX_NESTING 10000u            /* block/loop/if depth in a body */
#define HW_MAX_BR_TABLE 1000000u         /* br_table targets */
#define HW_MAX_FRAME_SLOTS (1u << 20)   /* one function's frame, 8-byte slots */
#define HW_MAX_CODE_RATIO 32u            /* compiled words per input byte */

/* ---- wasm: instance defaults (hw_instance_opts may lower or raise) ---- */
#define HW_MAX_PAGES 65536u              /* 4 GiB: the wasm32 maximum */
#define HW_MAX_TABLE_ELEMS 10000000u     /* elements of one table */
#define HW_DEFAULT_STACK_SLOTS (1u << 20) /* value stack: 8 MiB */
#define HW_DEFAULT_CALL_DEPTH 20000u     /* nested Wasm calls */

#endif
