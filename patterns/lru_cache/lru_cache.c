/*
 * The LRU cache: a chained hash table finds an entry in O(1), and a doubly
 * linked list threaded through the same entries keeps them in order of use,
 * so moving an entry to the front and dropping the tail are O(1) too.
 *
 * The list is intrusive: its links live inside the entry, as the kernel's
 * list_head does, so one allocation per entry serves both structures and
 * an entry found by hashing is already in the list, with no second lookup.
 *
 * The file reads in two steps. First the plain algorithm, which reaches
 * keys and values only through the ops tables. Then, in sections of their
 * own at the end, the two tunings this chapter declares. DP_LRU_INT64
 * caches keep their integers inside their entries and their typed lookup
 * calls nothing; the plain algorithm meets that tuning in three places
 * only: dp_lru_create() (the entry's size and key table), store_key() and
 * store_value(), where the integers are copied in. DP_LRU_ENTRIES_POOLED
 * caches draw their entries from an object pool; the plain algorithm
 * meets it in two places, new_entry() and release_entry(), where an
 * entry's memory comes and goes. The README's Cost section says what
 * each tuning buys.
 */
#include "lru_cache/lru_cache.h"

#include "object_pool/object_pool.h"

enum { INITIAL_BUCKETS = 16 };

/* A link of the recency list: circular, around a sentinel in the cache,
 * so linking needs no NULL checks. */
struct lru_link {
	struct lru_link *prev; /* towards the most recent entry */
	struct lru_link *next; /* towards the least recent entry */
};

/* One cached key and value, in the hash table and in the recency list at
 * once. The hash is kept so that growing the table needs no rehash and a
 * lookup calls equal() only on a likely match. */
struct lru_entry {
	struct lru_link link;
	struct lru_entry *next_in_bucket;
	uint64_t hash;
	void *key;
	void *value;
};

struct dp_lru {
	/* Sentinel: order.next is the most recently used entry, order.prev
	 * the least. */
	struct lru_link order;
	struct lru_entry **buckets; /* chains of entries, by hash */
	size_t bucket_count;        /* a power of two */
	size_t count;
	size_t maxsize;
	uint64_t hits;
	uint64_t misses;
	/* Never NULL: resolved once by dp_lru_create(), so that no call
	 * tests for a missing table. */
	const struct dp_lru_key_ops *keys;
	const struct dp_lru_value_ops *values;
	void *ctx;
	dp_lru_evict_fn *on_evict;
	void *evict_ctx;
	const struct dp_allocator *alloc; /* as given; NULL is the default */
	/* Where a DP_LRU_ENTRIES_POOLED cache's entries come from; NULL
	 * for the plain cache, whose entries come from alloc. */
	dp_pool *pool;
	enum dp_lru_kind kind;
	size_t entry_size; /* what one entry allocates, by kind */
	/* The key table of a DP_LRU_INT64 cache: the integer table without
	 * dup and free, since the entry itself holds the copy. */
	struct dp_lru_key_ops int64_keys;
};

/* The tuning's three hooks, defined in its section at the end. */
static void int64_kind_init(dp_lru *lru);
static void store_int64_key(struct lru_entry *entry, const void *key);
static void store_int64_value(struct lru_entry *entry, const void *value);
/* The pooled entries' hooks, defined in their section at the end. */
static int pooled_entries_init(dp_lru *lru);
static void *pooled_entry_new(dp_lru *lru);
static void pooled_entry_release(dp_lru *lru, struct lru_entry *entry);

/* ---- The recency list ---------------------------------------------------- */

static struct lru_entry *entry_of(struct lru_link *link)
{
	return dp_container_of(link, struct lru_entry, link);
}

static void list_unlink(struct lru_link *link)
{
	struct lru_link *prev = link->prev;
	struct lru_link *next = link->next;

	prev->next = next;
	next->prev = prev;
}

static void list_push_front(struct lru_link *head, struct lru_link *link)
{
	struct lru_link *first = head->next;

	link->prev = head;
	link->next = first;
	first->prev = link;
	head->next = link;
}

static void move_to_front(dp_lru *lru, struct lru_entry *entry)
{
	list_unlink(&entry->link);
	list_push_front(&lru->order, &entry->link);
}

/* ---- Keys and values, through the ops ------------------------------------ */

static uint64_t hash_key(const dp_lru *lru, const void *key)
{
	return lru->keys->hash(lru->ctx, key);
}

/* A key or value stored as given (no dup) still belongs to the caller
 * when a put fails; only copies are the cache's to free then. */
