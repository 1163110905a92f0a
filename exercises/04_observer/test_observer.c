/*
 * The graded tests of exercise 04. Each watcher here is a `struct probe`
 * that embeds its node and records its calls in a journal. Run them with
 * `make test EX=04_observer`.
 */
#include "grade.h"
#include "grade_assert.h"
#include "observer.h"

#include <string.h>

enum { JOURNAL_MAX = 16 };

/* The names of the watchers called, in order. */
struct journal {
	const char *names[JOURNAL_MAX];
	int count;
};

/* What a probe does when it is called, besides recording the call. */
enum probe_action {
	PROBE_CONTINUE,
	PROBE_STOP,
	PROBE_REMOVE_SELF,   /* unsubscribe itself, then reuse its node */
	PROBE_REMOVE_VICTIM, /* unsubscribe another watcher */
	PROBE_PUBLISH_AGAIN  /* publish on the same topic from the callback */
};

struct probe {
	struct dp_watcher node; /* What the topic sees. */
	const char *name;
	int calls;
	int last_event;
	void *last_data;
	enum probe_action action;
	struct journal *journal;
	struct dp_topic *topic;    /* For the actions that need it. */
	struct dp_watcher *victim; /* For PROBE_REMOVE_VICTIM. */
	int action_rc;             /* What the action's call returned. */
};

static int probe_notify(struct dp_watcher *self, int event, void *data)
{
	struct probe *probe = dp_container_of(self, struct probe, node);

	probe->calls++;
	probe->last_event = event;
	probe->last_data = data;
	if (probe->journal != NULL && probe->journal->count < JOURNAL_MAX)
		probe->journal->names[probe->journal->count++] = probe->name;

	switch (probe->action) {
	case PROBE_STOP:
		return DP_WATCH_STOP;
	case PROBE_REMOVE_SELF: {
		int priority = self->priority;
		probe->action_rc = dp_topic_unsubscribe(probe->topic, self);
		/* The owner may free or reuse the node at once: reuse it as a
		 * fresh node, which wipes the links the topic gave it. */
		probe->node = (struct dp_watcher){.notify = probe_notify,
		                                  .priority = priority};
		return DP_WATCH_CONTINUE;
	}
	case PROBE_REMOVE_VICTIM:
		probe->action_rc =
			dp_topic_unsubscribe(probe->topic, probe->victim);
		return DP_WATCH_CONTINUE;
	case PROBE_PUBLISH_AGAIN:
		probe->action = PROBE_CONTINUE; /* only once */
		probe->action_rc = dp_topic_publish(probe->topic, event, data);
		return DP_WATCH_CONTINUE;
	case PROBE_CONTINUE:
		break;
	}
	return DP_WATCH_CONTINUE;
}

static void probe_init(struct probe *probe, const char *name, int priority,
                       struct journal *journal)
{
	*probe = (struct probe){
		.node = {.notify = probe_notify, .priority = priority},
		.name = name,
		.journal = journal,
	};
}

/* The journal as one string, "a b c", for messages and comparisons. */
static const char *journal_text(const struct journal *journal, char *text,
                                size_t size)
{
	text[0] = '\0';
	for (int i = 0; i < journal->count && i < JOURNAL_MAX; i++) {
		if (i > 0)
			strncat(text, " ", size - strlen(text) - 1);
		strncat(text, journal->names[i], size - strlen(text) - 1);
	}
	return text;
}

START_TEST(test_publish_calls_every_subscriber)
{
	struct dp_topic topic;
	struct probe a, b, c;
	int payload = 42;

	grade_assert_code(dp_topic_init(&topic), DP_OK);
	probe_init(&a, "a", 0, NULL);
	probe_init(&b, "b", 0, NULL);
	probe_init(&c, "c", 0, NULL);
	grade_assert_code(dp_watcher_init(&a.node, probe_notify, 0), DP_OK);
	grade_assert_code(dp_topic_subscribe(&topic, &a.node), DP_OK);
	grade_assert_code(dp_topic_subscribe(&topic, &b.node), DP_OK);
	grade_assert_code(dp_topic_subscribe(&topic, &c.node), DP_OK);
	ck_assert_msg(
		dp_topic_count(&topic) == 3,
		"after 3 subscriptions dp_topic_count should be 3, got %zu",
		dp_topic_count(&topic));

	int called = dp_topic_publish(&topic, 7, &payload);
	ck_assert_msg(called == 3,
	              "expected dp_topic_publish to report 3 watchers called, "
	              "got %d",
	              called);
	struct probe *probes[] = {&a, &b, &c};
	for (int i = 0; i < 3; i++) {
		ck_assert_msg(
			probes[i]->calls == 1,
			"watcher \"%s\" should be called once, was called "
			"%d times",
			probes[i]->name, probes[i]->calls);
		ck_assert_msg(probes[i]->last_event == 7 &&
		                      probes[i]->last_data == &payload,
		              "watcher \"%s\" should receive event 7 and the "
		              "payload pointer unchanged",
		              probes[i]->name);
	}
}
END_TEST

