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

/* The configuration and the store's format: what can be wrong before
 * anything is made. */
static int configure(struct todo_app *app,
                     const struct todo_app_options *options, char *error,
                     size_t size)
{
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
	return DP_OK;
}

/* The model, the history, the factories and the bare store. */
static int make_parts(struct todo_app *app, const char *store)
{
	app->model = todo_model_create(app->alloc);
	if (app->model == NULL)
		return DP_ENOMEM;
	app->history = dp_command_history_create(TODO_HISTORY_MAX, app->alloc);
	if (app->history == NULL)
		return DP_ENOMEM;
	app->stores = dp_factory_create(todo_store_entries(), app->alloc);
	app->renderers = dp_factory_create(todo_renderer_entries(), app->alloc);
	if (app->stores == NULL || app->renderers == NULL)
		return DP_ENOMEM;
	void *product = NULL;
	int rc =
		dp_factory_make(app->stores, store, NULL, app->alloc, &product);
	if (rc == DP_OK)
		app->store = product;
	return rc;
}

/* The decorators, innermost first: each wraps what is built so far, and
 * on failure the caller keeps what it passed. */
static int decorate_store(struct todo_app *app, struct dp_stream *log)
{
	struct todo_store *layer =
		todo_caching_store_create(app->store, &app->cache, app->alloc);
	if (layer == NULL)
		return DP_ENOMEM;
	app->store = layer;
	layer = todo_timing_store_create(app->store, app->config->clock,
	                                 &app->timing, app->alloc);
	if (layer == NULL)
		return DP_ENOMEM;
	app->store = layer;
	if (log == NULL || app->config->log_level < DP_LOG_DEBUG)
		return DP_OK;
	layer = todo_logging_store_create(app->store, log, app->alloc);
	if (layer == NULL)
		return DP_ENOMEM;
	app->store = layer;
	return DP_OK;
}

int todo_app_init(struct todo_app *app, const struct todo_app_options *options,
                  char *error, size_t size)
{
	if (app == NULL || options == NULL || error == NULL || size == 0)
		return DP_EINVAL;
	*app = (struct todo_app){.alloc = options->alloc};
	int rc = configure(app, options, error, size);
	if (rc != DP_OK)
		return rc;
	snprintf(error, size, "out of memory");
	rc = make_parts(app, options->store);
	if (rc == DP_OK)
		rc = decorate_store(app, options->log);
	if (rc != DP_OK) {
		todo_app_deinit(app);
		return rc;
	}
	error[0] = '\0';
	return DP_OK;
}

/* What a file saved or loaded was then, one record per path (as
 * resolved): a save compares it with the file now, so as not to write
 * over what another program, or another instance, wrote since. */
struct todo_file_record {
	struct todo_file_record *next;
	struct todo_file_id id;
	bool known; /* false until a save or a load has looked at the file */
	bool saved; /* a save looked last (a load otherwise) */
	char path[];
};

void todo_app_deinit(struct todo_app *app)
{
	if (app == NULL)
		return;
	while (app->files != NULL) {
		struct todo_file_record *next = app->files->next;
		dp_free(app->alloc, app->files);
		app->files = next;
	}
	todo_store_destroy(app->store);
	dp_factory_destroy(app->renderers);
	dp_factory_destroy(app->stores);
	dp_command_history_destroy(app->history);
	todo_model_destroy(app->model);
	*app = (struct todo_app){.alloc = app->alloc};
}

/* The record of `path`, made (not yet known) if there is none, so that
 * running out of memory stops a save or load before it starts. */
static struct todo_file_record *file_record(struct todo_app *app,
                                            const char *path)
{
	struct todo_file_record *record;

	for (record = app->files; record != NULL; record = record->next)
		if (strcmp(record->path, path) == 0)
			return record;
	size_t len = strlen(path);
	record = dp_alloc(app->alloc, sizeof(*record) + len + 1);
	if (record == NULL)
		return NULL;
	record->next = app->files;
	record->id = (struct todo_file_id){.exists = false};
	record->known = false;
	record->saved = false;
	memcpy(record->path, path, len + 1);
	app->files = record;
	return record;
}

static const char CHANGED_SINCE_LOADED[] =
	"it changed on disk since it was loaded ('load' reads it again; "
	"'save --force' writes over it)";
static const char CREATED_SINCE_LOADED[] =
	"it was created on disk since a load found none ('load' reads it; "
	"'save --force' writes over it)";
static const char CHANGED_SINCE_SAVED[] =
	"it changed on disk since it was saved ('load' reads it again; "
	"'save --force' writes over it)";

/* A save over a file that is no longer what this process loaded or saved
 * would lose what was written since: refuse it, unless forced. A file
 * that is gone loses nothing, and is written. The check is not a lock:
 * a write between it and the rename goes unseen (the save's own time). */
