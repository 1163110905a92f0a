/*
 * Exercise 10, the answer: a hash table finds an entry in O(1) and an
 * intrusive doubly linked list keeps the entries in recency order, so a
 * hit moves its entry to the front and an eviction takes the back, both
 * in O(1). Keys are hashed and compared only through the key operations
 * (a Strategy), and each entry keeps its key's hash, so that moving an
 * entry between buckets, when the table grows or an entry is evicted,
 * never calls them again. The memo is a Decorator over a function pointer
 * that consults the cache before calling.
 */
#include "memoize.h"

#include <stdbool.h>

struct entry {
	int64_t key;
	int64_t value;
	uint64_t hash;       /* keys->hash(key), computed once. */
	struct entry *chain; /* The next entry in the same bucket. */
	struct entry *prev;  /* Towards the most recently used. */
	struct entry *next;  /* Towards the least recently used. */
};

struct ex_cache {
	const struct dp_allocator *alloc;
	const struct ex_cache_key_ops *keys;
	void *keys_ctx;
	struct entry **buckets;
	size_t bucket_count; /* A power of two. */
	/* A circular list through a sentinel: head.next is the most
	 * recently used entry, head.prev the least. No NULL checks. */
	struct entry head;
	size_t maxsize;
	size_t currsize;
	uint64_t hits;
	uint64_t misses;
};

struct ex_memo {
	const struct dp_allocator *alloc;
	ex_memo_fn *fn;
	void *ctx;
	ex_cache *cache;
};

enum { INITIAL_BUCKETS = 16 };

static uint64_t int64_hash(void *ctx, int64_t key)
{
	(void)ctx;
	/* Fibonacci hashing: consecutive keys (fib's arguments) spread
	 * over the whole table instead of filling neighbouring buckets. */
	uint64_t hash = (uint64_t)key * UINT64_C(0x9E3779B97F4A7C15);

	return hash ^ (hash >> 32);
}

static bool int64_equal(void *ctx, int64_t a, int64_t b)
{
	(void)ctx;
	return a == b;
}

/* The keys of ex_cache_create(): an integer is its own identity. */
static const struct ex_cache_key_ops int64_keys = {
	.hash = int64_hash,
	.equal = int64_equal,
};

static size_t bucket_of(size_t bucket_count, uint64_t hash)
{
	return (size_t)hash & (bucket_count - 1);
}

/* One equal call per entry of one bucket: with at most one entry per
 * bucket on average, about one call per lookup, whatever the size. The
 * stored hash is not compared first: equal keys have equal hashes, but
 * the key operations decide what equal means, so they are asked. */
static struct entry *find(const ex_cache *cache, int64_t key, uint64_t hash)
{
	struct entry *entry =
		cache->buckets[bucket_of(cache->bucket_count, hash)];

	while (entry != NULL &&
	       !cache->keys->equal(cache->keys_ctx, entry->key, key))
		entry = entry->chain;
	return entry;
}

static void list_unlink(struct entry *entry)
{
	entry->prev->next = entry->next;
	entry->next->prev = entry->prev;
}

static void list_push_front(ex_cache *cache, struct entry *entry)
{
	entry->prev = &cache->head;
	entry->next = cache->head.next;
	cache->head.next->prev = entry;
	cache->head.next = entry;
}

static void chain_insert(ex_cache *cache, struct entry *entry)
{
	struct entry **bucket =
		&cache->buckets[bucket_of(cache->bucket_count, entry->hash)];

	entry->chain = *bucket;
	*bucket = entry;
}

static void chain_remove(ex_cache *cache, struct entry *entry)
{
	struct entry **link =
		&cache->buckets[bucket_of(cache->bucket_count, entry->hash)];

	/* Compares pointers: removing an entry costs no key operation. */
	while (*link != entry)
		link = &(*link)->chain;
	*link = entry->chain;
}

/* Doubling keeps chains short on average. A failed doubling is not an
 * error: the table still works, with longer chains, so a put never fails
 * because of it. */