START_TEST(test_higher_priority_is_called_first)
{
	struct dp_topic topic;
	struct journal journal = {0};
	struct probe low, high, mid, mid2, negative;
	char text[128];

	grade_assert_code(dp_topic_init(&topic), DP_OK);
	probe_init(&low, "low(1)", 1, &journal);
	probe_init(&high, "high(5)", 5, &journal);
	probe_init(&mid, "mid(3)", 3, &journal);
	probe_init(&mid2, "mid2(3)", 3, &journal);
	probe_init(&negative, "negative(-2)", -2, &journal);
	grade_assert_code(dp_topic_subscribe(&topic, &low.node), DP_OK);
	grade_assert_code(dp_topic_subscribe(&topic, &high.node), DP_OK);
	grade_assert_code(dp_topic_subscribe(&topic, &mid.node), DP_OK);
	grade_assert_code(dp_topic_subscribe(&topic, &mid2.node), DP_OK);
	grade_assert_code(dp_topic_subscribe(&topic, &negative.node), DP_OK);

	dp_topic_publish(&topic, 1, NULL);
	journal_text(&journal, text, sizeof(text));
	ck_assert_msg(strcmp(text, "high(5) mid(3) mid2(3) low(1) "
	                           "negative(-2)") == 0,
	              "watchers should be called by priority, highest first, "
	              "equal priorities in subscription order: expected "
	              "\"high(5) mid(3) mid2(3) low(1) negative(-2)\", got "
	              "\"%s\"",
	              text);
}
END_TEST

START_TEST(test_stop_ends_the_delivery)
{
	struct dp_topic topic;
	struct probe first, stopper, last;

	grade_assert_code(dp_topic_init(&topic), DP_OK);
	probe_init(&first, "first", 3, NULL);
	probe_init(&stopper, "stopper", 2, NULL);
	probe_init(&last, "last", 1, NULL);
	stopper.action = PROBE_STOP;
	grade_assert_code(dp_topic_subscribe(&topic, &first.node), DP_OK);
	grade_assert_code(dp_topic_subscribe(&topic, &stopper.node), DP_OK);
	grade_assert_code(dp_topic_subscribe(&topic, &last.node), DP_OK);

	int called = dp_topic_publish(&topic, 1, NULL);
	ck_assert_msg(last.calls == 0,
	              "the watcher after one that returned DP_WATCH_STOP must "
	              "not be called, it was called %d times",
	              last.calls);
	ck_assert_msg(first.calls == 1 && stopper.calls == 1,
	              "the watchers up to the one that stopped should each be "
	              "called once (got %d and %d)",
	              first.calls, stopper.calls);
	ck_assert_msg(called == 2,
	              "publish should count the watcher that stopped: expected "
	              "2 called, got %d",
	              called);
}
END_TEST

START_TEST(test_subscribing_twice_is_refused)
{
	struct dp_topic topic, other;
	struct probe a;

	grade_assert_code(dp_topic_init(&topic), DP_OK);
	grade_assert_code(dp_topic_init(&other), DP_OK);
	probe_init(&a, "a", 0, NULL);
	grade_assert_code(dp_topic_subscribe(&topic, &a.node), DP_OK);

	grade_assert_code(dp_topic_subscribe(&topic, &a.node), DP_EEXIST);
	/* A node has room for one chain: it cannot join a second topic. */
	grade_assert_code(dp_topic_subscribe(&other, &a.node), DP_EBUSY);
	ck_assert_msg(dp_topic_count(&topic) == 1 &&
	                      dp_topic_count(&other) == 0,
	              "a refused subscription must change nothing: expected "
	              "counts 1 and 0, got %zu and %zu",
	              dp_topic_count(&topic), dp_topic_count(&other));
	int called = dp_topic_publish(&topic, 1, NULL);
	ck_assert_msg(called == 1 && a.calls == 1,
	              "the watcher must still be in the chain once: expected 1 "
	              "call, publish reported %d and it was called %d times",
	              called, a.calls);
}
END_TEST

