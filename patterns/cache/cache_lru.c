/*
 * The in-process back-end: the LRU of lru_cache.h behind the cache
 * interface. The LRU knows nothing of time, so each stored value carries
 * its expiry time, checked when it is read.
 */
#include "cache/cache.h"

#include "lru_cache/lru_cache.h"

#include <string.h>

/* One stored value in one allocation: its expiry time, then its bytes. */
struct entry {
	uint64_t expires_ns; /* 0: never. */
	size_t size;
	unsigned char data[];
};

/* What set hands to dp_lru_put(); entry_dup turns it into an entry. */
struct entry_source {
	uint64_t expires_ns;
	const void *data;
	size_t size;
};

struct lru_backend {
	dp_lru *lru;
	dp_cache_clock_fn *clock;
	void *clock_ctx;
	const struct dp_allocator *alloc;
	struct dp_cache_info counts;
};

static void *entry_dup(void *ctx, const void *value,
                       const struct dp_allocator *alloc)
{
	(void)ctx;
	const struct entry_source *source = value;
	struct entry *entry = dp_alloc(alloc, sizeof(*entry) + source->size);
	if (entry == NULL)
		return NULL;
	entry->expires_ns = source->expires_ns;
	entry->size = source->size;
	if (source->size > 0)
		memcpy(entry->data, source->data, source->size);
	return entry;
}

static void entry_free(void *ctx, void *value, const struct dp_allocator *alloc)
{
	(void)ctx;
	dp_free(alloc, value);
}

static const struct dp_lru_value_ops entry_ops = {
	.dup = entry_dup,
	.free = entry_free,
};

static uint64_t default_clock(void *ctx)
{
	(void)ctx;
	return dp_now_ns();
}

static int lru_get(void *ctx, const void *key, size_t key_size, void *buffer,
                   size_t capacity, size_t *size)
{
	struct lru_backend *backend = ctx;
	struct dp_lru_bytes lookup = {.data = key, .size = key_size};
	void *value = NULL;

	if (dp_lru_get(backend->lru, &lookup, &value) != DP_OK) {
		backend->counts.misses++;
		return DP_ENOENT;
	}
	const struct entry *entry = value;
	if (entry->expires_ns != 0 &&
	    backend->clock(backend->clock_ctx) >= entry->expires_ns) {
		dp_lru_remove(backend->lru, &lookup);
		backend->counts.misses++;
		return DP_ENOENT;
	}
	backend->counts.hits++;
	*size = entry->size;
	if (entry->size > capacity)
		return DP_ERANGE;
	if (entry->size > 0)
		memcpy(buffer, entry->data, entry->size);
	return DP_OK;
}

static int lru_set(void *ctx, const void *key, size_t key_size,
                   const void *value, size_t size, uint64_t ttl_ms)
{
	struct lru_backend *backend = ctx;
	struct dp_lru_bytes stored_key = {.data = key, .size = key_size};
	struct entry_source source = {.data = value, .size = size};

	if (ttl_ms != DP_CACHE_NO_TTL)
		source.expires_ns =
			backend->clock(backend->clock_ctx) + ttl_ms * 1000000u;
	int rc = dp_lru_put(backend->lru, &stored_key, &source);
	if (rc == DP_OK)
		backend->counts.sets++;
	return rc;
}

static int lru_remove(void *ctx, const void *key, size_t key_size)
{
	struct lru_backend *backend = ctx;
	struct dp_lru_bytes lookup = {.data = key, .size = key_size};

	return dp_lru_remove(backend->lru, &lookup);
}

static int lru_clear(void *ctx)
{
	struct lru_backend *backend = ctx;

	/* dp_lru_clear() also zeroes the LRU's own statistics; ours, kept
	 * here, survive, as the interface promises. */
	return dp_lru_clear(backend->lru);
}

static void lru_info(void *ctx, struct dp_cache_info *info)
{
	struct lru_backend *backend = ctx;
	struct dp_lru_info lru_info_now;

	*info = backend->counts;
	dp_lru_info(backend->lru, &lru_info_now);
	info->entries = lru_info_now.currsize;
}

static void lru_destroy(void *ctx)
{
	struct lru_backend *backend = ctx;

	dp_lru_destroy(backend->lru);
	dp_free(backend->alloc, backend);
}

static const struct dp_cache_ops lru_ops = {
	.name = "lru",
	.get = lru_get,
	.set = lru_set,
	.remove = lru_remove,
	.clear = lru_clear,
	.info = lru_info,
	.destroy = lru_destroy,
};

dp_cache *dp_cache_lru_create(const struct dp_cache_lru_config *config)
{
	if (config == NULL)
		return NULL;

	struct lru_backend *backend = dp_alloc(config->alloc, sizeof(*backend));
	if (backend == NULL)
		return NULL;
	memset(backend, 0, sizeof(*backend));
	backend->clock = config->clock != NULL ? config->clock : default_clock;
	backend->clock_ctx = config->clock_ctx;
	backend->alloc = config->alloc;

	struct dp_lru_config lru_config = {
		.keys = &dp_lru_bytes_key,
		.values = &entry_ops,
		.maxsize = config->maxsize,
		.alloc = config->alloc,
	};
	backend->lru = dp_lru_create(&lru_config);
	if (backend->lru == NULL)
		goto fail_free_backend;

	dp_cache *cache = dp_cache_create(&lru_ops, backend, config->alloc);
	if (cache == NULL)
		goto fail_destroy_lru;
	return cache;

fail_destroy_lru:
	dp_lru_destroy(backend->lru);
fail_free_backend:
	dp_free(config->alloc, backend);
	return NULL;
}
