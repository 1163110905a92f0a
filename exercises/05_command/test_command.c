/*
 * The graded tests of exercise 05. Besides the "add" action they use a
 * probe action that writes every execute, undo and destroy into a trace, so
 * a test can check what the history did and in which order. Run them with
 * `make test EX=05_command`.
 */
#include "command.h"
#include "grade.h"
#include "grade_assert.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TRACE_MAX = 64 };

/* What happened, in order: "x3" executed probe 3, "u3" undid it, "d3"
 * destroyed it. */
struct trace {
	char text[TRACE_MAX * 5];
	int count;
};

static void trace_add(struct trace *trace, char what, int id)
{
	if (trace->count >= TRACE_MAX)
		return;
	size_t used = strlen(trace->text);
	snprintf(trace->text + used, sizeof(trace->text) - used, "%s%c%d",
	         trace->count > 0 ? " " : "", what, id);
	trace->count++;
}

struct probe_action {
	struct dp_action base; /* Base. Must be first. */
	int id;
	struct trace *trace;
	int fail_with; /* What execute returns; DP_OK to succeed. */
};

static int probe_execute(struct dp_action *action)
{
	struct probe_action *probe =
		dp_container_of(action, struct probe_action, base);

	if (probe->fail_with != DP_OK)
		return probe->fail_with;
	trace_add(probe->trace, 'x', probe->id);
	return DP_OK;
}

static int probe_undo(struct dp_action *action)
{
	struct probe_action *probe =
		dp_container_of(action, struct probe_action, base);

	trace_add(probe->trace, 'u', probe->id);
	return DP_OK;
}

static void probe_destroy(struct dp_action *action)
{
	struct probe_action *probe =
		dp_container_of(action, struct probe_action, base);

	trace_add(probe->trace, 'd', probe->id);
	free(probe);
}

static const struct dp_action_ops probe_ops = {
	.name = "probe",
	.execute = probe_execute,
	.undo = probe_undo,
	.destroy = probe_destroy,
};

static struct dp_action *probe_create(int id, struct trace *trace)
{
	struct probe_action *probe = calloc(1, sizeof(*probe));

	ck_assert_msg(probe != NULL, "out of memory in the test itself");
	*probe = (struct probe_action){
		.base = {.ops = &probe_ops}, .id = id, .trace = trace};
	return &probe->base;
}

static dp_history *history_create_or_fail(size_t capacity)
{
	dp_history *history = dp_history_create(capacity, NULL);

	ck_assert_msg(history != NULL,
	              "dp_history_create(%zu, NULL) returned NULL", capacity);
	return history;
}

/* Execute a new probe action `id` in `history`; return what
 * dp_history_execute() returned. */
static int execute_probe(dp_history *history, int id, struct trace *trace)
{
	struct dp_action *probe = probe_create(id, trace);
	int rc = dp_history_execute(history, probe);
	if (rc != DP_OK)
		free(probe); /* Still ours: the history refused it. */
	return rc;
}

START_TEST(test_add_action_executes_and_undoes)
{
	int value = 10;
	struct dp_action *add = dp_add_action_create(&value, 5, NULL);

	ck_assert_msg(add != NULL, "dp_add_action_create returned NULL");
	grade_assert_code(dp_action_execute(add), DP_OK);
	ck_assert_msg(value == 15,
	              "executing \"add 5\" on 10 should give 15, got %d",
	              value);
	grade_assert_code(dp_action_undo(add), DP_OK);
	ck_assert_msg(value == 10,
	              "undoing \"add 5\" should restore 10, got %d", value);
	ck_assert_msg(add->ops != NULL && add->ops->name != NULL &&
	                      strcmp(add->ops->name, "add") == 0,
	              "the add action's ops table should be named \"add\"");
	dp_action_destroy(add);
}
END_TEST

START_TEST(test_add_action_refuses_overflow)
{
	int value = INT_MAX - 1;
	struct dp_action *add = dp_add_action_create(&value, 5, NULL);

	ck_assert_msg(add != NULL, "dp_add_action_create returned NULL");
	/* Adding 5 to INT_MAX - 1 overflows. */
	grade_assert_code(dp_action_execute(add), DP_ERANGE);
	dp_action_destroy(add);
	ck_assert_msg(value == INT_MAX - 1,
	              "a failed execute must leave the receiver unchanged, it "
	              "became %d",
	              value);

	value = INT_MIN + 1;
	add = dp_add_action_create(&value, -5, NULL);
	ck_assert_msg(add != NULL, "dp_add_action_create returned NULL");
	/* Adding -5 to INT_MIN + 1 overflows. */
	grade_assert_code(dp_action_execute(add), DP_ERANGE);
	dp_action_destroy(add);
	ck_assert_msg(value == INT_MIN + 1,
	              "a failed execute must leave the receiver unchanged, it "
	              "changed by %d",
	              value - (INT_MIN + 1));
}
END_TEST

