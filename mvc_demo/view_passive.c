/*
 * The MVP passive view: it shows what it is given and forwards what the
 * user types. Its only decision is how to style a kind of text; it has
 * no model, no filter, no formatting, nothing worth a test of its own.
 */
#include "mvp.h"

#include <string.h>

static void passive_show(void *ctx, enum todo_text_kind kind, const char *text)
{
	struct todo_passive_view *view = ctx;
	size_t skip = strlen("error:");

	if (kind == TODO_TEXT_ERROR && view->colour &&
	    strncmp(text, "error:", skip) == 0) {
		(void)dp_stream_write_string(view->out,
		                             "\033[31merror:\033[0m");
		text += skip;
	}
	(void)dp_stream_write_string(view->out, text);
	(void)dp_stream_flush(view->out);
}

const struct todo_view_ops todo_passive_view_ops = {.show = passive_show};

void todo_passive_view_run(struct todo_passive_view *view,
                           struct todo_presenter *presenter, FILE *in,
                           bool interactive)
{
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
			todo_presenter_on_bad_line(presenter);
			continue;
		}
		if (!todo_presenter_on_line(presenter, line))
			return;
	}
	if (interactive)
		(void)dp_stream_write_string(view->out, "\n");
}
