/*
 * The MVC view. It is an observer: the model calls it after each change
 * (once per batch), and it pulls what it needs from the model itself.
 * That is the defining trait of MVC's view, and the one MVP removes. What
 * it draws, a row for a single change or a page for many, comes from the
 * screen builder it shares with the presenter.
 */
#include "mvc.h"

static int on_change(struct dp_observer *self, int event, void *data)
{
	struct todo_mvc_view *view =
		dp_container_of(self, struct todo_mvc_view, observer);

	/* A failure stays in the display, where the controller finds it. */
	(void)todo_display_event(&view->display, view->model, event, data,
	                         view->out);
	return DP_NOTIFY_CONTINUE;
}

int todo_mvc_view_init(struct todo_mvc_view *view, struct todo_app *app,
                       const char *name, struct dp_stream *out, bool colour)
{
	if (view == NULL || app == NULL || out == NULL)
		return DP_EINVAL;
	*view = (struct todo_mvc_view){
		.model = app->model,
		.out = out,
		.colour = colour,
	};
	int rc = todo_display_init(&view->display, app, name, colour);
	if (rc != DP_OK)
		return rc;
	dp_observer_init(&view->observer, on_change, 0);
	rc = todo_model_subscribe(view->model, &view->observer);
	if (rc != DP_OK)
		todo_display_deinit(&view->display);
	return rc;
}

void todo_mvc_view_deinit(struct todo_mvc_view *view)
{
	if (view == NULL)
		return;
	todo_model_unsubscribe(view->model, &view->observer);
	todo_display_deinit(&view->display);
}

int todo_mvc_view_draw(struct todo_mvc_view *view, bool all)
{
	if (view == NULL)
		return DP_EINVAL;
	return todo_display_list(&view->display, view->model, all, view->out);
}

int todo_mvc_view_show(struct todo_mvc_view *view, enum todo_text_kind kind,
                       const char *text)
{
	if (view == NULL)
		return DP_EINVAL;
	return todo_show_text(view->out, view->colour, kind, text);
}
