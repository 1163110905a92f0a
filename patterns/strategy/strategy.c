/*
 * The context of the Strategy pattern: a dp_set forwards every operation to
 * its strategy's ops table, and owns the one operation no strategy can do
 * alone, moving the keys from one strategy to another.
 *
 * Arguments are checked here, once, so the strategies can trust theirs
 * (rule: "check for NULL in one dispatcher, not in every caller").
 */
#include "strategy/strategy.h"

#include <stdlib.h>
#include <string.h>

struct dp_set {
	/* The strategy in use, and its data, which only the ops look inside. */
	const struct dp_set_ops *ops;
	void *state;
	/* Never NULL: resolved at creation. */
	const struct dp_allocator *alloc;
};

/* Every slot but the optional load_sorted must be filled. */
static bool ops_complete(const struct dp_set_ops *ops)
{
	return ops != NULL && ops->name != NULL && ops->create != NULL &&
	       ops->destroy != NULL && ops->insert != NULL &&
	       ops->remove != NULL && ops->contains != NULL &&
	       ops->size != NULL && ops->export_keys != NULL;
}

dp_set *dp_set_create(const struct dp_set_ops *ops,
                      const struct dp_allocator *alloc)
{
	if (!ops_complete(ops))
		return NULL;

	dp_set *set = dp_alloc(alloc, sizeof(*set));
	if (set == NULL)
		return NULL;
	if (ops->create(&set->state, alloc) != DP_OK)
		goto fail_free_set;
	set->ops = ops;
	set->alloc = alloc;
	return set;

fail_free_set:
	dp_free(alloc, set);
	return NULL;
}

void dp_set_destroy(dp_set *set)
{
	if (set == NULL)
		return;
	set->ops->destroy(set->state);
	dp_free(set->alloc, set);
}

int dp_set_add(dp_set *set, int64_t key)
{
	if (set == NULL)
		return DP_EINVAL;
	return set->ops->insert(set->state, key);
}

int dp_set_remove(dp_set *set, int64_t key)
{
	if (set == NULL)
		return DP_EINVAL;
	return set->ops->remove(set->state, key);
}

bool dp_set_contains(const dp_set *set, int64_t key)
{
	return set != NULL && set->ops->contains(set->state, key);
}

size_t dp_set_size(const dp_set *set)
{
	return set == NULL ? 0 : set->ops->size(set->state);
}

const struct dp_set_ops *dp_set_strategy(const dp_set *set)
{
	return set == NULL ? NULL : set->ops;
}

static int compare_keys(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a;
	int64_t y = *(const int64_t *)b;

	/* Not x - y: the difference of two int64_t can overflow. */
	return (x > y) - (x < y);
}

/* Sort keys and drop repeats in place; return how many are left. */
static size_t sort_unique(int64_t *keys, size_t count)
{
	if (count == 0)
		return 0;
	qsort(keys, count, sizeof(*keys), compare_keys);
	size_t kept = 1;
	for (size_t i = 1; i < count; i++) {
		if (keys[i] != keys[kept - 1])
			keys[kept++] = keys[i];
	}
	return kept;
}

/* Fill a fresh state from sorted, distinct keys: in one go when the
 * strategy can, else one key at a time. */
static int load_state(const struct dp_set_ops *ops, void *state,
                      const int64_t *keys, size_t count)
{
	if (ops->load_sorted != NULL)
		return ops->load_sorted(state, keys, count);
	for (size_t i = 0; i < count; i++) {
		int rc = ops->insert(state, keys[i]);
		if (rc != DP_OK)
			return rc;
	}
	return DP_OK;
}

/*
 * Build a complete new state under `ops` holding the set's keys plus
 * `extra`, and only then replace the old one: every failure returns before
 * the set is touched, which is what makes add_many and change_strategy all
 * or nothing.
 */
static int rebuild(dp_set *set, const struct dp_set_ops *ops,
                   const int64_t *extra, size_t extra_count, size_t *added)
{
	size_t old_count = set->ops->size(set->state);
	if (extra_count > SIZE_MAX - old_count)
		return DP_ERANGE;
	size_t total = old_count + extra_count;

	int64_t *keys = dp_alloc_array(set->alloc, total, sizeof(*keys));
	if (keys == NULL)
		return DP_ENOMEM;
	set->ops->export_keys(set->state, keys);
	if (extra_count > 0)
		memcpy(keys + old_count, extra, extra_count * sizeof(*keys));
	size_t unique = sort_unique(keys, total);

	void *state;
	int rc = ops->create(&state, set->alloc);
	if (rc != DP_OK)
		goto fail_free_keys;
	rc = load_state(ops, state, keys, unique);
	if (rc != DP_OK)
		goto fail_destroy_state;

	set->ops->destroy(set->state);
	set->ops = ops;
	set->state = state;
	if (added != NULL)
		*added = unique - old_count;
	dp_free(set->alloc, keys);
	return DP_OK;

fail_destroy_state:
	ops->destroy(state);
fail_free_keys:
	dp_free(set->alloc, keys);
	return rc;
}

int dp_set_add_many(dp_set *set, const int64_t *keys, size_t count,
                    size_t *added)
{
	if (set == NULL || (keys == NULL && count > 0))
		return DP_EINVAL;
	if (count == 0) {
		if (added != NULL)
			*added = 0;
		return DP_OK;
	}
	return rebuild(set, set->ops, keys, count, added);
}

int dp_set_change_strategy(dp_set *set, const struct dp_set_ops *ops)
{
	if (set == NULL || !ops_complete(ops))
		return DP_EINVAL;
	if (ops == set->ops)
		return DP_OK;
	return rebuild(set, ops, NULL, 0, NULL);
}

int dp_set_copy_keys(const dp_set *set, int64_t *out, size_t capacity)
{
	if (set == NULL || (out == NULL && capacity > 0))
		return DP_EINVAL;
	size_t count = set->ops->size(set->state);
	if (capacity < count)
		return DP_ERANGE;
	if (count == 0)
		return DP_OK;
	set->ops->export_keys(set->state, out);
	qsort(out, count, sizeof(*out), compare_keys);
	return DP_OK;
}
