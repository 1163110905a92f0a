/*
 * The MVC view. It is an observer: the model calls it after each change
 * (once per batch), and it pulls what it needs from the model itself.
 * That is the defining trait of MVC's view, and the one MVP removes.
 */
#include "mvc.h"

static int on_change(struct dp_observer *self, int event, void *data)
{
	struct todo_mvc_view *view =
		dp_container_of(self, struct todo_mvc_view, observer);

	(void)event;
	(void)data;
	(void)todo_mvc_view_draw(view);
	return DP_NOTIFY_CONTINUE;
}

int todo_mvc_view_init(struct todo_mvc_view *view, struct todo_app *app,
                       const char *name, struct dp_stream *out, bool colour)
{
	struct todo_renderer_config config = {.colour = colour};
	void *product = NULL;
	int rc = dp_factory_make(app->renderers, name, &config, app->alloc,
	                         &product);

	if (rc != DP_OK)
		return rc;
	*view = (struct todo_mvc_view){
		.model = app->model,
		.renderer = product,
		.filter = todo_filter_find("all"),
		.order = todo_order_find("id"),
		.out = out,
		.colour = colour,
		.alloc = app->alloc,
	};
	dp_observer_init(&view->observer, on_change, 0);
	rc = todo_model_subscribe(view->model, &view->observer);
	if (rc != DP_OK)
		todo_renderer_destroy(view->renderer);
	return rc;
}

void todo_mvc_view_deinit(struct todo_mvc_view *view)
{
	todo_model_unsubscribe(view->model, &view->observer);
	todo_renderer_destroy(view->renderer);
}

int todo_mvc_view_draw(struct todo_mvc_view *view)
{
	size_t count = todo_model_count(view->model);
	const struct todo_item **items =
		dp_alloc_array(view->alloc, count ? count : 1, sizeof(*items));

	if (items == NULL)
		return DP_ENOMEM;
	struct todo_screen screen = {
		.items = items,
		.shown = todo_select(view->model, view->filter, view->order,
	                             items, count),
		.left = todo_model_active_count(view->model),
		.total = count,
		.filter = view->filter->name,
	};
	int rc = todo_renderer_draw(view->renderer, &screen, view->out);
	if (rc == DP_OK)
		rc = dp_stream_flush(view->out);
	dp_free(view->alloc, items);
	view->draws++;
	return rc;
}

void todo_mvc_view_message(struct todo_mvc_view *view, bool error,
                           const char *text)
{
	if (error && view->colour)
		(void)dp_stream_printf(view->out, "\033[31merror:\033[0m %s\n",
		                       text);
	else
		(void)dp_stream_printf(view->out, "%s%s\n",
		                       error ? "error: " : "", text);
	(void)dp_stream_flush(view->out);
}
