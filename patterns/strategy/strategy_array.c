/*
 * Two strategies over one plain array of keys: "linear" keeps it in
 * insertion order and scans it, "sorted" keeps it in ascending order and
 * halves it. They share the storage code and the slots that do not depend
 * on order; only search, insert and remove differ, which is exactly the
 * difference the Strategy chapter is about.
 */
#include "strategy/strategy.h"

#include <string.h>

struct key_array {
	const struct dp_allocator *alloc;
	int64_t *keys;
	size_t count;
	size_t capacity;
};

/* ---- shared by both strategies ----------------------------------------- */

static int array_create(void **state, const struct dp_allocator *alloc)
{
	struct key_array *array = dp_alloc(alloc, sizeof(*array));
	if (array == NULL)
		return DP_ENOMEM;
	*array = (struct key_array){.alloc = alloc};
	*state = array;
	return DP_OK;
}

static void array_destroy(void *state)
{
	struct key_array *array = state;

	dp_free(array->alloc, array->keys);
	dp_free(array->alloc, array);
}

/* Make room for `needed` keys, doubling so that n inserts cost O(n)
 * copies in all. On failure the array is untouched. */
static int array_reserve(struct key_array *array, size_t needed)
{
	if (needed <= array->capacity)
		return DP_OK;
	size_t capacity = array->capacity ? array->capacity : 8;
	while (capacity < needed)
		capacity *= 2;
	int64_t *keys = dp_realloc_array(array->alloc, array->keys, capacity,
	                                 sizeof(*keys));
	if (keys == NULL)
		return DP_ENOMEM;
	array->keys = keys;
	array->capacity = capacity;
	return DP_OK;
}

static size_t array_size(const void *state)
{
	const struct key_array *array = state;

	return array->count;
}

static void array_export_keys(const void *state, int64_t *out)
{
	const struct key_array *array = state;

	if (array->count > 0)
		memcpy(out, array->keys, array->count * sizeof(*out));
}

/* Keys in ascending order are a valid layout for both strategies. */
static int array_load_sorted(void *state, const int64_t *keys, size_t count)
{
	struct key_array *array = state;

	if (array_reserve(array, count) != DP_OK)
		return DP_ENOMEM;
	if (count > 0)
		memcpy(array->keys, keys, count * sizeof(*keys));
	array->count = count;
	return DP_OK;
}

/* ---- linear: any order, scan everything -------------------------------- */

/* The index of key, or count when it is absent. */
static size_t linear_find(const struct key_array *array, int64_t key)
{
	size_t i = 0;

	while (i < array->count && array->keys[i] != key)
		i++;
	return i;
}

static bool linear_contains(const void *state, int64_t key)
{
	const struct key_array *array = state;

	return linear_find(array, key) < array->count;
}

static int linear_insert(void *state, int64_t key)
{
	struct key_array *array = state;

	if (linear_find(array, key) < array->count)
		return DP_EEXIST;
	if (array_reserve(array, array->count + 1) != DP_OK)
		return DP_ENOMEM;
	array->keys[array->count++] = key;
	return DP_OK;
}

static int linear_remove(void *state, int64_t key)
{
	struct key_array *array = state;
	size_t i = linear_find(array, key);

	if (i == array->count)
		return DP_ENOENT;
	/* Order does not matter here, so the last key fills the hole in O(1). */
	array->keys[i] = array->keys[--array->count];
	return DP_OK;
}

const struct dp_set_ops dp_set_linear = {
	.name = "linear",
	.create = array_create,
	.destroy = array_destroy,
	.insert = linear_insert,
	.remove = linear_remove,
	.contains = linear_contains,
	.size = array_size,
	.export_keys = array_export_keys,
	.load_sorted = array_load_sorted,
};

/* ---- sorted: ascending order, binary search ----------------------------- */

/* The first index whose key is not less than `key` (count if none). */
static size_t sorted_lower_bound(const struct key_array *array, int64_t key)
{
	size_t low = 0;
	size_t high = array->count;

	while (low < high) {
		size_t middle = low + (high - low) / 2;
		if (array->keys[middle] < key)
			low = middle + 1;
		else
			high = middle;
	}
	return low;
}

static bool sorted_contains(const void *state, int64_t key)
{
	const struct key_array *array = state;
	size_t i = sorted_lower_bound(array, key);

	return i < array->count && array->keys[i] == key;
}

static int sorted_insert(void *state, int64_t key)
{
	struct key_array *array = state;
	size_t i = sorted_lower_bound(array, key);

	if (i < array->count && array->keys[i] == key)
		return DP_EEXIST;
	if (array_reserve(array, array->count + 1) != DP_OK)
		return DP_ENOMEM;
	/* The price of fast lookups: every later key moves up one place. */
	memmove(&array->keys[i + 1], &array->keys[i],
	        (array->count - i) * sizeof(*array->keys));
	array->keys[i] = key;
	array->count++;
	return DP_OK;
}

static int sorted_remove(void *state, int64_t key)
{
	struct key_array *array = state;
	size_t i = sorted_lower_bound(array, key);

	if (i == array->count || array->keys[i] != key)
		return DP_ENOENT;
	array->count--;
	memmove(&array->keys[i], &array->keys[i + 1],
	        (array->count - i) * sizeof(*array->keys));
	return DP_OK;
}

const struct dp_set_ops dp_set_sorted = {
	.name = "sorted",
	.create = array_create,
	.destroy = array_destroy,
	.insert = sorted_insert,
	.remove = sorted_remove,
	.contains = sorted_contains,
	.size = array_size,
	.export_keys = array_export_keys,
	.load_sorted = array_load_sorted,
};
