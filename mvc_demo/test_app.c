/*
 * Tests of what sits on the model: the command language, the shared core,
 * the MVC view and controller, the MVP presenter with a fake view, and the
 * application's configuration taken from the Singleton's default.
 */
#define _POSIX_C_SOURCE 200809L

#include "adapter/adapter.h"
#include "app.h"
#include "common/dp_temp.h"
#include "common/dp_test.h"
#include "mvc.h"
#include "mvp.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the parser ---------------------------------------------------------- */

static int parse_line(const char *text, struct todo_request *request,
                      char *error)
{
	static char line[TODO_LINE_MAX + 1];

	snprintf(line, sizeof(line), "%s", text);
	return todo_parse(line, request, error, TODO_MESSAGE_MAX);
}

START_TEST(test_parser_reads_every_verb_and_its_arguments)
{
	struct todo_request r;
	char error[TODO_MESSAGE_MAX];

	ck_assert_int_eq(parse_line("add   Buy  milk  ", &r, error), DP_OK);
	ck_assert_int_eq(r.verb, TODO_ADD);
	ck_assert_str_eq(r.text, "Buy  milk");
	ck_assert_int_eq(parse_line("edit 12 Walk the cat", &r, error), DP_OK);
	ck_assert_int_eq(r.verb, TODO_EDIT);
	ck_assert_uint_eq(r.id, 12);
	ck_assert_str_eq(r.text, "Walk the cat");
	ck_assert_int_eq(parse_line("import csv my list.csv", &r, error),
	                 DP_OK);
	ck_assert_int_eq(r.verb, TODO_IMPORT);
	ck_assert_str_eq(r.format, "csv");
	ck_assert_str_eq(r.text, "my list.csv");
	ck_assert_int_eq(parse_line("save", &r, error), DP_OK);
	ck_assert_int_eq(r.verb, TODO_SAVE);
	ck_assert_ptr_null(r.text);
	ck_assert(!r.force);
	ck_assert_int_eq(parse_line("save --force a b", &r, error), DP_OK);
	ck_assert(r.force);
	ck_assert_str_eq(r.text, "a b");
	ck_assert_int_eq(parse_line("save --forced", &r, error), DP_OK);
	ck_assert(!r.force);
	ck_assert_str_eq(r.text, "--forced");
	ck_assert_int_eq(parse_line("quit --discard", &r, error), DP_OK);
	ck_assert_int_eq(r.verb, TODO_QUIT);
	ck_assert(r.force);
	ck_assert_int_eq(parse_line("filter completed", &r, error), DP_OK);
	ck_assert_int_eq(r.verb, TODO_FILTER);
	ck_assert_int_eq(parse_line("toggle-all", &r, error), DP_OK);
	ck_assert_int_eq(r.verb, TODO_TOGGLE_ALL);
	ck_assert_int_eq(parse_line("   ", &r, error), DP_OK);
	ck_assert_int_eq(r.verb, TODO_NOTHING);
	ck_assert_int_eq(parse_line("# a comment", &r, error), DP_OK);
	ck_assert_int_eq(r.verb, TODO_NOTHING);
}
END_TEST

START_TEST(test_parser_names_each_mistake)
{
	static const struct {
		const char *line;
		const char *error;
	} cases[] = {
		{"frob", "unknown command 'frob' (try 'help')"},
		{"add", "usage: add TITLE"},
		{"toggle", "usage: toggle ID"},
		{"toggle x1", "'x1' is not an item id"},
		{"delete 0", "'0' is not an item id"},
		{"delete 4294967296", "'4294967296' is not an item id"},
		{"toggle 1 2", "usage: toggle ID"},
		{"edit 3", "usage: edit ID TITLE"},
		{"filter", "usage: filter all|active|completed"},
		{"filter done", "unknown filter 'done' (all|active|completed)"},
		{"sort size", "unknown order 'size' (id|title|status)"},
		{"export csv", "usage: export native|csv|todotxt FILE"},
		{"import xml a", "unknown format 'xml' (native, csv, todotxt)"},
		{"quit now", "usage: quit [--discard]"},
	};
	struct todo_request r;
	char error[TODO_MESSAGE_MAX];

	for (size_t i = 0; i < DP_ARRAY_SIZE(cases); i++) {
		ck_assert_int_eq(parse_line(cases[i].line, &r, error),
		                 DP_EINVAL);
		ck_assert_str_eq(error, cases[i].error);
		ck_assert_int_eq(r.verb, TODO_NOTHING);
	}
	ck_assert_int_eq(parse_line("delete 4294967295", &r, error), DP_OK);
	ck_assert_uint_eq(r.id, 4294967295u);
}
END_TEST

