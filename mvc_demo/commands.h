/**
 * @file commands.h
 * @brief Every change to the list as a Command (patterns/command): add,
 *        toggle, edit, delete, the bulk changes built as macros of those
 *        (toggle all, import, load), and clear completed, one command
 *        that removes and restores its items in one pass each.
 *
 * Each constructor checks what it can before anything runs (the id
 * exists, the title is valid) and returns a command that the caller hands
 * to todo_command_run(), which records it for undo and redo. A command
 * finds its item by id when it runs, so it stays right after other
 * commands are undone and redone. Ownership: a constructor's command
 * belongs to the caller until todo_command_run() takes it. Thread-safety:
 * none.
 */
#ifndef TODO_COMMANDS_H
#define TODO_COMMANDS_H

#include "command/command.h"
#include "list.h"
#include "model.h"

/**
 * @brief Make a command that appends a new item.
 * @param[in]  model The receiver.
 * @param[in]  title The title, copied.
 * @param[in]  done  Whether the item starts completed.
 * @param[in]  alloc The allocator for the command, or NULL.
 * @param[out] out   Receives the command.
 * @return #DP_OK; #DP_EINVAL or #DP_ERANGE for an invalid title (see
 *         todo_title_check()); #DP_ENOMEM.
 */
int todo_command_add(todo_model *model, const char *title, bool done,
                     const struct dp_allocator *alloc, struct dp_command **out);

/**
 * @brief Make a command that flips one item between active and completed.
 * @param[in]  model The receiver.
 * @param[in]  id    The item.
 * @param[in]  alloc The allocator for the command, or NULL.
 * @param[out] out   Receives the command.
 * @return #DP_OK; #DP_ENOENT when no item has that id; #DP_ENOMEM.
 */
int todo_command_toggle(todo_model *model, unsigned id,
                        const struct dp_allocator *alloc,
                        struct dp_command **out);

/**
 * @brief Make a command that changes an item's title.
 * @param[in]  model The receiver.
 * @param[in]  id    The item.
 * @param[in]  title The new title, copied.
 * @param[in]  alloc The allocator for the command, or NULL.
 * @param[out] out   Receives the command.
 * @return #DP_OK; #DP_ENOENT for an unknown id; #DP_EINVAL or #DP_ERANGE
 *         for an invalid title; #DP_ENOMEM.
 */
int todo_command_edit(todo_model *model, unsigned id, const char *title,
                      const struct dp_allocator *alloc,
                      struct dp_command **out);

/**
 * @brief Make a command that deletes an item (undo puts it back in place,
 *        with its id).
 * @param[in]  model The receiver.
 * @param[in]  id    The item.
 * @param[in]  alloc The allocator for the command, or NULL.
 * @param[out] out   Receives the command.
 * @return #DP_OK; #DP_ENOENT for an unknown id; #DP_ENOMEM.
 */
int todo_command_delete(todo_model *model, unsigned id,
                        const struct dp_allocator *alloc,
                        struct dp_command **out);

/**
 * @brief Make a macro that marks every item completed, or every item
 *        active when all are completed already (TodoMVC's rule).
 * @param[in]  model The receiver.
 * @param[in]  alloc The allocator, or NULL.
 * @param[out] out   Receives the macro.
 * @return #DP_OK; #DP_ENOENT when the list is empty; #DP_ENOMEM.
 */
int todo_command_toggle_all(todo_model *model, const struct dp_allocator *alloc,
                            struct dp_command **out);

/**
 * @brief Make a command that deletes every completed item; its undo puts
 *        them back in place, with their ids. One command, not a macro of
 *        deletes: it and its undo cost O(n) for n items (one pass of
 *        todo_model_take() or todo_model_put()), where k deletes would
 *        move the rest of the list k times.
 * @param[in]  model The receiver.
 * @param[in]  alloc The allocator, or NULL.
 * @param[out] out   Receives the command.
 * @return #DP_OK; #DP_ENOENT when no item is completed; #DP_ENOMEM.
 */
int todo_command_clear_completed(todo_model *model,
                                 const struct dp_allocator *alloc,
                                 struct dp_command **out);

/**
 * @brief Make a macro that appends every record of a list (import).
 * @param[in]  model   The receiver.
 * @param[in]  records The records, copied.
 * @param[in]  alloc   The allocator, or NULL.
 * @param[out] out     Receives the macro.
 * @return #DP_OK; #DP_EINVAL when `records` is NULL; #DP_ENOMEM.
 */
int todo_command_import(todo_model *model, const struct todo_list *records,
                        const struct dp_allocator *alloc,
                        struct dp_command **out);

/**
 * @brief Make a macro that replaces the whole list by the records (load);
 *        the new items are numbered 1, 2, 3... in the records' order.
 * @param[in]  model   The receiver.
 * @param[in]  records The records, copied.
 * @param[in]  alloc   The allocator, or NULL.
 * @param[out] out     Receives the macro.
 * @return #DP_OK; #DP_EINVAL when `records` is NULL; #DP_ENOMEM.
 */
int todo_command_replace(todo_model *model, const struct todo_list *records,
                         const struct dp_allocator *alloc,
                         struct dp_command **out);

/**
 * @brief Execute a command inside one model batch and record it, so every
 *        change, however many items it touches, notifies observers once.
 * @param[in,out] history The history that takes the command.
 * @param[in,out] model   The receiver, batched around the execution.
 * @param[in]     command The command; always consumed: recorded on
 *                        success, destroyed on failure.
 * @return #DP_OK, or the command's error with the model unchanged.
 */
int todo_command_run(dp_command_history *history, todo_model *model,
                     struct dp_command *command);

/**
 * @brief Undo the last change, inside one model batch.
 * @param[in,out] history The history.
 * @param[in,out] model   The receiver.
 * @return As dp_command_history_undo(): #DP_ENOENT when nothing to undo.
 */
int todo_command_undo(dp_command_history *history, todo_model *model);

/**
 * @brief Redo the last undone change, inside one model batch.
 * @param[in,out] history The history.
 * @param[in,out] model   The receiver.
 * @return As dp_command_history_redo(): #DP_ENOENT when nothing to redo.
 */
int todo_command_redo(dp_command_history *history, todo_model *model);

#endif /* TODO_COMMANDS_H */
