/*
 * The application's own format. It is line-based so people can read it,
 * and it ends with a count so that a file cut short is told apart from a
 * shorter list:
 *
 *     todo-list 1
 *     [ ] Buy milk
 *     [x] Walk the dog
 *     end 2
 */
#include "store.h"

#include <string.h>

#define HEADER "todo-list 1"

static int fail(struct todo_status *status, const char *reason, size_t line,
                int rc, struct todo_list *out)
{
	*status = (struct todo_status){reason, line};
	todo_list_deinit(out);
	return rc;
}

/* The count after "end ", digits only, without overflow. */
static bool parse_count(const char *text, size_t len, size_t *count)
{
	size_t value = 0;

	if (len == 0 || len > 9)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return false;
		value = value * 10 + (size_t)(text[i] - '0');
	}
	*count = value;
	return true;
}

static int native_parse(const char *data, size_t len, struct todo_list *out,
                        struct todo_status *status)
{
	size_t pos = 0;
	size_t line = 0;
	bool ended = false;

	while (pos < len) {
		const char *start = data + pos;
		const char *newline = memchr(start, '\n', len - pos);
		line++;
		if (newline == NULL)
			return fail(status, "truncated: the last line is cut",
			            line, DP_EINVAL, out);
		size_t n = (size_t)(newline - start);
		pos += n + 1;
		if (ended)
			return fail(status, "corrupt: data after the end line",
			            line, DP_EINVAL, out);
		if (line == 1) {
			if (n != strlen(HEADER) ||
			    memcmp(start, HEADER, n) != 0)
				return fail(status,
				            "wrong format: not a native list",
				            line, DP_EINVAL, out);
			continue;
		}
		size_t count;
		if (n > 4 && memcmp(start, "end ", 4) == 0) {
			if (!parse_count(start + 4, n - 4, &count) ||
			    count != out->count)
				return fail(status,
				            "corrupt: the count does not match",
				            line, DP_EINVAL, out);
			ended = true;
			continue;
		}
		if (n < 5 || (memcmp(start, "[ ] ", 4) != 0 &&
		              memcmp(start, "[x] ", 4) != 0))
			return fail(status, "corrupt: not an item line", line,
			            DP_EINVAL, out);
		int rc = todo_list_append(out, start[1] == 'x', start + 4,
		                          n - 4);
		if (rc != DP_OK)
			return fail(status,
			            rc == DP_ERANGE ? "title too long"
			            : rc == DP_ENOMEM
			                    ? "out of memory"
			                    : "corrupt: invalid title",
			            line, rc, out);
	}
	if (line == 0)
		return fail(status, "wrong format: the file is empty", 0,
		            DP_EINVAL, out);
	if (!ended)
		return fail(status, "truncated: no end line", line, DP_EINVAL,
		            out);
	return DP_OK;
}

static int native_write(const struct todo_list *list, struct dp_stream *out)
{
	int rc = dp_stream_write_string(out, HEADER "\n");

	for (size_t i = 0; rc == DP_OK && i < list->count; i++)
		rc = dp_stream_printf(out, "[%c] %s\n",
		                      list->items[i].done ? 'x' : ' ',
		                      list->items[i].title);
	if (rc == DP_OK)
		rc = dp_stream_printf(out, "end %zu\n", list->count);
	return rc;
}

const struct todo_format todo_format_native = {
	.name = "native",
	.default_file = "todo.list",
	.parse = native_parse,
	.write = native_write,
};
