/*
 * The reactor: one poll(2) table kept in step with a table of handlers,
 * and a binary min-heap of timers.
 *
 * Slot i of `fds` and slot i of `handlers` describe the same handler, so
 * the array handed to poll(2) is the reactor's own and never rebuilt.
 * Stopping a handler leaves a hole (a NULL handler and a negative fd,
 * which poll(2) ignores) instead of moving the others: a dispatch in
 * progress walks slots by index, and a hole is simply skipped. The holes
 * are squeezed out at the start of the next turn, when nobody is walking.
 */
#include "reactor/reactor.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>

struct dp_reactor {
	const struct dp_clock *clock;
	const struct dp_allocator *alloc;
	struct pollfd *fds;              /* slot i: what poll(2) watches */
	struct dp_io_handler **handlers; /* slot i: who is told, or NULL */
	size_t io_used;                  /* slots in use, holes included */
	size_t io_holes;                 /* of those, the stopped ones */
	size_t io_capacity;
	struct dp_timer **heap; /* heap[0] is the earliest deadline */
	size_t timers;
	size_t heap_capacity;
	uint64_t next_sequence;
	uint64_t now_ns;
	uint64_t polls;
	bool in_turn;
	bool stop_requested;
};

static const unsigned ALL_EVENTS = DP_IO_READABLE | DP_IO_WRITABLE;

struct dp_reactor *dp_reactor_create(const struct dp_clock *clock,
                                     const struct dp_allocator *alloc)
{
	struct dp_reactor *reactor = dp_alloc(alloc, sizeof(*reactor));
	if (reactor == NULL)
		return NULL;
	*reactor = (struct dp_reactor){
		.clock = clock,
		.alloc = alloc,
		.now_ns = dp_clock_now_ns(clock),
	};
	return reactor;
}

void dp_reactor_destroy(struct dp_reactor *reactor)
{
	if (reactor == NULL)
		return;
	/* Owners may reuse their handlers and timers elsewhere, so none may
	 * keep pointing at freed memory. */
	for (size_t i = 0; i < reactor->io_used; i++)
		if (reactor->handlers[i] != NULL)
			reactor->handlers[i]->reactor = NULL;
	for (size_t i = 0; i < reactor->timers; i++)
		reactor->heap[i]->reactor = NULL;
	dp_free(reactor->alloc, reactor->fds);
	dp_free(reactor->alloc, reactor->handlers);
	dp_free(reactor->alloc, reactor->heap);
	dp_free(reactor->alloc, reactor);
}

/* ---- I/O handlers -------------------------------------------------------- */

static bool valid_events(unsigned events)
{
	return events != 0 && (events & ~ALL_EVENTS) == 0;
}

static short poll_events(unsigned events)
{
	short bits = 0;
	if (events & DP_IO_READABLE)
		bits |= POLLIN;
	if (events & DP_IO_WRITABLE)
		bits |= POLLOUT;
	return bits;
}

static unsigned interest(const struct pollfd *pfd)
{
	unsigned events = 0;
	if (pfd->events & POLLIN)
		events |= DP_IO_READABLE;
	if (pfd->events & POLLOUT)
		events |= DP_IO_WRITABLE;
	return events;
}

/* Only called between turns, so no dispatch holds a slot number. */
static void squeeze_out_holes(struct dp_reactor *reactor)
{
	size_t kept = 0;
	for (size_t i = 0; i < reactor->io_used; i++) {
		struct dp_io_handler *handler = reactor->handlers[i];
		if (handler == NULL)
			continue;
		reactor->handlers[kept] = handler;
		reactor->fds[kept] = reactor->fds[i];
		handler->slot = kept;
		kept++;
	}
	reactor->io_used = kept;
	reactor->io_holes = 0;
}

/* The two tables grow one after the other. If the second fails the first
 * is merely larger than needed: capacity only counts once both grew. */
static int grow_io_tables(struct dp_reactor *reactor)
{
	size_t capacity = reactor->io_capacity ? reactor->io_capacity * 2 : 8;

	struct pollfd *fds = dp_realloc_array(reactor->alloc, reactor->fds,
	                                      capacity, sizeof(*fds));
	if (fds == NULL)
		return DP_ENOMEM;
	reactor->fds = fds;

	struct dp_io_handler **handlers = dp_realloc_array(
		reactor->alloc, reactor->handlers, capacity, sizeof(*handlers));
	if (handlers == NULL)
		return DP_ENOMEM;
	reactor->handlers = handlers;
	reactor->io_capacity = capacity;
	return DP_OK;
}

int dp_io_handler_init(struct dp_io_handler *handler, int fd,
                       dp_io_fn *on_ready)
{
	if (handler == NULL || on_ready == NULL)
		return DP_EINVAL;
	*handler = (struct dp_io_handler){.on_ready = on_ready, .fd = fd};
	return DP_OK;
}

int dp_reactor_io_start(struct dp_reactor *reactor,
                        struct dp_io_handler *handler, unsigned events)
{
	if (reactor == NULL || handler == NULL || handler->on_ready == NULL ||
	    handler->fd < 0 || !valid_events(events))
		return DP_EINVAL;
	if (handler->reactor == reactor)
		return DP_EEXIST;
	if (handler->reactor != NULL)
		return DP_EBUSY;

