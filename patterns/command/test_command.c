/*
 * Tests of the Command pattern: dispatch through the ops table, the exact
 * order in which a history, a macro and a queue execute, undo and destroy
 * their commands, every error path with its documented code, and every
 * allocation failure leaving things as they were without a leak.
 *
 * The commands under test are probes: each writes one event into a shared
 * trace, "+a" when command a executes, "-a" when it is undone and "~a"
 * when it is destroyed, so a test reads the whole order as one string.
 */
#include "command/command.h"
#include "common/dp_test.h"

#include <string.h>

struct trace {
	char events[512];
	size_t length;
	int value; /* The receiver: the sum of the executed probes' ids. */
};

struct probe {
	struct dp_command base; /* Base. Must be first. */
	const struct dp_allocator *alloc;
	struct trace *trace;
	char id;
	bool fail_execute; /* Return DP_EIO from execute, with no effect. */
	bool fail_undo;    /* Return DP_EIO from undo, with no effect. */
};

static void note(struct trace *trace, char event, char id)
{
	ck_assert_uint_lt(trace->length + 2, sizeof(trace->events));
	trace->events[trace->length++] = event;
	trace->events[trace->length++] = id;
	trace->events[trace->length] = '\0';
}

/* Start a new trace of the same receiver. */
static void forget(struct trace *trace)
{
	trace->length = 0;
	trace->events[0] = '\0';
}

/* Assert the events since the last check, then forget them. */
static void expect(struct trace *trace, const char *events)
{
	ck_assert_str_eq(trace->events, events);
	forget(trace);
}

static struct probe *to_probe(struct dp_command *command)
{
	return dp_container_of(command, struct probe, base);
}

static int probe_execute(struct dp_command *command)
{
	struct probe *probe = to_probe(command);

	if (probe->fail_execute)
		return DP_EIO;
	probe->trace->value += probe->id;
	note(probe->trace, '+', probe->id);
	return DP_OK;
}

static int probe_undo(struct dp_command *command)
{
	struct probe *probe = to_probe(command);

	if (probe->fail_undo)
		return DP_EIO;
	probe->trace->value -= probe->id;
	note(probe->trace, '-', probe->id);
	return DP_OK;
}

static void probe_destroy(struct dp_command *command)
{
	struct probe *probe = to_probe(command);

	note(probe->trace, '~', probe->id);
	dp_free(probe->alloc, probe);
}

static const struct dp_command_ops probe_ops = {
	.name = "probe",
	.execute = probe_execute,
	.undo = probe_undo,
	.destroy = probe_destroy,
};

/* The same probe, on storage the test owns: nothing may free it. */
static const struct dp_command_ops static_probe_ops = {
	.name = "static probe",
	.execute = probe_execute,
	.undo = probe_undo,
};

static struct dp_command *new_probe(struct trace *trace, char id,
                                    const struct dp_allocator *alloc)
{
	struct probe *probe = dp_alloc(alloc, sizeof(*probe));

	ck_assert_ptr_nonnull(probe);
	*probe = (struct probe){
		.base.ops = &probe_ops,
		.alloc = alloc,
		.trace = trace,
		.id = id,
	};
	return &probe->base;
}

/* Every test allocates its probes from a counter, to prove none leaks. */
struct fixture {
	struct trace trace;
	struct dp_counting_allocator probes;
};

static void setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	dp_counting_allocator_init(&f->probes, NULL);
}

static struct dp_command *make_probe(struct fixture *f, char id)
{
	return new_probe(&f->trace, id, &f->probes.base);
}

/* Execute probes named by `ids` through `history`, one each. */
static void execute_all(struct fixture *f, dp_command_history *history,
                        const char *ids)
{
	for (const char *id = ids; *id != '\0'; id++)
		ck_assert_int_eq(
			dp_command_history_execute(history, make_probe(f, *id)),
			DP_OK);
}

/* ---- the command and its dispatcher ------------------------------------- */

