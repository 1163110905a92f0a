/**
 * @file command.h
 * @brief Exercise 05, Command: an edit as an object that can be executed
 *        and undone, kept in a bounded undo/redo history.
 *
 * Ownership: an action belongs to whoever holds it; dp_history_execute()
 * takes it over when it returns #DP_OK, and the history then frees it
 * through its ops' destroy (when it is dropped, cleared from the redo side
 * or when the history is destroyed). A call that fails leaves the action
 * with its caller. Thread-safety: none; serialise calls on one history.
 */
#ifndef DP_EX_COMMAND_H
#define DP_EX_COMMAND_H

#include "common/dp_common.h"

#include <stddef.h>

struct dp_action;

/**
 * @brief The interface of one kind of action. Fill a `static const` table
 *        with designated initialisers.
 *
 * A concrete action embeds `struct dp_action` as its first member and
 * recovers itself with dp_container_of(); it holds its receiver (what it
 * edits) and whatever it needs to undo.
 */
struct dp_action_ops {
	/** Required. A short name for people: "add". */
	const char *name;
	/**
	 * Required. Apply the action to its receiver.
	 * @return #DP_OK, or a negative code with the receiver unchanged.
	 */
	int (*execute)(struct dp_action *action);
	/**
	 * Required. Revert the last successful #execute.
	 * @return #DP_OK, or a negative code with the receiver unchanged.
	 */
	int (*undo)(struct dp_action *action);
	/**
	 * Optional: NULL means the action's storage belongs to someone else
	 * and is never freed here. Free the action, not its receiver.
	 */
	void (*destroy)(struct dp_action *action);
};

/**
 * @brief The base of every action. Public because actions embed it first.
 */
struct dp_action {
	/** The action's kind; a table with #name, #execute and #undo set. */
	const struct dp_action_ops *ops;
};

/**
 * @brief Execute an action directly, without recording it.
 * @param[in,out] action The action.
 * @return What its execute returns; #DP_EINVAL when `action` is NULL or its
 *         ops table is NULL or lacks a required slot (nothing is called).
 */
int dp_action_execute(struct dp_action *action);

/**
 * @brief Undo an action directly, without a history.
 * @param[in,out] action An action whose last execute succeeded.
 * @return What its undo returns; #DP_EINVAL as for dp_action_execute().
 */
int dp_action_undo(struct dp_action *action);

/**
 * @brief Free an action through its ops table.
 * @param[in] action The action; NULL, or an action without destroy, is a
 *                   no-op.
 */
void dp_action_destroy(struct dp_action *action);

/**
 * @brief Create an action that adds `amount` to `*target`; its undo
 *        subtracts it again.
 *
 * Its execute returns #DP_ERANGE, with `*target` unchanged, when the sum
 * would overflow an int; its undo likewise when the difference would.
 * @param[in] target The receiver; it must outlive the action.
 * @param[in] amount What to add; negative subtracts.
 * @param[in] alloc  The allocator for the action, or NULL for malloc/free.
 *                   It must outlive the action.
 * @return The action, freed with dp_action_destroy() (or by the history
 *         that took it); NULL when `target` is NULL or memory runs out.
 */
struct dp_action *dp_add_action_create(int *target, int amount,
                                       const struct dp_allocator *alloc);

/** @brief A bounded undo/redo history of executed actions (opaque). */
typedef struct dp_history dp_history;

/**
 * @brief Create an empty history that keeps at most `capacity` actions,
 *        done and undone together.
 * @param[in] capacity The most actions kept; at least 1.
 * @param[in] alloc    The allocator for the history, or NULL for
 *                     malloc/free. It must outlive the history.
 * @return The history, freed with dp_history_destroy(); NULL when
 *         `capacity` is 0 or memory runs out.
 */
dp_history *dp_history_create(size_t capacity,
                              const struct dp_allocator *alloc);

/**
 * @brief Free a history and destroy every action it holds, without undoing
 *        any.
 * @param[in] history The history; NULL is a no-op.
 */
void dp_history_destroy(dp_history *history);

/**
 * @brief Execute a new action and record it, so it can be undone.
 *
 * When the action's execute succeeds the history owns the action, and:
 * 1. every undone action (the redo side) is destroyed, because a new edit
 *    makes them meaningless;
 * 2. if the history is full, its oldest action is destroyed and can no
 *    longer be undone;
 * 3. the action becomes the next one to undo.
 * When the execute fails none of this happens: the action is not recorded,
 * the redo side is kept and the caller still owns the action.
 * @param[in,out] history The history.
 * @param[in]     action  The action; not in a history already.
 * @return #DP_OK; #DP_EINVAL when `history` or `action` is NULL or the
 *         action's ops are incomplete (nothing is executed); otherwise the
 *         code the action's execute returned.
 */
int dp_history_execute(dp_history *history, struct dp_action *action);

/**
 * @brief Undo the most recent done action; it moves to the redo side.
 * @param[in,out] history The history.
 * @return #DP_OK; #DP_EINVAL when `history` is NULL; #DP_ENOENT when there
 *         is nothing to undo; otherwise the code the action's undo
 *         returned, and the action stays on the undo side.
 */
int dp_history_undo(dp_history *history);

/**
 * @brief Execute again the most recently undone action; it moves back to
 *        the undo side.
 * @param[in,out] history The history.
 * @return #DP_OK; #DP_EINVAL when `history` is NULL; #DP_ENOENT when there
 *         is nothing to redo; otherwise the code the action's execute
 *         returned, and the action stays on the redo side.
 */
int dp_history_redo(dp_history *history);

/**
 * @brief How many actions dp_history_undo() can undo now.
 * @param[in] history The history; NULL counts as empty.
 * @return The number of done actions kept.
 */
size_t dp_history_undo_count(const dp_history *history);

/**
 * @brief How many actions dp_history_redo() can redo now.
 * @param[in] history The history; NULL counts as empty.
 * @return The number of undone actions kept.
 */
size_t dp_history_redo_count(const dp_history *history);

#endif /* DP_EX_COMMAND_H */