	if (reactor->io_used == reactor->io_capacity) {
		if (reactor->io_holes > 0 && !reactor->in_turn) {
			squeeze_out_holes(reactor);
		} else {
			int rc = grow_io_tables(reactor);
			if (rc != DP_OK)
				return rc;
		}
	}
	size_t slot = reactor->io_used++;
	reactor->fds[slot] = (struct pollfd){
		.fd = handler->fd,
		.events = poll_events(events),
	};
	reactor->handlers[slot] = handler;
	handler->reactor = reactor;
	handler->slot = slot;
	return DP_OK;
}

int dp_reactor_io_modify(struct dp_reactor *reactor,
                         struct dp_io_handler *handler, unsigned events)
{
	if (reactor == NULL || handler == NULL || !valid_events(events))
		return DP_EINVAL;
	if (handler->reactor != reactor)
		return DP_ENOENT;
	reactor->fds[handler->slot].events = poll_events(events);
	return DP_OK;
}

int dp_reactor_io_stop(struct dp_reactor *reactor,
                       struct dp_io_handler *handler)
{
	if (reactor == NULL || handler == NULL)
		return DP_EINVAL;
	if (handler->reactor != reactor)
		return DP_ENOENT;

	size_t slot = handler->slot;
	reactor->handlers[slot] = NULL;
	reactor->fds[slot] = (struct pollfd){.fd = -1};
	reactor->io_holes++;
	handler->reactor = NULL;
	return DP_OK;
}

/* ---- timers: a binary min-heap -------------------------------------------- */

static bool earlier(const struct dp_timer *a, const struct dp_timer *b)
{
	if (a->deadline_ns != b->deadline_ns)
		return a->deadline_ns < b->deadline_ns;
	return a->sequence < b->sequence;
}

static void heap_place(struct dp_reactor *reactor, size_t slot,
                       struct dp_timer *timer)
{
	reactor->heap[slot] = timer;
	timer->slot = slot;
}

static void sift_up(struct dp_reactor *reactor, size_t slot)
{
	struct dp_timer *timer = reactor->heap[slot];
	while (slot > 0) {
		size_t parent = (slot - 1) / 2;
		if (!earlier(timer, reactor->heap[parent]))
			break;
		heap_place(reactor, slot, reactor->heap[parent]);
		slot = parent;
	}
	heap_place(reactor, slot, timer);
}

static void sift_down(struct dp_reactor *reactor, size_t slot)
{
	struct dp_timer *timer = reactor->heap[slot];
	for (;;) {
		size_t child = 2 * slot + 1;
		if (child >= reactor->timers)
			break;
		if (child + 1 < reactor->timers &&
		    earlier(reactor->heap[child + 1], reactor->heap[child]))
			child++;
		if (!earlier(reactor->heap[child], timer))
			break;
		heap_place(reactor, slot, reactor->heap[child]);
		slot = child;
	}
	heap_place(reactor, slot, timer);
}

/* The last timer fills the hole, then moves whichever way restores the
 * heap: it may be earlier than the removed one's parent, or later than
 * its children. */
static void heap_remove(struct dp_reactor *reactor, struct dp_timer *timer)
{
	size_t slot = timer->slot;
	struct dp_timer *last = reactor->heap[--reactor->timers];
	timer->reactor = NULL;
	if (last == timer)
		return;
	heap_place(reactor, slot, last);
	sift_up(reactor, slot);
	sift_down(reactor, last->slot);
}

int dp_timer_init(struct dp_timer *timer, dp_timer_fn *on_due)
{
	if (timer == NULL || on_due == NULL)
		return DP_EINVAL;
	*timer = (struct dp_timer){.on_due = on_due};
	return DP_OK;
}

int dp_reactor_timer_start(struct dp_reactor *reactor, struct dp_timer *timer,
                           uint64_t delay_ns)
{
	if (reactor == NULL || timer == NULL || timer->on_due == NULL)
		return DP_EINVAL;
	if (timer->reactor == reactor)
		return DP_EEXIST;
	if (timer->reactor != NULL)
		return DP_EBUSY;
	if (delay_ns > UINT64_MAX - reactor->now_ns)
		return DP_ERANGE;

	if (reactor->timers == reactor->heap_capacity) {
		size_t capacity =
			reactor->heap_capacity ? reactor->heap_capacity * 2 : 8;
		struct dp_timer **heap = dp_realloc_array(
			reactor->alloc, reactor->heap, capacity, sizeof(*heap));
		if (heap == NULL)
			return DP_ENOMEM;
		reactor->heap = heap;
		reactor->heap_capacity = capacity;
	}
	timer->deadline_ns = reactor->now_ns + delay_ns;
	timer->sequence = reactor->next_sequence++;
	timer->reactor = reactor;
	heap_place(reactor, reactor->timers++, timer);
	sift_up(reactor, timer->slot);
	return DP_OK;
}

