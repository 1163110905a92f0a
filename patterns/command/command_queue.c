/*
 * The command queue: requests are accepted now and applied later, many at
 * a time, so that whatever must follow a change (a redraw, a flush, a
 * commit) is paid once per batch rather than once per request.
 *
 * A growable ring of pointers: pushing at the back and popping at the
 * front are O(1), and the array only grows, by doubling, so a queue that
 * is drained and refilled at a steady rate stops allocating.
 */
#include "command/command_internal.h"

#include <string.h>

struct dp_command_queue {
	const struct dp_allocator *alloc;
	struct dp_command **ring;
	size_t capacity;
	size_t head;  /* Ring index of the oldest command. */
	size_t count; /* Commands queued. */
};

dp_command_queue *dp_command_queue_create(const struct dp_allocator *alloc)
{
	dp_command_queue *queue = dp_alloc(alloc, sizeof(*queue));
	if (queue == NULL)
		return NULL;
	queue->alloc = alloc;
	queue->ring = NULL;
	queue->capacity = 0;
	queue->head = 0;
	queue->count = 0;
	return queue;
}

/* Take the oldest command off the queue; the caller owns it. */
static struct dp_command *pop(dp_command_queue *queue)
{
	struct dp_command *command = queue->ring[queue->head];

	queue->head = dp__ring_index(queue->head, 1, queue->capacity);
	queue->count--;
	return command;
}

void dp_command_queue_destroy(dp_command_queue *queue)
{
	if (queue == NULL)
		return;
	while (queue->count > 0)
		dp_command_destroy(pop(queue));
	dp_free(queue->alloc, queue->ring);
	dp_free(queue->alloc, queue);
}

/*
 * A new array rather than a resize: the queued commands may wrap around
 * the end of the old ring, and copying them out in order unwraps them.
 */
static int grow(dp_command_queue *queue)
{
	size_t capacity = queue->capacity == 0 ? 8 : 2 * queue->capacity;
	struct dp_command **ring =
		dp_alloc_array(queue->alloc, capacity, sizeof(*ring));
	if (ring == NULL)
		return DP_ENOMEM;

	size_t tail_part = queue->capacity - queue->head;
	if (tail_part > queue->count)
		tail_part = queue->count;
	if (queue->count > 0) {
		memcpy(ring, queue->ring + queue->head,
		       tail_part * sizeof(*ring));
		memcpy(ring + tail_part, queue->ring,
		       (queue->count - tail_part) * sizeof(*ring));
	}
	dp_free(queue->alloc, queue->ring);
	queue->ring = ring;
	queue->capacity = capacity;
	queue->head = 0;
	return DP_OK;
}

int dp_command_queue_push(dp_command_queue *queue, struct dp_command *command)
{
	if (queue == NULL || !dp__command_is_complete(command))
		return DP_EINVAL;
	if (queue->count == queue->capacity) {
		int rc = grow(queue);
		if (rc != DP_OK)
			return rc;
	}
	queue->ring[dp__ring_index(queue->head, queue->count,
	                           queue->capacity)] = command;
	queue->count++;
	return DP_OK;
}

size_t dp_command_queue_size(const dp_command_queue *queue)
{
	return queue == NULL ? 0 : queue->count;
}

int dp_command_queue_run(dp_command_queue *queue, dp_command_history *history,
                         size_t max_batch, size_t *ran)
{
	if (queue == NULL)
		return DP_EINVAL;
	/* Fixed at the start, so a command that queues more commands as it
	 * runs cannot keep one batch going forever. */
	size_t batch = queue->count;
	if (max_batch != 0 && max_batch < batch)
		batch = max_batch;

	size_t done = 0;
	int rc = DP_OK;
	while (done < batch) {
		struct dp_command *command = pop(queue);
		if (history != NULL) {
			rc = dp_command_history_execute(history, command);
		} else {
			rc = command->ops->execute(command);
			/* No history to own it: it has done its work. */
			if (rc == DP_OK)
				dp_command_destroy(command);
		}
		if (rc != DP_OK) {
			dp_command_destroy(command);
			break;
		}
		done++;
	}
	if (ran != NULL)
		*ran = done;
	return rc;
}