START_TEST(test_read_line_refuses_long_lines_and_nul_bytes)
{
	char input[3000];
	char line[TODO_LINE_MAX + 1];

	memset(input, 'a', 2000);
	memcpy(input + 2000, "\nok\r\nnul\0x\nlast", 15);
	FILE *in = fmemopen(input, 2015, "r");
	ck_assert_int_eq(todo_read_line(in, line), -1);
	ck_assert_int_eq(todo_read_line(in, line), 1);
	ck_assert_str_eq(line, "ok");
	ck_assert_int_eq(todo_read_line(in, line), -1);
	ck_assert_int_eq(todo_read_line(in, line), 1);
	ck_assert_str_eq(line, "last");
	ck_assert_int_eq(todo_read_line(in, line), 0);
	fclose(in);
}
END_TEST

/* ---- the core, configured through the Singleton ------------------------- */

struct settings {
	const char *log_level;
	const char *data_dir;
};

static const char *lookup(void *ctx, const char *name)
{
	const struct settings *settings = ctx;

	if (strcmp(name, "DP_LOG_LEVEL") == 0)
		return settings->log_level;
	if (strcmp(name, "DP_DATA_DIR") == 0)
		return settings->data_dir;
	return NULL;
}

START_TEST(test_app_takes_the_default_configuration_and_its_clock)
{
	char dir[256];
	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "todo-app"), DP_OK);
	struct settings settings = {"debug", dir};
	struct dp_config_source source = {lookup, &settings};
	struct dp_manual_clock clock;
	dp_manual_clock_init(&clock, 5000);
	struct dp_config config;
	ck_assert_int_eq(dp_config_init(&config, &source, &clock.base, NULL),
	                 DP_OK);
	const struct dp_config *before = dp_config_set_default(&config);

	struct dp_stream *log = dp_memory_stream_create(NULL);
	struct todo_app_options options = {.store = "csv", .log = log};
	struct todo_app app;
	char message[TODO_MESSAGE_MAX];
	ck_assert_int_eq(
		todo_app_init(&app, &options, message, sizeof(message)), DP_OK);
	ck_assert_ptr_eq(app.config, &config);
	ck_assert_str_eq(app.file, "todo.csv");
	ck_assert(!todo_app_unsaved(&app));
	struct todo_request request = {.verb = TODO_ADD, .text = "Buy milk"};
	ck_assert_int_eq(
		todo_app_change(&app, &request, message, sizeof(message)),
		DP_OK);
	ck_assert_str_eq(message, "");
	ck_assert(todo_app_unsaved(&app));
	ck_assert_uint_eq(todo_model_version(app.model), 1);
	request = (struct todo_request){.verb = TODO_SAVE};
	ck_assert_int_eq(
		todo_app_change(&app, &request, message, sizeof(message)),
		DP_OK);
	ck_assert_str_eq(message, "saved 1 item to 'todo.csv'");
	ck_assert(!todo_app_unsaved(&app));
	/* An undo is a change: the list no longer matches the file. */
	request = (struct todo_request){.verb = TODO_UNDO};
	ck_assert_int_eq(
		todo_app_change(&app, &request, message, sizeof(message)),
		DP_OK);
	ck_assert(todo_app_unsaved(&app));
	ck_assert_uint_eq(todo_model_version(app.model), 2);
	request = (struct todo_request){.verb = TODO_REDO};
	ck_assert_int_eq(
		todo_app_change(&app, &request, message, sizeof(message)),
		DP_OK);
	/* The relative name went to the configured data directory. */
	char path[512];
	snprintf(path, sizeof(path), "%s/todo.csv", dir);
	ck_assert_int_eq(access(path, F_OK), 0);
	/* The manual clock did not move: the timing layer saw 0 ns. */
	ck_assert_uint_eq(app.timing.saves, 1);
	ck_assert_uint_eq(app.timing.total_ns, 0);
	size_t len = 0;
	const unsigned char *text = dp_memory_stream_data(log, &len);
	char expected[640];
	snprintf(expected, sizeof(expected), "store: save '%s': 1 item\n",
	         path);
	ck_assert_uint_eq(len, strlen(expected));
	ck_assert_int_eq(memcmp(text, expected, len), 0);

	todo_app_deinit(&app);
	dp_stream_close(log);
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
	dp_config_set_default(before);
	dp_config_deinit(&config);
}
END_TEST

