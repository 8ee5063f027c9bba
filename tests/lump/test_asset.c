/* test_asset.c — the asset cache: one load per (type, lump), shared
 * handles, loader errors, the reaper, concurrent loads. */
#include "test.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "hearth/lump.h"

/* A loader that parses "n=<number>" into an int and counts its calls. */
typedef struct counter {
	atomic_int loads, frees;
	int delay_us;
} counter;

static int load_num(void *ctx, const hl_lump *lump, void **obj, size_t *size,
		    char *err, size_t errlen)
{
	counter *c = ctx;
	char text[64];
	size_t n = hl_lump_len(lump);
	int *v;

	atomic_fetch_add(&c->loads, 1);
	if (c->delay_us)
		usleep((useconds_t)c->delay_us);
	if (n >= sizeof text || n < 3 || memcmp(hl_lump_data(lump), "n=", 2)) {
		snprintf(err, errlen, "not a number lump (%zu bytes)", n);
		return HB_EMALFORMED;
	}
	memcpy(text, hl_lump_data(lump), n);
	text[n] = 0;
	v = malloc(sizeof *v);
	if (!v)
		return HB_ENOMEM;
	*v = atoi(text + 2);
	*obj = v;
	*size = 1000;
	return 0;
}

static void free_num(void *ctx, void *obj)
{
	counter *c = ctx;

	atomic_fetch_add(&c->frees, 1);
	free(obj);
}

static hl_assets *setup(hl_store **s, counter *c, size_t budget)
{
	hl_asset_loader ld = {"num", load_num, free_num, c};
	hl_assets *a;

	ASSERT_OK(hl_store_open(NULL, s, NULL, 0));
	ASSERT_OK(hl_assets_new(*s, budget, &a));
	ASSERT_OK(hl_assets_register(a, &ld));
	ASSERT_ERR(hl_assets_register(a, &ld), HB_EEXIST);
	return a;
}

TEST(asset_loads_once_and_shares)
{
	counter c = {0};
	hl_store *s;
	hl_assets *a = setup(&s, &c, 0);
	hl_asset *x, *y;
	hl_id id;

	ASSERT_OK(hl_store_put(s, "n=42", 4, &id, NULL));
	ASSERT_OK(hl_assets_load(a, "num", &id, &x, NULL, 0));
	ASSERT_OK(hl_assets_load(a, "num", &id, &y, NULL, 0));
	ASSERT_PTR_EQ(x, y);
	ASSERT_EQ(*(int *)hl_asset_object(x), 42);
	ASSERT_EQ(atomic_load(&c.loads), 1);
	ASSERT(hl_id_eq(hl_lump_id(hl_asset_lump(x)), &id));
	hl_asset_unref(x);
	hl_asset_unref(y);
	ASSERT_EQ(atomic_load(&c.frees), 0); /* still cached */
	hl_assets_free(a);
	ASSERT_EQ(atomic_load(&c.frees), 1);
	hl_store_close(s);
}

TEST(asset_errors_are_clear_and_not_cached)
{
	counter c = {0};
	hl_store *s;
	hl_assets *a = setup(&s, &c, 0);
	hl_asset *x;
	char err[128];
	hl_id id, missing;
	size_t count;

	ASSERT_ERR(hl_assets_load(a, "mesh", &id, &x, err, sizeof err), HB_ENOENT);
	ASSERT_STREQ(err, "no loader for asset type 'mesh'");
	hl_id_of("absent", 6, &missing);
	ASSERT_ERR(hl_assets_load(a, "num", &missing, &x, err, sizeof err), HB_ENOENT);
	ASSERT_STREQ(err, "lump: not found");

	ASSERT_OK(hl_store_put(s, "garbage", 7, &id, NULL));
	ASSERT_ERR(hl_assets_load(a, "num", &id, &x, err, sizeof err), HB_EMALFORMED);
	ASSERT_STREQ(err, "not a number lump (7 bytes)");
	hl_assets_usage(a, &count, NULL);
	ASSERT_EQ(count, 0);
	ASSERT_ERR(hl_assets_load(a, "num", &id, &x, NULL, 0), HB_EMALFORMED);
	ASSERT_EQ(atomic_load(&c.loads), 2); /* failures are retried */
	hl_assets_free(a);
	hl_store_close(s);
}