START_TEST(test_unsubscribing_a_stranger_is_enoent)
{
	struct dp_topic topic, other;
	struct probe a, stranger, elsewhere;

	grade_assert_code(dp_topic_init(&topic), DP_OK);
	grade_assert_code(dp_topic_init(&other), DP_OK);
	probe_init(&a, "a", 0, NULL);
	probe_init(&stranger, "stranger", 0, NULL);
	probe_init(&elsewhere, "elsewhere", 0, NULL);
	grade_assert_code(dp_topic_subscribe(&topic, &a.node), DP_OK);
	grade_assert_code(dp_topic_subscribe(&other, &elsewhere.node), DP_OK);

	grade_assert_code(dp_topic_unsubscribe(&topic, &stranger.node),
	                  DP_ENOENT);
	/* `elsewhere` is subscribed, but to the other topic. */
	grade_assert_code(dp_topic_unsubscribe(&topic, &elsewhere.node),
	                  DP_ENOENT);
	grade_assert_code(dp_topic_unsubscribe(&topic, &a.node), DP_OK);
	/* A second time: `a` is no longer there. */
	grade_assert_code(dp_topic_unsubscribe(&topic, &a.node), DP_ENOENT);
	ck_assert_msg(dp_topic_count(&other) == 1,
	              "a refused unsubscribe must not touch the other topic: "
	              "its count should stay 1, got %zu",
	              dp_topic_count(&other));
}
END_TEST

START_TEST(test_unsubscribed_watcher_is_not_called)
{
	struct dp_topic topic;
	struct probe a, b, c;

	grade_assert_code(dp_topic_init(&topic), DP_OK);
	probe_init(&a, "a", 0, NULL);
	probe_init(&b, "b", 0, NULL);
	probe_init(&c, "c", 0, NULL);
	grade_assert_code(dp_topic_subscribe(&topic, &a.node), DP_OK);
	grade_assert_code(dp_topic_subscribe(&topic, &b.node), DP_OK);
	grade_assert_code(dp_topic_subscribe(&topic, &c.node), DP_OK);
	grade_assert_code(dp_topic_unsubscribe(&topic, &b.node), DP_OK);
	ck_assert_msg(dp_topic_count(&topic) == 2,
	              "after removing 1 of 3 watchers the count should be 2, "
	              "got %zu",
	              dp_topic_count(&topic));

	int called = dp_topic_publish(&topic, 1, NULL);
	ck_assert_msg(
		b.calls == 0,
		"an unsubscribed watcher must not be called, b was called "
		"%d times",
		b.calls);
	ck_assert_msg(called == 2 && a.calls == 1 && c.calls == 1,
	              "expected 2 watchers called (a and c), publish reported "
	              "%d, a was called %d times and c %d times",
	              called, a.calls, c.calls);
}
END_TEST

START_TEST(test_watcher_can_unsubscribe_itself_during_publish)
{
	struct dp_topic topic;
	struct journal journal = {0};
	struct probe a, quitter, c;
	char text[128];

	grade_assert_code(dp_topic_init(&topic), DP_OK);
	probe_init(&a, "a", 3, &journal);
	probe_init(&quitter, "quitter", 2, &journal);
	probe_init(&c, "c", 1, &journal);
	quitter.action = PROBE_REMOVE_SELF;
	quitter.topic = &topic;
	grade_assert_code(dp_topic_subscribe(&topic, &a.node), DP_OK);
	grade_assert_code(dp_topic_subscribe(&topic, &quitter.node), DP_OK);
	grade_assert_code(dp_topic_subscribe(&topic, &c.node), DP_OK);

	int called = dp_topic_publish(&topic, 1, NULL);
	/* What the quitter's dp_topic_unsubscribe() of itself returned. */
	grade_assert_code(quitter.action_rc, DP_OK);
	journal_text(&journal, text, sizeof(text));
	ck_assert_msg(strcmp(text, "a quitter c") == 0,
	              "a watcher that unsubscribes itself (and whose node is "
	              "then reused) must not cut the delivery short: expected "
	              "\"a quitter c\", got \"%s\"",
	              text);
	ck_assert_msg(called == 3, "expected 3 watchers called, got %d",
	              called);
	ck_assert_msg(dp_topic_count(&topic) == 2,
	              "after the quitter left the count should be 2, got %zu",
	              dp_topic_count(&topic));

	called = dp_topic_publish(&topic, 2, NULL);
	ck_assert_msg(called == 2 && quitter.calls == 1,
	              "the next publish should call only a and c: it reported "
	              "%d called and the quitter was called %d times in all",
	              called, quitter.calls);
}
END_TEST

