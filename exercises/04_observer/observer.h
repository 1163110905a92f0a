/**
 * @file observer.h
 * @brief Exercise 04, Observer: a topic publishes events to a
 *        priority-ordered chain of watchers that embed their own
 *        subscription node, as the Linux kernel's notifier chains do.
 *
 * Ownership: nothing here allocates. The caller owns the topic and every
 * watcher; a watcher must stay valid while it is subscribed and may be
 * freed as soon as dp_topic_unsubscribe() returns, even inside its own
 * callback. Thread-safety: none; serialise all calls on one topic.
 */
#ifndef DP_EX_OBSERVER_H
#define DP_EX_OBSERVER_H

#include "common/dp_common.h"

#include <stdbool.h>
#include <stddef.h>

/** @brief What a watcher's callback returns. */
enum dp_watch_result {
	/** Go on to the next watcher. */
	DP_WATCH_CONTINUE = 0,
	/** Deliver this event to no more watchers: it has been handled. */
	DP_WATCH_STOP = 1
};

struct dp_watcher;
struct dp_topic;

/**
 * @brief The callback of a watcher.
 *
 * `self` is the context: the watcher's own struct embeds the node and gets
 * itself back with `dp_container_of(self, struct my_watcher, node)`. The
 * callback may unsubscribe any watcher of the topic, itself included.
 * @param[in,out] self  The node that was subscribed.
 * @param[in]     event A code chosen by whoever publishes.
 * @param[in,out] data  The event's payload, the same pointer for every
 *                      watcher; may be NULL.
 * @return #DP_WATCH_STOP to stop the delivery; #DP_WATCH_CONTINUE (or any
 *         other value) to let it go on.
 */
typedef int dp_watch_fn(struct dp_watcher *self, int event, void *data);

/**
 * @brief A subscription node, embedded by the watcher in its own struct.
 *
 * Public because the caller allocates it, which is why subscribing cannot
 * run out of memory. Set it up with dp_watcher_init(), or with a designated
 * initialiser that sets #notify and #priority and leaves the rest zero.
 * Only #priority may be changed by the caller, and only while the node is
 * not subscribed; the other fields belong to the topic.
 */
struct dp_watcher {
	/** Required: called once for each event delivered to this node. */
	dp_watch_fn *notify;
	/** Higher priorities are called first; equal priorities in the order
	 * they subscribed. Any int, negative included. */
	int priority;
	/** Private: the next node in the chain, or NULL for the last. */
	struct dp_watcher *next;
	/** Private: the previous node in the chain, or NULL for the first. */
	struct dp_watcher *prev;
	/** Private: the topic this node is subscribed to, or NULL. */
	struct dp_topic *topic;
};

/**
 * @brief A topic: the chain of its watchers, highest priority first.
 *
 * Public because the caller allocates it (on the stack, or inside the
 * object whose events it publishes). Set it up with dp_topic_init(); every
 * field is private.
 */
struct dp_topic {
	/** Private: the first watcher of the chain, or NULL when empty. */
	struct dp_watcher *first;
	/** Private: the number of watchers subscribed. */
	size_t count;
	/** Private: during dp_topic_publish(), the watcher to call after the
	 * one being called (NULL when there is none); NULL otherwise. */
	struct dp_watcher *cursor;
	/** Private: whether dp_topic_publish() is running. */
	bool publishing;
};

/**
 * @brief Set up a watcher node before its first subscription.
 * @param[out] watcher  The node, usually a member of the caller's struct.
 * @param[in]  notify   Its callback; required.
 * @param[in]  priority Its place in the chain: higher is called first.
 * @return #DP_OK; #DP_EINVAL when `watcher` or `notify` is NULL, with
 *         nothing written.
 */
int dp_watcher_init(struct dp_watcher *watcher, dp_watch_fn *notify,
                    int priority);

/**
 * @brief Set up an empty topic.
 * @param[out] topic The topic.
 * @return #DP_OK, or #DP_EINVAL when `topic` is NULL.
 */
int dp_topic_init(struct dp_topic *topic);

/**
 * @brief Add a watcher to a topic's chain.
 *
 * It goes after every watcher of higher or equal priority. Never
 * allocates. Whether a watcher subscribed during a publication receives
 * that event is not specified.
 * @param[in,out] topic   The topic.
 * @param[in,out] watcher An initialised node that stays valid until it is
 *                        unsubscribed.
 * @return #DP_OK; #DP_EINVAL when either is NULL or `watcher->notify` is
 *         NULL; #DP_EEXIST when the watcher is already subscribed to this
 *         topic; #DP_EBUSY when it is subscribed to another topic. On error
 *         nothing changes.
 */
int dp_topic_subscribe(struct dp_topic *topic, struct dp_watcher *watcher);

/**
 * @brief Remove a watcher from a topic's chain, in O(1).
 *
 * Safe at any time, including inside a callback of this topic's
 * publication: a watcher that removes itself, or one already called,
 * changes nothing for the others; a watcher removed before its turn is not
 * called. When it returns the topic holds no pointer to the watcher, which
 * its owner may free or reuse at once.
 * @param[in,out] topic   The topic.
 * @param[in,out] watcher The node to remove.
 * @return #DP_OK; #DP_EINVAL when either is NULL; #DP_ENOENT when the
 *         watcher is not subscribed to this topic, with nothing changed.
 */
int dp_topic_unsubscribe(struct dp_topic *topic, struct dp_watcher *watcher);

/**
 * @brief Deliver an event to the topic's watchers, highest priority first,
 *        until one returns #DP_WATCH_STOP.
 *
 * Callbacks may unsubscribe watchers meanwhile, with the effects described
 * at dp_topic_unsubscribe(). Never allocates.
 * @param[in,out] topic The topic.
 * @param[in]     event A code handed to every watcher.
 * @param[in,out] data  The payload handed to every watcher; may be NULL.
 * @return The number of watchers called, the one that stopped included (0
 *         when none is subscribed); #DP_EINVAL when `topic` is NULL;
 *         #DP_EBUSY when called from a callback of the same topic's
 *         publication, with nobody called.
 */
int dp_topic_publish(struct dp_topic *topic, int event, void *data);

/**
 * @brief The number of watchers subscribed.
 * @param[in] topic The topic; NULL counts as empty.
 * @return The number of watchers.
 */
size_t dp_topic_count(const struct dp_topic *topic);

#endif /* DP_EX_OBSERVER_H */