/* Execute `add`, let another edit set the receiver to `edited`, undo. */
static int undo_after_edit(struct dp_action *add, int *value, int start,
                           int edited)
{
	*value = start;
	grade_assert_code(dp_action_execute(add), DP_OK);
	*value = edited;
	return dp_action_undo(add);
}

START_TEST(test_add_action_undoes_int_min_exactly)
{
	int value = 0;
	struct dp_action *add = dp_add_action_create(&value, INT_MIN, NULL);

	ck_assert_msg(add != NULL, "dp_add_action_create returned NULL");
	grade_assert_code(dp_action_execute(add), DP_OK);
	ck_assert_msg(value == INT_MIN,
	              "0 + INT_MIN should give INT_MIN, got %d", value);
	grade_assert_code(dp_action_undo(add), DP_OK);
	ck_assert_msg(value == 0,
	              "undoing \"add INT_MIN\" on INT_MIN should restore 0, "
	              "got %d",
	              value);

	/* The receiver was edited between execute and undo: the undo
	 * subtracts INT_MIN from what is there, or refuses. */
	grade_assert_code(undo_after_edit(add, &value, 5, -1), DP_OK);
	ck_assert_msg(value == INT_MAX,
	              "undoing \"add INT_MIN\" on -1 should give -1 - INT_MIN "
	              "= INT_MAX, got %d",
	              value);
	grade_assert_code(undo_after_edit(add, &value, 5, 7), DP_ERANGE);
	ck_assert_msg(value == 7,
	              "7 - INT_MIN does not fit in an int: the undo must "
	              "return DP_ERANGE and leave 7, it left %d (adding "
	              "-INT_MIN, which wraps to INT_MIN, gives %d)",
	              value, 7 + INT_MIN);
	grade_assert_code(undo_after_edit(add, &value, INT_MAX, 0), DP_ERANGE);
	ck_assert_msg(value == 0,
	              "0 - INT_MIN does not fit in an int: the undo must "
	              "return DP_ERANGE and leave 0, it left %d",
	              value);
	dp_action_destroy(add);

	/* Through a history: execute, undo, redo, undo. */
	dp_history *history = history_create_or_fail(2);
	value = INT_MAX;
	add = dp_add_action_create(&value, INT_MIN, NULL);
	ck_assert_msg(add != NULL, "dp_add_action_create returned NULL");
	grade_assert_code(dp_history_execute(history, add), DP_OK);
	ck_assert_msg(value == -1, "INT_MAX + INT_MIN should be -1, got %d",
	              value);
	grade_assert_code(dp_history_undo(history), DP_OK);
	grade_assert_code(dp_history_redo(history), DP_OK);
	grade_assert_code(dp_history_undo(history), DP_OK);
	ck_assert_msg(value == INT_MAX,
	              "undo, redo, undo of \"add INT_MIN\" on INT_MAX should "
	              "leave INT_MAX, got %d",
	              value);
	dp_history_destroy(history);
}
END_TEST

START_TEST(test_history_undoes_and_redoes_in_order)
{
	int value = 0;
	dp_history *history = history_create_or_fail(10);
	struct dp_action *add5 = dp_add_action_create(&value, 5, NULL);
	struct dp_action *add7 = dp_add_action_create(&value, 7, NULL);

	ck_assert_msg(add5 != NULL && add7 != NULL,
	              "dp_add_action_create returned NULL");
	grade_assert_code(dp_history_execute(history, add5), DP_OK);
	grade_assert_code(dp_history_execute(history, add7), DP_OK);
	ck_assert_msg(value == 12, "0 + 5 + 7 should be 12, got %d", value);

	static const int expected_after_undo[] = {5, 0};
	for (int i = 0; i < 2; i++) {
		grade_assert_code(dp_history_undo(history), DP_OK);
		ck_assert_msg(value == expected_after_undo[i],
		              "undo %d should leave %d, got %d", i + 1,
		              expected_after_undo[i], value);
	}
	/* Everything is undone: there is nothing left to undo. */
	grade_assert_code(dp_history_undo(history), DP_ENOENT);
	ck_assert_msg(dp_history_redo_count(history) == 2,
	              "after 2 undos redo_count should be 2, got %zu",
	              dp_history_redo_count(history));

	static const int expected_after_redo[] = {5, 12};
	for (int i = 0; i < 2; i++) {
		grade_assert_code(dp_history_redo(history), DP_OK);
		ck_assert_msg(value == expected_after_redo[i],
		              "redo %d should give %d, got %d", i + 1,
		              expected_after_redo[i], value);
	}
	/* Nothing is undone any more: there is nothing to redo. */
	grade_assert_code(dp_history_redo(history), DP_ENOENT);
	ck_assert_msg(dp_history_undo_count(history) == 2,
	              "after redoing both, undo_count should be 2, got %zu",
	              dp_history_undo_count(history));
	dp_history_destroy(history);
}
END_TEST

