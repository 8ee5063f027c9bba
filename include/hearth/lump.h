/* lump.h — lumps (immutable, content-addressed blobs named by the BLAKE2b-256
 * of their bytes), the durable lump store, and the asset cache built on it. */
#ifndef HEARTH_LUMP_H
#define HEARTH_LUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HL_ID_BYTES 32
#define HL_ID_HEX (2 * HL_ID_BYTES + 1)

typedef struct hl_id {
	uint8_t b[HL_ID_BYTES];
} hl_id;

/* The id of len bytes at data: BLAKE2b with a 32-byte digest, no key. */
void hl_id_of(const void *data, size_t len, hl_id *out);

/* Lower-case hex, NUL-terminated: out holds HL_ID_HEX bytes. */
void hl_id_to_hex(const hl_id *id, char out[HL_ID_HEX]);

/* Parse exactly 64 hex digits (either case). HB_EINVAL otherwise. */
int hl_id_from_hex(const char *hex, size_t len, hl_id *out);

bool hl_id_eq(const hl_id *a, const hl_id *b);

/* ---- Lumps: reference-counted, immutable, safe to share between threads. */
typedef struct hl_lump hl_lump;

const hl_id *hl_lump_id(const hl_lump *l);
const uint8_t *hl_lump_data(const hl_lump *l);
size_t hl_lump_len(const hl_lump *l);
hl_lump *hl_lump_ref(hl_lump *l);
void hl_lump_unref(hl_lump *l); /* NULL is a no-op */

/* ---- The store. With a directory, every lump put is durable before put
 * returns (temp file, fsync, rename, fsync of the directory), and every read
 * from disk is verified against its id: a corrupt or truncated file is
 * reported (HB_ECORRUPT), moved aside to <dir>/lumps/corrupt/ and never
 * served. A
 * crash at any moment leaves either the whole lump or none of it visible.
 * Lumps are also kept in memory up to cache_bytes; past that, lumps nobody
 * else references are dropped from memory (and, without a directory, lost:
 * the store is then a cache). All functions are thread-safe. */
typedef struct hl_store hl_store;

typedef struct hl_store_config {
	const char *dir;       /* NULL: memory only */
	size_t cache_bytes;    /* 0: HL_DEFAULT_CACHE_BYTES */
	size_t max_lump_bytes; /* 0: HL_MAX_LUMP_BYTES */
} hl_store_config;

typedef struct hl_store_stats {
	uint64_t lumps_cached;	 /* lumps in memory now */
	uint64_t bytes_cached;	 /* their bytes */
	uint64_t hits, misses;	 /* get: found in memory / not */
	uint64_t disk_reads;	 /* lumps read back from disk */
	uint64_t disk_writes;	 /* lumps written to disk */
	uint64_t corrupt;	 /* corrupt files found and moved aside */
	uint64_t evicted;	 /* lumps dropped from memory */
} hl_store_stats;

/* Open a store. With cfg->dir, creates <dir>/lumps/ as needed and removes
 * temp files a crash left behind. OUT: *out. Errors: HB_EIO (with errno
 * text in err, if err is not NULL), HB_ENOMEM. */
int hl_store_open(const hl_store_config *cfg, hl_store **out, char *err,
		  size_t errlen);

/* Close the store; lumps still referenced stay valid until unref'd. */
void hl_store_close(hl_store *s);

/* Add len bytes as a lump (a copy is made). OUT: *id; *out, a new reference
 * (out may be NULL). Putting existing bytes again is cheap and succeeds.
 * Errors: HB_ETOOBIG over max_lump_bytes, HB_ENOSPC when the disk is full,
 * HB_EIO, HB_ENOMEM; on error nothing is visible in the store. */
int hl_store_put(hl_store *s, const void *data, size_t len, hl_id *id,
		 hl_lump **out);

/* Find a lump by id, in memory or on disk. OUT: *out, a new reference.
 * Errors: HB_ENOENT, HB_ECORRUPT (the file was bad and is now moved aside),
 * HB_EIO, HB_ENOMEM. */
int hl_store_get(hl_store *s, const hl_id *id, hl_lump **out);

/* True if the lump is in memory or on disk (the disk file is not verified). */
bool hl_store_has(hl_store *s, const hl_id *id);

/* Drop from memory every lump that nobody references, down to cache_bytes
 * (0: drop all such lumps). Returns the number dropped. */
size_t hl_store_trim(hl_store *s, size_t cache_bytes);

void hl_store_stats_get(hl_store *s, hl_store_stats *out);

/* ---- Assets: typed host objects loaded from lumps by registered loaders,
 * cached by (type, lump id), handed out as reference-counted handles. A
 * loader runs once per (type, lump) even under concurrent loads. When the
 * cached assets' sizes exceed the budget, assets nobody holds are freed
 * (the reaper). Thread-safe. */
typedef struct hl_assets hl_assets;
typedef struct hl_asset hl_asset;

typedef struct hl_asset_loader {
	const char *type; /* e.g. "wasm-module"; copied */
	/* Build an object from the lump's bytes. OUT: *obj and *size (bytes
	 * it holds, for the budget). On failure return an HB_E* code and put a
	 * reason in err (errlen bytes, NUL-terminated). */
	int (*load)(void *ctx, const hl_lump *lump, void **obj, size_t *size,
		    char *err, size_t errlen);
	void (*free)(void *ctx, void *obj);
	void *ctx;
} hl_asset_loader;

/* OUT: *out. budget_bytes 0: HL_DEFAULT_ASSET_BYTES. The store must outlive
 * the asset cache. */
int hl_assets_new(hl_store *store, size_t budget_bytes, hl_assets **out);

/* Free every cached asset; handles still held stay valid until unref'd. */
void hl_assets_free(hl_assets *a);

/* Register a loader (copied). HB_EEXIST if the type has one already. */
int hl_assets_register(hl_assets *a, const hl_asset_loader *loader);

/* Load (or find cached) the asset of this type from this lump. OUT: *out, a
 * new reference. Errors: HB_ENOENT (no such type, or no such lump), the
 * loader's error (with its reason in err), store errors. */
int hl_assets_load(hl_assets *a, const char *type, const hl_id *id,
		   hl_asset **out, char *err, size_t errlen);

/* The loaded object; it may point into the lump's bytes, which the asset
 * keeps referenced for as long as it lives. */
void *hl_asset_object(const hl_asset *x);
const hl_lump *hl_asset_lump(const hl_asset *x);
hl_asset *hl_asset_ref(hl_asset *x);
void hl_asset_unref(hl_asset *x); /* NULL is a no-op */

/* Free cached assets nobody holds until the total is within budget_bytes
 * (0: free all such). Returns how many were freed. */
size_t hl_assets_reap(hl_assets *a, size_t budget_bytes);

/* Number of assets cached, and their bytes. */
void hl_assets_usage(hl_assets *a, size_t *count, size_t *bytes);

#endif
