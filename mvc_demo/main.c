/*
 * The to-do application: options, then one of the two architectures over
 * the same core. Exit status: 0 when every command succeeded (or the
 * session was interactive), 1 when a command of a script or of piped
 * input failed (every line still ran), 2 for a usage or start-up error.
 */
#define _POSIX_C_SOURCE 200809L

#include "adapter/adapter.h"
#include "app.h"
#include "mvc.h"
#include "mvp.h"
#include "web.h"

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
	"0 success, 1 a command of a script failed (web: unsaved\n"        \
	"changes were left), 2 a usage or start-up error.\n"

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

static unsigned run_mvc(struct todo_app *app, const char *view_name,
                        struct dp_stream *out, FILE *in, bool interactive,
                        bool colour, int *status)
{
	struct todo_mvc_view view;
	int rc = todo_mvc_view_init(&view, app, view_name, out, colour);

	if (rc != DP_OK) {
		fprintf(stderr, "todo: cannot make view '%s': %s\n", view_name,
		        rc == DP_ENOENT ? "unknown (plain, table, json)"
		                        : dp_strerror(rc));
		*status = 2;
		return 0;
	}
	struct todo_controller controller = {.app = app, .view = &view};
	todo_controller_run(&controller, in, interactive);
	todo_mvc_view_deinit(&view);
	return controller.failures;
}

static unsigned run_mvp(struct todo_app *app, const char *view_name,
                        struct dp_stream *out, FILE *in, bool interactive,
                        bool colour, int *status)
{
	struct todo_passive_view view = {.out = out, .colour = colour};
	struct todo_presenter presenter;
	int rc = todo_presenter_init(&presenter, app, view_name, colour,
	                             &todo_passive_view_ops, &view);

	if (rc != DP_OK) {
		fprintf(stderr, "todo: cannot make view '%s': %s\n", view_name,
		        rc == DP_ENOENT ? "unknown (plain, table, json)"
		                        : dp_strerror(rc));
		*status = 2;
		return 0;
	}
	todo_passive_view_run(&view, &presenter, in, interactive);
	todo_presenter_deinit(&presenter);
	return presenter.failures;
}

static unsigned run_web(struct todo_app *app, const char *port,
                        struct dp_stream *out, struct dp_stream *log,
                        int *status)
{
	char *end = NULL;
	unsigned long number = strtoul(port, &end, 10);
	if (*port < '0' || *port > '9' || *end != '\0' || number > 65535) {
		fprintf(stderr, "todo: bad port '%s' (0 to 65535)\n", port);
		*status = 2;
		return 0;
	}
	struct todo_web_options options = {.port = (uint16_t)number,
	                                   .log = log};
	if (todo_web_run(app, &options, out, STDIN_FILENO) != DP_OK) {
		fprintf(stderr, "todo: cannot serve on 127.0.0.1 port %s\n",
		        port);
		*status = 2;
		return 0;
	}
	if (!todo_app_unsaved(app))
		return 0;
	fputs("todo: unsaved changes were lost: the page's 'save' writes "
	      "them\n",
	      stderr);
	return 1;
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
	bool interactive = options.script == NULL && isatty(STDIN_FILENO);
	bool colour = interactive && todo_use_colour(stdout);
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
	if (interactive && strcmp(options.arch, "web") != 0)
		printf("to-do list (%s, %s view): type 'help' for the "
		       "commands\n",
		       options.arch, options.view);
	status = 0;
	unsigned failures;
	if (strcmp(options.arch, "web") == 0)
		failures = run_web(&app, options.port, out, log, &status);
	else if (strcmp(options.arch, "mvc") == 0)
		failures = run_mvc(&app, options.view, out, in, interactive,
		                   colour, &status);
	else
		failures = run_mvp(&app, options.view, out, in, interactive,
		                   colour, &status);
	if (status == 0 && failures > 0 &&
	    (!interactive || strcmp(options.arch, "web") == 0))
		status = 1;
	if (app.config->log_level >= DP_LOG_DEBUG)
		fprintf(stderr,
		        "store: %llu loads, %llu saves, %llu ns; cache: %llu "
		        "hits, %llu misses\n",
		        (unsigned long long)app.timing.loads,
		        (unsigned long long)app.timing.saves,
		        (unsigned long long)app.timing.total_ns,
		        (unsigned long long)app.cache.hits,
		        (unsigned long long)app.cache.misses);
	todo_app_deinit(&app);
done:
	dp_stream_close(log);
	dp_stream_close(out);
	if (in != stdin)
		fclose(in);
	return status;
}
