/*
 * Exercise 20: the graded tests of the MVP presenter.
 *
 * The first tests drive the presenter with a view that records what it is
 * shown. The last ones replay the to-do demo's own spec scripts (those
 * that touch no file, embedded in transcripts.h) through the demo's core,
 * your presenter and a passive view that echoes each line as the demo's
 * does, and compare the transcript byte for byte with what `make test`
 * expects of the demo itself, including the "[exit N]" line.
 *
 * The demo's core and the chapters it is made of are linked in:
 * grade-link: ../mvc_demo/app.c ../mvc_demo/commands.c ../mvc_demo/filters.c
 * grade-link: ../mvc_demo/list.c ../mvc_demo/model.c ../mvc_demo/parser.c
 * grade-link: ../mvc_demo/render.c ../mvc_demo/screen.c ../mvc_demo/store.c
 * grade-link: ../mvc_demo/store_csv.c ../mvc_demo/store_decorators.c
 * grade-link: ../mvc_demo/store_native.c ../mvc_demo/store_todotxt.c
 * grade-link: adapter/adapter.c adapter/adapter_memory.c command/command.c
 * grade-link: command/command_history.c command/command_macro.c
 * grade-link: common/dp_stream.c
 * grade-link: decorator/decorator.c factory/factory.c observer/observer.c
 * grade-link: singleton/singleton.c
 */
#define _POSIX_C_SOURCE 200809L /* fmemopen */

#include "grade.h"
#include "grade_assert.h"
#include "presenter.h"
#include "transcripts.h"

#include "adapter/adapter.h"
#include "common/dp_common.h"

#include <stdio.h>
#include <string.h>

/* ---- a view that records -------------------------------------------------- */

struct recorder {
	struct dp_stream *out; /* every text, in order */
	unsigned shown[3];     /* texts by kind */
	enum todo_text_kind last_kind;
	char last[4096]; /* the last text, cut to fit */
};

/* It writes what it is shown as the demo's passive view does: drawn text
 * as it is, a message and its line end, "error: ", an error, a line end. */
static int record(void *ctx, enum todo_text_kind kind, const char *text)
{
	struct recorder *rec = ctx;

	ck_assert_msg(kind <= TODO_TEXT_ERROR, "show() got kind %d", (int)kind);
	ck_assert_ptr_nonnull(text);
	rec->shown[kind]++;
	rec->last_kind = kind;
	snprintf(rec->last, sizeof(rec->last), "%s", text);
	const char *before = kind == TODO_TEXT_ERROR ? "error: " : "";
	const char *after = kind == TODO_TEXT_LIST ? "" : "\n";
	ck_assert_int_eq(dp_stream_write_string(rec->out, before), DP_OK);
	ck_assert_int_eq(dp_stream_write_string(rec->out, text), DP_OK);
	ck_assert_int_eq(dp_stream_write_string(rec->out, after), DP_OK);
	return DP_OK;
}

static const struct todo_view_ops recorder_ops = {.show = record};

/* An app, a recorder and a presenter over them, as the tests use them. */
struct rig {
	struct todo_app app;
	struct recorder rec;
	struct ex_presenter presenter;
};

static void rig_up(struct rig *rig, const char *renderer)
{
	const struct todo_app_options options = {.store = "native"};
	char error[TODO_MESSAGE_MAX];

	memset(rig, 0, sizeof(*rig));
	ck_assert_msg(todo_app_init(&rig->app, &options, error,
	                            sizeof(error)) == DP_OK,
	              "the demo's core did not start: %s", error);
	rig->rec.out = dp_memory_stream_create(NULL);
	ck_assert_ptr_nonnull(rig->rec.out);
	grade_assert_code(ex_presenter_init(&rig->presenter, &rig->app,
	                                    renderer, &recorder_ops, &rig->rec),
	                  DP_OK);
}

static void rig_down(struct rig *rig)
{
	ex_presenter_deinit(&rig->presenter);
	dp_stream_close(rig->rec.out);
	todo_app_deinit(&rig->app);
}

/* Send one line, as the view does; returns what the presenter said. */
static bool say(struct rig *rig, const char *text)
{
	char line[TODO_LINE_MAX + 1];

	snprintf(line, sizeof(line), "%s", text);
	return ex_presenter_on_line(&rig->presenter, line);
}

static unsigned shown(const struct rig *rig)
{
	return rig->rec.shown[TODO_TEXT_LIST] +
	       rig->rec.shown[TODO_TEXT_MESSAGE] +
	       rig->rec.shown[TODO_TEXT_ERROR];
}

