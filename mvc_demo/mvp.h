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
#include "screen.h"
#include "session.h"

#include <stdio.h>

/** @brief What the presenter may ask of a view. */
struct todo_view_ops {
	/**
	 * Required. Show text of a kind: drawn text as it is (it ends in a
	 * newline); a message or an error bare, one line without its line
	 * end, for the view to style ("error: ", colour) and end.
	 * @param[in] ctx  The view's context.
	 * @param[in] kind What the text is.
	 * @param[in] text The text.
	 * @return #DP_OK or the output's error.
	 */
	int (*show)(void *ctx, enum todo_text_kind kind, const char *text);
};

/** @brief The presenter. */
struct todo_presenter {
	struct dp_observer observer;      /**< Its subscription to the model. */
	struct todo_app *app;             /**< The core. */
	struct todo_display display;      /**< What is shown, and how. */
	const struct todo_view_ops *view; /**< The view's operations. */
	void *view_ctx;                   /**< Handed to them. */
	struct dp_stream *text;           /**< Scratch memory stream. */
	struct todo_session session;      /**< Parsing, verbs, leaving. */
};

/**
 * @brief Set up a presenter and subscribe it to the model. Its session
 *        starts as not interactive (a script); todo_passive_view_run()
 *        sets it from the input it reads.
 * @param[out] presenter The presenter.
 * @param[in]  app       The core.
 * @param[in]  name      The renderer: "plain", "table" or "json".
 * @param[in]  colour    Whether the list may use colours.
 * @param[in]  view      The view's operations.
 * @param[in]  view_ctx  Their context.
 * @return #DP_OK; #DP_EINVAL when a pointer but `view_ctx` is NULL or
 *         `view->show` is; #DP_ENOENT for an unknown renderer;
 *         #DP_ENOMEM.
 */
int todo_presenter_init(struct todo_presenter *presenter, struct todo_app *app,
                        const char *name, bool colour,
                        const struct todo_view_ops *view, void *view_ctx);

/**
 * @brief Unsubscribe and free what the presenter holds.
 * @param[in,out] presenter The presenter; NULL is a no-op.
 */
void todo_presenter_deinit(struct todo_presenter *presenter);

/**
 * @brief What the view calls with each input line.
 * @param[in,out] presenter The presenter.
 * @param[in,out] line      The line; modified.
 * @return true to go on, false to leave (see todo_session_handle()).
 */
bool todo_presenter_on_line(struct todo_presenter *presenter, char *line);

/**
 * @brief What the view calls when a line could not be read whole.
 * @param[in,out] presenter The presenter; NULL is a no-op.
 */
void todo_presenter_on_bad_line(struct todo_presenter *presenter);

/**
 * @brief What the view calls when its input ended or was interrupted.
 * @param[in,out] presenter The presenter.
 * @return true to leave (see todo_session_end()).
 */
bool todo_presenter_on_end(struct todo_presenter *presenter);

/** @brief The terminal's passive view. */
struct todo_passive_view {
	struct dp_stream *out; /**< Where text goes. */
	bool colour;           /**< Whether errors are shown red. */
};

/** @brief The passive view's operations, for todo_presenter_init(). */
extern const struct todo_view_ops todo_passive_view_ops;

/**
 * @brief The view's loop (todo_input_run()): read lines and forward them
 *        to the presenter, whose session learns from `input` whether a
 *        person is at a terminal.
 * @param[in,out] view      The view.
 * @param[in,out] presenter Where lines go.
 * @param[in]     input     The input.
 * @return As todo_input_run().
 */
int todo_passive_view_run(const struct todo_passive_view *view,
                          struct todo_presenter *presenter,
                          const struct todo_input *input);

#endif /* TODO_MVP_H */
