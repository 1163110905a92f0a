/**
 * @file screen.h
 * @brief The screen builder both architectures draw with: the view state
 *        (renderer, filter, order), the list a page at a time, and a
 *        single change as one row.
 *
 * The MVC view draws onto its terminal with it when the model notifies
 * it; the MVP presenter draws into text for its passive view. What is
 * drawn is the same, byte for byte. Ownership: the caller owns the
 * display; todo_display_init() makes its renderer and
 * todo_display_deinit() frees it. Thread-safety: none.
 */
#ifndef TODO_SCREEN_H
#define TODO_SCREEN_H

#include "app.h"
#include "filters.h"
#include "render.h"

#include <stdbool.h>

/** @brief The rows a redraw of the whole list shows; `list` shows all. */
#define TODO_PAGE_ROWS 20

/** @brief What is shown, and how. Public so it can be embedded. */
struct todo_display {
	struct todo_renderer *renderer;   /**< How; owned. */
	const struct todo_filter *filter; /**< Which items. */
	const struct todo_order *order;   /**< In what order. */
	const struct dp_allocator *alloc; /**< For the screen's rows. */
	unsigned long draws;              /**< Draws so far, for tests. */
	/** The first draw that failed since todo_display_take_error(), as
	 * a DP_* code; #DP_OK when none did. */
	int error;
};

/**
 * @brief Make a display: the renderer by name, every item, by id.
 * @param[out] display The display.
 * @param[in]  app     The core: its renderer factory and allocator.
 * @param[in]  name    "plain", "table" or "json".
 * @param[in]  colour  Whether the renderer may use colours.
 * @return #DP_OK; #DP_EINVAL when an argument is NULL; #DP_ENOENT for
 *         an unknown name; #DP_ENOMEM.
 */
int todo_display_init(struct todo_display *display, struct todo_app *app,
                      const char *name, bool colour);

/**
 * @brief Free the display's renderer.
 * @param[in,out] display The display; NULL is a no-op.
 */
void todo_display_deinit(struct todo_display *display);

/**
 * @brief Draw the list: the rows the filter keeps in the display's
 *        order, the first #TODO_PAGE_ROWS of them (and how many more
 *        there are) or all of them, then the footer.
 * @param[in,out] display The display; a failure is also kept in its
 *                        `error`.
 * @param[in]     model   The model.
 * @param[in]     all     Whether to draw every row.
 * @param[out]    out     Where.
 * @return #DP_OK; #DP_EINVAL when an argument is NULL; #DP_ENOMEM; the
 *         stream's error.
 */
int todo_display_list(struct todo_display *display, const todo_model *model,
                      bool all, struct dp_stream *out);

/**
 * @brief Draw what a model notification says changed: the changed row
 *        and the footer for #TODO_EVENT_ITEM, the first page for
 *        #TODO_EVENT_CHANGED. An observer's whole job.
 * @param[in,out] display The display; a failure is also kept in its
 *                        `error`.
 * @param[in]     model   The model that notified.
 * @param[in]     event   The event code.
 * @param[in]     data    Its data.
 * @param[out]    out     Where.
 * @return As todo_display_list(); #DP_EINVAL for an unknown event.
 */
int todo_display_event(struct todo_display *display, const todo_model *model,
                       int event, const void *data, struct dp_stream *out);

/**
 * @brief The first draw error since the last call, and forget it.
 * @param[in,out] display The display; NULL has none.
 * @return #DP_OK, or the error.
 */
int todo_display_take_error(struct todo_display *display);

#endif /* TODO_SCREEN_H */
