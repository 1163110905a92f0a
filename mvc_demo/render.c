/*
 * The renderers. They differ only in layout; every one ends with the
 * TodoMVC footer, so the three views stay comparable line by line.
 */
#include "render.h"

#include <stdio.h>

#define GREEN "\033[32m"
#define RESET "\033[0m"

/* A single change's row starts with a mark, as a diff does; a list's
 * rows have none. */
static const char *change_mark(const struct todo_change *change)
{
	switch (change->kind) {
	case TODO_CHANGE_ADDED:
		return "+ ";
	case TODO_CHANGE_REMOVED:
		return "- ";
	default:
		return "~ ";
	}
}

static const char *change_name(const struct todo_change *change)
{
	switch (change->kind) {
	case TODO_CHANGE_ADDED:
		return "added";
	case TODO_CHANGE_REMOVED:
		return "removed";
	default:
		return "changed";
	}
}

static int footer(const struct todo_screen *screen, struct dp_stream *out)
{
	int rc = DP_OK;

	if (screen->more > 0)
		rc = dp_stream_printf(out, "  ... %zu more: 'list' shows all\n",
		                      screen->more);
	if (rc != DP_OK)
		return rc;
	return dp_stream_printf(out, "%zu item%s left (%s)\n", screen->left,
	                        screen->left == 1 ? "" : "s", screen->filter);
}

static int plain_row(const struct todo_renderer *renderer, const char *mark,
                     const struct todo_item *item, struct dp_stream *out)
{
	const char *done = item->done ? "[x]" : "[ ]";

	if (renderer->colour && item->done)
		return dp_stream_printf(out, "%s%3u " GREEN "%s" RESET " %s\n",
		                        mark, item->id, done, item->title);
	return dp_stream_printf(out, "%s%3u %s %s\n", mark, item->id, done,
	                        item->title);
}

static int draw_plain(const struct todo_renderer *renderer,
                      const struct todo_screen *screen, struct dp_stream *out)
{
	int rc = DP_OK;

	if (screen->shown == 0 && screen->more == 0)
		rc = dp_stream_write_string(out, "  (no items)\n");
	for (size_t i = 0; rc == DP_OK && i < screen->shown; i++)
		rc = plain_row(renderer, "", screen->items[i], out);
	return rc == DP_OK ? footer(screen, out) : rc;
}

static int draw_plain_change(const struct todo_renderer *renderer,
                             const struct todo_change *change,
                             const struct todo_screen *screen,
                             struct dp_stream *out)
{
	int rc = plain_row(renderer, change_mark(change), &change->item, out);

	return rc == DP_OK ? footer(screen, out) : rc;
}

static int table_row(const struct todo_renderer *renderer, const char *mark,
                     const struct todo_item *item, struct dp_stream *out)
{
	bool green = renderer->colour && item->done;

	return dp_stream_printf(out, "%s%3u | %s%s%s | %s\n", mark, item->id,
	                        green ? GREEN : "",
	                        item->done ? "yes " : "no  ",
	                        green ? RESET : "", item->title);
}

static int draw_table(const struct todo_renderer *renderer,
                      const struct todo_screen *screen, struct dp_stream *out)
{
	int rc = dp_stream_write_string(out, " id | done | title\n"
	                                     "----+------+------\n");

	for (size_t i = 0; rc == DP_OK && i < screen->shown; i++)
		rc = table_row(renderer, "", screen->items[i], out);
	return rc == DP_OK ? footer(screen, out) : rc;
}

static int draw_table_change(const struct todo_renderer *renderer,
                             const struct todo_change *change,
                             const struct todo_screen *screen,
                             struct dp_stream *out)
{
	int rc = table_row(renderer, change_mark(change), &change->item, out);

