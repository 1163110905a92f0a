/*
 * The macro command: a Composite of commands that is itself a command, so
 * a history records it as one entry and undoes it in one step.
 *
 * All or nothing in both directions: a step that fails is the signal to
 * put back the steps already moved, so the receiver is never left half
 * edited. The rollback trusts the steps' contract that undoing what was
 * just executed (or executing what was just undone) succeeds.
 */
#include "command/command_internal.h"

struct macro {
	struct dp_command base; /* Base. Must be first. */
	const struct dp_allocator *alloc;
	struct dp_command **steps;
	size_t count;
	size_t capacity;
	bool done; /* Executed and not undone since: appending is refused. */
};

static struct macro *to_macro(struct dp_command *command)
{
	return dp_container_of(command, struct macro, base);
}

static int macro_execute(struct dp_command *command)
{
	struct macro *macro = to_macro(command);

	for (size_t i = 0; i < macro->count; i++) {
		int rc = macro->steps[i]->ops->execute(macro->steps[i]);
		if (rc != DP_OK) {
			while (i > 0) {
				i--;
				macro->steps[i]->ops->undo(macro->steps[i]);
			}
			return rc;
		}
	}
	macro->done = true;
	return DP_OK;
}

static int macro_undo(struct dp_command *command)
{
	struct macro *macro = to_macro(command);

	for (size_t i = macro->count; i > 0; i--) {
		int rc = macro->steps[i - 1]->ops->undo(macro->steps[i - 1]);
		if (rc != DP_OK) {
			for (size_t j = i; j < macro->count; j++)
				macro->steps[j]->ops->execute(macro->steps[j]);
			return rc;
		}
	}
	macro->done = false;
	return DP_OK;
}

static void macro_destroy(struct dp_command *command)
{
	struct macro *macro = to_macro(command);

	for (size_t i = 0; i < macro->count; i++)
		dp_command_destroy(macro->steps[i]);
	dp_free(macro->alloc, macro->steps);
	dp_free(macro->alloc, macro);
}

static const struct dp_command_ops macro_ops = {
	.name = "macro",
	.execute = macro_execute,
	.undo = macro_undo,
	.destroy = macro_destroy,
};

struct dp_command *dp_command_macro_create(const struct dp_allocator *alloc)
{
	struct macro *macro = dp_alloc(alloc, sizeof(*macro));
	if (macro == NULL)
		return NULL;
	/* The step array waits for the first append: an empty macro is
	 * legal and costs one block. */
	macro->base.ops = &macro_ops;
	macro->alloc = alloc;
	macro->steps = NULL;
	macro->count = 0;
	macro->capacity = 0;
	macro->done = false;
	return &macro->base;
}

bool dp_command_is_macro(const struct dp_command *command)
{
	return command != NULL && command->ops == &macro_ops;
}

int dp_command_macro_append(struct dp_command *macro, struct dp_command *step)
{
	if (!dp_command_is_macro(macro) || !dp__command_is_complete(step) ||
	    step == macro)
		return DP_EINVAL;
	struct macro *self = to_macro(macro);
	if (self->done)
		return DP_EBUSY;

	if (self->count == self->capacity) {
		size_t capacity = self->capacity == 0 ? 4 : 2 * self->capacity;
		struct dp_command **steps = dp_realloc_array(
			self->alloc, self->steps, capacity, sizeof(*steps));
		if (steps == NULL)
			return DP_ENOMEM;
		self->steps = steps;
		self->capacity = capacity;
	}
	self->steps[self->count++] = step;
	return DP_OK;
}

size_t dp_command_macro_count(const struct dp_command *macro)
{
	if (!dp_command_is_macro(macro))
		return 0;
	return dp_container_of(macro, const struct macro, base)->count;
}
