/*
 * CSV as RFC 4180 writes it: a header line, then "done,title" rows, a
 * title quoted when it holds a comma or a quote (quotes doubled). Rows may
 * end in CRLF, as spreadsheets write them, and the last may lack its line
 * end.
 */
#include "store.h"

#include <string.h>

#define HEADER "done,title"

static int fail(struct todo_status *status, const char *reason, size_t line,
                int rc, struct todo_list *out)
{
	*status = (struct todo_status){reason, line};
	todo_list_deinit(out);
	return rc;
}

/* Read one row's title from data[*pos], unquoting it into `title`;
 * leave *pos after the line end. Titles longer than the model accepts
 * are cut at TODO_TITLE_MAX + 1 bytes, enough for the check to refuse. */
static const char *read_title(const char *data, size_t len, size_t *pos,
                              char *title, size_t *title_len)
{
	size_t i = *pos;
	size_t n = 0;
	bool quoted = i < len && data[i] == '"';

	if (quoted)
		i++;
	for (;;) {
		if (i >= len) {
			if (quoted)
				return "truncated: a quoted title is not "
				       "closed";
			break;
		}
		char c = data[i];
		if (quoted && c == '"') {
			if (i + 1 < len && data[i + 1] == '"') {
				i++;
			} else {
				quoted = false;
				i++;
				if (i < len && data[i] != '\n' &&
				    data[i] != '\r')
					return "corrupt: text after a quoted "
					       "title";
				continue;
			}
		} else if (!quoted && (c == '\n' || c == '\r')) {
			break;
		} else if (!quoted && c == '"') {
			return "corrupt: a quote inside an unquoted title";
		}
		if (n <= TODO_TITLE_MAX)
			title[n++] = c;
		i++;
	}
	if (i < len && data[i] == '\r')
		i++;
	if (i < len && data[i] != '\n')
		return "corrupt: a carriage return inside a row";
	if (i < len)
		i++;
	*pos = i;
	*title_len = n;
	return NULL;
}

static int csv_parse(const char *data, size_t len, struct todo_list *out,
                     struct todo_status *status)
{
	size_t header = strlen(HEADER);

	if (len < header || memcmp(data, HEADER, header) != 0 ||
	    (len > header && data[header] != '\n' && data[header] != '\r'))
		return fail(status, "wrong format: no done,title header", 1,
		            DP_EINVAL, out);
	size_t pos = header;
	if (pos < len && data[pos] == '\r')
		pos++;
	if (pos < len && data[pos] == '\n')
		pos++;
	size_t line = 1;
	while (pos < len) {
		line++;
		if (len - pos < 2 || (data[pos] != '0' && data[pos] != '1') ||
		    data[pos + 1] != ',')
			return fail(status,
			            "corrupt: a row must start 0, or 1,", line,
			            DP_EINVAL, out);
		bool done = data[pos] == '1';
		pos += 2;
		char title[TODO_TITLE_MAX + 1];
		size_t title_len = 0;
		const char *why =
			read_title(data, len, &pos, title, &title_len);
		if (why != NULL)
			return fail(status, why, line, DP_EINVAL, out);
		int rc = todo_list_append(out, done, title, title_len);
		if (rc != DP_OK)
			return fail(status,
			            rc == DP_ERANGE ? "title too long"
			            : rc == DP_ENOMEM
			                    ? "out of memory"
			                    : "corrupt: invalid title",
			            line, rc, out);
	}
	return DP_OK;
}

static int write_title(const char *title, struct dp_stream *out)
{
	if (strpbrk(title, ",\"") == NULL)
		return dp_stream_write_string(out, title);
	int rc = dp_stream_write_string(out, "\"");
	for (const char *p = title; rc == DP_OK && *p; p++)
		rc = dp_stream_write(out, *p == '"' ? "\"\"" : p,
		                     *p == '"' ? 2 : 1);
	return rc == DP_OK ? dp_stream_write_string(out, "\"") : rc;
}

static int csv_write(const struct todo_list *list, struct dp_stream *out)
{
	int rc = dp_stream_write_string(out, HEADER "\n");

	for (size_t i = 0; rc == DP_OK && i < list->count; i++) {
		rc = dp_stream_write_string(out,
		                            list->items[i].done ? "1," : "0,");
		if (rc == DP_OK)
			rc = write_title(list->items[i].title, out);
		if (rc == DP_OK)
			rc = dp_stream_write_string(out, "\n");
	}
	return rc;
}

const struct todo_format todo_format_csv = {
	.name = "csv",
	.default_file = "todo.csv",
	.parse = csv_parse,
	.write = csv_write,
};
