/*
 * Tests of the Observer pattern: delivery order (priorities, then
 * subscription order), stopping, every error path, every change to the
 * chain made from inside a callback, nested notifications, deinit with
 * observers still subscribed, and that nothing allocates.
 *
 * Most tests use probes: observers that write their name into a trace
 * (the event's payload) and can be told to unsubscribe or subscribe a node,
 * or to notify again, when called. The trace then reads like the answer:
 * "ABC" means A, then B, then C received the event.
 */
#include "common/dp_test.h"
#include "observer/observer.h"

#include <ctype.h>
#include <limits.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { EVENT_OUTER = 1, EVENT_INNER = 2 };

/* The payload of every test event: who was called, in order. */
struct trace {
	char order[64];
	size_t length;
};

struct probe {
	struct dp_observer node;
	char name;      /* upper case; lower case for EVENT_INNER */
	int result;     /* what the callback returns */
	int calls;      /* how many times it was called */
	int last_event; /* the event it saw last */
	struct dp_subject *subject;
	int act_on;                 /* remove/add on this event only; 0: any */
	struct dp_observer *remove; /* unsubscribed when called, if set */
	int remove_rc;
	struct dp_observer *add; /* subscribed when called, if set */
	int add_rc;
	bool notify_inner; /* on EVENT_OUTER, notify EVENT_INNER */
	int inner_called;
	bool deinit; /* try to deinit the subject when called */
	int deinit_rc;
};

static int probe_notify(struct dp_observer *self, int event, void *data)
{
	struct probe *probe = dp_container_of(self, struct probe, node);
	struct trace *trace = data;

	probe->calls++;
	probe->last_event = event;
	if (trace != NULL && trace->length + 1 < sizeof(trace->order))
		trace->order[trace->length++] =
			event == EVENT_INNER ? (char)tolower(probe->name)
					     : probe->name;
	bool act = probe->act_on == 0 || probe->act_on == event;
	if (act && probe->remove != NULL)
		probe->remove_rc =
			dp_subject_unsubscribe(probe->subject, probe->remove);
	if (act && probe->add != NULL)
		probe->add_rc =
			dp_subject_subscribe(probe->subject, probe->add);
	if (probe->notify_inner && event == EVENT_OUTER)
		probe->inner_called =
			dp_subject_notify(probe->subject, EVENT_INNER, data);
	if (probe->deinit)
		probe->deinit_rc = dp_subject_deinit(probe->subject);
	return probe->result;
}

static void probe_init(struct probe *probe, char name, int priority,
                       struct dp_subject *subject)
{
	*probe = (struct probe){.name = name, .subject = subject};
	ck_assert_int_eq(dp_observer_init(&probe->node, probe_notify, priority),
	                 DP_OK);
}

/*
 * A subject, the probes that may subscribe to it, and the last delivery.
 * Tests keep everything in one struct and hand it to deliver() whole, so
 * that a reader, and cppcheck, can see that a probe's settings are read
 * during the delivery.
 */
enum { PROBES = 26 };

struct fixture {
	struct dp_subject subject;
	struct probe probes[PROBES]; /* named 'A' to 'Z' */
	struct trace trace;
	int called;
};

/* Set up the subject and probes A, B, C, ... with the given priorities,
 * and subscribe the first `count` of them, in that order. The remaining
 * probes are set up too, with priority 0, but not subscribed. */
static void fixture_init(struct fixture *f, const int *priorities, size_t count)
{
	ck_assert_int_eq(dp_subject_init(&f->subject), DP_OK);
	for (size_t i = 0; i < DP_ARRAY_SIZE(f->probes); i++) {
		int priority = i < count ? priorities[i] : 0;
		probe_init(&f->probes[i], (char)('A' + i), priority,
		           &f->subject);
		if (i < count)
			ck_assert_int_eq(
				dp_subject_subscribe(&f->subject,
			                             &f->probes[i].node),
				DP_OK);
	}
}

