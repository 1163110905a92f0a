/**
 * @file session.h
 * @brief What MVC and MVP share above the core: the input loop, the table
 *        of view verbs (filter, sort, list, help, quit) and the rules for
 *        leaving with unsaved changes and for a redraw that failed.
 *
 * A session turns input lines into requests; the requests that change or
 * store the list go to todo_app_change(), the view verbs to the
 * display's state and to a front end through an ops table. The front end
 * is where the architectures differ: MVC's view draws itself, MVP's
 * presenter formats text for a passive view. Ownership: the caller owns
 * the session and everything it points to. Thread-safety: none; the only
 * thing another context may touch is the interrupt flag, from a signal
 * handler.
 */
#ifndef TODO_SESSION_H
#define TODO_SESSION_H

#include "app.h"
#include "screen.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

/** @brief What a piece of text is, so a view can style it. */
enum todo_text_kind {
	TODO_TEXT_LIST, /**< Drawn text (the list, a row, the help), as is. */
	TODO_TEXT_MESSAGE, /**< A confirmation: one line, no line end. */
	TODO_TEXT_ERROR /**< An error: one line, no "error: ", no line end. */
};

/**
 * @brief Show text on a terminal stream as both architectures' views do:
 *        drawn text as it is, a message with its line end, an error after
 *        "error: " (red when `colour`).
 * @param[out] out    Where; flushed.
 * @param[in]  colour Whether to use colours.
 * @param[in]  kind   What the text is.
 * @param[in]  text   The text.
 * @return #DP_OK; #DP_EINVAL when `out` or `text` is NULL; #DP_ERANGE
 *         for a message over #DP_STREAM_PRINTF_MAX bytes; the stream's
 *         error.
 */
int todo_show_text(struct dp_stream *out, bool colour, enum todo_text_kind kind,
                   const char *text);

/** @brief What a session asks of its front end (MVC's view, MVP's
 *         presenter): the one place the architectures differ. */
struct todo_front_ops {
	/**
	 * Required. Show text of a kind; a message or an error gets its
	 * style, its "error: " and its line end here.
	 * @param[in] ctx  The front end's context.
	 * @param[in] kind What the text is.
	 * @param[in] text The text.
	 * @return #DP_OK or the output's error.
	 */
	int (*show)(void *ctx, enum todo_text_kind kind, const char *text);
	/**
	 * Required. Draw the list with the display's filter and order.
	 * @param[in] ctx The front end's context.
	 * @param[in] all Every row (`list`), or the first page.
	 * @return #DP_OK or the error of the draw.
	 */
	int (*draw)(void *ctx, bool all);
};

/** @brief A session: the shared part of a controller or a presenter. */
struct todo_session {
	struct todo_app *app;               /**< The core. */
	struct todo_display *display;       /**< The view state it steers. */
	const struct todo_front_ops *front; /**< The front end. */
	void *front_ctx;                    /**< Handed to it. */
	/** Whether a person is at a terminal: leaving with unsaved changes
	 * then takes a second quit; a script stops with status 1. */
	bool interactive;
	unsigned failures;  /**< Lines that gave an error. */
	bool redraw_failed; /**< A change was not drawn: exit non-zero. */
	bool lost_changes;  /**< A script ended with unsaved changes. */
	bool warned;        /**< The unsaved-changes warning was given... */
	unsigned long warned_version; /**< ...for this model version. */
};

/**
 * @brief Set up a session.
 * @param[out] session     The session.
 * @param[in]  app         The core.
 * @param[in]  display     The view state.
 * @param[in]  front       The front end's operations.
 * @param[in]  front_ctx   Their context.
 * @param[in]  interactive Whether a person is at a terminal.
 * @return #DP_OK; #DP_EINVAL when a pointer but `front_ctx` is NULL or
 *         a required operation is missing.
 */
int todo_session_init(struct todo_session *session, struct todo_app *app,
                      struct todo_display *display,
                      const struct todo_front_ops *front, void *front_ctx,
                      bool interactive);

/**
 * @brief Handle one input line: parse it, run a view verb from the verb
 *        table or hand the request to todo_app_change(), and show the
 *        outcome. A change whose redraw failed is reported ("error: the
 *        list could not be redrawn: ...") and sets `redraw_failed`.
 * @param[in,out] session The session.
 * @param[in,out] line    The line; modified.
 * @return true to go on; false to leave (quit, with nothing unsaved or
 *         after the warning). NULL arguments leave.
 */
bool todo_session_handle(struct todo_session *session, char *line);

/**
 * @brief Report a line that could not be read whole.
 * @param[in,out] session The session; NULL is a no-op.
 */
void todo_session_bad_line(struct todo_session *session);

/**
 * @brief The input ended or was interrupted (Ctrl-C): leave, unless
 *        changes are unsaved and a person has not been warned yet.
 * @param[in,out] session The session.
 * @return true to leave; false to go on reading. NULL leaves.
 */
bool todo_session_end(struct todo_session *session);

/**
 * @brief The warning about unsaved changes, for the front ends and tests.
 * @param[in]  app  The core.
 * @param[out] text Receives one line.
 * @param[in]  size Its size.
 * @return #DP_OK; #DP_EINVAL when an argument is NULL or `size` is 0.
 */
int todo_unsaved_warning(const struct todo_app *app, char *text, size_t size);

/** @brief What the input loop calls: the line handlers of an
 *         architecture (MVC's controller, MVP's passive view). */
struct todo_input_ops {
	/** Required. A line was read; return false to leave. */
	bool (*line)(void *ctx, char *line);
	/** Required. A line was too long or held a NUL byte. */
	void (*bad_line)(void *ctx);
	/** Required. The input ended or was interrupted; true to leave. */
	bool (*end)(void *ctx);
};

/** @brief Where the loop reads and how. */
struct todo_input {
	FILE *in;              /**< The input. */
	struct dp_stream *out; /**< Where the prompt or the echo goes. */
	bool interactive;      /**< Prompt (a terminal), or echo (a script). */
	/** Set by a SIGINT handler, or NULL; the loop clears it. */
	volatile sig_atomic_t *interrupted;
};

/**
 * @brief The input loop: prompt or echo, read a line, hand it on, until
 *        a handler says to leave. An interrupted read (a SIGINT handler
 *        installed without SA_RESTART) counts as the end of the input.
 * @param[in] input The input.
 * @param[in] ops   The handlers.
 * @param[in] ctx   Their context.
 * @return #DP_OK; #DP_EINVAL when an argument is NULL.
 */
int todo_input_run(const struct todo_input *input,
                   const struct todo_input_ops *ops, void *ctx);

#endif /* TODO_SESSION_H */