START_TEST(test_app_refuses_an_unknown_store)
{
	struct dp_config config;
	ck_assert_int_eq(dp_config_init(&config, NULL, NULL, NULL), DP_OK);
	struct todo_app_options options = {.store = "yaml", .config = &config};
	struct todo_app app;
	char error[TODO_MESSAGE_MAX];

	ck_assert_int_eq(todo_app_init(&app, &options, error, sizeof(error)),
	                 DP_ENOENT);
	ck_assert_str_eq(error, "unknown store 'yaml' (native, csv, todotxt)");
	dp_config_deinit(&config);
}
END_TEST

START_TEST(test_app_init_fails_cleanly_at_every_allocation)
{
	struct dp_config config;
	ck_assert_int_eq(dp_config_init(&config, NULL, NULL, NULL), DP_OK);
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);
		struct todo_app_options options = {
			.store = "native",
			.config = &config,
			.alloc = &failing.base,
		};
		struct todo_app app;
		char error[TODO_MESSAGE_MAX];
		int rc = todo_app_init(&app, &options, error, sizeof(error));
		ck_assert_int_eq(rc, failing.failed ? DP_ENOMEM : DP_OK);
		if (rc == DP_OK)
			todo_app_deinit(&app);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (!failing.failed)
			break;
	}
	dp_config_deinit(&config);
}
END_TEST

/* ---- saving: nothing lost ----------------------------------------------- */

/* An instance of the core whose relative files are in `dir`. */
struct instance {
	struct settings settings;
	struct dp_config_source source;
	struct dp_config config;
	struct todo_app app;
	char message[TODO_MESSAGE_MAX];
};

static void start_with(struct instance *self, const char *dir,
                       const struct dp_allocator *alloc)
{
	struct todo_app_options options = {
		.store = "native", .config = &self->config, .alloc = alloc};

	self->settings = (struct settings){NULL, dir};
	self->source = (struct dp_config_source){lookup, &self->settings};
	ck_assert_int_eq(
		dp_config_init(&self->config, &self->source, NULL, NULL),
		DP_OK);
	ck_assert_int_eq(todo_app_init(&self->app, &options, self->message,
	                               sizeof(self->message)),
	                 DP_OK);
}

static void start(struct instance *self, const char *dir)
{
	start_with(self, dir, NULL);
}

static void stop(struct instance *self)
{
	todo_app_deinit(&self->app);
	dp_config_deinit(&self->config);
}

/* Carry out one request; return its code, the message in self. */
static int run(struct instance *self, enum todo_verb verb, const char *text,
               bool force)
{
	struct todo_request request = {
		.verb = verb, .text = text, .force = force};

	return todo_app_change(&self->app, &request, self->message,
	                       sizeof(self->message));
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *file = fopen(path, "w");
	ck_assert_ptr_nonnull(file);
	fputs(text, file);
	fclose(file);
}