/* Notify EVENT_OUTER; return the trace as a string, and keep the number
 * of observers called in f->called. */
static const char *deliver(struct fixture *f)
{
	f->trace = (struct trace){{0}, 0};
	f->called = dp_subject_notify(&f->subject, EVENT_OUTER, &f->trace);
	return f->trace.order;
}

/* ---- delivery order ------------------------------------------------------ */

START_TEST(test_notify_with_no_observers_calls_nobody)
{
	struct fixture f;

	fixture_init(&f, NULL, 0);
	ck_assert_uint_eq(dp_subject_count(&f.subject), 0);
	f.called = -1;
	ck_assert_str_eq(deliver(&f), "");
	ck_assert_int_eq(f.called, 0);
	ck_assert_int_eq(dp_subject_notify(&f.subject, 7, NULL), 0);
	ck_assert_int_eq(dp_subject_deinit(&f.subject), DP_OK);
}
END_TEST

START_TEST(test_higher_priority_is_notified_first)
{
	const int priorities[] = {0, 10, -5, 100, 3};
	struct fixture f;

	fixture_init(&f, priorities, 5);
	ck_assert_uint_eq(dp_subject_count(&f.subject), 5);
	ck_assert_str_eq(deliver(&f), "DBEAC");
	ck_assert_int_eq(f.called, 5);
	dp_subject_deinit(&f.subject);
}
END_TEST

START_TEST(test_equal_priorities_are_notified_in_subscription_order)
{
	/* Extreme priorities too: the comparison must not overflow. */
	const int priorities[] = {1, INT_MIN, 1, INT_MAX, 1, INT_MIN, INT_MAX};
	struct fixture f;

	fixture_init(&f, priorities, 7);
	ck_assert_str_eq(deliver(&f), "DGACEBF");
	dp_subject_deinit(&f.subject);
}
END_TEST

START_TEST(test_resubscribing_goes_after_its_equals)
{
	const int priorities[] = {5, 5, 5};
	struct fixture f;

	fixture_init(&f, priorities, 3);
	ck_assert_int_eq(dp_subject_unsubscribe(&f.subject, &f.probes[0].node),
	                 DP_OK);
	ck_assert_int_eq(dp_subject_subscribe(&f.subject, &f.probes[0].node),
	                 DP_OK);
	ck_assert_str_eq(deliver(&f), "BCA");
	/* A new priority takes effect at the next subscription. */
	dp_subject_unsubscribe(&f.subject, &f.probes[2].node);
	f.probes[2].node.priority = 6;
	dp_subject_subscribe(&f.subject, &f.probes[2].node);
	ck_assert_str_eq(deliver(&f), "CBA");
	dp_subject_deinit(&f.subject);
}
END_TEST

START_TEST(test_every_observer_gets_the_same_event_and_data)
{
	const int priorities[] = {2, 1, 0};
	struct fixture f;

	fixture_init(&f, priorities, 3);
	f.trace = (struct trace){{0}, 0};
	ck_assert_int_eq(dp_subject_notify(&f.subject, 42, &f.trace), 3);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(f.probes[i].calls, 1);
		ck_assert_int_eq(f.probes[i].last_event, 42);
	}
	/* All three wrote into the one payload. */
	ck_assert_str_eq(f.trace.order, "ABC");
	dp_subject_deinit(&f.subject);
}
END_TEST

/* ---- stopping ------------------------------------------------------------ */

START_TEST(test_stop_ends_the_delivery_and_the_count_says_where)
{
	const int priorities[] = {3, 2, 1};
	struct fixture f;

	fixture_init(&f, priorities, 3);
	f.probes[1].result = DP_NOTIFY_STOP;
	ck_assert_str_eq(deliver(&f), "AB");
	ck_assert_int_eq(f.called, 2);
	ck_assert_int_eq(f.probes[2].calls, 0);
	/* Stopping is per event: the next one starts from the top again. */
	f.probes[1].result = DP_NOTIFY_CONTINUE;
	ck_assert_str_eq(deliver(&f), "ABC");
	ck_assert_int_eq(f.called, 3);
	dp_subject_deinit(&f.subject);
}
END_TEST

