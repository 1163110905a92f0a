/*
 * The core shared by both architectures. The controller (MVC) and the
 * presenter (MVP) parse a line, keep the view state (filter, order) and
 * decide how things are shown; everything that changes or stores the list
 * happens here, once, so the two cannot drift apart.
 */
#define _POSIX_C_SOURCE 200809L

#include "app.h"

#include "commands.h"
#include "render.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The limits are named where the messages say them. */
static const char TITLE_TOO_LONG[] =
	"title too long (the limit is " TODO_STRING(TODO_TITLE_MAX) " bytes)";

static const char *title_problem(int rc)
{
	return rc == DP_ERANGE ? TITLE_TOO_LONG
	                       : "a title must be UTF-8 text without "
	                         "control characters";
}

int todo_app_init(struct todo_app *app, const struct todo_app_options *options,
                  char *error, size_t size)
{
	*app = (struct todo_app){.alloc = options->alloc};
	int rc = DP_OK;
	app->config = options->config;
	if (app->config == NULL)
		app->config = dp_config_default(&rc);
	if (app->config == NULL) {
		snprintf(error, size,
		         "DP_LOG_LEVEL, DP_CACHE_CAPACITY or DP_DATA_DIR is "
		         "invalid: %s",
		         dp_strerror(rc));
		return rc;
	}
	const struct todo_format *format = todo_format_find(options->store);
	if (format == NULL) {
		snprintf(error, size,
		         "unknown store '%.40s' (native, csv, todotxt)",
		         options->store ? options->store : "");
		return DP_ENOENT;
	}
	app->file = options->file ? options->file : format->default_file;
	rc = DP_ENOMEM;
	snprintf(error, size, "out of memory");
	app->model = todo_model_create(app->alloc);
	if (app->model == NULL)
		goto fail_deinit_app;
	app->history = dp_command_history_create(TODO_HISTORY_MAX, app->alloc);
	if (app->history == NULL)
		goto fail_deinit_app;
	app->stores = dp_factory_create(todo_store_entries(), app->alloc);
	app->renderers = dp_factory_create(todo_renderer_entries(), app->alloc);
	if (app->stores == NULL || app->renderers == NULL)
		goto fail_deinit_app;
	void *product = NULL;
	rc = dp_factory_make(app->stores, options->store, NULL, app->alloc,
	                     &product);
	if (rc != DP_OK)
		goto fail_deinit_app;
	app->store = product;
	rc = DP_ENOMEM;
	/* The decorators, innermost first: each wraps what is built so far,
	 * and on failure the caller keeps what it passed. */
	struct todo_store *layer =
		todo_caching_store_create(app->store, &app->cache, app->alloc);
	if (layer == NULL)
		goto fail_deinit_app;
	app->store = layer;
	layer = todo_timing_store_create(app->store, app->config->clock,
	                                 &app->timing, app->alloc);
	if (layer == NULL)
		goto fail_deinit_app;
	app->store = layer;
	if (options->log != NULL && app->config->log_level >= DP_LOG_DEBUG) {
		layer = todo_logging_store_create(app->store, options->log,
		                                  app->alloc);
		if (layer == NULL)
			goto fail_deinit_app;
		app->store = layer;
	}
	error[0] = '\0';
	return DP_OK;

fail_deinit_app:
	todo_app_deinit(app);
	return rc;
}

void todo_app_deinit(struct todo_app *app)
{
	if (app == NULL)
		return;
	todo_store_destroy(app->store);
	dp_factory_destroy(app->renderers);
	dp_factory_destroy(app->stores);
	dp_command_history_destroy(app->history);
	todo_model_destroy(app->model);
	*app = (struct todo_app){.alloc = app->alloc};
}

/* A relative name is taken in the configured data directory. */
static char *resolve(const struct todo_app *app, const char *name)
{
	const char *dir = app->config->data_dir;
	bool plain = name[0] == '/' || strcmp(dir, ".") == 0;
	size_t size = strlen(dir) + strlen(name) + 2;
	char *path = dp_alloc(app->alloc, size);

	if (path != NULL)
		snprintf(path, size, "%s%s%s", plain ? "" : dir,
		         plain ? "" : "/", name);
	return path;
}

