/*
 * The eager version: a list that copies every item into one growing block
 * of bytes, and map, filter and take that each build a whole new list.
 * Items are stored as offsets, not pointers, so that the block can move
 * when it grows without the list having to fix anything up.
 */
#include "lazy/lazy.h"

#include <string.h>

struct span {
	size_t offset;
	size_t len;
};

struct dp_list {
	char *bytes;
	size_t used;
	size_t byte_capacity;
	struct span *spans;
	size_t count;
	size_t span_capacity;
	const struct dp_allocator *alloc;
};

dp_list *dp_list_create(const struct dp_allocator *alloc)
{
	dp_list *list = dp_alloc(alloc, sizeof(*list));
	if (list == NULL)
		return NULL;
	/* Nothing else is allocated until the first append: an empty list
	 * (a stage that filtered everything out) costs one block. */
	*list = (dp_list){.alloc = alloc};
	return list;
}

void dp_list_destroy(dp_list *list)
{
	if (list == NULL)
		return;
	dp_free(list->alloc, list->bytes);
	dp_free(list->alloc, list->spans);
	dp_free(list->alloc, list);
}

size_t dp_list_size(const dp_list *list)
{
	return list != NULL ? list->count : 0;
}

int dp_list_get(const dp_list *list, size_t index, struct dp_item *item)
{
	if (list == NULL || item == NULL)
		return DP_EINVAL;
	if (index >= list->count)
		return DP_ERANGE;
	item->data = list->bytes + list->spans[index].offset;
	item->len = list->spans[index].len;
	return DP_OK;
}

/* Doubling keeps appends amortised O(1); this is also where the eager
 * version's memory goes, up to twice what the items need. */
static size_t grown(size_t capacity, size_t needed)
{
	size_t bigger = capacity > 0 ? capacity : 64;
	while (bigger < needed && bigger <= SIZE_MAX / 2)
		bigger *= 2;
	return bigger < needed ? needed : bigger;
}

int dp_list_append(dp_list *list, const struct dp_item *item)
{
	if (list == NULL || item == NULL ||
	    (item->data == NULL && item->len > 0))
		return DP_EINVAL;
	if (item->len > SIZE_MAX - list->used)
		return DP_ENOMEM;

	/* Both arrays grow before either is written, so a failure leaves
	 * the list as it was: a grown array that is not yet used is still a
	 * valid, larger array. */
	if (list->count == list->span_capacity) {
		size_t capacity = grown(list->span_capacity, list->count + 1);
		struct span *spans = dp_realloc_array(list->alloc, list->spans,
		                                      capacity, sizeof(*spans));
		if (spans == NULL)
			return DP_ENOMEM;
		list->spans = spans;
		list->span_capacity = capacity;
	}
	if (list->used + item->len > list->byte_capacity) {
		size_t capacity =
			grown(list->byte_capacity, list->used + item->len);
		char *bytes =
			dp_realloc_array(list->alloc, list->bytes, capacity, 1);
		if (bytes == NULL)
			return DP_ENOMEM;
		list->bytes = bytes;
		list->byte_capacity = capacity;
	}
	if (item->len > 0)
		memcpy(list->bytes + list->used, item->data, item->len);
	list->spans[list->count].offset = list->used;
	list->spans[list->count].len = item->len;
	list->used += item->len;
	list->count++;
	return DP_OK;
}

int dp_list_collect(dp_list *list, dp_iter *it)
{
	if (list == NULL || it == NULL)
		return DP_EINVAL;
	struct dp_item item;
	int rc;
	while ((rc = dp_iter_next(it, &item)) == DP_OK) {
		rc = dp_list_append(list, &item);
		if (rc != DP_OK)
			return rc;
	}
	return rc == DP_ENOENT ? DP_OK : rc;
}

int dp_list_map(const dp_list *in, dp_map_fn *fn, void *ctx, dp_list *out)
{
	if (in == NULL || fn == NULL || out == NULL || out == in)
		return DP_EINVAL;
	for (size_t i = 0; i < in->count; i++) {
		struct dp_item item;
		struct dp_item mapped;
		dp_list_get(in, i, &item);
		int rc = fn(ctx, &item, &mapped);
		if (rc == DP_OK)
			rc = dp_list_append(out, &mapped);
		if (rc != DP_OK)
			return rc;
	}
	return DP_OK;
}

int dp_list_filter(const dp_list *in, dp_filter_fn *fn, void *ctx, dp_list *out)
{
	if (in == NULL || fn == NULL || out == NULL || out == in)
		return DP_EINVAL;
	for (size_t i = 0; i < in->count; i++) {
		struct dp_item item;
		dp_list_get(in, i, &item);
		if (!fn(ctx, &item))
			continue;
		int rc = dp_list_append(out, &item);
		if (rc != DP_OK)
			return rc;
	}
	return DP_OK;
}

int dp_list_take(const dp_list *in, size_t count, dp_list *out)
{
	if (in == NULL || out == NULL || out == in)
		return DP_EINVAL;
	for (size_t i = 0; i < in->count && i < count; i++) {
		struct dp_item item;
		dp_list_get(in, i, &item);
		int rc = dp_list_append(out, &item);
		if (rc != DP_OK)
			return rc;
	}
	return DP_OK;
}
