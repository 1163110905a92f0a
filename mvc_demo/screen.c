/*
 * The screen builder. A redraw of the whole list selects and sorts every
 * item (the filter and order must see them all) but formats one page, so
 * what it prints stays bounded; a single change formats one row and the
 * counters, so a session of n edits prints O(n) bytes, not O(n^2).
 */
#include "screen.h"

int todo_display_init(struct todo_display *display, struct todo_app *app,
                      const char *name, bool colour)
{
	if (display == NULL || app == NULL || name == NULL)
		return DP_EINVAL;
	struct todo_renderer_config config = {.colour = colour};
	void *product = NULL;
	int rc = dp_factory_make(app->renderers, name, &config, app->alloc,
	                         &product);

	if (rc != DP_OK)
		return rc;
	*display = (struct todo_display){
		.renderer = product,
		.filter = todo_filter_find("all"),
		.order = todo_order_find("id"),
		.alloc = app->alloc,
	};
	return DP_OK;
}

void todo_display_deinit(struct todo_display *display)
{
	if (display != NULL)
		todo_renderer_destroy(display->renderer);
}

static int failed(struct todo_display *display, int rc)
{
	if (rc != DP_OK && display->error == DP_OK)
		display->error = rc;
	return rc;
}

int todo_display_list(struct todo_display *display, const todo_model *model,
                      bool all, struct dp_stream *out)
{
	if (display == NULL || model == NULL || out == NULL)
		return DP_EINVAL;
	size_t count = todo_model_count(model);
	const struct todo_item **items = dp_alloc_array(
		display->alloc, count ? count : 1, sizeof(*items));

	display->draws++;
	if (items == NULL)
		return failed(display, DP_ENOMEM);
	size_t kept = todo_select(model, display->filter, display->order, items,
	                          count);
	size_t shown = all || kept <= TODO_PAGE_ROWS ? kept : TODO_PAGE_ROWS;
	struct todo_screen screen = {
		.items = items,
		.shown = shown,
		.more = kept - shown,
		.left = todo_model_active_count(model),
		.total = count,
		.filter = display->filter->name,
	};
	int rc = todo_renderer_draw(display->renderer, &screen, out);
	if (rc == DP_OK)
		rc = dp_stream_flush(out);
	dp_free(display->alloc, items);
	return failed(display, rc);
}

static int draw_change(struct todo_display *display,
                       const struct todo_change *change, struct dp_stream *out)
{
	const todo_model *model = change->model;
	struct todo_screen counts = {
		.left = todo_model_active_count(model),
		.total = todo_model_count(model),
		.filter = display->filter->name,
	};
	int rc = todo_renderer_draw_change(display->renderer, change, &counts,
	                                   out);

	display->draws++;
	if (rc == DP_OK)
		rc = dp_stream_flush(out);
	return failed(display, rc);
}

int todo_display_event(struct todo_display *display, const todo_model *model,
                       int event, const void *data, struct dp_stream *out)
{
	if (display == NULL || model == NULL || data == NULL || out == NULL)
		return DP_EINVAL;
	if (event == TODO_EVENT_ITEM)
		return draw_change(display, data, out);
	if (event == TODO_EVENT_CHANGED)
		return todo_display_list(display, model, false, out);
	return DP_EINVAL;
}

int todo_display_take_error(struct todo_display *display)
{
	if (display == NULL)
		return DP_OK;
	int rc = display->error;
	display->error = DP_OK;
	return rc;
}
