/*
 * The to-do application: options, then one of the two architectures over
 * the same core. Exit status: 0 when every command succeeded (or the
 * session was interactive), 1 when a command of a script or of piped
 * input failed (every line still ran), when a script ended with unsaved
 * changes, or when a change could not be redrawn (in every mode); 2 for a
 * usage or start-up error.
 */
#define _POSIX_C_SOURCE 200809L

#include "adapter/adapter.h"
#include "app.h"
#include "mvc.h"
#include "mvp.h"
#include "web.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define USAGE                                                              \
	"usage: todo [--arch mvc|mvp|web] [--view plain|table|json]\n"     \
	"            [--store native|csv|todotxt] [--file FILE]\n"         \
	"            [--script FILE] [--port N]\n"                         \
	"Reads commands from the terminal, from --script FILE, or from\n"  \
	"standard input; 'help' lists them. --arch web serves the list\n"  \
	"at http://127.0.0.1:PORT/ (--port 0, the default, picks a free\n" \
	"one) until standard input ends or SIGINT/SIGTERM. Exit status:\n" \
	"0 success; 1 a command of a script failed, changes were left\n"   \
	"unsaved (a script, or the web) or a change could not be shown;\n" \
	"2 a usage or start-up error.\n"

struct options {
	const char *arch;
	const char *view;
	const char *script;
	const char *port;
	struct todo_app_options app;
};

static int parse_options(int argc, char **argv, struct options *options)
{
	for (int i = 1; i < argc; i++) {
		const char **slot = NULL;
		if (strcmp(argv[i], "--help") == 0) {
			fputs(USAGE, stdout);
			return 1;
		} else if (strcmp(argv[i], "--arch") == 0) {
			slot = &options->arch;
		} else if (strcmp(argv[i], "--view") == 0) {
			slot = &options->view;
		} else if (strcmp(argv[i], "--store") == 0) {
			slot = &options->app.store;
		} else if (strcmp(argv[i], "--file") == 0) {
			slot = &options->app.file;
		} else if (strcmp(argv[i], "--script") == 0) {
			slot = &options->script;
		} else if (strcmp(argv[i], "--port") == 0) {
			slot = &options->port;
		} else {
			fprintf(stderr, "todo: unknown option '%s'\n%s",
			        argv[i], USAGE);
			return -1;
		}
		if (++i == argc) {
			fprintf(stderr, "todo: %s needs a value\n",
			        argv[i - 1]);
			return -1;
		}
		*slot = argv[i];
	}
	if (strcmp(options->arch, "mvc") != 0 &&
	    strcmp(options->arch, "mvp") != 0 &&
	    strcmp(options->arch, "web") != 0) {
		fprintf(stderr,
		        "todo: unknown architecture '%s' (mvc, mvp, web)\n",
		        options->arch);
		return -1;
	}
	return 0;
}

/* Set by SIGINT. A signal handler can reach nothing else, so this is
 * the program's one global; the input loop reads and clears it. */
static volatile sig_atomic_t interrupted;

static void on_sigint(int signal)
{
	(void)signal;
	interrupted = 1;
}

/* Without SA_RESTART, so that Ctrl-C at the prompt ends the read and the
 * session can warn of unsaved changes instead of dying with them. */
static void catch_sigint(void)
{
	struct sigaction action;

	memset(&action, 0, sizeof(action));
	action.sa_handler = on_sigint;
	sigemptyset(&action.sa_mask);
	(void)sigaction(SIGINT, &action, NULL);
}

/* The session's part of the exit status. */
static int session_status(const struct todo_session *session)
{
	if (session->redraw_failed || session->lost_changes)
		return 1;
	return session->failures > 0 && !session->interactive ? 1 : 0;
}

static void run_mvc(struct todo_app *app, const char *view_name,
                    const struct todo_input *input, bool colour, int *status)
{
	struct todo_mvc_view view;
	int rc = todo_mvc_view_init(&view, app, view_name, input->out, colour);

	if (rc != DP_OK) {
		fprintf(stderr, "todo: cannot make view '%s': %s\n", view_name,
		        rc == DP_ENOENT ? "unknown (plain, table, json)"
		                        : dp_strerror(rc));
		*status = 2;
		return;
	}
	struct todo_controller controller;
	(void)todo_controller_init(&controller, app, &view, input->interactive);
	(void)todo_controller_run(&controller, input);
	todo_mvc_view_deinit(&view);
	*status = session_status(&controller.session);
}

