/*
 * The model: an array of items in display order, ids that never repeat,
 * and an embedded subject. Every change goes through changed(), which
 * either notifies at once or, inside a batch, counts the change and keeps
 * the first one, so that the batch's end can tell a single change (the
 * cheap case a view redraws one row for) from many.
 */
#include "model.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct todo_model {
	struct todo_item *items;
	size_t count;
	size_t capacity;
	unsigned next_id;
	unsigned batch_depth;
	/* Changes since the last notification, and the first of them; a
	 * removal's title is kept here until the notification is sent. */
	size_t pending_changes;
	struct todo_change pending;
	char *removed_title;
	unsigned long notifications;
	unsigned long version;
	struct dp_subject subject;
	const struct dp_allocator *alloc;
};

/* Decode one UTF-8 character at `p` into *code; return its length in
 * bytes, or 0 when the bytes are not UTF-8 (a stray continuation byte, a
 * sequence cut short, an overlong form, a surrogate, beyond U+10FFFF). */
static size_t utf8_decode(const unsigned char *p, uint32_t *code)
{
	static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
	size_t len = p[0] < 0x80   ? 1
	             : p[0] < 0xC0 ? 0
	             : p[0] < 0xE0 ? 2
	             : p[0] < 0xF0 ? 3
	             : p[0] < 0xF8 ? 4
	                           : 0;
	if (len == 0)
		return 0;
	*code = len == 1 ? p[0] : p[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		*code = (*code << 6) | (p[i] & 0x3F);
	}
	if (*code < least[len] || *code > 0x10FFFF ||
	    (*code >= 0xD800 && *code <= 0xDFFF))
		return 0;
	return len;
}

/* C0 and C1 controls, DEL, and the bidirectional embeddings, overrides
 * and isolates, which would reorder what a terminal shows. */
static bool is_control(uint32_t code)
{
	return code < 0x20 || (code >= 0x7F && code <= 0x9F) ||
	       (code >= 0x202A && code <= 0x202E) ||
	       (code >= 0x2066 && code <= 0x2069);
}

size_t todo_printable_char(const char *text)
{
	uint32_t code = 0;

	if (text == NULL || text[0] == '\0')
		return 0;
	size_t len = utf8_decode((const unsigned char *)text, &code);
	return len == 0 || is_control(code) ? 0 : len;
}

int todo_title_check(const char *title)
{
	if (title == NULL || title[0] == '\0')
		return DP_EINVAL;
	size_t len = 0;
	while (title[len] != '\0') {
		size_t step = todo_printable_char(title + len);
		if (step == 0)
			return DP_EINVAL;
		len += step;
	}
	return len > TODO_TITLE_MAX ? DP_ERANGE : DP_OK;
}

static void drop_removed_title(todo_model *model)
{
	dp_free(model->alloc, model->removed_title);
	model->removed_title = NULL;
}

static void notify(todo_model *model)
{
	size_t changes = model->pending_changes;
	struct todo_change change = model->pending;

	model->pending_changes = 0;
	model->notifications++;
	if (changes != 1) {
		dp_subject_notify(&model->subject, TODO_EVENT_CHANGED, model);
		return;
	}
	/* An added or updated item is read now: it is the same item, but
	 * its title may have been reallocated since it was recorded. */
	if (change.kind != TODO_CHANGE_REMOVED)
		change.item = model->items[change.index];
	dp_subject_notify(&model->subject, TODO_EVENT_ITEM, &change);
	drop_removed_title(model);
}

/* Record one change of the item at `index`; for a removal, `removed` is
 * the item as it was, whose title the model now owns until it notifies. */
static void changed(todo_model *model, enum todo_change_kind kind, size_t index,
                    const struct todo_item *removed)
{
	model->version++;
	if (++model->pending_changes == 1) {
		model->pending = (struct todo_change){
			.kind = kind, .index = index, .model = model};
		if (removed != NULL) {
			model->pending.item = *removed;
			model->removed_title = removed->title;
		}
	} else {
		drop_removed_title(model);
		if (removed != NULL)
			dp_free(model->alloc, removed->title);
	}
	if (model->batch_depth == 0)
		notify(model);
}

todo_model *todo_model_create(const struct dp_allocator *alloc)
{
	todo_model *model = dp_alloc(alloc, sizeof(*model));

	if (model == NULL)
		return NULL;
	*model = (struct todo_model){.next_id = 1, .alloc = alloc};
	dp_subject_init(&model->subject);
	return model;
}

void todo_model_destroy(todo_model *model)
{
	if (model == NULL)
		return;
	dp_subject_deinit(&model->subject);
	drop_removed_title(model);
	for (size_t i = 0; i < model->count; i++)
		dp_free(model->alloc, model->items[i].title);
	dp_free(model->alloc, model->items);
	dp_free(model->alloc, model);
}

