/**
 * @file observer.h
 * @brief Observer: a subject notifies a priority-ordered chain of observers
 *        that embed their own subscription node, as the kernel's notifier
 *        chains do.
 *
 * Ownership: nothing here allocates. The caller owns the subject and every
 * observer; an observer must stay valid while it is subscribed, and may be
 * freed as soon as dp_subject_unsubscribe() returns, even from inside its
 * own callback. Thread-safety: none; calls on one subject, including those
 * made from callbacks, must come from one thread or be serialised.
 */
#ifndef DP_OBSERVER_H
#define DP_OBSERVER_H

#include "common/dp_common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** @brief What an observer's callback returns. */
enum dp_notify_result {
	/** Go on to the next observer. */
	DP_NOTIFY_CONTINUE = 0,
	/** Deliver this event to no more observers (the kernel's
	 * NOTIFY_STOP_MASK): the observer has handled or vetoed it. */
	DP_NOTIFY_STOP = 1
};

struct dp_observer;

/**
 * @brief The callback of an observer.
 *
 * There is no separate `void *ctx`: `self` is the context. The observer's
 * own struct embeds the node, and the callback gets the whole object back
 * with `dp_container_of(self, struct my_view, observer)`.
 *
 * The callback may subscribe and unsubscribe any observer, itself
 * included, and may notify the same subject again; dp_subject_notify()
 * says exactly what each of these does to the delivery in progress.
 * @param[in,out] self  The node that was subscribed.
 * @param[in]     event A code chosen by the subject's owner.
 * @param[in,out] data  The event's payload, as the owner documents it; the
 *                      same pointer for every observer, so an observer may
 *                      write an answer into it (a veto, a count).
 * @return #DP_NOTIFY_STOP to stop the delivery; any other value, normally
 *         #DP_NOTIFY_CONTINUE, lets it go on.
 */
typedef int dp_observer_fn(struct dp_observer *self, int event, void *data);

/**
 * @brief A subscription node, embedded by the observer in its own struct.
 *
 * Public because the caller allocates it, which is what makes subscribing
 * unable to fail for lack of memory. Set it up with dp_observer_init(), or
 * with a designated initialiser that sets #notify and #priority and leaves
 * the other fields zero. Only #priority may be changed by the caller, and
 * only while the node is not subscribed; the other fields belong to the
 * subject.
 */
struct dp_observer {
	/** Required: called once per notification delivered to this node. */
	dp_observer_fn *notify;
	/** Higher priorities are notified first; equal priorities in the
	 * order they subscribed. Any int, negative included. */
	int priority;
	/** Private: the next node in the subject's chain, or NULL. */
	struct dp_observer *next;
	/** Private: the previous node in the chain, or NULL for the first. */
	struct dp_observer *prev;
	/** Private: the subject this node is subscribed to, or NULL. */
	struct dp_subject *subject;
	/** Private: how many notifications of #subject had started when the
	 * node subscribed; it receives only those that start later. */
	uint64_t joined_at;
};

/**
 * @brief Internal: one delivery in progress, kept on the notifier's stack.
 *
 * Declared here only so that struct dp_subject can point to it.
 */
struct dp__delivery;

/**
 * @brief A subject: the chain of observers it notifies, highest priority
 *        first.
 *
 * Public because the caller allocates it (on the stack, or embedded in the
 * object that emits the events, such as a model). Set it up with
 * dp_subject_init(); every field is private to this module.
 */
struct dp_subject {
	/** Private: the first observer in the chain, or NULL when empty. */
	struct dp_observer *first;
	/** Private: the number of observers subscribed. */
	size_t count;
	/** Private: the number of notifications started so far. */
	uint64_t notifications;
	/** Private: the innermost delivery in progress, or NULL when no
	 * notification is running. */
	struct dp__delivery *deliveries;
};

/**
 * @brief Set up an observer node before its first subscription.
 * @param[out] observer The node, usually a member of the caller's struct.
 * @param[in]  notify   Its callback; required.
 * @param[in]  priority Its place in the chain: higher is notified first.
 * @return #DP_OK; #DP_EINVAL when `observer` or `notify` is NULL, with
 *         nothing written.
 */
