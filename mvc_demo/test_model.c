/*
 * Tests of the demo's model, commands, undo/redo and filters, and the
 * proof that bulk changes notify observers once.
 */
#include "commands.h"
#include "common/dp_test.h"
#include "filters.h"
#include "model.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* An observer that counts notifications. */
struct counter {
	struct dp_observer observer;
	int calls;
};

static int count_call(struct dp_observer *self, int event, void *data)
{
	struct counter *counter =
		dp_container_of(self, struct counter, observer);

	ck_assert(event == TODO_EVENT_CHANGED || event == TODO_EVENT_ITEM);
	ck_assert_ptr_nonnull(data);
	counter->calls++;
	return DP_NOTIFY_CONTINUE;
}

static todo_model *model_with(const char *const *titles, size_t count)
{
	todo_model *model = todo_model_create(NULL);

	ck_assert_ptr_nonnull(model);
	for (size_t i = 0; i < count; i++)
		ck_assert_int_eq(
			todo_model_insert(model, i, 0, titles[i], false, NULL),
			DP_OK);
	return model;
}

static const char *const THREE[] = {"Buy milk", "Walk the dog", "Call Mom"};

/* The titles in order, joined by '|', with a '*' before a done one. */
static void describe(const todo_model *model, char *out, size_t size)
{
	out[0] = '\0';
	for (size_t i = 0; i < todo_model_count(model); i++) {
		const struct todo_item *item = todo_model_at(model, i);
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%s%u:%s", i ? "|" : "",
		         item->done ? "*" : "", item->id, item->title);
	}
}

static void assert_model(const todo_model *model, const char *expected)
{
	char text[512];

	describe(model, text, sizeof(text));
	ck_assert_str_eq(text, expected);
}

/* ---- the model ---------------------------------------------------------- */

START_TEST(test_titles_are_checked)
{
	char long_title[TODO_TITLE_MAX + 2];

	memset(long_title, 'a', sizeof(long_title) - 1);
	long_title[TODO_TITLE_MAX + 1] = '\0';
	ck_assert_int_eq(todo_title_check("Buy milk"), DP_OK);
	ck_assert_int_eq(todo_title_check(NULL), DP_EINVAL);
	ck_assert_int_eq(todo_title_check(""), DP_EINVAL);
	ck_assert_int_eq(todo_title_check("tab\there"), DP_EINVAL);
	ck_assert_int_eq(todo_title_check("del\x7f"), DP_EINVAL);
	/* UTF-8 text is a title; anything else is not. */
	ck_assert_int_eq(
		todo_title_check("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8d\xb5"),
		DP_OK);
	ck_assert_int_eq(todo_title_check("latin-1 caf\xe9"), DP_EINVAL);
	ck_assert_int_eq(todo_title_check("cut \xe2\x82"), DP_EINVAL);
	ck_assert_int_eq(todo_title_check("overlong \xc0\xaf"), DP_EINVAL);
	ck_assert_int_eq(todo_title_check("surrogate \xed\xa0\x80"), DP_EINVAL);
	ck_assert_int_eq(todo_title_check("beyond \xf4\x90\x80\x80"),
	                 DP_EINVAL);
	/* C1 controls: U+009B is CSI, raw 0x9B alone is not UTF-8. */
	ck_assert_int_eq(todo_title_check("csi \xc2\x9b"), DP_EINVAL);
	ck_assert_int_eq(todo_title_check("raw \x9b"), DP_EINVAL);
	/* Bidirectional overrides and isolates: U+202E, U+2066. */
	ck_assert_int_eq(todo_title_check("rlo \xe2\x80\xae"), DP_EINVAL);
	ck_assert_int_eq(todo_title_check("lri \xe2\x81\xa6"), DP_EINVAL);
	ck_assert_int_eq(todo_title_check(long_title), DP_ERANGE);
	long_title[TODO_TITLE_MAX] = '\0';
	ck_assert_int_eq(todo_title_check(long_title), DP_OK);
}
END_TEST

START_TEST(test_items_get_increasing_ids_never_reused)
{
	todo_model *model = model_with(THREE, 3);

	assert_model(model, "1:Buy milk|2:Walk the dog|3:Call Mom");
	ck_assert_int_eq(todo_model_remove_at(model, 2), DP_OK);
	unsigned id = 0;
	ck_assert_int_eq(todo_model_insert(model, 2, 0, "Read", false, &id),
	                 DP_OK);
	ck_assert_uint_eq(id, 4);
	ck_assert_uint_eq(todo_model_count(model), 3);
	todo_model_destroy(model);
}
END_TEST

