/*
 * Tests of the front ends' shared parts and of what scales in them: the
 * model's change notifications, the views drawing one row per single
 * change and a page per batch (counted in bytes, rows and draws, never in
 * time), the session's rules for unsaved changes and failed redraws, and
 * the input loop.
 */
#define _XOPEN_SOURCE 700

#include "adapter/adapter.h"
#include "app.h"
#include "common/dp_test.h"
#include "mvc.h"
#include "mvp.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the model's notifications -------------------------------------------- */

/* An observer that keeps the last notification, title copied. */
struct recorder {
	struct dp_observer observer;
	int items, lists;
	struct todo_change change;
	char title[TODO_TITLE_MAX + 1];
};

static int record(struct dp_observer *self, int event, void *data)
{
	struct recorder *rec = dp_container_of(self, struct recorder, observer);

	if (event == TODO_EVENT_ITEM) {
		rec->items++;
		rec->change = *(const struct todo_change *)data;
		snprintf(rec->title, sizeof(rec->title), "%s",
		         rec->change.item.title);
	} else {
		ck_assert_int_eq(event, TODO_EVENT_CHANGED);
		rec->lists++;
	}
	return DP_NOTIFY_CONTINUE;
}

static todo_model *recorded_model(struct recorder *rec)
{
	todo_model *model = todo_model_create(NULL);

	ck_assert_ptr_nonnull(model);
	memset(rec, 0, sizeof(*rec));
	dp_observer_init(&rec->observer, record, 0);
	ck_assert_int_eq(todo_model_subscribe(model, &rec->observer), DP_OK);
	return model;
}

START_TEST(test_a_single_change_notifies_the_change)
{
	struct recorder rec;
	todo_model *model = recorded_model(&rec);

	ck_assert_int_eq(todo_model_insert(model, 0, 0, "a", false, NULL), 0);
	ck_assert_int_eq(todo_model_insert(model, 1, 0, "b", false, NULL), 0);
	ck_assert_int_eq(rec.change.kind, TODO_CHANGE_ADDED);
	ck_assert_uint_eq(rec.change.index, 1);
	ck_assert_uint_eq(rec.change.item.id, 2);
	ck_assert_str_eq(rec.title, "b");
	ck_assert_ptr_eq(rec.change.model, model);
	ck_assert_int_eq(todo_model_set_done(model, 0, true), DP_OK);
	ck_assert_int_eq(rec.change.kind, TODO_CHANGE_UPDATED);
	ck_assert(rec.change.item.done);
	ck_assert_int_eq(todo_model_set_title(model, 0, "A"), DP_OK);
	ck_assert_str_eq(rec.title, "A");
	ck_assert_int_eq(rec.items, 4);
	ck_assert_int_eq(rec.lists, 0);
	todo_model_destroy(model);
}
END_TEST

START_TEST(test_a_removal_notifies_the_item_as_it_was)
{
	struct recorder rec;
	todo_model *model = recorded_model(&rec);

	ck_assert_int_eq(todo_model_insert(model, 0, 0, "gone", true, NULL),
	                 DP_OK);
	ck_assert_int_eq(todo_model_remove_at(model, 0), DP_OK);
	ck_assert_int_eq(rec.change.kind, TODO_CHANGE_REMOVED);
	ck_assert_uint_eq(rec.change.index, 0);
	ck_assert_uint_eq(rec.change.item.id, 1);
	ck_assert(rec.change.item.done);
	ck_assert_str_eq(rec.title, "gone");
	ck_assert_uint_eq(todo_model_count(model), 0);
	todo_model_destroy(model);
}
END_TEST

START_TEST(test_a_batch_of_one_change_notifies_that_change)
{
	struct recorder rec;
	todo_model *model = recorded_model(&rec);

	ck_assert_int_eq(todo_model_insert(model, 0, 0, "a", false, NULL), 0);
	todo_model_begin_batch(model);
	ck_assert_int_eq(todo_model_remove_at(model, 0), DP_OK);
	todo_model_end_batch(model);
	ck_assert_int_eq(rec.items, 2);
	ck_assert_int_eq(rec.change.kind, TODO_CHANGE_REMOVED);
	ck_assert_str_eq(rec.title, "a");
	todo_model_destroy(model);
}
END_TEST