static char *copy_title(const struct dp_allocator *alloc, const char *title)
{
	size_t len = strlen(title);
	char *copy = dp_alloc(alloc, len + 1);

	if (copy != NULL)
		memcpy(copy, title, len + 1);
	return copy;
}

int todo_model_insert(todo_model *model, size_t index, unsigned id,
                      const char *title, bool done, unsigned *new_id)
{
	if (model == NULL)
		return DP_EINVAL;
	int rc = todo_title_check(title);
	if (rc != DP_OK)
		return rc;
	if (index > model->count)
		return DP_ERANGE;
	/* next_id is 0 only after UINT_MAX was given out: ids ran out. */
	if (id == 0 && model->next_id == 0)
		return DP_ERANGE;
	if (id == 0)
		id = model->next_id;
	size_t existing;
	if (todo_model_find(model, id, &existing) == DP_OK)
		return DP_EEXIST;
	if (model->count == model->capacity) {
		size_t capacity = model->capacity ? model->capacity * 2 : 8;
		struct todo_item *items = dp_realloc_array(
			model->alloc, model->items, capacity, sizeof(*items));
		if (items == NULL)
			return DP_ENOMEM;
		model->items = items;
		model->capacity = capacity;
	}
	char *copy = copy_title(model->alloc, title);
	if (copy == NULL)
		return DP_ENOMEM;
	memmove(&model->items[index + 1], &model->items[index],
	        (model->count - index) * sizeof(model->items[0]));
	model->items[index] = (struct todo_item){id, done, copy};
	model->count++;
	/* Undo re-inserts old ids; a later add must still get a new one. */
	if (model->next_id != 0 && id >= model->next_id)
		model->next_id = id + 1;
	if (new_id != NULL)
		*new_id = id;
	changed(model, TODO_CHANGE_ADDED, index, NULL);
	return DP_OK;
}

int todo_model_remove_at(todo_model *model, size_t index)
{
	if (model == NULL)
		return DP_EINVAL;
	if (index >= model->count)
		return DP_ERANGE;
	struct todo_item removed = model->items[index];
	memmove(&model->items[index], &model->items[index + 1],
	        (model->count - index - 1) * sizeof(model->items[0]));
	model->count--;
	changed(model, TODO_CHANGE_REMOVED, index, &removed);
	return DP_OK;
}

int todo_model_set_done(todo_model *model, size_t index, bool done)
{
	if (model == NULL)
		return DP_EINVAL;
	if (index >= model->count)
		return DP_ERANGE;
	if (model->items[index].done == done)
		return DP_OK;
	model->items[index].done = done;
	changed(model, TODO_CHANGE_UPDATED, index, NULL);
	return DP_OK;
}

int todo_model_set_title(todo_model *model, size_t index, const char *title)
{
	if (model == NULL)
		return DP_EINVAL;
	int rc = todo_title_check(title);
	if (rc != DP_OK)
		return rc;
	if (index >= model->count)
		return DP_ERANGE;
	char *copy = copy_title(model->alloc, title);
	if (copy == NULL)
		return DP_ENOMEM;
	dp_free(model->alloc, model->items[index].title);
	model->items[index].title = copy;
	changed(model, TODO_CHANGE_UPDATED, index, NULL);
	return DP_OK;
}

size_t todo_model_count(const todo_model *model)
{
	return model ? model->count : 0;
}

size_t todo_model_active_count(const todo_model *model)
{
	size_t active = 0;

	for (size_t i = 0; model != NULL && i < model->count; i++)
		active += !model->items[i].done;
	return active;
}

const struct todo_item *todo_model_at(const todo_model *model, size_t index)
{
	if (model == NULL || index >= model->count)
		return NULL;
	return &model->items[index];
}

int todo_model_find(const todo_model *model, unsigned id, size_t *index)
{
	if (model == NULL || index == NULL)
		return DP_EINVAL;
	for (size_t i = 0; i < model->count; i++) {
		if (model->items[i].id == id) {
			*index = i;
			return DP_OK;
		}
	}
	return DP_ENOENT;
}

int todo_model_subscribe(todo_model *model, struct dp_observer *observer)
{
	return model ? dp_subject_subscribe(&model->subject, observer)
	             : DP_EINVAL;
}

int todo_model_unsubscribe(todo_model *model, struct dp_observer *observer)
{
	return model ? dp_subject_unsubscribe(&model->subject, observer)
	             : DP_EINVAL;
}

void todo_model_begin_batch(todo_model *model)
{
	if (model != NULL)
		model->batch_depth++;
}

void todo_model_end_batch(todo_model *model)
{
	if (model == NULL || model->batch_depth == 0)
		return;
	if (--model->batch_depth > 0 || model->pending_changes == 0)
		return;
	notify(model);
}

unsigned long todo_model_notifications(const todo_model *model)
{
	return model ? model->notifications : 0;
}

unsigned long todo_model_version(const todo_model *model)
{
	return model ? model->version : 0;
}
