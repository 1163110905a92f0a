/**
 * @file parser.h
 * @brief The command language: one input line into a request, or a
 *        one-line error naming what is wrong.
 *
 * Shared by the MVC controller and the MVP presenter, which is what makes
 * their behaviour identical. Ownership: a request points into the line it
 * was parsed from, which the parser modifies (it cuts words with NULs).
 * Thread-safety: a pure function.
 */
#ifndef TODO_PARSER_H
#define TODO_PARSER_H

#include "common/dp_common.h"

#include <stdbool.h>
#include <stddef.h>

/** @brief The longest input line accepted, newline excluded. */
#define TODO_LINE_MAX 1024

/** @brief A limit's digits as a string literal, for messages that name
 *         it: TODO_STRING(TODO_LINE_MAX) is "1024". */
#define TODO_STRING(limit)  TODO_STRING_(limit)
/** @brief TODO_STRING()'s second step, which stringifies the expansion. */
#define TODO_STRING_(limit) #limit

/** @brief Why a line was not read: #TODO_LINE_MAX named, as both
 *         architectures say it. */
#define TODO_BAD_LINE_MESSAGE                                           \
	"line too long or holds a NUL byte (the limit is " TODO_STRING( \
		TODO_LINE_MAX) " bytes)"

/** @brief What a line asks for. */
enum todo_verb {
	TODO_NOTHING,         /**< An empty line, or a "#" comment. */
	TODO_ADD,             /**< add TITLE */
	TODO_TOGGLE,          /**< toggle ID */
	TODO_TOGGLE_ALL,      /**< toggle-all */
	TODO_EDIT,            /**< edit ID TITLE */
	TODO_DELETE,          /**< delete ID */
	TODO_CLEAR_COMPLETED, /**< clear-completed */
	TODO_FILTER,          /**< filter all|active|completed */
	TODO_SORT,            /**< sort id|title|status */
	TODO_LIST,            /**< list */
	TODO_UNDO,            /**< undo */
	TODO_REDO,            /**< redo */
	TODO_SAVE,            /**< save [--force] [FILE] */
	TODO_LOAD,            /**< load [FILE] */
	TODO_IMPORT,          /**< import FORMAT FILE */
	TODO_EXPORT,          /**< export FORMAT FILE */
	TODO_HELP,            /**< help */
	TODO_QUIT             /**< quit [--discard] */
};

/** @brief A parsed line. Strings point into the parsed line. */
struct todo_request {
	enum todo_verb verb; /**< What to do. */
	unsigned id;         /**< The item, for toggle, edit and delete. */
	const char *text;    /**< The title, file, filter or order; or NULL. */
	const char *format;  /**< The format of import and export; or NULL. */
	/** `save --force`: write even over a file that changed on disk;
	 * `quit --discard`: leave even with unsaved changes. */
	bool force;
};

/**
 * @brief Parse one line (without its newline).
 * @param[in,out] line    The line; modified, and pointed into by the
 *                        request.
 * @param[out]    request Receives the request.
 * @param[out]    error   Receives a one-line message on failure.
 * @param[in]     size    The size of `error`.
 * @return #DP_OK; #DP_EINVAL with the message in `error` (the request
 *         is then #TODO_NOTHING); #DP_EINVAL also when an argument is
 *         NULL or `size` is 0 (then nothing is written).
 */
int todo_parse(char *line, struct todo_request *request, char *error,
               size_t size);

/**
 * @brief The help text, one command per line.
 * @return A static string.
 */
const char *todo_help_text(void);

#endif /* TODO_PARSER_H */
