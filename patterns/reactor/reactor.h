/**
 * @file reactor.h
 * @brief Reactor: a single-threaded event loop over poll(2) that calls
 *        handlers when their descriptors are ready and timers when due.
 *
 * Ownership: the library allocates the reactor; the caller owns every
 * handler and timer, embeds them in its own structs, and may free one as
 * soon as it is stopped, even from inside its own callback. Thread-safety:
 * none; every call on one reactor, callbacks included, is made from the
 * thread that runs it.
 */
#ifndef DP_REACTOR_H
#define DP_REACTOR_H

#include "common/dp_common.h"
#include "singleton/singleton.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** @brief The readiness a handler observes; combine them with `|`. */
enum dp_io_events {
	/** A read would not block: data, end of file, or an error to read. */
	DP_IO_READABLE = 1,
	/** A write would not block: room in the buffer, or an error. */
	DP_IO_WRITABLE = 2
};

/** @brief An event loop; opaque, made by dp_reactor_create(). */
struct dp_reactor;

struct dp_io_handler;
struct dp_timer;

/**
 * @brief The callback of an I/O handler: an observer of readiness.
 *
 * As in the Observer chapter there is no separate `void *ctx`: `self` is
 * the context, recovered with `dp_container_of(self, struct my_conn, io)`.
 * The callback may start, modify and stop any handler or timer, itself
 * included, free itself once stopped, and stop the loop.
 * @param[in,out] reactor The loop that called it.
 * @param[in,out] self    The handler that was started.
 * @param[in]     events  What is ready, a non-empty subset of the events
 *                        the handler asked for. A hang-up or an error on
 *                        the descriptor is reported as all of them, so
 *                        that the next read or write shows what happened.
 */
typedef void dp_io_fn(struct dp_reactor *reactor, struct dp_io_handler *self,
                      unsigned events);

/**
 * @brief The callback of a timer, called once per dp_reactor_timer_start().
 *
 * When it is called the timer is no longer pending, so the callback may
 * start it again (a periodic timer) or free it. The same rules as
 * #dp_io_fn apply to everything else it does.
 * @param[in,out] reactor The loop that called it.
 * @param[in,out] self    The timer that fell due.
 */
typedef void dp_timer_fn(struct dp_reactor *reactor, struct dp_timer *self);

/**
 * @brief An I/O handler, embedded by its owner in its own struct.
 *
 * Public because the caller allocates it. Set it up with
 * dp_io_handler_init(); afterwards only the reactor changes it.
 */
struct dp_io_handler {
	/** Required: called when the descriptor is ready. */
	dp_io_fn *on_ready;
	/** The descriptor observed; the caller opens and closes it. */
	int fd;
	/** Private: the reactor it is started on, or NULL. */
	struct dp_reactor *reactor;
	/** Private: its slot in the reactor's tables while started. */
	size_t slot;
};

/**
 * @brief A one-shot timer, embedded by its owner in its own struct.
 *
 * Public because the caller allocates it. Set it up with
 * dp_timer_init(); afterwards only the reactor changes it.
 */
struct dp_timer {
	/** Required: called when the timer falls due. */
	dp_timer_fn *on_due;
	/** Private: when it falls due, on the reactor's clock, in ns. */
	uint64_t deadline_ns;
	/** Private: the order it was started in; breaks ties between equal
	 * deadlines, and keeps a timer started during the timer phase from
	 * firing in that same phase. */
	uint64_t sequence;
	/** Private: the reactor it is pending on, or NULL. */
	struct dp_reactor *reactor;
	/** Private: its place in the reactor's min-heap while pending. */
	size_t slot;
};

/**
 * @brief Make an event loop with no handlers and no timers.
 * @param[in] clock The clock timers are measured on; NULL means
 *                  #dp_clock_monotonic. Tests pass a manual clock and run
 *                  the loop with dp_reactor_run_once(reactor, 0). It must
 *                  outlive the reactor.
 * @param[in] alloc The allocator for the reactor and its tables; NULL means
 *                  dp_allocator_default().
 * @return The reactor, to be freed with dp_reactor_destroy(), or NULL when
 *         memory ran out.
 */
struct dp_reactor *dp_reactor_create(const struct dp_clock *clock,
                                     const struct dp_allocator *alloc);

/**
 * @brief Free a reactor, stopping every handler and timer still on it.
 *
 * The handlers and timers are not called and not freed, and no
 * descriptor is closed: they belong to their owners, who may start them
 * again on another reactor. Must not be called from one of its callbacks.
 * @param[in] reactor The reactor; NULL does nothing.
 */