TEST(asset_reaper_frees_only_unheld_over_budget)
{
	counter c = {0};
	hl_store *s;
	hl_assets *a = setup(&s, &c, 3500); /* room for three 1000-byte assets */
	hl_asset *held, *x;
	size_t count, bytes;
	hl_id id;
	char text[16];

	ASSERT_OK(hl_store_put(s, "n=0", 3, &id, NULL));
	ASSERT_OK(hl_assets_load(a, "num", &id, &held, NULL, 0));
	for (int i = 1; i <= 9; i++) {
		snprintf(text, sizeof text, "n=%d", i);
		ASSERT_OK(hl_store_put(s, text, strlen(text), &id, NULL));
		ASSERT_OK(hl_assets_load(a, "num", &id, &x, NULL, 0));
		ASSERT_EQ(*(int *)hl_asset_object(x), i);
		hl_asset_unref(x);
	}
	hl_assets_usage(a, &count, &bytes);
	ASSERT_LE(bytes, 3500);
	ASSERT_EQ(atomic_load(&c.frees), 10 - (int)count);
	/* the held asset survived every reap */
	ASSERT_EQ(*(int *)hl_asset_object(held), 0);
	ASSERT_EQ(hl_assets_reap(a, 0), count - 1);
	hl_assets_usage(a, &count, &bytes);
	ASSERT_EQ(count, 1);
	hl_asset_unref(held);
	ASSERT_EQ(hl_assets_reap(a, 0), 1);
	ASSERT_EQ(atomic_load(&c.frees), 10);
	/* the lumps of freed assets can now be trimmed from the store too */
	ASSERT_EQ(hl_store_trim(s, 0), 10);
	hl_assets_free(a);
	hl_store_close(s);
}

TEST(asset_handle_outlives_cache)
{
	counter c = {0};
	hl_store *s;
	hl_assets *a = setup(&s, &c, 0);
	hl_asset *x;
	hl_id id;

	ASSERT_OK(hl_store_put(s, "n=5", 3, &id, NULL));
	ASSERT_OK(hl_assets_load(a, "num", &id, &x, NULL, 0));
	hl_assets_free(a);
	hl_store_close(s);
	ASSERT_EQ(*(int *)hl_asset_object(x), 5);
	ASSERT_EQ(atomic_load(&c.frees), 0);
	hl_asset_unref(x);
	ASSERT_EQ(atomic_load(&c.frees), 1);
}

struct loader_thread {
	hl_assets *a;
	hl_id id;
	hl_asset *got;
	int rc;
};

static void *load_main(void *arg)
{
	struct loader_thread *t = arg;

	t->rc = hl_assets_load(t->a, "num", &t->id, &t->got, NULL, 0);
	return NULL;
}

TEST_TIMEOUT(asset_concurrent_loads_run_loader_once, 60)
{
	counter c = {.delay_us = 50000};
	hl_store *s;
	hl_assets *a = setup(&s, &c, 0);
	struct loader_thread t[4];
	pthread_t th[4];
	hl_id id;

	ASSERT_OK(hl_store_put(s, "n=7", 3, &id, NULL));
	for (int i = 0; i < 4; i++) {
		t[i] = (struct loader_thread){a, id, NULL, -1};
		ASSERT_OK(pthread_create(&th[i], NULL, load_main, &t[i]));
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ASSERT_OK(t[i].rc);
		ASSERT_PTR_EQ(t[i].got, t[0].got);
	}
	ASSERT_EQ(atomic_load(&c.loads), 1);
	for (int i = 0; i < 4; i++)
		hl_asset_unref(t[i].got);
	hl_assets_free(a);
	hl_store_close(s);
}