int dp_observer_init(struct dp_observer *observer, dp_observer_fn *notify,
                     int priority);

/**
 * @brief Set up an empty subject.
 * @param[out] subject The subject, allocated by the caller.
 * @return #DP_OK, or #DP_EINVAL when `subject` is NULL.
 */
int dp_subject_init(struct dp_subject *subject);

/**
 * @brief Tear a subject down, unsubscribing every observer still on it.
 *
 * The observers are not called and not freed (they belong to their
 * owners); each is left unsubscribed, free to subscribe again elsewhere.
 * Afterwards the subject is empty and may be initialised again.
 * @param[in,out] subject The subject.
 * @return #DP_OK; #DP_EINVAL when `subject` is NULL; #DP_EBUSY when called
 *         during one of its own notifications, with nothing changed.
 */
int dp_subject_deinit(struct dp_subject *subject);

/**
 * @brief Add an observer to a subject's chain.
 *
 * It goes after every observer of higher or equal priority, so equal
 * priorities are notified in subscription order. O(n) in the number of
 * observers, for the walk to that place; never allocates. Subscribed during
 * a notification, it does not receive that notification, only those that
 * start after this call.
 * @param[in,out] subject  The subject.
 * @param[in,out] observer An initialised node; it must stay valid until
 *                         it is unsubscribed or the subject deinitialised.
 * @return #DP_OK; #DP_EINVAL when either is NULL or `observer->notify` is
 *         NULL; #DP_EEXIST when the observer is already subscribed to this
 *         subject; #DP_EBUSY when it is subscribed to another subject (a
 *         node has room for one chain); #DP_ERANGE when the subject
 *         already holds INT_MAX observers, the most dp_subject_notify()
 *         can count. On error nothing changes.
 */
int dp_subject_subscribe(struct dp_subject *subject,
                         struct dp_observer *observer);

/**
 * @brief Remove an observer from a subject's chain, in O(1).
 *
 * Safe at any time, including from any callback during a notification of
 * this subject: an observer removed before its turn is not called, and
 * the others still receive the event. When it returns, the subject holds
 * no pointer to the observer, which its owner may free.
 * @param[in,out] subject  The subject.
 * @param[in,out] observer The node to remove.
 * @return #DP_OK; #DP_EINVAL when either is NULL; #DP_ENOENT when the
 *         observer is not subscribed to this subject, with nothing changed.
 */
int dp_subject_unsubscribe(struct dp_subject *subject,
                           struct dp_observer *observer);

/**
 * @brief Deliver an event to the subject's observers, highest priority
 *        first, until one returns #DP_NOTIFY_STOP.
 *
 * Never allocates. What callbacks may do meanwhile, and what it does to
 * this delivery:
 * - an observer that unsubscribes itself, or one already called, changes
 *   nothing for the others;
 * - an observer unsubscribed before its turn is not called;
 * - an observer subscribed now is not called for this event, wherever its
 *   priority places it, nor is one unsubscribed and subscribed again;
 * - a nested dp_subject_notify() on the same subject delivers its own
 *   event completely, by the same rules, before this delivery resumes.
 * @param[in,out] subject The subject.
 * @param[in]     event   A code for the observers; its meaning is the
 *                        subject owner's.
 * @param[in,out] data    The payload handed to every observer; may be NULL.
 * @return The number of observers called (0 with none subscribed), or
 *         #DP_EINVAL when `subject` is NULL, with nobody called.
 */
int dp_subject_notify(struct dp_subject *subject, int event, void *data);

/**
 * @brief The number of observers subscribed.
 * @param[in] subject The subject; NULL counts as empty.
 * @return The number of observers.
 */
size_t dp_subject_count(const struct dp_subject *subject);

/**
 * @brief Whether an observer is subscribed to a subject. O(1).
 * @param[in] subject  The subject; NULL has no observers.
 * @param[in] observer The node; NULL is never subscribed.
 * @return true when `observer` is in `subject`'s chain.
 */
bool dp_subject_has(const struct dp_subject *subject,
                    const struct dp_observer *observer);

#endif /* DP_OBSERVER_H */
