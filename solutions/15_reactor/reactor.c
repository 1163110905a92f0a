/*
 * Exercise 15, the answer: two tables kept in step, the array handed to
 * poll(2) and the sources it describes, slot i in both. A source that
 * ends leaves a hole (a negative descriptor, which poll(2) ignores)
 * instead of moving the others while the dispatch is walking them by
 * index; the holes are squeezed out after the dispatch.
 */
#define _POSIX_C_SOURCE 200809L /* poll, read */

#include "reactor.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <unistd.h>

/* One read(2) asks for at most this much: a bounded amount of work per
 * source per turn, which is what keeps one fast source from starving the
 * others. */
enum { READ_MAX = 4096 };

struct source {
	const struct ex_source_ops *ops; /* NULL once ended: a hole */
	void *ctx;
};

struct ex_reactor {
	const struct dp_allocator *alloc;
	struct pollfd *fds;     /* slot i: what poll(2) watches */
	struct source *sources; /* slot i: who is told */
	size_t used;            /* slots in use, holes included */
	size_t live;            /* slots that are not holes */
	size_t capacity;
	bool running;
};

struct ex_reactor *ex_reactor_create(const struct dp_allocator *alloc)
{
	struct ex_reactor *reactor = dp_alloc(alloc, sizeof(*reactor));
	if (reactor == NULL)
		return NULL;
	*reactor = (struct ex_reactor){.alloc = alloc};
	return reactor;
}

void ex_reactor_destroy(struct ex_reactor *reactor)
{
	if (reactor == NULL)
		return;
	dp_free(reactor->alloc, reactor->fds);
	dp_free(reactor->alloc, reactor->sources);
	dp_free(reactor->alloc, reactor);
}

/* The two tables grow one after the other. If the second fails, the first
 * is merely larger than needed: the capacity only counts once both grew. */
static int grow(struct ex_reactor *reactor)
{
	size_t capacity = reactor->capacity ? reactor->capacity * 2 : 8;

	struct pollfd *fds = dp_realloc_array(reactor->alloc, reactor->fds,
	                                      capacity, sizeof(*fds));
	if (fds == NULL)
		return DP_ENOMEM;
	reactor->fds = fds;

	struct source *sources = dp_realloc_array(
		reactor->alloc, reactor->sources, capacity, sizeof(*sources));
	if (sources == NULL)
		return DP_ENOMEM;
	reactor->sources = sources;
	reactor->capacity = capacity;
	return DP_OK;
}

int ex_reactor_add(struct ex_reactor *reactor, int fd,
                   const struct ex_source_ops *ops, void *ctx)
{
	if (reactor == NULL || ops == NULL || ops->on_data == NULL ||
	    ops->on_end == NULL || fd < 0)
		return DP_EINVAL;
	if (reactor->running)
		return DP_EBUSY;
	for (size_t i = 0; i < reactor->used; i++)
		if (reactor->fds[i].fd == fd)
			return DP_EEXIST;
	if (reactor->used == reactor->capacity) {
		int rc = grow(reactor);
		if (rc != DP_OK)
			return rc;
	}
	size_t slot = reactor->used++;
	reactor->fds[slot] = (struct pollfd){.fd = fd, .events = POLLIN};
	reactor->sources[slot] = (struct source){.ops = ops, .ctx = ctx};
	reactor->live++;
	return DP_OK;
}

/* Unregister first, then tell the owner: on_end may close the descriptor,
 * and the number may be reused at once. */
static void finish(struct ex_reactor *reactor, size_t slot, int status)
{
	struct source source = reactor->sources[slot];

	reactor->sources[slot].ops = NULL;
	reactor->fds[slot].fd = -1;
	reactor->live--;
	source.ops->on_end(source.ctx, status);
}

/* One read, because poll(2) promised that one read will not block; a
 * second one might find nothing, or starve the other sources. */
static void serve(struct ex_reactor *reactor, size_t slot)
{
	char buffer[READ_MAX];

	if (reactor->fds[slot].revents & POLLNVAL) {
		finish(reactor, slot, DP_EIO);
		return;
	}
	ssize_t got = read(reactor->fds[slot].fd, buffer, sizeof(buffer));
	if (got > 0) {
		struct source *source = &reactor->sources[slot];
		source->ops->on_data(source->ctx, buffer, (size_t)got);
	} else if (got == 0) {
		finish(reactor, slot, DP_OK);
	} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
		finish(reactor, slot, DP_EIO);
	}
}

/* Only called between turns, when no dispatch holds a slot number. */
static void squeeze_out_holes(struct ex_reactor *reactor)
{
	size_t kept = 0;
	for (size_t i = 0; i < reactor->used; i++) {
		if (reactor->sources[i].ops == NULL)
			continue;
		reactor->fds[kept] = reactor->fds[i];
		reactor->sources[kept] = reactor->sources[i];
		kept++;
	}
	reactor->used = kept;
}

/* One turn: one poll(2) over every source, then one read per ready one. */
static int turn(struct ex_reactor *reactor)
{
	int ready = poll(reactor->fds, (nfds_t)reactor->used, -1);
	if (ready < 0)
		return errno == EINTR ? DP_OK : DP_EIO;

	for (size_t i = 0; i < reactor->used && ready > 0; i++) {
		if (reactor->fds[i].revents == 0)
			continue;
		ready--;
		serve(reactor, i);
		reactor->fds[i].revents = 0;
	}
	squeeze_out_holes(reactor);
	return DP_OK;
}

int ex_reactor_run(struct ex_reactor *reactor)
{
	if (reactor == NULL)
		return DP_EINVAL;
	if (reactor->running)
		return DP_EBUSY;

	int rc = DP_OK;
	reactor->running = true;
	while (rc == DP_OK && reactor->live > 0)
		rc = turn(reactor);
	reactor->running = false;
	return rc;
}

size_t ex_reactor_count(const struct ex_reactor *reactor)
{
	return reactor == NULL ? 0 : reactor->live;
}