static int explain(int rc, char *message, size_t size, const char *verb,
                   const char *name, const struct todo_status *status)
{
	if (status->line > 0)
		snprintf(message, size, "cannot %s '%.80s': line %zu: %s", verb,
		         name, status->line, status->reason);
	else
		snprintf(message, size, "cannot %s '%.80s': %s", verb, name,
		         status->reason ? status->reason : dp_strerror(rc));
	return rc;
}

/* save and export: the model's records, through a store. */
static int store_save(struct todo_app *app, struct todo_store *store,
                      const char *verb, const char *name, char *message,
                      size_t size)
{
	struct todo_list list;
	struct todo_status status = {NULL, 0};
	char *path = resolve(app, name);
	int rc = DP_ENOMEM;

	todo_list_init(&list, app->alloc);
	if (path != NULL)
		rc = todo_list_from_model(&list, app->model);
	if (rc == DP_OK)
		rc = todo_store_save(store, path, &list, &status);
	if (rc == DP_OK && strcmp(verb, "save") == 0)
		app->saved_version = todo_model_version(app->model);
	if (rc == DP_OK)
		snprintf(message, size, "%s %zu item%s to '%.80s'",
		         strcmp(verb, "save") == 0 ? "saved" : "exported",
		         list.count, list.count == 1 ? "" : "s", name);
	else
		explain(rc, message, size, verb, name, &status);
	todo_list_deinit(&list);
	dp_free(app->alloc, path);
	return rc;
}

/* load and import: a store's records, into the model as one command. */
static int store_load(struct todo_app *app, struct todo_store *store,
                      const char *verb, const char *name, char *message,
                      size_t size)
{
	struct todo_list list;
	struct todo_status status = {NULL, 0};
	struct dp_command *command = NULL;
	bool import = strcmp(verb, "import") == 0;
	char *path = resolve(app, name);
	int rc = DP_ENOMEM;

	todo_list_init(&list, app->alloc);
	if (path != NULL)
		rc = todo_store_load(store, path, &list, &status);
	if (rc == DP_OK && import && list.count == 0) {
		status.reason = "it holds no items";
		rc = DP_ENOENT;
	}
	if (rc == DP_OK)
		rc = import ? todo_command_import(app->model, &list, app->alloc,
		                                  &command)
		            : todo_command_replace(app->model, &list,
		                                   app->alloc, &command);
	if (rc == DP_OK)
		rc = todo_command_run(app->history, app->model, command);
	if (rc == DP_OK && !import)
		app->saved_version = todo_model_version(app->model);
	if (rc == DP_OK)
		snprintf(message, size, "%s %zu item%s from '%.80s'",
		         import ? "imported" : "loaded", list.count,
		         list.count == 1 ? "" : "s", name);
	else
		explain(rc, message, size, verb, name, &status);
	todo_list_deinit(&list);
	dp_free(app->alloc, path);
	return rc;
}

static int with_format(struct todo_app *app, const struct todo_request *request,
                       char *message, size_t size)
{
	void *product = NULL;
	int rc = dp_factory_make(app->stores, request->format, NULL, app->alloc,
	                         &product);

	if (rc != DP_OK) {
		snprintf(message, size, "cannot make a %.40s store: %s",
		         request->format, dp_strerror(rc));
		return rc;
	}
	if (request->verb == TODO_IMPORT)
		rc = store_load(app, product, "import", request->text, message,
		                size);
	else
		rc = store_save(app, product, "export", request->text, message,
		                size);
	todo_store_destroy(product);
	return rc;
}

