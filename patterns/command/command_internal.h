/*
 * Shared by the command module's sources, not part of its contract: the
 * one check that a command can be dispatched, so the history, the macro and
 * the queue accept exactly the commands dp_command_execute() would run.
 */
#ifndef DP_COMMAND_INTERNAL_H
#define DP_COMMAND_INTERNAL_H

#include "command/command.h"

/* Whether `command` is not NULL and its table fills every required slot.
 * Inline: it runs on every command the history records, where a call of
 * its own would cost more than the check. */
static inline bool dp__command_is_complete(const struct dp_command *command)
{
	return command != NULL && command->ops != NULL &&
	       command->ops->name != NULL && command->ops->execute != NULL &&
	       command->ops->undo != NULL;
}

/*
 * The ring index `offset` places after `start`, in a ring of `capacity`;
 * valid while the sum stays below twice the capacity. The one wrap
 * of the history and the queue: one compare and one subtraction, where a
 * `%` by a capacity known only at run time is an integer division, which
 * costs more than the rest of recording a command.
 */
static inline size_t dp__ring_index(size_t start, size_t offset,
                                    size_t capacity)
{
	size_t index = start + offset;
	return index >= capacity ? index - capacity : index;
}

#endif /* DP_COMMAND_INTERNAL_H */
