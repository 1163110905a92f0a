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
#include "filters.h"
#include "render.h"

#include <stdio.h>

/** @brief A view of the list: an observer of the model. */
struct todo_mvc_view {
	struct dp_observer observer;      /**< Its subscription. */
	todo_model *model;                /**< What it shows. */
	struct todo_renderer *renderer;   /**< How; owned by the view. */
	const struct todo_filter *filter; /**< Which items. */
	const struct todo_order *order;   /**< In what order. */
	struct dp_stream *out;            /**< Where it draws. */
	bool colour;                      /**< Whether errors are red. */
	unsigned long draws;              /**< How often it drew. */
	const struct dp_allocator *alloc; /**< For its scratch array. */
};

/**
 * @brief Make a view by name and subscribe it to the model.
 * @param[out] view   The view.
 * @param[in]  app    The core: its model and its renderer factory.
 * @param[in]  name   "plain", "table" or "json".
 * @param[in]  out    Where to draw; must outlive the view.
 * @param[in]  colour Whether to use colours.
 * @return #DP_OK; #DP_ENOENT for an unknown name; #DP_ENOMEM.
 */
int todo_mvc_view_init(struct todo_mvc_view *view, struct todo_app *app,
                       const char *name, struct dp_stream *out, bool colour);

/**
 * @brief Unsubscribe the view and free its renderer.
 * @param[in,out] view The view.
 */
void todo_mvc_view_deinit(struct todo_mvc_view *view);

/**
 * @brief Draw the list now.
 * @param[in,out] view The view.
 * @return #DP_OK, #DP_ENOMEM or the stream's error.
 */
int todo_mvc_view_draw(struct todo_mvc_view *view);

/**
 * @brief Show a one-line message, or an error ("error: ...").
 * @param[in,out] view  The view.
 * @param[in]     error Whether it is an error.
 * @param[in]     text  The message.
 */
void todo_mvc_view_message(struct todo_mvc_view *view, bool error,
                           const char *text);

/** @brief The controller: input to commands. */
struct todo_controller {
	struct todo_app *app;       /**< The core. */
	struct todo_mvc_view *view; /**< The view it steers. */
	unsigned failures;          /**< Lines that gave an error. */
};

/**
 * @brief Handle one input line.
 * @param[in,out] controller The controller.
 * @param[in,out] line       The line; modified.
 * @return true to go on, false after quit.
 */
bool todo_controller_handle(struct todo_controller *controller, char *line);

/**
 * @brief The controller's loop: read lines until quit or the end of the
 *        input, echoing each one when not interactive.
 * @param[in,out] controller  The controller.
 * @param[in]     in          The input.
 * @param[in]     interactive Whether to prompt (a terminal) or echo.
 */
void todo_controller_run(struct todo_controller *controller, FILE *in,
                         bool interactive);

#endif /* TODO_MVC_H */
