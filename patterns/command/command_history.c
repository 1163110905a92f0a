/*
 * The history of the Command pattern: a bounded undo and redo stack.
 *
 * The history is a ring of `capacity` pointers allocated once, read in
 * logical order from `first`: positions [0, done) hold the done commands,
 * oldest first, and [done, count) the undone ones, most recently undone at
 * `done`. Undo and redo only move `done`; a new command cuts the ring at
 * `done` and, when full, advances `first` over the oldest. Nothing after
 * create allocates, so recording a command that has already run can never
 * fail, and an executed command is never lost for want of memory.
 */
#include "command/command_internal.h"

struct dp_command_history {
	const struct dp_allocator *alloc;
	struct dp_command **ring;
	size_t capacity;
	size_t first; /* Ring index of the oldest command kept. */
	size_t count; /* Commands kept, done and undone. */
	size_t done;  /* Commands kept that are done: the undo side. */
};

/* The command at logical position `index`, 0 being the oldest. */
static struct dp_command **slot(const dp_command_history *history, size_t index)
{
	return &history->ring[dp__ring_index(history->first, index,
	                                     history->capacity)];
}

dp_command_history *dp_command_history_create(size_t capacity,
                                              const struct dp_allocator *alloc)
{
	if (capacity == 0)
		return NULL;

	dp_command_history *history = dp_alloc(alloc, sizeof(*history));
	if (history == NULL)
		return NULL;
	history->ring = dp_alloc_array(alloc, capacity, sizeof(*history->ring));
	if (history->ring == NULL)
		goto fail_free_history;
	history->alloc = alloc;
	history->capacity = capacity;
	history->first = 0;
	history->count = 0;
	history->done = 0;
	return history;

fail_free_history:
	dp_free(alloc, history);
	return NULL;
}

/* Destroy the undone commands, newest first, as a stack unwinds. */
static void drop_redo_side(dp_command_history *history)
{
	while (history->count > history->done) {
		history->count--;
		dp_command_destroy(*slot(history, history->count));
	}
}

void dp_command_history_destroy(dp_command_history *history)
{
	if (history == NULL)
		return;
	drop_redo_side(history);
	while (history->count > 0) {
		history->count--;
		dp_command_destroy(*slot(history, history->count));
	}
	dp_free(history->alloc, history->ring);
	dp_free(history->alloc, history);
}

int dp_command_history_execute(dp_command_history *history,
                               struct dp_command *command)
{
	if (history == NULL || !dp__command_is_complete(command))
		return DP_EINVAL;
	/* Execute first: a failed command must leave the history, redo side
	 * included, exactly as it was. */
	int rc = command->ops->execute(command);
	if (rc != DP_OK)
		return rc;

	drop_redo_side(history);
	if (history->count == history->capacity) {
		dp_command_destroy(*slot(history, 0));
		history->first =
			dp__ring_index(history->first, 1, history->capacity);
		history->count--;
		history->done--;
	}
	*slot(history, history->count) = command;
	history->count++;
	history->done++;
	return DP_OK;
}

int dp_command_history_undo(dp_command_history *history)
{
	if (history == NULL)
		return DP_EINVAL;
	if (history->done == 0)
		return DP_ENOENT;
	struct dp_command *command = *slot(history, history->done - 1);
	int rc = command->ops->undo(command);
	if (rc != DP_OK)
		return rc;
	history->done--;
	return DP_OK;
}

int dp_command_history_redo(dp_command_history *history)
{
	if (history == NULL)
		return DP_EINVAL;
	if (history->done == history->count)
		return DP_ENOENT;
	struct dp_command *command = *slot(history, history->done);
	int rc = command->ops->execute(command);
	if (rc != DP_OK)
		return rc;
	history->done++;
	return DP_OK;
}

size_t dp_command_history_undo_count(const dp_command_history *history)
{
	return history == NULL ? 0 : history->done;
}

size_t dp_command_history_redo_count(const dp_command_history *history)
{
	return history == NULL ? 0 : history->count - history->done;
}

size_t dp_command_history_capacity(const dp_command_history *history)
{
	return history == NULL ? 0 : history->capacity;
}

const struct dp_command *
dp_command_history_next_undo(const dp_command_history *history)
{
	if (history == NULL || history->done == 0)
		return NULL;
	return *slot(history, history->done - 1);
}

const struct dp_command *
dp_command_history_next_redo(const dp_command_history *history)
{
	if (history == NULL || history->done == history->count)
		return NULL;
	return *slot(history, history->done);
}
