/**
 * @file mvp.h
 * @brief Model-View-Presenter: a passive view that only shows the text it
 *        is given and forwards each input line, and a presenter that
 *        holds all the logic and formatting.
 *
 * The presenter observes the model, formats the list with a renderer into
 * text, and hands the text to the view through an ops table, so a test can
 * put a fake view in its place. The view never sees the model. Ownership:
 * the caller owns both; the presenter subscribes in todo_presenter_init()
 * and unsubscribes in todo_presenter_deinit(). Thread-safety: none.
 */
#ifndef TODO_MVP_H
#define TODO_MVP_H

#include "app.h"
#include "filters.h"
#include "render.h"

#include <stdio.h>

/** @brief What a piece of text is, so a view can style it. */
enum todo_text_kind {
	TODO_TEXT_LIST,    /**< The list, drawn. */
	TODO_TEXT_MESSAGE, /**< A confirmation or the help. */
	TODO_TEXT_ERROR    /**< An error: one line, starting "error: ". */
};

/** @brief What the presenter may ask of a view. */
struct todo_view_ops {
	/**
	 * Required. Show text as it is (it ends in a newline).
	 * @param[in] ctx  The view's context.
	 * @param[in] kind What the text is.
	 * @param[in] text The text.
	 */
	void (*show)(void *ctx, enum todo_text_kind kind, const char *text);
};

/** @brief The presenter. */
struct todo_presenter {
	struct dp_observer observer;      /**< Its subscription to the model. */
	struct todo_app *app;             /**< The core. */
	struct todo_renderer *renderer;   /**< Formats the list; owned. */
	const struct todo_filter *filter; /**< Which items. */
	const struct todo_order *order;   /**< In what order. */
	const struct todo_view_ops *view; /**< The view's operations. */
	void *view_ctx;                   /**< Handed to them. */
	struct dp_stream *text;           /**< Scratch memory stream. */
	unsigned long draws;              /**< How often it drew. */
	unsigned failures;                /**< Lines that gave an error. */
};

/**
 * @brief Set up a presenter and subscribe it to the model.
 * @param[out] presenter The presenter.
 * @param[in]  app       The core.
 * @param[in]  name      The renderer: "plain", "table" or "json".
 * @param[in]  colour    Whether the list may use colours.
 * @param[in]  view      The view's operations.
 * @param[in]  view_ctx  Their context.
 * @return #DP_OK; #DP_ENOENT for an unknown renderer; #DP_ENOMEM.
 */
int todo_presenter_init(struct todo_presenter *presenter, struct todo_app *app,
                        const char *name, bool colour,
                        const struct todo_view_ops *view, void *view_ctx);

/**
 * @brief Unsubscribe and free what the presenter holds.
 * @param[in,out] presenter The presenter.
 */
void todo_presenter_deinit(struct todo_presenter *presenter);

/**
 * @brief What the view calls with each input line.
 * @param[in,out] presenter The presenter.
 * @param[in,out] line      The line; modified.
 * @return true to go on, false after quit.
 */
bool todo_presenter_on_line(struct todo_presenter *presenter, char *line);

/**
 * @brief What the view calls when a line could not be read whole.
 * @param[in,out] presenter The presenter.
 */
void todo_presenter_on_bad_line(struct todo_presenter *presenter);

/** @brief The terminal's passive view. */
struct todo_passive_view {
	struct dp_stream *out; /**< Where text goes. */
	bool colour;           /**< Whether errors are shown red. */
};

/** @brief The passive view's operations, for todo_presenter_init(). */
extern const struct todo_view_ops todo_passive_view_ops;

/**
 * @brief The view's loop: read lines, forward them to the presenter.
 * @param[in,out] view        The view.
 * @param[in,out] presenter   Where lines go.
 * @param[in]     in          The input.
 * @param[in]     interactive Whether to prompt (a terminal) or echo.
 */
void todo_passive_view_run(struct todo_passive_view *view,
                           struct todo_presenter *presenter, FILE *in,
                           bool interactive);

#endif /* TODO_MVP_H */
