/**
 * @file command.h
 * @brief Command: an edit as an object that can be executed, undone, kept
 *        in a bounded undo/redo history, grouped into a macro or queued
 *        and run later in batches.
 *
 * Ownership: a command belongs to whoever holds it; handing it to a
 * history, a macro or a queue that accepts it (#DP_OK) hands it over, and
 * the new owner frees it through its ops' destroy. A call that fails
 * leaves the command with its caller. Thread-safety: none; serialise all
 * calls on one history, macro or queue.
 */
#ifndef DP_COMMAND_H
#define DP_COMMAND_H

#include "common/dp_common.h"

#include <stdbool.h>
#include <stddef.h>

struct dp_command;

/**
 * @brief The interface of one kind of command: what it does, how it is
 *        undone, how it is freed.
 *
 * A concrete command embeds a `struct dp_command` as its first member and
 * points it at a `static const` table of this type; each operation gets the
 * base back and recovers the whole command with dp_container_of(). The
 * command itself is the context that other interfaces pass as `void *ctx`:
 * it holds the receiver (the object it edits) and whatever it needs to
 * undo. Fill a table with designated initialisers:
 *
 * @code
 * static const struct dp_command_ops insert_ops = {
 *         .name = "insert",
 *         .execute = insert_execute,
 *         .undo = insert_undo,
 *         .destroy = insert_destroy,
 * };
 * @endcode
 *
 * dp_command_execute() and dp_command_undo() refuse a table with a
 * required slot left NULL; a history, macro or queue checks a command once
 * when it accepts it and trusts it afterwards.
 */
struct dp_command_ops {
	/** Required. A short name for people: "insert", "macro". */
	const char *name;

	/**
	 * Required. Apply the command to its receiver, saving what #undo
	 * needs.
	 * @param[in,out] command The command.
	 * @return #DP_OK, or a negative code with the receiver unchanged:
	 *         a command that fails must have had no effect.
	 */
	int (*execute)(struct dp_command *command);

	/**
	 * Required. Revert the last successful #execute, leaving the
	 * receiver exactly as it was before it. It is only ever called after
	 * #execute succeeded and with every later command already undone,
	 * so it should not fail; if it must (the receiver changed behind
	 * the history's back), it returns a negative code with the receiver
	 * unchanged.
	 * @param[in,out] command The command.
	 * @return #DP_OK, or a negative code with the receiver unchanged.
	 */
	int (*undo)(struct dp_command *command);

	/**
	 * Optional: NULL means that nothing in this library ever frees the
	 * command, because its storage belongs to the caller (static, on the
	 * stack, or inside a larger object). Otherwise free the command and
	 * everything it owns, without touching the receiver.
	 * @param[in] command The command; never NULL.
	 */
	void (*destroy)(struct dp_command *command);
};

/**
 * @brief The base of every command: embed it first in the concrete command
 *        and recover the whole with dp_container_of().
 *
 * Public because callers embed it; nothing else lives here, so each
 * command pays one pointer for the pattern.
 */
struct dp_command {
	/** The command's kind; must not be NULL when the command is used. */
	const struct dp_command_ops *ops;
};

/**
 * @brief Execute a command directly, without recording it anywhere.
 * @param[in,out] command The command.
 * @return What the command's execute returns; #DP_EINVAL when `command`
 *         is NULL or its ops table is missing or incomplete (then nothing
 *         is called).
 */
int dp_command_execute(struct dp_command *command);

/**
 * @brief Undo a command directly, without a history.
 * @param[in,out] command A command whose last execute succeeded.
 * @return What the command's undo returns; #DP_EINVAL when `command` is
 *         NULL or its ops table is missing or incomplete.
 */
int dp_command_undo(struct dp_command *command);

/**
 * @brief Free a command through its ops table.
 * @param[in] command The command; NULL, or a command whose ops have no
 *                    destroy, is a no-op.
 */
void dp_command_destroy(struct dp_command *command);

/**
 * @brief The command's name, from its ops table.
 * @param[in] command The command.
 * @return The name; "(none)" when `command` or its ops is NULL. Never NULL.
 */
const char *dp_command_name(const struct dp_command *command);

/* ---- the history: undo and redo ---------------------------------------- */

/** @brief A bounded undo/redo history of executed commands (opaque). */
typedef struct dp_command_history dp_command_history;