START_TEST(test_a_change_shows_the_list_once)
{
	struct rig rig;

	rig_up(&rig, "plain");
	ck_assert_msg(shown(&rig) == 0,
	              "nothing should be shown before the first line");
	ck_assert(say(&rig, "add Buy milk"));
	ck_assert_msg(rig.rec.shown[TODO_TEXT_LIST] == 1 && shown(&rig) == 1,
	              "one add should show the list once and nothing else; "
	              "the view was shown %u lists, %u messages, %u errors",
	              rig.rec.shown[TODO_TEXT_LIST],
	              rig.rec.shown[TODO_TEXT_MESSAGE],
	              rig.rec.shown[TODO_TEXT_ERROR]);
	ck_assert_str_eq(rig.rec.last,
	                 "+   1 [ ] Buy milk\n1 item left (all)\n");
	ck_assert(say(&rig, "add Walk the dog"));
	ck_assert(say(&rig, "toggle 1"));
	ck_assert_msg(rig.rec.shown[TODO_TEXT_LIST] == 3 &&
	                      rig.presenter.display.draws == 3,
	              "three changes should show three drawings and count "
	              "three draws, got %u and display.draws = %lu",
	              rig.rec.shown[TODO_TEXT_LIST],
	              rig.presenter.display.draws);
	ck_assert_msg(strcmp(rig.rec.last, "~   1 [x] Buy milk\n"
	                                   "1 item left (all)\n") == 0,
	              "a toggle should show the changed row and the counter, "
	              "not the whole list: got \"%s\"",
	              rig.rec.last);
	/* A change made by anyone else reaches the view too: the presenter
	 * hears the model, not its own lines. */
	struct todo_request request = {.verb = TODO_DELETE, .id = 1};
	char message[TODO_MESSAGE_MAX];
	ck_assert_int_eq(
		todo_app_change(&rig.app, &request, message, sizeof(message)),
		DP_OK);
	ck_assert_msg(rig.rec.shown[TODO_TEXT_LIST] == 4,
	              "a change made without the presenter (another view, a "
	              "load) should show the list too: subscribe to the model");
	ck_assert_str_eq(rig.rec.last, "-   1 [x] Buy milk\n"
	                               "1 item left (all)\n");
	rig_down(&rig);
}
END_TEST

/* The bytes the recorder holds, and the lines among the last `from`. */
static size_t recorded(const struct rig *rig, size_t from, size_t *lines)
{
	size_t len = 0;
	const char *text =
		(const char *)dp_memory_stream_data(rig->rec.out, &len);

	*lines = 0;
	for (size_t i = from; text != NULL && i < len; i++)
		*lines += text[i] == '\n';
	return len;
}

/* n adds print O(n) bytes, not O(n^2): each shows its row and the
 * counter. A change of many items shows the first page; list, all. */
START_TEST(test_a_session_shows_what_changed_not_the_whole_list)
{
	enum { ADDS = 300 };
	struct rig rig;
	size_t lines = 0;

	rig_up(&rig, "plain");
	for (int i = 1; i <= ADDS; i++) {
		char line[64];
		snprintf(line, sizeof(line), "add Item %d", i);
		ck_assert(say(&rig, line));
	}
	size_t bytes = recorded(&rig, 0, &lines);
	ck_assert_msg(bytes < ADDS * 64 && lines == 2 * ADDS,
	              "%d adds showed %zu bytes in %zu lines; each add should "
	              "show its own row and the counter (2 lines), not the "
	              "whole list again: draw the notification with "
	              "todo_display_event()",
	              ADDS, bytes, lines);
	ck_assert(say(&rig, "toggle-all"));
	size_t before = bytes;
	bytes = recorded(&rig, before, &lines);
	ck_assert_msg(lines == TODO_PAGE_ROWS + 2,
	              "toggle-all changes %d items: it should show the first "
	              "page (%d rows), the '... more' line and the counter, "
	              "%d lines; it showed %zu",
	              ADDS, TODO_PAGE_ROWS, TODO_PAGE_ROWS + 2, lines);
	ck_assert_msg(
		strstr(rig.rec.last, "  ... 280 more: 'list' shows all\n"),
		"the first page should say how many rows 'list' adds");
	ck_assert(say(&rig, "list"));
	(void)recorded(&rig, bytes, &lines);
	ck_assert_msg(lines == ADDS + 1,
	              "list should show every row and the counter, %d lines; "
	              "it showed %zu",
	              ADDS + 1, lines);
	ck_assert_uint_eq(rig.presenter.display.draws, ADDS + 2);
	rig_down(&rig);
}
END_TEST

