/*
 * One struct serves the four item commands; their ops tables say which
 * fields mean what. Bulk changes are not new kinds of command: they are
 * the library's macros of item commands, so their undo comes for free and
 * is all or nothing.
 */
#include "commands.h"

#include <string.h>

struct item_command {
	struct dp_command base; /* Base. Must be first. */
	todo_model *model;
	const struct dp_allocator *alloc;
	unsigned id;     /* 0 for an add that has not run yet */
	size_t index;    /* where the item was, for undo and redo */
	bool done;       /* add: initial state; delete: saved state */
	char *title;     /* add, edit: the new title; delete: the saved one */
	char *old_title; /* edit: the title to restore */
};

static struct item_command *cast(struct dp_command *command)
{
	return dp_container_of(command, struct item_command, base);
}

static void item_destroy(struct dp_command *command)
{
	struct item_command *self = cast(command);

	dp_free(self->alloc, self->title);
	dp_free(self->alloc, self->old_title);
	dp_free(self->alloc, self);
}

static int add_execute(struct dp_command *command)
{
	struct item_command *self = cast(command);

	/* The first run appends; a redo puts the item back where it was. */
	if (self->id == 0)
		self->index = todo_model_count(self->model);
	return todo_model_insert(self->model, self->index, self->id,
	                         self->title, self->done, &self->id);
}

static int add_undo(struct dp_command *command)
{
	struct item_command *self = cast(command);
	size_t index;
	int rc = todo_model_find(self->model, self->id, &index);

	return rc == DP_OK ? todo_model_remove_at(self->model, index) : rc;
}

static int toggle_execute(struct dp_command *command)
{
	struct item_command *self = cast(command);
	size_t index;
	int rc = todo_model_find(self->model, self->id, &index);

	if (rc != DP_OK)
		return rc;
	return todo_model_set_done(self->model, index,
	                           !todo_model_at(self->model, index)->done);
}

static int edit_swap(struct dp_command *command)
{
	struct item_command *self = cast(command);
	size_t index;
	int rc = todo_model_find(self->model, self->id, &index);

	if (rc != DP_OK)
		return rc;
	rc = todo_model_set_title(self->model, index, self->title);
	if (rc != DP_OK)
		return rc;
	/* Execute and undo are the same swap of the two titles. */
	char *title = self->title;
	self->title = self->old_title;
	self->old_title = title;
	return DP_OK;
}

static int delete_execute(struct dp_command *command)
{
	struct item_command *self = cast(command);
	size_t index;
	int rc = todo_model_find(self->model, self->id, &index);

	if (rc != DP_OK)
		return rc;
	const struct todo_item *item = todo_model_at(self->model, index);
	char *saved = dp_strdup(self->alloc, item->title);
	if (saved == NULL)
		return DP_ENOMEM;
	self->done = item->done;
	self->index = index;
	dp_free(self->alloc, self->title);
	self->title = saved;
	return todo_model_remove_at(self->model, index);
}

static int delete_undo(struct dp_command *command)
{
	struct item_command *self = cast(command);

	return todo_model_insert(self->model, self->index, self->id,
	                         self->title, self->done, NULL);
}

static const struct dp_command_ops add_ops = {
	.name = "add",
	.execute = add_execute,
	.undo = add_undo,
	.destroy = item_destroy,
};

/* Toggling is its own inverse. */
static const struct dp_command_ops toggle_ops = {
	.name = "toggle",
	.execute = toggle_execute,
	.undo = toggle_execute,
	.destroy = item_destroy,
};

static const struct dp_command_ops edit_ops = {
	.name = "edit",
	.execute = edit_swap,
	.undo = edit_swap,
	.destroy = item_destroy,
};

static const struct dp_command_ops delete_ops = {
	.name = "delete",
	.execute = delete_execute,
	.undo = delete_undo,
	.destroy = item_destroy,
};

static int make(const struct dp_command_ops *ops, todo_model *model,
                unsigned id, const char *title,
                const struct dp_allocator *alloc, struct dp_command **out)
{
	struct item_command *self = dp_alloc(alloc, sizeof(*self));

	if (self == NULL)
		return DP_ENOMEM;
	*self = (struct item_command){
		.base.ops = ops, .model = model, .alloc = alloc, .id = id};
	if (title != NULL) {
		self->title = dp_strdup(alloc, title);
		if (self->title == NULL) {
			dp_free(alloc, self);
			return DP_ENOMEM;
		}
	}
	*out = &self->base;
	return DP_OK;
}