START_TEST(test_a_batch_of_many_changes_notifies_the_list_once)
{
	struct recorder rec;
	todo_model *model = recorded_model(&rec);

	todo_model_begin_batch(model);
	ck_assert_int_eq(todo_model_insert(model, 0, 0, "a", false, NULL), 0);
	ck_assert_int_eq(todo_model_insert(model, 1, 0, "b", false, NULL), 0);
	ck_assert_int_eq(todo_model_remove_at(model, 0), DP_OK);
	ck_assert_int_eq(todo_model_remove_at(model, 0), DP_OK);
	todo_model_end_batch(model);
	ck_assert_int_eq(rec.items, 0);
	ck_assert_int_eq(rec.lists, 1);
	/* A batch that held a removal first, then more, kept no title: the
	 * counting allocator of the memcheck build would see a leak. */
	todo_model_begin_batch(model);
	todo_model_end_batch(model);
	ck_assert_int_eq(rec.lists, 1);
	todo_model_destroy(model);
}
END_TEST

/* ---- MVC and MVP over one memory stream ----------------------------------- */

/* Either architecture, with the real terminal views writing to memory. */
struct front {
	struct dp_config config;
	struct todo_app app;
	struct dp_stream *out;
	bool mvp;
	struct todo_mvc_view view;
	struct todo_controller controller;
	struct todo_passive_view passive;
	struct todo_presenter presenter;
};

static void front_init(struct front *f, bool mvp, const char *renderer,
                       const struct dp_allocator *alloc)
{
	char error[TODO_MESSAGE_MAX];

	memset(f, 0, sizeof(*f));
	f->mvp = mvp;
	ck_assert_int_eq(dp_config_init(&f->config, NULL, NULL, NULL), DP_OK);
	struct todo_app_options options = {
		.store = "native", .config = &f->config, .alloc = alloc};
	ck_assert_int_eq(todo_app_init(&f->app, &options, error, sizeof(error)),
	                 DP_OK);
	f->out = dp_memory_stream_create(alloc);
	ck_assert_ptr_nonnull(f->out);
	if (mvp) {
		f->passive = (struct todo_passive_view){.out = f->out};
		ck_assert_int_eq(todo_presenter_init(&f->presenter, &f->app,
		                                     renderer, false,
		                                     &todo_passive_view_ops,
		                                     &f->passive),
		                 DP_OK);
		return;
	}
	ck_assert_int_eq(
		todo_mvc_view_init(&f->view, &f->app, renderer, f->out, false),
		DP_OK);
	ck_assert_int_eq(
		todo_controller_init(&f->controller, &f->app, &f->view, false),
		DP_OK);
}

static struct todo_session *front_session(struct front *f)
{
	return f->mvp ? &f->presenter.session : &f->controller.session;
}

static struct todo_display *front_display(struct front *f)
{
	return f->mvp ? &f->presenter.display : &f->view.display;
}

static bool front_line(struct front *f, const char *text)
{
	char line[TODO_LINE_MAX + 1];

	snprintf(line, sizeof(line), "%s", text);
	return f->mvp ? todo_presenter_on_line(&f->presenter, line)
	              : todo_controller_handle(&f->controller, line);
}

static const char *front_text(struct front *f, size_t *len)
{
	/* The stream's bytes, ended with a NUL for the string checks. */
	ck_assert_int_eq(dp_stream_write(f->out, "", 1), DP_OK);
	const char *text = (const char *)dp_memory_stream_data(f->out, len);
	(*len)--;
	return text;
}

static void front_deinit(struct front *f)
{
	if (f->mvp)
		todo_presenter_deinit(&f->presenter);
	else
		todo_mvc_view_deinit(&f->view);
	dp_stream_close(f->out);
	todo_app_deinit(&f->app);
	dp_config_deinit(&f->config);
}

