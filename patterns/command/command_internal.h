/*
 * Shared by the command module's sources, not part of its contract: the
 * one check that a command can be dispatched, so the history, the macro and
 * the queue accept exactly the commands dp_command_execute() would run.
 */
#ifndef DP_COMMAND_INTERNAL_H
#define DP_COMMAND_INTERNAL_H

#include "command/command.h"

/* Whether `command` is not NULL and its table fills every required slot. */
bool dp__command_is_complete(const struct dp_command *command);

#endif /* DP_COMMAND_INTERNAL_H */