START_TEST(test_execute_and_undo_dispatch_through_the_ops_table)
{
	struct fixture f;
	setup(&f);
	struct dp_command *command = make_probe(&f, 'a');

	ck_assert_str_eq(dp_command_name(command), "probe");
	ck_assert_int_eq(dp_command_execute(command), DP_OK);
	ck_assert_int_eq(f.trace.value, 'a');
	ck_assert_int_eq(dp_command_undo(command), DP_OK);
	ck_assert_int_eq(f.trace.value, 0);
	dp_command_destroy(command);
	expect(&f.trace, "+a-a~a");
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_dispatch_rejects_null_and_incomplete_commands)
{
	struct trace trace = {0};
	struct dp_command_ops no_undo = probe_ops;
	no_undo.undo = NULL;
	struct dp_command_ops no_execute = probe_ops;
	no_execute.execute = NULL;
	struct dp_command_ops no_name = probe_ops;
	no_name.name = NULL;
	const struct dp_command_ops *const bad[] = {NULL, &no_undo, &no_execute,
	                                            &no_name};

	ck_assert_int_eq(dp_command_execute(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_command_undo(NULL), DP_EINVAL);
	dp_command_destroy(NULL);
	ck_assert_str_eq(dp_command_name(NULL), "(none)");
	for (size_t i = 0; i < DP_ARRAY_SIZE(bad); i++) {
		struct probe probe = {.base.ops = bad[i], .trace = &trace};
		ck_assert_int_eq(dp_command_execute(&probe.base), DP_EINVAL);
		ck_assert_int_eq(dp_command_undo(&probe.base), DP_EINVAL);
	}
	/* Nothing was called: a failed dispatch has no effect. */
	expect(&trace, "");
}
END_TEST

START_TEST(test_commands_without_destroy_are_never_freed)
{
	struct trace trace = {0};
	struct probe a = {
		.base.ops = &static_probe_ops, .trace = &trace, .id = 'a'};
	struct probe b = {
		.base.ops = &static_probe_ops, .trace = &trace, .id = 'b'};
	dp_command_history *history = dp_command_history_create(1, NULL);

	/* b pushes a out of the history; both live on this stack frame, so
	 * a free of either would be caught by the sanitizers. */
	ck_assert_int_eq(dp_command_history_execute(history, &a.base), DP_OK);
	ck_assert_int_eq(dp_command_history_execute(history, &b.base), DP_OK);
	dp_command_destroy(&a.base);
	dp_command_history_destroy(history);
	expect(&trace, "+a+b");
	ck_assert_str_eq(dp_command_name(&a.base), "static probe");
}
END_TEST

/* ---- the history ----------------------------------------------------------- */

START_TEST(test_history_create_rejects_zero_and_huge_capacity)
{
	ck_assert_ptr_null(dp_command_history_create(0, NULL));
	ck_assert_ptr_null(dp_command_history_create(SIZE_MAX, NULL));
	dp_command_history *history = dp_command_history_create(7, NULL);
	ck_assert_uint_eq(dp_command_history_capacity(history), 7);
	ck_assert_uint_eq(dp_command_history_undo_count(history), 0);
	ck_assert_uint_eq(dp_command_history_redo_count(history), 0);
	dp_command_history_destroy(history);
	dp_command_history_destroy(NULL);
}
END_TEST

START_TEST(test_undo_goes_back_in_reverse_order_and_redo_forward)
{
	struct fixture f;
	setup(&f);
	dp_command_history *history = dp_command_history_create(8, NULL);

	execute_all(&f, history, "abc");
	expect(&f.trace, "+a+b+c");
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(dp_command_history_undo(history), DP_OK);
	expect(&f.trace, "-c-b-a");
	ck_assert_int_eq(f.trace.value, 0);
	ck_assert_uint_eq(dp_command_history_redo_count(history), 3);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(dp_command_history_redo(history), DP_OK);
	expect(&f.trace, "+a+b");
	ck_assert_int_eq(f.trace.value, 'a' + 'b');
	ck_assert_uint_eq(dp_command_history_undo_count(history), 2);
	ck_assert_uint_eq(dp_command_history_redo_count(history), 1);
	dp_command_history_destroy(history);
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_undo_and_redo_with_nothing_to_do_return_enoent)
{
	struct fixture f;
	setup(&f);
	dp_command_history *history = dp_command_history_create(2, NULL);

	ck_assert_int_eq(dp_command_history_undo(history), DP_ENOENT);
	ck_assert_int_eq(dp_command_history_redo(history), DP_ENOENT);
	execute_all(&f, history, "a");
	ck_assert_int_eq(dp_command_history_redo(history), DP_ENOENT);
	ck_assert_int_eq(dp_command_history_undo(history), DP_OK);
	ck_assert_int_eq(dp_command_history_undo(history), DP_ENOENT);
	expect(&f.trace, "+a-a");
	dp_command_history_destroy(history);
	expect(&f.trace, "~a");
}
END_TEST

START_TEST(test_a_new_command_destroys_the_redo_side_newest_first)
{
	struct fixture f;
	setup(&f);
	dp_command_history *history = dp_command_history_create(8, NULL);

	execute_all(&f, history, "abcd");
	for (int i = 0; i < 3; i++)
		dp_command_history_undo(history);
	forget(&f.trace);
	execute_all(&f, history, "e");
	/* e runs first, and only then are d, c, b (undone) destroyed. */
	expect(&f.trace, "+e~d~c~b");
	ck_assert_uint_eq(dp_command_history_undo_count(history), 2);
	ck_assert_uint_eq(dp_command_history_redo_count(history), 0);
	ck_assert_int_eq(dp_command_history_redo(history), DP_ENOENT);
	dp_command_history_destroy(history);
	expect(&f.trace, "~e~a");
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_a_full_history_destroys_its_oldest_command)
{
	struct fixture f;
	setup(&f);
	dp_command_history *history = dp_command_history_create(3, NULL);

	execute_all(&f, history, "abc");
	ck_assert_uint_eq(dp_command_history_undo_count(history), 3);
	execute_all(&f, history, "d");
	expect(&f.trace, "+a+b+c+d~a");
	execute_all(&f, history, "ef");
	expect(&f.trace, "+e~b+f~c");
	ck_assert_uint_eq(dp_command_history_undo_count(history), 3);
	/* Only the last three can be undone, newest first. */
	while (dp_command_history_undo(history) == DP_OK)
		;
	expect(&f.trace, "-f-e-d");
	ck_assert_int_eq(f.trace.value, 'a' + 'b' + 'c');
	while (dp_command_history_redo(history) == DP_OK)
		;
	expect(&f.trace, "+d+e+f");
	dp_command_history_destroy(history);
	expect(&f.trace, "~f~e~d");
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_ring_wraps_around_many_times_in_order)
{
	struct fixture f;
	setup(&f);
	dp_command_history *history = dp_command_history_create(3, NULL);

	/* 26 commands through 3 slots, undoing one now and then so the
	 * redo side is cut at every position of the ring. */
	for (char id = 'a'; id <= 'z'; id++) {
		execute_all(&f, history, (char[]){id, '\0'});
		if (id % 4 == 0)
			dp_command_history_undo(history);
	}
	forget(&f.trace);
	while (dp_command_history_undo(history) == DP_OK)
		;
	expect(&f.trace, "-z-y-w");
	dp_command_history_destroy(history);
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_a_failed_command_is_not_recorded_and_stays_the_callers)
{
	struct fixture f;
	setup(&f);
	dp_command_history *history = dp_command_history_create(4, NULL);

	execute_all(&f, history, "ab");
	dp_command_history_undo(history);
	forget(&f.trace);
	struct dp_command *failing = make_probe(&f, 'x');
	to_probe(failing)->fail_execute = true;
	ck_assert_int_eq(dp_command_history_execute(history, failing), DP_EIO);
	/* Not recorded, nothing destroyed: b can still be redone. */
	expect(&f.trace, "");
	ck_assert_uint_eq(dp_command_history_undo_count(history), 1);
	ck_assert_uint_eq(dp_command_history_redo_count(history), 1);
	ck_assert_int_eq(dp_command_history_redo(history), DP_OK);
	expect(&f.trace, "+b");
	dp_command_destroy(failing);
	expect(&f.trace, "~x");
	dp_command_history_destroy(history);
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_failed_undo_and_redo_leave_the_history_unchanged)
{
	struct fixture f;
	setup(&f);
	dp_command_history *history = dp_command_history_create(4, NULL);

	execute_all(&f, history, "ab");
	struct probe *b = to_probe(
		(struct dp_command *)dp_command_history_next_undo(history));
	b->fail_undo = true;
	ck_assert_int_eq(dp_command_history_undo(history), DP_EIO);
	ck_assert_uint_eq(dp_command_history_undo_count(history), 2);
	b->fail_undo = false;
	ck_assert_int_eq(dp_command_history_undo(history), DP_OK);
	b->fail_execute = true;
	ck_assert_int_eq(dp_command_history_redo(history), DP_EIO);
	ck_assert_uint_eq(dp_command_history_redo_count(history), 1);
	b->fail_execute = false;
	ck_assert_int_eq(dp_command_history_redo(history), DP_OK);
	expect(&f.trace, "+a+b-b+b");
	dp_command_history_destroy(history);
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_destroying_a_history_destroys_every_command_newest_first)
{
	struct fixture f;
	setup(&f);
	dp_command_history *history = dp_command_history_create(5, NULL);

	execute_all(&f, history, "abcd");
	dp_command_history_undo(history);
	dp_command_history_undo(history);
	forget(&f.trace);
	dp_command_history_destroy(history);
	/* Destroyed, not undone: the receiver keeps a and b. */
	expect(&f.trace, "~d~c~b~a");
	ck_assert_int_eq(f.trace.value, 'a' + 'b');
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_next_undo_and_next_redo_point_at_the_right_commands)
{
	struct fixture f;
	setup(&f);
	dp_command_history *history = dp_command_history_create(4, NULL);

	ck_assert_ptr_null(dp_command_history_next_undo(history));
	ck_assert_ptr_null(dp_command_history_next_redo(history));
	struct dp_command *a = make_probe(&f, 'a');
	struct dp_command *b = make_probe(&f, 'b');
	dp_command_history_execute(history, a);
	dp_command_history_execute(history, b);
	ck_assert_ptr_eq(dp_command_history_next_undo(history), b);
	ck_assert_ptr_null(dp_command_history_next_redo(history));
	dp_command_history_undo(history);
	ck_assert_ptr_eq(dp_command_history_next_undo(history), a);
	ck_assert_ptr_eq(dp_command_history_next_redo(history), b);
	dp_command_history_destroy(history);
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_history_functions_reject_null_and_incomplete_arguments)
{
	struct fixture f;
	setup(&f);
	dp_command_history *history = dp_command_history_create(2, NULL);
	struct probe no_ops = {.trace = &f.trace};
	struct dp_command *a = make_probe(&f, 'a');

	ck_assert_int_eq(dp_command_history_execute(NULL, a), DP_EINVAL);
	ck_assert_int_eq(dp_command_history_execute(history, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_command_history_execute(history, &no_ops.base),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_command_history_undo(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_command_history_redo(NULL), DP_EINVAL);
	ck_assert_uint_eq(dp_command_history_undo_count(NULL), 0);
	ck_assert_uint_eq(dp_command_history_redo_count(NULL), 0);
	ck_assert_uint_eq(dp_command_history_capacity(NULL), 0);
	ck_assert_ptr_null(dp_command_history_next_undo(NULL));
	ck_assert_ptr_null(dp_command_history_next_redo(NULL));
	/* The probe refused with a NULL history never ran; it is ours. */
	expect(&f.trace, "");
	ck_assert_uint_eq(f.probes.live_blocks, 1);
	dp_command_destroy(a);
	dp_command_history_destroy(history);
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_recording_never_allocates_after_create)
{
	struct fixture f;
	setup(&f);
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_command_history *history =
		dp_command_history_create(4, &counter.base);

	ck_assert_uint_eq(counter.allocations, 2);
	execute_all(&f, history, "abcdefgh");
	dp_command_history_undo(history);
	dp_command_history_redo(history);
	ck_assert_uint_eq(counter.allocations, 2);
	ck_assert_uint_eq(counter.reallocations, 0);
	dp_command_history_destroy(history);
	ck_assert_uint_eq(counter.live_blocks, 0);
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

/* ---- macros ---------------------------------------------------------------- */

/* A macro of one probe per character of `ids`. */
static struct dp_command *new_macro(struct fixture *f, const char *ids)
{
	struct dp_command *macro = dp_command_macro_create(NULL);

	ck_assert_ptr_nonnull(macro);
	for (const char *id = ids; *id != '\0'; id++)
		ck_assert_int_eq(
			dp_command_macro_append(macro, make_probe(f, *id)),
			DP_OK);
	return macro;
}

START_TEST(test_macro_executes_in_order_and_undoes_in_reverse)
{
	struct fixture f;
	setup(&f);
	struct dp_command *macro = new_macro(&f, "abc");

	ck_assert(dp_command_is_macro(macro));
	ck_assert_str_eq(dp_command_name(macro), "macro");
	ck_assert_uint_eq(dp_command_macro_count(macro), 3);
	ck_assert_int_eq(dp_command_execute(macro), DP_OK);
	ck_assert_int_eq(dp_command_undo(macro), DP_OK);
	dp_command_destroy(macro);
	expect(&f.trace, "+a+b+c-c-b-a~a~b~c");
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_a_failing_step_undoes_the_steps_already_done)
{
	struct fixture f;
	setup(&f);
	struct dp_command *macro = dp_command_macro_create(NULL);
	struct dp_command *c = make_probe(&f, 'c');

	dp_command_macro_append(macro, make_probe(&f, 'a'));
	dp_command_macro_append(macro, make_probe(&f, 'b'));
	dp_command_macro_append(macro, c);
	dp_command_macro_append(macro, make_probe(&f, 'd'));
	to_probe(c)->fail_execute = true;
	ck_assert_int_eq(dp_command_execute(macro), DP_EIO);
	expect(&f.trace, "+a+b-b-a");
	ck_assert_int_eq(f.trace.value, 0);
	/* Not done, so it can still be changed and run again. */
	to_probe(c)->fail_execute = false;
	ck_assert_int_eq(dp_command_macro_append(macro, make_probe(&f, 'e')),
	                 DP_OK);
	ck_assert_int_eq(dp_command_execute(macro), DP_OK);
	expect(&f.trace, "+a+b+c+d+e");
	dp_command_destroy(macro);
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_a_failing_undo_step_redoes_the_steps_already_undone)
{
	struct fixture f;
	setup(&f);
	struct dp_command *macro = dp_command_macro_create(NULL);
	struct dp_command *b = make_probe(&f, 'b');

	dp_command_macro_append(macro, make_probe(&f, 'a'));
	dp_command_macro_append(macro, b);
	dp_command_macro_append(macro, make_probe(&f, 'c'));
	dp_command_macro_append(macro, make_probe(&f, 'd'));
	ck_assert_int_eq(dp_command_execute(macro), DP_OK);
	forget(&f.trace);
	to_probe(b)->fail_undo = true;
	ck_assert_int_eq(dp_command_undo(macro), DP_EIO);
	expect(&f.trace, "-d-c+c+d");
	ck_assert_int_eq(f.trace.value, 'a' + 'b' + 'c' + 'd');
	/* Still done: appending is still refused. */
	struct dp_command *e = make_probe(&f, 'e');
	ck_assert_int_eq(dp_command_macro_append(macro, e), DP_EBUSY);
	dp_command_destroy(e);
	dp_command_destroy(macro);
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_macro_append_rejects_bad_arguments_and_keeps_the_step)
{
	struct fixture f;
	setup(&f);
	struct dp_command *macro = new_macro(&f, "a");
	struct dp_command *step = make_probe(&f, 'b');
	struct dp_command *not_macro = make_probe(&f, 'n');
	struct probe no_ops = {.trace = &f.trace};

	ck_assert_int_eq(dp_command_macro_append(NULL, step), DP_EINVAL);
	ck_assert_int_eq(dp_command_macro_append(not_macro, step), DP_EINVAL);
	ck_assert_int_eq(dp_command_macro_append(macro, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_command_macro_append(macro, &no_ops.base),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_command_macro_append(macro, macro), DP_EINVAL);
	ck_assert_int_eq(dp_command_execute(macro), DP_OK);
	ck_assert_int_eq(dp_command_macro_append(macro, step), DP_EBUSY);
	ck_assert_uint_eq(dp_command_macro_count(macro), 1);
	ck_assert_int_eq(dp_command_undo(macro), DP_OK);
	ck_assert_int_eq(dp_command_macro_append(macro, step), DP_OK);
	ck_assert_uint_eq(dp_command_macro_count(macro), 2);
	ck_assert_uint_eq(dp_command_macro_count(not_macro), 0);
	ck_assert_uint_eq(dp_command_macro_count(NULL), 0);
	ck_assert(!dp_command_is_macro(not_macro));
	ck_assert(!dp_command_is_macro(NULL));
	dp_command_destroy(not_macro);
	dp_command_destroy(macro);
	expect(&f.trace, "+a-a~n~a~b");
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_an_empty_macro_does_nothing_and_succeeds)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	struct dp_command *macro = dp_command_macro_create(&counter.base);

	ck_assert_uint_eq(dp_command_macro_count(macro), 0);
	ck_assert_int_eq(dp_command_execute(macro), DP_OK);
	ck_assert_int_eq(dp_command_undo(macro), DP_OK);
	ck_assert_uint_eq(counter.live_blocks, 1);
	dp_command_destroy(macro);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_a_macro_in_a_history_is_one_undo_step)
{
	struct fixture f;
	setup(&f);
	dp_command_history *history = dp_command_history_create(4, NULL);

	execute_all(&f, history, "x");
	ck_assert_int_eq(
		dp_command_history_execute(history, new_macro(&f, "abc")),
		DP_OK);
	ck_assert_uint_eq(dp_command_history_undo_count(history), 2);
	ck_assert_int_eq(dp_command_history_undo(history), DP_OK);
	ck_assert_int_eq(dp_command_history_redo(history), DP_OK);
	expect(&f.trace, "+x+a+b+c-c-b-a+a+b+c");
	dp_command_history_destroy(history);
	expect(&f.trace, "~a~b~c~x");
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

/* ---- the queue ------------------------------------------------------------- */

static void push_all(struct fixture *f, dp_command_queue *queue,
                     const char *ids)
{
	for (const char *id = ids; *id != '\0'; id++)
		ck_assert_int_eq(
			dp_command_queue_push(queue, make_probe(f, *id)),
			DP_OK);
}

START_TEST(test_queue_runs_first_in_first_out_in_batches)
{
	struct fixture f;
	setup(&f);
	dp_command_queue *queue = dp_command_queue_create(NULL);
	dp_command_history *history = dp_command_history_create(8, NULL);
	size_t ran = 99;

	push_all(&f, queue, "abcde");
	expect(&f.trace, "");
	ck_assert_uint_eq(dp_command_queue_size(queue), 5);
	ck_assert_int_eq(dp_command_queue_run(queue, history, 2, &ran), DP_OK);
	ck_assert_uint_eq(ran, 2);
	expect(&f.trace, "+a+b");
	ck_assert_uint_eq(dp_command_queue_size(queue), 3);
	ck_assert_int_eq(dp_command_queue_run(queue, history, 10, &ran), DP_OK);
	ck_assert_uint_eq(ran, 3);
	expect(&f.trace, "+c+d+e");
	ck_assert_int_eq(dp_command_queue_run(queue, history, 10, &ran), DP_OK);
	ck_assert_uint_eq(ran, 0);
	/* Recorded: they undo like any other command. */
	ck_assert_uint_eq(dp_command_history_undo_count(history), 5);
	dp_command_history_undo(history);
	expect(&f.trace, "-e");
	dp_command_queue_destroy(queue);
	dp_command_history_destroy(history);
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_queue_run_with_batch_zero_runs_everything_queued)
{
	struct fixture f;
	setup(&f);
	dp_command_queue *queue = dp_command_queue_create(NULL);
	dp_command_history *history = dp_command_history_create(8, NULL);
	size_t ran = 0;

	push_all(&f, queue, "abc");
	ck_assert_int_eq(dp_command_queue_run(queue, history, 0, &ran), DP_OK);
	ck_assert_uint_eq(ran, 3);
	ck_assert_uint_eq(dp_command_queue_size(queue), 0);
	expect(&f.trace, "+a+b+c");
	dp_command_queue_destroy(queue);
	dp_command_history_destroy(history);
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_a_failing_queued_command_stops_the_run_and_is_destroyed)
{
	struct fixture f;
	setup(&f);
	dp_command_queue *queue = dp_command_queue_create(NULL);
	dp_command_history *history = dp_command_history_create(8, NULL);
	struct dp_command *c = make_probe(&f, 'c');
	size_t ran = 99;

	push_all(&f, queue, "ab");
	to_probe(c)->fail_execute = true;
	dp_command_queue_push(queue, c);
	push_all(&f, queue, "de");
	ck_assert_int_eq(dp_command_queue_run(queue, history, 0, &ran), DP_EIO);
	ck_assert_uint_eq(ran, 2);
	expect(&f.trace, "+a+b~c");
	ck_assert_uint_eq(dp_command_history_undo_count(history), 2);
	ck_assert_uint_eq(dp_command_queue_size(queue), 2);
	ck_assert_int_eq(dp_command_queue_run(queue, history, 0, &ran), DP_OK);
	expect(&f.trace, "+d+e");
	dp_command_queue_destroy(queue);
	dp_command_history_destroy(history);
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_queue_without_history_destroys_each_command_after_it_runs)
{
	struct fixture f;
	setup(&f);
	dp_command_queue *queue = dp_command_queue_create(NULL);
	struct dp_command *c = make_probe(&f, 'c');
	size_t ran = 99;

	push_all(&f, queue, "ab");
	to_probe(c)->fail_execute = true;
	dp_command_queue_push(queue, c);
	ck_assert_int_eq(dp_command_queue_run(queue, NULL, 0, &ran), DP_EIO);
	ck_assert_uint_eq(ran, 2);
	expect(&f.trace, "+a~a+b~b~c");
	ck_assert_int_eq(f.trace.value, 'a' + 'b');
	dp_command_queue_destroy(queue);
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_queue_keeps_its_order_when_it_grows_around_the_ring)
{
	struct fixture f;
	setup(&f);
	dp_command_queue *queue = dp_command_queue_create(NULL);

	/* The first ring has 8 slots: run 5 of 7 so the head is at 5, then
	 * push 10 more, which wraps and then grows. */
	push_all(&f, queue, "abcdefg");
	ck_assert_int_eq(dp_command_queue_run(queue, NULL, 5, NULL), DP_OK);
	push_all(&f, queue, "hijklmnopq");
	ck_assert_uint_eq(dp_command_queue_size(queue), 12);
	forget(&f.trace);
	ck_assert_int_eq(dp_command_queue_run(queue, NULL, 0, NULL), DP_OK);
	expect(&f.trace, "+f~f+g~g+h~h+i~i+j~j+k~k+l~l+m~m+n~n+o~o+p~p+q~q");
	dp_command_queue_destroy(queue);
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_destroying_a_queue_destroys_unrun_commands_in_order)
{
	struct fixture f;
	setup(&f);
	dp_command_queue *queue = dp_command_queue_create(NULL);

	push_all(&f, queue, "abc");
	dp_command_queue_destroy(queue);
	dp_command_queue_destroy(NULL);
	expect(&f.trace, "~a~b~c");
	ck_assert_int_eq(f.trace.value, 0);
	ck_assert_uint_eq(f.probes.live_blocks, 0);
}
END_TEST

START_TEST(test_queue_functions_reject_null_and_incomplete_arguments)
{
	struct fixture f;
	setup(&f);
	dp_command_queue *queue = dp_command_queue_create(NULL);
	struct probe no_ops = {.trace = &f.trace};
	struct dp_command *a = make_probe(&f, 'a');
	size_t ran = 99;

	ck_assert_int_eq(dp_command_queue_push(NULL, a), DP_EINVAL);
	ck_assert_int_eq(dp_command_queue_push(queue, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_command_queue_push(queue, &no_ops.base), DP_EINVAL);
	ck_assert_int_eq(dp_command_queue_run(NULL, NULL, 0, &ran), DP_EINVAL);
	ck_assert_uint_eq(ran, 99);
	ck_assert_uint_eq(dp_command_queue_size(NULL), 0);
	ck_assert_uint_eq(dp_command_queue_size(queue), 0);
	dp_command_destroy(a);
	dp_command_queue_destroy(queue);
	expect(&f.trace, "~a");
}
END_TEST

/* ---- every allocation failure: no effect, no leak ------------------------ */

/*
 * Each sweep fails the 1st, 2nd, 3rd... allocation of one operation until
 * the operation succeeds without reaching the failure, so every DP_ENOMEM
 * path is taken once. The counting allocator underneath proves that none
 * of them leaks; probes come from their own counter, so only the
 * library's allocations can fail.
 */
enum operation {
	OP_HISTORY_CREATE,
	OP_MACRO_CREATE,
	OP_MACRO_APPEND,
	OP_QUEUE_CREATE,
	OP_QUEUE_PUSH,
	N_OPERATIONS
};

/* Prepare a macro of 4 steps or a queue of 8, wrapped around its ring,
 * so the next append or push must grow; then do it, failing the n-th
 * request. Returns whether the failure was reached. */
static bool fail_once(enum operation operation, size_t n)
{
	struct fixture f;
	setup(&f);
	struct dp_counting_allocator counter;
	struct dp_failing_allocator failing;
	dp_counting_allocator_init(&counter, NULL);
	dp_failing_allocator_init(&failing, 0, &counter.base);
	const struct dp_allocator *alloc = &failing.base;
	struct dp_command *macro = NULL;
	dp_command_queue *queue = NULL;

	switch (operation) {
	case OP_HISTORY_CREATE: {
		failing.fail_at = n;
		dp_command_history *history =
			dp_command_history_create(4, alloc);
		ck_assert(failing.failed == (history == NULL));
		dp_command_history_destroy(history);
		break;
	}
	case OP_MACRO_CREATE:
		failing.fail_at = n;
		macro = dp_command_macro_create(alloc);
		ck_assert(failing.failed == (macro == NULL));
		break;
	case OP_MACRO_APPEND: {
		macro = dp_command_macro_create(alloc);
		for (char id = 'a'; id < 'e'; id++)
			dp_command_macro_append(macro, make_probe(&f, id));
		struct dp_command *step = make_probe(&f, 'e');
		failing.fail_at = failing.requests + n;
		int rc = dp_command_macro_append(macro, step);
		ck_assert_int_eq(rc, failing.failed ? DP_ENOMEM : DP_OK);
		ck_assert_uint_eq(dp_command_macro_count(macro),
		                  failing.failed ? 4 : 5);
		if (rc != DP_OK)
			dp_command_destroy(step);
		ck_assert_int_eq(dp_command_execute(macro), DP_OK);
		ck_assert_int_eq(f.trace.value,
		                 failing.failed ? 'a' + 'b' + 'c' + 'd'
		                                : 'a' + 'b' + 'c' + 'd' + 'e');
		break;
	}
	case OP_QUEUE_CREATE:
		failing.fail_at = n;
		queue = dp_command_queue_create(alloc);
		ck_assert(failing.failed == (queue == NULL));
		break;
	case OP_QUEUE_PUSH: {
		queue = dp_command_queue_create(alloc);
		push_all(&f, queue, "xyz");
		dp_command_queue_run(queue, NULL, 0, NULL);
		push_all(&f, queue, "abcdefgh");
		struct dp_command *step = make_probe(&f, 'i');
		failing.fail_at = failing.requests + n;
		int rc = dp_command_queue_push(queue, step);
		ck_assert_int_eq(rc, failing.failed ? DP_ENOMEM : DP_OK);
		if (rc != DP_OK)
			dp_command_destroy(step);
		forget(&f.trace);
		dp_command_queue_run(queue, NULL, 0, NULL);
		expect(&f.trace,
		       failing.failed ? "+a~a+b~b+c~c+d~d+e~e+f~f+g~g+h~h"
		                      : "+a~a+b~b+c~c+d~d+e~e+f~f+g~g+h~h+i~i");
		break;
	}
	case N_OPERATIONS:
		break;
	}
	dp_command_destroy(macro);
	dp_command_queue_destroy(queue);
	ck_assert_uint_eq(counter.live_blocks, 0);
	ck_assert_uint_eq(f.probes.live_blocks, 0);
	return failing.failed;
}

START_TEST(test_every_allocation_failure_returns_enomem_and_leaks_nothing)
{
	size_t failures = 0;

	for (size_t n = 1; fail_once((enum operation)_i, n); n++) {
		failures++;
		ck_assert_uint_lt(n, 100); /* Cannot loop forever. */
	}
	/* Each operation has at least one allocation that can fail. */
	ck_assert_uint_ge(failures, 1);
}
END_TEST

static Suite *command_suite(void)
{
	Suite *suite = suite_create("command");
	TCase *tc;

	tc = dp_test_case(suite, "command");
	tcase_add_test(tc,
	               test_execute_and_undo_dispatch_through_the_ops_table);
	tcase_add_test(tc, test_dispatch_rejects_null_and_incomplete_commands);
	tcase_add_test(tc, test_commands_without_destroy_are_never_freed);

	tc = dp_test_case(suite, "history");
	tcase_add_test(tc, test_history_create_rejects_zero_and_huge_capacity);
	tcase_add_test(tc,
	               test_undo_goes_back_in_reverse_order_and_redo_forward);
	tcase_add_test(tc, test_undo_and_redo_with_nothing_to_do_return_enoent);
	tcase_add_test(tc,
	               test_a_new_command_destroys_the_redo_side_newest_first);
	tcase_add_test(tc, test_a_full_history_destroys_its_oldest_command);
	tcase_add_test(tc, test_ring_wraps_around_many_times_in_order);
	tcase_add_test(
		tc,
		test_a_failed_command_is_not_recorded_and_stays_the_callers);
	tcase_add_test(tc,
	               test_failed_undo_and_redo_leave_the_history_unchanged);
	tcase_add_test(
		tc,
		test_destroying_a_history_destroys_every_command_newest_first);
	tcase_add_test(
		tc, test_next_undo_and_next_redo_point_at_the_right_commands);
	tcase_add_test(
		tc,
		test_history_functions_reject_null_and_incomplete_arguments);
	tcase_add_test(tc, test_recording_never_allocates_after_create);

	tc = dp_test_case(suite, "macro");
	tcase_add_test(tc, test_macro_executes_in_order_and_undoes_in_reverse);
	tcase_add_test(tc, test_a_failing_step_undoes_the_steps_already_done);
	tcase_add_test(
		tc, test_a_failing_undo_step_redoes_the_steps_already_undone);
	tcase_add_test(
		tc, test_macro_append_rejects_bad_arguments_and_keeps_the_step);
	tcase_add_test(tc, test_an_empty_macro_does_nothing_and_succeeds);
	tcase_add_test(tc, test_a_macro_in_a_history_is_one_undo_step);

	tc = dp_test_case(suite, "queue");
	tcase_add_test(tc, test_queue_runs_first_in_first_out_in_batches);
	tcase_add_test(tc,
	               test_queue_run_with_batch_zero_runs_everything_queued);
	tcase_add_test(
		tc,
		test_a_failing_queued_command_stops_the_run_and_is_destroyed);
	tcase_add_test(
		tc,
		test_queue_without_history_destroys_each_command_after_it_runs);
	tcase_add_test(
		tc, test_queue_keeps_its_order_when_it_grows_around_the_ring);
	tcase_add_test(
		tc, test_destroying_a_queue_destroys_unrun_commands_in_order);
	tcase_add_test(
		tc, test_queue_functions_reject_null_and_incomplete_arguments);

	tc = dp_test_case(suite, "out of memory");
	tcase_add_loop_test(
		tc,
		test_every_allocation_failure_returns_enomem_and_leaks_nothing,
		0, N_OPERATIONS);
	return suite;
}

int main(void)
{
	return dp_test_run(command_suite());
}