static size_t count_lines(const char *text)
{
	size_t lines = 0;

	for (; *text; text++)
		lines += *text == '\n';
	return lines;
}

enum { ADDS = 2000 };

/* Before, every add redrew the whole list: 2,000 adds printed about
 * 2,000^2 / 2 rows. Now each prints its row and the footer. */
START_TEST(test_n_adds_print_O_n_bytes_and_draw_once_each)
{
	struct front f;
	char line[64];

	front_init(&f, _i == 1, "plain", NULL);
	for (int i = 0; i < ADDS; i++) {
		snprintf(line, sizeof(line), "add Item %d", i);
		ck_assert(front_line(&f, line));
	}
	size_t len = 0;
	const char *text = front_text(&f, &len);
	ck_assert_uint_lt(len, (size_t)ADDS * 64);
	ck_assert_uint_eq(count_lines(text), 2 * ADDS);
	ck_assert_uint_eq(front_display(&f)->draws, ADDS);
	ck_assert_uint_eq(todo_model_notifications(f.app.model), ADDS);
	ck_assert(front_line(&f, "quit --discard") == false);
	front_deinit(&f);
}
END_TEST

/* A change of many items draws a page; 'list' draws every row. */
START_TEST(test_a_batch_draws_a_page_and_list_draws_all)
{
	struct front f;
	char line[64];
	size_t len = 0;

	front_init(&f, _i == 1, "plain", NULL);
	for (int i = 0; i < 3 * TODO_PAGE_ROWS; i++) {
		snprintf(line, sizeof(line), "add Item %d", i);
		ck_assert(front_line(&f, line));
	}
	dp_memory_stream_clear(f.out);
	ck_assert(front_line(&f, "toggle-all"));
	const char *text = front_text(&f, &len);
	/* The page, "... 40 more", the footer. */
	ck_assert_uint_eq(count_lines(text), TODO_PAGE_ROWS + 2);
	ck_assert_ptr_nonnull(
		strstr(text, "  ... 40 more: 'list' shows all\n"));
	dp_memory_stream_clear(f.out);
	ck_assert(front_line(&f, "list"));
	text = front_text(&f, &len);
	ck_assert_uint_eq(count_lines(text), 3 * TODO_PAGE_ROWS + 1);
	ck_assert_ptr_null(strstr(text, "more"));
	front_deinit(&f);
}
END_TEST

/* The same session prints the same bytes in both architectures. */
START_TEST(test_mvc_and_mvp_print_the_same_bytes_in_every_view)
{
	static const char *const names[] = {"plain", "table", "json"};
	static const char *const lines[] = {
		"add One",       "add Two \"2\"", "toggle 1",   "edit 2 Deux",
		"delete 1",      "add Three",     "toggle-all", "undo",
		"filter active", "sort title",    "list",       "frob",
	};
	struct front mvc, mvp;
	size_t mvc_len = 0, mvp_len = 0;

	front_init(&mvc, false, names[_i], NULL);
	front_init(&mvp, true, names[_i], NULL);
	for (size_t i = 0; i < DP_ARRAY_SIZE(lines); i++) {
		ck_assert(front_line(&mvc, lines[i]));
		ck_assert(front_line(&mvp, lines[i]));
	}
	const char *a = front_text(&mvc, &mvc_len);
	const char *b = front_text(&mvp, &mvp_len);
	ck_assert_uint_eq(mvc_len, mvp_len);
	ck_assert_str_eq(a, b);
	front_deinit(&mvc);
	front_deinit(&mvp);
}
END_TEST

/* ---- every json line parses ---------------------------------------------- */

/* A strict JSON recogniser, enough to hold the json view to its promise
 * of one valid object per line. Each returns the end of what it read, or
 * NULL when the text is not JSON. */
static const char *json_value(const char *p);

static const char *json_string_end(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (; *p != '"'; p++) {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p != '\\')
			continue;
		p++;
		if (*p == 'u') {
			for (int i = 1; i <= 4; i++)
				if (!strchr("0123456789abcdefABCDEF", p[i]) ||
				    p[i] == '\0')
					return NULL;
			p += 4;
		} else if (*p == '\0' || !strchr("\"\\/bfnrt", *p)) {
			return NULL;
		}
	}
	return p + 1;
}