	return rc == DP_OK ? footer(screen, out) : rc;
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static int json_string(struct dp_stream *out, const char *text)
{
	int rc = dp_stream_write_string(out, "\"");

	for (const char *p = text; rc == DP_OK && *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\')
			rc = dp_stream_printf(out, "\\%c", c);
		else if (c < 32)
			rc = dp_stream_printf(out, "\\u%04x", c);
		else
			rc = dp_stream_write(out, p, 1);
	}
	return rc == DP_OK ? dp_stream_write_string(out, "\"") : rc;
}

static int json_item(const struct todo_item *item, struct dp_stream *out)
{
	int rc = dp_stream_printf(out,
	                          "{\"id\":%u,\"done\":%s,\"title\":", item->id,
	                          item->done ? "true" : "false");

	if (rc == DP_OK)
		rc = json_string(out, item->title);
	return rc == DP_OK ? dp_stream_write_string(out, "}") : rc;
}

static int draw_json(const struct todo_renderer *renderer,
                     const struct todo_screen *screen, struct dp_stream *out)
{
	(void)renderer;
	int rc = dp_stream_printf(out,
	                          "{\"filter\":\"%s\",\"left\":%zu,"
	                          "\"total\":%zu,\"more\":%zu,\"items\":[",
	                          screen->filter, screen->left, screen->total,
	                          screen->more);

	for (size_t i = 0; rc == DP_OK && i < screen->shown; i++) {
		if (i > 0)
			rc = dp_stream_write_string(out, ",");
		if (rc == DP_OK)
			rc = json_item(screen->items[i], out);
	}
	return rc == DP_OK ? dp_stream_write_string(out, "]}\n") : rc;
}

static int draw_json_change(const struct todo_renderer *renderer,
                            const struct todo_change *change,
                            const struct todo_screen *screen,
                            struct dp_stream *out)
{
	(void)renderer;
	int rc = dp_stream_printf(out,
	                          "{\"filter\":\"%s\",\"left\":%zu,"
	                          "\"total\":%zu,\"change\":\"%s\","
	                          "\"position\":%zu,\"item\":",
	                          screen->filter, screen->left, screen->total,
	                          change_name(change), change->index);

	if (rc == DP_OK)
		rc = json_item(&change->item, out);
	return rc == DP_OK ? dp_stream_write_string(out, "}\n") : rc;
}

static const struct todo_renderer_ops plain_ops = {
	.name = "plain",
	.draw = draw_plain,
	.draw_change = draw_plain_change,
};
static const struct todo_renderer_ops table_ops = {
	.name = "table",
	.draw = draw_table,
	.draw_change = draw_table_change,
};
static const struct todo_renderer_ops json_ops = {
	.name = "json",
	.draw = draw_json,
	.draw_change = draw_json_change,
};

static int make(const struct todo_renderer_ops *ops, void **product,
                const void *config, const struct dp_allocator *alloc)
{
	const struct todo_renderer_config *settings = config;
	struct todo_renderer *renderer = dp_alloc(alloc, sizeof(*renderer));

	if (renderer == NULL)
		return DP_ENOMEM;
	*renderer = (struct todo_renderer){
		.ops = ops,
		.colour = settings != NULL && settings->colour,
		.alloc = alloc,
	};
	*product = renderer;
	return DP_OK;
}

static int make_plain(void **product, const void *config,
                      const struct dp_allocator *alloc)
{
	return make(&plain_ops, product, config, alloc);
}

static int make_table(void **product, const void *config,
                      const struct dp_allocator *alloc)
{
	return make(&table_ops, product, config, alloc);
}

static int make_json(void **product, const void *config,
                     const struct dp_allocator *alloc)
{
	return make(&json_ops, product, config, alloc);
}

static const struct dp_factory_entry RENDERERS[] = {
	{"plain", make_plain, "one line per item"},
	{"table", make_table, "columns: id, done, title"},
	{"json", make_json, "one JSON object per change"},
	{NULL, NULL, NULL},
};

const struct dp_factory_entry *todo_renderer_entries(void)
{
	return RENDERERS;
}

void todo_renderer_destroy(struct todo_renderer *renderer)
{
	if (renderer != NULL)
		dp_free(renderer->alloc, renderer);
}

int todo_renderer_draw(const struct todo_renderer *renderer,
                       const struct todo_screen *screen, struct dp_stream *out)
{
	if (renderer == NULL || screen == NULL || out == NULL)
		return DP_EINVAL;
	return renderer->ops->draw(renderer, screen, out);
}

int todo_renderer_draw_change(const struct todo_renderer *renderer,
                              const struct todo_change *change,
                              const struct todo_screen *screen,
                              struct dp_stream *out)
{
	if (renderer == NULL || change == NULL || screen == NULL || out == NULL)
		return DP_EINVAL;
	return renderer->ops->draw_change(renderer, change, screen, out);
}