static int check_unchanged(const struct todo_file_record *record,
                           const char *path, bool force,
                           struct todo_status *status)
{
	struct todo_file_id now;

	if (force || !record->known)
		return DP_OK;
	int rc = todo_file_id_get(path, &now);
	if (rc != DP_OK || !now.exists || todo_file_id_equal(&now, &record->id))
		return DP_OK; /* one that cannot be examined: the save says */
	status->reason = record->saved       ? CHANGED_SINCE_SAVED
	                 : record->id.exists ? CHANGED_SINCE_LOADED
	                                     : CREATED_SINCE_LOADED;
	return DP_EBUSY;
}

/* Remember what the file is, after a save or before a load. */
static void note_file(struct todo_file_record *record,
                      const struct todo_file_id *id, bool saved)
{
	record->id = *id;
	record->known = true;
	record->saved = saved;
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

/* The verbs that move a list through a store, in words. */
static const char *verb_name(enum todo_verb verb)
{
	return verb == TODO_SAVE     ? "save"
	       : verb == TODO_EXPORT ? "export"
	       : verb == TODO_LOAD   ? "load"
	                             : "import";
}

static const char *verb_done(enum todo_verb verb)
{
	return verb == TODO_SAVE     ? "saved"
	       : verb == TODO_EXPORT ? "exported"
	       : verb == TODO_LOAD   ? "loaded"
	                             : "imported";
}

static int explain(int rc, char *message, size_t size, enum todo_verb verb,
                   const char *name, const struct todo_status *status)
{
	if (status->line > 0)
		snprintf(message, size, "cannot %s '%.80s': line %zu: %s",
		         verb_name(verb), name, status->line, status->reason);
	else
		snprintf(message, size, "cannot %s '%.80s': %s",
		         verb_name(verb), name,
		         status->reason ? status->reason : dp_strerror(rc));
	return rc;
}

/* "saved 2 items to 'todo.list'", and what a killed save had left. */
static void say_saved(char *message, size_t size, enum todo_verb verb,
                      size_t count, const char *name,
                      const struct todo_stale_files *stale)
{
	int len = snprintf(message, size, "%s %zu item%s to '%.80s'",
	                   verb_done(verb), count, count == 1 ? "" : "s", name);
	size_t used = len < 0 ? size : (size_t)len;

	if (stale->removed > 0 && used < size)
		used += (size_t)snprintf(
			message + used, size - used,
			" (removed %zu temporary file%s left by %s)",
			stale->removed, stale->removed == 1 ? "" : "s",
			stale->removed == 1 ? "a killed save" : "killed saves");
	if (stale->failed > 0 && used < size)
		snprintf(message + used, size - used,
		         " (%zu temporary file%s left by a killed save could "
		         "not be removed)",
		         stale->failed, stale->failed == 1 ? "" : "s");
}

/* save and export: the model's records, through a store. A save (not an
 * export) is checked against the file as it was loaded or saved, and
 * marks the list saved. */
static int store_save(struct todo_app *app, struct todo_store *store,
                      enum todo_verb verb, const char *name, bool force,
                      char *message, size_t size)
{
	struct todo_list list;
	struct todo_status status = {NULL, 0};
	struct todo_stale_files stale = {0, 0};
	struct todo_file_record *record = NULL;
	struct todo_file_id written;
	char *path = resolve(app, name);
	int rc = DP_ENOMEM;

	todo_list_init(&list, app->alloc);
	if (path != NULL && verb == TODO_SAVE)
		record = file_record(app, path);
	if (path != NULL && (verb != TODO_SAVE || record != NULL))
		rc = todo_list_from_model(&list, app->model);
	if (rc == DP_OK && record != NULL)
		rc = check_unchanged(record, path, force, &status);
	if (rc == DP_OK)
		rc = todo_save_remove_stale(path, app->alloc, &stale);
	if (rc == DP_OK)
		rc = todo_store_save(store, path, &list, &status);
	if (rc == DP_OK && record != NULL) {
		record->known = false;
		if (todo_file_id_get(path, &written) == DP_OK)
			note_file(record, &written, true);
		app->saved_version = todo_model_version(app->model);
	}
	if (rc == DP_OK)
		say_saved(message, size, verb, list.count, name, &stale);
	else
		explain(rc, message, size, verb, name, &status);
	todo_list_deinit(&list);
	dp_free(app->alloc, path);
	return rc;
}

/* A list read from a file, into the model as one command: appended
 * (import) or in place of the list (load). */
static int apply_list(struct todo_app *app, enum todo_verb verb,
                      const struct todo_list *list, struct todo_status *status)
{
	struct dp_command *command = NULL;
	int rc;

	if (verb == TODO_IMPORT && list->count == 0) {
		status->reason = "it holds no items";
		return DP_ENOENT;
	}
	if (verb == TODO_IMPORT)
		rc = todo_command_import(app->model, list, app->alloc,
		                         &command);
	else
		rc = todo_command_replace(app->model, list, app->alloc,
		                          &command);
	if (rc == DP_OK)
		rc = todo_command_run(app->history, app->model, command);
	return rc;
}

/* load and import: a store's records, into the model. A load remembers
 * what the file was before it was read (so a change during the read
 * counts as a change), or that there was none. */
static int store_load(struct todo_app *app, struct todo_store *store,
                      enum todo_verb verb, const char *name, char *message,
                      size_t size)
{
	struct todo_list list;
	struct todo_status status = {NULL, 0};
	struct todo_file_record *record = NULL;
	struct todo_file_id before = {.exists = false};
	char *path = resolve(app, name);
	int rc = DP_ENOMEM;

	todo_list_init(&list, app->alloc);
	if (path != NULL && verb == TODO_LOAD)
		record = file_record(app, path);
	bool seen = record != NULL && todo_file_id_get(path, &before) == DP_OK;
	if (path != NULL && (verb != TODO_LOAD || record != NULL))
		rc = todo_store_load(store, path, &list, &status);
	if (rc == DP_OK)
		rc = apply_list(app, verb, &list, &status);
	if (seen && (rc == DP_OK || (rc == DP_ENOENT && !before.exists)))
		note_file(record, &before, false);
	if (rc == DP_OK && verb == TODO_LOAD)
		app->saved_version = todo_model_version(app->model);
	if (rc == DP_OK)
		snprintf(message, size, "%s %zu item%s from '%.80s'",
		         verb_done(verb), list.count,
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
		rc = store_load(app, product, TODO_IMPORT, request->text,
		                message, size);
	else
		rc = store_save(app, product, TODO_EXPORT, request->text, false,
		                message, size);
	todo_store_destroy(product);
	return rc;
}

/* The command of an edit of the list (add ... clear-completed). */
static int make_command(struct todo_app *app,
                        const struct todo_request *request,
                        struct dp_command **command)
{
	switch (request->verb) {
	case TODO_ADD:
		return todo_command_add(app->model, request->text, false,
		                        app->alloc, command);
	case TODO_TOGGLE:
		return todo_command_toggle(app->model, request->id, app->alloc,
		                           command);
	case TODO_EDIT:
		return todo_command_edit(app->model, request->id, request->text,
		                         app->alloc, command);
	case TODO_DELETE:
		return todo_command_delete(app->model, request->id, app->alloc,
		                           command);
	case TODO_TOGGLE_ALL:
		return todo_command_toggle_all(app->model, app->alloc, command);
	default:
		return todo_command_clear_completed(app->model, app->alloc,
		                                    command);
	}
}

/* An edit of the list: one command, run and kept for undo. */
static int edit_list(struct todo_app *app, const struct todo_request *request,
                     char *message, size_t size)
{
	struct dp_command *command = NULL;
	int rc = make_command(app, request, &command);

	if (rc == DP_ENOENT && request->verb == TODO_TOGGLE_ALL) {
		snprintf(message, size, "nothing to toggle: the list is empty");
		return rc;
	}
	if (rc == DP_ENOENT && request->verb == TODO_CLEAR_COMPLETED) {
		snprintf(message, size, "no completed items to clear");
		return rc;
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

static int undo_or_redo(struct todo_app *app, enum todo_verb verb,
                        char *message, size_t size)
{
	bool undo = verb == TODO_UNDO;
	int rc = undo ? todo_command_undo(app->history, app->model)
	              : todo_command_redo(app->history, app->model);

	if (rc == DP_ENOENT)
		snprintf(message, size, "nothing to %s",
		         undo ? "undo" : "redo");
	return rc;
}

int todo_app_change(struct todo_app *app, const struct todo_request *request,
                    char *message, size_t size)
{
	if (app == NULL || request == NULL || message == NULL || size == 0)
		return DP_EINVAL;
	message[0] = '\0';
	const char *file = request->text ? request->text : app->file;
	switch (request->verb) {
	case TODO_ADD:
	case TODO_TOGGLE:
	case TODO_EDIT:
	case TODO_DELETE:
	case TODO_TOGGLE_ALL:
	case TODO_CLEAR_COMPLETED:
		return edit_list(app, request, message, size);
	case TODO_UNDO:
	case TODO_REDO:
		return undo_or_redo(app, request->verb, message, size);
	case TODO_SAVE:
		return store_save(app, app->store, TODO_SAVE, file,
		                  request->force, message, size);
	case TODO_LOAD:
		return store_load(app, app->store, TODO_LOAD, file, message,
		                  size);
	case TODO_IMPORT:
	case TODO_EXPORT:
		return with_format(app, request, message, size);
	default:
		snprintf(message, size, "not a change");
		return DP_EINVAL;
	}
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