START_TEST(test_insert_refuses_bad_arguments_and_changes_nothing)
{
	todo_model *model = model_with(THREE, 2);
	struct counter counter = {.calls = 0};

	dp_observer_init(&counter.observer, count_call, 0);
	todo_model_subscribe(model, &counter.observer);
	ck_assert_int_eq(todo_model_insert(NULL, 0, 0, "x", false, NULL),
	                 DP_EINVAL);
	ck_assert_int_eq(todo_model_insert(model, 3, 0, "x", false, NULL),
	                 DP_ERANGE);
	ck_assert_int_eq(todo_model_insert(model, 0, 2, "x", false, NULL),
	                 DP_EEXIST);
	ck_assert_int_eq(todo_model_insert(model, 0, 0, "a\nb", false, NULL),
	                 DP_EINVAL);
	ck_assert_int_eq(counter.calls, 0);
	/* The last id there is: after it, new ids have run out. */
	ck_assert_int_eq(
		todo_model_insert(model, 2, UINT_MAX, "Last", false, NULL),
		DP_OK);
	ck_assert_int_eq(todo_model_insert(model, 0, 0, "x", false, NULL),
	                 DP_ERANGE);
	ck_assert_int_eq(todo_model_remove_at(model, 2), DP_OK);
	counter.calls = 0;
	ck_assert_int_eq(todo_model_remove_at(model, 2), DP_ERANGE);
	ck_assert_int_eq(todo_model_set_done(model, 2, true), DP_ERANGE);
	ck_assert_int_eq(todo_model_set_title(model, 2, "x"), DP_ERANGE);
	ck_assert_int_eq(todo_model_set_title(model, 0, ""), DP_EINVAL);
	ck_assert_int_eq(todo_model_remove_at(NULL, 0), DP_EINVAL);
	ck_assert_int_eq(todo_model_set_done(NULL, 0, true), DP_EINVAL);
	ck_assert_int_eq(todo_model_set_title(NULL, 0, "x"), DP_EINVAL);
	ck_assert_int_eq(counter.calls, 0);
	assert_model(model, "1:Buy milk|2:Walk the dog");
	todo_model_destroy(model);
}
END_TEST

START_TEST(test_find_active_count_and_null_model)
{
	todo_model *model = model_with(THREE, 3);
	size_t index = 99;

	ck_assert_int_eq(todo_model_set_done(model, 1, true), DP_OK);
	ck_assert_uint_eq(todo_model_active_count(model), 2);
	ck_assert_int_eq(todo_model_find(model, 3, &index), DP_OK);
	ck_assert_uint_eq(index, 2);
	ck_assert_int_eq(todo_model_find(model, 9, &index), DP_ENOENT);
	ck_assert_int_eq(todo_model_find(NULL, 1, &index), DP_EINVAL);
	ck_assert_int_eq(todo_model_find(model, 1, NULL), DP_EINVAL);
	ck_assert_ptr_null(todo_model_at(model, 3));
	ck_assert_uint_eq(todo_model_count(NULL), 0);
	ck_assert_uint_eq(todo_model_active_count(NULL), 0);
	ck_assert_int_eq(todo_model_subscribe(NULL, NULL), DP_EINVAL);
	ck_assert_int_eq(todo_model_unsubscribe(NULL, NULL), DP_EINVAL);
	todo_model_begin_batch(NULL);
	todo_model_end_batch(NULL);
	todo_model_destroy(NULL);
	todo_model_destroy(model);
}
END_TEST

START_TEST(test_every_change_notifies_once_and_no_change_never)
{
	todo_model *model = model_with(THREE, 1);
	struct counter counter = {.calls = 0};

	dp_observer_init(&counter.observer, count_call, 0);
	ck_assert_int_eq(todo_model_subscribe(model, &counter.observer), DP_OK);
	todo_model_insert(model, 1, 0, "Read", false, NULL);
	todo_model_set_done(model, 0, true);
	todo_model_set_done(model, 0, true); /* already done: no change */
	todo_model_set_title(model, 1, "Write");
	todo_model_remove_at(model, 1);
	ck_assert_int_eq(counter.calls, 4);
	/* The model also counts the insert that built it, with nobody
	 * subscribed yet. */
	ck_assert_uint_eq(todo_model_notifications(model), 5);
	ck_assert_int_eq(todo_model_unsubscribe(model, &counter.observer),
	                 DP_OK);
	todo_model_remove_at(model, 0);
	ck_assert_int_eq(counter.calls, 4);
	todo_model_destroy(model);
}
END_TEST

START_TEST(test_nested_batches_notify_once_at_the_outer_end)
{
	todo_model *model = model_with(THREE, 3);
	struct counter counter = {.calls = 0};

	dp_observer_init(&counter.observer, count_call, 0);
	todo_model_subscribe(model, &counter.observer);
	todo_model_begin_batch(model);
	todo_model_set_done(model, 0, true);
	todo_model_begin_batch(model);
	todo_model_set_done(model, 1, true);
	todo_model_end_batch(model);
	ck_assert_int_eq(counter.calls, 0);
	todo_model_set_done(model, 2, true);
	todo_model_end_batch(model);
	ck_assert_int_eq(counter.calls, 1);
	/* A batch in which nothing changes says nothing. */
	todo_model_begin_batch(model);
	todo_model_end_batch(model);
	todo_model_end_batch(model); /* unmatched: ignored */
	ck_assert_int_eq(counter.calls, 1);
	todo_model_destroy(model);
}
END_TEST

/* ---- commands, undo and redo -------------------------------------------- */