static void run_mvp(struct todo_app *app, const char *view_name,
                    const struct todo_input *input, bool colour, int *status)
{
	struct todo_passive_view view = {.out = input->out, .colour = colour};
	struct todo_presenter presenter;
	int rc = todo_presenter_init(&presenter, app, view_name, colour,
	                             &todo_passive_view_ops, &view);

	if (rc != DP_OK) {
		fprintf(stderr, "todo: cannot make view '%s': %s\n", view_name,
		        rc == DP_ENOENT ? "unknown (plain, table, json)"
		                        : dp_strerror(rc));
		*status = 2;
		return;
	}
	(void)todo_passive_view_run(&view, &presenter, input);
	todo_presenter_deinit(&presenter);
	*status = session_status(&presenter.session);
}

/* The web view serves until standard input ends or SIGINT/SIGTERM;
 * changes never saved make the exit status 1. */
static void run_web(struct todo_app *app, const char *port,
                    struct dp_stream *out, struct dp_stream *log, int *status)
{
	char *end = NULL;
	unsigned long number = strtoul(port, &end, 10);
	*status = 2;
	if (*port < '0' || *port > '9' || *end != '\0' || number > 65535) {
		fprintf(stderr, "todo: bad port '%s' (0 to 65535)\n", port);
		return;
	}
	struct todo_web_options options = {.port = (uint16_t)number,
	                                   .log = log};
	if (todo_web_run(app, &options, out, STDIN_FILENO) != DP_OK) {
		fprintf(stderr, "todo: cannot serve on 127.0.0.1 port %s\n",
		        port);
		return;
	}
	*status = 0;
	if (!todo_app_unsaved(app))
		return;
	fputs("todo: unsaved changes were lost: the page's 'save' writes "
	      "them\n",
	      stderr);
	*status = 1;
}

/* One architecture over the core, then the store's figures at debug. */
static void run(struct todo_app *app, const struct options *options, FILE *in,
                struct dp_stream *out, struct dp_stream *log, int *status)
{
	bool interactive = options->script == NULL && isatty(STDIN_FILENO);
	bool colour = interactive && todo_use_colour(stdout);

	if (strcmp(options->arch, "web") == 0) {
		run_web(app, options->port, out, log, status);
	} else {
		if (interactive)
			printf("to-do list (%s, %s view): type 'help' for the "
			       "commands\n",
			       options->arch, options->view);
		catch_sigint();
		struct todo_input input = {in, out, interactive, &interrupted};
		if (strcmp(options->arch, "mvc") == 0)
			run_mvc(app, options->view, &input, colour, status);
		else
			run_mvp(app, options->view, &input, colour, status);
	}
	if (app->config->log_level >= DP_LOG_DEBUG)
		fprintf(stderr,
		        "store: %llu loads, %llu saves, %llu ns; cache: %llu "
		        "hits, %llu misses\n",
		        (unsigned long long)app->timing.loads,
		        (unsigned long long)app->timing.saves,
		        (unsigned long long)app->timing.total_ns,
		        (unsigned long long)app->cache.hits,
		        (unsigned long long)app->cache.misses);
}

int main(int argc, char **argv)
{
	struct options options = {
		.arch = "mvc",
		.view = "plain",
		.port = "0",
		.app = {.store = "native"},
	};
	int parsed = parse_options(argc, argv, &options);
	if (parsed != 0)
		return parsed > 0 ? 0 : 2;

	FILE *in = stdin;
	if (options.script != NULL) {
		in = fopen(options.script, "r");
		if (in == NULL) {
			fprintf(stderr, "todo: cannot open script '%s'\n",
			        options.script);
			return 2;
		}
	}
	int status = 2;
	struct dp_stream *out = dp_file_stream_create(stdout, false, NULL);
	struct dp_stream *log = dp_file_stream_create(stderr, false, NULL);
	if (out == NULL || log == NULL)
		goto done;
	options.app.log = log;
	struct todo_app app;
	char error[TODO_MESSAGE_MAX];
	if (todo_app_init(&app, &options.app, error, sizeof(error)) != DP_OK) {
		fprintf(stderr, "todo: %s\n", error);
		goto done;
	}
	run(&app, &options, in, out, log, &status);
	todo_app_deinit(&app);
done:
	dp_stream_close(log);
	dp_stream_close(out);
	if (in != stdin)
		fclose(in);
	return status;
}