int dp_reactor_timer_stop(struct dp_reactor *reactor, struct dp_timer *timer)
{
	if (reactor == NULL || timer == NULL)
		return DP_EINVAL;
	if (timer->reactor != reactor)
		return DP_ENOENT;
	heap_remove(reactor, timer);
	return DP_OK;
}

/* ---- the loop ------------------------------------------------------------- */

int dp_reactor_timeout_ms(const struct dp_reactor *reactor, int max_wait_ms)
{
	if (reactor == NULL)
		return DP_EINVAL;
	if (reactor->timers == 0)
		return max_wait_ms < 0 ? -1 : max_wait_ms;

	uint64_t now = dp_clock_now_ns(reactor->clock);
	uint64_t deadline = reactor->heap[0]->deadline_ns;
	if (deadline <= now)
		return 0;
	/* Rounded up: waking a fraction of a millisecond early would find
	 * nothing due and spin through a turn of zero-timeout polls. */
	uint64_t wait = (deadline - now + 999999) / 1000000;
	int wait_ms = wait > INT_MAX ? INT_MAX : (int)wait;
	if (max_wait_ms >= 0 && max_wait_ms < wait_ms)
		return max_wait_ms;
	return wait_ms;
}

static unsigned ready_events(const struct pollfd *pfd)
{
	unsigned wanted = interest(pfd);
	/* A hang-up or an error is news to every reader and writer: the
	 * next read or write reports it (end of file, EPIPE, EBADF). */
	if (pfd->revents & (POLLERR | POLLHUP | POLLNVAL))
		return wanted;
	unsigned events = 0;
	if (pfd->revents & POLLIN)
		events |= DP_IO_READABLE;
	if (pfd->revents & POLLOUT)
		events |= DP_IO_WRITABLE;
	return events & wanted;
}

static void count_call(int *calls)
{
	if (*calls < INT_MAX)
		(*calls)++;
}

int dp_reactor_run_once(struct dp_reactor *reactor, int max_wait_ms)
{
	if (reactor == NULL)
		return DP_EINVAL;
	if (reactor->in_turn)
		return DP_EBUSY;
	if (max_wait_ms < 0 && !dp_reactor_is_alive(reactor))
		return 0;

	if (reactor->io_holes > 0)
		squeeze_out_holes(reactor);
	reactor->now_ns = dp_clock_now_ns(reactor->clock);
	/* Timers started from here on belong to later turns, which is what
	 * keeps a timer that restarts itself with delay 0 from looping. */
	uint64_t first_late = reactor->next_sequence;
	/* Handlers started during dispatch land beyond `watched`, so they
	 * wait for the next turn too. */
	size_t watched = reactor->io_used;
	int timeout = dp_reactor_timeout_ms(reactor, max_wait_ms);

	reactor->polls++;
	int ready = poll(reactor->fds, (nfds_t)watched, timeout);
	if (ready < 0)
		return errno == EINTR ? 0 : DP_EIO;

	int calls = 0;
	reactor->in_turn = true;
	for (size_t i = 0; i < watched && ready > 0; i++) {
		if (reactor->fds[i].revents == 0)
			continue;
		ready--;
		struct dp_io_handler *handler = reactor->handlers[i];
		if (handler == NULL)
			continue; /* stopped earlier in this dispatch */
		unsigned events = ready_events(&reactor->fds[i]);
		reactor->fds[i].revents = 0;
		if (events == 0)
			continue; /* modified earlier in this dispatch */
		handler->on_ready(reactor, handler, events);
		count_call(&calls);
	}

	reactor->now_ns = dp_clock_now_ns(reactor->clock);
	while (reactor->timers > 0) {
		struct dp_timer *timer = reactor->heap[0];
		if (timer->deadline_ns > reactor->now_ns ||
		    timer->sequence >= first_late)
			break;
		heap_remove(reactor, timer);
		timer->on_due(reactor, timer);
		count_call(&calls);
	}
	reactor->in_turn = false;
	return calls;
}

int dp_reactor_run(struct dp_reactor *reactor)
{
	if (reactor == NULL)
		return DP_EINVAL;
	if (reactor->in_turn)
		return DP_EBUSY;

	int rc = DP_OK;
	while (dp_reactor_is_alive(reactor)) {
		int calls = dp_reactor_run_once(reactor, -1);
		if (calls < 0) {
			rc = calls;
			break;
		}
		if (reactor->stop_requested)
			break;
	}
	reactor->stop_requested = false;
	return rc;
}

int dp_reactor_stop(struct dp_reactor *reactor)
{
	if (reactor == NULL)
		return DP_EINVAL;
	reactor->stop_requested = true;
	return DP_OK;
}

bool dp_reactor_is_alive(const struct dp_reactor *reactor)
{
	if (reactor == NULL)
		return false;
	return reactor->io_used > reactor->io_holes || reactor->timers > 0;
}

uint64_t dp_reactor_now_ns(const struct dp_reactor *reactor)
{
	return reactor == NULL ? 0 : reactor->now_ns;
}

uint64_t dp_reactor_poll_calls(const struct dp_reactor *reactor)
{
	return reactor == NULL ? 0 : reactor->polls;
}