static void assert_file_holds(const char *dir, const char *name,
                              const char *expected)
{
	char path[512];
	char *data = NULL;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(todo_file_read(path, NULL, &data, &len), DP_OK);
	ck_assert_uint_eq(len, strlen(expected));
	ck_assert_int_eq(memcmp(data, expected, len), 0);
	free(data);
}

static const char CHANGED_LOADED[] =
	"cannot save 'todo.list': it changed on disk since it was loaded "
	"('load' reads it again; 'save --force' writes over it)";
static const char CHANGED_SAVED[] =
	"cannot save 'todo.list': it changed on disk since it was saved "
	"('load' reads it again; 'save --force' writes over it)";

/* The "two instances saving the same file lose one's change
 * silently": the second save is refused, and loses nothing. */
START_TEST(test_two_instances_saving_one_file_lose_nothing)
{
	char dir[256];
	struct instance a, b;

	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "todo-app"), DP_OK);
	put_file(dir, "todo.list", "todo-list 1\n[ ] Shared\nend 1\n");
	start(&a, dir);
	start(&b, dir);
	ck_assert_int_eq(run(&a, TODO_LOAD, NULL, false), DP_OK);
	ck_assert_int_eq(run(&b, TODO_LOAD, NULL, false), DP_OK);
	ck_assert_int_eq(run(&b, TODO_ADD, "From B", false), DP_OK);
	ck_assert_int_eq(run(&b, TODO_SAVE, NULL, false), DP_OK);
	ck_assert_int_eq(run(&a, TODO_ADD, "From A", false), DP_OK);
	unsigned long version = a.app.saved_version;
	ck_assert_int_eq(run(&a, TODO_SAVE, NULL, false), DP_EBUSY);
	ck_assert_str_eq(a.message, CHANGED_LOADED);
	/* A's list is intact and still unsaved; the file is B's. */
	ck_assert_uint_eq(todo_model_count(a.app.model), 2);
	ck_assert_str_eq(todo_model_at(a.app.model, 1)->title, "From A");
	ck_assert(todo_app_unsaved(&a.app));
	ck_assert_uint_eq(a.app.saved_version, version);
	assert_file_holds(dir, "todo.list",
	                  "todo-list 1\n[ ] Shared\n[ ] From B\nend 2\n");
	/* Forced, A writes over it, and its list is saved. */
	ck_assert_int_eq(run(&a, TODO_SAVE, NULL, true), DP_OK);
	ck_assert_str_eq(a.message, "saved 2 items to 'todo.list'");
	ck_assert(!todo_app_unsaved(&a.app));
	assert_file_holds(dir, "todo.list",
	                  "todo-list 1\n[ ] Shared\n[ ] From A\nend 2\n");
	/* Now B is the one behind: refused, until it reads the file. */
	ck_assert_int_eq(run(&b, TODO_SAVE, NULL, false), DP_EBUSY);
	ck_assert_str_eq(b.message, CHANGED_SAVED);
	ck_assert_int_eq(run(&b, TODO_LOAD, NULL, false), DP_OK);
	ck_assert_int_eq(run(&b, TODO_SAVE, NULL, false), DP_OK);
	/* A saved last, B saved since: A is refused again. */
	ck_assert_int_eq(run(&a, TODO_SAVE, NULL, false), DP_EBUSY);
	stop(&a);
	stop(&b);
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
}
END_TEST

/* A file that a load found missing and that exists now is a change; a
 * file deleted since, and a path never loaded nor saved, are written. */