START_TEST(test_view_verbs_show_the_list_without_a_change)
{
	struct rig rig;

	rig_up(&rig, "plain");
	ck_assert(say(&rig, "add Walk the dog"));
	ck_assert(say(&rig, "add Buy milk"));
	ck_assert(say(&rig, "toggle 1"));
	unsigned before = rig.rec.shown[TODO_TEXT_LIST];
	ck_assert(say(&rig, "filter active"));
	ck_assert_msg(rig.rec.shown[TODO_TEXT_LIST] == before + 1,
	              "'filter active' should show the list once");
	ck_assert_str_eq(rig.rec.last, "  2 [ ] Buy milk\n1 item left "
	                               "(active)\n");
	ck_assert(say(&rig, "filter all"));
	ck_assert(say(&rig, "sort title"));
	ck_assert_str_eq(rig.rec.last, "  2 [ ] Buy milk\n"
	                               "  1 [x] Walk the dog\n"
	                               "1 item left (all)\n");
	ck_assert(say(&rig, "list"));
	ck_assert_msg(rig.rec.shown[TODO_TEXT_LIST] == before + 4 &&
	                      shown(&rig) == before + 4,
	              "filter, filter, sort and list should show four lists "
	              "and nothing else");
	ck_assert_msg(todo_model_count(rig.app.model) == 2,
	              "a view verb must not change the model");
	rig_down(&rig);
}
END_TEST

START_TEST(test_a_refused_line_is_one_error)
{
	struct rig rig;

	rig_up(&rig, "plain");
	ck_assert(say(&rig, "frobnicate"));
	ck_assert_msg(rig.rec.shown[TODO_TEXT_ERROR] == 1 && shown(&rig) == 1,
	              "an unknown command should be one error and nothing "
	              "else");
	ck_assert_msg(strcmp(rig.rec.last,
	                     "unknown command 'frobnicate' (try 'help')") == 0,
	              "an error goes to the view bare (the view adds "
	              "\"error: \" and the line end), got \"%s\"",
	              rig.rec.last);
	ck_assert(say(&rig, "toggle 9"));
	ck_assert_msg(rig.rec.shown[TODO_TEXT_ERROR] == 2,
	              "a change the core refuses is an error too");
	ck_assert_msg(rig.presenter.failures == 2,
	              "failures should count the two errors, it is %u",
	              rig.presenter.failures);
	ck_assert_msg(rig.rec.shown[TODO_TEXT_LIST] == 0,
	              "a refused line must not show the list");
	ex_presenter_on_bad_line(&rig.presenter);
	ck_assert_str_eq(rig.rec.last, "line too long or holds a NUL "
	                               "byte (the limit is 1024 bytes)");
	ck_assert_int_eq(rig.presenter.failures, 3);
	rig_down(&rig);
}
END_TEST

START_TEST(test_help_is_drawn_text_and_quit_stops)
{
	struct rig rig;

	rig_up(&rig, "plain");
	ck_assert(say(&rig, "help"));
	ck_assert_msg(rig.rec.shown[TODO_TEXT_LIST] == 1 &&
	                      rig.rec.last_kind == TODO_TEXT_LIST,
	              "help should be shown once, as drawn text "
	              "(TODO_TEXT_LIST): it is many lines, not a message");
	ck_assert_str_eq(rig.rec.last, todo_help_text());
	ck_assert_msg(say(&rig, "") && say(&rig, "# a comment"),
	              "a blank line and a comment go on");
	ck_assert_msg(shown(&rig) == 1,
	              "a blank line and a comment show nothing");
	ck_assert_msg(!say(&rig, "quit --discard"),
	              "quit --discard should return false");
	ck_assert_msg(!say(&rig, "quit"), "quit should return false");
	ck_assert_msg(shown(&rig) == 1, "quit shows nothing");
	ck_assert_msg(!ex_presenter_on_line(NULL, NULL),
	              "a NULL presenter is false");
	rig_down(&rig);
}
END_TEST

