/*
 * The MVP presenter. Unlike the MVC controller it also draws: it hears of
 * model changes, formats them into text with the shared screen builder and
 * pushes the text to a view that knows nothing else. Its logic can
 * therefore be tested with a fake view that records text, without a
 * terminal. Its session (parsing, verbs, leaving) is the controller's.
 */
#include "mvp.h"

#include "adapter/adapter.h"

/* Hand what was drawn into the scratch stream to the view, as a C string.
 * A failure here is a failed redraw too: it goes where the session looks. */
static int present(struct todo_presenter *presenter, int rc)
{
	if (rc == DP_OK)
		rc = dp_stream_write(presenter->text, "", 1);
	size_t len = 0;
	const unsigned char *text =
		dp_memory_stream_data(presenter->text, &len);
	if (rc == DP_OK && text != NULL)
		rc = presenter->view->show(presenter->view_ctx, TODO_TEXT_LIST,
		                           (const char *)text);
	if (rc != DP_OK && presenter->display.error == DP_OK)
		presenter->display.error = rc;
	dp_memory_stream_clear(presenter->text);
	return rc;
}

static int present_list(struct todo_presenter *presenter, bool all)
{
	dp_memory_stream_clear(presenter->text);
	return present(presenter, todo_display_list(&presenter->display,
	                                            presenter->app->model, all,
	                                            presenter->text));
}

static int on_change(struct dp_observer *self, int event, void *data)
{
	struct todo_presenter *presenter =
		dp_container_of(self, struct todo_presenter, observer);

	dp_memory_stream_clear(presenter->text);
	(void)present(presenter,
	              todo_display_event(&presenter->display,
	                                 presenter->app->model, event, data,
	                                 presenter->text));
	return DP_NOTIFY_CONTINUE;
}

static int front_show(void *ctx, enum todo_text_kind kind, const char *text)
{
	struct todo_presenter *presenter = ctx;

	return presenter->view->show(presenter->view_ctx, kind, text);
}

static int front_draw(void *ctx, bool all)
{
	return present_list(ctx, all);
}

static const struct todo_front_ops presenter_front = {
	.show = front_show,
	.draw = front_draw,
};

int todo_presenter_init(struct todo_presenter *presenter, struct todo_app *app,
                        const char *name, bool colour,
                        const struct todo_view_ops *view, void *view_ctx)
{
	if (presenter == NULL || app == NULL || view == NULL ||
	    view->show == NULL)
		return DP_EINVAL;
	*presenter = (struct todo_presenter){
		.app = app,
		.view = view,
		.view_ctx = view_ctx,
	};
	int rc = todo_display_init(&presenter->display, app, name, colour);
	if (rc != DP_OK)
		return rc;
	(void)todo_session_init(&presenter->session, app, &presenter->display,
	                        &presenter_front, presenter, false);
	rc = DP_ENOMEM;
	presenter->text = dp_memory_stream_create(app->alloc);
	if (presenter->text == NULL)
		goto fail_deinit_display;
	dp_observer_init(&presenter->observer, on_change, 0);
	rc = todo_model_subscribe(app->model, &presenter->observer);
	if (rc != DP_OK)
		goto fail_close_text;
	return DP_OK;

fail_close_text:
	dp_stream_close(presenter->text);
fail_deinit_display:
	todo_display_deinit(&presenter->display);
	return rc;
}

void todo_presenter_deinit(struct todo_presenter *presenter)
{
	if (presenter == NULL)
		return;
	todo_model_unsubscribe(presenter->app->model, &presenter->observer);
	dp_stream_close(presenter->text);
	todo_display_deinit(&presenter->display);
}

bool todo_presenter_on_line(struct todo_presenter *presenter, char *line)
{
	return presenter != NULL &&
	       todo_session_handle(&presenter->session, line);
}

void todo_presenter_on_bad_line(struct todo_presenter *presenter)
{
	if (presenter != NULL)
		todo_session_bad_line(&presenter->session);
}

bool todo_presenter_on_end(struct todo_presenter *presenter)
{
	return presenter == NULL || todo_session_end(&presenter->session);
}