START_TEST(test_a_save_checks_only_files_it_has_seen)
{
	char dir[256], path[512];
	struct instance a, b;

	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "todo-app"), DP_OK);
	start(&a, dir);
	start(&b, dir);
	ck_assert_int_eq(run(&a, TODO_LOAD, NULL, false), DP_ENOENT);
	ck_assert_int_eq(run(&b, TODO_ADD, "From B", false), DP_OK);
	ck_assert_int_eq(run(&b, TODO_SAVE, NULL, false), DP_OK);
	ck_assert_int_eq(run(&a, TODO_ADD, "From A", false), DP_OK);
	ck_assert_int_eq(run(&a, TODO_SAVE, NULL, false), DP_EBUSY);
	ck_assert_str_eq(a.message,
	                 "cannot save 'todo.list': it was created on disk "
	                 "since a load found none ('load' reads it; 'save "
	                 "--force' writes over it)");
	/* Deleted since: writing it loses nothing. */
	snprintf(path, sizeof(path), "%s/todo.list", dir);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(run(&a, TODO_SAVE, NULL, false), DP_OK);
	/* Never loaded nor saved here: written as it always was. */
	put_file(dir, "other.list", "todo-list 1\nend 0\n");
	ck_assert_int_eq(run(&a, TODO_SAVE, "other.list", false), DP_OK);
	/* An export neither checks nor is remembered. */
	struct todo_request export = {
		.verb = TODO_EXPORT, .text = "todo.list", .format = "native"};
	ck_assert_int_eq(
		todo_app_change(&b.app, &export, b.message, sizeof(b.message)),
		DP_OK);
	ck_assert_int_eq(run(&a, TODO_SAVE, NULL, false), DP_EBUSY);
	stop(&a);
	stop(&b);
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
}
END_TEST

static int write_nothing(void *ctx, struct dp_stream *out)
{
	(void)ctx;
	(void)out;
	return DP_OK;
}

/* Tell the test through one pipe that the save is in the middle, then
 * wait on another that is never written: only a signal ends it. */
static int wait_forever(void *ctx, enum todo_save_step step,
                        const char *temporary)
{
	const int *pipes = ctx;
	char byte = 'r';

	(void)step;
	(void)temporary;
	if (write(pipes[0], &byte, 1) != 1 || read(pipes[1], &byte, 1) < 0)
		return DP_EIO;
	return DP_OK;
}

/* A child that stops in the middle of a save of `path` and is killed
 * there with SIGKILL, leaving its temporary file. */
static void kill_a_save(const char *path)
{
	int to_test[2], to_child[2], wstatus;
	char byte;

	ck_assert_int_eq(pipe(to_test), 0);
	ck_assert_int_eq(pipe(to_child), 0);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		int pipes[2] = {to_test[1], to_child[0]};
		struct todo_save_hook hook = {wait_forever, pipes};
		_exit(todo_atomic_save_hooked(path, write_nothing, NULL, NULL,
		                              &hook, NULL));
	}
	ck_assert_int_eq(read(to_test[0], &byte, 1), 1);
	ck_assert_int_eq(kill(child, SIGKILL), 0);
	ck_assert_int_eq(waitpid(child, &wstatus, 0), child);
	ck_assert(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL);
	for (int i = 0; i < 2; i++) {
		close(to_test[i]);
		close(to_child[i]);
	}
}

/* A save removes what a SIGKILLed save of the same file left, and says
 * so; a file whose process lives is kept. */
START_TEST(test_a_save_says_it_removed_a_killed_saves_file)
{
	char dir[256], live[128], path[512];
	struct instance a;

	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "todo-app"), DP_OK);
	snprintf(path, sizeof(path), "%s/todo.list", dir);
	kill_a_save(path);
	snprintf(live, sizeof(live), ".todo.list.%ld.AbC123", (long)getppid());
	put_file(dir, live, "in use");
	start(&a, dir);
	ck_assert_int_eq(run(&a, TODO_ADD, "Buy milk", false), DP_OK);
	ck_assert_int_eq(run(&a, TODO_SAVE, NULL, false), DP_OK);
	ck_assert_str_eq(a.message, "saved 1 item to 'todo.list' (removed 1 "
	                            "temporary file left by a killed save)");
	ck_assert_int_eq(run(&a, TODO_SAVE, NULL, false), DP_OK);
	ck_assert_str_eq(a.message, "saved 1 item to 'todo.list'");
	snprintf(path, sizeof(path), "%s/%s", dir, live);
	ck_assert_int_eq(unlink(path), 0); /* kept, and the only one */
	stop(&a);
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
}
END_TEST

