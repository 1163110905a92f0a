/*
 * The dispatcher of the Command pattern: every call on a command goes
 * through one check, dp__command_is_complete() in command_internal.h, so a
 * table with a missing required slot is refused in one place. The history
 * is in command_history.c, the macro in command_macro.c and the queue in
 * command_queue.c.
 */
#include "command/command_internal.h"

int dp_command_execute(struct dp_command *command)
{
	if (!dp__command_is_complete(command))
		return DP_EINVAL;
	return command->ops->execute(command);
}

int dp_command_undo(struct dp_command *command)
{
	if (!dp__command_is_complete(command))
		return DP_EINVAL;
	return command->ops->undo(command);
}

void dp_command_destroy(struct dp_command *command)
{
	if (command != NULL && command->ops != NULL &&
	    command->ops->destroy != NULL)
		command->ops->destroy(command);
}

const char *dp_command_name(const struct dp_command *command)
{
	if (command == NULL || command->ops == NULL ||
	    command->ops->name == NULL)
		return "(none)";
	return command->ops->name;
}