void dp_reactor_destroy(struct dp_reactor *reactor);

/**
 * @brief Set up a handler before it is first started.
 * @param[out] handler  The handler, usually a member of the caller's struct.
 * @param[in]  fd       The descriptor to observe; not checked until start.
 * @param[in]  on_ready Its callback; required.
 * @return #DP_OK; #DP_EINVAL when `handler` or `on_ready` is NULL, with
 *         nothing written.
 */
int dp_io_handler_init(struct dp_io_handler *handler, int fd,
                       dp_io_fn *on_ready);

/**
 * @brief Start observing a descriptor.
 *
 * Started during a turn, it is first called in a later turn. Amortised
 * O(1); allocates only when the reactor's tables grow.
 * @param[in,out] reactor The reactor.
 * @param[in,out] handler An initialised handler; it must stay valid until
 *                        it is stopped or the reactor destroyed.
 * @param[in]     events  #DP_IO_READABLE, #DP_IO_WRITABLE or both.
 * @return #DP_OK; #DP_EINVAL when `reactor` or `handler` is NULL, its
 *         callback is NULL, its descriptor is negative, or `events` is 0 or
 *         has other bits; #DP_EEXIST when it is already started on this
 *         reactor; #DP_EBUSY when it is started on another; #DP_ENOMEM
 *         when the tables could not grow. On error nothing changes.
 */
int dp_reactor_io_start(struct dp_reactor *reactor,
                        struct dp_io_handler *handler, unsigned events);

/**
 * @brief Change the events a started handler observes, in O(1).
 * @param[in,out] reactor The reactor.
 * @param[in,out] handler A handler started on it.
 * @param[in]     events  The new set: #DP_IO_READABLE, #DP_IO_WRITABLE or
 *                        both. Takes effect from the next turn.
 * @return #DP_OK; #DP_EINVAL when `reactor` or `handler` is NULL or
 *         `events` is 0 or has other bits; #DP_ENOENT when the handler is
 *         not started on this reactor. On error nothing changes.
 */
int dp_reactor_io_modify(struct dp_reactor *reactor,
                         struct dp_io_handler *handler, unsigned events);

/**
 * @brief Stop observing a descriptor, in O(1).
 *
 * Safe at any time, including from any callback: a handler stopped before
 * its turn in the current dispatch is not called. When it returns the
 * reactor holds no pointer to the handler, which its owner may free.
 * @param[in,out] reactor The reactor.
 * @param[in,out] handler The handler.
 * @return #DP_OK; #DP_EINVAL when either is NULL; #DP_ENOENT when the
 *         handler is not started on this reactor.
 */
int dp_reactor_io_stop(struct dp_reactor *reactor,
                       struct dp_io_handler *handler);

/**
 * @brief Set up a timer before it is first started.
 * @param[out] timer  The timer, usually a member of the caller's struct.
 * @param[in]  on_due Its callback; required.
 * @return #DP_OK; #DP_EINVAL when `timer` or `on_due` is NULL, with
 *         nothing written.
 */
int dp_timer_init(struct dp_timer *timer, dp_timer_fn *on_due);

/**
 * @brief Make a timer fall due `delay_ns` after the reactor's current time.
 *
 * The current time is the one read at the start of the turn (see
 * dp_reactor_now_ns()), so timers started in one turn with the same delay
 * fall due together, and fire in the order they were started. A timer
 * started during a turn fires in a later turn, even with a delay of 0.
 * O(log n) in the number of pending timers.
 * @param[in,out] reactor  The reactor.
 * @param[in,out] timer    An initialised timer that is not pending; it must
 *                         stay valid until it fires, is stopped or the
 *                         reactor destroyed.
 * @param[in]     delay_ns Nanoseconds from now; 0 means the next turn.
 * @return #DP_OK; #DP_EINVAL when `reactor` or `timer` is NULL or its
 *         callback is NULL; #DP_EEXIST when it is already pending on this
 *         reactor; #DP_EBUSY when it is pending on another; #DP_ERANGE when
 *         the deadline would pass `UINT64_MAX`; #DP_ENOMEM when the heap
 *         could not grow. On error nothing changes.
 */
int dp_reactor_timer_start(struct dp_reactor *reactor, struct dp_timer *timer,
                           uint64_t delay_ns);