/**
 * @brief Create an empty history that keeps at most `capacity` commands.
 *
 * The ring of `capacity` slots is allocated here, once: recording a
 * command later never allocates, so it cannot fail for lack of memory.
 * @param[in] capacity The most commands kept, done and undone together;
 *                     at least 1.
 * @param[in] alloc    The allocator for the history's memory, or NULL for
 *                     malloc/free. It must outlive the history. Commands
 *                     are allocated and freed by their own code.
 * @return The history, freed with dp_command_history_destroy(); NULL when
 *         `capacity` is 0 or too large, or when memory runs out.
 */
dp_command_history *dp_command_history_create(size_t capacity,
                                              const struct dp_allocator *alloc);

/**
 * @brief Free a history and destroy every command it holds.
 *
 * Commands are destroyed newest first: undone ones (the redo side), then
 * done ones. Receivers are not touched: nothing is undone.
 * @param[in] history The history; NULL is a no-op.
 */
void dp_command_history_destroy(dp_command_history *history);

/**
 * @brief Execute a new command and record it, so it can be undone.
 *
 * On success the history owns the command, and:
 * 1. every undone command (the redo side) is destroyed, newest first,
 *    because a new edit makes them meaningless;
 * 2. if the history is full, its oldest command is destroyed, and can no
 *    longer be undone;
 * 3. the command becomes the next one to undo.
 *
 * If the command's execute fails, nothing of the above happens: the
 * command is not recorded, the redo side is kept, and the caller still
 * owns the command (and usually destroys it).
 * @param[in,out] history The history.
 * @param[in]     command The command; must not be in any history, macro
 *                        or queue already.
 * @return #DP_OK; #DP_EINVAL when `history` or `command` is NULL or the
 *         command's ops are incomplete (nothing is executed); otherwise
 *         the negative code the command's execute returned.
 */
int dp_command_history_execute(dp_command_history *history,
                               struct dp_command *command);

/**
 * @brief Undo the most recent done command; it moves to the redo side.
 * @param[in,out] history The history.
 * @return #DP_OK; #DP_EINVAL when `history` is NULL; #DP_ENOENT when there
 *         is nothing to undo (nothing done, or every done command undone
 *         or dropped); otherwise the code the command's undo returned,
 *         and the command stays on the undo side.
 */
int dp_command_history_undo(dp_command_history *history);

/**
 * @brief Execute again the most recently undone command; it moves back to
 *        the undo side.
 * @param[in,out] history The history.
 * @return #DP_OK; #DP_EINVAL when `history` is NULL; #DP_ENOENT when there
 *         is nothing to redo; otherwise the code the command's execute
 *         returned, and the command stays on the redo side.
 */
int dp_command_history_redo(dp_command_history *history);

/**
 * @brief How many commands dp_command_history_undo() can undo now.
 * @param[in] history The history; NULL counts as empty.
 * @return The number of done commands kept.
 */
size_t dp_command_history_undo_count(const dp_command_history *history);

/**
 * @brief How many commands dp_command_history_redo() can redo now.
 * @param[in] history The history; NULL counts as empty.
 * @return The number of undone commands kept.
 */
size_t dp_command_history_redo_count(const dp_command_history *history);

/**
 * @brief The most commands the history keeps.
 * @param[in] history The history; NULL gives 0.
 * @return The capacity given to dp_command_history_create().
 */
size_t dp_command_history_capacity(const dp_command_history *history);

/**
 * @brief The command that the next undo would undo, for an "Undo insert"
 *        menu label.
 * @param[in] history The history.
 * @return The command, still owned by the history; NULL when there is
 *         nothing to undo or `history` is NULL.
 */
const struct dp_command *
dp_command_history_next_undo(const dp_command_history *history);

/**
 * @brief The command that the next redo would execute.
 * @param[in] history The history.
 * @return The command, still owned by the history; NULL when there is
 *         nothing to redo or `history` is NULL.
 */
const struct dp_command *
dp_command_history_next_redo(const dp_command_history *history);

/* ---- macros: many commands as one --------------------------------------- */

