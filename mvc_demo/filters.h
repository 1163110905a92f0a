/**
 * @file filters.h
 * @brief Strategy: which items a view shows (all, active, completed) and
 *        in what order (by id, by title, active first), each a small
 *        `const` table picked by name at run time.
 *
 * Filters and orders are stateless, like qsort's comparators, so their
 * functions take the items alone and need no context. Ownership: the
 * tables are static; todo_select() writes pointers into the model, valid
 * until its next change. Thread-safety: the tables are constant.
 */
#ifndef TODO_FILTERS_H
#define TODO_FILTERS_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>

/** @brief A filter: which items to show. */
struct todo_filter {
	/** Required. Its name on the command line: "all", "active"... */
	const char *name;
	/** Required. Whether to show `item`. */
	bool (*keep)(const struct todo_item *item);
};

/** @brief The bytes of an item's sort key that todo_select() keeps
 *         beside the item while it sorts (see todo_order::key). */
#define TODO_SORT_KEY 24

/** @brief A sort order: how to arrange the items shown. */
struct todo_order {
	/** Required. Its name: "id", "title", "status". */
	const char *name;
	/** Required. Negative, zero or positive as `a` goes before, with or
	 * after `b`; ties keep the list's own order. */
	int (*compare)(const struct todo_item *a, const struct todo_item *b);
	/**
	 * Optional (tuning): NULL means the sort calls #compare for every
	 * comparison. Otherwise, write the start of the item's sort key,
	 * #TODO_SORT_KEY bytes, such that two keys that differ are ordered
	 * by memcmp() as #compare orders their items; return true when the
	 * key holds all of it (two equal whole keys are a tie), false when
	 * #compare must decide between equal keys. The sort then compares
	 * keys kept in its own array and reads the items only for such
	 * ties: on a long list, far fewer waits for memory.
	 */
	bool (*key)(const struct todo_item *item,
	            unsigned char key[TODO_SORT_KEY]);
};

/**
 * @brief Find a filter by name.
 * @param[in] name "all", "active" or "completed"; NULL is never found.
 * @return The filter, static; NULL for an unknown name.
 */
const struct todo_filter *todo_filter_find(const char *name);

/**
 * @brief Find a sort order by name.
 * @param[in] name "id", "title" or "status"; NULL is never found.
 * @return The order, static; NULL for an unknown name.
 */
const struct todo_order *todo_order_find(const char *name);

/**
 * @brief Pick the items a filter keeps, arranged by an order (stable:
 *        items the order calls equal keep their list order).
 *
 * Cost: n calls of the filter, and O(n log n) comparisons for n items:
 * a merge sort, at most n log2 n, on an array of the items with their
 * keys (todo_order::key) and a scratch array, both from the model's
 * allocator and freed before it returns; when that allocation fails, a
 * heapsort in place, at most about 2 n log2 n calls of the order's
 * compare, with the same result. n - 1 calls of compare when the items
 * are in order already, and then nothing is allocated.
 * @param[in]  model    The model.
 * @param[in]  filter   The filter.
 * @param[in]  order    The order.
 * @param[out] out      Room for todo_model_count() pointers.
 * @param[in]  capacity How many pointers `out` holds.
 * @return The number of items written; 0 when an argument is NULL or
 *         `capacity` is too small.
 */
size_t todo_select(const todo_model *model, const struct todo_filter *filter,
                   const struct todo_order *order, const struct todo_item **out,
                   size_t capacity);

#endif /* TODO_FILTERS_H */
