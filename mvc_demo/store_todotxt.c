/*
 * The todo.txt format (github.com/todotxt/todo.txt): one task per line; a
 * completed task starts with a lowercase "x" and a space. Everything else
 * on the line (priority "(A)", dates, +project, @context) is kept as the
 * title, byte for byte, so a file written by another todo.txt tool comes
 * back unchanged. Blank lines are skipped, as the format allows.
 */
#include "store.h"

#include <string.h>

static int fail(struct todo_status *status, const char *reason, size_t line,
                int rc, struct todo_list *out)
{
	*status = (struct todo_status){reason, line};
	todo_list_deinit(out);
	return rc;
}

static int todotxt_parse(const char *data, size_t len, struct todo_list *out,
                         struct todo_status *status)
{
	size_t pos = 0;
	size_t line = 0;

	while (pos < len) {
		const char *start = data + pos;
		const char *newline = memchr(start, '\n', len - pos);
		const char *end = newline ? newline : data + len;
		pos = (size_t)(end - data) + (newline != NULL);
		line++;
		if (end > start && end[-1] == '\r')
			end--;
		if (end == start)
			continue;
		size_t n = (size_t)(end - start);
		bool done = n >= 2 && start[0] == 'x' && start[1] == ' ';
		if (done) {
			start += 2;
			n -= 2;
		}
		int rc = todo_list_append(out, done, start, n);
		if (rc != DP_OK)
			return fail(status,
			            rc == DP_ERANGE   ? "title too long"
			            : rc == DP_ENOMEM ? "out of memory"
			            : n == 0 ? "corrupt: a task with no text"
			                     : "wrong format: not a text file",
			            line, rc, out);
	}
	return DP_OK;
}

static int todotxt_write(const struct todo_list *list, struct dp_stream *out)
{
	int rc = DP_OK;

	for (size_t i = 0; rc == DP_OK && i < list->count; i++) {
		if (list->items[i].done)
			rc = dp_stream_write_string(out, "x ");
		if (rc == DP_OK)
			rc = dp_stream_write_string(out, list->items[i].title);
		if (rc == DP_OK)
			rc = dp_stream_write_string(out, "\n");
	}
	return rc;
}

const struct todo_format todo_format_todotxt = {
	.name = "todotxt",
	.default_file = "todo.txt",
	.parse = todotxt_parse,
	.write = todotxt_write,
};
