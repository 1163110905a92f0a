/**
 * @file render.h
 * @brief The three ways of drawing the list (plain, table, json), made by
 *        name through a Factory (patterns/factory) and drawing onto any
 *        dp_stream.
 *
 * The MVC views draw with a renderer when the model notifies them; the
 * MVP presenter draws with one into text that its passive view prints.
 * Ownership: todo_renderer_make() allocates, todo_renderer_destroy()
 * frees. Thread-safety: none.
 */
#ifndef TODO_RENDER_H
#define TODO_RENDER_H

#include "common/dp_stream.h"
#include "factory/factory.h"
#include "model.h"

#include <stdbool.h>
#include <stddef.h>

/** @brief What a renderer draws: the items shown and the counts. */
struct todo_screen {
	const struct todo_item *const *items; /**< The items shown. */
	size_t shown;                         /**< How many. */
	/** Items the filter keeps beyond the page shown, which `list` shows;
	 * 0 when every one is shown. */
	size_t more;
	size_t left;        /**< Active items in the list. */
	size_t total;       /**< Items in the list. */
	const char *filter; /**< The filter's name. */
};

struct todo_renderer;

/** @brief What a renderer does. */
struct todo_renderer_ops {
	/** Required. "plain", "table" or "json". */
	const char *name;
	/**
	 * Required. Draw the list.
	 * @param[in]  renderer The renderer.
	 * @param[in]  screen   What to draw.
	 * @param[out] out      Where to draw it.
	 * @return #DP_OK or the stream's error.
	 */
	int (*draw)(const struct todo_renderer *renderer,
	            const struct todo_screen *screen, struct dp_stream *out);
	/**
	 * Required. Draw a single item's change: the row, marked added,
	 * removed or changed, and the footer.
	 * @param[in]  renderer The renderer.
	 * @param[in]  change   The change.
	 * @param[in]  screen   The counts and the filter's name (no items).
	 * @param[out] out      Where to draw it.
	 * @return #DP_OK or the stream's error.
	 */
	int (*draw_change)(const struct todo_renderer *renderer,
	                   const struct todo_change *change,
	                   const struct todo_screen *screen,
	                   struct dp_stream *out);
};

/** @brief A renderer: its kind and its settings. */
struct todo_renderer {
	const struct todo_renderer_ops *ops; /**< The kind. */
	bool colour;                      /**< Whether to use ANSI colours. */
	const struct dp_allocator *alloc; /**< What it was allocated from. */
};

/** @brief What todo_renderer_make() hands each constructor. */
struct todo_renderer_config {
	bool colour; /**< Whether to use ANSI colours. */
};

/**
 * @brief The renderers' built-in table, for dp_factory_create().
 * @return The table, ending in a NULL-named sentinel.
 */
const struct dp_factory_entry *todo_renderer_entries(void);

/**
 * @brief Free a renderer made by the factory.
 * @param[in] renderer The renderer; NULL is a no-op.
 */
void todo_renderer_destroy(struct todo_renderer *renderer);

/**
 * @brief Draw a screen.
 * @param[in]  renderer The renderer.
 * @param[in]  screen   What to draw.
 * @param[out] out      Where.
 * @return #DP_OK; #DP_EINVAL when an argument is NULL; the stream's error.
 */
int todo_renderer_draw(const struct todo_renderer *renderer,
                       const struct todo_screen *screen, struct dp_stream *out);

/**
 * @brief Draw a single item's change: its row, marked, and the footer.
 * @param[in]  renderer The renderer.
 * @param[in]  change   The change, as the model notified it.
 * @param[in]  screen   The counts and the filter's name; its items are
 *                      not read.
 * @param[out] out      Where.
 * @return #DP_OK; #DP_EINVAL when an argument is NULL; the stream's error.
 */
int todo_renderer_draw_change(const struct todo_renderer *renderer,
                              const struct todo_change *change,
                              const struct todo_screen *screen,
                              struct dp_stream *out);

#endif /* TODO_RENDER_H */