/* Saving and loading, out of memory at each allocation: no leak, no
 * temporary file, and a list marked saved only when it was. */
START_TEST(test_saving_fails_cleanly_at_every_allocation)
{
	char dir[256];

	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "todo-app"), DP_OK);
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		struct instance a;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, 0, &counter.base);
		start_with(&a, dir, &failing.base);
		ck_assert_int_eq(run(&a, TODO_ADD, "Buy milk", false), DP_OK);
		failing.fail_at = failing.requests + n;
		int rc = run(&a, TODO_SAVE, NULL, false);
		if (rc == DP_OK)
			rc = run(&a, TODO_LOAD, NULL, false);
		if (rc == DP_OK)
			rc = run(&a, TODO_SAVE, NULL, false);
		ck_assert(rc == DP_OK || (failing.failed && rc == DP_ENOMEM));
		ck_assert(rc != DP_OK || !todo_app_unsaved(&a.app));
		stop(&a);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (!failing.failed)
			break;
	}
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
}
END_TEST

START_TEST(test_core_functions_refuse_null_arguments)
{
	struct instance a;
	struct todo_request request = {.verb = TODO_ADD, .text = "x"};
	struct todo_app_options options = {.store = "native"};
	char message[8];

	ck_assert_int_eq(todo_app_change(NULL, &request, message, 8),
	                 DP_EINVAL);
	start(&a, ".");
	ck_assert_int_eq(todo_app_change(&a.app, NULL, message, 8), DP_EINVAL);
	ck_assert_int_eq(todo_app_change(&a.app, &request, NULL, 8), DP_EINVAL);
	ck_assert_int_eq(todo_app_change(&a.app, &request, message, 0),
	                 DP_EINVAL);
	ck_assert_uint_eq(todo_model_count(a.app.model), 0);
	stop(&a);
	ck_assert_int_eq(todo_app_init(NULL, &options, message, 8), DP_EINVAL);
	ck_assert_int_eq(todo_app_init(&a.app, NULL, message, 8), DP_EINVAL);
	ck_assert_int_eq(todo_parse(NULL, &request, message, 8), DP_EINVAL);
}
END_TEST

/* ---- MVC and MVP, side by side ------------------------------------------ */

static void app_for_test(struct todo_app *app, struct dp_config *config)
{
	struct todo_app_options options = {.store = "native", .config = config};
	char error[TODO_MESSAGE_MAX];

	ck_assert_int_eq(dp_config_init(config, NULL, NULL, NULL), DP_OK);
	ck_assert_int_eq(todo_app_init(app, &options, error, sizeof(error)),
	                 DP_OK);
}

static const char *const SESSION[] = {
	"add Buy milk", "add Walk the dog",
	"add Call Mom", "toggle-all",
	"frob",         "filter active",
	"undo",         "clear-completed",
	"delete 9",     "list",
};

/* A single change draws its row and the footer; toggle-all and its undo
 * change many items and draw the list. */
static const char EXPECTED[] =
	"+   1 [ ] Buy milk\n1 item left (all)\n"
	"+   2 [ ] Walk the dog\n2 items left (all)\n"
	"+   3 [ ] Call Mom\n3 items left (all)\n"
	"  1 [x] Buy milk\n  2 [x] Walk the dog\n  3 [x] Call Mom\n"
	"0 items left (all)\n"
	"error: unknown command 'frob' (try 'help')\n"
	"  (no items)\n0 items left (active)\n"
	"  1 [ ] Buy milk\n  2 [ ] Walk the dog\n  3 [ ] Call Mom\n"
	"3 items left (active)\n"
	"error: no completed items to clear\n"
	"error: no item 9\n"
	"  1 [ ] Buy milk\n  2 [ ] Walk the dog\n  3 [ ] Call Mom\n"
	"3 items left (active)\n";