START_TEST(test_item_commands_undo_and_redo_exactly)
{
	todo_model *model = model_with(THREE, 3);
	dp_command_history *history = dp_command_history_create(10, NULL);
	struct dp_command *command = NULL;

	ck_assert_int_eq(todo_command_add(model, "Read", false, NULL, &command),
	                 DP_OK);
	ck_assert_int_eq(todo_command_run(history, model, command), DP_OK);
	ck_assert_int_eq(todo_command_toggle(model, 2, NULL, &command), DP_OK);
	ck_assert_int_eq(todo_command_run(history, model, command), DP_OK);
	ck_assert_int_eq(
		todo_command_edit(model, 1, "Buy oat milk", NULL, &command),
		DP_OK);
	ck_assert_int_eq(todo_command_run(history, model, command), DP_OK);
	ck_assert_int_eq(todo_command_delete(model, 2, NULL, &command), DP_OK);
	ck_assert_int_eq(todo_command_run(history, model, command), DP_OK);
	const char *after = "1:Buy oat milk|3:Call Mom|4:Read";
	assert_model(model, after);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(todo_command_undo(history, model), DP_OK);
	assert_model(model, "1:Buy milk|2:Walk the dog|3:Call Mom");
	ck_assert_int_eq(todo_command_undo(history, model), DP_ENOENT);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(todo_command_redo(history, model), DP_OK);
	assert_model(model, after);
	ck_assert_int_eq(todo_command_redo(history, model), DP_ENOENT);
	dp_command_history_destroy(history);
	todo_model_destroy(model);
}
END_TEST

START_TEST(test_constructors_refuse_unknown_ids_and_bad_titles)
{
	todo_model *model = model_with(THREE, 1);
	struct dp_command *command = NULL;

	ck_assert_int_eq(todo_command_toggle(model, 5, NULL, &command),
	                 DP_ENOENT);
	ck_assert_int_eq(todo_command_delete(model, 5, NULL, &command),
	                 DP_ENOENT);
	ck_assert_int_eq(todo_command_edit(model, 5, "x", NULL, &command),
	                 DP_ENOENT);
	ck_assert_int_eq(todo_command_edit(model, 1, "a\tb", NULL, &command),
	                 DP_EINVAL);
	ck_assert_int_eq(todo_command_add(model, "", false, NULL, &command),
	                 DP_EINVAL);
	ck_assert_int_eq(todo_command_import(model, NULL, NULL, &command),
	                 DP_EINVAL);
	ck_assert_int_eq(todo_command_replace(model, NULL, NULL, &command),
	                 DP_EINVAL);
	ck_assert_ptr_null(command);
	todo_model_destroy(model);
}
END_TEST

START_TEST(test_toggle_all_completes_all_then_reopens_all)
{
	todo_model *model = model_with(THREE, 3);
	dp_command_history *history = dp_command_history_create(10, NULL);
	struct dp_command *command = NULL;

	todo_model_set_done(model, 1, true);
	ck_assert_int_eq(todo_command_toggle_all(model, NULL, &command), DP_OK);
	ck_assert_int_eq(todo_command_run(history, model, command), DP_OK);
	assert_model(model, "*1:Buy milk|*2:Walk the dog|*3:Call Mom");
	ck_assert_int_eq(todo_command_toggle_all(model, NULL, &command), DP_OK);
	ck_assert_int_eq(todo_command_run(history, model, command), DP_OK);
	assert_model(model, "1:Buy milk|2:Walk the dog|3:Call Mom");
	ck_assert_int_eq(todo_command_undo(history, model), DP_OK);
	ck_assert_int_eq(todo_command_undo(history, model), DP_OK);
	assert_model(model, "1:Buy milk|*2:Walk the dog|3:Call Mom");
	dp_command_history_destroy(history);
	todo_model_destroy(model);
}
END_TEST

START_TEST(test_bulk_commands_on_nothing_are_refused)
{
	todo_model *model = todo_model_create(NULL);
	struct dp_command *command = NULL;

	ck_assert_int_eq(todo_command_toggle_all(model, NULL, &command),
	                 DP_ENOENT);
	ck_assert_int_eq(todo_command_clear_completed(model, NULL, &command),
	                 DP_ENOENT);
	todo_model_insert(model, 0, 0, "Buy milk", false, NULL);
	ck_assert_int_eq(todo_command_clear_completed(model, NULL, &command),
	                 DP_ENOENT);
	ck_assert_ptr_null(command);
	todo_model_destroy(model);
}
END_TEST

START_TEST(test_clear_completed_undo_restores_places_and_ids)
{
	todo_model *model = model_with(THREE, 3);
	dp_command_history *history = dp_command_history_create(10, NULL);
	struct dp_command *command = NULL;

	todo_model_set_done(model, 0, true);
	todo_model_set_done(model, 2, true);
	ck_assert_int_eq(todo_command_clear_completed(model, NULL, &command),
	                 DP_OK);
	ck_assert_int_eq(todo_command_run(history, model, command), DP_OK);
	assert_model(model, "2:Walk the dog");
	ck_assert_int_eq(todo_command_undo(history, model), DP_OK);
	assert_model(model, "*1:Buy milk|2:Walk the dog|*3:Call Mom");
	dp_command_history_destroy(history);
	todo_model_destroy(model);
}
END_TEST

