/*
 * Solution of exercise 04: an intrusive, priority-ordered, doubly linked
 * chain, walked through a cursor that unsubscribe keeps valid.
 */
#include "observer.h"

int dp_watcher_init(struct dp_watcher *watcher, dp_watch_fn *notify,
                    int priority)
{
	if (watcher == NULL || notify == NULL)
		return DP_EINVAL;
	*watcher = (struct dp_watcher){.notify = notify, .priority = priority};
	return DP_OK;
}

int dp_topic_init(struct dp_topic *topic)
{
	if (topic == NULL)
		return DP_EINVAL;
	*topic = (struct dp_topic){0};
	return DP_OK;
}

int dp_topic_subscribe(struct dp_topic *topic, struct dp_watcher *watcher)
{
	if (topic == NULL || watcher == NULL || watcher->notify == NULL)
		return DP_EINVAL;
	if (watcher->topic == topic)
		return DP_EEXIST;
	if (watcher->topic != NULL)
		return DP_EBUSY;

	/* Walk past every node of higher or equal priority, so that equal
	 * priorities keep their subscription order. */
	struct dp_watcher *prev = NULL;
	struct dp_watcher *next = topic->first;
	while (next != NULL && next->priority >= watcher->priority) {
		prev = next;
		next = next->next;
	}
	watcher->prev = prev;
	watcher->next = next;
	watcher->topic = topic;
	if (prev != NULL)
		prev->next = watcher;
	else
		topic->first = watcher;
	if (next != NULL)
		next->prev = watcher;
	topic->count++;
	return DP_OK;
}

int dp_topic_unsubscribe(struct dp_topic *topic, struct dp_watcher *watcher)
{
	if (topic == NULL || watcher == NULL)
		return DP_EINVAL;
	if (watcher->topic != topic)
		return DP_ENOENT;

	/* The publication in progress, if any, will go to the cursor next.
	 * If that is the node leaving, move the cursor on first: afterwards
	 * nothing may follow a pointer into this node, which its owner may
	 * free as soon as we return. */
	if (topic->cursor == watcher)
		topic->cursor = watcher->next;
	if (watcher->prev != NULL)
		watcher->prev->next = watcher->next;
	else
		topic->first = watcher->next;
	if (watcher->next != NULL)
		watcher->next->prev = watcher->prev;
	watcher->next = NULL;
	watcher->prev = NULL;
	watcher->topic = NULL;
	topic->count--;
	return DP_OK;
}

int dp_topic_publish(struct dp_topic *topic, int event, void *data)
{
	if (topic == NULL)
		return DP_EINVAL;
	/* One cursor per topic: a nested publication would overwrite it. */
	if (topic->publishing)
		return DP_EBUSY;

	int called = 0;
	struct dp_watcher *watcher = topic->first;

	topic->publishing = true;
	while (watcher != NULL) {
		/* Read the successor before the call: the callback may
		 * unsubscribe, free or reuse `watcher`, and unsubscribe keeps
		 * the cursor pointing at a node still in the chain. */
		topic->cursor = watcher->next;
		called++;
		if (watcher->notify(watcher, event, data) == DP_WATCH_STOP)
			break;
		watcher = topic->cursor;
	}
	topic->cursor = NULL;
	topic->publishing = false;
	return called;
}

size_t dp_topic_count(const struct dp_topic *topic)
{
	return topic != NULL ? topic->count : 0;
}
