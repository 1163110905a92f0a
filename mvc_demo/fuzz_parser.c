/*
 * libFuzzer target: the command language, end to end. Each input is a
 * session, one command per line, run through the MVP presenter over a
 * real model and history (undo and redo included), with a view that
 * discards what it is shown. Commands that touch files are parsed but
 * not run, so a run never writes to the disk.
 */
#include "mvp.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int discard(void *ctx, enum todo_text_kind kind, const char *text)
{
	(void)ctx;
	(void)kind;
	(void)text;
	return DP_OK;
}

static const struct todo_view_ops discard_ops = {.show = discard};

static bool touches_files(const char *text)
{
	char line[TODO_LINE_MAX + 1];
	char error[TODO_MESSAGE_MAX];
	struct todo_request request;

	snprintf(line, sizeof(line), "%s", text);
	if (todo_parse(line, &request, error, sizeof(error)) != DP_OK)
		return false;
	return request.verb == TODO_SAVE || request.verb == TODO_LOAD ||
	       request.verb == TODO_IMPORT || request.verb == TODO_EXPORT;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp_config config;
	struct todo_app app;
	struct todo_presenter presenter;
	char error[TODO_MESSAGE_MAX];

	if (dp_config_init(&config, NULL, NULL, NULL) != DP_OK)
		return 0;
	struct todo_app_options options = {.store = "native",
	                                   .config = &config};
	if (todo_app_init(&app, &options, error, sizeof(error)) != DP_OK)
		goto done_config;
	if (todo_presenter_init(&presenter, &app, "json", false, &discard_ops,
	                        NULL) != DP_OK)
		goto done_app;
	size_t pos = 0;
	while (pos < size) {
		const uint8_t *end = memchr(data + pos, '\n', size - pos);
		size_t len = end ? (size_t)(end - (data + pos)) : size - pos;
		if (len <= TODO_LINE_MAX && !memchr(data + pos, '\0', len)) {
			char line[TODO_LINE_MAX + 1];
			memcpy(line, data + pos, len);
			line[len] = '\0';
			if (!touches_files(line) &&
			    !todo_presenter_on_line(&presenter, line))
				break;
		}
		pos += len + 1;
	}
	todo_presenter_deinit(&presenter);
done_app:
	todo_app_deinit(&app);
done_config:
	dp_config_deinit(&config);
	return 0;
}