START_TEST(test_import_appends_and_replace_renumbers)
{
	todo_model *model = model_with(THREE, 2);
	dp_command_history *history = dp_command_history_create(10, NULL);
	struct dp_command *command = NULL;
	struct todo_list list;

	todo_list_init(&list, NULL);
	ck_assert_int_eq(todo_list_append(&list, true, "Pay rent", 8), DP_OK);
	ck_assert_int_eq(todo_list_append(&list, false, "Read", 4), DP_OK);
	ck_assert_int_eq(todo_command_import(model, &list, NULL, &command),
	                 DP_OK);
	ck_assert_int_eq(todo_command_run(history, model, command), DP_OK);
	assert_model(model, "1:Buy milk|2:Walk the dog|*3:Pay rent|4:Read");
	ck_assert_int_eq(todo_command_replace(model, &list, NULL, &command),
	                 DP_OK);
	ck_assert_int_eq(todo_command_run(history, model, command), DP_OK);
	assert_model(model, "*1:Pay rent|2:Read");
	ck_assert_int_eq(todo_command_undo(history, model), DP_OK);
	assert_model(model, "1:Buy milk|2:Walk the dog|*3:Pay rent|4:Read");
	ck_assert_int_eq(todo_command_redo(history, model), DP_OK);
	assert_model(model, "*1:Pay rent|2:Read");
	todo_list_deinit(&list);
	dp_command_history_destroy(history);
	todo_model_destroy(model);
}
END_TEST

/* The proof the issue asks for: a bulk change reaches a view once. */
START_TEST(test_bulk_changes_and_their_undo_notify_once)
{
	todo_model *model = model_with(THREE, 3);
	dp_command_history *history = dp_command_history_create(10, NULL);
	struct counter counter = {.calls = 0};
	struct dp_command *command = NULL;
	struct todo_list list;

	dp_observer_init(&counter.observer, count_call, 0);
	todo_model_subscribe(model, &counter.observer);
	todo_command_toggle_all(model, NULL, &command);
	todo_command_run(history, model, command);
	ck_assert_int_eq(counter.calls, 1);
	todo_command_clear_completed(model, NULL, &command);
	todo_command_run(history, model, command);
	ck_assert_int_eq(counter.calls, 2);
	todo_list_init(&list, NULL);
	for (int i = 0; i < 50; i++)
		todo_list_append(&list, false, "Imported", 8);
	todo_command_import(model, &list, NULL, &command);
	todo_command_run(history, model, command);
	ck_assert_int_eq(counter.calls, 3);
	ck_assert_uint_eq(todo_model_count(model), 50);
	todo_command_undo(history, model);
	ck_assert_int_eq(counter.calls, 4);
	todo_command_redo(history, model);
	ck_assert_int_eq(counter.calls, 5);
	todo_list_deinit(&list);
	dp_command_history_destroy(history);
	todo_model_destroy(model);
}
END_TEST

START_TEST(test_a_failed_command_changes_nothing_and_is_freed)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	todo_model *model = todo_model_create(&counter.base);
	dp_command_history *history =
		dp_command_history_create(4, &counter.base);
	struct dp_command *command = NULL;

	todo_model_insert(model, 0, 0, "Buy milk", false, NULL);
	ck_assert_int_eq(todo_command_toggle(model, 1, &counter.base, &command),
	                 DP_OK);
	/* The item goes before the command runs: it finds no item. */
	todo_model_remove_at(model, 0);
	ck_assert_int_eq(todo_command_run(history, model, command), DP_ENOENT);
	ck_assert_uint_eq(dp_command_history_undo_count(history), 0);
	dp_command_history_destroy(history);
	todo_model_destroy(model);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

/* ---- filters and orders (Strategy) -------------------------------------- */

START_TEST(test_filters_and_orders_select_the_right_items)
{
	static const char *const titles[] = {"Walk", "Buy", "Call", "Answer"};
	todo_model *model = model_with(titles, 4);
	const struct todo_item *items[4];

	todo_model_set_done(model, 1, true);
	todo_model_set_done(model, 3, true);
	const struct todo_order *by_id = todo_order_find("id");
	ck_assert_uint_eq(
		todo_select(model, todo_filter_find("active"), by_id, items, 4),
		2);
	ck_assert_str_eq(items[0]->title, "Walk");
	ck_assert_str_eq(items[1]->title, "Call");
	ck_assert_uint_eq(todo_select(model, todo_filter_find("completed"),
	                              todo_order_find("title"), items, 4),
	                  2);
	ck_assert_str_eq(items[0]->title, "Answer");
	ck_assert_str_eq(items[1]->title, "Buy");
	ck_assert_uint_eq(todo_select(model, todo_filter_find("all"),
	                              todo_order_find("status"), items, 4),
	                  4);
	/* Stable: within a status, the list's own order. */
	ck_assert_str_eq(items[0]->title, "Walk");
	ck_assert_str_eq(items[1]->title, "Call");
	ck_assert_str_eq(items[2]->title, "Buy");
	ck_assert_str_eq(items[3]->title, "Answer");
	ck_assert_ptr_null(todo_filter_find("done"));
	ck_assert_ptr_null(todo_filter_find(NULL));
	ck_assert_ptr_null(todo_order_find("size"));
	ck_assert_uint_eq(todo_select(model, NULL, by_id, items, 4), 0);
	ck_assert_uint_eq(
		todo_select(model, todo_filter_find("all"), by_id, items, 3),
		0);
	todo_model_destroy(model);
}
END_TEST

/* ---- cost: counted, never timed ----------------------------------------- */

/* 2^14 items: large enough that O(n^2) is a thousand times O(n log n),
 * small enough to build in milliseconds, and under valgrind. */
enum { BIG = 1 << 14, BIG_LOG2 = 14 };

