/*
 * Exercise 20, the reference answer: the MVP presenter. It hears of model
 * changes, formats the list into text and pushes the text to a view that
 * knows nothing else; every input line is answered here.
 */
#include "presenter.h"

#include "adapter/adapter.h"

#include <stdio.h>

static void show(struct ex_presenter *presenter, enum todo_text_kind kind,
                 const char *text)
{
	presenter->view->show(presenter->view_ctx, kind, text);
}

static void show_error(struct ex_presenter *presenter, const char *text)
{
	char line[TODO_MESSAGE_MAX + 16];

	presenter->failures++;
	snprintf(line, sizeof(line), "error: %s\n", text);
	show(presenter, TODO_TEXT_ERROR, line);
}

/* Draw the list into the scratch stream, end it with a NUL (the view
 * takes a C string) and show it. */
static void present_list(struct ex_presenter *presenter)
{
	todo_model *model = presenter->app->model;
	size_t count = todo_model_count(model);
	const struct todo_item **items = dp_alloc_array(
		presenter->app->alloc, count ? count : 1, sizeof(*items));

	if (items == NULL)
		return;
	struct todo_screen screen = {
		.items = items,
		.shown = todo_select(model, presenter->filter, presenter->order,
	                             items, count),
		.left = todo_model_active_count(model),
		.total = count,
		.filter = presenter->filter->name,
	};
	dp_memory_stream_clear(presenter->text);
	int rc = todo_renderer_draw(presenter->renderer, &screen,
	                            presenter->text);
	if (rc == DP_OK)
		rc = dp_stream_write(presenter->text, "", 1);
	size_t len = 0;
	const unsigned char *text =
		dp_memory_stream_data(presenter->text, &len);
	if (rc == DP_OK && text != NULL) {
		show(presenter, TODO_TEXT_LIST, (const char *)text);
		presenter->draws++;
	}
	dp_free(presenter->app->alloc, items);
}

static int on_change(struct dp_observer *self, int event, void *data)
{
	struct ex_presenter *presenter =
		dp_container_of(self, struct ex_presenter, observer);

	(void)event;
	(void)data;
	present_list(presenter);
	return DP_NOTIFY_CONTINUE;
}

int ex_presenter_init(struct ex_presenter *presenter, struct todo_app *app,
                      const char *renderer, const struct todo_view_ops *view,
                      void *view_ctx)
{
	if (presenter == NULL || app == NULL || renderer == NULL ||
	    view == NULL || view->show == NULL)
		return DP_EINVAL;
	struct todo_renderer_config config = {.colour = false};
	void *product = NULL;
	int rc = dp_factory_make(app->renderers, renderer, &config, app->alloc,
	                         &product);
	if (rc != DP_OK)
		return rc;
	*presenter = (struct ex_presenter){
		.app = app,
		.renderer = product,
		.filter = todo_filter_find("all"),
		.order = todo_order_find("id"),
		.view = view,
		.view_ctx = view_ctx,
	};
	rc = DP_ENOMEM;
	presenter->text = dp_memory_stream_create(app->alloc);
	if (presenter->text == NULL)
		goto fail_destroy_renderer;
	dp_observer_init(&presenter->observer, on_change, 0);
	rc = todo_model_subscribe(app->model, &presenter->observer);
	if (rc != DP_OK)
		goto fail_close_text;
	return DP_OK;

fail_close_text:
	dp_stream_close(presenter->text);
fail_destroy_renderer:
	todo_renderer_destroy(presenter->renderer);
	return rc;
}

void ex_presenter_deinit(struct ex_presenter *presenter)
{
	if (presenter == NULL)
		return;
	todo_model_unsubscribe(presenter->app->model, &presenter->observer);
	dp_stream_close(presenter->text);
	todo_renderer_destroy(presenter->renderer);
}

/* The verbs a view answers without the model; false for the others. */
static bool present_view_verb(struct ex_presenter *presenter,
                              const struct todo_request *request)
{
	switch (request->verb) {
	case TODO_NOTHING:
		return true;
	case TODO_HELP:
		show(presenter, TODO_TEXT_MESSAGE, todo_help_text());
		return true;
	case TODO_FILTER:
		presenter->filter = todo_filter_find(request->text);
		present_list(presenter);
		return true;
	case TODO_SORT:
		presenter->order = todo_order_find(request->text);
		present_list(presenter);
		return true;
	case TODO_LIST:
		present_list(presenter);
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
	if (todo_parse(line, &request, message, sizeof(message)) != 0) {
		show_error(presenter, message);
		return true;
	}
	if (request.verb == TODO_QUIT)
		return false;
	if (present_view_verb(presenter, &request))
		return true;
	int rc = todo_app_change(presenter->app, &request, message,
	                         sizeof(message));
	if (rc != DP_OK) {
		show_error(presenter, message);
	} else if (message[0] != '\0') {
		char text[TODO_MESSAGE_MAX + 1];
		snprintf(text, sizeof(text), "%s\n", message);
		show(presenter, TODO_TEXT_MESSAGE, text);
	}
	return true;
}

void ex_presenter_on_bad_line(struct ex_presenter *presenter)
{
	if (presenter == NULL)
		return;
	show_error(presenter, "line too long or holds a NUL byte (the limit "
	                      "is 1024 bytes)");
}
