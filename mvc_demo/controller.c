/*
 * The MVC controller. Its session parses each line and acts: on the model
 * for changes (the view hears of them by itself), on the view's own state
 * for filter and order. It never formats the list: its front end is the
 * view, which draws itself.
 */
#include "mvc.h"

static int front_show(void *ctx, enum todo_text_kind kind, const char *text)
{
	return todo_mvc_view_show(ctx, kind, text);
}

static int front_draw(void *ctx, bool all)
{
	return todo_mvc_view_draw(ctx, all);
}

static const struct todo_front_ops view_front = {
	.show = front_show,
	.draw = front_draw,
};

int todo_controller_init(struct todo_controller *controller,
                         struct todo_app *app, struct todo_mvc_view *view,
                         bool interactive)
{
	if (controller == NULL || view == NULL)
		return DP_EINVAL;
	controller->view = view;
	return todo_session_init(&controller->session, app, &view->display,
	                         &view_front, view, interactive);
}

bool todo_controller_handle(struct todo_controller *controller, char *line)
{
	return controller != NULL &&
	       todo_session_handle(&controller->session, line);
}

static bool on_line(void *ctx, char *line)
{
	return todo_controller_handle(ctx, line);
}

static void on_bad_line(void *ctx)
{
	struct todo_controller *controller = ctx;

	todo_session_bad_line(&controller->session);
}

static bool on_end(void *ctx)
{
	struct todo_controller *controller = ctx;

	return todo_session_end(&controller->session);
}

static const struct todo_input_ops controller_input = {
	.line = on_line,
	.bad_line = on_bad_line,
	.end = on_end,
};

int todo_controller_run(struct todo_controller *controller,
                        const struct todo_input *input)
{
	if (controller == NULL)
		return DP_EINVAL;
	return todo_input_run(input, &controller_input, controller);
}