static todo_model *big_model_with(const struct dp_allocator *alloc)
{
	todo_model *model = todo_model_create(alloc);
	char title[32];

	ck_assert_ptr_nonnull(model);
	for (size_t i = 0; i < BIG; i++) {
		/* Titles in reverse order, with ties: "t0999" ... "t0000". */
		snprintf(title, sizeof(title), "t%04u",
		         (unsigned)((BIG - 1 - i) % 1000));
		ck_assert_int_eq(
			todo_model_insert(model, i, 0, title, i % 2, NULL),
			DP_OK);
	}
	return model;
}

static todo_model *big_model(void)
{
	return big_model_with(NULL);
}

START_TEST(test_find_is_a_binary_search)
{
	todo_model *model = big_model();
	size_t index = 0;

	/* Building it checked each new id once: n log n, not n^2 / 2. */
	ck_assert_uint_le(todo_model_probes(model),
	                  (unsigned long)BIG * (BIG_LOG2 + 1));
	unsigned long before = todo_model_probes(model);
	for (unsigned id = 1; id <= BIG; id++) {
		ck_assert_int_eq(todo_model_find(model, id, &index), DP_OK);
		ck_assert_uint_eq(index, id - 1);
	}
	ck_assert_int_eq(todo_model_find(model, BIG + 1, &index), DP_ENOENT);
	/* At most floor(log2 n) + 1 probes per find. */
	ck_assert_uint_le(todo_model_probes(model) - before,
	                  (unsigned long)(BIG + 1) * (BIG_LOG2 + 1));
	ck_assert_uint_eq(todo_model_probes(NULL), 0);
	todo_model_destroy(model);
}
END_TEST

/* The invariant binary search relies on: ids ascend along the list. */
START_TEST(test_an_id_out_of_place_is_refused)
{
	todo_model *model = model_with(THREE, 3);
	struct counter counter = {.calls = 0};

	dp_observer_init(&counter.observer, count_call, 0);
	todo_model_subscribe(model, &counter.observer);
	ck_assert_int_eq(todo_model_remove_at(model, 1), DP_OK);
	counter.calls = 0;
	/* A new id belongs at the end; id 2 between 1 and 3, nowhere else. */
	ck_assert_int_eq(todo_model_insert(model, 0, 0, "x", false, NULL),
	                 DP_ERANGE);
	ck_assert_int_eq(todo_model_insert(model, 0, 2, "x", false, NULL),
	                 DP_ERANGE);
	ck_assert_int_eq(todo_model_insert(model, 2, 2, "x", false, NULL),
	                 DP_ERANGE);
	ck_assert_int_eq(todo_model_insert(model, 0, 9, "x", false, NULL),
	                 DP_ERANGE);
	ck_assert_int_eq(counter.calls, 0);
	assert_model(model, "1:Buy milk|3:Call Mom");
	ck_assert_int_eq(todo_model_insert(model, 1, 2, "Walk", false, NULL),
	                 DP_OK);
	assert_model(model, "1:Buy milk|2:Walk|3:Call Mom");
	todo_model_destroy(model);
}
END_TEST

START_TEST(test_active_count_follows_every_change)
{
	todo_model *model = model_with(THREE, 3);
	struct todo_item taken[2];
	const size_t where[] = {0, 2};

	ck_assert_uint_eq(todo_model_active_count(model), 3);
	todo_model_set_done(model, 0, true);
	todo_model_set_done(model, 0, true);
	ck_assert_uint_eq(todo_model_active_count(model), 2);
	todo_model_insert(model, 3, 0, "Done", true, NULL);
	ck_assert_uint_eq(todo_model_active_count(model), 2);
	ck_assert_int_eq(todo_model_take(model, where, 2, taken), DP_OK);
	ck_assert_uint_eq(todo_model_active_count(model), 1);
	ck_assert_int_eq(todo_model_put(model, where, taken, 2), DP_OK);
	ck_assert_uint_eq(todo_model_active_count(model), 2);
	todo_model_remove_at(model, 1);
	ck_assert_uint_eq(todo_model_active_count(model), 1);
	todo_model_set_done(model, 0, false);
	ck_assert_uint_eq(todo_model_active_count(model), 2);
	todo_model_destroy(model);
}
END_TEST

START_TEST(test_take_and_put_refuse_bad_positions_and_ids)
{
	todo_model *model = model_with(THREE, 3);
	struct todo_item taken[2];
	const size_t twice[] = {1, 1};
	const size_t past[] = {0, 3};
	const size_t ends[] = {0, 1};

	ck_assert_int_eq(todo_model_take(NULL, ends, 1, taken), DP_EINVAL);
	ck_assert_int_eq(todo_model_take(model, NULL, 1, taken), DP_EINVAL);
	ck_assert_int_eq(todo_model_take(model, twice, 2, taken), DP_ERANGE);
	ck_assert_int_eq(todo_model_take(model, past, 2, taken), DP_ERANGE);
	ck_assert_int_eq(todo_model_take(model, ends, 0, NULL), DP_OK);
	ck_assert_int_eq(todo_model_take(model, ends, 2, taken), DP_OK);
	assert_model(model, "3:Call Mom");
	/* Put back where they do not belong: ids would not ascend. */
	const size_t after[] = {1, 2};
	ck_assert_int_eq(todo_model_put(model, after, taken, 2), DP_ERANGE);
	ck_assert_int_eq(todo_model_put(model, past, taken, 2), DP_ERANGE);
	ck_assert_int_eq(todo_model_put(NULL, ends, taken, 2), DP_EINVAL);
	ck_assert_int_eq(todo_model_put(model, ends, NULL, 2), DP_EINVAL);
	assert_model(model, "3:Call Mom");
	ck_assert_int_eq(todo_model_put(model, ends, taken, 2), DP_OK);
	assert_model(model, "1:Buy milk|2:Walk the dog|3:Call Mom");
	ck_assert_uint_eq(todo_model_moves(NULL), 0);
	todo_model_free_items(NULL, taken, 2);
	todo_model_destroy(model);
}
END_TEST

