/*
 * The model: an array of items in display order, ids that never repeat,
 * and an embedded subject. Every change goes through changed(), which
 * either notifies at once or, inside a batch, counts the change and keeps
 * the first one, so that the batch's end can tell a single change (the
 * cheap case a view redraws one row for) from many.
 *
 * Invariant: ids ascend along the array. Add appends the next id, undo
 * puts an old id back where it was, load renumbers 1, 2, 3..., and sort
 * orders are the views' business, never the model's: so the array is
 * always sorted by id, and todo_model_find() is a binary search instead
 * of a scan. todo_model_insert() refuses an id out of place, so the
 * invariant cannot be broken from outside. The number of active items is
 * kept up to date by every change, so "2 items left" costs nothing.
 */
#include "model.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct todo_model {
	struct todo_item *items;
	size_t count;
	size_t capacity;
	size_t active; /* items not done, kept by every change */
	unsigned next_id;
	unsigned batch_depth;
	/* Changes since the last notification, and the first of them; a
	 * removal's title is kept here until the notification is sent. */
	size_t pending_changes;
	struct todo_change pending;
	bool pending_many; /* a change of many items in one step */
	char *removed_title;
	unsigned long notifications;
	unsigned long version;
	unsigned long probes; /* items compared by todo_model_find() */
	unsigned long moves;  /* items moved along the array */
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
	bool many = model->pending_many;

	model->pending_changes = 0;
	model->pending_many = false;
	model->notifications++;
	if (changes != 1 || many) {
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

/* `count` items changed in one step (todo_model_take(), _put()): the
 * version counts each; observers hear of a change of many. */
static void changed_many(todo_model *model, size_t count)
{
	model->version += count;
	model->pending_changes += count;
	model->pending_many = true;
	drop_removed_title(model);
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

/* Whether `id` may sit at `index`: above its left neighbour's id and
 * below the right one's, which keeps the ids ascending. */
static bool fits_at(const todo_model *model, size_t index, unsigned id)
{
	return (index == 0 || model->items[index - 1].id < id) &&
	       (index == model->count || id < model->items[index].id);
}

static int reserve_one(todo_model *model)
{
	if (model->count < model->capacity)
		return DP_OK;
	size_t capacity = model->capacity ? model->capacity * 2 : 8;
	struct todo_item *items = dp_realloc_array(model->alloc, model->items,
	                                           capacity, sizeof(*items));
	if (items == NULL)
		return DP_ENOMEM;
	model->items = items;
	model->capacity = capacity;
	return DP_OK;
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
	if (!fits_at(model, index, id))
		return DP_ERANGE;
	rc = reserve_one(model);
	if (rc != DP_OK)
		return rc;
	char *copy = dp_strdup(model->alloc, title);
	if (copy == NULL)
		return DP_ENOMEM;
	memmove(&model->items[index + 1], &model->items[index],
	        (model->count - index) * sizeof(model->items[0]));
	model->moves += model->count - index;
	model->items[index] = (struct todo_item){id, done, copy};
	model->count++;
	model->active += !done;
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
	model->active -= !removed.done;
	memmove(&model->items[index], &model->items[index + 1],
	        (model->count - index - 1) * sizeof(model->items[0]));
	model->moves += model->count - index - 1;
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
	if (done)
		model->active--;
	else
		model->active++;
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
	char *copy = dp_strdup(model->alloc, title);
	if (copy == NULL)
		return DP_ENOMEM;
	dp_free(model->alloc, model->items[index].title);
	model->items[index].title = copy;
	changed(model, TODO_CHANGE_UPDATED, index, NULL);
	return DP_OK;
}

/* Whether `indices` ascend strictly and stay below `limit`. */
static bool ascending(const size_t *indices, size_t count, size_t limit)
{
	for (size_t i = 0; i < count; i++)
		if (indices[i] >= limit ||
		    (i > 0 && indices[i] <= indices[i - 1]))
			return false;
	return true;
}

int todo_model_take(todo_model *model, const size_t *indices, size_t count,
                    struct todo_item *taken)
{
	if (model == NULL || (count > 0 && (indices == NULL || taken == NULL)))
		return DP_EINVAL;
	if (!ascending(indices, count, model->count))
		return DP_ERANGE;
	if (count == 0)
		return DP_OK;
	/* One pass that closes every gap at once: each kept item moves at
	 * most once, where removing one at a time would move the tail k
	 * times. */
	size_t kept = indices[0];
	size_t next = 0;
	for (size_t i = indices[0]; i < model->count; i++) {
		if (next < count && indices[next] == i) {
			taken[next++] = model->items[i];
			model->active -= !model->items[i].done;
		} else {
			model->items[kept++] = model->items[i];
			model->moves++;
		}
	}
	model->count = kept;
	changed_many(model, count);
	return DP_OK;
}

/* Whether putting `items` at the final positions `indices` keeps the
 * ids ascending, and every title valid: checked before anything moves. */
static bool fits_all(const todo_model *model, const size_t *indices,
                     const struct todo_item *items, size_t count)
{
	size_t total = model->count + count;
	size_t old = 0;
	size_t next = 0;
	unsigned last = 0;

	if (!ascending(indices, count, total))
		return false;
	for (size_t at = 0; at < total; at++) {
		bool fresh = next < count && indices[next] == at;
		const struct todo_item *item =
			fresh ? &items[next++] : &model->items[old++];
		if (item->id <= last ||
		    (fresh && todo_title_check(item->title) != DP_OK))
			return false;
		last = item->id;
	}
	return true;
}

int todo_model_put(todo_model *model, const size_t *indices,
                   const struct todo_item *items, size_t count)
{
	if (model == NULL || (count > 0 && (indices == NULL || items == NULL)))
		return DP_EINVAL;
	if (count == 0)
		return DP_OK;
	if (!fits_all(model, indices, items, count))
		return DP_ERANGE;
	size_t total = model->count + count;
	if (total > model->capacity) {
		struct todo_item *grown = dp_realloc_array(
			model->alloc, model->items, total, sizeof(*grown));
		if (grown == NULL)
			return DP_ENOMEM;
		model->items = grown;
		model->capacity = total;
	}
	/* Merge from the end, so every item moves once and nothing is
	 * overwritten before it has moved. */
	size_t old = model->count;
	size_t next = count;
	for (size_t at = total; next > 0 && at-- > 0;) {
		if (indices[next - 1] == at) {
			model->items[at] = items[--next];
			model->active += !items[next].done;
		} else {
			model->items[at] = model->items[--old];
			model->moves++;
		}
	}
	model->count = total;
	unsigned top = model->items[total - 1].id;
	if (model->next_id != 0 && top >= model->next_id)
		model->next_id = top + 1;
	changed_many(model, count);
	return DP_OK;
}

void todo_model_free_items(const todo_model *model, struct todo_item *items,
                           size_t count)
{
	for (size_t i = 0; model != NULL && items != NULL && i < count; i++) {
		dp_free(model->alloc, items[i].title);
		items[i].title = NULL;
	}
}

size_t todo_model_count(const todo_model *model)
{
	return model ? model->count : 0;
}

size_t todo_model_active_count(const todo_model *model)
{
	return model ? model->active : 0;
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
	/* A binary search over ids that ascend (the invariant above). The
	 * probe count is bookkeeping for tests, not state: the model is
	 * never defined const (todo_model_create() allocates it), so
	 * counting through the cast is well defined. */
	unsigned long *probes = &((todo_model *)model)->probes;
	size_t low = 0;
	size_t high = model->count;
	while (low < high) {
		size_t middle = low + (high - low) / 2;
		unsigned found = model->items[middle].id;
		++*probes;
		if (found == id) {
			*index = middle;
			return DP_OK;
		}
		if (found < id)
			low = middle + 1;
		else
			high = middle;
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

unsigned long todo_model_probes(const todo_model *model)
{
	return model ? model->probes : 0;
}

unsigned long todo_model_moves(const todo_model *model)
{
	return model ? model->moves : 0;
}

const struct dp_allocator *todo_model_allocator(const todo_model *model)
{
	return model ? model->alloc : NULL;
}