START_TEST(test_unsubscribing_a_later_watcher_during_publish_skips_it)
{
	struct dp_topic topic;
	struct journal journal = {0};
	struct probe remover, victim, c;
	char text[128];

	grade_assert_code(dp_topic_init(&topic), DP_OK);
	probe_init(&remover, "remover", 3, &journal);
	probe_init(&victim, "victim", 2, &journal);
	probe_init(&c, "c", 1, &journal);
	remover.action = PROBE_REMOVE_VICTIM;
	remover.topic = &topic;
	remover.victim = &victim.node;
	grade_assert_code(dp_topic_subscribe(&topic, &remover.node), DP_OK);
	grade_assert_code(dp_topic_subscribe(&topic, &victim.node), DP_OK);
	grade_assert_code(dp_topic_subscribe(&topic, &c.node), DP_OK);

	int called = dp_topic_publish(&topic, 1, NULL);
	/* What the remover's dp_topic_unsubscribe() of the victim returned. */
	grade_assert_code(remover.action_rc, DP_OK);
	journal_text(&journal, text, sizeof(text));
	ck_assert_msg(victim.calls == 0,
	              "a watcher unsubscribed before its turn must not be "
	              "called: expected \"remover c\", got \"%s\"",
	              text);
	ck_assert_msg(strcmp(text, "remover c") == 0,
	              "the watchers after the removed one must still be "
	              "called: expected \"remover c\", got \"%s\"",
	              text);
	ck_assert_msg(called == 2, "expected 2 watchers called, got %d",
	              called);
}
END_TEST

START_TEST(test_publish_from_a_callback_is_ebusy)
{
	struct dp_topic topic;
	struct probe echo, b;

	grade_assert_code(dp_topic_init(&topic), DP_OK);
	probe_init(&echo, "echo", 2, NULL);
	probe_init(&b, "b", 1, NULL);
	echo.action = PROBE_PUBLISH_AGAIN;
	echo.topic = &topic;
	echo.action_rc = 12345;
	grade_assert_code(dp_topic_subscribe(&topic, &echo.node), DP_OK);
	grade_assert_code(dp_topic_subscribe(&topic, &b.node), DP_OK);

	int called = dp_topic_publish(&topic, 1, NULL);
	/* What dp_topic_publish(), called again from echo's callback on the
	 * same topic, returned. */
	grade_assert_code(echo.action_rc, DP_EBUSY);
	ck_assert_msg(called == 2 && echo.calls == 1 && b.calls == 1,
	              "the refused nested publish must call nobody and leave "
	              "the outer one intact: expected 2 called once each, got "
	              "%d called, echo %d times, b %d times",
	              called, echo.calls, b.calls);
	called = dp_topic_publish(&topic, 1, NULL);
	ck_assert_msg(called == 2,
	              "once the publication is over, publishing works again: "
	              "expected 2 called, got %d",
	              called);
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_publish_calls_every_subscriber",
         test_publish_calls_every_subscriber, 2,
         "Write dp_watcher_init, dp_topic_init, a dp_topic_subscribe "
         "that links the node in, and a publish that walks the chain. "
         "README step 1."},
	{"test_higher_priority_is_called_first",
         test_higher_priority_is_called_first, 3,
         "In dp_topic_subscribe, walk past every node whose priority "
         "is "
         "greater than OR EQUAL to the new one before linking it in."},
	{"test_stop_ends_the_delivery", test_stop_ends_the_delivery, 2,
         "Compare each callback's return with DP_WATCH_STOP, and count "
         "the watcher that stopped among those called."},
	{"test_subscribing_twice_is_refused", test_subscribing_twice_is_refused,
         1,
         "The node's private `topic` field says where it is "
         "subscribed: "
         "check it before linking anything. README step 2."},
	{"test_unsubscribing_a_stranger_is_enoent",
         test_unsubscribing_a_stranger_is_enoent, 1,
         "Compare the node's `topic` field with the topic given, and "
         "clear it when the node leaves."},
	{"test_unsubscribed_watcher_is_not_called",
         test_unsubscribed_watcher_is_not_called, 2,
         "Unlinking a node of a doubly linked list touches its "
         "neighbours' pointers, or the topic's `first` for the head."},
	{"test_watcher_can_unsubscribe_itself_during_publish",
         test_watcher_can_unsubscribe_itself_during_publish, 4,
         "After a callback returns, its node may be gone: read the "
         "successor into topic->cursor BEFORE the call and continue "
         "from topic->cursor. README step 3."},
	{"test_unsubscribing_a_later_watcher_during_publish_skips_it",
         test_unsubscribing_a_later_watcher_during_publish_skips_it, 4,
         "A saved successor can be the very node being removed: "
         "dp_topic_unsubscribe must move topic->cursor past it. README "
         "step 3."},
	{"test_publish_from_a_callback_is_ebusy",
         test_publish_from_a_callback_is_ebusy, 1,
         "Mark the topic as publishing for the whole walk and refuse a "
         "second publish while the mark is set. README step 4."},
};

int main(int argc, char **argv)
{
	return grade_main("04_observer", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