static unsigned long comparisons;

static int counting_by_title(const struct todo_item *a,
                             const struct todo_item *b)
{
	comparisons++;
	return strcmp(a->title, b->title);
}

/* Sorted by title, and titles that tie in list (id) order. */
static void assert_sorted_stably(const struct todo_item **items, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		int rc = strcmp(items[i - 1]->title, items[i]->title);
		ck_assert_int_le(rc, 0);
		if (rc == 0)
			ck_assert_uint_lt(items[i - 1]->id, items[i]->id);
	}
}

START_TEST(test_select_sorts_in_n_log_n_comparisons_and_is_stable)
{
	todo_model *model = big_model();
	static const struct todo_item *items[BIG];
	const struct todo_order order = {.name = "counting title",
	                                 .compare = counting_by_title};

	comparisons = 0;
	ck_assert_uint_eq(
		todo_select(model, todo_filter_find("all"), &order, items, BIG),
		BIG);
	/* A merge sort: at most n log2 n (and n - 1 to see it unsorted);
	 * the insertion sort it replaced took about n^2 / 4. */
	ck_assert_uint_le(comparisons, (unsigned long)BIG * BIG_LOG2 + BIG);
	assert_sorted_stably(items, BIG);
	todo_model_destroy(model);
	/* In order already: one pass, n - 1 comparisons. */
	static const char *const sorted[] = {"Answer", "Buy", "Call", "Walk"};
	model = model_with(sorted, 4);
	comparisons = 0;
	ck_assert_uint_eq(
		todo_select(model, todo_filter_find("all"), &order, items, 4),
		4);
	ck_assert_uint_eq(comparisons, 3);
	todo_model_destroy(model);
}
END_TEST

/* The orders' keys (a tuning) must never change an answer: each order
 * sorts as it does without them. The titles tie on their first
 * TODO_SORT_KEY bytes, start one another, and hold bytes above 0x7F. */
START_TEST(test_sort_keys_agree_with_the_comparisons)
{
	static const char *const titles[] = {
		"a title that runs past the key: 2",
		"a title that runs past the key: 1",
		"caf\xc3\xa9",
		"cafe",
		"caf",
		"Buy milk",
		"a title that runs past the key",
		"Buy milk",
	};
	static const char *const names[] = {"id", "title", "status"};
	todo_model *model = model_with(titles, DP_ARRAY_SIZE(titles));
	const struct todo_item *keyed[DP_ARRAY_SIZE(titles)];
	const struct todo_item *plain[DP_ARRAY_SIZE(titles)];
	size_t n = DP_ARRAY_SIZE(titles);

	todo_model_set_done(model, 1, true);
	todo_model_set_done(model, 4, true);
	for (size_t i = 0; i < DP_ARRAY_SIZE(names); i++) {
		const struct todo_order *order = todo_order_find(names[i]);
		struct todo_order without = *order;
		without.key = NULL;
		ck_assert(order->key != NULL);
		ck_assert_uint_eq(todo_select(model, todo_filter_find("all"),
		                              order, keyed, n),
		                  n);
		ck_assert_uint_eq(todo_select(model, todo_filter_find("all"),
		                              &without, plain, n),
		                  n);
		for (size_t j = 0; j < n; j++)
			ck_assert_ptr_eq(keyed[j], plain[j]);
	}
	/* By title, the two that tie past the key are told apart. */
	todo_select(model, todo_filter_find("all"), todo_order_find("title"),
	            keyed, n);
	ck_assert_str_eq(keyed[2]->title, "a title that runs past the key");
	ck_assert_str_eq(keyed[3]->title, "a title that runs past the key: 1");
	ck_assert_str_eq(keyed[4]->title, "a title that runs past the key: 2");
	ck_assert_str_eq(keyed[7]->title, "caf\xc3\xa9");
	todo_model_destroy(model);
}
END_TEST

/* Without scratch memory, the heapsort in place: the same answer. */
START_TEST(test_select_without_memory_still_sorts_stably)
{
	struct dp_failing_allocator failing;
	dp_failing_allocator_init(&failing, 0, NULL);
	todo_model *model = big_model_with(&failing.base);
	static const struct todo_item *items[BIG];
	const struct todo_order order = {.name = "counting title",
	                                 .compare = counting_by_title};

	/* From here on, the next request fails: the sort's scratch. */
	dp_failing_allocator_init(&failing, 1, NULL);
	comparisons = 0;
	ck_assert_uint_eq(
		todo_select(model, todo_filter_find("all"), &order, items, BIG),
		BIG);
	ck_assert(failing.failed);
	ck_assert_uint_le(comparisons, 2UL * BIG * BIG_LOG2 + BIG);
	assert_sorted_stably(items, BIG);
	ck_assert_ptr_eq(todo_model_allocator(model), &failing.base);
	ck_assert_ptr_null(todo_model_allocator(NULL));
	todo_model_destroy(model);
}
END_TEST