/**
 * @brief Create an empty macro: a command made of steps, executed in order
 *        and undone as one, in reverse order.
 *
 * The macro is an ordinary command (its name is "macro"): execute it,
 * record it in a history, put it in another macro. It owns its steps and
 * destroys them, in order, when it is destroyed with dp_command_destroy()
 * or by whoever owns it.
 *
 * If a step fails during execute, the steps already done are undone, in
 * reverse order, and the macro returns the step's error: all or nothing.
 * If a step's undo fails during undo, the steps already undone are
 * executed again and the macro returns the error, still done.
 * @param[in] alloc The allocator for the macro and its step array, or NULL
 *                  for malloc/free. It must outlive the macro.
 * @return The macro's command, freed with dp_command_destroy(); NULL when
 *         memory runs out.
 */
struct dp_command *dp_command_macro_create(const struct dp_allocator *alloc);

/**
 * @brief Add a step at the end of a macro, which takes ownership of it.
 * @param[in,out] macro A command made by dp_command_macro_create(), not
 *                      executed (or undone since).
 * @param[in]     step  The command to add; not the macro itself, and not
 *                      owned by any history, macro or queue.
 * @return #DP_OK, and the macro owns `step`; #DP_EINVAL when `macro` is
 *         not a macro, or `step` is NULL, incomplete or the macro itself;
 *         #DP_EBUSY when the macro is executed (appending then would leave
 *         the step never executed but undone); #DP_ENOMEM when the step
 *         array cannot grow. On any error the caller still owns `step`.
 */
int dp_command_macro_append(struct dp_command *macro, struct dp_command *step);

/**
 * @brief The number of steps of a macro.
 * @param[in] macro A command.
 * @return The number of steps; 0 when `macro` is NULL or not a macro.
 */
size_t dp_command_macro_count(const struct dp_command *macro);

/**
 * @brief Whether a command is a macro made by dp_command_macro_create().
 * @param[in] command A command, or NULL.
 * @return true for a macro.
 */
bool dp_command_is_macro(const struct dp_command *command);

/* ---- the queue: run later, in batches ----------------------------------- */

/** @brief A first-in first-out queue of commands to run later (opaque). */
typedef struct dp_command_queue dp_command_queue;

/**
 * @brief Create an empty queue.
 * @param[in] alloc The allocator for the queue's memory, or NULL for
 *                  malloc/free. It must outlive the queue.
 * @return The queue, freed with dp_command_queue_destroy(); NULL when
 *         memory runs out.
 */
dp_command_queue *dp_command_queue_create(const struct dp_allocator *alloc);

/**
 * @brief Free a queue and destroy, in queue order, the commands still in
 *        it, which never run.
 * @param[in] queue The queue; NULL is a no-op.
 */
void dp_command_queue_destroy(dp_command_queue *queue);

/**
 * @brief Add a command at the back of the queue, to run later.
 * @param[in,out] queue   The queue.
 * @param[in]     command The command; not owned by any history, macro or
 *                        queue.
 * @return #DP_OK, and the queue owns the command; #DP_EINVAL when `queue`
 *         or `command` is NULL or the command's ops are incomplete;
 *         #DP_ENOMEM when the queue cannot grow. On any error the caller
 *         still owns the command.
 */
int dp_command_queue_push(dp_command_queue *queue, struct dp_command *command);

/**
 * @brief The number of commands waiting in the queue.
 * @param[in] queue The queue; NULL counts as empty.
 * @return The number of commands queued.
 */
size_t dp_command_queue_size(const dp_command_queue *queue);

/**
 * @brief Run up to `max_batch` queued commands, oldest first.
 *
 * Each command is taken off the queue and executed through
 * dp_command_history_execute(), so it is recorded and can be undone; with
 * a NULL `history` it is executed and then destroyed. The caller does its
 * per-batch work (a redraw, a flush, a commit) once after the call
 * instead of once per command.
 *
 * If a command fails, the run stops there: that command is destroyed
 * (the queue owned it, and no one else can), the commands before it stay
 * done, those after it stay queued, and its error is returned.
 * @param[in,out] queue     The queue.
 * @param[in,out] history   Where to record the commands, or NULL to keep
 *                          no undo for them.
 * @param[in]     max_batch The most commands to run; 0 runs every command
 *                          queued when the call starts.
 * @param[out]    ran       Receives the number of commands that succeeded;
 *                          may be NULL. Written on every return but
 *                          #DP_EINVAL.
 * @return #DP_OK (also when the queue is empty); #DP_EINVAL when `queue`
 *         is NULL; otherwise the code of the command that failed.
 */
int dp_command_queue_run(dp_command_queue *queue, dp_command_history *history,
                         size_t max_batch, size_t *ran);

#endif /* DP_COMMAND_H */