static const char *json_list(const char *p, char close, bool object)
{
	p++;
	if (*p == close)
		return p + 1;
	for (;;) {
		if (object) {
			p = json_string_end(p);
			if (p == NULL || *p++ != ':')
				return NULL;
		}
		p = json_value(p);
		if (p == NULL)
			return NULL;
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *p)
{
	if (*p == '{')
		return json_list(p, '}', true);
	if (*p == '[')
		return json_list(p, ']', false);
	if (*p == '"')
		return json_string_end(p);
	for (const char *word = "true\0false\0null\0"; *word;
	     word += strlen(word) + 1)
		if (strncmp(p, word, strlen(word)) == 0)
			return p + strlen(word);
	const char *start = p;
	if (*p == '-')
		p++;
	while (*p >= '0' && *p <= '9')
		p++;
	return p > start && p[-1] != '-' ? p : NULL;
}

static bool json_line(const char *line, size_t len)
{
	char copy[4096];

	ck_assert_uint_lt(len, sizeof(copy));
	memcpy(copy, line, len);
	copy[len] = '\0';
	const char *end = copy[0] == '{' ? json_value(copy) : NULL;
	return end != NULL && *end == '\0';
}

START_TEST(test_json_recogniser_refuses_what_is_not_json)
{
	ck_assert(json_line("{\"a\":[1,true,\"x\\\"\"]}",
	                    strlen("{\"a\":[1,true,\"x\\\"\"]}")));
	ck_assert(!json_line("{\"a\":1,}", strlen("{\"a\":1,}")));
	ck_assert(!json_line("{\"a\":\"\x01\"}", strlen("{\"a\":\"\x01\"}")));
	ck_assert(!json_line("{\"a\":\"\\x\"}", strlen("{\"a\":\"\\x\"}")));
	ck_assert(!json_line("{\"a\":1} x", strlen("{\"a\":1} x")));
}
END_TEST

START_TEST(test_every_line_of_the_json_view_parses)
{
	struct front f;
	size_t len = 0;
	char line[64];

	front_init(&f, _i == 1, "json", NULL);
	for (int i = 0; i < TODO_PAGE_ROWS + 2; i++) {
		snprintf(line, sizeof(line), "add \"%d\" back\\slash", i);
		ck_assert(front_line(&f, line));
	}
	const char *const lines[] = {
		"toggle 1", "edit 2 two", "delete 3",        "toggle-all",
		"list",     "undo",       "filter completed"};
	for (size_t i = 0; i < DP_ARRAY_SIZE(lines); i++)
		ck_assert(front_line(&f, lines[i]));
	const char *text = front_text(&f, &len);
	size_t checked = 0;
	for (const char *p = text; *p; checked++) {
		const char *end = strchr(p, '\n');
		ck_assert_ptr_nonnull(end);
		ck_assert_msg(json_line(p, (size_t)(end - p)), "not JSON: %.*s",
		              (int)(end - p), p);
		p = end + 1;
	}
	ck_assert_uint_eq(checked, TODO_PAGE_ROWS + 2 + DP_ARRAY_SIZE(lines));
	front_deinit(&f);
}
END_TEST

/* ---- unsaved changes ---------------------------------------------------- */

static size_t count_of(const char *text, const char *what)
{
	size_t n = 0;

	for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

START_TEST(test_a_script_quitting_with_unsaved_changes_is_warned_and_fails)
{
	struct front f;
	size_t len = 0;

	front_init(&f, _i == 1, "plain", NULL);
	ck_assert(!front_line(&f, "quit"));
	ck_assert(!front_session(&f)->lost_changes);
	ck_assert(front_line(&f, "add Buy milk"));
	ck_assert(front_line(&f, "toggle 1"));
	ck_assert(!front_line(&f, "quit"));
	ck_assert(front_session(&f)->lost_changes);
	const char *text = front_text(&f, &len);
	ck_assert_ptr_nonnull(
		strstr(text, "error: 2 unsaved changes: 'save' writes them, "
	                     "'quit --discard' leaves without\n"));
	front_deinit(&f);
}
END_TEST

START_TEST(test_quit_discard_leaves_without_a_warning)
{
	struct front f;
	size_t len = 0;

	front_init(&f, _i == 1, "plain", NULL);
	ck_assert(front_line(&f, "add Buy milk"));
	ck_assert(!front_line(&f, "quit --discard"));
	ck_assert(!front_session(&f)->lost_changes);
	ck_assert_ptr_null(strstr(front_text(&f, &len), "unsaved"));
	front_deinit(&f);
}
END_TEST

/* A person is warned once and leaves on the next quit; a change between
 * the two quits warns again. The "interactive" flag is injected here; the
 * pseudo-terminal test below drives the real program. */
START_TEST(test_a_person_is_warned_once_and_leaves_on_the_next_quit)
{
	struct front f;
	size_t len = 0;

	front_init(&f, _i == 1, "plain", NULL);
	front_session(&f)->interactive = true;
	ck_assert(front_line(&f, "add Buy milk"));
	ck_assert(front_line(&f, "quit"));
	ck_assert(front_line(&f, "add Walk the dog"));
	ck_assert(front_line(&f, "quit"));
	ck_assert(!front_line(&f, "quit"));
	ck_assert(!front_session(&f)->lost_changes);
	const char *text = front_text(&f, &len);
	ck_assert_uint_eq(count_of(text, "unsaved change"), 2);
	ck_assert_ptr_nonnull(strstr(text, "; quit again to leave\n"));
	front_deinit(&f);
}
END_TEST

/* The loop's handlers, counting what they are called with. */
struct loop_counts {
	struct todo_session *session;
	int lines, bad_lines, ends;
};

static bool count_line(void *ctx, char *line)
{
	struct loop_counts *counts = ctx;

	counts->lines++;
	return todo_session_handle(counts->session, line);
}

static void count_bad_line(void *ctx)
{
	struct loop_counts *counts = ctx;

	counts->bad_lines++;
	todo_session_bad_line(counts->session);
}

static bool count_end(void *ctx)
{
	struct loop_counts *counts = ctx;

	counts->ends++;
	return todo_session_end(counts->session);
}

static const struct todo_input_ops counting_ops = {
	.line = count_line, .bad_line = count_bad_line, .end = count_end};

/* The end of a person's input with unsaved changes warns; the next end
 * leaves. An interrupt (Ctrl-C) counts as an end and is cleared. */
START_TEST(test_end_of_input_and_interrupt_warn_a_person_once)
{
	static char script[] = "add Buy milk\n";
	struct front f;
	volatile sig_atomic_t interrupted = 0;
	size_t len = 0;

	front_init(&f, false, "plain", NULL);
	FILE *in = fmemopen(script, strlen(script), "r");
	ck_assert_ptr_nonnull(in);
	struct todo_input input = {in, f.out, true, &interrupted};
	struct loop_counts counts = {.session = front_session(&f)};
	front_session(&f)->interactive = true;
	ck_assert_int_eq(todo_input_run(&input, &counting_ops, &counts), 0);
	ck_assert_int_eq(counts.lines, 1);
	ck_assert_int_eq(counts.ends, 2);
	ck_assert_uint_eq(count_of(front_text(&f, &len), "unsaved"), 1);
	/* Interrupted before the next read: the loop ends without reading,
	 * and here the warning was given already, so it leaves. */
	rewind(in);
	interrupted = 1;
	counts = (struct loop_counts){.session = front_session(&f)};
	ck_assert_int_eq(todo_input_run(&input, &counting_ops, &counts), 0);
	ck_assert_int_eq(counts.lines, 0);
	ck_assert_int_eq(counts.ends, 1);
	ck_assert_int_eq(interrupted, 0);
	fclose(in);
	front_deinit(&f);
}
END_TEST

START_TEST(test_input_loop_echoes_a_script_and_reports_bad_lines)
{
	static char script[] = "add x\n\x01\x02\0\nquit --discard\nadd y\n";
	struct front f;
	size_t len = 0;

	front_init(&f, false, "plain", NULL);
	FILE *in = fmemopen(script, sizeof(script) - 1, "r");
	ck_assert_ptr_nonnull(in);
	struct todo_input input = {in, f.out, false, NULL};
	struct loop_counts counts = {.session = front_session(&f)};
	ck_assert_int_eq(todo_input_run(&input, &counting_ops, &counts), 0);
	ck_assert_int_eq(counts.lines, 2);
	ck_assert_int_eq(counts.bad_lines, 1);
	ck_assert_int_eq(counts.ends, 0);
	const char *text = front_text(&f, &len);
	ck_assert_ptr_nonnull(strstr(text, "> add x\n"));
	ck_assert_ptr_nonnull(strstr(text, "> \\x01\\x02...\nerror: line"));
	ck_assert_ptr_null(strstr(text, "add y"));
	ck_assert_int_eq(todo_input_run(NULL, &counting_ops, &counts),
	                 DP_EINVAL);
	fclose(in);
	front_deinit(&f);
}
END_TEST

/* ---- a person at a terminal ------------------------------------------------ */

/* The program under test, built next to this test. */
static void program_path(char *path, size_t size)
{
	ssize_t len = readlink("/proc/self/exe", path, size - 1);

	ck_assert_int_gt(len, 0);
	path[len] = '\0';
	char *slash = strrchr(path, '/');
	ck_assert_ptr_nonnull(slash);
	ck_assert_uint_lt((size_t)(slash - path) + sizeof("/todo"), size);
	memcpy(slash, "/todo", sizeof("/todo"));
}

/* Run the program on a new pseudo-terminal, as a person would. */
static pid_t spawn_on_terminal(const char *arch, int *master)
{
	char path[PATH_MAX];

	program_path(path, sizeof(path));
	*master = posix_openpt(O_RDWR | O_NOCTTY);
	ck_assert_int_ge(*master, 0);
	ck_assert_int_eq(grantpt(*master), 0);
	ck_assert_int_eq(unlockpt(*master), 0);
	const char *name = ptsname(*master);
	ck_assert_ptr_nonnull(name);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* A new session whose controlling terminal is the pty, so
		 * that Ctrl-C there sends SIGINT to the program. */
		int fd = setsid() < 0 ? -1 : open(name, O_RDWR);
		if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 ||
		    dup2(fd, 2) < 0)
			_exit(126);
		setenv("NO_COLOR", "1", 1);
		unsetenv("DP_DATA_DIR");
		unsetenv("DP_LOG_LEVEL");
		unsetenv("DP_CACHE_CAPACITY");
		execl(path, "todo", "--arch", arch, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Read until `text` has appeared after `*seen`, with no clock: Check's
 * timeout is the only bound. Returns false at the end of the output. */
static bool read_until(int master, char *out, size_t size, size_t *len,
                       size_t *seen, const char *text)
{
	for (;;) {
		out[*len] = '\0';
		char *found = strstr(out + *seen, text);
		if (found != NULL) {
			*seen = (size_t)(found - out) + strlen(text);
			return true;
		}
		ck_assert_uint_lt(*len, size - 1);
		ssize_t got = read(master, out + *len, size - 1 - *len);
		if (got <= 0)
			return false;
		*len += (size_t)got;
	}
}

/* Ctrl-C at the prompt with unsaved changes does not kill the program: it
 * warns, once, and the next quit leaves, with status 0. */
START_TEST(test_ctrl_c_at_a_terminal_warns_and_the_next_quit_leaves)
{
	static char out[16384];
	size_t len = 0, seen = 0;
	int master = -1;
	int status = 0;
	pid_t pid = spawn_on_terminal(_i == 1 ? "mvp" : "mvc", &master);

	ck_assert(read_until(master, out, sizeof(out), &len, &seen, "> "));
	ck_assert_int_eq(write(master, "add Buy milk\n", 13), 13);
	ck_assert(read_until(master, out, sizeof(out), &len, &seen,
	                     "1 item left (all)"));
	ck_assert(read_until(master, out, sizeof(out), &len, &seen, "> "));
	ck_assert_int_eq(write(master, "\003", 1), 1);
	ck_assert(read_until(master, out, sizeof(out), &len, &seen,
	                     "1 unsaved change: 'save' writes them"));
	ck_assert(read_until(master, out, sizeof(out), &len, &seen,
	                     "quit again to leave"));
	ck_assert(read_until(master, out, sizeof(out), &len, &seen, "> "));
	ck_assert_int_eq(write(master, "quit\n", 5), 5);
	ck_assert(
		!read_until(master, out, sizeof(out), &len, &seen, "unsaved"));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	close(master);
}
END_TEST

/* ---- a redraw that failed -------------------------------------------------- */

/* At every allocation point of an add, including the output's: the add
 * is refused with nothing changed, or it applied and was drawn, or the
 * failed redraw was reported. Never "applied, nothing drawn, success". */
START_TEST(test_an_add_is_drawn_refused_or_reported_at_every_allocation)
{
	for (size_t n = 1;; n++) {
		struct dp_failing_allocator failing;
		struct front f;
		size_t len = 0;

		dp_failing_allocator_init(&failing, 0, NULL);
		front_init(&f, _i == 1, "plain", &failing.base);
		/* Armed for the add only: counting starts again at it. */
		dp_failing_allocator_init(&failing, n, NULL);
		ck_assert(front_line(&f, "add Buy milk"));
		bool failed = failing.failed;
		dp_failing_allocator_init(&failing, 0, NULL);
		const struct todo_session *session = front_session(&f);
		const char *text = front_text(&f, &len);
		if (todo_model_count(f.app.model) == 0) {
			ck_assert(failed);
			ck_assert_uint_eq(session->failures, 1);
		} else if (session->redraw_failed) {
			ck_assert_ptr_nonnull(strstr(
				text, "the list could not be redrawn: "));
			ck_assert_uint_eq(session->failures, 1);
		} else {
			ck_assert_ptr_nonnull(strstr(
				text, "+   1 [ ] Buy milk\n1 item left"));
			ck_assert_uint_eq(session->failures, 0);
		}
		front_deinit(&f);
		if (!failed)
			break;
	}
}
END_TEST

/* A view whose output fails: the change is applied and the failure is
 * reported, then 'list' draws again once the output works. */
static int failing_show(void *ctx, enum todo_text_kind kind, const char *text)
{
	int *fail = ctx;

	(void)text;
	return kind == TODO_TEXT_LIST && (*fail)-- > 0 ? DP_EIO : DP_OK;
}

static const struct todo_view_ops failing_view = {.show = failing_show};

START_TEST(test_a_view_that_cannot_show_the_change_is_reported)
{
	struct dp_config config;
	struct todo_app app;
	struct todo_presenter presenter;
	struct todo_app_options options = {.store = "native",
	                                   .config = &config};
	char error[TODO_MESSAGE_MAX];
	char line[32];
	int fail = 1;

	ck_assert_int_eq(dp_config_init(&config, NULL, NULL, NULL), DP_OK);
	ck_assert_int_eq(todo_app_init(&app, &options, error, sizeof(error)),
	                 DP_OK);
	ck_assert_int_eq(todo_presenter_init(&presenter, &app, "plain", false,
	                                     &failing_view, &fail),
	                 DP_OK);
	snprintf(line, sizeof(line), "add Buy milk");
	ck_assert(todo_presenter_on_line(&presenter, line));
	ck_assert(presenter.session.redraw_failed);
	ck_assert_uint_eq(presenter.session.failures, 1);
	ck_assert_uint_eq(todo_model_count(app.model), 1);
	snprintf(line, sizeof(line), "list");
	ck_assert(todo_presenter_on_line(&presenter, line));
	ck_assert_uint_eq(presenter.session.failures, 1);
	todo_presenter_deinit(&presenter);
	todo_app_deinit(&app);
	dp_config_deinit(&config);
}
END_TEST

START_TEST(test_shared_parts_refuse_null_arguments)
{
	struct todo_session session;
	struct todo_display display = {0};
	const struct todo_front_ops no_draw = {.show = NULL, .draw = NULL};

	ck_assert_int_eq(todo_session_init(&session, NULL, &display, &no_draw,
	                                   NULL, false),
	                 DP_EINVAL);
	ck_assert(!todo_session_handle(NULL, NULL));
	ck_assert(todo_session_end(NULL));
	todo_session_bad_line(NULL);
	ck_assert_int_eq(todo_display_init(NULL, NULL, "plain", false),
	                 DP_EINVAL);
	ck_assert_int_eq(todo_display_list(NULL, NULL, true, NULL), DP_EINVAL);
	ck_assert_int_eq(todo_display_event(&display, NULL, 0, NULL, NULL),
	                 DP_EINVAL);
	ck_assert_int_eq(todo_display_take_error(NULL), DP_OK);
	ck_assert_int_eq(todo_show_text(NULL, false, TODO_TEXT_LIST, "x"),
	                 DP_EINVAL);
	ck_assert_int_eq(todo_unsaved_warning(NULL, NULL, 0), DP_EINVAL);
	ck_assert_int_eq(todo_mvc_view_init(NULL, NULL, "plain", NULL, false),
	                 DP_EINVAL);
	ck_assert_int_eq(
		todo_presenter_init(NULL, NULL, "plain", false, NULL, NULL),
		DP_EINVAL);
}
END_TEST

static Suite *session_suite(void)
{
	Suite *suite = suite_create("session");
	TCase *tc;

	tc = dp_test_case(suite, "notifications");
	tcase_add_test(tc, test_a_single_change_notifies_the_change);
	tcase_add_test(tc, test_a_removal_notifies_the_item_as_it_was);
	tcase_add_test(tc, test_a_batch_of_one_change_notifies_that_change);
	tcase_add_test(tc, test_a_batch_of_many_changes_notifies_the_list_once);

	/* Loops over the architectures: 0 is MVC, 1 is MVP. */
	tc = dp_test_case(suite, "drawing");
	tcase_add_loop_test(tc, test_n_adds_print_O_n_bytes_and_draw_once_each,
	                    0, 2);
	tcase_add_loop_test(tc, test_a_batch_draws_a_page_and_list_draws_all, 0,
	                    2);
	tcase_add_loop_test(
		tc, test_mvc_and_mvp_print_the_same_bytes_in_every_view, 0, 3);
	tcase_add_test(tc, test_json_recogniser_refuses_what_is_not_json);
	tcase_add_loop_test(tc, test_every_line_of_the_json_view_parses, 0, 2);

	tc = dp_test_case(suite, "leaving");
	tcase_add_loop_test(
		tc,
		test_a_script_quitting_with_unsaved_changes_is_warned_and_fails,
		0, 2);
	tcase_add_loop_test(tc, test_quit_discard_leaves_without_a_warning, 0,
	                    2);
	tcase_add_loop_test(
		tc, test_a_person_is_warned_once_and_leaves_on_the_next_quit, 0,
		2);
	tcase_add_test(tc, test_end_of_input_and_interrupt_warn_a_person_once);
	tcase_add_test(tc,
	               test_input_loop_echoes_a_script_and_reports_bad_lines);
	tcase_add_loop_test(
		tc, test_ctrl_c_at_a_terminal_warns_and_the_next_quit_leaves, 0,
		2);

	tc = dp_test_case(suite, "failures");
	tcase_add_loop_test(
		tc,
		test_an_add_is_drawn_refused_or_reported_at_every_allocation, 0,
		2);
	tcase_add_test(tc, test_a_view_that_cannot_show_the_change_is_reported);
	tcase_add_test(tc, test_shared_parts_refuse_null_arguments);
	return suite;
}

int main(void)
{
	return dp_test_run(session_suite());
}
