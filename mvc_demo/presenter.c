/*
 * The MVP presenter. Unlike the MVC controller it also draws: it hears of
 * model changes, formats the list into text and pushes the text to a view
 * that knows nothing else. Its logic can therefore be tested with a fake
 * view that records text, without a terminal.
 */
#include "mvp.h"

#include "adapter/adapter.h"

#include <stdio.h>
#include <string.h>

static void show(struct todo_presenter *presenter, enum todo_text_kind kind,
                 const char *text)
{
	presenter->view->show(presenter->view_ctx, kind, text);
}

static void show_error(struct todo_presenter *presenter, const char *text)
{
	char line[TODO_MESSAGE_MAX + 16];

	presenter->failures++;
	snprintf(line, sizeof(line), "error: %s\n", text);
	show(presenter, TODO_TEXT_ERROR, line);
}

static void present_list(struct todo_presenter *presenter)
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
	/* The view takes a C string: draw, then end it with a NUL. */
	int rc = todo_renderer_draw(presenter->renderer, &screen,
	                            presenter->text);
	if (rc == DP_OK)
		rc = dp_stream_write(presenter->text, "", 1);
	size_t len = 0;
	const unsigned char *text =
		dp_memory_stream_data(presenter->text, &len);
	if (rc == DP_OK && text != NULL)
		show(presenter, TODO_TEXT_LIST, (const char *)text);
	dp_free(presenter->app->alloc, items);
	presenter->draws++;
}

static int on_change(struct dp_observer *self, int event, void *data)
{
	struct todo_presenter *presenter =
		dp_container_of(self, struct todo_presenter, observer);

	(void)event;
	(void)data;
	present_list(presenter);
	return DP_NOTIFY_CONTINUE;
}

int todo_presenter_init(struct todo_presenter *presenter, struct todo_app *app,
                        const char *name, bool colour,
                        const struct todo_view_ops *view, void *view_ctx)
{
	struct todo_renderer_config config = {.colour = colour};
	void *product = NULL;
	int rc = dp_factory_make(app->renderers, name, &config, app->alloc,
	                         &product);

	if (rc != DP_OK)
		return rc;
	*presenter = (struct todo_presenter){
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

void todo_presenter_deinit(struct todo_presenter *presenter)
{
	todo_model_unsubscribe(presenter->app->model, &presenter->observer);
	dp_stream_close(presenter->text);
	todo_renderer_destroy(presenter->renderer);
}

bool todo_presenter_on_line(struct todo_presenter *presenter, char *line)
{
	struct todo_request request;
	char message[TODO_MESSAGE_MAX];

	if (todo_parse(line, &request, message, sizeof(message)) != DP_OK) {
		show_error(presenter, message);
		return true;
	}
	switch (request.verb) {
	case TODO_NOTHING:
		return true;
	case TODO_QUIT:
		return false;
	case TODO_HELP:
		show(presenter, TODO_TEXT_MESSAGE, todo_help_text());
		return true;
	case TODO_FILTER:
		presenter->filter = todo_filter_find(request.text);
		present_list(presenter);
		return true;
	case TODO_SORT:
		presenter->order = todo_order_find(request.text);
		present_list(presenter);
		return true;
	case TODO_LIST:
		present_list(presenter);
		return true;
	default:
		break;
	}
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

void todo_presenter_on_bad_line(struct todo_presenter *presenter)
{
	show_error(presenter, TODO_BAD_LINE_MESSAGE);
}
