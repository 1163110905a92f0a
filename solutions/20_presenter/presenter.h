/**
 * @file presenter.h
 * @brief Exercise 20: the presenter of the to-do demo's Model-View-Presenter
 *        architecture, over the demo's own model and passive view.
 *
 * The presenter sits between a view that knows nothing (it shows the text
 * it is given and forwards each input line) and the demo's core (the model,
 * the command history and the stores, in `struct todo_app`). It observes
 * the model and, on every notification, draws what changed with the demo's
 * screen builder (mvc_demo/screen.h: one row for a single change, the first
 * page for a change of many) and pushes the text to the view; it turns each
 * input line into a request with todo_parse() and either answers it itself
 * (the view's own verbs: filter, sort, list, help, quit) or hands it to
 * todo_app_change(). Messages and errors go to the view bare, with their
 * kind: the view adds "error: ", the colour and the line end.
 *
 * The demo's own presenter shares this logic with the MVC controller in
 * mvc_demo/session.c, which also warns about unsaved changes before
 * leaving; here `quit` always leaves, and that session is not yours to
 * call: write the logic.
 *
 * Ownership: the caller owns the presenter, the app and the view; the
 * presenter owns its display (and its renderer) and its scratch stream,
 * and subscribes to the model in ex_presenter_init() until
 * ex_presenter_deinit(). Thread-safety: none; one thread drives the
 * presenter and the app.
 */
#ifndef EX_PRESENTER_H
#define EX_PRESENTER_H

#include "mvc_demo/mvp.h"

#include <stdbool.h>

/** @brief The presenter. Its fields are yours to use; the tests read
 *         only `display` (its `draws`, `filter` and `order`) and
 *         `failures`. */
struct ex_presenter {
	struct dp_observer observer; /**< Its subscription to the model. */
	struct todo_app *app;        /**< The core. */
	struct todo_display display; /**< Renderer, filter, order; owned. */
	const struct todo_view_ops *view; /**< The view's operations. */
	void *view_ctx;                   /**< Handed to them. */
	struct dp_stream *text;           /**< Scratch memory stream; owned. */
	unsigned failures;                /**< Lines answered with an error. */
};

/**
 * @brief Set up a presenter and subscribe it to the app's model.
 *
 * Nothing is shown yet: the first list appears with the first change or
 * the first view verb.
 * @param[out] presenter The presenter.
 * @param[in]  app       The core, initialised with todo_app_init().
 * @param[in]  renderer  The renderer's name: "plain", "table" or "json",
 *                       for todo_display_init(), without colour.
 * @param[in]  view      The view's operations; `view->show` required.
 * @param[in]  view_ctx  Handed to them.
 * @return #DP_OK; #DP_EINVAL when a pointer is NULL or `view->show` is
 *         NULL, with nothing allocated; #DP_ENOENT for an unknown
 *         renderer; #DP_ENOMEM, with nothing left allocated or
 *         subscribed.
 */
int ex_presenter_init(struct ex_presenter *presenter, struct todo_app *app,
                      const char *renderer, const struct todo_view_ops *view,
                      void *view_ctx);

/**
 * @brief Unsubscribe and free what the presenter owns.
 * @param[in,out] presenter The presenter; NULL is a no-op.
 */
void ex_presenter_deinit(struct ex_presenter *presenter);

/**
 * @brief Answer one input line, as the demo's presenter does.
 *
 * - A line todo_parse() refuses: one #TODO_TEXT_ERROR, the parser's
 *   message as it is (no "error: ", no newline); `failures` counts it.
 * - Nothing (a blank line or a comment): nothing shown.
 * - `quit` (with or without `--discard`): nothing shown; returns false.
 * - `help`: todo_help_text() as one #TODO_TEXT_LIST (drawn text).
 * - `filter NAME`, `sort NAME`: the display's filter or order changes
 *   (todo_filter_find(), todo_order_find()) and the first page of the
 *   list is shown once; `list`: every row, once (todo_display_list()).
 * - Anything else goes to todo_app_change(): a failure is one
 *   #TODO_TEXT_ERROR with its message, counted in `failures`; on success
 *   its message, when not empty, is one #TODO_TEXT_MESSAGE. What changed
 *   is shown by the model's notification, never by this function.
 *
 * On each notification the presenter draws with todo_display_event() into
 * its scratch stream and shows the text, NUL-terminated, as one
 * #TODO_TEXT_LIST: one row and the counter for a single change, the first
 * page for a change of many. A session of n adds thus shows O(n) bytes.
 * @param[in,out] presenter The presenter.
 * @param[in,out] line      One line without its newline; may be modified.
 * @return false after `quit`, or when `presenter` or `line` is NULL; true
 *         otherwise.
 */
bool ex_presenter_on_line(struct ex_presenter *presenter, char *line);

/**
 * @brief Answer a line the view could not read whole (longer than
 *        #TODO_LINE_MAX, or holding a NUL byte): one #TODO_TEXT_ERROR,
 *        #TODO_BAD_LINE_MESSAGE; `failures` counts it.
 * @param[in,out] presenter The presenter; NULL is a no-op.
 */
void ex_presenter_on_bad_line(struct ex_presenter *presenter);

#endif /* EX_PRESENTER_H */
