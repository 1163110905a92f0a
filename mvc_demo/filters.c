/*
 * The three filters and three orders, and the one function that applies
 * them.
 *
 * Sorting must be stable (items the order calls equal keep their list
 * order) and O(n log n). The plain algorithm is a merge sort: stable by
 * construction, n log2 n comparisons at most, and it reads and writes
 * its arrays front to back, which the caches like. It sorts an array of
 * the items beside their keys (the tuning of todo_order::key: a
 * comparison reads two keys next to each other in the array instead of
 * two items and their titles scattered over memory), with a scratch
 * array as large, both from the model's allocator. When that fails,
 * todo_select() must still answer, so it falls back to a heapsort, in
 * place: also O(n log n), but not stable by itself. The items all live in
 * the model's one array, in list order, so comparing their addresses
 * when the order calls them equal breaks every tie by list position: no
 * two items are then equal, and the heapsort gives the stable result too.
 */
#include "filters.h"

#include <string.h>

static bool keep_all(const struct todo_item *item)
{
	(void)item;
	return true;
}

static bool keep_active(const struct todo_item *item)
{
	return !item->done;
}

static bool keep_completed(const struct todo_item *item)
{
	return item->done;
}

static const struct todo_filter FILTERS[] = {
	{.name = "all", .keep = keep_all},
	{.name = "active", .keep = keep_active},
	{.name = "completed", .keep = keep_completed},
};

static int by_id(const struct todo_item *a, const struct todo_item *b)
{
	return (a->id > b->id) - (a->id < b->id);
}

static int by_title(const struct todo_item *a, const struct todo_item *b)
{
	return strcmp(a->title, b->title);
}

static int by_status(const struct todo_item *a, const struct todo_item *b)
{
	return (int)a->done - (int)b->done;
}

/* Keys: big-endian numbers and raw UTF-8 bytes, so memcmp() orders them
 * as the comparisons above do (strcmp() compares unsigned bytes too; the
 * zero padding sorts a title before every longer title it starts). */
static bool key_id(const struct todo_item *item,
                   unsigned char key[TODO_SORT_KEY])
{
	memset(key, 0, TODO_SORT_KEY);
	for (int i = 0; i < 4; i++)
		key[i] = (unsigned char)(item->id >> (24 - 8 * i));
	return true;
}

static bool key_title(const struct todo_item *item,
                      unsigned char key[TODO_SORT_KEY])
{
	size_t len = 0;

	while (len < TODO_SORT_KEY && item->title[len] != '\0')
		len++;
	memset(key, 0, TODO_SORT_KEY);
	memcpy(key, item->title, len);
	return len < TODO_SORT_KEY;
}

static bool key_status(const struct todo_item *item,
                       unsigned char key[TODO_SORT_KEY])
{
	memset(key, 0, TODO_SORT_KEY);
	key[0] = item->done;
	return true;
}

static const struct todo_order ORDERS[] = {
	{.name = "id", .compare = by_id, .key = key_id},
	{.name = "title", .compare = by_title, .key = key_title},
	{.name = "status", .compare = by_status, .key = key_status},
};

const struct todo_filter *todo_filter_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < DP_ARRAY_SIZE(FILTERS); i++)
		if (strcmp(FILTERS[i].name, name) == 0)
			return &FILTERS[i];
	return NULL;
}

const struct todo_order *todo_order_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < DP_ARRAY_SIZE(ORDERS); i++)
		if (strcmp(ORDERS[i].name, name) == 0)
			return &ORDERS[i];
	return NULL;
}

/* An item beside its key, in the merge sort's arrays. */
struct keyed {
	unsigned char key[TODO_SORT_KEY];
	bool whole; /* the key is all of the item's sort key */
	const struct todo_item *item;
};

static int keyed_compare(const struct todo_order *order, const struct keyed *a,
                         const struct keyed *b)
{
	if (order->key != NULL) {
		int rc = memcmp(a->key, b->key, TODO_SORT_KEY);
		if (rc != 0 || (a->whole && b->whole))
			return rc;
	}
	return order->compare(a->item, b->item);
}

/* Merge the sorted runs from[low, middle) and from[middle, high) into
 * to[low, high); on a tie the left run's item goes first: stable. */
