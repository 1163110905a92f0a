/*
 * Exercise 04: Observer. Read README.md first, then observer.h, which is
 * the contract: every function below must do what its comment there says.
 */
#include "observer.h"

int dp_watcher_init(struct dp_watcher *watcher, dp_watch_fn *notify,
                    int priority)
{
	/* TODO: check the arguments, then set notify and priority and zero
	 * the private fields (a compound literal does both). */
	(void)watcher;
	(void)notify;
	(void)priority;
	return DP_ENOTSUP;
}

int dp_topic_init(struct dp_topic *topic)
{
	/* TODO: check `topic` and zero every field. */
	(void)topic;
	return DP_ENOTSUP;
}

int dp_topic_subscribe(struct dp_topic *topic, struct dp_watcher *watcher)
{
	/* TODO: check the arguments; refuse a watcher already on this topic
	 * (DP_EEXIST) or on another one (DP_EBUSY); link it in after every
	 * watcher of higher or equal priority; count it. */
	(void)topic;
	(void)watcher;
	return DP_ENOTSUP;
}

int dp_topic_unsubscribe(struct dp_topic *topic, struct dp_watcher *watcher)
{
	/* TODO: check the arguments (DP_ENOENT when the watcher is not on
	 * this topic); if a publication would visit this watcher next, move
	 * its cursor on; unlink the node and clear its private fields. */
	(void)topic;
	(void)watcher;
	return DP_ENOTSUP;
}

int dp_topic_publish(struct dp_topic *topic, int event, void *data)
{
	/* TODO: refuse a nested publication (DP_EBUSY); walk the chain,
	 * saving the successor in topic->cursor BEFORE each call and taking
	 * the next watcher from topic->cursor AFTER it; stop on
	 * DP_WATCH_STOP; return how many watchers were called. */
	(void)topic;
	(void)event;
	(void)data;
	return DP_ENOTSUP;
}

size_t dp_topic_count(const struct dp_topic *topic)
{
	/* TODO: return the number of watchers subscribed (0 for NULL). */
	(void)topic;
	return 0;
}
