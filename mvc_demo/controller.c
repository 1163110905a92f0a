/*
 * The MVC controller. It owns the input loop, parses each line and acts:
 * on the model for changes (the view hears of them by itself), on the
 * view's own state for filter and order. It never formats the list.
 */
#include "mvc.h"

bool todo_controller_handle(struct todo_controller *controller, char *line)
{
	struct todo_mvc_view *view = controller->view;
	struct todo_request request;
	char message[TODO_MESSAGE_MAX];

	if (todo_parse(line, &request, message, sizeof(message)) != DP_OK) {
		controller->failures++;
		todo_mvc_view_message(view, true, message);
		return true;
	}
	switch (request.verb) {
	case TODO_NOTHING:
		return true;
	case TODO_QUIT:
		return false;
	case TODO_HELP:
		(void)dp_stream_write_string(view->out, todo_help_text());
		(void)dp_stream_flush(view->out);
		return true;
	case TODO_FILTER:
		view->filter = todo_filter_find(request.text);
		(void)todo_mvc_view_draw(view);
		return true;
	case TODO_SORT:
		view->order = todo_order_find(request.text);
		(void)todo_mvc_view_draw(view);
		return true;
	case TODO_LIST:
		(void)todo_mvc_view_draw(view);
		return true;
	default:
		break;
	}
	int rc = todo_app_change(controller->app, &request, message,
	                         sizeof(message));
	if (rc != DP_OK)
		controller->failures++;
	if (message[0] != '\0')
		todo_mvc_view_message(view, rc != DP_OK, message);
	return true;
}

void todo_controller_run(struct todo_controller *controller, FILE *in,
                         bool interactive)
{
	struct todo_mvc_view *view = controller->view;
	char line[TODO_LINE_MAX + 1];

	for (;;) {
		if (interactive) {
			(void)dp_stream_write_string(view->out, "> ");
			(void)dp_stream_flush(view->out);
		}
		int got = todo_read_line(in, line);
		if (got == 0)
			break;
		if (!interactive)
			todo_echo_line(view->out, line, got < 0);
		if (got < 0) {
			controller->failures++;
			todo_mvc_view_message(view, true,
			                      TODO_BAD_LINE_MESSAGE);
			continue;
		}
		if (!todo_controller_handle(controller, line))
			return;
	}
	if (interactive)
		(void)dp_stream_write_string(view->out, "\n");
}