static int check_id(const todo_model *model, unsigned id)
{
	size_t index;

	return todo_model_find(model, id, &index);
}

int todo_command_add(todo_model *model, const char *title, bool done,
                     const struct dp_allocator *alloc, struct dp_command **out)
{
	int rc = todo_title_check(title);

	if (rc != DP_OK)
		return rc;
	rc = make(&add_ops, model, 0, title, alloc, out);
	if (rc == DP_OK)
		cast(*out)->done = done;
	return rc;
}

int todo_command_toggle(todo_model *model, unsigned id,
                        const struct dp_allocator *alloc,
                        struct dp_command **out)
{
	int rc = check_id(model, id);

	return rc != DP_OK ? rc
	                   : make(&toggle_ops, model, id, NULL, alloc, out);
}

int todo_command_edit(todo_model *model, unsigned id, const char *title,
                      const struct dp_allocator *alloc, struct dp_command **out)
{
	int rc = check_id(model, id);

	if (rc == DP_OK)
		rc = todo_title_check(title);
	if (rc == DP_OK)
		rc = make(&edit_ops, model, id, title, alloc, out);
	if (rc != DP_OK)
		return rc;
	size_t index;
	todo_model_find(model, id, &index);
	struct item_command *self = cast(*out);
	self->old_title = dp_strdup(alloc, todo_model_at(model, index)->title);
	if (self->old_title == NULL) {
		item_destroy(*out);
		return DP_ENOMEM;
	}
	return DP_OK;
}

int todo_command_delete(todo_model *model, unsigned id,
                        const struct dp_allocator *alloc,
                        struct dp_command **out)
{
	int rc = check_id(model, id);

	return rc != DP_OK ? rc
	                   : make(&delete_ops, model, id, NULL, alloc, out);
}

/* Append a step to a macro; on failure the step is destroyed here, so
 * every caller has one thing to clean up: the macro. */
static int append(struct dp_command *macro, int rc, struct dp_command *step)
{
	if (rc != DP_OK)
		return rc;
	rc = dp_command_macro_append(macro, step);
	if (rc != DP_OK)
		dp_command_destroy(step);
	return rc;
}

int todo_command_toggle_all(todo_model *model, const struct dp_allocator *alloc,
                            struct dp_command **out)
{
	size_t count = todo_model_count(model);

	if (count == 0)
		return DP_ENOENT;
	bool target = todo_model_active_count(model) > 0;
	struct dp_command *macro = dp_command_macro_create(alloc);
	if (macro == NULL)
		return DP_ENOMEM;
	for (size_t i = 0; i < count; i++) {
		const struct todo_item *item = todo_model_at(model, i);
		if (item->done == target)
			continue;
		struct dp_command *step = NULL;
		int rc = todo_command_toggle(model, item->id, alloc, &step);
		rc = append(macro, rc, step);
		if (rc != DP_OK) {
			dp_command_destroy(macro);
			return rc;
		}
	}
	*out = macro;
	return DP_OK;
}

/* Clear completed is one command, not a macro of deletes: deleting k
 * items one by one moves the rest of the list k times (O(n k), quadratic
 * when many are done), where the model's take and put move each item
 * once, for the change and for its undo. */
struct clear_command {
	struct dp_command base; /* Base. Must be first. */
	todo_model *model;
	const struct dp_allocator *alloc;
	size_t count;
	size_t *indices;         /* where the done items are, ascending */
	struct todo_item *items; /* the items while they are out of the list */
	bool taken;              /* whether `items` holds them */
};

static struct clear_command *clear_cast(struct dp_command *command)
{
	return dp_container_of(command, struct clear_command, base);
}

static int clear_execute(struct dp_command *command)
{
	struct clear_command *self = clear_cast(command);
	int rc = todo_model_take(self->model, self->indices, self->count,
	                         self->items);

	self->taken = rc == DP_OK;
	return rc;
}

static int clear_undo(struct dp_command *command)
{
	struct clear_command *self = clear_cast(command);
	int rc = todo_model_put(self->model, self->indices, self->items,
	                        self->count);

	self->taken = rc != DP_OK;
	return rc;
}

static void clear_destroy(struct dp_command *command)
{
	struct clear_command *self = clear_cast(command);

	if (self->taken)
		todo_model_free_items(self->model, self->items, self->count);
	dp_free(self->alloc, self->items);
	dp_free(self->alloc, self->indices);
	dp_free(self->alloc, self);
}

