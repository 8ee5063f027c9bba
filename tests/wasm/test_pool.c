/* test_pool.c — memory pools: a memory handed out again is all zeros but
 * for the module's data segments, whatever its last owner wrote (grown
 * or not), memories over the size cap or the budget are not kept, and
 * the pool outlives its creator's reference while instances use it. */
#include "helpers.h"

/* Memory 0 of a fresh instance without a pool: what a reused memory must
 * equal. OUT: its size. */
static uint8_t *fresh_image(hw_module *m, guest_env *g, uint64_t *size)
{
	hw_instance *inst = guest_instance(m, g, NULL);
	uint8_t *base = hw_memory_data(hw_instance_memory(inst), size);
	uint8_t *copy = malloc(*size);

	ASSERT_NOT_NULL(copy);
	memcpy(copy, base, *size);
	hw_instance_free(inst);
	return copy;
}

/* Dirty every byte of inst's memory after growing it by grow pages. */
static void dirty(hw_instance *inst, uint32_t grow)
{
	hw_memory *mem = hw_instance_memory(inst);
	uint64_t size;
	uint8_t *base;

	if (grow)
		ASSERT_NE(hw_memory_grow(mem, grow), -1);
	base = hw_memory_data(mem, &size);
	memset(base, 0xa5, size);
}

static void check_clean(hw_instance *inst, const uint8_t *image, uint64_t isize)
{
	uint64_t size;
	uint8_t *base = hw_memory_data(hw_instance_memory(inst), &size);

	ASSERT_UEQ(size, isize);
	ASSERT_MEMEQ(base, image, isize);
	/* and what it may grow into is zero too */
	ASSERT_NE(hw_memory_grow(hw_instance_memory(inst), 1), -1);
	base = hw_memory_data(hw_instance_memory(inst), &size);
	for (uint64_t i = isize; i < size; i++)
		ASSERT_MSG(base[i] == 0, "byte %llu is %u",
			   (unsigned long long)i, base[i]);
}

TEST(pool_reused_memory_is_clean)
{
	hw_module *m = load_guest(NULL);
	guest_env g;
	hw_mempool *pool;
	hw_instance_opts o = {0};
	uint64_t isize, reused;
	uint32_t kept;
	uint8_t *image;
	int round;

	guest_env_init(&g);
	image = fresh_image(m, &g, &isize);
	ASSERT_OK(hw_mempool_new(4u << 20, 64u << 20, &pool));
	o.mem_pool = pool;
	/* rounds 0..5: as the module made it (zeroed page by page, then,
	 * from the 4th time, whole); 6..9 grown past 256 KiB (page by page
	 * again) */
	for (round = 0; round < 10; round++) {
		hw_instance *a = guest_instance(m, &g, &o);
		uint32_t r = 0, arg = 7;

		/* the guest runs on it, then we dirty it all */
		ASSERT_EQ(call_i32(a, "fib", &arg, 1, &r), HW_DONE);
		check_clean(a, image, isize);
		dirty(a, round >= 6 ? 6 : 0);
		hw_instance_free(a);
		hw_mempool_stats(pool, &kept, NULL, &reused);
		ASSERT_EQ(kept, 1);
	}
	hw_mempool_stats(pool, NULL, NULL, &reused);
	ASSERT_UEQ(reused, 9);
	hw_mempool_free(pool);
	free(image);
	hw_module_free(m);
	guest_env_deinit(&g);
}

TEST(pool_caps_and_lifetime)
{
	hw_module *m = load_guest(NULL);
	guest_env g;
	hw_mempool *pool;
	hw_instance_opts o = {0};
	hw_instance *a, *b;
	uint32_t kept;
	size_t resident;

	guest_env_init(&g);
	/* mappings over 256 KiB are not kept */
	ASSERT_OK(hw_mempool_new(256u << 10, 64u << 20, &pool));
	o.mem_pool = pool;
	a = guest_instance(m, &g, &o);
	dirty(a, 8);
	hw_instance_free(a);
	hw_mempool_stats(pool, &kept, &resident, NULL);
	ASSERT_EQ(kept, 0);
	ASSERT_EQ(resident, 0);
	/* the creator's reference goes first; the instances keep the pool */
	a = guest_instance(m, &g, &o);
	b = guest_instance(m, &g, &o);
	dirty(a, 0);
	hw_mempool_free(pool);
	hw_instance_free(a);
	hw_instance_free(b);
	/* a budget smaller than one memory keeps nothing */
	ASSERT_OK(hw_mempool_new(1u << 20, 4096, &pool));
	o.mem_pool = pool;
	a = guest_instance(m, &g, &o);
	dirty(a, 0);
	hw_instance_free(a);
	hw_mempool_stats(pool, &kept, NULL, NULL);
	ASSERT_EQ(kept, 0);
	hw_mempool_free(pool);
	ASSERT_ERR(hw_mempool_new(0, 1, &pool), HB_EINVAL);
	hw_module_free(m);
	guest_env_deinit(&g);
}