static void *copy_key(const dp_lru *lru, const void *key)
{
	if (lru->keys->dup == NULL)
		return (void *)key;
	return lru->keys->dup(lru->ctx, key, lru->alloc);
}

static void free_key(const dp_lru *lru, void *key)
{
	if (lru->keys->free != NULL)
		lru->keys->free(lru->ctx, key, lru->alloc);
}

static int copy_value(const dp_lru *lru, const void *value, void **copy)
{
	if (value == NULL || lru->values->dup == NULL) {
		*copy = (void *)value;
		return DP_OK;
	}
	*copy = lru->values->dup(lru->ctx, value, lru->alloc);
	return *copy == NULL ? DP_ENOMEM : DP_OK;
}

static void free_value(const dp_lru *lru, void *value)
{
	if (value != NULL && lru->values->free != NULL)
		lru->values->free(lru->ctx, value, lru->alloc);
}

static void store_key(const dp_lru *lru, struct lru_entry *entry, void *key)
{
	if (lru->kind == DP_LRU_INT64)
		store_int64_key(entry, key);
	else
		entry->key = key;
}

static void store_value(const dp_lru *lru, struct lru_entry *entry, void *value)
{
	if (lru->kind == DP_LRU_INT64 && value != NULL)
		store_int64_value(entry, value);
	else
		entry->value = value;
}

/* ---- The hash table ------------------------------------------------------ */

static size_t bucket_of(const dp_lru *lru, uint64_t hash)
{
	return hash & (lru->bucket_count - 1);
}

/* The link that points at the entry with this key, or at NULL where the
 * chain ends: the caller can read, unlink or test the entry through it. */
static struct lru_entry **find_slot(const dp_lru *lru, uint64_t hash,
                                    const void *key)
{
	struct lru_entry **slot = &lru->buckets[bucket_of(lru, hash)];

	while (*slot != NULL &&
	       ((*slot)->hash != hash ||
	        !lru->keys->equal(lru->ctx, (*slot)->key, key)))
		slot = &(*slot)->next_in_bucket;
	return slot;
}

static struct lru_entry **new_buckets(const dp_lru *lru, size_t count)
{
	struct lru_entry **buckets =
		dp_alloc_array(lru->alloc, count, sizeof(*buckets));

	if (buckets != NULL)
		for (size_t i = 0; i < count; i++)
			buckets[i] = NULL;
	return buckets;
}

/* Move every entry into a new, larger bucket array; cannot fail, because
 * the array was allocated before the put changed anything. */
static void rehash(dp_lru *lru, struct lru_entry **buckets, size_t count)
{
	struct lru_entry **old = lru->buckets;
	size_t old_count = lru->bucket_count;

	lru->buckets = buckets;
	lru->bucket_count = count;
	for (size_t i = 0; i < old_count; i++) {
		struct lru_entry *entry = old[i];
		while (entry != NULL) {
			struct lru_entry *next = entry->next_in_bucket;
			struct lru_entry **head =
				&buckets[bucket_of(lru, entry->hash)];
			entry->next_in_bucket = *head;
			*head = entry;
			entry = next;
		}
	}
	dp_free(lru->alloc, old);
}

/* ---- Entries ------------------------------------------------------------- */

/* Memory for one entry, or NULL when memory runs out. */
static struct lru_entry *new_entry(dp_lru *lru)
{
	if (lru->pool != NULL)
		return pooled_entry_new(lru);
	return dp_alloc(lru->alloc, lru->entry_size);
}

static void release_entry(dp_lru *lru, struct lru_entry *entry)
{
	if (lru->pool != NULL)
		pooled_entry_release(lru, entry);
	else
		dp_free(lru->alloc, entry);
}

static void free_entry(dp_lru *lru, struct lru_entry *entry)
{
	free_key(lru, entry->key);
	free_value(lru, entry->value);
	release_entry(lru, entry);
}

/* Take an entry out of both structures through the link that points at
 * it in its chain. */
static void unlink_entry(dp_lru *lru, struct lru_entry **slot)
{
	struct lru_entry *entry = *slot;

	*slot = entry->next_in_bucket;
	list_unlink(&entry->link);
	lru->count--;
}

/* The link that points at an entry known to be cached: found by address,
 * so eviction never calls the key table. */
static struct lru_entry **slot_of_entry(const dp_lru *lru,
                                        const struct lru_entry *entry)
{
	struct lru_entry **slot = &lru->buckets[bucket_of(lru, entry->hash)];

	while (*slot != entry)
		slot = &(*slot)->next_in_bucket;
	return slot;
}