START_TEST(test_only_stop_stops_other_values_continue)
{
	const int priorities[] = {3, 2, 1};
	struct fixture f;

	fixture_init(&f, priorities, 3);
	f.probes[0].result = -1;
	f.probes[1].result = 2;
	ck_assert_str_eq(deliver(&f), "ABC");
	ck_assert_int_eq(f.called, 3);
	dp_subject_deinit(&f.subject);
}
END_TEST

/* ---- errors --------------------------------------------------------------- */

START_TEST(test_null_arguments_are_rejected_by_every_function)
{
	struct dp_subject subject;
	struct dp_observer observer;
	struct dp_observer untouched = {.priority = 77};

	dp_subject_init(&subject);
	dp_observer_init(&observer, probe_notify, 0);
	ck_assert_int_eq(dp_observer_init(NULL, probe_notify, 0), DP_EINVAL);
	ck_assert_int_eq(dp_observer_init(&untouched, NULL, 1), DP_EINVAL);
	ck_assert_int_eq(untouched.priority, 77);
	ck_assert_int_eq(dp_subject_init(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_subject_deinit(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_subject_subscribe(NULL, &observer), DP_EINVAL);
	ck_assert_int_eq(dp_subject_subscribe(&subject, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_subject_unsubscribe(NULL, &observer), DP_EINVAL);
	ck_assert_int_eq(dp_subject_unsubscribe(&subject, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_subject_notify(NULL, 1, NULL), DP_EINVAL);
	ck_assert_uint_eq(dp_subject_count(NULL), 0);
	ck_assert(!dp_subject_has(NULL, &observer));
	ck_assert(!dp_subject_has(&subject, NULL));
	ck_assert_uint_eq(dp_subject_count(&subject), 0);
}
END_TEST

START_TEST(test_subscribe_rejects_an_observer_without_a_callback)
{
	struct dp_subject subject;
	/* Zeroed by the initialiser, as a forgotten dp_observer_init() in
	 * static storage would leave it. */
	struct dp_observer observer = {.priority = 1};

	dp_subject_init(&subject);
	ck_assert_int_eq(dp_subject_subscribe(&subject, &observer), DP_EINVAL);
	ck_assert_uint_eq(dp_subject_count(&subject), 0);
	ck_assert(!dp_subject_has(&subject, &observer));
}
END_TEST

START_TEST(test_subscribing_twice_returns_eexist)
{
	const int priorities[] = {0};
	struct fixture f;

	fixture_init(&f, priorities, 1);
	ck_assert_int_eq(dp_subject_subscribe(&f.subject, &f.probes[0].node),
	                 DP_EEXIST);
	ck_assert_uint_eq(dp_subject_count(&f.subject), 1);
	ck_assert_str_eq(deliver(&f), "A");
	dp_subject_deinit(&f.subject);
}
END_TEST

START_TEST(test_subscribing_to_a_second_subject_returns_ebusy)
{
	struct dp_subject first, second;
	struct probe probe;

	dp_subject_init(&first);
	dp_subject_init(&second);
	probe_init(&probe, 'A', 0, &first);
	dp_subject_subscribe(&first, &probe.node);
	ck_assert_int_eq(dp_subject_subscribe(&second, &probe.node), DP_EBUSY);
	ck_assert_uint_eq(dp_subject_count(&second), 0);
	ck_assert(dp_subject_has(&first, &probe.node));
	ck_assert(!dp_subject_has(&second, &probe.node));
	/* Free again once it leaves the first. */
	dp_subject_unsubscribe(&first, &probe.node);
	ck_assert_int_eq(dp_subject_subscribe(&second, &probe.node), DP_OK);
	dp_subject_deinit(&first);
	dp_subject_deinit(&second);
}
END_TEST

START_TEST(test_unsubscribing_an_absent_observer_returns_enoent)
{
	struct dp_subject subject, other;
	struct probe never, twice, elsewhere;

	dp_subject_init(&subject);
	dp_subject_init(&other);
	probe_init(&never, 'A', 0, &subject);
	probe_init(&twice, 'B', 0, &subject);
	probe_init(&elsewhere, 'C', 0, &other);
	dp_subject_subscribe(&subject, &twice.node);
	dp_subject_subscribe(&other, &elsewhere.node);

	ck_assert_int_eq(dp_subject_unsubscribe(&subject, &never.node),
	                 DP_ENOENT);
	ck_assert_int_eq(dp_subject_unsubscribe(&subject, &twice.node), DP_OK);
	ck_assert_int_eq(dp_subject_unsubscribe(&subject, &twice.node),
	                 DP_ENOENT);
	ck_assert_int_eq(dp_subject_unsubscribe(&subject, &elsewhere.node),
	                 DP_ENOENT);
	ck_assert(dp_subject_has(&other, &elsewhere.node));
	ck_assert_uint_eq(dp_subject_count(&other), 1);
	ck_assert_uint_eq(dp_subject_count(&subject), 0);
	dp_subject_deinit(&subject);
	dp_subject_deinit(&other);
}
END_TEST

START_TEST(test_subscribe_refuses_more_observers_than_notify_can_count)
{
	struct dp_subject subject;
	struct probe probe;

	dp_subject_init(&subject);
	probe_init(&probe, 'A', 0, &subject);
	/* INT_MAX real nodes would take over 80 GB, so the test sets the
	 * private count the way that many subscriptions would. */
	subject.count = INT_MAX;
	ck_assert_int_eq(dp_subject_subscribe(&subject, &probe.node),
	                 DP_ERANGE);
	ck_assert(!dp_subject_has(&subject, &probe.node));
	subject.count = 0;
	ck_assert_int_eq(dp_subject_subscribe(&subject, &probe.node), DP_OK);
	dp_subject_deinit(&subject);
}
END_TEST

/* ---- changing the chain during a notification ----------------------------- */

START_TEST(test_observer_unsubscribing_itself_lets_the_rest_be_notified)
{
	/* Iteration _i: the first, a middle or the last observer leaves. */
	const int priorities[] = {3, 2, 1};
	static const char *const expected_next[] = {"BC", "AC", "AB"};
	struct fixture f;

	fixture_init(&f, priorities, 3);
	f.probes[_i].remove = &f.probes[_i].node;
	ck_assert_str_eq(deliver(&f), "ABC");
	ck_assert_int_eq(f.called, 3);
	ck_assert_int_eq(f.probes[_i].remove_rc, DP_OK);
	ck_assert(!dp_subject_has(&f.subject, &f.probes[_i].node));
	ck_assert_str_eq(deliver(&f), expected_next[_i]);
	ck_assert_int_eq(f.called, 2);
	dp_subject_deinit(&f.subject);
}
END_TEST

/* An observer that unsubscribes itself and frees its own memory: the
 * subject must never touch it again (ASan and valgrind would see it). */
struct one_shot {
	struct dp_observer node;
	struct dp_subject *subject;
	int *fired;
};

static int one_shot_notify(struct dp_observer *self, int event, void *data)
{
	struct one_shot *shot = dp_container_of(self, struct one_shot, node);

	(void)event;
	(void)data;
	(*shot->fired)++;
	dp_subject_unsubscribe(shot->subject, &shot->node);
	free(shot);
	return DP_NOTIFY_CONTINUE;
}

START_TEST(test_observer_may_free_itself_after_unsubscribing)
{
	const int priorities[] = {0};
	struct fixture f;
	int fired = 0;

	fixture_init(&f, priorities, 1);
	for (int i = 0; i < 3; i++) {
		struct one_shot *shot = malloc(sizeof(*shot));
		ck_assert_ptr_nonnull(shot);
		*shot = (struct one_shot){.subject = &f.subject,
		                          .fired = &fired};
		dp_observer_init(&shot->node, one_shot_notify, 10);
		dp_subject_subscribe(&f.subject, &shot->node);
	}
	ck_assert_str_eq(deliver(&f), "A");
	ck_assert_int_eq(f.called, 4);
	ck_assert_int_eq(fired, 3);
	ck_assert_uint_eq(dp_subject_count(&f.subject), 1);
	ck_assert_str_eq(deliver(&f), "A");
	ck_assert_int_eq(fired, 3);
	dp_subject_deinit(&f.subject);
}
END_TEST

START_TEST(test_observer_removed_before_its_turn_is_not_called)
{
	/* Iteration 0: A removes B, the very next one; 1: A removes C. */
	const int priorities[] = {3, 2, 1, 0};
	static const char *const expected[] = {"ACD", "ABD"};
	struct fixture f;

	fixture_init(&f, priorities, 4);
	f.probes[0].remove = &f.probes[1 + _i].node;
	ck_assert_str_eq(deliver(&f), expected[_i]);
	ck_assert_int_eq(f.called, 3);
	ck_assert_int_eq(f.probes[0].remove_rc, DP_OK);
	ck_assert_int_eq(f.probes[1 + _i].calls, 0);
	dp_subject_deinit(&f.subject);
}
END_TEST

START_TEST(test_observer_removed_after_its_turn_changes_nothing)
{
	const int priorities[] = {3, 2, 1};
	struct fixture f;

	fixture_init(&f, priorities, 3);
	f.probes[2].remove = &f.probes[0].node; /* C removes A */
	ck_assert_str_eq(deliver(&f), "ABC");
	ck_assert_int_eq(f.called, 3);
	ck_assert_int_eq(f.probes[2].remove_rc, DP_OK);
	f.probes[2].remove = NULL;
	ck_assert_str_eq(deliver(&f), "BC");
	dp_subject_deinit(&f.subject);
}
END_TEST

START_TEST(test_several_removals_in_one_delivery)
{
	/* Chain A(4) B(3) S(3) C(2) D(1). A removes D, far ahead; B removes
	 * itself; S removes C, the walk's saved next node. Only A and S are
	 * left, and nobody removed before its turn was f.called. */
	const int priorities[] = {4, 3, 3, 2, 1};
	struct fixture f;

	fixture_init(&f, priorities, 5);
	f.probes[2].name = 'S';
	f.probes[3].name = 'C';
	f.probes[4].name = 'D';
	f.probes[0].remove = &f.probes[4].node;
	f.probes[1].remove = &f.probes[1].node;
	f.probes[2].remove = &f.probes[3].node;
	ck_assert_str_eq(deliver(&f), "ABS");
	ck_assert_int_eq(f.called, 3);
	ck_assert_uint_eq(dp_subject_count(&f.subject), 2);
	ck_assert(dp_subject_has(&f.subject, &f.probes[0].node));
	ck_assert(dp_subject_has(&f.subject, &f.probes[2].node));
	dp_subject_deinit(&f.subject);
}
END_TEST

START_TEST(test_observer_subscribed_during_notify_waits_for_the_next_event)
{
	/* Iteration 0: the newcomer's priority puts it before the caller;
	 * 1: right after it; 2: at the very end. Never called this time. */
	const int newcomer_priority[] = {10, 2, -10};
	static const char *const expected_next[] = {"NAB", "ANB", "ABN"};
	const int priorities[] = {2, 1};
	struct fixture f;

	fixture_init(&f, priorities, 2);
	struct probe *newcomer = &f.probes['N' - 'A'];
	newcomer->node.priority = newcomer_priority[_i];
	f.probes[0].add = &newcomer->node;
	ck_assert_str_eq(deliver(&f), "AB");
	ck_assert_int_eq(f.called, 2);
	ck_assert_int_eq(f.probes[0].add_rc, DP_OK);
	ck_assert_int_eq(newcomer->calls, 0);
	f.probes[0].add = NULL;
	ck_assert_str_eq(deliver(&f), expected_next[_i]);
	ck_assert_int_eq(f.called, 3);
	dp_subject_deinit(&f.subject);
}
END_TEST

START_TEST(test_observer_leaving_and_rejoining_during_notify_is_called_once)
{
	/* A unsubscribes B, already called, and subscribes it again: it
	 * lands after C, ahead of the walk, but must not get the event twice.
	 * Here B does it to itself. */
	const int priorities[] = {3, 2, 2};
	struct fixture f;

	fixture_init(&f, priorities, 3);
	f.probes[1].remove = &f.probes[1].node;
	f.probes[1].add = &f.probes[1].node;
	ck_assert_str_eq(deliver(&f), "ABC");
	ck_assert_int_eq(f.called, 3);
	ck_assert_int_eq(f.probes[1].add_rc, DP_OK);
	f.probes[1].remove = NULL;
	f.probes[1].add = NULL;
	ck_assert_str_eq(deliver(&f), "ACB");
	dp_subject_deinit(&f.subject);
}
END_TEST

START_TEST(test_nested_notify_delivers_the_inner_event_first)
{
	const int priorities[] = {3, 2, 1};
	struct fixture f;

	fixture_init(&f, priorities, 3);
	f.probes[1].notify_inner = true;
	/* Lower case is the inner event: B's notification runs to the end
	 * before the outer one goes on to C. */
	ck_assert_str_eq(deliver(&f), "ABabcC");
	ck_assert_int_eq(f.called, 3);
	ck_assert_int_eq(f.probes[1].inner_called, 3);
	dp_subject_deinit(&f.subject);
}
END_TEST

START_TEST(test_removal_inside_a_nested_notify_updates_both_walks)
{
	/* Chain A(3) B(2) C(1) D(0). B notifies the inner event from its
	 * outer call, and removes C from its inner call. At that moment both
	 * walks hold C as their next node: the inner one, which is in B, and
	 * the outer one, paused in B. Neither may call C. */
	const int priorities[] = {3, 2, 1, 0};
	struct fixture f;

	fixture_init(&f, priorities, 4);
	f.probes[1].notify_inner = true;
	f.probes[1].act_on = EVENT_INNER;
	f.probes[1].remove = &f.probes[2].node;
	ck_assert_str_eq(deliver(&f), "ABabdD");
	ck_assert_int_eq(f.probes[1].remove_rc, DP_OK);
	ck_assert_int_eq(f.called, 3);
	ck_assert_int_eq(f.probes[1].inner_called, 3);
	ck_assert_int_eq(f.probes[2].calls, 0);
	dp_subject_deinit(&f.subject);
}
END_TEST

START_TEST(test_subscribed_during_an_outer_notify_gets_the_inner_event)
{
	/* A subscribes N during the outer event; B then notifies the inner
	 * event, which started after N joined, so N receives it, and only
	 * it: the outer event still skips N. */
	const int priorities[] = {3, 2};
	struct fixture f;

	fixture_init(&f, priorities, 2);
	struct probe *newcomer = &f.probes['N' - 'A'];
	f.probes[0].act_on = EVENT_OUTER;
	f.probes[0].add = &newcomer->node;
	f.probes[1].notify_inner = true;
	ck_assert_str_eq(deliver(&f), "ABabn");
	ck_assert_int_eq(f.called, 2);
	ck_assert_int_eq(f.probes[1].inner_called, 3);
	ck_assert_int_eq(newcomer->calls, 1);
	ck_assert_int_eq(newcomer->last_event, EVENT_INNER);
	dp_subject_deinit(&f.subject);
}
END_TEST

/* ---- deinit ---------------------------------------------------------------- */

START_TEST(test_deinit_unsubscribes_every_observer_without_calling_it)
{
	const int priorities[] = {1, 2, 3};
	struct fixture f;
	struct dp_subject other;

	fixture_init(&f, priorities, 3);
	ck_assert_int_eq(dp_subject_deinit(&f.subject), DP_OK);
	ck_assert_uint_eq(dp_subject_count(&f.subject), 0);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(f.probes[i].calls, 0);
		ck_assert(!dp_subject_has(&f.subject, &f.probes[i].node));
	}
	/* The old subject notifies nobody, and the observers are free to
	 * join another subject. */
	ck_assert_str_eq(deliver(&f), "");
	ck_assert_int_eq(f.called, 0);
	dp_subject_init(&other);
	ck_assert_int_eq(dp_subject_subscribe(&other, &f.probes[0].node),
	                 DP_OK);
	ck_assert_int_eq(dp_subject_deinit(&other), DP_OK);
}
END_TEST

START_TEST(test_deinit_during_notify_returns_ebusy_and_changes_nothing)
{
	const int priorities[] = {2, 1};
	struct fixture f;

	fixture_init(&f, priorities, 2);
	f.probes[0].deinit = true;
	ck_assert_str_eq(deliver(&f), "AB");
	ck_assert_int_eq(f.probes[0].deinit_rc, DP_EBUSY);
	ck_assert_uint_eq(dp_subject_count(&f.subject), 2);
	f.probes[0].deinit = false;
	ck_assert_int_eq(dp_subject_deinit(&f.subject), DP_OK);
}
END_TEST

/* ---- a reference model ------------------------------------------------------ */

START_TEST(test_random_subscriptions_match_a_reference_model)
{
	/* The model is an array of names in the expected delivery order,
	 * kept by the rule the header states: after every observer of higher
	 * or equal priority. */
	enum { OPS = 3000 };
	int priorities[PROBES];
	char model[PROBES + 1] = "";
	size_t model_length = 0;
	struct fixture f;
	uint64_t seed = 3;

	for (size_t i = 0; i < PROBES; i++)
		priorities[i] = (int)(dp_random_next(&seed) % 5);
	/* Set up all, subscribe none. */
	fixture_init(&f, priorities, 0);
	for (size_t i = 0; i < PROBES; i++)
		f.probes[i].node.priority = priorities[i];
	for (int op = 0; op < OPS; op++) {
		size_t i = dp_random_next(&seed) % PROBES;
		char *at = memchr(model, f.probes[i].name, model_length);
		if (at == NULL) {
			ck_assert_int_eq(dp_subject_subscribe(
						 &f.subject, &f.probes[i].node),
			                 DP_OK);
			size_t place = 0;
			while (place < model_length &&
			       f.probes[model[place] - 'A'].node.priority >=
			               f.probes[i].node.priority)
				place++;
			memmove(model + place + 1, model + place,
			        model_length - place + 1);
			model[place] = f.probes[i].name;
			model_length++;
		} else {
			ck_assert_int_eq(dp_subject_unsubscribe(
						 &f.subject, &f.probes[i].node),
			                 DP_OK);
			memmove(at, at + 1,
			        (size_t)(model + model_length - at));
			model_length--;
		}
		ck_assert_uint_eq(dp_subject_count(&f.subject), model_length);
		ck_assert_str_eq(deliver(&f), model);
		ck_assert_int_eq(f.called, (int)model_length);
	}
	dp_subject_deinit(&f.subject);
}
END_TEST

/* ---- no allocation ------------------------------------------------------------ */

START_TEST(test_subscribe_notify_and_unsubscribe_allocate_nothing)
{
	/* The API takes no allocator, and this proves it has no hidden
	 * malloc: the C library's count of bytes in use does not move. */
	enum { N = 1000 };
	static struct probe probes[N];
	struct dp_subject subject;

	struct mallinfo2 before = mallinfo2();
	dp_subject_init(&subject);
	for (size_t i = 0; i < N; i++) {
		probe_init(&probes[i], 'A', (int)(i % 7), &subject);
		dp_subject_subscribe(&subject, &probes[i].node);
	}
	int called = dp_subject_notify(&subject, EVENT_OUTER, NULL);
	for (size_t i = 0; i < N; i += 2)
		dp_subject_unsubscribe(&subject, &probes[i].node);
	dp_subject_deinit(&subject);
	struct mallinfo2 after = mallinfo2();

	ck_assert_int_eq(called, N);
	ck_assert_uint_eq(after.uordblks, before.uordblks);
	ck_assert_uint_eq(after.hblkhd, before.hblkhd);
}
END_TEST

static Suite *observer_suite(void)
{
	Suite *suite = suite_create("observer");
	TCase *tc;

	tc = dp_test_case(suite, "order");
	tcase_add_test(tc, test_notify_with_no_observers_calls_nobody);
	tcase_add_test(tc, test_higher_priority_is_notified_first);
	tcase_add_test(
		tc, test_equal_priorities_are_notified_in_subscription_order);
	tcase_add_test(tc, test_resubscribing_goes_after_its_equals);
	tcase_add_test(tc, test_every_observer_gets_the_same_event_and_data);
	tcase_add_test(tc, test_random_subscriptions_match_a_reference_model);

	tc = dp_test_case(suite, "stop");
	tcase_add_test(tc,
	               test_stop_ends_the_delivery_and_the_count_says_where);
	tcase_add_test(tc, test_only_stop_stops_other_values_continue);

	tc = dp_test_case(suite, "errors");
	tcase_add_test(tc, test_null_arguments_are_rejected_by_every_function);
	tcase_add_test(tc,
	               test_subscribe_rejects_an_observer_without_a_callback);
	tcase_add_test(tc, test_subscribing_twice_returns_eexist);
	tcase_add_test(tc, test_subscribing_to_a_second_subject_returns_ebusy);
	tcase_add_test(tc,
	               test_unsubscribing_an_absent_observer_returns_enoent);
	tcase_add_test(
		tc,
		test_subscribe_refuses_more_observers_than_notify_can_count);

	tc = dp_test_case(suite, "changes during notify");
	tcase_add_loop_test(
		tc,
		test_observer_unsubscribing_itself_lets_the_rest_be_notified, 0,
		3);
	tcase_add_test(tc, test_observer_may_free_itself_after_unsubscribing);
	tcase_add_loop_test(
		tc, test_observer_removed_before_its_turn_is_not_called, 0, 2);
	tcase_add_test(tc,
	               test_observer_removed_after_its_turn_changes_nothing);
	tcase_add_test(tc, test_several_removals_in_one_delivery);
	tcase_add_loop_test(
		tc,
		test_observer_subscribed_during_notify_waits_for_the_next_event,
		0, 3);
	tcase_add_test(
		tc,
		test_observer_leaving_and_rejoining_during_notify_is_called_once);
	tcase_add_test(tc, test_nested_notify_delivers_the_inner_event_first);
	tcase_add_test(tc,
	               test_removal_inside_a_nested_notify_updates_both_walks);
	tcase_add_test(
		tc,
		test_subscribed_during_an_outer_notify_gets_the_inner_event);

	tc = dp_test_case(suite, "deinit and memory");
	tcase_add_test(
		tc, test_deinit_unsubscribes_every_observer_without_calling_it);
	tcase_add_test(
		tc,
		test_deinit_during_notify_returns_ebusy_and_changes_nothing);
	tcase_add_test(tc,
	               test_subscribe_notify_and_unsubscribe_allocate_nothing);

	return suite;
}

int main(void)
{
	return dp_test_run(observer_suite());
}
