/*
 * The MVP passive view: it shows what it is given and forwards what the
 * user types. Its only decision is how to style a kind of text; it has
 * no model, no filter, no formatting, nothing worth a test of its own.
 */
#include "mvp.h"

static int passive_show(void *ctx, enum todo_text_kind kind, const char *text)
{
	struct todo_passive_view *view = ctx;

	return todo_show_text(view->out, view->colour, kind, text);
}

const struct todo_view_ops todo_passive_view_ops = {.show = passive_show};

static bool on_line(void *ctx, char *line)
{
	return todo_presenter_on_line(ctx, line);
}

static void on_bad_line(void *ctx)
{
	todo_presenter_on_bad_line(ctx);
}

static bool on_end(void *ctx)
{
	return todo_presenter_on_end(ctx);
}

static const struct todo_input_ops forward = {
	.line = on_line,
	.bad_line = on_bad_line,
	.end = on_end,
};

int todo_passive_view_run(const struct todo_passive_view *view,
                          struct todo_presenter *presenter,
                          const struct todo_input *input)
{
	if (view == NULL || presenter == NULL || input == NULL)
		return DP_EINVAL;
	presenter->session.interactive = input->interactive;
	return todo_input_run(input, &forward, presenter);
}