START_TEST(test_init_and_deinit_keep_their_promises)
{
	struct rig rig;
	struct dp_counting_allocator counter;
	const struct todo_view_ops no_show = {.show = NULL};

	rig_up(&rig, "plain");
	ex_presenter_deinit(&rig.presenter);
	struct ex_presenter other;
	grade_assert_code(ex_presenter_init(NULL, &rig.app, "plain",
	                                    &recorder_ops, &rig.rec),
	                  DP_EINVAL);
	grade_assert_code(ex_presenter_init(&other, NULL, "plain",
	                                    &recorder_ops, &rig.rec),
	                  DP_EINVAL);
	grade_assert_code(ex_presenter_init(&other, &rig.app, NULL,
	                                    &recorder_ops, &rig.rec),
	                  DP_EINVAL);
	grade_assert_code(ex_presenter_init(&other, &rig.app, "plain", &no_show,
	                                    &rig.rec),
	                  DP_EINVAL);
	grade_assert_code(ex_presenter_init(&other, &rig.app, "yaml",
	                                    &recorder_ops, &rig.rec),
	                  DP_ENOENT);
	/* After deinit the presenter no longer hears the model. */
	struct todo_request request = {.verb = TODO_ADD, .text = "quiet"};
	char message[TODO_MESSAGE_MAX];
	ck_assert_int_eq(
		todo_app_change(&rig.app, &request, message, sizeof(message)),
		DP_OK);
	ck_assert_msg(shown(&rig) == 0,
	              "after ex_presenter_deinit() a change must show nothing: "
	              "unsubscribe from the model");
	dp_stream_close(rig.rec.out);
	todo_app_deinit(&rig.app);

	/* Everything the presenter allocates, it frees. */
	ck_assert_int_eq(dp_counting_allocator_init(&counter, NULL), DP_OK);
	const struct todo_app_options options = {.store = "native",
	                                         .alloc = &counter.base};
	ck_assert_int_eq(
		todo_app_init(&rig.app, &options, message, sizeof(message)),
		DP_OK);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(todo_app_change(&rig.app, &request, message,
		                                 sizeof(message)),
		                 DP_OK);
	size_t blocks = counter.live_blocks;
	rig.rec.out = dp_memory_stream_create(NULL);
	grade_assert_code(ex_presenter_init(&rig.presenter, &rig.app, "table",
	                                    &recorder_ops, &rig.rec),
	                  DP_OK);
	ck_assert(say(&rig, "list"));
	ck_assert(say(&rig, "sort title"));
	ck_assert_int_eq(rig.rec.shown[TODO_TEXT_LIST], 2);
	ex_presenter_deinit(&rig.presenter);
	ck_assert_msg(counter.live_blocks == blocks,
	              "after ex_presenter_deinit() %zu blocks from the app's "
	              "allocator are still live, %zu before "
	              "ex_presenter_init(): free what the presenter made",
	              counter.live_blocks, blocks);
	dp_stream_close(rig.rec.out);
	todo_app_deinit(&rig.app);
}
END_TEST

/* ---- the demo's transcripts ---------------------------------------------- */

/* The renderer a script asks for with "# args: --view NAME". */
static void renderer_of(const struct ex_transcript *t, char *name, size_t size)
{
	static const char args[] = "# args: --view ";

	snprintf(name, size, "plain");
	if (t->script_len > sizeof(args) &&
	    memcmp(t->script, args, sizeof(args) - 1) == 0) {
		const char *from = (const char *)t->script + sizeof(args) - 1;
		size_t len = strcspn(from, " \n");
		snprintf(name, size, "%.*s", (int)len, from);
	}
}

