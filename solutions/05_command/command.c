/*
 * Solution of exercise 05: an "add" action and a history kept in a ring of
 * `capacity` slots, allocated once, so recording never allocates.
 */
#include "command.h"

#include <limits.h>

static bool ops_complete(const struct dp_action *action)
{
	return action != NULL && action->ops != NULL &&
	       action->ops->name != NULL && action->ops->execute != NULL &&
	       action->ops->undo != NULL;
}

int dp_action_execute(struct dp_action *action)
{
	if (!ops_complete(action))
		return DP_EINVAL;
	return action->ops->execute(action);
}

int dp_action_undo(struct dp_action *action)
{
	if (!ops_complete(action))
		return DP_EINVAL;
	return action->ops->undo(action);
}

void dp_action_destroy(struct dp_action *action)
{
	if (action != NULL && action->ops != NULL &&
	    action->ops->destroy != NULL)
		action->ops->destroy(action);
}

/* ---- the add action ----------------------------------------------------- */

struct add_action {
	struct dp_action base; /* Base. Must be first. */
	int *target;
	int amount;
	const struct dp_allocator *alloc;
};

/* Whether value + amount fits an int. long long is wider than int, so the
 * sum itself cannot overflow; an int sum could, and that is undefined. */
static bool sum_fits(int value, long long amount)
{
	long long sum = (long long)value + amount;

	return sum >= INT_MIN && sum <= INT_MAX;
}

static int add_execute(struct dp_action *action)
{
	struct add_action *add =
		dp_container_of(action, struct add_action, base);

	if (!sum_fits(*add->target, add->amount))
		return DP_ERANGE;
	*add->target += add->amount;
	return DP_OK;
}

static int add_undo(struct dp_action *action)
{
	struct add_action *add =
		dp_container_of(action, struct add_action, base);

	/* -(long long)amount exists even for INT_MIN. */
	if (!sum_fits(*add->target, -(long long)add->amount))
		return DP_ERANGE;
	*add->target = (int)(*add->target - (long long)add->amount);
	return DP_OK;
}

static void add_destroy(struct dp_action *action)
{
	struct add_action *add =
		dp_container_of(action, struct add_action, base);

	dp_free(add->alloc, add);
}

static const struct dp_action_ops add_ops = {
	.name = "add",
	.execute = add_execute,
	.undo = add_undo,
	.destroy = add_destroy,
};

struct dp_action *dp_add_action_create(int *target, int amount,
                                       const struct dp_allocator *alloc)
{
	if (target == NULL)
		return NULL;
	struct add_action *add = dp_alloc(alloc, sizeof(*add));
	if (add == NULL)
		return NULL;
	*add = (struct add_action){
		.base = {.ops = &add_ops},
		.target = target,
		.amount = amount,
		.alloc = alloc,
	};
	return &add->base;
}

/* ---- the history -------------------------------------------------------- */

/*
 * The actions kept, oldest first, are slots[(start + i) % capacity] for i
 * in [0, total): the first `done` are done (the last of them is the next
 * undo), the rest are undone (the first of them is the next redo). Dropping
 * the oldest is then start + 1, with nothing to move.
 */
struct dp_history {
	struct dp_action **slots;
	size_t capacity;
	size_t start;
	size_t done;
	size_t total;
	const struct dp_allocator *alloc;
};

static struct dp_action **slot(dp_history *history, size_t i)
{
	return &history->slots[(history->start + i) % history->capacity];
}

dp_history *dp_history_create(size_t capacity, const struct dp_allocator *alloc)
{
	if (capacity == 0)
		return NULL;
	dp_history *history = dp_alloc(alloc, sizeof(*history));
	if (history == NULL)
		return NULL;
	struct dp_action **slots =
		dp_alloc_array(alloc, capacity, sizeof(*slots));
	if (slots == NULL)
		goto fail_free_history;
	*history = (struct dp_history){
		.slots = slots,
		.capacity = capacity,
		.alloc = alloc,
	};
	return history;

fail_free_history:
	dp_free(alloc, history);
	return NULL;
}

/* Destroy the actions at positions [from, total), newest first. */
static void destroy_from(dp_history *history, size_t from)
{
	while (history->total > from) {
		history->total--;
		dp_action_destroy(*slot(history, history->total));
	}
}

void dp_history_destroy(dp_history *history)
{
	if (history == NULL)
		return;
	destroy_from(history, 0);
	dp_free(history->alloc, history->slots);
	dp_free(history->alloc, history);
}

int dp_history_execute(dp_history *history, struct dp_action *action)
{
	if (history == NULL || !ops_complete(action))
		return DP_EINVAL;
	int rc = action->ops->execute(action);
	if (rc != DP_OK)
		return rc;

	destroy_from(history, history->done);
	if (history->total == history->capacity) {
		dp_action_destroy(*slot(history, 0));
		history->start = (history->start + 1) % history->capacity;
		history->done--;
		history->total--;
	}
	*slot(history, history->done) = action;
	history->done++;
	history->total++;
	return DP_OK;
}

int dp_history_undo(dp_history *history)
{
	if (history == NULL)
		return DP_EINVAL;
	if (history->done == 0)
		return DP_ENOENT;
	struct dp_action *action = *slot(history, history->done - 1);
	int rc = action->ops->undo(action);
	if (rc != DP_OK)
		return rc;
	history->done--;
	return DP_OK;
}

int dp_history_redo(dp_history *history)
{
	if (history == NULL)
		return DP_EINVAL;
	if (history->done == history->total)
		return DP_ENOENT;
	struct dp_action *action = *slot(history, history->done);
	int rc = action->ops->execute(action);
	if (rc != DP_OK)
		return rc;
	history->done++;
	return DP_OK;
}

size_t dp_history_undo_count(const dp_history *history)
{
	return history != NULL ? history->done : 0;
}

size_t dp_history_redo_count(const dp_history *history)
{
	return history != NULL ? history->total - history->done : 0;
}
