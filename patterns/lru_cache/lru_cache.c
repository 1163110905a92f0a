/*
 * The LRU cache: a chained hash table finds an entry in O(1), and a doubly
 * linked list threaded through the same entries keeps them in order of use,
 * so moving an entry to the front and dropping the tail are O(1) too.
 *
 * The list is intrusive: its links live inside the entry, as the kernel's
 * list_head does, so one allocation per entry serves both structures and
 * an entry found by hashing is already in the list, with no second lookup.
 *
 * Integers get a fast path. A cache whose key table is dp_lru_int64_key
 * keeps each key inside its entry and hashes and compares it directly,
 * with no indirect call and no pointer to a separate copy; one whose value
 * table is dp_lru_int64_value keeps each value inside its entry too. The
 * tables are recognised by address, once, at creation. An entry's key and
 * value pointers then point into the entry itself, so the callbacks and
 * dp_lru_get() see the same pointers as with copies, valid as long.
 */
#include "lru_cache/lru_cache.h"
#include "lru_cache/lru_private.h"

#include <string.h>

enum { INITIAL_BUCKETS = 16 };

/* A NULL value table means "stored as given, never freed", which is what a
 * table with both slots empty means: resolving it once at creation spares
 * every call a test. */
static const struct dp_lru_value_ops values_as_given = {0};

static struct lru_entry *entry_of(struct lru_link *link)
{
	return dp_container_of(link, struct lru_entry, link);
}

/* The inline integer paths and the optional slots are tested here and
 * only here. */

static inline uint64_t hash_key(const dp_lru *lru, const void *key)
{
	if (lru->int64_keys)
		return dp__lru_mix64((uint64_t) * (const int64_t *)key);
	return lru->keys->hash(lru->ctx, key);
}

/* The stored key as the ops and the callbacks see it: a pointer. */
static void *key_of(const dp_lru *lru, struct lru_entry *entry)
{
	return lru->int64_keys ? &entry->key.int64_key : entry->key.key;
}

/* Inline keys are stored by store_key(), once the entry exists. */
static void *copy_key(const dp_lru *lru, const void *key)
{
	if (lru->int64_keys || lru->keys->dup == NULL)
		return (void *)key;
	return lru->keys->dup(lru->ctx, key, lru->alloc);
}

static void store_key(const dp_lru *lru, struct lru_entry *entry, void *key)
{
	if (lru->int64_keys)
		entry->key.int64_key = *(const int64_t *)key;
	else
		entry->key.key = key;
}

static void free_key(const dp_lru *lru, void *key)
{
	if (!lru->int64_keys && lru->keys->free != NULL)
		lru->keys->free(lru->ctx, key, lru->alloc);
}

/* Inline values are stored by store_value(), once the entry exists. */
static int copy_value(const dp_lru *lru, const void *value, void **copy)
{
	if (value == NULL || lru->int64_values || lru->values->dup == NULL) {
		*copy = (void *)value;
		return DP_OK;
	}
	*copy = lru->values->dup(lru->ctx, value, lru->alloc);
	return *copy == NULL ? DP_ENOMEM : DP_OK;
}

static void store_value(const dp_lru *lru, struct lru_entry *entry, void *value)
{
	if (lru->int64_values && value != NULL) {
		entry->int64_value = *(const int64_t *)value;
		value = &entry->int64_value;
	}
	entry->value = value;
}

static void free_value(const dp_lru *lru, void *value)
{
	if (value != NULL && !lru->int64_values && lru->values->free != NULL)
		lru->values->free(lru->ctx, value, lru->alloc);
}

static void free_entry(const dp_lru *lru, struct lru_entry *entry)
{
	free_key(lru, key_of(lru, entry));
	free_value(lru, entry->value);
	dp_free(lru->alloc, entry);
}

/* The link that points at the entry with this key, or at NULL where the
 * chain ends: the caller can read, unlink or test the entry through it. */
static inline struct lru_entry **find_slot(const dp_lru *lru, uint64_t hash,
                                           const void *key)
{
	if (lru->int64_keys)
		return dp__lru_find_int64(lru, hash, *(const int64_t *)key);
	struct lru_entry **slot = &lru->buckets[hash & (lru->bucket_count - 1)];

	while (*slot != NULL &&
	       ((*slot)->hash != hash ||
	        !lru->keys->equal(lru->ctx, (*slot)->key.key, key)))
		slot = &(*slot)->next_in_bucket;
	return slot;
}

static void unlink_from_bucket(dp_lru *lru, const struct lru_entry *entry)
{
	struct lru_entry **slot =
		&lru->buckets[entry->hash & (lru->bucket_count - 1)];

	while (*slot != entry)
		slot = &(*slot)->next_in_bucket;
	*slot = entry->next_in_bucket;
}

/* Evict the least recently used entry and hand back its memory for the
 * entry that takes its place, as CPython's bounded lru_cache reuses its
 * oldest link: a full cache's miss then saves an allocation and a free. */
static struct lru_entry *evict_least_recent(dp_lru *lru)
{
	struct lru_entry *victim = entry_of(lru->order.prev);

	unlink_from_bucket(lru, victim);
	dp__lru_list_unlink(&victim->link);
	lru->count--;
	if (lru->on_evict != NULL)
		lru->on_evict(lru->evict_ctx, key_of(lru, victim),
		              victim->value);
	free_key(lru, key_of(lru, victim));
	free_value(lru, victim->value);
	return victim;
}

/* Move every entry into a new, larger bucket array; cannot fail, because
 * the array was allocated before the put changed anything. */
