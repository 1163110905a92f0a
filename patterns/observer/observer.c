/*
 * The Observer pattern as an intrusive, priority-ordered chain.
 *
 * The subject owns no memory: every link lives in an observer's own node,
 * so subscribing cannot fail for lack of memory and removal is O(1) given
 * the node. The one subtle part is letting callbacks change the chain while
 * it is being walked; the proof is next to struct dp__delivery.
 */
#include "observer/observer.h"

#include <limits.h>

/*
 * One dp_subject_notify() in progress. It lives on the notifier's stack and
 * is linked into the subject, innermost first, so that unsubscribe can find
 * every walk that might be about to visit the node it removes.
 *
 * The walk keeps `next`, the node it will visit after the current one, and
 * reads it before calling anybody. Invariant: `next` is NULL or a node
 * subscribed to the subject right now.
 * - It holds at the start: `next` is the subject's first node.
 * - It holds after each step: `next` becomes the visited node's own `next`
 *   while that node is still subscribed, so a subscribed node or NULL.
 * - Subscribing a node removes nothing, so it cannot break it.
 * - Unsubscribing the node that a walk holds as `next` moves that walk on
 *   to the node's successor, before the node leaves the chain.
 * So a walk never follows a pointer into a node that has left the chain,
 * and after calling an observer it never touches that observer again:
 * the callback may unsubscribe and free it.
 *
 * Which nodes a walk calls is decided by `started_at`: a node that joined
 * after this delivery started is skipped, whatever its place, so the rule
 * for late subscribers does not depend on their priority, and a node that
 * leaves and rejoins during the delivery cannot receive the event twice.
 */
struct dp__delivery {
	struct dp_observer *next;
	uint64_t started_at;
	struct dp__delivery *outer;
};

int dp_observer_init(struct dp_observer *observer, dp_observer_fn *notify,
                     int priority)
{
	if (observer == NULL || notify == NULL)
		return DP_EINVAL;
	*observer = (struct dp_observer){
		.notify = notify,
		.priority = priority,
	};
	return DP_OK;
}

int dp_subject_init(struct dp_subject *subject)
{
	if (subject == NULL)
		return DP_EINVAL;
	*subject = (struct dp_subject){0};
	return DP_OK;
}

static void forget(struct dp_observer *observer)
{
	observer->next = NULL;
	observer->prev = NULL;
	observer->subject = NULL;
}

int dp_subject_deinit(struct dp_subject *subject)
{
	if (subject == NULL)
		return DP_EINVAL;
	/* A walk on the stack still points into the chain; detaching its
	 * nodes now would end it early, so the owner must wait for it. */
	if (subject->deliveries != NULL)
		return DP_EBUSY;
	struct dp_observer *observer = subject->first;
	while (observer != NULL) {
		struct dp_observer *next = observer->next;
		forget(observer);
		observer = next;
	}
	*subject = (struct dp_subject){0};
	return DP_OK;
}

int dp_subject_subscribe(struct dp_subject *subject,
                         struct dp_observer *observer)
{
	if (subject == NULL || observer == NULL || observer->notify == NULL)
		return DP_EINVAL;
	if (observer->subject == subject)
		return DP_EEXIST;
	if (observer->subject != NULL)
		return DP_EBUSY;
	if (subject->count == INT_MAX)
		return DP_ERANGE;

	/* Find the last node that goes before this one: `>=` places it after
	 * its equals, which keeps equal priorities in subscription order. */
	struct dp_observer *before = NULL;
	struct dp_observer *after = subject->first;
	while (after != NULL && after->priority >= observer->priority) {
		before = after;
		after = after->next;
	}

	observer->prev = before;
	observer->next = after;
	if (before != NULL)
		before->next = observer;
	else
		subject->first = observer;
	if (after != NULL)
		after->prev = observer;
	observer->subject = subject;
	observer->joined_at = subject->notifications;
	subject->count++;
	return DP_OK;
}

int dp_subject_unsubscribe(struct dp_subject *subject,
                           struct dp_observer *observer)
{
	if (subject == NULL || observer == NULL)
		return DP_EINVAL;
	if (observer->subject != subject)
		return DP_ENOENT;

	/* Keep every walk's invariant: none may hold a node that leaves. */
	for (struct dp__delivery *delivery = subject->deliveries;
	     delivery != NULL; delivery = delivery->outer) {
		if (delivery->next == observer)
			delivery->next = observer->next;
	}

	if (observer->prev != NULL)
		observer->prev->next = observer->next;
	else
		subject->first = observer->next;
	if (observer->next != NULL)
		observer->next->prev = observer->prev;
	forget(observer);
	subject->count--;
	return DP_OK;
}

/* A delivery is pushed on the subject for exactly as long as its walk
 * runs: notify pushes it on entry and pops it before returning, so the
 * subject never keeps a pointer into a stack frame that has gone. */
static void push_delivery(struct dp_subject *subject,
                          struct dp__delivery *delivery)
{
	delivery->outer = subject->deliveries;
	subject->deliveries = delivery;
}

static void pop_delivery(struct dp_subject *subject,
                         const struct dp__delivery *delivery)
{
	subject->deliveries = delivery->outer;
}

int dp_subject_notify(struct dp_subject *subject, int event, void *data)
{
	if (subject == NULL)
		return DP_EINVAL;

	struct dp__delivery delivery = {
		.next = subject->first,
		.started_at = ++subject->notifications,
	};
	push_delivery(subject, &delivery);

	int called = 0;
	while (delivery.next != NULL) {
		struct dp_observer *observer = delivery.next;
		delivery.next = observer->next;
		if (observer->joined_at >= delivery.started_at)
			continue;
		called++;
		if (observer->notify(observer, event, data) == DP_NOTIFY_STOP)
			break;
	}

	pop_delivery(subject, &delivery);
	return called;
}

size_t dp_subject_count(const struct dp_subject *subject)
{
	return subject == NULL ? 0 : subject->count;
}

bool dp_subject_has(const struct dp_subject *subject,
                    const struct dp_observer *observer)
{
	return subject != NULL && observer != NULL &&
	       observer->subject == subject;
}