/* Load replaces n items by n: n deletes, n adds, and for each undo or
 * redo as many again; not one of them moves the rest of the list. */
START_TEST(test_load_and_its_undo_move_no_item)
{
	todo_model *model = big_model();
	dp_command_history *history = dp_command_history_create(4, NULL);
	struct dp_command *command = NULL;
	struct todo_list list;

	todo_list_init(&list, NULL);
	ck_assert_int_eq(todo_list_from_model(&list, model), DP_OK);
	unsigned long moves = todo_model_moves(model);
	unsigned long probes = todo_model_probes(model);
	ck_assert_int_eq(todo_command_replace(model, &list, NULL, &command),
	                 DP_OK);
	ck_assert_int_eq(todo_command_run(history, model, command), DP_OK);
	ck_assert_int_eq(todo_command_undo(history, model), DP_OK);
	ck_assert_int_eq(todo_command_redo(history, model), DP_OK);
	ck_assert_uint_eq(todo_model_count(model), BIG);
	ck_assert_uint_eq(todo_model_moves(model), moves);
	/* Finding each item: O(log n) per step, 2n steps, three runs. */
	ck_assert_uint_le(todo_model_probes(model) - probes,
	                  8UL * BIG * (BIG_LOG2 + 1));
	todo_list_deinit(&list);
	dp_command_history_destroy(history);
	todo_model_destroy(model);
}
END_TEST

/* Every other item done: one by one, each delete would move the rest. */
START_TEST(test_clear_completed_and_its_undo_move_each_item_once)
{
	todo_model *model = big_model();
	dp_command_history *history = dp_command_history_create(4, NULL);
	struct dp_command *command = NULL;
	char before[64];
	char after[64];

	snprintf(before, sizeof(before), "%s",
	         todo_model_at(model, BIG - 1)->title);
	unsigned long moves = todo_model_moves(model);
	ck_assert_int_eq(todo_command_clear_completed(model, NULL, &command),
	                 DP_OK);
	ck_assert_int_eq(todo_command_run(history, model, command), DP_OK);
	ck_assert_uint_eq(todo_model_count(model), BIG / 2);
	ck_assert_uint_eq(todo_model_active_count(model), BIG / 2);
	ck_assert_int_eq(todo_command_undo(history, model), DP_OK);
	ck_assert_int_eq(todo_command_redo(history, model), DP_OK);
	ck_assert_int_eq(todo_command_undo(history, model), DP_OK);
	ck_assert_uint_le(todo_model_moves(model) - moves, 4UL * BIG);
	ck_assert_uint_eq(todo_model_count(model), BIG);
	snprintf(after, sizeof(after), "%s",
	         todo_model_at(model, BIG - 1)->title);
	ck_assert_str_eq(after, before);
	ck_assert_uint_eq(todo_model_at(model, BIG - 1)->id, BIG);
	dp_command_history_destroy(history);
	todo_model_destroy(model);
}
END_TEST

/* ---- out of memory: every path, no leak --------------------------------- */

/* Build a model of three items, one done, and run one bulk command with
 * the nth allocation failing; check that a failure changes nothing. */
static bool bulk_fails_cleanly(size_t n, int which)
{
	struct dp_counting_allocator counter;
	struct dp_failing_allocator failing;
	dp_counting_allocator_init(&counter, NULL);
	dp_failing_allocator_init(&failing, 0, &counter.base);
	todo_model *model = todo_model_create(&failing.base);
	dp_command_history *history =
		dp_command_history_create(4, &failing.base);
	struct todo_list list;
	todo_list_init(&list, NULL);
	todo_list_append(&list, true, "Pay rent", 8);
	todo_list_append(&list, false, "Read", 4);
	for (size_t i = 0; i < 3; i++)
		todo_model_insert(model, i, 0, THREE[i], i == 1, NULL);

	failing.fail_at = failing.requests + n;
	struct dp_command *command = NULL;
	int rc = which == 0   ? todo_command_toggle_all(model, &failing.base,
	                                                &command)
	         : which == 1 ? todo_command_clear_completed(
					model, &failing.base, &command)
	         : which == 2 ? todo_command_import(model, &list, &failing.base,
	                                            &command)
	         : which == 3 ? todo_command_replace(model, &list,
	                                             &failing.base, &command)
	                      : todo_command_edit(model, 2, "New",
	                                          &failing.base, &command);
	if (rc == DP_OK)
		rc = todo_command_run(history, model, command);
	if (failing.failed) {
		ck_assert_int_eq(rc, DP_ENOMEM);
		assert_model(model, "1:Buy milk|*2:Walk the dog|3:Call Mom");
	} else {
		ck_assert_int_eq(rc, DP_OK);
	}
	bool done = !failing.failed;
	todo_list_deinit(&list);
	dp_command_history_destroy(history);
	todo_model_destroy(model);
	ck_assert_uint_eq(counter.live_blocks, 0);
	return done;
}

START_TEST(test_bulk_commands_fail_cleanly_at_every_allocation)
{
	for (size_t n = 1; !bulk_fails_cleanly(n, _i); n++)
		ck_assert_uint_lt(n, 1000);
}
END_TEST

