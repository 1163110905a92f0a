/*
 * The session: everything the MVC controller and the MVP presenter used to
 * do each in its own copy. The view verbs are a table, as Lua registers
 * its functions; a verb not in it changes or stores the list and goes to
 * the core. Leaving is decided here, once: a person with unsaved changes
 * is warned and leaves on the next quit (or Ctrl-D, or Ctrl-C) at the same
 * list; a script is warned and stops with status 1.
 */
#include "session.h"

#include <stdio.h>
#include <string.h>

struct view_verb {
	enum todo_verb verb;
	/* Return false to leave. */
	bool (*run)(struct todo_session *session,
	            const struct todo_request *request);
};

static int show(struct todo_session *session, enum todo_text_kind kind,
                const char *text)
{
	return session->front->show(session->front_ctx, kind, text);
}

static void fail(struct todo_session *session, const char *text)
{
	session->failures++;
	(void)show(session, TODO_TEXT_ERROR, text);
}

int todo_unsaved_warning(const struct todo_app *app, char *text, size_t size)
{
	if (app == NULL || text == NULL || size == 0)
		return DP_EINVAL;
	unsigned long changes =
		todo_model_version(app->model) - app->saved_version;
	snprintf(text, size,
	         "%lu unsaved change%s: 'save' writes them, 'quit --discard' "
	         "leaves without",
	         changes, changes == 1 ? "" : "s");
	return DP_OK;
}

/* Whether to leave now. A person is warned once per state of the list:
 * the same request again leaves, a change in between warns again. */
static bool may_leave(struct todo_session *session, bool discard)
{
	unsigned long version = todo_model_version(session->app->model);
	char text[TODO_MESSAGE_MAX];

	if (discard || !todo_app_unsaved(session->app))
		return true;
	if (session->interactive && session->warned &&
	    session->warned_version == version)
		return true;
	(void)todo_unsaved_warning(session->app, text, sizeof(text));
	session->warned = true;
	session->warned_version = version;
	if (!session->interactive) {
		session->lost_changes = true;
		(void)show(session, TODO_TEXT_ERROR, text);
		return true;
	}
	size_t len = strlen(text);
	snprintf(text + len, sizeof(text) - len, "; quit again to leave");
	(void)show(session, TODO_TEXT_ERROR, text);
	return false;
}

static bool run_nothing(struct todo_session *session,
                        const struct todo_request *request)
{
	(void)session;
	(void)request;
	return true;
}

static bool run_quit(struct todo_session *session,
                     const struct todo_request *request)
{
	return !may_leave(session, request->force);
}

static bool run_help(struct todo_session *session,
                     const struct todo_request *request)
{
	(void)request;
	(void)show(session, TODO_TEXT_LIST, todo_help_text());
	return true;
}

static bool run_filter(struct todo_session *session,
                       const struct todo_request *request)
{
	session->display->filter = todo_filter_find(request->text);
	(void)session->front->draw(session->front_ctx, false);
	return true;
}

static bool run_sort(struct todo_session *session,
                     const struct todo_request *request)
{
	session->display->order = todo_order_find(request->text);
	(void)session->front->draw(session->front_ctx, false);
	return true;
}

static bool run_list(struct todo_session *session,
                     const struct todo_request *request)
{
	(void)request;
	(void)session->front->draw(session->front_ctx, true);
	return true;
}

/* The verbs that only change what is shown, or end the session. */
static const struct view_verb VIEW_VERBS[] = {
	{TODO_NOTHING, run_nothing}, {TODO_QUIT, run_quit},
	{TODO_HELP, run_help},       {TODO_FILTER, run_filter},
	{TODO_SORT, run_sort},       {TODO_LIST, run_list},
};

int todo_show_text(struct dp_stream *out, bool colour, enum todo_text_kind kind,
                   const char *text)
{
	int rc;

	if (out == NULL || text == NULL)
		return DP_EINVAL;
	if (kind == TODO_TEXT_LIST)
		rc = dp_stream_write_string(out, text);
	else if (kind == TODO_TEXT_MESSAGE)
		rc = dp_stream_printf(out, "%s\n", text);
	else
		rc = dp_stream_printf(
			out, "%s %s\n",
			colour ? "\033[31merror:\033[0m" : "error:", text);
	int flushed = dp_stream_flush(out);
	return rc != DP_OK ? rc : flushed;
}