int todo_app_change(struct todo_app *app, const struct todo_request *request,
                    char *message, size_t size)
{
	struct dp_command *command = NULL;
	int rc;

	message[0] = '\0';
	switch (request->verb) {
	case TODO_ADD:
		rc = todo_command_add(app->model, request->text, false,
		                      app->alloc, &command);
		break;
	case TODO_TOGGLE:
		rc = todo_command_toggle(app->model, request->id, app->alloc,
		                         &command);
		break;
	case TODO_EDIT:
		rc = todo_command_edit(app->model, request->id, request->text,
		                       app->alloc, &command);
		break;
	case TODO_DELETE:
		rc = todo_command_delete(app->model, request->id, app->alloc,
		                         &command);
		break;
	case TODO_TOGGLE_ALL:
		rc = todo_command_toggle_all(app->model, app->alloc, &command);
		if (rc == DP_ENOENT) {
			snprintf(message, size,
			         "nothing to toggle: the list "
			         "is empty");
			return rc;
		}
		break;
	case TODO_CLEAR_COMPLETED:
		rc = todo_command_clear_completed(app->model, app->alloc,
		                                  &command);
		if (rc == DP_ENOENT) {
			snprintf(message, size, "no completed items to clear");
			return rc;
		}
		break;
	case TODO_UNDO:
		rc = todo_command_undo(app->history, app->model);
		if (rc == DP_ENOENT)
			snprintf(message, size, "nothing to undo");
		return rc;
	case TODO_REDO:
		rc = todo_command_redo(app->history, app->model);
		if (rc == DP_ENOENT)
			snprintf(message, size, "nothing to redo");
		return rc;
	case TODO_SAVE:
		return store_save(app, app->store, "save",
		                  request->text ? request->text : app->file,
		                  message, size);
	case TODO_LOAD:
		return store_load(app, app->store, "load",
		                  request->text ? request->text : app->file,
		                  message, size);
	case TODO_IMPORT:
	case TODO_EXPORT:
		return with_format(app, request, message, size);
	default:
		snprintf(message, size, "not a change");
		return DP_EINVAL;
	}
	if (rc == DP_OK)
		rc = todo_command_run(app->history, app->model, command);
	if (rc == DP_ENOENT)
		snprintf(message, size, "no item %u", request->id);
	else if (rc == DP_EINVAL || rc == DP_ERANGE)
		snprintf(message, size, "%s", title_problem(rc));
	else if (rc != DP_OK)
		snprintf(message, size, "%s", dp_strerror(rc));
	return rc;
}

void todo_echo_line(struct dp_stream *out, const char *line, bool cut)
{
	size_t len = strlen(line);
	size_t end = cut && len > 60 ? 60 : len;

	(void)dp_stream_write_string(out, "> ");
	/* What a title may hold is shown as it is; any other byte (an
	 * escape, a C1 control, a bidirectional override, a byte that is
	 * not UTF-8) as \xNN, so a rejected line cannot drive the
	 * terminal. */
	for (size_t i = 0; i < end;) {
		size_t step = todo_printable_char(line + i);
		if (step > 0 && i + step <= end) {
			(void)dp_stream_write(out, line + i, step);
			i += step;
			continue;
		}
		char escaped[8];
		snprintf(escaped, sizeof(escaped), "\\x%02X",
		         (unsigned char)line[i]);
		(void)dp_stream_write_string(out, escaped);
		i++;
	}
	(void)dp_stream_write_string(out, cut ? "...\n" : "\n");
}

int todo_read_line(FILE *in, char line[TODO_LINE_MAX + 1])
{
	size_t len = 0;
	int c;
	bool too_long = false;
	bool has_nul = false;

	while ((c = getc(in)) != EOF && c != '\n') {
		if (c == '\0')
			has_nul = true;
		if (len < TODO_LINE_MAX)
			line[len++] = (char)c;
		else
			too_long = true;
	}
	if (c == EOF && len == 0 && !too_long)
		return 0;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	line[len] = '\0';
	return too_long || has_nul ? -1 : 1;
}

bool todo_app_unsaved(const struct todo_app *app)
{
	return app != NULL &&
	       todo_model_version(app->model) != app->saved_version;
}

bool todo_use_colour(FILE *file)
{
	const char *no_colour = getenv("NO_COLOR");

	if (no_colour != NULL && no_colour[0] != '\0')
		return false;
	return isatty(fileno(file));
}