START_TEST(test_new_command_clears_the_redo_side)
{
	struct trace trace = {0};
	dp_history *history = history_create_or_fail(5);

	grade_assert_code(execute_probe(history, 1, &trace), DP_OK);
	grade_assert_code(execute_probe(history, 2, &trace), DP_OK);
	grade_assert_code(execute_probe(history, 3, &trace), DP_OK);
	grade_assert_code(dp_history_undo(history), DP_OK);
	grade_assert_code(dp_history_undo(history), DP_OK);
	grade_assert_code(execute_probe(history, 4, &trace), DP_OK);

	ck_assert_msg(strstr(trace.text, "d2") != NULL &&
	                      strstr(trace.text, "d3") != NULL,
	              "executing a new action must destroy the undone actions "
	              "2 and 3; trace: \"%s\"",
	              trace.text);
	ck_assert_msg(dp_history_redo_count(history) == 0,
	              "a new action clears the redo side: redo_count should be "
	              "0, got %zu",
	              dp_history_redo_count(history));
	/* A new action cleared the redo side. */
	grade_assert_code(dp_history_redo(history), DP_ENOENT);
	ck_assert_msg(dp_history_undo_count(history) == 2,
	              "actions 1 and 4 are left to undo: undo_count should be "
	              "2, got %zu",
	              dp_history_undo_count(history));
	dp_history_destroy(history);
}
END_TEST

START_TEST(test_full_history_drops_the_oldest)
{
	struct trace trace = {0};
	dp_history *history = history_create_or_fail(3);

	for (int id = 1; id <= 5; id++)
		grade_assert_code(execute_probe(history, id, &trace), DP_OK);
	ck_assert_msg(strcmp(trace.text, "x1 x2 x3 x4 d1 x5 d2") == 0,
	              "with capacity 3, action 4 should drop action 1 and "
	              "action 5 drop action 2: expected trace \"x1 x2 x3 x4 "
	              "d1 x5 d2\", got \"%s\"",
	              trace.text);
	ck_assert_msg(dp_history_undo_count(history) == 3,
	              "a full history keeps capacity (3) actions, undo_count "
	              "is %zu",
	              dp_history_undo_count(history));

	for (int i = 0; i < 3; i++)
		grade_assert_code(dp_history_undo(history), DP_OK);
	/* Dropped actions cannot be undone: the 4th undo finds nothing. */
	grade_assert_code(dp_history_undo(history), DP_ENOENT);
	ck_assert_msg(strcmp(trace.text, "x1 x2 x3 x4 d1 x5 d2 u5 u4 u3") == 0,
	              "the undos should undo 5, 4, 3, newest first: expected "
	              "\"... u5 u4 u3\", got \"%s\"",
	              trace.text);
	dp_history_destroy(history);
}
END_TEST

START_TEST(test_failed_execute_is_not_recorded)
{
	struct trace trace = {0};
	dp_history *history = history_create_or_fail(5);

	grade_assert_code(execute_probe(history, 1, &trace), DP_OK);
	grade_assert_code(execute_probe(history, 2, &trace), DP_OK);
	grade_assert_code(dp_history_undo(history), DP_OK);

	struct dp_action *failing = probe_create(3, &trace);
	dp_container_of(failing, struct probe_action, base)->fail_with = DP_EIO;
	/* The history returns the code the action's execute returned. */
	grade_assert_code(dp_history_execute(history, failing), DP_EIO);
	ck_assert_msg(strstr(trace.text, "d3") == NULL,
	              "the history must not destroy an action it refused: the "
	              "caller still owns it; trace: \"%s\"",
	              trace.text);
	free(failing);
	ck_assert_msg(dp_history_undo_count(history) == 1 &&
	                      dp_history_redo_count(history) == 1,
	              "a failed execute changes nothing: expected undo_count 1 "
	              "and redo_count 1, got %zu and %zu",
	              dp_history_undo_count(history),
	              dp_history_redo_count(history));
	ck_assert_msg(strstr(trace.text, "d2") == NULL,
	              "a failed execute must keep the redo side; trace: \"%s\"",
	              trace.text);
	dp_history_destroy(history);
}
END_TEST

