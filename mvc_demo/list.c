/*
 * Records are validated on the way in, so a list holds only titles the
 * model would accept: a store that parsed a file can hand it over without
 * a second check failing half way through an import.
 */
#include "list.h"

#include <string.h>

void todo_list_init(struct todo_list *list, const struct dp_allocator *alloc)
{
	*list = (struct todo_list){.alloc = alloc};
}

void todo_list_deinit(struct todo_list *list)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < list->count; i++)
		dp_free(list->alloc, list->items[i].title);
	dp_free(list->alloc, list->items);
	todo_list_init(list, list->alloc);
}

int todo_list_append(struct todo_list *list, bool done, const char *title,
                     size_t len)
{
	if (list == NULL || (title == NULL && len > 0))
		return DP_EINVAL;
	if (len > TODO_TITLE_MAX)
		return DP_ERANGE;
	if (memchr(title, '\0', len) != NULL)
		return DP_EINVAL;
	char *copy = dp_alloc(list->alloc, len + 1);
	if (copy == NULL)
		return DP_ENOMEM;
	if (len > 0)
		memcpy(copy, title, len);
	copy[len] = '\0';
	int rc = todo_title_check(copy);
	if (rc != DP_OK)
		goto fail_free_copy;
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? list->capacity * 2 : 8;
		struct todo_record *items = dp_realloc_array(
			list->alloc, list->items, capacity, sizeof(*items));
		if (items == NULL) {
			rc = DP_ENOMEM;
			goto fail_free_copy;
		}
		list->items = items;
		list->capacity = capacity;
	}
	list->items[list->count++] = (struct todo_record){done, copy};
	return DP_OK;

fail_free_copy:
	dp_free(list->alloc, copy);
	return rc;
}

int todo_list_from_model(struct todo_list *list, const todo_model *model)
{
	for (size_t i = 0; i < todo_model_count(model); i++) {
		const struct todo_item *item = todo_model_at(model, i);
		int rc = todo_list_append(list, item->done, item->title,
		                          strlen(item->title));
		if (rc != DP_OK) {
			todo_list_deinit(list);
			return rc;
		}
	}
	return DP_OK;
}