static void assert_text(struct dp_stream *memory, const char *expected)
{
	size_t len = 0;
	const unsigned char *text = dp_memory_stream_data(memory, &len);

	ck_assert_uint_eq(len, strlen(expected));
	ck_assert_int_eq(memcmp(text, expected, len), 0);
}

START_TEST(test_mvc_view_draws_once_per_change_and_controller_steers_it)
{
	struct dp_config config;
	struct todo_app app;
	struct todo_mvc_view view;
	struct dp_stream *out = dp_memory_stream_create(NULL);
	char line[TODO_LINE_MAX + 1];

	app_for_test(&app, &config);
	ck_assert_int_eq(todo_mvc_view_init(&view, &app, "plain", out, false),
	                 DP_OK);
	struct todo_controller controller;
	ck_assert_int_eq(todo_controller_init(&controller, &app, &view, false),
	                 DP_OK);
	for (size_t i = 0; i < DP_ARRAY_SIZE(SESSION); i++) {
		snprintf(line, sizeof(line), "%s", SESSION[i]);
		ck_assert(todo_controller_handle(&controller, line));
	}
	assert_text(out, EXPECTED);
	/* Four changes (three adds, toggle-all) and an undo: five draws
	 * for the model, two for filter and list. */
	ck_assert_uint_eq(view.display.draws, 7);
	ck_assert_uint_eq(controller.session.failures, 3);
	snprintf(line, sizeof(line), "quit --discard");
	ck_assert(!todo_controller_handle(&controller, line));
	ck_assert(!controller.session.lost_changes);
	todo_mvc_view_deinit(&view);
	ck_assert_int_eq(todo_mvc_view_init(&view, &app, "pie", out, false),
	                 DP_ENOENT);
	dp_stream_close(out);
	todo_app_deinit(&app);
	dp_config_deinit(&config);
}
END_TEST

/* A fake passive view: it records what the presenter shows, styled as
 * the terminal's view styles it. */
struct fake_view {
	struct dp_stream *text;
	int lists, messages, errors;
	bool bare; /* no message or error came with "error:" or a line end */
};

static int fake_show(void *ctx, enum todo_text_kind kind, const char *text)
{
	struct fake_view *view = ctx;

	view->lists += kind == TODO_TEXT_LIST;
	view->messages += kind == TODO_TEXT_MESSAGE;
	view->errors += kind == TODO_TEXT_ERROR;
	if (kind != TODO_TEXT_LIST &&
	    (strncmp(text, "error", 5) == 0 || strchr(text, '\n') != NULL))
		view->bare = false;
	return todo_show_text(view->text, false, kind, text);
}

static const struct todo_view_ops fake_ops = {.show = fake_show};

START_TEST(test_presenter_drives_a_fake_view_to_the_same_transcript)
{
	struct dp_config config;
	struct todo_app app;
	struct todo_presenter presenter;
	struct fake_view view = {.text = dp_memory_stream_create(NULL),
	                         .bare = true};
	char line[TODO_LINE_MAX + 1];

	app_for_test(&app, &config);
	ck_assert_int_eq(todo_presenter_init(&presenter, &app, "plain", false,
	                                     &fake_ops, &view),
	                 DP_OK);
	for (size_t i = 0; i < DP_ARRAY_SIZE(SESSION); i++) {
		snprintf(line, sizeof(line), "%s", SESSION[i]);
		ck_assert(todo_presenter_on_line(&presenter, line));
	}
	assert_text(view.text, EXPECTED);
	ck_assert_int_eq(view.lists, 7);
	ck_assert_int_eq(view.errors, 3);
	ck_assert_int_eq(view.messages, 0);
	ck_assert_uint_eq(presenter.display.draws, 7);
	snprintf(line, sizeof(line), "help");
	ck_assert(todo_presenter_on_line(&presenter, line));
	ck_assert_int_eq(view.lists, 8);
	todo_presenter_on_bad_line(&presenter);
	ck_assert_int_eq(view.errors, 4);
	/* The presenter passes bare text; only the view adds "error: ". */
	ck_assert(view.bare);
	todo_presenter_deinit(&presenter);
	ck_assert_int_eq(todo_presenter_init(&presenter, &app, "pie", false,
	                                     &fake_ops, &view),
	                 DP_ENOENT);
	dp_stream_close(view.text);
	todo_app_deinit(&app);
	dp_config_deinit(&config);
}
END_TEST