/* Evict the least recently used entry and hand back its memory for the
 * entry that takes its place, as CPython's bounded lru_cache reuses its
 * oldest link: a full cache's miss then saves an allocation and a free. */
static struct lru_entry *evict_least_recent(dp_lru *lru)
{
	struct lru_entry *victim = entry_of(lru->order.prev);

	unlink_entry(lru, slot_of_entry(lru, victim));
	if (lru->on_evict != NULL)
		lru->on_evict(lru->evict_ctx, victim->key, victim->value);
	free_key(lru, victim->key);
	free_value(lru, victim->value);
	return victim;
}

/* Memory for one more entry: the victim's when the cache is full, else a
 * new block, the bucket array doubled first when the table is as full as
 * it has buckets. Both blocks are allocated before either is used, so a
 * NULL return has changed nothing. */
static struct lru_entry *make_room(dp_lru *lru)
{
	if (lru->count >= lru->maxsize)
		return evict_least_recent(lru);
	struct lru_entry **buckets = NULL;
	size_t bucket_count = lru->bucket_count * 2;
	if (lru->count == lru->bucket_count) {
		buckets = new_buckets(lru, bucket_count);
		if (buckets == NULL)
			return NULL;
	}
	struct lru_entry *entry = new_entry(lru);
	if (entry == NULL) {
		dp_free(lru->alloc, buckets);
		return NULL;
	}
	if (buckets != NULL)
		rehash(lru, buckets, bucket_count);
	return entry;
}

/* Store a new key with its (already copied) value as the most recent
 * entry. On failure nothing has changed and the value copy is the
 * caller's to free. */
static int insert(dp_lru *lru, uint64_t hash, const void *key, void *value)
{
	void *stored_key = copy_key(lru, key);
	if (stored_key == NULL)
		return DP_ENOMEM;
	struct lru_entry *entry = make_room(lru);
	if (entry == NULL) {
		if (stored_key != key)
			free_key(lru, stored_key);
		return DP_ENOMEM;
	}
	/* The chain is found again: make_room() may have rehashed. */
	struct lru_entry **head = &lru->buckets[bucket_of(lru, hash)];
	entry->hash = hash;
	store_key(lru, entry, stored_key);
	store_value(lru, entry, value);
	entry->next_in_bucket = *head;
	*head = entry;
	list_push_front(&lru->order, &entry->link);
	lru->count++;
	return DP_OK;
}

/* ---- The public functions ------------------------------------------------ */

static const struct dp_lru_value_ops values_as_given = {0};

static bool config_is_valid(const struct dp_lru_config *config)
{
	if (config == NULL)
		return false;
	if (config->entries != DP_LRU_ENTRIES_ALLOCATED &&
	    config->entries != DP_LRU_ENTRIES_POOLED)
		return false;
	if (config->kind == DP_LRU_INT64)
		return config->keys == NULL && config->values == NULL;
	return config->kind == DP_LRU_BY_OPS && config->keys != NULL &&
	       config->keys->hash != NULL && config->keys->equal != NULL;
}

dp_lru *dp_lru_create(const struct dp_lru_config *config)
{
	if (!config_is_valid(config))
		return NULL;
	const struct dp_allocator *alloc = config->alloc;
	dp_lru *lru = dp_alloc(alloc, sizeof(*lru));
	if (lru == NULL)
		return NULL;
	*lru = (struct dp_lru){
		.order = {.prev = &lru->order, .next = &lru->order},
		.bucket_count = INITIAL_BUCKETS,
		.maxsize = config->maxsize,
		.keys = config->keys,
		.values = config->values != NULL ? config->values
	                                         : &values_as_given,
		.ctx = config->ctx,
		.on_evict = config->on_evict,
		.evict_ctx = config->evict_ctx,
		.alloc = alloc,
		.kind = config->kind,
		.entry_size = sizeof(struct lru_entry),
	};
	if (lru->kind == DP_LRU_INT64)
		int64_kind_init(lru);
	lru->buckets = new_buckets(lru, INITIAL_BUCKETS);
	if (lru->buckets == NULL)
		goto fail_free_lru;
	if (config->entries == DP_LRU_ENTRIES_POOLED &&
	    pooled_entries_init(lru) != DP_OK)
		goto fail_free_buckets;
	return lru;

fail_free_buckets:
	dp_free(alloc, lru->buckets);
fail_free_lru:
	dp_free(alloc, lru);
	return NULL;
}