static const struct view_verb *find_view_verb(enum todo_verb verb)
{
	for (size_t i = 0; i < sizeof(VIEW_VERBS) / sizeof(VIEW_VERBS[0]); i++)
		if (VIEW_VERBS[i].verb == verb)
			return &VIEW_VERBS[i];
	return NULL;
}

int todo_session_init(struct todo_session *session, struct todo_app *app,
                      struct todo_display *display,
                      const struct todo_front_ops *front, void *front_ctx,
                      bool interactive)
{
	if (session == NULL || app == NULL || display == NULL ||
	    front == NULL || front->show == NULL || front->draw == NULL)
		return DP_EINVAL;
	*session = (struct todo_session){
		.app = app,
		.display = display,
		.front = front,
		.front_ctx = front_ctx,
		.interactive = interactive,
	};
	return DP_OK;
}

/* A draw that failed, during a change or a view verb, is said at once:
 * otherwise the list on the screen would silently be out of date. */
static void report_redraw(struct todo_session *session)
{
	int rc = todo_display_take_error(session->display);
	char text[TODO_MESSAGE_MAX];

	if (rc == DP_OK)
		return;
	session->redraw_failed = true;
	snprintf(text, sizeof(text),
	         "the list could not be redrawn: %s; 'list' tries again",
	         dp_strerror(rc));
	fail(session, text);
}

static void change(struct todo_session *session,
                   const struct todo_request *request)
{
	char message[TODO_MESSAGE_MAX];
	int rc = todo_app_change(session->app, request, message,
	                         sizeof(message));

	if (rc != DP_OK)
		fail(session, message[0] ? message : dp_strerror(rc));
	else if (message[0] != '\0')
		(void)show(session, TODO_TEXT_MESSAGE, message);
}

bool todo_session_handle(struct todo_session *session, char *line)
{
	struct todo_request request;
	char message[TODO_MESSAGE_MAX];
	bool go_on = true;

	if (session == NULL || line == NULL)
		return false;
	if (todo_parse(line, &request, message, sizeof(message)) != DP_OK) {
		fail(session, message);
		return true;
	}
	const struct view_verb *verb = find_view_verb(request.verb);
	if (verb != NULL)
		go_on = verb->run(session, &request);
	else
		change(session, &request);
	report_redraw(session);
	return go_on;
}

void todo_session_bad_line(struct todo_session *session)
{
	if (session != NULL)
		fail(session, TODO_BAD_LINE_MESSAGE);
}

bool todo_session_end(struct todo_session *session)
{
	return session == NULL || may_leave(session, false);
}

/* The end of the input, or a read a SIGINT interrupted: ask the handler.
 * The stream's end and error flags are cleared so that a terminal can be
 * read again when the handler says to go on. */
static bool ended(const struct todo_input *input,
                  const struct todo_input_ops *ops, void *ctx)
{
	if (input->interrupted != NULL)
		*input->interrupted = 0;
	clearerr(input->in);
	if (input->interactive) {
		(void)dp_stream_write_string(input->out, "\n");
		(void)dp_stream_flush(input->out);
	}
	return ops->end(ctx);
}

int todo_input_run(const struct todo_input *input,
                   const struct todo_input_ops *ops, void *ctx)
{
	char line[TODO_LINE_MAX + 1];

	if (input == NULL || input->in == NULL || input->out == NULL ||
	    ops == NULL || ops->line == NULL || ops->bad_line == NULL ||
	    ops->end == NULL)
		return DP_EINVAL;
	for (;;) {
		if (input->interactive) {
			(void)dp_stream_write_string(input->out, "> ");
			(void)dp_stream_flush(input->out);
		}
		bool interrupted =
			input->interrupted != NULL && *input->interrupted;
		int got = interrupted ? 0 : todo_read_line(input->in, line);
		if (got == 0) {
			if (ended(input, ops, ctx))
				return DP_OK;
			continue;
		}
		if (!input->interactive)
			todo_echo_line(input->out, line, got < 0);
		if (got < 0)
			ops->bad_line(ctx);
		else if (!ops->line(ctx, line))
			return DP_OK;
	}
}
