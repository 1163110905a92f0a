/*
 * The three filters and three orders, and the one function that applies
 * them. Sorting is an insertion sort: lists are short, it is stable, and
 * it needs no global to reach the comparator, which qsort would.
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

static const struct todo_order ORDERS[] = {
	{.name = "id", .compare = by_id},
	{.name = "title", .compare = by_title},
	{.name = "status", .compare = by_status},
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
		if (!filter->keep(item))
			continue;
		size_t j = shown++;
		while (j > 0 && order->compare(out[j - 1], item) > 0) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = item;
	}
	return shown;
}