static void free_all_entries(dp_lru *lru)
{
	struct lru_link *link = lru->order.next;

	while (link != &lru->order) {
		struct lru_link *next = link->next;
		free_entry(lru, entry_of(link));
		link = next;
	}
	lru->order.prev = &lru->order;
	lru->order.next = &lru->order;
	lru->count = 0;
}

void dp_lru_destroy(dp_lru *lru)
{
	if (lru == NULL)
		return;
	free_all_entries(lru);
	dp_pool_destroy(lru->pool);
	dp_free(lru->alloc, lru->buckets);
	dp_free(lru->alloc, lru);
}

/* What every lookup does once it has searched: count a hit or a miss, and
 * make a hit the most recent entry. */
static int finish_get(dp_lru *lru, struct lru_entry *entry)
{
	if (entry == NULL) {
		lru->misses++;
		return DP_ENOENT;
	}
	lru->hits++;
	move_to_front(lru, entry);
	return DP_OK;
}

int dp_lru_get(dp_lru *lru, const void *key, void **value)
{
	if (lru == NULL || key == NULL)
		return DP_EINVAL;
	struct lru_entry *entry = *find_slot(lru, hash_key(lru, key), key);
	int rc = finish_get(lru, entry);
	if (rc == DP_OK && value != NULL)
		*value = entry->value;
	return rc;
}

int dp_lru_put(dp_lru *lru, const void *key, const void *value)
{
	if (lru == NULL || key == NULL)
		return DP_EINVAL;
	/* Python's maxsize=0 wrapper calls the function and stores nothing. */
	if (lru->maxsize == 0)
		return DP_OK;
	uint64_t hash = hash_key(lru, key);
	struct lru_entry *entry = *find_slot(lru, hash, key);
	void *stored_value;
	int rc = copy_value(lru, value, &stored_value);
	if (rc != DP_OK)
		return rc;
	if (entry != NULL) {
		free_value(lru, entry->value);
		store_value(lru, entry, stored_value);
		move_to_front(lru, entry);
		return DP_OK;
	}
	rc = insert(lru, hash, key, stored_value);
	if (rc != DP_OK && stored_value != value)
		free_value(lru, stored_value);
	return rc;
}

int dp_lru_remove(dp_lru *lru, const void *key)
{
	if (lru == NULL || key == NULL)
		return DP_EINVAL;
	struct lru_entry **slot = find_slot(lru, hash_key(lru, key), key);
	struct lru_entry *entry = *slot;
	if (entry == NULL)
		return DP_ENOENT;
	unlink_entry(lru, slot);
	free_entry(lru, entry);
	return DP_OK;
}

bool dp_lru_contains(const dp_lru *lru, const void *key)
{
	if (lru == NULL || key == NULL)
		return false;
	return *find_slot(lru, hash_key(lru, key), key) != NULL;
}

int dp_lru_clear(dp_lru *lru)
{
	if (lru == NULL)
		return DP_EINVAL;
	free_all_entries(lru);
	for (size_t i = 0; i < lru->bucket_count; i++)
		lru->buckets[i] = NULL;
	lru->hits = 0;
	lru->misses = 0;
	return DP_OK;
}

int dp_lru_info(const dp_lru *lru, struct dp_lru_info *info)
{
	if (lru == NULL || info == NULL)
		return DP_EINVAL;
	info->hits = lru->hits;
	info->misses = lru->misses;
	info->maxsize = lru->maxsize;
	info->currsize = lru->count;
	return DP_OK;
}

int dp_lru_for_each(const dp_lru *lru, dp_lru_visit_fn *visit, void *ctx)
{
	if (lru == NULL || visit == NULL)
		return DP_EINVAL;
	for (struct lru_link *link = lru->order.next; link != &lru->order;
	     link = link->next) {
		struct lru_entry *entry = entry_of(link);
		if (!visit(ctx, entry->key, entry->value))
			break;
	}
	return DP_OK;
}

/* ---- The tuning, declared: DP_LRU_INT64 ---------------------------------- */

/*
 * An int64 cache keeps its key and value inside the entry, which the plain
 * entry's key and value pointers then point at: the plain algorithm runs
 * unchanged on it, with one allocation per entry instead of three. Its
 * typed lookup, dp_lru_get_int64(), is the plain dp_lru_get() with the
 * key table's two calls written in: the hash inline and the comparison an
 * `==` on the entry's own integer.
 */
struct lru_int64_entry {
	struct lru_entry base; /* Base. Must be first. */
	int64_t key;
	int64_t value;
};

