/**
 * @file mvc.h
 * @brief Model-View-Controller: views observe the model and redraw
 *        themselves; a controller turns each input line into a command.
 *
 * The view reads the model directly when it is notified; the controller
 * never draws the list, it only changes the model (through todo_app) and
 * the view's own state (filter, order). Ownership: the caller owns the
 * view and the controller; the view subscribes to the model in
 * todo_mvc_view_init() and unsubscribes in todo_mvc_view_deinit().
 * Thread-safety: none.
 */
#ifndef TODO_MVC_H
#define TODO_MVC_H

#include "app.h"
#include "screen.h"
#include "session.h"

#include <stdio.h>

/** @brief A view of the list: an observer of the model. */
struct todo_mvc_view {
	struct dp_observer observer; /**< Its subscription. */
	todo_model *model;           /**< What it shows. */
	/** What it shows of it, and how: the view's own state, which the
	 * controller steers. */
	struct todo_display display;
	struct dp_stream *out; /**< Where it draws. */
	bool colour;           /**< Whether errors are red. */
};

/**
 * @brief Make a view by name and subscribe it to the model.
 * @param[out] view   The view.
 * @param[in]  app    The core: its model and its renderer factory.
 * @param[in]  name   "plain", "table" or "json".
 * @param[in]  out    Where to draw; must outlive the view.
 * @param[in]  colour Whether to use colours.
 * @return #DP_OK; #DP_EINVAL when a pointer is NULL; #DP_ENOENT for an
 *         unknown name; #DP_ENOMEM.
 */
int todo_mvc_view_init(struct todo_mvc_view *view, struct todo_app *app,
                       const char *name, struct dp_stream *out, bool colour);

/**
 * @brief Unsubscribe the view and free its renderer.
 * @param[in,out] view The view; NULL is a no-op.
 */
void todo_mvc_view_deinit(struct todo_mvc_view *view);

/**
 * @brief Draw the list now: the first page, or every row.
 * @param[in,out] view The view.
 * @param[in]     all  Whether to draw every row (`list`).
 * @return As todo_display_list().
 */
int todo_mvc_view_draw(struct todo_mvc_view *view, bool all);

/**
 * @brief Show text: drawn text as it is, a message, or an error, which
 *        the view styles ("error: ", red when colours are on).
 * @param[in,out] view The view.
 * @param[in]     kind What the text is.
 * @param[in]     text The text.
 * @return As todo_show_text().
 */
int todo_mvc_view_show(struct todo_mvc_view *view, enum todo_text_kind kind,
                       const char *text);

/** @brief The controller: input to commands, through its session. */
struct todo_controller {
	struct todo_session session; /**< Parsing, verbs, leaving. */
	struct todo_mvc_view *view;  /**< The view it steers. */
};

/**
 * @brief Set up a controller over a view.
 * @param[out] controller  The controller.
 * @param[in]  app         The core.
 * @param[in]  view        The view it steers; must outlive it.
 * @param[in]  interactive Whether a person is at a terminal.
 * @return #DP_OK; #DP_EINVAL when a pointer is NULL.
 */
int todo_controller_init(struct todo_controller *controller,
                         struct todo_app *app, struct todo_mvc_view *view,
                         bool interactive);

/**
 * @brief Handle one input line.
 * @param[in,out] controller The controller.
 * @param[in,out] line       The line; modified.
 * @return true to go on, false to leave (see todo_session_handle()).
 */
bool todo_controller_handle(struct todo_controller *controller, char *line);

/**
 * @brief The controller's loop (todo_input_run()): read lines until the
 *        session says to leave.
 * @param[in,out] controller The controller.
 * @param[in]     input      The input; its `interactive` should match
 *                           the controller's.
 * @return As todo_input_run().
 */
int todo_controller_run(struct todo_controller *controller,
                        const struct todo_input *input);

#endif /* TODO_MVC_H */
