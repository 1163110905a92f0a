/*
 * Exercise 20: the MVP presenter. Read README.md first, then presenter.h,
 * which is the contract: every function below must do what its comment
 * there says. The demo's core (mvc_demo/app.h, model.h, parser.h,
 * screen.h, filters.h) is yours to call.
 */
#include "presenter.h"

int ex_presenter_init(struct ex_presenter *presenter, struct todo_app *app,
                      const char *renderer, const struct todo_view_ops *view,
                      void *view_ctx)
{
	/* TODO: check every pointer and view->show; set the fields; make
	 * the display with todo_display_init() (no colour); create the
	 * scratch memory stream; subscribe an observer to app->model whose
	 * callback draws the notification with todo_display_event() and
	 * shows the text. Undo what was done when a step fails. */
	(void)presenter;
	(void)app;
	(void)renderer;
	(void)view;
	(void)view_ctx;
	return DP_ENOTSUP;
}

void ex_presenter_deinit(struct ex_presenter *presenter)
{
	/* TODO: unsubscribe, then free the stream and the display. */
	(void)presenter;
}

bool ex_presenter_on_line(struct ex_presenter *presenter, char *line)
{
	/* TODO: todo_parse() the line; answer an error, nothing, quit, help,
	 * filter, sort and list here; hand every other request to
	 * todo_app_change() and show its error or its message. */
	(void)presenter;
	(void)line;
	return false;
}

void ex_presenter_on_bad_line(struct ex_presenter *presenter)
{
	/* TODO: one error line, counted, as presenter.h says. */
	(void)presenter;
}
