/*
 * Exercise 20, the reference answer: the MVP presenter. It hears of model
 * changes, draws what changed into text and pushes the text to a view
 * that knows nothing else; every input line is answered here.
 */
#include "presenter.h"

#include "adapter/adapter.h"

static void show(struct ex_presenter *presenter, enum todo_text_kind kind,
                 const char *text)
{
	(void)presenter->view->show(presenter->view_ctx, kind, text);
}

static void show_error(struct ex_presenter *presenter, const char *text)
{
	presenter->failures++;
	show(presenter, TODO_TEXT_ERROR, text);
}

/* What was drawn into the scratch stream goes to the view as one C
 * string: end it with a NUL, show it, and empty the stream again. */
static void present(struct ex_presenter *presenter, int rc)
{
	if (rc == DP_OK)
		rc = dp_stream_write(presenter->text, "", 1);
	size_t len = 0;
	const unsigned char *text =
		dp_memory_stream_data(presenter->text, &len);
	if (rc == DP_OK && text != NULL)
		show(presenter, TODO_TEXT_LIST, (const char *)text);
	dp_memory_stream_clear(presenter->text);
}

static void present_list(struct ex_presenter *presenter, bool all)
{
	present(presenter,
	        todo_display_list(&presenter->display, presenter->app->model,
	                          all, presenter->text));
}

static int on_change(struct dp_observer *self, int event, void *data)
{
	struct ex_presenter *presenter =
		dp_container_of(self, struct ex_presenter, observer);

	present(presenter,
	        todo_display_event(&presenter->display, presenter->app->model,
	                           event, data, presenter->text));
	return DP_NOTIFY_CONTINUE;
}

int ex_presenter_init(struct ex_presenter *presenter, struct todo_app *app,
                      const char *renderer, const struct todo_view_ops *view,
                      void *view_ctx)
{
	if (presenter == NULL || app == NULL || renderer == NULL ||
	    view == NULL || view->show == NULL)
		return DP_EINVAL;
	*presenter = (struct ex_presenter){
		.app = app,
		.view = view,
		.view_ctx = view_ctx,
	};
	int rc = todo_display_init(&presenter->display, app, renderer, false);
	if (rc != DP_OK)
		return rc;
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

void ex_presenter_deinit(struct ex_presenter *presenter)
{
	if (presenter == NULL)
		return;
	todo_model_unsubscribe(presenter->app->model, &presenter->observer);
	dp_stream_close(presenter->text);
	todo_display_deinit(&presenter->display);
}

/* The verbs a view answers without the model; false for the others. */
static bool present_view_verb(struct ex_presenter *presenter,
                              const struct todo_request *request)
{
	switch (request->verb) {
	case TODO_NOTHING:
		return true;
	case TODO_HELP:
		show(presenter, TODO_TEXT_LIST, todo_help_text());
		return true;
	case TODO_FILTER:
		presenter->display.filter = todo_filter_find(request->text);
		present_list(presenter, false);
		return true;
	case TODO_SORT:
		presenter->display.order = todo_order_find(request->text);
		present_list(presenter, false);
		return true;
	case TODO_LIST:
		present_list(presenter, true);
		return true;
	default:
		return false;
	}
}

bool ex_presenter_on_line(struct ex_presenter *presenter, char *line)
{
	struct todo_request request;
	char message[TODO_MESSAGE_MAX];

	if (presenter == NULL || line == NULL)
		return false;
	if (todo_parse(line, &request, message, sizeof(message)) != DP_OK) {
		show_error(presenter, message);
		return true;
	}
	if (request.verb == TODO_QUIT)
		return false;
	if (present_view_verb(presenter, &request))
		return true;
	int rc = todo_app_change(presenter->app, &request, message,
	                         sizeof(message));
	if (rc != DP_OK)
		show_error(presenter, message[0] ? message : dp_strerror(rc));
	else if (message[0] != '\0')
		show(presenter, TODO_TEXT_MESSAGE, message);
	return true;
}

void ex_presenter_on_bad_line(struct ex_presenter *presenter)
{
	if (presenter != NULL)
		show_error(presenter, TODO_BAD_LINE_MESSAGE);
}
