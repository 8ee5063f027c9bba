/* limits.h — every cap on counts and sizes read from untrusted input, in one
 * place (wasm3's d_m3MaxSane*). Each module keeps its own section; a value
 * here is a promise the parsers check, documented in docs/limits.md. */
#ifndef HEARTH_LIMITS_H
#define HEARTH_LIMITS_H

/* ---- base: MessagePack ---- */
#define HB_MP_MAX_TEXT_DEPTH 64 /* nesting rendered by hb_mp_to_text */

/* ---- lump: lumps and assets ---- */
#define HL_MAX_LUMP_BYTES (256u << 20)	    /* one lump, from a guest or a peer */
#define HL_DEFAULT_CACHE_BYTES (256u << 20) /* lumps kept in memory */
#define HL_DEFAULT_ASSET_BYTES (256u << 20) /* loaded assets kept cached */
#define HL_MAX_ASSET_TYPE 64		    /* bytes in an asset type name */

#endif
