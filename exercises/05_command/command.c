/*
 * Exercise 05: Command. Read README.md first, then command.h, which is the
 * contract: every function below must do what its comment there says.
 */
#include "command.h"

#include <limits.h>

int dp_action_execute(struct dp_action *action)
{
	/* TODO: refuse a NULL action or an ops table without name, execute
	 * or undo (DP_EINVAL); otherwise call its execute. */
	(void)action;
	return DP_ENOTSUP;
}

int dp_action_undo(struct dp_action *action)
{
	/* TODO: the same checks as dp_action_execute, then call its undo. */
	(void)action;
	return DP_ENOTSUP;
}

void dp_action_destroy(struct dp_action *action)
{
	/* TODO: call its destroy when the action, its ops and the slot are
	 * all non-NULL. */
	(void)action;
}

/* TODO: define struct add_action (base first, the target, the amount, the
 * allocator), its execute, undo and destroy, and a static const ops table
 * filled with designated initialisers. */

struct dp_action *dp_add_action_create(int *target, int amount,
                                       const struct dp_allocator *alloc)
{
	/* TODO: refuse a NULL target; allocate with dp_alloc(alloc, ...);
	 * fill in the fields and return &add->base. */
	(void)target;
	(void)amount;
	(void)alloc;
	return NULL;
}

/* TODO: define struct dp_history: room for `capacity` action pointers,
 * how many are done, how many are kept in all, the allocator. */

dp_history *dp_history_create(size_t capacity, const struct dp_allocator *alloc)
{
	/* TODO: refuse capacity 0; allocate the history and its slots,
	 * undoing the first allocation if the second fails. */
	(void)capacity;
	(void)alloc;
	return NULL;
}

void dp_history_destroy(dp_history *history)
{
	/* TODO: destroy every action kept (newest first), then free the
	 * slots and the history. NULL is a no-op. */
	(void)history;
}

int dp_history_execute(dp_history *history, struct dp_action *action)
{
	/* TODO: check the arguments; execute; on success destroy the redo
	 * side, drop the oldest action if full, then record this one. */
	(void)history;
	(void)action;
	return DP_ENOTSUP;
}

int dp_history_undo(dp_history *history)
{
	/* TODO: DP_ENOENT with nothing done; else undo the newest done action
	 * and, if that worked, move it to the redo side. */
	(void)history;
	return DP_ENOTSUP;
}

int dp_history_redo(dp_history *history)
{
	/* TODO: DP_ENOENT with nothing undone; else execute the most recently
	 * undone action and, if that worked, move it back. */
	(void)history;
	return DP_ENOTSUP;
}

size_t dp_history_undo_count(const dp_history *history)
{
	/* TODO: the number of done actions kept (0 for NULL). */
	(void)history;
	return 0;
}

size_t dp_history_redo_count(const dp_history *history)
{
	/* TODO: the number of undone actions kept (0 for NULL). */
	(void)history;
	return 0;
}
