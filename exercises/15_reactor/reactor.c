/*
 * Exercise 15: the heart of a reactor. Read README.md first, then
 * reactor.h, which is the contract: every function below must do what its
 * comment there says. Each body compiles and returns a value that makes
 * the tests fail; replace them one by one.
 */
#define _POSIX_C_SOURCE 200809L /* poll, read */

#include "reactor.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <unistd.h>

/* TODO: the reactor keeps its allocator, the array it hands to poll(2)
 * (a struct pollfd per source) and beside it, slot for slot, each
 * source's ops and ctx; how many slots are used and allocated; how many
 * sources have not ended; and whether ex_reactor_run is running. */
struct ex_reactor {
	const struct dp_allocator *alloc;
};

struct ex_reactor *ex_reactor_create(const struct dp_allocator *alloc)
{
	/* TODO: allocate the reactor with dp_alloc() and set every field;
	 * the tables can wait for the first ex_reactor_add. */
	(void)alloc;
	return NULL;
}

void ex_reactor_destroy(struct ex_reactor *reactor)
{
	/* TODO: free the tables and the reactor (dp_free). NULL is a no-op.
	 * Call nobody, close nothing. */
	(void)reactor;
}

int ex_reactor_add(struct ex_reactor *reactor, int fd,
                   const struct ex_source_ops *ops, void *ctx)
{
	/* TODO: check the arguments (DP_EINVAL), refuse it while running
	 * (DP_EBUSY) and a descriptor already there (DP_EEXIST); grow the
	 * tables by doubling when full (dp_realloc_array, DP_ENOMEM); fill
	 * the next slot: {fd, POLLIN} for poll, ops and ctx beside it. */
	(void)reactor;
	(void)fd;
	(void)ops;
	(void)ctx;
	return DP_ENOTSUP;
}

int ex_reactor_run(struct ex_reactor *reactor)
{
	/* TODO: until no source is left, one turn after another:
	 *   - ONE poll(2) over every source, timeout -1 (EINTR: poll again;
	 *     any other failure: return DP_EIO);
	 *   - for each slot whose revents is not 0, in order, ONE read(2):
	 *     > 0 goes to on_data; 0 is end of file (DP_OK); -1 with
	 *     EAGAIN or EINTR is "not yet"; POLLNVAL or another error
	 *     ends the source with DP_EIO. Unregister a source before
	 *     calling its on_end;
	 *   - only then remove the ended sources from the tables.
	 * Refuse NULL (DP_EINVAL) and a call from a callback (DP_EBUSY). */
	(void)reactor;
	return DP_ENOTSUP;
}

size_t ex_reactor_count(const struct ex_reactor *reactor)
{
	/* TODO: the number of sources registered and not yet ended. */
	(void)reactor;
	return 0;
}