START_TEST(test_destroy_frees_every_command)
{
	struct dp_counting_allocator counter;
	int value = 0;

	dp_counting_allocator_init(&counter, NULL);
	dp_history *history = dp_history_create(4, &counter.base);
	ck_assert_msg(history != NULL, "dp_history_create returned NULL");
	for (int amount = 1; amount <= 3; amount++) {
		struct dp_action *add =
			dp_add_action_create(&value, amount, &counter.base);
		ck_assert_msg(add != NULL,
		              "dp_add_action_create returned NULL");
		grade_assert_code(dp_history_execute(history, add), DP_OK);
	}
	grade_assert_code(dp_history_undo(history), DP_OK);
	dp_history_destroy(history);

	ck_assert_msg(value == 3,
	              "destroying the history must not undo anything: value "
	              "should stay 3, got %d",
	              value);
	ck_assert_msg(counter.allocations >= 4,
	              "the history and each action should allocate through the "
	              "allocator given: expected at least 4 allocations, saw "
	              "%zu",
	              counter.allocations);
	ck_assert_msg(counter.live_blocks == 0,
	              "dp_history_destroy should free every action (done and "
	              "undone) and itself: %zu blocks still allocated",
	              counter.live_blocks);
}
END_TEST

START_TEST(test_history_rejects_invalid_arguments)
{
	int value = 0;
	dp_history *history = history_create_or_fail(2);
	dp_history *zero = dp_history_create(0, NULL);

	ck_assert_msg(zero == NULL, "dp_history_create(0, NULL) should return "
	                            "NULL");
	grade_assert_code(dp_history_execute(history, NULL), DP_EINVAL);
	struct dp_action *add = dp_add_action_create(&value, 1, NULL);
	ck_assert_msg(add != NULL, "dp_add_action_create returned NULL");
	grade_assert_code(dp_history_execute(NULL, add), DP_EINVAL);
	ck_assert_msg(value == 0,
	              "dp_history_execute(NULL, action) must execute nothing, "
	              "value became %d",
	              value);
	dp_action_destroy(add);

	static const struct dp_action_ops no_undo = {
		.name = "no undo",
		.execute = probe_execute,
	};
	struct trace trace = {0};
	struct probe_action incomplete = {
		.base = {.ops = &no_undo}, .id = 9, .trace = &trace};
	/* An action whose ops lack undo is refused before anything runs. */
	grade_assert_code(dp_history_execute(history, &incomplete.base),
	                  DP_EINVAL);
	ck_assert_msg(trace.count == 0,
	              "a refused action must not run; trace \"%s\"",
	              trace.text);
	grade_assert_code(dp_history_undo(NULL), DP_EINVAL);
	grade_assert_code(dp_history_redo(NULL), DP_EINVAL);
	dp_history_destroy(history);
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_add_action_executes_and_undoes",
         test_add_action_executes_and_undoes, 2,
         "Write the three dispatchers, then the add action: a struct "
         "with the base first, a static const ops table, and "
         "dp_container_of in each operation. README step 1."},
	{"test_add_action_refuses_overflow", test_add_action_refuses_overflow,
         1,
         "Test whether the sum fits BEFORE adding (an int overflow is "
         "undefined behaviour): compare with INT_MAX - amount, or add "
         "in a wider type."},
	{"test_add_action_undoes_int_min_exactly",
         test_add_action_undoes_int_min_exactly, 2,
         "Undo subtracts the amount; never negate it, since -INT_MIN does not "
         "exist in an int. Test whether value - amount fits before "
         "subtracting (compare with INT_MAX + amount or INT_MIN + amount, or "
         "subtract in a wider type) and return DP_ERANGE when it does not."},
	{"test_history_undoes_and_redoes_in_order",
         test_history_undoes_and_redoes_in_order, 3,
         "Keep the actions in one array: the first `done` are done, "
         "the "
         "rest up to `total` are undone. Undo moves the boundary down, "
         "redo moves it up. README step 2."},
	{"test_new_command_clears_the_redo_side",
         test_new_command_clears_the_redo_side, 3,
         "After a successful execute, destroy every action between "
         "`done` and `total` before recording the new one."},
	{"test_full_history_drops_the_oldest",
         test_full_history_drops_the_oldest, 4,
         "When the history is full, destroy the oldest action and "
         "shift "
         "(or advance the start of a ring) before recording. README "
         "step 3."},
	{"test_failed_execute_is_not_recorded",
         test_failed_execute_is_not_recorded, 2,
         "Execute first and return its error before touching the "
         "history; only a successful action changes ownership."},
	{"test_destroy_frees_every_command", test_destroy_frees_every_command,
         2,
         "Allocate with dp_alloc(alloc, ...), free with dp_free on the "
         "same allocator, and destroy both sides of the history in "
         "dp_history_destroy without undoing."},
	{"test_history_rejects_invalid_arguments",
         test_history_rejects_invalid_arguments, 1,
         "Check NULL arguments and incomplete ops tables before "
         "calling "
         "anything; capacity 0 makes no history."},
};

int main(int argc, char **argv)
{
	return grade_main("05_command", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