/**
 * @brief Cancel a pending timer, in O(log n).
 *
 * Safe at any time, including from any callback: a timer stopped before
 * its turn is not called. Afterwards its owner may free it.
 * @param[in,out] reactor The reactor.
 * @param[in,out] timer   The timer.
 * @return #DP_OK; #DP_EINVAL when either is NULL; #DP_ENOENT when the timer
 *         is not pending on this reactor (it fired, was stopped, or was
 *         never started).
 */
int dp_reactor_timer_stop(struct dp_reactor *reactor, struct dp_timer *timer);

/**
 * @brief How long the next turn would wait in poll(2), in milliseconds.
 *
 * The shorter of `max_wait_ms` and the time until the earliest pending
 * timer, rounded up so that the loop never wakes before a deadline and
 * spins. Reads the clock, and does nothing else.
 * @param[in] reactor     The reactor.
 * @param[in] max_wait_ms The longest wait wanted; negative means no limit.
 * @return 0 or more; -1 (wait forever) when `max_wait_ms` is negative and
 *         no timer is pending; #DP_EINVAL when `reactor` is NULL.
 */
int dp_reactor_timeout_ms(const struct dp_reactor *reactor, int max_wait_ms);

/**
 * @brief Run one turn: wait for readiness, then call the handlers that are
 *        ready and the timers that are due.
 *
 * A turn reads the clock, calls poll(2) once with the timeout of
 * dp_reactor_timeout_ms(), calls every ready handler in the order they
 * were started, reads the clock again, and calls every timer now due,
 * earliest deadline first, equal deadlines in start order. A signal that
 * interrupts the wait ends the turn with no calls.
 * @param[in,out] reactor     The reactor.
 * @param[in]     max_wait_ms The longest wait: 0 only polls (the way tests
 *                            drive the loop with a manual clock); negative
 *                            means until a handler or timer is ready.
 * @return The number of callbacks made (0 or more); #DP_EINVAL when
 *         `reactor` is NULL; #DP_EBUSY when called from one of its own
 *         callbacks; #DP_EIO when poll(2) fails for a reason other than a
 *         signal, with nobody called.
 */
int dp_reactor_run_once(struct dp_reactor *reactor, int max_wait_ms);

/**
 * @brief Run turns until dp_reactor_stop() is called or nothing is left to
 *        wait for.
 *
 * Nothing is left when no handler is started and no timer is pending.
 * Each turn waits with no limit but the next deadline, so a reactor on a
 * manual clock must be driven with dp_reactor_run_once() instead.
 * @param[in,out] reactor The reactor.
 * @return #DP_OK once stopped or idle; #DP_EINVAL when `reactor` is NULL;
 *         #DP_EBUSY when called from one of its own callbacks; #DP_EIO when
 *         poll(2) fails (see dp_reactor_run_once()).
 */
int dp_reactor_run(struct dp_reactor *reactor);

/**
 * @brief Ask dp_reactor_run() to return after the current turn.
 *
 * The turn in progress finishes: handlers and timers already ready in it
 * are still called. Nothing is stopped or freed; a later dp_reactor_run()
 * carries on. Called when the loop is not running, it makes the next
 * dp_reactor_run() return after one turn.
 * @param[in,out] reactor The reactor.
 * @return #DP_OK, or #DP_EINVAL when `reactor` is NULL.
 */
int dp_reactor_stop(struct dp_reactor *reactor);

/**
 * @brief Whether anything is left to wait for.
 * @param[in] reactor The reactor; NULL counts as idle.
 * @return true when a handler is started or a timer is pending.
 */
bool dp_reactor_is_alive(const struct dp_reactor *reactor);

/**
 * @brief The time the current turn started, on the reactor's clock.
 *
 * Timers count their delay from it. Read at creation, then at the start of
 * each turn and again before its timers are called.
 * @param[in] reactor The reactor; NULL gives 0.
 * @return Nanoseconds on the reactor's clock.
 */
uint64_t dp_reactor_now_ns(const struct dp_reactor *reactor);

/**
 * @brief How many times the reactor has called poll(2): one per turn.
 *
 * A count of system calls, for tests and for measuring how many turns a
 * workload takes.
 * @param[in] reactor The reactor; NULL gives 0.
 * @return The number of poll(2) calls made so far.
 */
uint64_t dp_reactor_poll_calls(const struct dp_reactor *reactor);

#endif /* DP_REACTOR_H */
