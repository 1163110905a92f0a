/**
 * @file app.h
 * @brief What MVC and MVP share: the model, the undo history, the stores,
 *        the factories and the configuration, and the one function that
 *        turns a request that changes or stores the list into commands.
 *
 * Ownership: todo_app_init() creates everything the app holds and
 * todo_app_deinit() frees it. Thread-safety: none.
 */
#ifndef TODO_APP_H
#define TODO_APP_H

#include "command/command.h"
#include "common/dp_stream.h"
#include "factory/factory.h"
#include "model.h"
#include "parser.h"
#include "singleton/singleton.h"
#include "store.h"

#include <stdbool.h>
#include <stdio.h>

/** @brief The most changes that can be undone. */
#define TODO_HISTORY_MAX 100

/** @brief The size of a message buffer: one line. */
#define TODO_MESSAGE_MAX 320

/** @brief How the application is set up. */
struct todo_app_options {
	const char *store; /**< "native", "csv" or "todotxt". */
	const char *file;  /**< The default file; NULL for the store's own. */
	/** Where store calls are logged when the log level is debug, or
	 * NULL for nowhere. */
	struct dp_stream *log;
	/** The configuration, or NULL for dp_config_default(). */
	const struct dp_config *config;
	const struct dp_allocator *alloc; /**< The allocator, or NULL. */
};

struct todo_file_record;

/** @brief The shared core. Public so it can live on the stack. */
struct todo_app {
	todo_model *model;                   /**< The list. */
	dp_command_history *history;         /**< Undo and redo. */
	dp_factory *stores;                  /**< Stores by name. */
	dp_factory *renderers;               /**< Renderers by name. */
	struct todo_store *store;            /**< The store of save and load. */
	const char *file;                    /**< Their default file. */
	const struct dp_config *config;      /**< Settings and clock. */
	struct todo_store_timing timing;     /**< What the timing layer saw. */
	struct todo_store_cache_stats cache; /**< What the cache saw. */
	const struct dp_allocator *alloc;    /**< The allocator. */
	/** The model's version when the list was last saved or loaded
	 * (todo_model_version()); see todo_app_unsaved(). A refused save
	 * leaves it; a forced one sets it. */
	unsigned long saved_version;
	/** What each file saved or loaded was then (todo_file_id), so that
	 * a save over a file changed since is refused; owned, private. */
	struct todo_file_record *files;
};

/**
 * @brief Set up the core.
 * @param[out] app     The core.
 * @param[in]  options The options.
 * @param[out] error   Receives a one-line message on failure.
 * @param[in]  size    The size of `error`.
 * @return #DP_OK; #DP_ENOENT for an unknown store; #DP_EINVAL for an
 *         invalid configuration, or when an argument is NULL or `size`
 *         is 0 (then `error` is untouched); #DP_ENOMEM. On failure
 *         nothing is held.
 */
int todo_app_init(struct todo_app *app, const struct todo_app_options *options,
                  char *error, size_t size);

/**
 * @brief Free everything the core holds.
 * @param[in,out] app The core; NULL is a no-op.
 */
void todo_app_deinit(struct todo_app *app);

/**
 * @brief Carry out a request that changes, saves or loads the list (every
 *        verb but filter, sort, list, help and quit).
 *
 * The model notifies its observers (at most once) as the change happens;
 * `message` receives what to tell the user afterwards: a confirmation
 * ("saved 2 items to 'todo.list'"), an error, or nothing.
 *
 * Saving: the core remembers, per path, what the file was when this
 * process last loaded it (looked at before reading) or saved it
 * (todo_file_id). A `save` to a path whose file has changed since, or
 * has appeared since a `load` found none, is refused with #DP_EBUSY and
 * "cannot save 'F': it changed on disk since it was loaded ('load' reads
 * it again; 'save --force' writes over it)"; the list, the file and
 * todo_app_unsaved() stay as they were. `save --force` (request->force)
 * writes anyway. A path never loaded nor saved, and a file since
 * deleted, are written. `export` and `import` neither check nor
 * remember. Before writing, a save or export removes the temporary files
 * that killed saves of that path left (todo_save_remove_stale()) and says
 * so after the confirmation: " (removed 1 temporary file left by a
 * killed save)".
 * @param[in,out] app     The core.
 * @param[in]     request The request.
 * @param[out]    message Receives one line, or "" for none.
 * @param[in]     size    Its size.
 * @return #DP_OK; #DP_EINVAL when an argument is NULL or `size` is 0
 *         (then nothing is written to `message`); #DP_EBUSY for a save
 *         over a changed file; another negative code when the request
 *         failed, with the list and its files unchanged and the reason in
 *         `message`.
 */
int todo_app_change(struct todo_app *app, const struct todo_request *request,
                    char *message, size_t size);

/**
 * @brief Whether the list holds changes that no save has written: it
 *        changed since the last successful `save` or `load` (or since
 *        the start). An undo back to the saved list counts as a change.
 * @param[in] app The core; NULL has none.
 * @return true when a save would write something new.
 */
bool todo_app_unsaved(const struct todo_app *app);

/**
 * @brief Read one line of input, without its line end.
 * @param[in]  in   The input.
 * @param[out] line Room for #TODO_LINE_MAX + 1 bytes.
 * @return 1 for a line; 0 at the end of the input; -1 for a line longer
 *         than #TODO_LINE_MAX (the rest of it is skipped) or one holding
 *         a NUL byte.
 */
int todo_read_line(FILE *in, char line[TODO_LINE_MAX + 1]);

/**
 * @brief Show a scripted input line after the prompt, as a terminal would,
 *        so a script's transcript reads like a session. Shared by the MVC
 *        controller and the MVP passive view, which both read input.
 * @param[in,out] out  Where the transcript goes.
 * @param[in]     line The line read by todo_read_line().
 * @param[in]     cut  Whether the line was refused as too long: it is then
 *                     shown cut, ending in "...".
 */
void todo_echo_line(struct dp_stream *out, const char *line, bool cut);

/**
 * @brief Whether to use colours on a stream: only on a terminal, and
 *        never when NO_COLOR is set (no-color.org).
 * @param[in] file The output.
 * @return true to use colours.
 */
bool todo_use_colour(FILE *file);

#endif /* TODO_APP_H */