START_TEST(test_renderers_draw_table_and_json)
{
	struct dp_config config;
	struct todo_app app;
	struct todo_mvc_view view;
	struct dp_stream *out = dp_memory_stream_create(NULL);
	char line[64];

	app_for_test(&app, &config);
	ck_assert_int_eq(todo_mvc_view_init(&view, &app, "json", out, false),
	                 DP_OK);
	struct todo_controller controller;
	ck_assert_int_eq(todo_controller_init(&controller, &app, &view, false),
	                 DP_OK);
	snprintf(line, sizeof(line), "add Say \"hi\" \\o/");
	todo_controller_handle(&controller, line);
	assert_text(out, "{\"filter\":\"all\",\"left\":1,\"total\":1,"
	                 "\"change\":\"added\",\"position\":0,\"item\":"
	                 "{\"id\":1,\"done\":false,\"title\":"
	                 "\"Say \\\"hi\\\" \\\\o/\"}}\n");
	todo_mvc_view_deinit(&view);
	dp_memory_stream_clear(out);
	ck_assert_int_eq(todo_mvc_view_init(&view, &app, "table", out, true),
	                 DP_OK);
	snprintf(line, sizeof(line), "toggle 1");
	todo_controller_handle(&controller, line);
	assert_text(out, "~   1 | \033[32myes \033[0m | Say \"hi\" \\o/\n"
	                 "0 items left (all)\n");
	todo_mvc_view_deinit(&view);
	dp_stream_close(out);
	todo_app_deinit(&app);
	dp_config_deinit(&config);
}
END_TEST

START_TEST(test_colour_only_without_no_color)
{
	FILE *file = tmpfile();

	ck_assert(!todo_use_colour(file)); /* not a terminal */
	setenv("NO_COLOR", "1", 1);
	ck_assert(!todo_use_colour(file));
	fclose(file);
}
END_TEST

int main(void)
{
	Suite *suite = suite_create("mvc_demo app");
	TCase *tc = dp_test_case(suite, "parser");

	tcase_add_test(tc, test_parser_reads_every_verb_and_its_arguments);
	tcase_add_test(tc, test_parser_names_each_mistake);
	tcase_add_test(tc, test_read_line_refuses_long_lines_and_nul_bytes);
	tc = dp_test_case(suite, "core");
	tcase_add_test(tc,
	               test_app_takes_the_default_configuration_and_its_clock);
	tcase_add_test(tc, test_app_refuses_an_unknown_store);
	tcase_add_test(tc, test_app_init_fails_cleanly_at_every_allocation);
	tc = dp_test_case(suite, "saving");
	tcase_add_test(tc, test_two_instances_saving_one_file_lose_nothing);
	tcase_add_test(tc, test_a_save_checks_only_files_it_has_seen);
	tcase_add_test(tc, test_a_save_says_it_removed_a_killed_saves_file);
	tcase_add_test(tc, test_saving_fails_cleanly_at_every_allocation);
	tcase_add_test(tc, test_core_functions_refuse_null_arguments);
	tc = dp_test_case(suite, "mvc and mvp");
	tcase_add_test(
		tc,
		test_mvc_view_draws_once_per_change_and_controller_steers_it);
	tcase_add_test(
		tc, test_presenter_drives_a_fake_view_to_the_same_transcript);
	tcase_add_test(tc, test_renderers_draw_table_and_json);
	tcase_add_test(tc, test_colour_only_without_no_color);
	return dp_test_run(suite);
}