static const struct dp_command_ops clear_ops = {
	.name = "clear completed",
	.execute = clear_execute,
	.undo = clear_undo,
	.destroy = clear_destroy,
};

int todo_command_clear_completed(todo_model *model,
                                 const struct dp_allocator *alloc,
                                 struct dp_command **out)
{
	size_t total = todo_model_count(model);
	size_t count = total - todo_model_active_count(model);

	if (count == 0)
		return DP_ENOENT;
	struct clear_command *self = dp_alloc(alloc, sizeof(*self));
	if (self == NULL)
		return DP_ENOMEM;
	*self = (struct clear_command){.base.ops = &clear_ops,
	                               .model = model,
	                               .alloc = alloc,
	                               .count = count};
	self->indices = dp_alloc_array(alloc, count, sizeof(*self->indices));
	self->items = dp_alloc_array(alloc, count, sizeof(*self->items));
	if (self->indices == NULL || self->items == NULL) {
		clear_destroy(&self->base);
		return DP_ENOMEM;
	}
	for (size_t i = 0, next = 0; i < total; i++)
		if (todo_model_at(model, i)->done)
			self->indices[next++] = i;
	*out = &self->base;
	return DP_OK;
}

/* With `renumber`, the items take ids 1, 2, 3... in file order, which a
 * replace can do because its deletes have freed every id by then. */
static int append_adds(struct dp_command *macro, todo_model *model,
                       const struct todo_list *records, bool renumber,
                       const struct dp_allocator *alloc)
{
	for (size_t i = 0; i < records->count; i++) {
		struct dp_command *step = NULL;
		int rc = todo_command_add(model, records->items[i].title,
		                          records->items[i].done, alloc, &step);
		if (rc == DP_OK && renumber) {
			cast(step)->id = (unsigned)(i + 1);
			cast(step)->index = i;
		}
		rc = append(macro, rc, step);
		if (rc != DP_OK)
			return rc;
	}
	return DP_OK;
}

int todo_command_import(todo_model *model, const struct todo_list *records,
                        const struct dp_allocator *alloc,
                        struct dp_command **out)
{
	if (records == NULL)
		return DP_EINVAL;
	struct dp_command *macro = dp_command_macro_create(alloc);
	if (macro == NULL)
		return DP_ENOMEM;
	int rc = append_adds(macro, model, records, false, alloc);
	if (rc != DP_OK) {
		dp_command_destroy(macro);
		return rc;
	}
	*out = macro;
	return DP_OK;
}

int todo_command_replace(todo_model *model, const struct todo_list *records,
                         const struct dp_allocator *alloc,
                         struct dp_command **out)
{
	if (records == NULL)
		return DP_EINVAL;
	struct dp_command *macro = dp_command_macro_create(alloc);
	if (macro == NULL)
		return DP_ENOMEM;
	/* Delete from the last item to the first: each delete then moves
	 * nothing, and the undo, which runs the steps backwards, puts the
	 * items back by appending them. From the front, every delete would
	 * move all the items after it: O(n^2) for a load. */
	int rc = DP_OK;
	for (size_t i = todo_model_count(model); rc == DP_OK && i > 0; i--) {
		struct dp_command *step = NULL;
		rc = todo_command_delete(model, todo_model_at(model, i - 1)->id,
		                         alloc, &step);
		rc = append(macro, rc, step);
	}
	if (rc == DP_OK)
		rc = append_adds(macro, model, records, true, alloc);
	if (rc != DP_OK) {
		dp_command_destroy(macro);
		return rc;
	}
	*out = macro;
	return DP_OK;
}

int todo_command_run(dp_command_history *history, todo_model *model,
                     struct dp_command *command)
{
	todo_model_begin_batch(model);
	int rc = dp_command_history_execute(history, command);
	todo_model_end_batch(model);
	if (rc != DP_OK)
		dp_command_destroy(command);
	return rc;
}

int todo_command_undo(dp_command_history *history, todo_model *model)
{
	todo_model_begin_batch(model);
	int rc = dp_command_history_undo(history);
	todo_model_end_batch(model);
	return rc;
}

int todo_command_redo(dp_command_history *history, todo_model *model)
{
	todo_model_begin_batch(model);
	int rc = dp_command_history_redo(history);
	todo_model_end_batch(model);
	return rc;
}
