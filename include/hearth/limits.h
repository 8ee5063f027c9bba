/* limits.h — every cap on counts and sizes read from untrusted input, in one
 * place (wasm3's d_m3MaxSane*). Each module keeps its own section; a value
 * here is a promise the parsers check, documented in docs/limits.md. */
#ifndef HEARTH_LIMITS_H
#define HEARTH_LIMITS_H

/* ---- base: MessagePack ---- */
#define HB_MP_MAX_TEXT_DEPTH 64 /* nesting rendered by hb_mp_to_text */

#endif