/* The first line where two transcripts differ, for the message. */
static void first_difference(const char *want, size_t want_len, const char *got,
                             size_t got_len, char *out, size_t size)
{
	size_t i = 0, line = 1, start = 0;

	while (i < want_len && i < got_len && want[i] == got[i]) {
		if (want[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	size_t want_end = start, got_end = start;
	while (want_end < want_len && want[want_end] != '\n')
		want_end++;
	while (got_end < got_len && got[got_end] != '\n')
		got_end++;
	snprintf(out, size, "line %zu: expected \"%.*s\", got \"%.*s\"%s", line,
	         (int)(want_end - start), want + start, (int)(got_end - start),
	         got + start,
	         got_end >= got_len && want_end < want_len
	                 ? " (the transcript ends there)"
	                 : "");
}

/* Read, echo and answer every line as the demo's passive view does. */
static void run_script(struct rig *rig, FILE *in)
{
	char line[TODO_LINE_MAX + 1];

	for (;;) {
		int got = todo_read_line(in, line);
		if (got == 0)
			break;
		todo_echo_line(rig->rec.out, line, got < 0);
		if (got < 0) {
			ex_presenter_on_bad_line(&rig->presenter);
			continue;
		}
		if (!ex_presenter_on_line(&rig->presenter, line))
			break;
	}
}

static void replay(const char *name)
{
	const struct ex_transcript *t = NULL;
	for (size_t i = 0; i < DP_ARRAY_SIZE(TRANSCRIPTS); i++)
		if (strcmp(TRANSCRIPTS[i].name, name) == 0)
			t = &TRANSCRIPTS[i];
	ck_assert_ptr_nonnull(t);

	char renderer[16];
	renderer_of(t, renderer, sizeof(renderer));
	struct rig rig;
	rig_up(&rig, renderer);
	FILE *in = fmemopen((void *)t->script, t->script_len, "r");
	ck_assert_ptr_nonnull(in);
	run_script(&rig, in);
	fclose(in);
	char status[32];
	snprintf(status, sizeof(status), "[exit %d]\n",
	         rig.presenter.failures > 0 ? 1 : 0);
	ck_assert_int_eq(dp_stream_write_string(rig.rec.out, status), DP_OK);

	size_t len = 0;
	const char *got =
		(const char *)dp_memory_stream_data(rig.rec.out, &len);
	char where[600];
	first_difference((const char *)t->transcript, t->transcript_len,
	                 got ? got : "", len, where, sizeof(where));
	ck_assert_msg(len == t->transcript_len &&
	                      memcmp(got, t->transcript, len) == 0,
	              "mvc_demo/spec/%s.txt: the transcript differs from "
	              "mvc_demo/spec/%s.out at %s",
	              name, name, where);
	rig_down(&rig);
}

START_TEST(test_transcripts_of_adding_and_toggling)
{
	replay("add_toggle");
	replay("toggle_all");
	replay("edit_delete");
	replay("clear_completed");
	replay("clear_completed_empty");
}
END_TEST

START_TEST(test_transcripts_of_filters_and_undo)
{
	replay("filters");
	replay("undo_redo");
}
END_TEST

START_TEST(test_transcripts_of_bad_input_and_help)
{
	replay("bad_commands");
	replay("help_quit");
}
END_TEST

START_TEST(test_transcripts_of_the_other_views)
{
	replay("view_table");
	replay("view_json");
	replay("paging");
	replay("paging_json");
}
END_TEST

static const struct grade_test TESTS[] = {
	{"test_a_change_shows_the_list_once", test_a_change_shows_the_list_once,
         3,
         "README step 1: ex_presenter_init() subscribes an observer to the "
         "model; its callback draws what the notification says changed "
         "with todo_display_event() and shows it once. "
         "ex_presenter_on_line() hands 'add' to todo_app_change() and "
         "never draws itself."},
	{"test_a_session_shows_what_changed_not_the_whole_list",
         test_a_session_shows_what_changed_not_the_whole_list, 3,
         "README step 1: draw each notification with todo_display_event() "
         "(one row for one change, a page for many), list with "
         "todo_display_list(..., true, ...), filter and sort with false."},
	{"test_view_verbs_show_the_list_without_a_change",
         test_view_verbs_show_the_list_without_a_change, 2,
         "README step 2: filter, sort and list belong to the view, not the "
         "model: change the presenter's filter or order "
         "(todo_filter_find(), todo_order_find()) and show the list once."},
	{"test_a_refused_line_is_one_error", test_a_refused_line_is_one_error,
         2,
         "Every refusal, from todo_parse() or from todo_app_change(), is "
         "one TODO_TEXT_ERROR with the bare message (the view adds "
         "\"error: \"), counted in failures; ex_presenter_on_bad_line() "
         "too."},
	{"test_help_is_drawn_text_and_quit_stops",
         test_help_is_drawn_text_and_quit_stops, 1,
         "help shows todo_help_text() as a TODO_TEXT_LIST; TODO_NOTHING "
         "shows nothing; quit returns false."},
	{"test_init_and_deinit_keep_their_promises",
         test_init_and_deinit_keep_their_promises, 2,
         "Check every pointer (and view->show) before you allocate; pass "
         "the factory's DP_ENOENT on; ex_presenter_deinit() unsubscribes "
         "and frees the display and the scratch stream."},
	{"test_transcripts_of_adding_and_toggling",
         test_transcripts_of_adding_and_toggling, 3,
         "The message names the spec and the first line that differs: run "
         "it on the demo (make demo ARCH=mvp, or the .txt as --script) and "
         "compare with your presenter's output."},
	{"test_transcripts_of_filters_and_undo",
         test_transcripts_of_filters_and_undo, 3,
         "A filter stays until the next one, and undo/redo are changes of "
         "the model like any other: one list each, plus the core's "
         "message."},
	{"test_transcripts_of_bad_input_and_help",
         test_transcripts_of_bad_input_and_help, 3,
         "After todo_app_change() succeeds, show its message (when not "
         "empty) as it is, a TODO_TEXT_MESSAGE; errors as one each."},
	{"test_transcripts_of_the_other_views",
         test_transcripts_of_the_other_views, 2,
         "todo_display_init() makes the renderer by name; the presenter "
         "draws whatever it is given, a page at a time."},
};

int main(int argc, char **argv)
{
	return grade_main("20_presenter", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