static void maybe_grow(ex_cache *cache)
{
	if (cache->currsize < cache->bucket_count ||
	    cache->bucket_count > SIZE_MAX / 2)
		return;

	size_t count = cache->bucket_count * 2;
	struct entry **buckets =
		dp_alloc_array(cache->alloc, count, sizeof(*buckets));

	if (buckets == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		buckets[i] = NULL;
	dp_free(cache->alloc, cache->buckets);
	cache->buckets = buckets;
	cache->bucket_count = count;
	for (struct entry *e = cache->head.next; e != &cache->head; e = e->next)
		chain_insert(cache, e);
}

ex_cache *ex_cache_create(size_t maxsize, const struct dp_allocator *alloc)
{
	return ex_cache_create_with_keys(maxsize, NULL, NULL, alloc);
}

ex_cache *ex_cache_create_with_keys(size_t maxsize,
                                    const struct ex_cache_key_ops *keys,
                                    void *ctx, const struct dp_allocator *alloc)
{
	if (keys == NULL) {
		keys = &int64_keys;
		ctx = NULL;
	}
	if (keys->hash == NULL || keys->equal == NULL)
		return NULL;

	ex_cache *cache = dp_alloc(alloc, sizeof(*cache));

	if (cache == NULL)
		return NULL;
	cache->buckets =
		dp_alloc_array(alloc, INITIAL_BUCKETS, sizeof(*cache->buckets));
	if (cache->buckets == NULL)
		goto fail_free_cache;
	for (size_t i = 0; i < INITIAL_BUCKETS; i++)
		cache->buckets[i] = NULL;
	cache->alloc = alloc;
	cache->keys = keys;
	cache->keys_ctx = ctx;
	cache->bucket_count = INITIAL_BUCKETS;
	cache->head.prev = &cache->head;
	cache->head.next = &cache->head;
	cache->maxsize = maxsize;
	cache->currsize = 0;
	cache->hits = 0;
	cache->misses = 0;
	return cache;

fail_free_cache:
	dp_free(alloc, cache);
	return NULL;
}

void ex_cache_destroy(ex_cache *cache)
{
	if (cache == NULL)
		return;

	struct entry *entry = cache->head.next;

	while (entry != &cache->head) {
		struct entry *next = entry->next;
		dp_free(cache->alloc, entry);
		entry = next;
	}
	dp_free(cache->alloc, cache->buckets);
	dp_free(cache->alloc, cache);
}

int ex_cache_get(ex_cache *cache, int64_t key, int64_t *value)
{
	if (cache == NULL)
		return DP_EINVAL;

	struct entry *entry =
		find(cache, key, cache->keys->hash(cache->keys_ctx, key));

	if (entry == NULL) {
		cache->misses++;
		return DP_ENOENT;
	}
	cache->hits++;
	list_unlink(entry);
	list_push_front(cache, entry);
	if (value != NULL)
		*value = entry->value;
	return DP_OK;
}

int ex_cache_put(ex_cache *cache, int64_t key, int64_t value)
{
	if (cache == NULL)
		return DP_EINVAL;
	if (cache->maxsize == 0)
		return DP_OK;

	uint64_t hash = cache->keys->hash(cache->keys_ctx, key);
	struct entry *entry = find(cache, key, hash);

	if (entry != NULL) {
		/* The cached key stays: it is the same key. */
		entry->value = value;
		list_unlink(entry);
		list_push_front(cache, entry);
		return DP_OK;
	}
	if (cache->currsize >= cache->maxsize) {
		/* Full: recycle the least recently used entry in place, so
		 * a put into a full cache never allocates and never fails. */
		entry = cache->head.prev;
		list_unlink(entry);
		chain_remove(cache, entry);
	} else {
		entry = dp_alloc(cache->alloc, sizeof(*entry));
		if (entry == NULL)
			return DP_ENOMEM;
		cache->currsize++;
	}
	entry->key = key;
	entry->value = value;
	entry->hash = hash;
	chain_insert(cache, entry);
	list_push_front(cache, entry);
	maybe_grow(cache);
	return DP_OK;
}

int ex_cache_info(const ex_cache *cache, struct ex_cache_info *info)
{
	if (cache == NULL || info == NULL)
		return DP_EINVAL;
	*info = (struct ex_cache_info){
		.hits = cache->hits,
		.misses = cache->misses,
		.maxsize = cache->maxsize,
		.currsize = cache->currsize,
	};
	return DP_OK;
}

size_t ex_cache_keys(const ex_cache *cache, int64_t *keys, size_t capacity)
{
	if (cache == NULL || keys == NULL)
		return 0;

	size_t count = 0;

	for (const struct entry *e = cache->head.next;
	     e != &cache->head && count < capacity; e = e->next)
		keys[count++] = e->key;
	return count;
}

ex_memo *ex_memo_create(ex_memo_fn *fn, void *ctx, size_t maxsize,
                        const struct dp_allocator *alloc)
{
	if (fn == NULL)
		return NULL;

	ex_memo *memo = dp_alloc(alloc, sizeof(*memo));

	if (memo == NULL)
		return NULL;
	memo->cache = ex_cache_create(maxsize, alloc);
	if (memo->cache == NULL)
		goto fail_free_memo;
	memo->alloc = alloc;
	memo->fn = fn;
	memo->ctx = ctx;
	return memo;

fail_free_memo:
	dp_free(alloc, memo);
	return NULL;
}

void ex_memo_destroy(ex_memo *memo)
{
	if (memo == NULL)
		return;
	ex_cache_destroy(memo->cache);
	dp_free(memo->alloc, memo);
}

int64_t ex_memo_call(void *memo, int64_t arg)
{
	ex_memo *self = memo;
	int64_t result;

	if (self == NULL)
		return 0;
	if (ex_cache_get(self->cache, arg, &result) == DP_OK)
		return result;
	/* Stored after the call, as Python's lru_cache does: a recursive
	 * function fills the cache from the bottom up while it unwinds. A
	 * put that runs out of memory only costs a future recomputation. */
	result = self->fn(self->ctx, arg);
	(void)ex_cache_put(self->cache, arg, result);
	return result;
}

int ex_memo_info(const ex_memo *memo, struct ex_cache_info *info)
{
	if (memo == NULL)
		return DP_EINVAL;
	return ex_cache_info(memo->cache, info);
}