static struct lru_int64_entry *int64_entry_of(struct lru_entry *entry)
{
	return dp_container_of(entry, struct lru_int64_entry, base);
}

static void store_int64_key(struct lru_entry *entry, const void *key)
{
	struct lru_int64_entry *self = int64_entry_of(entry);

	self->key = *(const int64_t *)key;
	entry->key = &self->key;
}

static void store_int64_value(struct lru_entry *entry, const void *value)
{
	struct lru_int64_entry *self = int64_entry_of(entry);

	self->value = *(const int64_t *)value;
	entry->value = &self->value;
}

static void int64_kind_init(dp_lru *lru)
{
	lru->int64_keys = (struct dp_lru_key_ops){
		.hash = dp_lru_int64_key.hash,
		.equal = dp_lru_int64_key.equal,
	};
	lru->keys = &lru->int64_keys;
	lru->entry_size = sizeof(struct lru_int64_entry);
}

uint64_t dp_lru_int64_hash(int64_t key)
{
	return dp_mix64((uint64_t)key);
}

/* find_slot() with the key table's two calls written in. */
static struct lru_entry *find_int64(const dp_lru *lru, uint64_t hash,
                                    int64_t key)
{
	struct lru_entry *entry = lru->buckets[bucket_of(lru, hash)];

	while (entry != NULL && int64_entry_of(entry)->key != key)
		entry = entry->next_in_bucket;
	return entry;
}

int dp_lru_get_int64(dp_lru *lru, int64_t key, int64_t *value)
{
	if (lru == NULL || lru->kind != DP_LRU_INT64)
		return DP_EINVAL;
	struct lru_entry *entry = find_int64(lru, dp_lru_int64_hash(key), key);
	int rc = finish_get(lru, entry);
	if (rc == DP_OK && value != NULL)
		*value =
			entry->value != NULL ? int64_entry_of(entry)->value : 0;
	return rc;
}

/* dp_lru_put() with the key table's calls written in: an int64 cache
 * copies nothing before the entry exists and frees no old value, so only
 * the lookup differs, and the insertion is the plain one. */
int dp_lru_put_int64(dp_lru *lru, int64_t key, int64_t value)
{
	if (lru == NULL || lru->kind != DP_LRU_INT64)
		return DP_EINVAL;
	if (lru->maxsize == 0)
		return DP_OK;
	uint64_t hash = dp_lru_int64_hash(key);
	struct lru_entry *entry = find_int64(lru, hash, key);
	if (entry == NULL)
		return insert(lru, hash, &key, &value);
	store_int64_value(entry, &value);
	move_to_front(lru, entry);
	return DP_OK;
}

/* ---- The tuning, declared: DP_LRU_ENTRIES_POOLED ------------------------- */

/*
 * A pooled cache takes its entries from the object pool chapter's pool:
 * an entry's memory comes from dp_pool_acquire() and goes back with
 * dp_pool_release(), both inline, a pop and a push of the pool's free
 * list. Only entries come from the pool, since it hands out blocks of one
 * size; the bucket array and the ops' copies still come from the cache's
 * allocator, as do the pool's chunks. A chunk of maxsize entries (at most
 * DP_LRU_POOL_CHUNK) means a bounded cache's pool grows once or a few
 * times and then serves every miss, and a cleared cache refills from it.
 *
 * The pool could also stand in through dp_pool_allocator(), with no
 * change to the plain algorithm; the direct calls are kept because they
 * skip an indirect call per entry (the chapter's HISTORY.md says what that
 * measured).
 */
static size_t pool_chunk_entries(size_t maxsize)
{
	if (maxsize == 0)
		return 1; /* stores nothing, but a pool needs a chunk size */
	return maxsize < DP_LRU_POOL_CHUNK ? maxsize : DP_LRU_POOL_CHUNK;
}

static int pooled_entries_init(dp_lru *lru)
{
	lru->pool = dp_pool_create(
		&(struct dp_pool_config){
			.object_size = lru->entry_size,
			.chunk_objects = pool_chunk_entries(lru->maxsize),
		},
		lru->alloc);
	return lru->pool != NULL ? DP_OK : DP_ENOMEM;
}

/* A growing pool fails only for want of memory. */
static void *pooled_entry_new(dp_lru *lru)
{
	void *entry;

	return dp_pool_acquire(lru->pool, &entry) == DP_OK ? entry : NULL;
}

/* Cannot fail: the entry was acquired from this pool and is lent. */
static void pooled_entry_release(dp_lru *lru, struct lru_entry *entry)
{
	(void)dp_pool_release(lru->pool, entry);
}