START_TEST(test_model_and_list_fail_cleanly_at_every_allocation)
{
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);
		todo_model *model = todo_model_create(&failing.base);
		struct todo_list list;
		todo_list_init(&list, &failing.base);
		int rc = model ? DP_OK : DP_ENOMEM;
		for (size_t i = 0; rc == DP_OK && i < 10; i++)
			rc = todo_model_insert(model, i, 0, "Item", false,
			                       NULL);
		if (rc == DP_OK)
			rc = todo_model_set_title(model, 0, "Renamed");
		if (rc == DP_OK)
			rc = todo_list_from_model(&list, model);
		ck_assert_int_eq(rc, failing.failed ? DP_ENOMEM : DP_OK);
		if (rc != DP_OK)
			ck_assert_uint_eq(list.count, 0);
		todo_list_deinit(&list);
		todo_model_destroy(model);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (!failing.failed)
			break;
	}
}
END_TEST

/* Putting items back into a list that has grown since they were taken
 * needs a larger array: when it cannot have one, nothing changes. */
START_TEST(test_put_out_of_memory_changes_nothing)
{
	struct dp_counting_allocator counter;
	struct dp_failing_allocator failing;
	dp_counting_allocator_init(&counter, NULL);
	dp_failing_allocator_init(&failing, 0, &counter.base);
	todo_model *model = todo_model_create(&failing.base);
	struct todo_item taken[2];
	const size_t where[] = {0, 1};

	for (size_t i = 0; i < 8; i++) /* the array's first size: 8 */
		ck_assert_int_eq(
			todo_model_insert(model, i, 0, "Item", false, NULL),
			DP_OK);
	ck_assert_int_eq(todo_model_take(model, where, 2, taken), DP_OK);
	todo_model_insert(model, 6, 0, "New", false, NULL);
	todo_model_insert(model, 7, 0, "New", false, NULL);
	unsigned long version = todo_model_version(model);
	dp_failing_allocator_init(&failing, 1, &counter.base); /* the next */
	ck_assert_int_eq(todo_model_put(model, where, taken, 2), DP_ENOMEM);
	ck_assert(failing.failed);
	ck_assert_uint_eq(todo_model_count(model), 8);
	ck_assert_uint_eq(todo_model_at(model, 0)->id, 3);
	ck_assert_uint_eq(todo_model_version(model), version);
	ck_assert_int_eq(todo_model_put(model, where, taken, 2), DP_OK);
	ck_assert_uint_eq(todo_model_count(model), 10);
	ck_assert_uint_eq(todo_model_at(model, 0)->id, 1);
	todo_model_destroy(model);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

int main(void)
{
	Suite *suite = suite_create("mvc_demo model");
	TCase *tc = dp_test_case(suite, "model");

	tcase_add_test(tc, test_titles_are_checked);
	tcase_add_test(tc, test_items_get_increasing_ids_never_reused);
	tcase_add_test(tc,
	               test_insert_refuses_bad_arguments_and_changes_nothing);
	tcase_add_test(tc, test_find_active_count_and_null_model);
	tcase_add_test(tc, test_every_change_notifies_once_and_no_change_never);
	tcase_add_test(tc, test_nested_batches_notify_once_at_the_outer_end);
	tc = dp_test_case(suite, "commands");
	tcase_add_test(tc, test_item_commands_undo_and_redo_exactly);
	tcase_add_test(tc, test_constructors_refuse_unknown_ids_and_bad_titles);
	tcase_add_test(tc, test_toggle_all_completes_all_then_reopens_all);
	tcase_add_test(tc, test_bulk_commands_on_nothing_are_refused);
	tcase_add_test(tc, test_clear_completed_undo_restores_places_and_ids);
	tcase_add_test(tc, test_import_appends_and_replace_renumbers);
	tcase_add_test(tc, test_bulk_changes_and_their_undo_notify_once);
	tcase_add_test(tc, test_a_failed_command_changes_nothing_and_is_freed);
	tc = dp_test_case(suite, "filters");
	tcase_add_test(tc, test_filters_and_orders_select_the_right_items);
	tc = dp_test_case(suite, "cost");
	tcase_add_test(tc, test_find_is_a_binary_search);
	tcase_add_test(tc, test_an_id_out_of_place_is_refused);
	tcase_add_test(tc, test_active_count_follows_every_change);
	tcase_add_test(tc, test_take_and_put_refuse_bad_positions_and_ids);
	tcase_add_test(tc,
	               test_select_sorts_in_n_log_n_comparisons_and_is_stable);
	tcase_add_test(tc, test_select_without_memory_still_sorts_stably);
	tcase_add_test(tc, test_sort_keys_agree_with_the_comparisons);
	tcase_add_test(tc, test_load_and_its_undo_move_no_item);
	tcase_add_test(tc,
	               test_clear_completed_and_its_undo_move_each_item_once);
	tc = dp_test_case(suite, "out of memory");
	tcase_add_loop_test(
		tc, test_bulk_commands_fail_cleanly_at_every_allocation, 0, 5);
	tcase_add_test(tc,
	               test_model_and_list_fail_cleanly_at_every_allocation);
	tcase_add_test(tc, test_put_out_of_memory_changes_nothing);
	return dp_test_run(suite);
}
