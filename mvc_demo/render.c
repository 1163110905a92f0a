/*
 * The renderers. They differ only in layout; every one ends with the
 * TodoMVC footer, so the three views stay comparable line by line.
 */
#include "render.h"

#include <stdio.h>

#define GREEN "\033[32m"
#define RESET "\033[0m"

static int footer(const struct todo_screen *screen, struct dp_stream *out)
{
	return dp_stream_printf(out, "%zu item%s left (%s)\n", screen->left,
	                        screen->left == 1 ? "" : "s", screen->filter);
}

static int draw_plain(const struct todo_renderer *renderer,
                      const struct todo_screen *screen, struct dp_stream *out)
{
	int rc = DP_OK;

	if (screen->shown == 0)
		rc = dp_stream_write_string(out, "  (no items)\n");
	for (size_t i = 0; rc == DP_OK && i < screen->shown; i++) {
		const struct todo_item *item = screen->items[i];
		const char *mark = item->done ? "[x]" : "[ ]";
		if (renderer->colour && item->done)
			rc = dp_stream_printf(out,
			                      "%3u " GREEN "%s" RESET " %s\n",
			                      item->id, mark, item->title);
		else
			rc = dp_stream_printf(out, "%3u %s %s\n", item->id,
			                      mark, item->title);
	}
	return rc == DP_OK ? footer(screen, out) : rc;
}

static int draw_table(const struct todo_renderer *renderer,
                      const struct todo_screen *screen, struct dp_stream *out)
{
	int rc = dp_stream_write_string(out, " id | done | title\n"
	                                     "----+------+------\n");

	for (size_t i = 0; rc == DP_OK && i < screen->shown; i++) {
		const struct todo_item *item = screen->items[i];
		const char *mark = item->done ? "yes " : "no  ";
		rc = dp_stream_printf(
			out, "%3u | %s%s%s | %s\n", item->id,
			renderer->colour && item->done ? GREEN : "", mark,
			renderer->colour && item->done ? RESET : "",
			item->title);
	}
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

static int draw_json(const struct todo_renderer *renderer,
                     const struct todo_screen *screen, struct dp_stream *out)
{
	(void)renderer;
	int rc = dp_stream_printf(out,
	                          "{\"filter\":\"%s\",\"left\":%zu,"
	                          "\"total\":%zu,\"items\":[",
	                          screen->filter, screen->left, screen->total);

	for (size_t i = 0; rc == DP_OK && i < screen->shown; i++) {
		const struct todo_item *item = screen->items[i];
		rc = dp_stream_printf(out,
		                      "%s{\"id\":%u,\"done\":%s,"
		                      "\"title\":",
		                      i ? "," : "", item->id,
		                      item->done ? "true" : "false");
		if (rc == DP_OK)
			rc = json_string(out, item->title);
		if (rc == DP_OK)
			rc = dp_stream_write_string(out, "}");
	}
	return rc == DP_OK ? dp_stream_write_string(out, "]}\n") : rc;
}

static const struct todo_renderer_ops plain_ops = {.name = "plain",
                                                   .draw = draw_plain};
static const struct todo_renderer_ops table_ops = {.name = "table",
                                                   .draw = draw_table};
static const struct todo_renderer_ops json_ops = {.name = "json",
                                                  .draw = draw_json};

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