static void merge(const struct todo_order *order, const struct keyed *from,
                  struct keyed *to, size_t low, size_t middle, size_t high)
{
	size_t left = low;
	size_t right = middle;

	for (size_t at = low; at < high; at++) {
		if (left < middle &&
		    (right == high ||
		     keyed_compare(order, &from[right], &from[left]) >= 0))
			to[at] = from[left++];
		else
			to[at] = from[right++];
	}
}

/* Bottom-up: merge runs of 1, 2, 4... items, back and forth between the
 * two arrays; return the one the last pass ended in. */
static const struct keyed *merge_sort(const struct todo_order *order,
                                      struct keyed *items,
                                      struct keyed *scratch, size_t count)
{
	struct keyed *from = items;
	struct keyed *to = scratch;

	for (size_t width = 1; width < count; width *= 2) {
		for (size_t low = 0; low < count; low += 2 * width) {
			size_t middle =
				low + width < count ? low + width : count;
			size_t high =
				middle + width < count ? middle + width : count;
			merge(order, from, to, low, middle, high);
		}
		struct keyed *swap = from;
		from = to;
		to = swap;
	}
	return from;
}

/* Sort `items` with keys beside them; false when there is no memory. */
static bool sort_keyed(const todo_model *model, const struct todo_order *order,
                       const struct todo_item **items, size_t count)
{
	const struct dp_allocator *alloc = todo_model_allocator(model);
	struct keyed *keyed = dp_alloc_array(alloc, 2 * count, sizeof(*keyed));

	if (keyed == NULL)
		return false;
	for (size_t i = 0; i < count; i++) {
		keyed[i].item = items[i];
		keyed[i].whole = order->key != NULL &&
		                 order->key(items[i], keyed[i].key);
	}
	const struct keyed *sorted =
		merge_sort(order, keyed, keyed + count, count);
	for (size_t i = 0; i < count; i++)
		items[i] = sorted[i].item;
	dp_free(alloc, keyed);
	return true;
}

/* The order, made total by the items' positions in the model's array. */
static bool before(const struct todo_order *order, const struct todo_item *a,
                   const struct todo_item *b)
{
	int rc = order->compare(a, b);

	return rc != 0 ? rc < 0 : a < b;
}

/* Move items[root] down until neither child goes after it: the heap's
 * largest item stays at the top. */
static void sift_down(const struct todo_order *order,
                      const struct todo_item **items, size_t root, size_t count)
{
	for (;;) {
		size_t child = 2 * root + 1;
		if (child >= count)
			return;
		if (child + 1 < count &&
		    before(order, items[child], items[child + 1]))
			child++;
		if (!before(order, items[root], items[child]))
			return;
		const struct todo_item *swap = items[root];
		items[root] = items[child];
		items[child] = swap;
		root = child;
	}
}

static void heap_sort(const struct todo_order *order,
                      const struct todo_item **items, size_t count)
{
	for (size_t root = count / 2; root-- > 0;)
		sift_down(order, items, root, count);
	for (size_t end = count; end-- > 1;) {
		const struct todo_item *top = items[0];
		items[0] = items[end];
		items[end] = top;
		sift_down(order, items, 0, end);
	}
}

/* Tuning, kept apart: the list is usually in order already (by id it
 * always is), and n - 1 comparisons say so. */
static bool is_sorted(const struct todo_order *order,
                      const struct todo_item **items, size_t count)
{
	for (size_t i = 1; i < count; i++)
		if (before(order, items[i], items[i - 1]))
			return false;
	return true;
}

size_t todo_select(const todo_model *model, const struct todo_filter *filter,
                   const struct todo_order *order, const struct todo_item **out,
                   size_t capacity)
{
	size_t count = todo_model_count(model);

	if (model == NULL || filter == NULL || order == NULL || out == NULL ||
	    capacity < count)
		return 0;
	size_t shown = 0;
	for (size_t i = 0; i < count; i++) {
		const struct todo_item *item = todo_model_at(model, i);
		if (filter->keep(item))
			out[shown++] = item;
	}
	if (shown < 2 || is_sorted(order, out, shown))
		return shown;
	if (!sort_keyed(model, order, out, shown))
		heap_sort(order, out, shown);
	return shown;
}