static void rehash(dp_lru *lru, struct lru_entry **buckets, size_t count)
{
	for (size_t i = 0; i < lru->bucket_count; i++) {
		struct lru_entry *entry = lru->buckets[i];
		while (entry != NULL) {
			struct lru_entry *next = entry->next_in_bucket;
			struct lru_entry **head =
				&buckets[entry->hash & (count - 1)];
			entry->next_in_bucket = *head;
			*head = entry;
			entry = next;
		}
	}
	dp_free(lru->alloc, lru->buckets);
	lru->buckets = buckets;
	lru->bucket_count = count;
}

dp_lru *dp_lru_create(const struct dp_lru_config *config)
{
	if (config == NULL || config->keys == NULL ||
	    config->keys->hash == NULL || config->keys->equal == NULL)
		return NULL;
	const struct dp_allocator *alloc = config->alloc;
	if (alloc == NULL)
		alloc = dp_allocator_default();

	dp_lru *lru = dp_alloc(alloc, sizeof(*lru));
	if (lru == NULL)
		return NULL;
	lru->buckets =
		dp_alloc_array(alloc, INITIAL_BUCKETS, sizeof(*lru->buckets));
	if (lru->buckets == NULL)
		goto fail_free_lru;
	for (size_t i = 0; i < INITIAL_BUCKETS; i++)
		lru->buckets[i] = NULL;
	lru->bucket_count = INITIAL_BUCKETS;
	lru->order.prev = &lru->order;
	lru->order.next = &lru->order;
	lru->count = 0;
	lru->maxsize = config->maxsize;
	lru->hits = 0;
	lru->misses = 0;
	lru->keys = config->keys;
	lru->values =
		config->values != NULL ? config->values : &values_as_given;
	lru->ctx = config->ctx;
	lru->on_evict = config->on_evict;
	lru->evict_ctx = config->evict_ctx;
	lru->alloc = alloc;
	lru->int64_keys = config->keys == &dp_lru_int64_key;
	lru->int64_values = config->values == &dp_lru_int64_value;
	return lru;

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
	dp_free(lru->alloc, lru->buckets);
	dp_free(lru->alloc, lru);
}

/* A hit or a miss, counted; a hit becomes the most recent entry. */
static inline int finish_get(dp_lru *lru, struct lru_entry *entry, void **value)
{
	if (entry == NULL) {
		lru->misses++;
		return DP_ENOENT;
	}
	lru->hits++;
	dp__lru_move_to_front(lru, entry);
	if (value != NULL)
		*value = entry->value;
	return DP_OK;
}

/*
 * dp_lru_get() through the key ops, kept out of line (gcc and clang) and
 * reached by a tail call. Its indirect calls make the compiler save
 * registers on entry; inlined into dp_lru_get(), they would make every
 * get pay for that, the integer ones included, which call nothing. The
 * bench measured what that cost: the integer hit took 4.3 ns with the
 * saves, 3.6 without, and about one cache in four took 9 to 10 ns
 * instead (see the README's Cost section).
 */
__attribute__((noinline)) static int
get_through_ops(dp_lru *lru, const void *key, void **value)
{
	uint64_t hash = lru->keys->hash(lru->ctx, key);

	return finish_get(lru, *find_slot(lru, hash, key), value);
}

int dp_lru_get(dp_lru *lru, const void *key, void **value)
{
	if (lru == NULL || key == NULL)
		return DP_EINVAL;
	if (!lru->int64_keys)
		return get_through_ops(lru, key, value);
	/* Written out rather than through hash_key() and find_slot(): the
	 * same work, but the bench measured that form 0.3 ns slower. */
	int64_t int64_key = *(const int64_t *)key;
	uint64_t hash = dp__lru_mix64((uint64_t)int64_key);
	return finish_get(lru, *dp__lru_find_int64(lru, hash, int64_key),
	                  value);
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
		dp__lru_move_to_front(lru, entry);
		return DP_OK;
	}

	/* Allocate all that a new entry needs before changing anything, so
	 * that a failure has nothing to undo in the cache itself. */
	rc = DP_ENOMEM;
	struct lru_entry **buckets = NULL;
	void *stored_key = copy_key(lru, key);
	if (stored_key == NULL)
		goto fail_free_value;
	if (lru->count >= lru->maxsize) {
		entry = evict_least_recent(lru);
	} else {
		size_t bucket_count = lru->bucket_count * 2;
		if (lru->count == lru->bucket_count) {
			buckets = dp_alloc_array(lru->alloc, bucket_count,
			                         sizeof(*buckets));
			if (buckets == NULL)
				goto fail_free_key;
			for (size_t i = 0; i < bucket_count; i++)
				buckets[i] = NULL;
		}
		entry = dp_alloc(lru->alloc, sizeof(*entry));
		if (entry == NULL)
			goto fail_free_buckets;
		if (buckets != NULL)
			rehash(lru, buckets, bucket_count);
	}

	/* At the head of its chain: the chain may have changed since
	 * find_slot(), whose answer is therefore not reused. */
	struct lru_entry **head = &lru->buckets[hash & (lru->bucket_count - 1)];
	entry->hash = hash;
	store_key(lru, entry, stored_key);
	store_value(lru, entry, stored_value);
	entry->next_in_bucket = *head;
	*head = entry;
	dp__lru_list_push_front(&lru->order, &entry->link);
	lru->count++;
	return DP_OK;

fail_free_buckets:
	dp_free(lru->alloc, buckets);
fail_free_key:
	/* Only copies are ours to free: a key or value stored as given
	 * still belongs to the caller when the put fails. */
	if (!lru->int64_keys && lru->keys->dup != NULL)
		free_key(lru, stored_key);
fail_free_value:
	if (stored_value != value)
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
	*slot = entry->next_in_bucket;
	dp__lru_list_unlink(&entry->link);
	lru->count--;
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
		if (!visit(ctx, key_of(lru, entry), entry->value))
			break;
	}
	return DP_OK;
}
